/**
 * Test harness: a real named (see `named.ts`) plus a bindcar app wired to it, listening on
 * 127.0.0.1:<random>. For the bindcar suite, the zone-hooks e2e tests and benchmarks.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import winston from 'winston';
import axios, { type AxiosInstance } from 'axios';
import { createApp } from '../../bindcar/app.js';
import { createAuthenticator, type AuthConfig } from '../../bindcar/auth.js';
import { createDnsClient } from '../../bindcar/dns-client.js';
import { createMetrics, type Metrics } from '../../bindcar/metrics.js';
import { createRndc } from '../../bindcar/rndc.js';
import { createNativeRndc } from '../../bindcar/rndc-native.js';
import { createZoneStore } from '../../bindcar/zone-store.js';
import { ZoneService } from '../../bindcar/zones.js';
import { startNamed, type NamedInstance, type StartNamedOptions } from './named.js';

export interface BindcarHarness {
  named: NamedInstance;
  zones: ZoneService;
  metrics: Metrics;
  /** base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** axios bound to `url`, never throwing on HTTP status */
  http: AxiosInstance;
  /** close bindcar (and stop named unless `keepNamed`) */
  stop(opts?: { keepNamed?: boolean }): Promise<void>;
}

export interface StartBindcarOptions {
  named?: NamedInstance;
  namedOptions?: StartNamedOptions;
  auth?: AuthConfig;
  /** bearer token header value to send by default (for token auth) */
  token?: string;
  bodyLimit?: string;
  dnsTimeoutMs?: number;
  rndcTimeoutMs?: number;
  /** rndc implementation: the native control-channel client (default) or the rndc binary */
  rndc?: 'native' | 'exec';
  /** dnssec-policy names the named.conf defines (namedOptions.extraConfig), as BINDCAR_DNSSEC_POLICIES */
  dnssecPolicies?: string[];
}

/** Start named (unless given) and a bindcar app against it. */
export async function startBindcar(opts: StartBindcarOptions = {}): Promise<BindcarHarness> {
  const named = opts.named ?? (await startNamed(opts.namedOptions));
  const metrics = createMetrics();
  const rndc =
    opts.rndc === 'exec'
      ? createRndc({ confPath: named.rndcConf, timeoutMs: opts.rndcTimeoutMs ?? 5000 })
      : createNativeRndc({
          host: '127.0.0.1',
          port: named.rndcPort,
          secret: named.rndcKey.secret,
          timeoutMs: opts.rndcTimeoutMs ?? 5000,
        });
  const dns = createDnsClient({ host: '127.0.0.1', port: named.dnsPort }, named.updateKey, {
    timeoutMs: opts.dnsTimeoutMs ?? 3000,
  });
  const zones = new ZoneService({
    rndc,
    dns,
    store: createZoneStore(named.dir),
    updateKeyName: named.updateKey.name,
    ...(opts.dnssecPolicies ? { dnssecPolicies: opts.dnssecPolicies } : {}),
  });
  // BINDCAR_TEST_LOG=1 shows bindcar's log (a 500's stack) on stderr
  const logger = process.env['BINDCAR_TEST_LOG']
    ? winston.createLogger({
        transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info'] })],
      })
    : winston.createLogger({ silent: true });
  const app = createApp({
    zones,
    rndc,
    authenticate: createAuthenticator(opts.auth ?? { mode: 'none' }),
    metrics,
    logger,
    ...(opts.bodyLimit ? { bodyLimit: opts.bodyLimit } : {}),
  });
  const server = await new Promise<Server>((res) => {
    const s = app.listen(0, '127.0.0.1', () => res(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const http = axios.create({
    baseURL: url,
    validateStatus: () => true,
    maxBodyLength: Infinity,
    maxContentLength: Infinity,
    headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
  });
  return {
    named,
    zones,
    metrics,
    url,
    http,
    async stop(o = {}) {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      if (!o.keepNamed && !opts.named) await named.stop();
    },
  };
}
