/**
 * Effect port: the DNSZone hook's HTTP client for bindcar (`PUT`/`DELETE /api/v1/zones/{zone}`).
 *
 * Every call is bounded: a connect timeout, a request timeout, a bounded number of attempts with exponential
 * backoff, and `Retry-After` honoured on 429/503 (up to a cap; a longer wait is reported back instead, so the hook
 * asks Metacontroller to come back later rather than holding the webhook). Failures are returned as values, never
 * thrown, so the hook can turn them into status.
 *
 * Authentication: a bearer token read fresh from a file on every call (a projected ServiceAccount token rotates),
 * or a static token (local mode), or none.
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AxiosResponse } from 'axios';
import { lazyAxios } from './lazy-axios.js';
import type {
  ApiErrorBody,
  CheckDsBody,
  PatchRRsetsBody,
  PutZoneBody,
  PutZoneResult,
  RecordType,
  ZoneDnssec,
  ZoneDnssecResult,
} from '../../dns/contract.js';

/** Why a call did not succeed. */
export interface BindcarFailure {
  /**
   * unreachable: no connection / connect timeout; timeout: no answer in time; unavailable: 5xx or 429;
   * rejected: 4xx (the request itself is wrong: bad zone data, auth); invalid: the endpoint or answer is unusable.
   */
  kind: 'unreachable' | 'timeout' | 'unavailable' | 'rejected' | 'invalid';
  status?: number;
  code?: string;
  message: string;
  /** A 4xx answer's `details` (dns/contract.ts `ApiErrorBody`): what a held push would delete, field errors. */
  details?: unknown;
  /** From the last answer's `Retry-After`, when it asked for a longer wait than the retry budget allows. */
  retryAfterSeconds?: number;
  attempts: number;
}

export type PushResult = { ok: true; result: PutZoneResult; attempts: number } | { ok: false; error: BindcarFailure };
/** `deleted`: bindcar removed it; `notFound`: bindcar answered an authoritative "zone not found". */
export type DeleteResult =
  { ok: true; gone: 'deleted' | 'notFound'; attempts: number } | { ok: false; error: BindcarFailure };

export interface BindcarClient {
  /** Push the complete desired zone to the bindcar at `endpoint` (its base URL). */
  putZone(endpoint: string, zone: string, body: PutZoneBody): Promise<PushResult>;
  /** Remove the zone; only bindcar's own 404 "zone … not found" counts as gone. */
  deleteZone(endpoint: string, zone: string): Promise<DeleteResult>;
  /** Tell named the parent publishes (or withdrew) a key's DS; answers the zone's DNSSEC after it (one attempt). */
  checkDs?(endpoint: string, zone: string, body: CheckDsBody): Promise<CheckDsResult>;
}

export type CheckDsResult = { ok: true; dnssec: ZoneDnssec } | { ok: false; error: BindcarFailure };

/** Where the bearer token comes from; undefined means no Authorization header. */
export type TokenSource = () => Promise<string | undefined>;

/** A fixed token (local mode, tests). */
export function staticToken(token: string | undefined): TokenSource {
  return async () => token;
}

/** A token file read on every call (Kubernetes rotates projected ServiceAccount tokens in place). */
export function fileToken(path: string): TokenSource {
  return async () => {
    const t = (await readFile(path, 'utf8')).trim();
    if (!t) throw new Error(`token file ${path} is empty`);
    return t;
  };
}

export interface BindcarClientOptions {
  token: TokenSource;
  /** Default 3000 ms. */
  connectTimeoutMs?: number;
  /** Per attempt, default 20000 ms (a 10k-record first push takes a few seconds). */
  requestTimeoutMs?: number;
  /** Total attempts per call, default 3. */
  attempts?: number;
  /** First backoff, doubled per attempt; default 250 ms. */
  backoffMs?: number;
  /** Budget of one call across attempts and waits; default 40000 ms (keep below the webhook timeout). */
  deadlineMs?: number;
  /** Longest `Retry-After` waited for inside one call; default 5000 ms. */
  maxRetryAfterMs?: number;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Skip re-sending an unchanged zone for this long (default: never skip). When the body's digest equals the last
   * one this client applied to that endpoint and the serial bindcar serves is still the one that PUT answered, the
   * zone is unchanged and the PUT is replaced by one GET. Any change on the server moves the serial and forces a
   * full PUT; after this long a full PUT runs anyway (catches option changes that keep the serial).
   */
  skipUnchangedForMs?: number;
  /** Injected for tests. */
  now?: () => number;
  /**
   * Send only the RRsets that changed since the last push this client made to that endpoint (`PATCH …/rrsets`, with
   * the serial that push answered as precondition) when nothing but records changed; any failure falls back to the
   * full PUT. Default true.
   */
  changedRRsets?: boolean;
}

/** Above this many changed RRsets the full PUT is sent (it is as cheap, and one code path proves it). */
const MAX_PATCH_RRSETS = 1000;

/**
 * A body as the PATCH path sees it: everything but the records and the per-push fields (serial floor, guard baseline
 * and token) as one string, and the records grouped by owner + type (the hook sends canonical RRsets: relative
 * owner, canonical data) → their records, sorted.
 */
function zoneShape(body: PutZoneBody): { rest: string; rrsets: Map<string, string> } | undefined {
  if (body.type !== 'primary' || body.unmanagedRecords?.length) return undefined;
  const groups = new Map<string, string[]>();
  for (const r of body.records) {
    const k = `${r.name.toLowerCase()} ${r.type}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(`${r.ttl} ${r.data}`);
  }
  const rrsets = new Map<string, string>();
  for (const [k, g] of groups) rrsets.set(k, g.sort().join('\n'));
  const { records: _records, serial: _serial, deletionGuard, ...rest } = body;
  const { baseline: _baseline, acknowledged: _acknowledged, ...guard } = deletionGuard ?? {};
  return { rest: JSON.stringify({ ...rest, guard }), rrsets };
}

/** The RRsets that differ between two shapes, each with all its records now (none: deleted). */
function rrsetsPatch(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): PatchRRsetsBody['rrsets'] {
  const out: PatchRRsetsBody['rrsets'] = [];
  const entry = (k: string, text: string | undefined) => {
    const i = k.lastIndexOf(' ');
    const records = (text ? text.split('\n') : []).map((line) => {
      const sp = line.indexOf(' ');
      return { ttl: Number(line.slice(0, sp)), data: line.slice(sp + 1) };
    });
    out.push({ name: k.slice(0, i), type: k.slice(i + 1) as RecordType, records });
  };
  for (const [k, text] of after) if (before.get(k) !== text) entry(k, text);
  for (const k of before.keys()) if (!after.has(k)) entry(k, undefined);
  return out;
}

/** Parses `Retry-After` (delta-seconds or an HTTP date) into seconds, relative to `nowMs`. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, Math.ceil((t - nowMs) / 1000));
}

/** Agents whose sockets are destroyed when the TCP/TLS connect takes longer than `ms`. */
function connectTimeoutAgents(ms: number): { httpAgent: http.Agent; httpsAgent: https.Agent } {
  const guard = (socket: Socket) => {
    if (!socket.connecting) return;
    const t = setTimeout(
      () => socket.destroy(Object.assign(new Error(`connect timed out after ${ms} ms`), { code: 'ECONNTIMEOUT' })),
      ms,
    );
    socket.once('connect', () => clearTimeout(t));
    socket.once('close', () => clearTimeout(t));
  };
  class HttpAgent extends http.Agent {
    override createConnection(
      ...args: Parameters<http.Agent['createConnection']>
    ): ReturnType<http.Agent['createConnection']> {
      const s = super.createConnection(...args);
      if (s) guard(s as Socket);
      return s;
    }
  }
  class HttpsAgent extends https.Agent {
    override createConnection(
      ...args: Parameters<http.Agent['createConnection']>
    ): ReturnType<http.Agent['createConnection']> {
      const s = super.createConnection(...args);
      if (s) guard(s as Socket);
      return s;
    }
  }
  return { httpAgent: new HttpAgent({ keepAlive: true }), httpsAgent: new HttpsAgent({ keepAlive: true }) };
}

function zoneUrl(endpoint: string, zone: string): string | undefined {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}/api/v1/zones/${encodeURIComponent(zone)}`;
}

const errBody = (r: AxiosResponse): Partial<ApiErrorBody> =>
  typeof r.data === 'object' && r.data !== null ? (r.data as Partial<ApiErrorBody>) : {};

/** bindcar's own "zone not found" (not a proxy's or a missing route's 404). */
function isZoneNotFound(r: AxiosResponse, zone: string): boolean {
  const b = errBody(r);
  return (
    r.status === 404 && b.code === 'NOT_FOUND' && typeof b.message === 'string' && b.message.startsWith(`zone ${zone}`)
  );
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/**
 * Records arrays already hashed: a plan used again (hooks/zone/plan-memo.ts) sends the very array once more. A desired
 * zone's records array is never changed once built (hooks/zone/desired.ts, plan.ts copy it to add to it).
 */
const recordsDigests = new WeakMap<PutZoneBody['records'], string>();

/** SHA-256 of a PUT body, its records (the bulk of it) hashed once per array. */
function bodyDigest(body: PutZoneBody): string {
  let records = recordsDigests.get(body.records);
  if (records === undefined) recordsDigests.set(body.records, (records = sha256(JSON.stringify(body.records))));
  const { records: _records, ...rest } = body;
  return sha256(`${records} ${JSON.stringify(rest)}`);
}

/** The real client (axios). */
export function createBindcarClient(opts: BindcarClientOptions): BindcarClient {
  const connectMs = opts.connectTimeoutMs ?? 3000;
  const requestMs = opts.requestTimeoutMs ?? 20000;
  const maxAttempts = Math.max(1, opts.attempts ?? 3);
  const backoff = opts.backoffMs ?? 250;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 5000;
  const deadlineMs = opts.deadlineMs ?? 40000;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const http = lazyAxios({
    ...connectTimeoutAgents(connectMs),
    timeout: requestMs,
    maxBodyLength: Infinity,
    maxContentLength: 16 * 1024 * 1024,
    maxRedirects: 0,
    validateStatus: () => true,
    proxy: false,
  });

  /** Runs one logical call with retries; `done` decides whether an answer is final. */
  async function call<T>(
    method: 'PUT' | 'DELETE' | 'PATCH' | 'POST',
    endpoint: string,
    zone: string,
    body: unknown,
    done: (r: AxiosResponse) => T | undefined,
    how: { suffix?: string; attempts?: number } = {},
  ): Promise<{ ok: true; value: T; attempts: number } | { ok: false; error: BindcarFailure }> {
    const base = zoneUrl(endpoint, zone);
    const url = base && how.suffix ? `${base}${how.suffix}` : base;
    const attempts = how.attempts ?? maxAttempts;
    if (!url)
      return {
        ok: false,
        error: { kind: 'invalid', message: `endpoint ${JSON.stringify(endpoint)} is not an http(s) URL`, attempts: 0 },
      };
    let last: BindcarFailure = { kind: 'unreachable', message: 'not attempted', attempts: 0 };
    const started = Date.now();
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let wait = backoff * 2 ** (attempt - 1);
      try {
        const token = await opts.token();
        const client = await http();
        const r = await client.request({
          method,
          url,
          data: body,
          timeout: Math.max(1, Math.min(requestMs, deadlineMs - (Date.now() - started))),
          headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), Accept: 'application/json' },
        });
        const value = r.status >= 200 && r.status < 300 ? done(r) : r.status === 404 ? done(r) : undefined;
        if (value !== undefined) return { ok: true, value, attempts: attempt };
        if (r.status >= 200 && r.status < 300) {
          return {
            ok: false,
            error: {
              kind: 'invalid',
              status: r.status,
              message: `${method} ${url}: HTTP ${r.status} with an unexpected body`,
              attempts: attempt,
            },
          };
        }
        const b = errBody(r);
        const message = `${method} ${url}: HTTP ${r.status}${b.code ? ` ${b.code}` : ''}${b.message ? `: ${b.message}` : ''}`;
        if (r.status === 429 || r.status >= 500) {
          const ra = parseRetryAfter(r.headers['retry-after'] as string | undefined, Date.now());
          last = {
            kind: 'unavailable',
            status: r.status,
            message,
            attempts: attempt,
            ...(b.code ? { code: b.code } : {}),
          };
          if (ra !== undefined) {
            if (ra * 1000 > maxRetryAfterMs) return { ok: false, error: { ...last, retryAfterSeconds: ra } };
            wait = Math.max(wait, ra * 1000);
          }
        } else {
          // 4xx: the request is wrong; retrying the same request cannot help.
          return {
            ok: false,
            error: {
              kind: 'rejected',
              status: r.status,
              message,
              attempts: attempt,
              ...(b.code ? { code: b.code } : {}),
              ...(b.details !== undefined ? { details: b.details } : {}),
            },
          };
        }
      } catch (e) {
        const err = e as { code?: string; message?: string };
        const timeout = err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT';
        const connect =
          err.code === 'ECONNREFUSED' ||
          err.code === 'ECONNTIMEOUT' ||
          err.code === 'EHOSTUNREACH' ||
          err.code === 'ENOTFOUND' ||
          err.code === 'EAI_AGAIN' ||
          err.code === 'ECONNRESET';
        last = {
          kind: timeout ? 'timeout' : connect ? 'unreachable' : 'unreachable',
          message: `${method} ${url}: ${timeout ? `no answer within ${requestMs} ms` : err.message || err.code || String(e)}`,
          attempts: attempt,
        };
      }
      if (attempt < attempts) {
        if (Date.now() - started + wait >= deadlineMs) break;
        await sleep(wait);
      }
    }
    return { ok: false, error: last };
  }

  const now = opts.now ?? Date.now;
  const applied = new Map<string, { digest: string; at: number; result: PutZoneResult }>();
  /** What the last full PUT/PATCH to an endpoint set: the base of the next changed-RRsets PATCH. */
  const bases = new Map<string, { rest: string; rrsets: Map<string, string>; serial: number }>();

  /** The serial bindcar serves for `zone` (one GET, no retries), or undefined. */
  async function servedSerial(endpoint: string, zone: string): Promise<number | undefined> {
    const url = zoneUrl(endpoint, zone);
    if (!url) return undefined;
    try {
      const token = await opts.token();
      const client = await http();
      const r = await client.get(url, {
        timeout: Math.min(requestMs, 5000),
        headers: token ? { Authorization: `Bearer ${token}` } : {},
      });
      const serial = (r.data as { serial?: unknown } | undefined)?.serial;
      return r.status === 200 && typeof serial === 'number' ? serial : undefined;
    } catch {
      return undefined;
    }
  }

  return {
    async putZone(endpoint, zone, body) {
      const key = `${endpoint} ${zone}`;
      const digest = opts.skipUnchangedForMs ? bodyDigest(body) : '';
      const known = applied.get(key);
      if (known && known.digest === digest && now() - known.at < (opts.skipUnchangedForMs ?? 0)) {
        if ((await servedSerial(endpoint, zone)) === known.result.serial) {
          return {
            ok: true,
            result: { ...known.result, changed: false, created: false, added: 0, removed: 0 },
            attempts: 1,
          };
        }
      }
      const asResult = (res: AxiosResponse) => {
        if (res.status < 200 || res.status >= 300) return undefined;
        const d = res.data as Partial<PutZoneResult>;
        return typeof d?.serial === 'number' ? (d as PutZoneResult) : undefined;
      };
      const shape = opts.changedRRsets === false ? undefined : zoneShape(body);
      const base = bases.get(key);
      bases.delete(key);
      if (shape && base && base.rest === shape.rest) {
        const patch = rrsetsPatch(base.rrsets, shape.rrsets);
        if (patch.length > 0 && patch.length <= MAX_PATCH_RRSETS) {
          // one attempt: whatever goes wrong, the full PUT below is the source of truth
          const p = await call(
            'PATCH',
            endpoint,
            zone,
            {
              ifSerial: base.serial,
              rrsets: patch,
              ...(body.serial != null ? { serial: body.serial } : {}),
              ...(body.deletionGuard ? { deletionGuard: body.deletionGuard } : {}),
            } satisfies PatchRRsetsBody,
            asResult,
            { suffix: '/rrsets', attempts: 1 },
          );
          if (p.ok) {
            bases.set(key, { rest: shape.rest, rrsets: shape.rrsets, serial: p.value.serial });
            if (opts.skipUnchangedForMs) applied.set(key, { digest, at: now(), result: p.value });
            return { ok: true, result: p.value, attempts: p.attempts };
          }
        }
      }
      const r = await call('PUT', endpoint, zone, body, asResult);
      if (r.ok && opts.skipUnchangedForMs) applied.set(key, { digest, at: now(), result: r.value });
      else applied.delete(key);
      if (r.ok && shape && !r.value.refused?.length)
        bases.set(key, { rest: shape.rest, rrsets: shape.rrsets, serial: r.value.serial });
      return r.ok ? { ok: true, result: r.value, attempts: r.attempts } : r;
    },
    async checkDs(endpoint, zone, body) {
      const r = await call(
        'POST',
        endpoint,
        zone,
        body,
        (res) => {
          if (res.status < 200 || res.status >= 300) return undefined;
          const d = res.data as Partial<ZoneDnssecResult>;
          if (typeof d?.state !== 'string' || !Array.isArray(d.keys) || !Array.isArray(d.ds)) return undefined;
          const { zone: _zone, ...dnssec } = d as ZoneDnssecResult;
          return dnssec;
        },
        { suffix: '/dnssec/checkds', attempts: 1 },
      );
      return r.ok ? { ok: true, dnssec: r.value } : r;
    },
    async deleteZone(endpoint, zone) {
      applied.delete(`${endpoint} ${zone}`);
      bases.delete(`${endpoint} ${zone}`);
      const r = await call('DELETE', endpoint, zone, undefined, (res) => {
        if (res.status >= 200 && res.status < 300) return 'deleted' as const;
        return isZoneNotFound(res, zone) ? ('notFound' as const) : undefined;
      });
      return r.ok ? { ok: true, gone: r.value, attempts: r.attempts } : r;
    },
  };
}
