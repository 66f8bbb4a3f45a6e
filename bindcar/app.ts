/**
 * `createApp(deps)` → the bindcar Express app (never listens; `server.ts` does).
 *
 * Routes (bindcar/README.md): the declarative `PUT /api/v1/zones/{zone}` and
 * `GET /api/v1/zones/{zone}/records` (apply-zone.ts), the upstream-compatible bindcar routes
 * (upstream.ts, upstream-records.ts), and unauthenticated `/healthz`, `/readyz`,
 * `/metrics` (plus upstream's `/api/v1/health` and `/api/v1/ready`, which here answers 503 when
 * not ready). One error middleware renders every failure as `{code, message, details?}`.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'winston';
import {
  fieldErrors,
  validateAddRecordRequest,
  validateCreateZoneRequest,
  validateModifyZoneRequest,
  validatePutZoneBody,
  validateRemoveRecordRequest,
  validateUpdateRecordRequest,
  type ApiErrorBody,
} from '../dns/contract.js';
import type { Authenticator } from './auth.js';
import { HttpError, invalidSpec } from './errors.js';
import type { Metrics } from './metrics.js';
import { absoluteOwner } from '../dns/names.js';
import { isRecordType } from '../dns/rdata.js';
import type { Rndc } from './rndc.js';
import type { ValidateFunction } from 'ajv';
import { zoneParam, type ZoneService } from './zones.js';
import { deleteZone, getRecords, putZone } from './apply-zone.js';
import { createZone, fromUpstreamCreate, getZone, patchZone, zoneCommand, zoneStatusText } from './upstream.js';
import { recordOf, updateRecords, type RecordOp } from './upstream-records.js';

export interface AppDeps {
  zones: ZoneService;
  rndc: Rndc;
  authenticate: Authenticator;
  metrics: Metrics;
  logger: Logger;
  /** express.json limit (default 32mb: a 200k-record zone) */
  bodyLimit?: string;
  version?: string;
}

const COMMANDS = ['reload', 'freeze', 'thaw', 'notify', 'retransfer'] as const;

function check<T>(fn: ValidateFunction<T>, body: unknown, what: string): T {
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

/**
 * After a router's routes are registered: a known path asked with a method it lacks answers
 * 405 with an `Allow` header (RFC 9110 §15.5.6) instead of falling through to 404. The methods
 * come from the router's own routes, so the two cannot drift.
 */
export function methodNotAllowed(router: express.Router | express.Express): void {
  const byPath = new Map<string, Set<string>>();
  type Layer = { route?: { path: string; methods: Record<string, boolean> } };
  const r = router as unknown as { stack?: Layer[]; router?: { stack: Layer[] } };
  const stack = r.stack ?? r.router?.stack; // an app keeps its routes in `app.router` (Express 5)
  for (const layer of stack ?? []) {
    if (!layer.route) continue;
    const m = byPath.get(layer.route.path) ?? new Set<string>();
    for (const [k, on] of Object.entries(layer.route.methods)) if (on && k !== '_all') m.add(k.toUpperCase());
    if (m.has('GET')) m.add('HEAD');
    byPath.set(layer.route.path, m);
  }
  for (const [path, methods] of byPath) {
    const allow = [...methods].sort().join(', ');
    const handler: express.RequestHandler = (req, res) => {
      res.set('allow', allow);
      throw new HttpError(
        405,
        'METHOD_NOT_ALLOWED',
        `${req.method} is not allowed on ${req.baseUrl}${path}; use ${allow}`,
        {
          allow: [...methods].sort(),
        },
      );
    };
    (router as express.Router).all(path, handler);
  }
}

/** Build the Express app. */
export function createApp(deps: AppDeps): express.Express {
  const { zones, metrics, logger } = deps;
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

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/api/v1/health', (_req, res) => {
    res.json({ status: 'healthy', version: deps.version ?? '0.1.0' });
  });
  const ready = async (_req: Request, res: Response): Promise<void> => {
    const reasons = await zones.readiness();
    res.status(reasons.length ? 503 : 200).json({ ready: reasons.length === 0, reasons });
  };
  app.get('/readyz', ready);
  app.get('/api/v1/ready', ready);
  app.get('/metrics', async (_req, res) => {
    res.set('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  const api = express.Router();
  api.use(async (req: Request, _res: Response, next: NextFunction) => {
    try {
      await deps.authenticate(req.get('authorization'));
    } catch (e) {
      if (e instanceof HttpError) throw e;
      throw new HttpError(503, 'AUTH_UNAVAILABLE', 'authentication backend unavailable', undefined, { cause: e });
    }
    next();
  });
  api.use(express.json({ limit: deps.bodyLimit ?? '32mb', strict: true }));

  api.get('/server/status', async (_req, res) => {
    const out = await deps.rndc.run(['status']);
    res.json({ status: out.trim() });
  });

  api.get('/zones', async (_req, res) => {
    const list = await zones.deps.store.list();
    metrics.zonesManaged.set(list.length);
    res.json({ zones: list, count: list.length });
  });

  api.post('/zones', async (req, res) => {
    const body = check(validateCreateZoneRequest, req.body, 'CreateZoneRequest');
    const { body: put, extra } = fromUpstreamCreate(body);
    const r = await createZone(zones, body.zoneName, put, extra);
    metrics.zoneOperations.inc({ operation: 'create', result: 'ok' });
    res.status(201).json({ success: true, message: `Zone ${r.zone} created`, details: r, ...r });
  });

  api.put('/zones/:zone', async (req, res) => {
    const body = check(validatePutZoneBody, req.body, 'PutZoneBody');
    const started = process.hrtime.bigint();
    const r = await putZone(zones, String(req.params['zone']), body);
    metrics.zoneOperations.inc({ operation: r.created ? 'create' : r.changed ? 'update' : 'noop', result: 'ok' });
    if (r.changed)
      logger.info('zone applied', {
        ...r,
        records: body.records.length,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      });
    res.status(r.created ? 201 : 200).json(r);
  });

  api.get('/zones/:zone', async (req, res) => {
    res.json(await getZone(zones, String(req.params['zone'])));
  });

  api.delete('/zones/:zone', async (req, res) => {
    const r = await deleteZone(zones, String(req.params['zone']));
    metrics.zoneOperations.inc({ operation: 'delete', result: 'ok' });
    res.json({ success: true, message: `Zone ${r.zone} deleted`, ...r });
  });

  api.patch('/zones/:zone', async (req, res) => {
    const body = check(validateModifyZoneRequest, req.body, 'ModifyZoneRequest');
    const r = await patchZone(zones, String(req.params['zone']), body);
    metrics.zoneOperations.inc({ operation: 'modify', result: 'ok' });
    res.json({ success: true, message: `Zone ${r.zone} ${r.changed ? 'modified' : 'unchanged'}`, ...r });
  });

  api.get('/zones/:zone/status', async (req, res) => {
    const zone = String(req.params['zone']);
    const text = await zoneStatusText(zones, zone);
    res.json({ success: true, message: `Zone ${zoneParam(zone)} status`, details: text.trim() });
  });

  for (const cmd of COMMANDS) {
    api.post(`/zones/:zone/${cmd}`, async (req, res) => {
      const zone = String(req.params['zone']);
      const out = await zoneCommand(zones, zone, cmd);
      metrics.zoneOperations.inc({ operation: cmd, result: 'ok' });
      res.json({ success: true, message: `${cmd} ${zoneParam(zone)}`, details: out });
    });
  }

  api.get('/zones/:zone/records', async (req, res) => {
    res.json(await getRecords(zones, String(req.params['zone'])));
  });

  api.post('/zones/:zone/records', async (req, res) => {
    const zone = zoneParam(String(req.params['zone']));
    const b = check(validateAddRecordRequest, req.body, 'AddRecordRequest');
    const rec = recordOf(zone, 'value', b, b.value, b.priority);
    const r = await updateRecords(zones, zone, [
      { op: 'add', owner: rec.owner, type: rec.type, ttl: rec.ttl, data: rec.data },
    ]);
    metrics.zoneOperations.inc({ operation: 'record_add', result: 'ok' });
    res.status(201).json({
      success: true,
      message: 'Record added',
      details: { zone, record: { name: rec.name, type: rec.type, value: rec.data, ttl: rec.ttl } },
      serial: r.serial,
    });
  });

  api.put('/zones/:zone/records', async (req, res) => {
    const zone = zoneParam(String(req.params['zone']));
    const b = check(validateUpdateRecordRequest, req.body, 'UpdateRecordRequest');
    const cur = recordOf(zone, 'currentValue', b, b.currentValue, b.priority);
    const next = recordOf(zone, 'newValue', b, b.newValue, b.priority);
    const ops: RecordOp[] = [
      { op: 'deleteRR', owner: cur.owner, type: cur.type, data: cur.data },
      { op: 'add', owner: next.owner, type: next.type, ttl: next.ttl, data: next.data },
    ];
    // an update replaces a value that exists; it never silently becomes an add
    const r = await updateRecords(zones, zone, ops, {
      mustExist: [{ owner: cur.owner, type: cur.type, data: cur.data, field: 'currentValue' }],
    });
    metrics.zoneOperations.inc({ operation: 'record_update', result: 'ok' });
    res.json({
      success: true,
      message: 'Record updated',
      details: { zone, record: { name: next.name, type: next.type, value: next.data, ttl: next.ttl } },
      serial: r.serial,
    });
  });

  api.delete('/zones/:zone/records', async (req, res) => {
    const zone = zoneParam(String(req.params['zone']));
    const b = check(validateRemoveRecordRequest, req.body, 'RemoveRecordRequest');
    const type = b.type.toUpperCase();
    if (!isRecordType(type))
      throw invalidSpec(`type: "${b.type}" is not supported`, [{ field: 'type', message: 'unsupported record type' }]);
    let op: RecordOp;
    if (b.value != null) {
      const rec = recordOf(zone, 'value', { name: b.name, type }, b.value);
      op = { op: 'deleteRR', owner: rec.owner, type: rec.type, data: rec.data };
    } else {
      const owner = absoluteOwner(zone, b.name);
      if (!owner.ok) throw invalidSpec(`name: ${owner.reason}`, [{ field: 'name', message: owner.reason }]);
      if (owner.name === `${zone}.` && type === 'NS')
        throw invalidSpec('name: the apex NS RRset cannot be removed', [
          { field: 'name', message: 'apex NS cannot be removed' },
        ]);
      op = { op: 'deleteRRset', owner: owner.name, type };
    }
    const r = await updateRecords(zones, zone, [op]);
    metrics.zoneOperations.inc({ operation: 'record_remove', result: 'ok' });
    res.json({ success: true, message: 'Record removed', serial: r.serial });
  });

  methodNotAllowed(api);
  app.use('/api/v1', api);
  methodNotAllowed(app);

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
      body = { code: 'PAYLOAD_TOO_LARGE', message: `request body exceeds ${deps.bodyLimit ?? '32mb'}` };
    } else if (e?.type === 'entity.parse.failed') {
      status = 400;
      body = { code: 'BAD_JSON', message: 'request body is not valid JSON' };
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
