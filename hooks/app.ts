/**
 * createApp(deps) → the hooks Express app: the routes table, the index-label admission webhook
 * (hooks/controllers/index-label-admission.ts), /healthz, /metrics, the JSON body reader and the one error middleware.
 * It never listens; server.ts (or a test) does.
 */
import express from 'express';
import type { Logger } from 'winston';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { methodNotAllowed, notFound } from './errors.js';
import { errorMiddleware, hookHandler, hookMetrics, measured, type HookRoute } from './http.js';
import { jsonBody, keptBodies, type KeptBodies } from './request-body.js';
import { INDEX_LABEL_ADMISSION_PATH, admitIndexLabels } from './controllers/index-label-admission.js';

export interface AppDeps {
  logger: Logger;
  routes: readonly HookRoute[];
  /** JSON body limit; Metacontroller requests carry managedFields and whole zones' records. */
  bodyLimit?: string;
  /** Large bodies kept parsed (hooks/request-body.ts); default: its default bounds. */
  bodies?: KeptBodies;
  registry?: Registry;
  /** Collect process metrics (off in tests to keep registries independent). */
  processMetrics?: boolean;
}

export function createApp(deps: AppDeps): express.Express {
  const registry = deps.registry ?? new Registry();
  if (deps.processMetrics) collectDefaultMetrics({ register: registry });
  const metrics = hookMetrics(registry);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  const json = jsonBody(deps.bodyLimit ?? '32mb', deps.bodies ?? keptBodies());
  for (const route of deps.routes) {
    app.post(route.path, json, hookHandler(route, deps.logger, metrics));
  }
  // the apiserver's AdmissionReview, not a Metacontroller hook: counted beside them as hook "admit"
  app.post(INDEX_LABEL_ADMISSION_PATH, json, (req: express.Request, res: express.Response) =>
    measured(metrics, { hook: 'admit', kind: 'IndexLabels' }, () => {
      res.status(200).json(admitIndexLabels(req.body));
    }),
  );
  // Every answer is JSON, wrong methods and unknown paths included (not Express's HTML page).
  const allowed = new Map<string, string>([
    ['/healthz', 'GET, HEAD'],
    ['/metrics', 'GET, HEAD'],
    ...deps.routes.map((r) => [r.path, 'POST'] as const),
    [INDEX_LABEL_ADMISSION_PATH, 'POST'],
  ]);
  app.use((req, _res, next) => {
    const allow = allowed.get(req.path);
    next(
      allow
        ? methodNotAllowed(`${req.method} is not allowed on ${req.path}`, allow)
        : notFound(`no hook at ${req.method} ${req.path}`),
    );
  });
  app.use(errorMiddleware(deps.logger));
  return app;
}
