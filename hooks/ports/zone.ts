/**
 * The DNSZone hook's effect ports, bundled, plus their construction from the environment (composition root).
 *
 * Environment (all optional; each also read without the BINDY_ prefix, e.g. BINDCAR_TOKEN_FILE):
 *   BINDY_BINDCAR_TOKEN_FILE            bearer token file, re-read on every call (projected SA token); default
 *                                       /var/run/secrets/bindy/bindcar/token when it exists
 *   BINDY_BINDCAR_TOKEN                 static bearer token (local mode); ignored when a token file is set
 *   BINDY_BINDCAR_CONNECT_TIMEOUT_MS    default 3000
 *   BINDY_BINDCAR_REQUEST_TIMEOUT_MS    default 20000
 *   BINDY_BINDCAR_ATTEMPTS              default 3
 *   BINDY_BINDCAR_SKIP_UNCHANGED_MS     default 600000: an unchanged zone whose served serial did not move is
 *                                       checked with one GET instead of re-sent (0 = always PUT)
 *   BINDY_BINDCAR_CHANGED_RRSETS        default 1: when only records changed since the last push to that bindcar,
 *                                       send the changed RRsets (PATCH, serial precondition; any failure falls back
 *                                       to the full PUT); 0 = always the full PUT
 *   BINDY_ZONE_DEGRADED_RESYNC_SECONDS  default 10
 *   BINDY_ZONE_DELETION_GRACE_SECONDS   default 600
 *   BINDY_SOA_TIMEOUT_MS                default 2000 (SOA query to each secondary, for the zone status)
 *   BINDY_POWERDNS_REQUEST_TIMEOUT_MS   default 20000 (one PowerDNS API request)
 *   BINDY_POWERDNS_ATTEMPTS             default 3 (attempts of one push to a PowerDNS server)
 *   BINDY_ZONE_PLAN_MEMO_OBJECTS        default 12000: how many related objects the zones' kept plans may come from
 *                                       together (hooks/zone/plan-memo.ts); 0 = plan every sync afresh
 */
import { existsSync } from 'node:fs';
import type { Clock } from './clock.js';
import { createBindcarClient, fileToken, staticToken, type BindcarClient } from './bindcar.js';
import { kubeEventRecorder, type EventRecorder } from './events.js';
import { kubeRecordStatusWriter, type RecordStatusWriter } from './records.js';
import { createSoaProbe, type SoaProbe } from './soa.js';
import {
  createPowerDnsClient,
  kubeSecretReader,
  kubeServerReader,
  powerDnsBackend,
  type PowerDnsBackend,
} from './powerdns.js';
import type { ZoneMetrics } from './zone-metrics.js';
import { DEFAULT_PLAN_MEMO_OBJECTS, planMemo, type PlanMemo } from '../zone/plan-memo.js';

export interface ZoneHookOptions {
  /** resyncAfterSeconds while a push failed. */
  degradedResyncSeconds: number;
  /** How long finalize waits for unreachable primaries after deletionTimestamp before releasing. */
  deletionGraceSeconds: number;
  /** resyncAfterSeconds while deletion is blocked. */
  deletionRetrySeconds: number;
  /** Record status patches per sync pass (the rest follow on a quick resync). */
  maxRecordWritesPerSync: number;
  /** Parallel record status patches. */
  recordWriteConcurrency: number;
}

export const DEFAULT_ZONE_HOOK_OPTIONS: ZoneHookOptions = {
  degradedResyncSeconds: 10,
  deletionGraceSeconds: 600,
  deletionRetrySeconds: 10,
  maxRecordWritesPerSync: 1000,
  recordWriteConcurrency: 16,
};

export interface ZonePorts {
  bindcar: BindcarClient;
  /** Pushes to PowerDNS servers (hooks/ports/powerdns.ts); without it a zone placed on one fails there. */
  powerdns?: PowerDnsBackend;
  recordStatus: RecordStatusWriter;
  events: EventRecorder;
  options?: Partial<ZoneHookOptions>;
  /** Asks secondaries which serial they serve (status only); without it secondaries are not reported. */
  soa?: SoaProbe;
  /** The zone metrics (hooks/ports/zone-metrics.ts); server.ts registers them on the service's /metrics. */
  metrics?: ZoneMetrics;
  /** Each zone's last plan, reused while the request's objects are unchanged (hooks/zone/plan-memo.ts). */
  plans?: PlanMemo;
}

const DEFAULT_TOKEN_FILE = '/var/run/secrets/bindy/bindcar/token';

const num = (v: string | undefined, d: number): number => (v !== undefined && /^\d+$/.test(v) ? Number(v) : d);

/** `BINDY_<name>`, else `<name>` without the prefix. */
const read = (env: NodeJS.ProcessEnv, name: string): string | undefined =>
  env[name] ?? env[name.replace(/^BINDY_/, '')];

/** Builds the zone ports from the environment (Kubernetes clients are created lazily, on first use). */
export function zonePortsFromEnv(env: NodeJS.ProcessEnv, clock: Clock): ZonePorts {
  const tokenFile =
    env['BINDY_BINDCAR_TOKEN_FILE'] ??
    env['BINDCAR_TOKEN_FILE'] ??
    (existsSync(DEFAULT_TOKEN_FILE) ? DEFAULT_TOKEN_FILE : undefined);
  return {
    bindcar: createBindcarClient({
      token: tokenFile ? fileToken(tokenFile) : staticToken(read(env, 'BINDY_BINDCAR_TOKEN')),
      connectTimeoutMs: num(read(env, 'BINDY_BINDCAR_CONNECT_TIMEOUT_MS'), 3000),
      requestTimeoutMs: num(read(env, 'BINDY_BINDCAR_REQUEST_TIMEOUT_MS'), 20000),
      attempts: num(read(env, 'BINDY_BINDCAR_ATTEMPTS'), 3),
      skipUnchangedForMs: num(read(env, 'BINDY_BINDCAR_SKIP_UNCHANGED_MS'), 600000),
      changedRRsets: read(env, 'BINDY_BINDCAR_CHANGED_RRSETS') !== '0',
    }),
    powerdns: powerDnsBackend({
      client: createPowerDnsClient({
        requestTimeoutMs: num(read(env, 'BINDY_POWERDNS_REQUEST_TIMEOUT_MS'), 20000),
        attempts: num(read(env, 'BINDY_POWERDNS_ATTEMPTS'), 3),
      }),
      secrets: kubeSecretReader(),
      servers: kubeServerReader(),
    }),
    recordStatus: kubeRecordStatusWriter(),
    events: kubeEventRecorder(clock),
    soa: createSoaProbe({ timeoutMs: num(read(env, 'BINDY_SOA_TIMEOUT_MS'), 2000) }),
    plans: planMemo(num(read(env, 'BINDY_ZONE_PLAN_MEMO_OBJECTS'), DEFAULT_PLAN_MEMO_OBJECTS)),
    options: {
      degradedResyncSeconds: num(
        read(env, 'BINDY_ZONE_DEGRADED_RESYNC_SECONDS'),
        DEFAULT_ZONE_HOOK_OPTIONS.degradedResyncSeconds,
      ),
      deletionGraceSeconds: num(
        read(env, 'BINDY_ZONE_DELETION_GRACE_SECONDS'),
        DEFAULT_ZONE_HOOK_OPTIONS.deletionGraceSeconds,
      ),
    },
  };
}
