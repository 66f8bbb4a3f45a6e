/**
 * `createApp(deps)` → the bindcar Express app (never listens; `server.ts` does): request metrics,
 * the routes table (routes.ts) mounted by http.ts behind bearer authentication, and the one error
 * renderer that answers every failure as `{code, message, details?}` (bindcar/README.md).
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ApiErrorBody } from '../dns/contract.js';
import { charsetRefusal } from '../dns/json-bytes.js';
import type { Authenticator } from './auth.js';
import { HttpError } from './errors.js';
import { mountRoutes, type RouteDeps } from './http.js';
import { bindcarRoutes } from './routes.js';

export interface AppDeps extends RouteDeps {
  authenticate: Authenticator;
  /** JSON body limit (default 32mb: a 200k-record zone) */
  bodyLimit?: string;
}

/** Build the Express app. */
export function createApp(deps: AppDeps): express.Express {
  const { metrics, logger } = deps;
  const bodyLimit = deps.bodyLimit ?? '32mb';
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use((req: Request, res: Response, next: NextFunction) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : '<unmatched>';
      end({ method: req.method, route });
      metrics.httpRequests.inc({ method: req.method, route, code: String(res.statusCode) });
    });
    next();
  });

  // Authentication runs before the body parser: a caller who is not allowed in never has a body parsed.
  const authenticate = async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    try {
      await deps.authenticate(req.get('authorization'));
    } catch (e) {
      if (e instanceof HttpError) throw e;
      throw new HttpError(503, 'AUTH_UNAVAILABLE', 'authentication backend unavailable', undefined, { cause: e });
    }
    next();
  };
  // a JSON body is read as bytes and parsed when a handler first reads it (http.ts): a PUT of the very body applied
  // last is answered without parsing, validating or diffing it again (apply-zone.ts samePut)
  const json = express.raw({ type: 'application/json', limit: bodyLimit });
  const utf8 = (req: Request, _res: Response, next: NextFunction): void => {
    const refusal = charsetRefusal(req.headers['content-type']);
    next(refusal ? new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', refusal) : undefined);
  };
  mountRoutes(app, bindcarRoutes(deps), [authenticate, json, utf8]);

  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(new HttpError(404, 'NOT_FOUND', `no route for ${req.method} ${req.path.slice(0, 200)}`));
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let status = 500;
    let body: ApiErrorBody = { code: 'INTERNAL', message: 'internal error' };
    const e = err as { type?: string; status?: number; message?: string };
    if (err instanceof HttpError) {
      status = err.status;
      body = { code: err.code, message: err.message };
      if (err.details !== undefined) body.details = err.details;
    } else if (e?.type === 'entity.too.large') {
      status = 413;
      body = { code: 'PAYLOAD_TOO_LARGE', message: `request body exceeds ${bodyLimit}` };
    } else if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      status = e.status;
      body = { code: 'BAD_REQUEST', message: String(e.message ?? 'bad request') };
    }
    metrics.errors.inc({ code: body.code });
    if (status >= 500)
      logger.error('request failed', {
        method: req.method,
        path: req.path,
        code: body.code,
        err: err instanceof Error ? err.stack : String(err),
      });
    else
      logger.info('request rejected', {
        method: req.method,
        path: req.path,
        status,
        code: body.code,
        message: body.message,
      });
    if (!res.headersSent) res.status(status).json(body);
  });

  return app;
}
