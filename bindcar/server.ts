/**
 * bindcar composition root: read configuration (env + flags), build the logger, the rndc/DNS/fs
 * adapters, the zone service and the app; listen; on SIGTERM/SIGINT stop accepting, finish
 * in-flight zone operations, then exit.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import winston from 'winston';
import { createApp } from './app.js';
import { warmUpRequest, type Launch } from '../dns/code-cache.js';
import { isEntryPoint } from '../dns/entry-point.js';
import { Catalog } from './catalog.js';
import { checkAuthStartup, createAuthenticator, kubeTokenReviewer, type AuthConfig } from './auth.js';
import { parseConfig, type BindcarConfig } from './config.js';
import { createDnsClient } from './dns-client.js';
import { createMetrics } from './metrics.js';
import { createRndc } from './rndc.js';
import { parseKeyFile, parseRndcConf } from './key-file.js';
import { createNativeRndc } from './rndc-native.js';
import { createZoneStore } from './zone-store.js';
import { ZoneService } from './zones.js';

export interface RunningBindcar {
  server: Server;
  zones: ZoneService;
  port: number;
  /** stop accepting, drain in-flight zone operations, close */
  shutdown(): Promise<void>;
}

async function authConfig(c: BindcarConfig): Promise<AuthConfig> {
  const a = c.auth;
  if (a.mode === 'none') return { mode: 'none' };
  if (a.mode === 'token') return { mode: 'token', token: a.token ?? (await readFile(a.tokenFile!, 'utf8')).trim() };
  const opts: Parameters<typeof kubeTokenReviewer>[0] = {};
  if (a.apiServer) opts.apiServer = a.apiServer;
  if (a.tokenPath) opts.tokenPath = a.tokenPath;
  if (a.caPath) opts.caPath = a.caPath;
  return {
    mode: 'tokenreview',
    reviewer: kubeTokenReviewer(opts),
    audiences: a.audiences,
    allowedServiceAccounts: a.allowedServiceAccounts,
    allowedNamespaces: a.allowedNamespaces,
    allowAnyServiceAccount: a.allowAnyServiceAccount,
    cacheTtlMs: a.cacheTtlMs,
  };
}

/**
 * rndc.conf with its `include "…";` files inlined (one level; the pods' rndc.conf includes the key file from the
 * keys Secret), so the native client finds the key. An unreadable include is left out (rndc itself would fail).
 */
async function rndcConfText(path: string): Promise<string> {
  const text = await readFile(path, 'utf8');
  const parts = [text];
  for (const m of text.matchAll(/^\s*include\s+"([^"]+)"\s*;/gm))
    parts.push(await readFile(resolve(dirname(path), m[1]!), 'utf8').catch(() => ''));
  return parts.join('\n');
}

/** Start bindcar from a parsed configuration; `launch` (from its bundle's launcher) goes into the listening line. */
export async function startBindcar(c: BindcarConfig, logger: winston.Logger, launch?: Launch): Promise<RunningBindcar> {
  const auth = await authConfig(c);
  const guard = checkAuthStartup(auth, c.address, c.allowInsecure);
  if (guard) throw new Error(guard);
  const zoneDir = resolve(c.zoneDir);
  if (!(await stat(zoneDir)).isDirectory()) throw new Error(`BIND_ZONE_DIR ${zoneDir} is not a directory`);
  let secret = c.updateKey.secret;
  let keyName = c.updateKey.name;
  if (!secret) {
    const k = parseKeyFile(await readFile(c.updateKey.file!, 'utf8'), process.env['BINDCAR_UPDATE_KEY_NAME']);
    if (typeof k === 'string') throw new Error(`BINDCAR_UPDATE_KEY_FILE: ${k}`);
    secret = k.secret;
    keyName = k.name;
  }
  const metrics = createMetrics(true);
  const observe = (command: string, secs: number, ok: boolean): void =>
    metrics.rndcDuration.observe({ command, result: ok ? 'ok' : 'error' }, secs);
  // The native control-channel client saves a process spawn per command; it needs the key secret.
  const conf =
    c.rndc.native && !c.rndc.secret && c.rndc.confPath ? parseRndcConf(await rndcConfText(c.rndc.confPath)) : undefined;
  const nativeSecret = c.rndc.native ? (c.rndc.secret ?? conf?.secret) : undefined;
  const rndc = nativeSecret
    ? createNativeRndc({
        host: c.rndc.server ?? conf?.server ?? '127.0.0.1',
        port: c.rndc.port ?? conf?.port ?? 953,
        secret: nativeSecret,
        timeoutMs: c.rndc.timeoutMs,
        observe,
      })
    : createRndc({
        bin: c.rndc.bin,
        timeoutMs: c.rndc.timeoutMs,
        ...(c.rndc.confPath ? { confPath: c.rndc.confPath } : {}),
        ...(c.rndc.server ? { server: c.rndc.server } : {}),
        ...(c.rndc.port !== undefined ? { port: c.rndc.port } : {}),
        observe,
      });
  const dns = createDnsClient(
    { host: c.dns.host, port: c.dns.port },
    { name: keyName, algorithm: 'hmac-sha256', secret },
    { timeoutMs: c.dns.timeoutMs, onConnect: () => metrics.dnsConnections.inc() },
  );
  const store = createZoneStore(zoneDir);
  const catalog = c.catalogZone
    ? new Catalog({
        rndc,
        dns,
        store,
        zone: c.catalogZone,
        updateKeyName: keyName,
        ...(c.transferKeyName ? { transferKeyName: c.transferKeyName } : {}),
      })
    : undefined;
  const zones = new ZoneService({
    rndc,
    dns,
    store,
    updateKeyName: keyName,
    ...(c.transferKeyName ? { transferKeyName: c.transferKeyName } : {}),
    ...(catalog ? { catalog } : {}),
    maxRecordsPerType: c.maxRecordsPerType,
    dnssecPolicies: c.dnssecPolicies,
    keyNames: c.keyNames,
    observeDns: (operation, secs, ok) => metrics.dnsDuration.observe({ operation, result: ok ? 'ok' : 'error' }, secs),
  });
  const app = createApp({
    zones,
    rndc,
    authenticate: createAuthenticator(auth),
    metrics,
    logger,
    bodyLimit: c.bodyLimit,
  });
  const server = await new Promise<Server>((res, rej) => {
    const s = app.listen(c.port, c.address, () => res(s));
    s.once('error', rej);
  });
  server.requestTimeout = 120000;
  server.headersTimeout = 30000;
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : c.port;
  logger.info('bindcar listening', {
    address: c.address,
    port,
    zoneDir,
    auth: auth.mode,
    dns: `${c.dns.host}:${c.dns.port}`,
    ...launch,
  });
  // The catalog is created (or read back) as soon as named answers; until then every zone change
  // retries it first, so nothing waits on startup order between the two containers.
  let catalogTimer: NodeJS.Timeout | undefined;
  const startCatalog = (attempt: number): void => {
    if (!catalog) return;
    catalog.ensure().then(
      () => logger.info('catalog zone ready', { zone: catalog.zone, members: catalog.list().length }),
      (e: unknown) => {
        if (attempt % 10 === 0)
          logger.warn('catalog zone not ready yet', { zone: catalog.zone, error: (e as Error).message });
        catalogTimer = setTimeout(() => startCatalog(attempt + 1), Math.min(5000, 200 * 2 ** attempt)).unref();
      },
    );
  };
  startCatalog(0);
  let closing: Promise<void> | undefined;
  const shutdown = (): Promise<void> =>
    (closing ??= (async () => {
      clearTimeout(catalogTimer);
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      await Promise.race([
        (async () => {
          await zones.drain();
          await closed;
        })(),
        new Promise((r) => setTimeout(r, c.shutdownTimeoutMs).unref()),
      ]);
      server.closeAllConnections();
    })());
  return { server, zones, port, shutdown };
}

/**
 * Runs the sidecar from the environment and arguments until SIGTERM or SIGINT; `launch` is what its bundle's
 * launcher tells it (dns/code-cache.ts), absent when it runs from its sources.
 */
export async function main(launch?: Launch): Promise<void> {
  const parsed = parseConfig(process.env, process.argv.slice(2));
  const logger = winston.createLogger({
    level: parsed.ok ? parsed.config.logLevel : 'info',
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console()],
  });
  if (!parsed.ok) {
    for (const e of parsed.errors) logger.error(`configuration: ${e}`);
    process.exit(2);
  }
  let running: RunningBindcar;
  try {
    running = await startBindcar(parsed.config, logger, launch);
  } catch (e) {
    logger.error(`bindcar failed to start: ${(e as Error).message}`);
    process.exit(1);
  }
  const stop = (signal: string): void => {
    logger.info('shutting down', { signal });
    void running.shutdown().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/**
 * What the build runs before it writes the bundle's code cache (dns/code-cache.ts): a start with no named behind it
 * (nothing is asked of one; no catalog), one /healthz, a stop.
 */
export async function warmUp(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bindcar-warm-up-'));
  try {
    const parsed = parseConfig({
      API_PORT: '0',
      BIND_API_ADDRESS: '127.0.0.1',
      BIND_ZONE_DIR: dir,
      BINDCAR_AUTH_MODE: 'token',
      BIND_API_TOKEN: randomBytes(16).toString('hex'),
      BINDCAR_UPDATE_KEY_SECRET: randomBytes(32).toString('base64'),
      BINDCAR_CATALOG_ZONE: 'none',
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    const running = await startBindcar(parsed.config, winston.createLogger({ level: 'error', silent: true }));
    await warmUpRequest(running.port);
    await running.shutdown();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) void main();
