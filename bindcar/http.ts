/**
 * bindcar's HTTP layer as data. Every route is one `BindcarRoute` entry — method, path, whether it
 * sits behind authentication, and a handler that turns the request into a reply — and
 * `mountRoutes` is the one function that puts a table of them on Express (the table is routes.ts,
 * the same shape as hooks/routes.ts and hooks/http.ts).
 *
 * Mounting keeps the shape the API has always had, because auth and body parsing depend on it:
 *
 * - routes without auth (the probes and /metrics) sit on the app itself, before anything else;
 * - every authenticated route sits on one router at `/api/v1` whose middleware (authentication,
 *   then the JSON body parser) runs for every request under that prefix, so an unknown path or a
 *   wrong method there is a 401 before it is a 404 or 405, and a body is never parsed for a caller
 *   who is not allowed in;
 * - a known path asked with a method it lacks answers 405 with an `Allow` header
 *   (RFC 9110 §15.5.6) instead of falling through to 404. The methods come from the table, so the
 *   two cannot drift; the app's own 405s come after the router, so upstream's unauthenticated
 *   probes under `/api/v1` still authenticate a wrong method first.
 */
import express, { type Express, type Request, type RequestHandler, type Response, type Router } from 'express';
import type { ValidateFunction } from 'ajv';
import type { Logger } from 'winston';
import { fieldErrors } from '../dns/contract.js';
import { parseJsonBytes } from '../dns/json-bytes.js';
import { HttpError, invalidSpec } from './errors.js';
import type { Metrics } from './metrics.js';
import type { Rndc } from './rndc.js';
import type { ZoneService } from './zones.js';

/** The prefix of every authenticated route. */
export const API_PREFIX = '/api/v1';

/** A reply: JSON (the API), or text with its content type (/metrics). `status` defaults to 200. */
export type Reply = { status?: number; json: unknown } | { status?: number; contentType: string; text: string };

/** What a handler sees of the request: the raw `:zone` path parameter ('' on routes without one) and the body. */
export interface RouteRequest {
  zone: string;
  /**
   * the JSON body on authenticated routes, parsed when first read (400 `BAD_JSON` when it is not JSON); undefined
   * when none was sent as application/json
   */
  readonly body: unknown;
  /** the bytes of that body (authenticated routes with a JSON body) */
  raw?: Buffer;
}

export interface BindcarRoute {
  method: 'get' | 'put' | 'post' | 'delete' | 'patch';
  /** full path in Express syntax, e.g. `/api/v1/zones/:zone`; authenticated routes start with `/api/v1/` */
  path: string;
  /** behind the bearer-token authenticator (and the JSON body parser) */
  auth: boolean;
  handle: (req: RouteRequest) => Promise<Reply> | Reply;
}

/** What the route handlers use. */
export interface RouteDeps {
  zones: ZoneService;
  rndc: Rndc;
  metrics: Metrics;
  logger: Logger;
  /** reported by upstream's `/api/v1/health` */
  version?: string;
}

/** Validate a JSON body against a contract schema: 415 when no JSON body came, 422 naming the fields. */
export function checkBody<T>(fn: ValidateFunction<T>, body: unknown, what: string): T {
  if (body === undefined) throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  if (!fn(body)) {
    const errs = fieldErrors(fn.errors);
    throw invalidSpec(
      `${what} is invalid: ${errs
        .slice(0, 5)
        .map((e) => `${e.field}: ${e.message}`)
        .join('; ')}`,
      errs,
    );
  }
  return body;
}

function handler(route: BindcarRoute): RequestHandler {
  return async (req: Request, res: Response) => {
    // app.ts leaves the bytes: a handler may answer from them without parsing (apply-zone.ts, a PUT of the body
    // applied last)
    const raw = Buffer.isBuffer(req.body) ? req.body : undefined;
    let parsed: { value: unknown } | undefined;
    const reply = await route.handle({
      zone: String(req.params['zone'] ?? ''),
      get body() {
        if (!raw) return undefined;
        if (!parsed) {
          const r = parseJsonBytes(raw);
          if (!r.ok) throw new HttpError(400, 'BAD_JSON', r.message);
          parsed = { value: r.value };
        }
        return parsed.value;
      },
      ...(raw ? { raw } : {}),
    });
    res.status(reply.status ?? 200);
    if ('json' in reply) res.json(reply.json);
    else res.set('content-type', reply.contentType).send(reply.text);
  };
}

/** The 405 handlers for the paths of `routes`, mounted on `target` (paths relative to `prefix`). */
function methodNotAllowed(target: Express | Router, routes: readonly BindcarRoute[], prefix: string): void {
  const byPath = new Map<string, Set<string>>();
  for (const r of routes) {
    const m = byPath.get(r.path) ?? new Set<string>();
    m.add(r.method.toUpperCase());
    if (r.method === 'get') m.add('HEAD');
    byPath.set(r.path, m);
  }
  for (const [path, methods] of byPath) {
    const rel = path.slice(prefix.length);
    const allowed = [...methods].sort();
    const allow = allowed.join(', ');
    const refuse: RequestHandler = (req, res) => {
      res.set('allow', allow);
      throw new HttpError(
        405,
        'METHOD_NOT_ALLOWED',
        `${req.method} is not allowed on ${req.baseUrl}${rel}; use ${allow}`,
        { allow: allowed },
      );
    };
    (target as Router).all(rel, refuse);
  }
}

/**
 * Mount `routes` on `app`: the unauthenticated ones directly, the authenticated ones on a router at
 * `/api/v1` behind `apiMiddleware` (authentication, body parsing), then the 405s of each.
 */
export function mountRoutes(app: Express, routes: readonly BindcarRoute[], apiMiddleware: RequestHandler[]): void {
  const open = routes.filter((r) => !r.auth);
  const guarded = routes.filter((r) => r.auth);
  for (const r of guarded)
    if (!r.path.startsWith(`${API_PREFIX}/`))
      throw new Error(`internal: authenticated route ${r.path} is outside ${API_PREFIX}`);
  for (const r of open) app[r.method](r.path, handler(r));
  const api = express.Router();
  for (const m of apiMiddleware) api.use(m);
  for (const r of guarded) api[r.method](r.path.slice(API_PREFIX.length), handler(r));
  methodNotAllowed(api, guarded, API_PREFIX);
  app.use(API_PREFIX, api);
  methodNotAllowed(app, open, '');
}
