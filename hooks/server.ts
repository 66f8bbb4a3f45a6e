/**
 * hooks composition root: read the environment, build the winston logger and the effect ports, createApp, listen,
 * and on SIGTERM stop accepting and let in-flight hook calls finish.
 *
 * Environment: HOOKS_PORT (8080), HOOKS_ADDRESS (0.0.0.0), LOG_LEVEL (info), HOOKS_BODY_LIMIT (32mb),
 * HOOKS_KEPT_BODY_BYTES (how many bytes of large request bodies are kept parsed, hooks/request-body.ts; 0 = none),
 * BINDCAR_IMAGE, POD_NAMESPACE (the hooks' namespace, default bindy-system), HOOKS_SERVICE_ACCOUNT (bindy-hooks),
 * BINDY_HOOKS_POD_LABELS (the hooks' pod labels, k=v,…; default app.kubernetes.io/name=bindy-hooks),
 * plus the DNSZone hook's BINDCAR_* / ZONE_* variables (hooks/ports/zone.ts).
 * HOOKS_TLS_CERT_FILE and HOOKS_TLS_KEY_FILE (PEM): the same app is also served over TLS on HOOKS_TLS_PORT (8443),
 * for the kube-apiserver, which calls admission webhooks over HTTPS only (manifests/overlays/admission); until both
 * files exist (the Secret not issued yet) the hooks serve plain HTTP alone, say so in the log, and start the TLS
 * listener once they appear.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https';
import { Registry } from 'prom-client';
import winston from 'winston';
import { zoneMetrics } from './ports/zone-metrics.js';
import { createApp } from './app.js';
import type { Clock } from './ports/clock.js';
import type { HookPorts } from './ports/hook-ports.js';
import { zonePortsFromEnv } from './ports/zone.js';
import { createPowerDnsClient } from './ports/powerdns.js';
import { hookRoutes } from './routes.js';
import { DEFAULT_KEPT_BODY_BYTES, keptBodies } from './request-body.js';
import { warmValidatorsSoon } from '../dns/lazy-validator.js';
import { warmUpRequest, type Launch } from '../dns/code-cache.js';
import { isEntryPoint } from '../dns/entry-point.js';

/** Wall clock at second precision (condition timestamps are RFC 3339 seconds). */
export const systemClock: Clock = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The JSON logger every service process uses. */
export function jsonLogger(level = 'info', service = 'bindy-hooks'): winston.Logger {
  return winston.createLogger({
    level,
    defaultMeta: { service },
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console()],
  });
}

/** Ports for a cluster deployment, from the environment. */
export function portsFromEnv(env: NodeJS.ProcessEnv, clock: Clock = systemClock): HookPorts {
  return {
    clock,
    zone: zonePortsFromEnv(env, clock),
    powerdnsClient: createPowerDnsClient({ attempts: 1, requestTimeoutMs: 5000 }),
    ...(env['BINDCAR_IMAGE'] ? { bindcarImage: env['BINDCAR_IMAGE'] } : {}),
    ...(env['POD_NAMESPACE'] ? { hooksNamespace: env['POD_NAMESPACE'] } : {}),
    ...(env['HOOKS_SERVICE_ACCOUNT'] ? { hooksServiceAccount: env['HOOKS_SERVICE_ACCOUNT'] } : {}),
    ...(env['BINDY_HOOKS_POD_LABELS']
      ? { hooksPodLabels: labelList('BINDY_HOOKS_POD_LABELS', env['BINDY_HOOKS_POD_LABELS']) }
      : {}),
  };
}

/** `k=v,k2=v2` (the hooks' own pod labels, which the instances' NetworkPolicy admits), or an error naming `name`. */
export function labelList(name: string, text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of text.split(',')) {
    const m = /^\s*([A-Za-z0-9][-A-Za-z0-9_./]{0,252})=([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?\s*$/.exec(item);
    if (!m) throw new Error(`${name}: "${item.trim()}" is not a label key=value (list them as k=v,k2=v2)`);
    out[m[1]!] = m[2] ?? '';
  }
  return out;
}

/** A whole number of bytes from the environment; anything else stops the start naming the variable. */
function byteCount(env: NodeJS.ProcessEnv, name: string): number {
  const v = env[name] ?? '';
  if (!/^\d{1,15}$/.test(v)) throw new Error(`${name}: "${v}" is not a whole number of bytes`);
  return Number(v);
}

/** Starts the hooks service; resolves once it listens. */
export async function startHooks(opts: {
  port: number;
  address: string;
  logger: winston.Logger;
  ports: HookPorts;
  bodyLimit?: string;
  /** Bytes of large request bodies kept parsed (default DEFAULT_KEPT_BODY_BYTES; 0: none). */
  keptBodyBytes?: number;
  processMetrics?: boolean;
  /** Also serve the app over TLS (see the top of this module); the files are read again every `reloadMs`. */
  tls?: { port: number; certFile: string; keyFile: string; reloadMs?: number };
}): Promise<{ server: Server; port: number; tlsPort?: number; close(): Promise<void> }> {
  // one registry: the hook metrics (createApp) and the zone metrics share /metrics
  const registry = new Registry();
  const ports: HookPorts =
    opts.ports.zone && !opts.ports.zone.metrics
      ? { ...opts.ports, zone: { ...opts.ports.zone, metrics: zoneMetrics(registry) } }
      : opts.ports;
  const app = createApp({
    logger: opts.logger,
    registry,
    routes: hookRoutes(ports),
    ...(opts.bodyLimit ? { bodyLimit: opts.bodyLimit } : {}),
    bodies: keptBodies({ maxBytes: opts.keptBodyBytes ?? DEFAULT_KEPT_BODY_BYTES }),
    processMetrics: opts.processMetrics ?? false,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(opts.port, opts.address, () => resolve(s));
    s.once('error', reject);
  });
  const portOf = (s: Server | TlsServer, fallback: number) => {
    const address = s.address();
    return typeof address === 'object' && address ? address.port : fallback;
  };
  const tls = opts.tls ? serveTls(app, opts.address, opts.tls, opts.logger) : undefined;
  await tls?.poll(); // listening once this resolves, unless it still waits for its files
  const tlsServer = tls?.server();
  return {
    server,
    port: portOf(server, opts.port),
    ...(tlsServer ? { tlsPort: portOf(tlsServer, opts.tls!.port) } : {}),
    close: async () => {
      await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), tls?.stop()]);
    },
  };
}

/**
 * The app over TLS with the certificate and key of `files`, both read again every `reloadMs` (default 60 s):
 * cert-manager renews the Secret in place and the kubelet updates the mounted files, so a renewed certificate is served
 * without a restart. The Secret's volume is optional (manifests/overlays/admission), so the hooks run before it is
 * issued: while the pair cannot be read the listener waits, and the same poll starts it once both files are there.
 */
function serveTls(
  app: ReturnType<typeof createApp>,
  address: string,
  files: { port: number; certFile: string; keyFile: string; reloadMs?: number },
  logger: winston.Logger,
): { poll(): Promise<void>; server(): TlsServer | undefined; stop(): Promise<void> } {
  let server: TlsServer | undefined;
  let current: { cert: Buffer; key: Buffer } | undefined;
  let stopped = false;
  let warned = false;
  const tick = async () => {
    let next: { cert: Buffer; key: Buffer };
    try {
      next = { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) };
    } catch (e) {
      // not issued yet, or a renewal caught halfway: keep serving the pair that worked, and look again later
      if (server) logger.warn('TLS certificate not reloaded', { error: String(e) });
      else if (!warned) {
        warned = true;
        logger.warn('TLS listener waits for its certificate and key (the admission webhook is not served yet)', {
          certFile: files.certFile,
          keyFile: files.keyFile,
        });
      }
      return;
    }
    if (current && next.cert.equals(current.cert) && next.key.equals(current.key)) return;
    if (server) {
      server.setSecureContext(next);
      logger.info('TLS certificate reloaded', { certFile: files.certFile });
    } else {
      const s = createTlsServer(next, app);
      try {
        await new Promise<void>((resolve, reject) => {
          s.once('error', reject);
          s.listen(files.port, address, () => resolve());
        });
      } catch (e) {
        return void logger.error('TLS listener failed to start', { error: String(e) }); // tried again next poll
      }
      if (warned) logger.info('TLS listener started', { port: files.port });
      server = s;
    }
    current = next;
  };
  // one poll at a time: a slow start is not started twice
  let inFlight: Promise<void> | undefined;
  const poll = () => (stopped ? Promise.resolve() : (inFlight ??= tick().finally(() => (inFlight = undefined))));
  const timer = setInterval(() => void poll(), files.reloadMs ?? 60_000);
  timer.unref();
  return {
    poll,
    server: () => server,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await inFlight;
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    },
  };
}

/** The TLS listener the environment asks for (see the top of this module), or undefined. */
export function tlsFromEnv(env: NodeJS.ProcessEnv): { port: number; certFile: string; keyFile: string } | undefined {
  const certFile = env['HOOKS_TLS_CERT_FILE'];
  const keyFile = env['HOOKS_TLS_KEY_FILE'];
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile)
    throw new Error(
      'HOOKS_TLS_CERT_FILE and HOOKS_TLS_KEY_FILE: set both (the PEM certificate and its key) or neither',
    );
  const text = env['HOOKS_TLS_PORT'] ?? '8443';
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port < 1 || port > 65535)
    throw new Error(`HOOKS_TLS_PORT: "${text}" is not a port number`);
  return { port, certFile, keyFile };
}

/**
 * Runs the service from the environment until SIGTERM or SIGINT; `launch` is what its bundle's launcher tells it
 * (dns/code-cache.ts), absent when it runs from its sources.
 */
export async function main(launch?: Launch): Promise<void> {
  const env = process.env;
  const logger = jsonLogger(env['LOG_LEVEL'] ?? 'info');
  const tls = tlsFromEnv(env);
  const running = await startHooks({
    port: Number(env['HOOKS_PORT'] ?? 8080),
    address: env['HOOKS_ADDRESS'] ?? '0.0.0.0',
    logger,
    ports: portsFromEnv(env),
    ...(env['HOOKS_BODY_LIMIT'] ? { bodyLimit: env['HOOKS_BODY_LIMIT'] } : {}),
    ...(env['HOOKS_KEPT_BODY_BYTES'] ? { keptBodyBytes: byteCount(env, 'HOOKS_KEPT_BODY_BYTES') } : {}),
    processMetrics: true,
    ...(tls ? { tls } : {}),
  });
  logger.info('hooks listening', {
    port: running.port,
    ...(running.tlsPort !== undefined ? { tlsPort: running.tlsPort } : {}),
    ...launch,
  });
  // validators compile on first use; the rest compile once /healthz has answered (dns/lazy-validator.ts)
  warmValidatorsSoon();
  const stop = (signal: string) => {
    logger.info('shutting down', { signal });
    running.server.closeIdleConnections();
    void running.close().then(() => process.exit(0));
    setTimeout(() => process.exit(1), 25_000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/** What the build runs before it writes the bundle's code cache (dns/code-cache.ts): a start, one /healthz, a stop. */
export async function warmUp(): Promise<void> {
  const running = await startHooks({
    port: 0,
    address: '127.0.0.1',
    logger: jsonLogger('error'),
    ports: portsFromEnv({}),
    processMetrics: true,
  });
  await warmUpRequest(running.port);
  await running.close();
}

if (isEntryPoint(import.meta.url)) void main();
