/**
 * Express glue for Metacontroller hooks: one adapter turns a route (kind + pure function) into a handler that
 * checks the envelope, validates the parent against our CRD schema, calls the function and answers 200 only with a
 * complete response. Everything else is an error answered non-200, so Metacontroller keeps the children and retries.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'winston';
import { Counter, Histogram, type Registry } from 'prom-client';
import { isDnsLabel, isDnsSubdomain } from './children/names.js';
import { HttpError, badRequest, invalidSpec } from './errors.js';
import { InvalidSpec } from './schema/validate.js';
import type { KubeObject } from './metacontroller.js';

/** `decorate` is a DecoratorController's sync hook (request `{controller, object, attachments, related, finalizing}`). */
export type HookType = 'sync' | 'finalize' | 'customize' | 'decorate';

/** What a hook function gets besides the request body: a per-request logger for the adapter's own use. */
export interface HookContext {
  log: Logger;
}

export interface HookRoute {
  /** URL path, e.g. `/sync/dnszone`. */
  path: string;
  hook: HookType;
  /** The parent Kind this route accepts (with `kinds`: the name metrics and logs use for the route). */
  kind: string;
  /** The parent Kinds a route over several kinds (a DecoratorController) accepts. */
  kinds?: readonly string[];
  /** Throws `invalidSpec` when the parent does not satisfy the CRD schema (version skew). */
  validateParent?: (parent: KubeObject) => void;
  handle: (body: never, ctx: HookContext) => unknown;
}

export interface HookMetrics {
  requests: Counter<'hook' | 'kind' | 'code'>;
  duration: Histogram<'hook' | 'kind'>;
}

/** Registers the hook metrics on `registry`. */
export function hookMetrics(registry: Registry): HookMetrics {
  return {
    requests: new Counter({
      name: 'bindy_hook_requests_total',
      help: 'Hook requests by hook, parent kind and HTTP status code.',
      labelNames: ['hook', 'kind', 'code'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'bindy_hook_duration_seconds',
      help: 'Hook request duration, request in to response out.',
      labelNames: ['hook', 'kind'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}

/** A JSON object (not an array, not null). */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const DNS1123_SUBDOMAIN_RULE =
  'a lowercase RFC 1123 subdomain: at most 253 characters of a-z, 0-9, "-" and ".", starting and ending alphanumeric';
const DNS1123_LABEL_RULE = 'a lowercase RFC 1123 label: at most 63 characters of a-z, 0-9 and "-", alphanumeric ends';

/** Checks the Metacontroller request envelope and returns the parent. */
export function checkEnvelope(route: HookRoute, body: unknown): KubeObject {
  if (!isObject(body)) throw badRequest('request body must be a JSON object');
  const at = route.hook === 'decorate' ? 'object' : 'parent';
  const parent = body[at];
  if (!isObject(parent)) throw badRequest(`${at}: required object is missing`);
  const kinds = route.kinds ?? [route.kind];
  if (!kinds.includes(parent['kind'] as string)) {
    throw badRequest(`${at}.kind: expected ${kinds.join(' | ')}, got ${JSON.stringify(parent['kind'])}`);
  }
  const metadata = parent['metadata'];
  if (!isObject(metadata) || typeof metadata['name'] !== 'string') {
    throw badRequest(`${at}.metadata.name: required string is missing`);
  }
  // Names reach log lines, events, label values and bindcar paths: only what the apiserver itself accepts.
  if (!isDnsSubdomain(metadata['name'])) {
    throw invalidSpec(`${at}.metadata.name: ${JSON.stringify(metadata['name'])} is not a Kubernetes object name`, [
      { field: `${at}.metadata.name`, message: DNS1123_SUBDOMAIN_RULE },
    ]);
  }
  const ns = metadata['namespace'];
  if (ns !== undefined && (typeof ns !== 'string' || !isDnsLabel(ns))) {
    throw invalidSpec(`${at}.metadata.namespace: ${JSON.stringify(ns)} is not a Kubernetes namespace name`, [
      { field: `${at}.metadata.namespace`, message: DNS1123_LABEL_RULE },
    ]);
  }
  if (route.hook !== 'customize') {
    const maps = route.hook === 'decorate' ? (['attachments', 'related'] as const) : (['children', 'related'] as const);
    for (const field of maps) {
      if (!isObject(body[field])) throw badRequest(`${field}: required object is missing (hook version v2)`);
    }
    if (typeof body['finalizing'] !== 'boolean') throw badRequest('finalizing: required boolean is missing');
  }
  return parent as unknown as KubeObject;
}

/** Refuses to send a partial answer: Metacontroller deletes omitted children and replaces status wholesale. */
export function checkResponse(route: HookRoute, result: unknown): void {
  if (!isObject(result)) throw new Error(`${route.path} returned no object`);
  if (route.hook === 'customize') {
    if (!Array.isArray(result['relatedResources'])) throw new Error(`${route.path} returned no relatedResources`);
    return;
  }
  if (route.hook === 'decorate') {
    // A decorator answers labels only: a status object would replace the object's status wholesale.
    if (!isObject(result['labels'])) throw new Error(`${route.path} returned no labels`);
    if (result['status'] !== null) throw new Error(`${route.path} returned a status; a decorator leaves it (null)`);
    if (!Array.isArray(result['attachments'])) throw new Error(`${route.path} returned no attachments`);
    return;
  }
  if (!isObject(result['status'])) throw new Error(`${route.path} returned no status`);
  if (!Array.isArray(result['children'])) throw new Error(`${route.path} returned no children`);
}

/**
 * Runs `answer` (which sends the 200) counted and timed under `labels`, by the status it ends with: 200, the
 * HttpError's status, else 500.
 */
export async function measured(
  metrics: HookMetrics,
  labels: { hook: string; kind: string },
  answer: () => Promise<void> | void,
): Promise<void> {
  const stop = metrics.duration.startTimer(labels);
  let code = 500;
  try {
    await answer();
    code = 200;
  } catch (err) {
    code = err instanceof HttpError ? err.status : 500;
    throw err;
  } finally {
    metrics.requests.inc({ ...labels, code: String(code) });
    stop();
  }
}

/** The Express handler for one hook route. */
export function hookHandler(route: HookRoute, logger: Logger, metrics: HookMetrics): RequestHandler {
  return (req: Request, res: Response) =>
    measured(metrics, { hook: route.hook, kind: route.kind }, async () => {
      const parent = checkEnvelope(route, req.body);
      const log = logger.child({
        hook: route.hook,
        kind: parent.kind,
        namespace: parent.metadata.namespace,
        name: parent.metadata.name,
        uid: parent.metadata.uid,
        generation: parent.metadata.generation,
      });
      route.validateParent?.(parent);
      const result = await route.handle(req.body as never, { log });
      checkResponse(route, result);
      res.status(200).json(result);
    });
}

/** The one error middleware: stable `{code, message, details?}` envelope, stack logged but never returned. */
export function errorMiddleware(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof InvalidSpec) {
      logger.warn('hook request failed', { path: req.path, code: err.code, error: err.message });
      res.status(422).json({ code: err.code, message: err.message, details: err.errors });
      return;
    }
    if (err instanceof HttpError) {
      if (err.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(Math.ceil(err.retryAfterSeconds)));
      if (err.allow !== undefined) res.setHeader('Allow', err.allow);
      logger.warn('hook request failed', { path: req.path, code: err.code, error: err.message });
      res
        .status(err.status)
        .json({ code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) });
      return;
    }
    const e = err as { type?: string; status?: number; message?: string; stack?: string };
    if (e?.type === 'entity.too.large') {
      res.status(413).json({ code: 'PAYLOAD_TOO_LARGE', message: 'request body exceeds the configured limit' });
      return;
    }
    // the body reader's other refusals (an aborted or short body, an unsupported content encoding): the client's
    if (e?.type && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).json({ code: 'BAD_REQUEST', message: `request body: ${e.message}` });
      return;
    }
    logger.error('hook failed', { path: req.path, error: e?.message, stack: e?.stack });
    res.status(500).json({ code: 'INTERNAL', message: 'internal error; see the hooks service log' });
  };
}
