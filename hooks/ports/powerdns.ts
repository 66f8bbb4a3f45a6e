/**
 * Effect port: the DNSZone hook's client for a PowerDNS Authoritative server's HTTP API (`/api/v1/servers/{id}`), and
 * the probe the PowerDNSServer hook reports. A push makes PowerDNS serve the one desired zone, the same body bindcar's
 * PUT takes (dns/contract.ts `PutZoneBody`), with the translation and the diff of dns/powerdns.ts:
 *
 *   validate the body with the rules bindcar applies (dns/zone-model.ts) — a refused body sends nothing
 *   GET the zone ─ 404 → POST it with every RRset and the SOA, then flush PowerDNS's cache for it (a zone create does
 *   │               not: a name asked before the zone existed would answer REFUSED from the cache for ~20 s)
 *   └─ found → who owns it (`account`) → its settings (kind, soa_edit_api) → the one PATCH of the RRsets that differ,
 *              none when nothing does (an empty PATCH still moves the serial) → the serial served.
 *
 * PowerDNS applies a PATCH all or nothing and names only the first RRset it refuses (422): that RRset is left out and
 * the rest sent again, so one RRset PowerDNS refuses never blocks its zone (reported in `refused`, as bindcar does
 * for named), at most {@link MAX_REFUSED} times. Bounded like the bindcar client: connect and request timeouts, a
 * bounded number of attempts with exponential backoff for unreachable/timeout/5xx, within a deadline; a transient
 * failure repeats the whole GET-plan-PATCH cycle, never a PATCH planned on an older read. 4xx answers are final:
 * 401 means the API key is wrong (nothing was changed), 422 carries PowerDNS's JSON reason, and a bare 400 is named
 * for what it usually is (a body above `webserver-max-bodysize`). Failures are values, never thrown.
 *
 * Facts it relies on, measured against Debian's pdns-server 4.7.3 (test/hooks/ports/powerdns.e2e.test.ts; the API:
 * https://doc.powerdns.com/authoritative/http-api/zone.html): every response closes the connection, only 422s carry
 * JSON, PATCH REPLACE needs a ttl, a DELETE of a missing RRset is a 204.
 */
import https from 'node:https';
import type { AxiosResponse } from 'axios';
import { lazyAxios } from './lazy-axios.js';
import {
  MAX_RECORDS,
  type PutZoneBody,
  type PutZoneResult,
  type RefusedRRset,
  type RecordType,
} from '../../dns/contract.js';
import {
  accountOwner,
  isBindyAccount,
  ownerAccount,
  pdnsCreateBody,
  pdnsZoneId,
  planPdnsPatch,
  readPdnsZone,
  rrsetOfError,
  settingsChange,
  type PdnsChange,
  type PdnsRRset,
  type PdnsServed,
  type PdnsZone,
  type PdnsZoneKind,
  type SoaEditApi,
  type ContentMemo,
} from '../../dns/powerdns.js';
import { rrsetKey, type RRset } from '../../dns/rrset.js';
import { desiredZone, type DesiredZone, type RecordMemo } from '../../dns/zone-model.js';
import { deletedRecords, guardVerdict, recordCount } from '../../bindcar/deletion-guard.js';
import type { BindcarFailure, DeleteResult, PushResult } from './bindcar.js';
import { keepAliveKubeConfig } from './kube-client.js';
import { API_GROUP } from '../schema/generated.js';
import { powerDnsServerUrl, type PowerDnsKind, type PowerDnsSpec } from '../zone/select.js';

/** How to reach one PowerDNS server's API. */
export interface PowerDnsConnection {
  /** `<apiUrl>/api/v1/servers/<serverId>`, no trailing slash. */
  serverUrl: string;
  apiKey: string;
  /** PEM CA bundle for an https:// API. */
  ca?: string;
  /** Where the key comes from, for messages (`Secret dns/pdns-api key api-key`). */
  keySource?: string;
}

/** How bindy creates and keeps zones there (the PowerDNS server's spec). */
export interface PowerDnsZoneOptions {
  kind: PdnsZoneKind;
  soaEditApi: SoaEditApi;
}

/** What the API answered to the probe. */
export type ProbeResult =
  { ok: true; version: string; daemonType: string } | { ok: false; error: BindcarFailure; unauthorized?: boolean };

/** A PowerDNS zone read back, for `bindy plan` (undefined: the server does not have it). */
export type ReadResult =
  | { ok: true; zone?: { served: PdnsServed; account?: string; kind?: string; soaEditApi?: string } }
  | { ok: false; error: BindcarFailure };

export interface PowerDnsClient {
  /** Makes the server serve `body` as `zone` (canonical name, no trailing dot). */
  putZone(conn: PowerDnsConnection, opts: PowerDnsZoneOptions, zone: string, body: PutZoneBody): Promise<PushResult>;
  /**
   * Deletes the zone when it is `owner`'s (`namespace/name` of the DNSZone; its account says so). A zone the server
   * does not have (404), or one another owner's account marks, counts as gone: the first is, the second is not
   * this DNSZone's to delete.
   */
  deleteZone(conn: PowerDnsConnection, zone: string, owner?: string): Promise<DeleteResult>;
  /** `GET /api/v1/servers/<id>`: whether the API answers with this key, and its version. */
  probe(conn: PowerDnsConnection): Promise<ProbeResult>;
  /** The zone as the server serves it. */
  readZone(conn: PowerDnsConnection, zone: string): Promise<ReadResult>;
  /** The zone's RRsets as the API returns them (undefined: the server does not have it), for `bindy import`. */
  readRRsets(
    conn: PowerDnsConnection,
    zone: string,
  ): Promise<{ ok: true; rrsets?: PdnsRRset[] } | { ok: false; error: BindcarFailure }>;
}

export interface PowerDnsClientOptions {
  /** Per request, default 20000 ms (a 100k-record zone's POST takes ~12 s). */
  requestTimeoutMs?: number;
  /** Attempts of one push or delete, default 3. */
  attempts?: number;
  /** First backoff, doubled per attempt; default 250 ms. */
  backoffMs?: number;
  /** Budget of one call across attempts; default 40000 ms (below the webhook timeout). */
  deadlineMs?: number;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Sees every PATCH body before it is sent (tests count them). */
  onPatch?: (zone: string, changes: readonly PdnsChange[]) => void;
}

/** Refused RRsets left out of one push before it gives up. */
export const MAX_REFUSED = 20;
/** Zones whose parsed records the client keeps (per server). */
const MEMO_ZONES = 256;

/** One HTTP answer, or why there was none. */
type Answer = { ok: true; r: AxiosResponse } | { ok: false; error: BindcarFailure };

/** A request's failure that a new attempt may fix. */
const transient = (e: BindcarFailure) => e.kind === 'unreachable' || e.kind === 'timeout' || e.kind === 'unavailable';

/** The text of an error answer: a 422's JSON `error`, else the plain body PowerDNS sends (`Not Found`, …). */
function errorText(r: AxiosResponse): string {
  const d = r.data as unknown;
  if (d && typeof d === 'object' && typeof (d as { error?: unknown }).error === 'string')
    return (d as { error: string }).error;
  if (typeof d === 'string') return d.trim().slice(0, 300);
  return '';
}

class Failed extends Error {
  readonly failure: BindcarFailure;
  constructor(failure: BindcarFailure) {
    super(failure.message);
    this.failure = failure;
  }
}

/** The real client (axios; one TCP connection per call, as PowerDNS 4.7 closes every one). */
export function createPowerDnsClient(opts: PowerDnsClientOptions = {}): PowerDnsClient {
  const requestMs = opts.requestTimeoutMs ?? 20000;
  const maxAttempts = Math.max(1, opts.attempts ?? 3);
  const backoff = opts.backoffMs ?? 250;
  const deadlineMs = opts.deadlineMs ?? 40000;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const http = lazyAxios({
    maxBodyLength: Infinity,
    maxContentLength: 512 * 1024 * 1024,
    maxRedirects: 0,
    validateStatus: () => true,
    proxy: false,
  });
  const agents = new Map<string, https.Agent>();
  // per server and zone: the body records already canonicalised, and PowerDNS's content already read (a re-push of
  // a big unchanged zone then costs lookups, not parses); dropped beyond MEMO_ZONES zones
  const memos = new Map<string, { records: RecordMemo; contents: ContentMemo }>();
  const memoOf = (conn: PowerDnsConnection, zone: string) => {
    const k = `${conn.serverUrl} ${zone}`;
    let m = memos.get(k);
    if (!m) {
      if (memos.size >= MEMO_ZONES) memos.delete(memos.keys().next().value!);
      memos.set(k, (m = { records: new Map(), contents: new Map() }));
    }
    if (m.contents.size > 2 * MAX_RECORDS) m.contents.clear();
    return m;
  };
  const agentFor = (ca: string) => {
    let a = agents.get(ca);
    if (!a) agents.set(ca, (a = new https.Agent({ ca })));
    return a;
  };

  /** One request, one attempt; the answer whatever its status, or why there is none. */
  async function request(
    conn: PowerDnsConnection,
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
    timeoutMs = requestMs,
  ): Promise<Answer> {
    const url = `${conn.serverUrl}${path}`;
    const data = body === undefined ? undefined : JSON.stringify(body);
    try {
      const client = await http();
      const r = await client.request({
        method,
        url,
        ...(data !== undefined ? { data } : {}),
        timeout: timeoutMs,
        headers: {
          'X-API-Key': conn.apiKey,
          Accept: 'application/json',
          ...(data !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        ...(conn.ca && url.startsWith('https:') ? { httpsAgent: agentFor(conn.ca) } : {}),
      });
      if (r.status >= 500 || r.status === 429)
        return {
          ok: false,
          error: {
            kind: 'unavailable',
            status: r.status,
            message: `${method} ${url}: HTTP ${r.status}${errorText(r) ? `: ${errorText(r)}` : ''}`,
            attempts: 1,
          },
        };
      if (r.status === 401 || r.status === 403)
        return {
          ok: false,
          error: {
            kind: 'rejected',
            status: r.status,
            code: 'UNAUTHORIZED',
            message: `${method} ${url}: HTTP ${r.status} ${errorText(r) || 'Unauthorized'}: PowerDNS does not accept the API key${conn.keySource ? ` of ${conn.keySource}` : ''}; nothing was changed`,
            attempts: 1,
          },
        };
      const reason = r.data as { error?: unknown } | undefined;
      if (r.status === 400 && typeof reason?.error !== 'string')
        return {
          ok: false,
          error: {
            kind: 'rejected',
            status: 400,
            code: 'BAD_REQUEST',
            message: `${method} ${url}: HTTP 400 ${errorText(r) || 'Bad Request'} without a reason; PowerDNS answers so to a body above its webserver-max-bodysize (this one: ${data === undefined ? 0 : Buffer.byteLength(data)} bytes; the default limit is 2 MB) or to JSON it cannot read`,
            attempts: 1,
          },
        };
      return { ok: true, r };
    } catch (e) {
      const err = e as { code?: string; message?: string; name?: string };
      const timeout = err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT';
      return {
        ok: false,
        error: {
          kind: timeout ? 'timeout' : 'unreachable',
          message: `${method} ${url}: ${timeout ? `no answer within ${timeoutMs} ms` : err.message || err.code || String(e)}`,
          attempts: 1,
        },
      };
    }
  }

  /** A 4xx answer as a final failure. */
  const rejected = (method: string, path: string, conn: PowerDnsConnection, r: AxiosResponse, code: string) =>
    new Failed({
      kind: 'rejected',
      status: r.status,
      code,
      message: `${method} ${conn.serverUrl}${path}: HTTP ${r.status}${errorText(r) ? `: ${errorText(r)}` : ''}`,
      attempts: 1,
    });

  const ok = async (
    conn: PowerDnsConnection,
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<AxiosResponse> => {
    const a = await request(conn, method, path, body);
    if (!a.ok) throw new Failed(a.error);
    return a.r;
  };

  /** Runs `cycle` until it succeeds, fails for good, or the attempts or the deadline run out. */
  async function withRetries<T>(
    cycle: () => Promise<T>,
  ): Promise<{ ok: true; value: T; attempts: number } | { ok: false; error: BindcarFailure }> {
    const started = Date.now();
    let last: BindcarFailure = { kind: 'unreachable', message: 'not attempted', attempts: 0 };
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        return { ok: true, value: await cycle(), attempts: attempt };
      } catch (e) {
        if (!(e instanceof Failed)) throw e;
        last = { ...e.failure, attempts: attempt };
        if (!transient(e.failure)) return { ok: false, error: last };
      }
      const wait = backoff * 2 ** (attempt - 1);
      if (attempt < maxAttempts && Date.now() - started + wait < deadlineMs) await sleep(wait);
      else break;
    }
    return { ok: false, error: last };
  }

  /** GET the zone (with its RRsets unless `rrsets` is false); undefined when the server does not have it. */
  async function getZone(conn: PowerDnsConnection, zone: string, rrsets = true): Promise<PdnsZone | undefined> {
    const path = `/zones/${pdnsZoneId(zone)}${rrsets ? '' : '?rrsets=false'}`;
    const r = await ok(conn, 'GET', path);
    if (r.status === 404) return undefined;
    if (r.status !== 200 || typeof r.data !== 'object' || r.data === null)
      throw r.status >= 400
        ? rejected('GET', path, conn, r, 'POWERDNS_REJECTED')
        : new Failed({
            kind: 'invalid',
            status: r.status,
            message: `GET ${conn.serverUrl}${path}: HTTP ${r.status} with an unexpected body`,
            attempts: 1,
          });
    return r.data as PdnsZone;
  }

  /** The serial the zone serves now (a GET without its RRsets: cheap however big the zone). */
  async function servedSerial(conn: PowerDnsConnection, zone: string): Promise<number> {
    const z = await getZone(conn, zone, false);
    return typeof z?.serial === 'number' ? z.serial : 0;
  }

  /**
   * Sends `send(changes)` (a PATCH, or the create POST), leaving out each RRset a 422 names and sending the rest
   * again. @returns the RRsets refused
   */
  async function applyLeavingOut<C extends { name: string; type: string }>(
    items: C[],
    send: (items: C[]) => Promise<AxiosResponse>,
    what: string,
    conn: PowerDnsConnection,
  ): Promise<{ refused: RefusedRRset[]; r: AxiosResponse }> {
    const refused: RefusedRRset[] = [];
    let left = items;
    for (;;) {
      const r = await send(left);
      if (r.status !== 422) return { refused, r };
      const reason = errorText(r);
      const named = rrsetOfError(reason);
      const at = named
        ? left.findIndex((c) => c.name.toLowerCase() === named.owner && c.type.toUpperCase() === named.type)
        : -1;
      // the SOA is the zone itself: never left out
      if (at < 0 || left[at]!.type === 'SOA' || refused.length >= MAX_REFUSED)
        throw new Failed({
          kind: 'rejected',
          status: 422,
          code: 'POWERDNS_REJECTED',
          message: `${what} ${conn.serverUrl}: PowerDNS refused the change (nothing was applied): ${reason}`,
          attempts: 1,
        });
      refused.push({ owner: named!.owner, type: left[at]!.type as RecordType, rcode: `PowerDNS: ${reason}` });
      left = left.filter((_, i) => i !== at);
    }
  }

  async function create(
    conn: PowerDnsConnection,
    zopts: PowerDnsZoneOptions,
    zone: string,
    desired: DesiredZone,
    body: PutZoneBody,
  ): Promise<PutZoneResult> {
    const account = body.owner ? ownerAccount(body.owner) : undefined;
    const serial = body.serial ?? 1;
    const full = pdnsCreateBody(desired, { ...zopts, ...(account ? { account } : {}) }, serial || 1);
    const [soa, ...rest] = full.rrsets;
    const { refused, r } = await applyLeavingOut(
      rest,
      (rrsets) => ok(conn, 'POST', '/zones', { ...full, rrsets: [soa!, ...rrsets] }),
      'POST',
      conn,
    );
    // someone created it meanwhile: the next attempt reads it (an update then)
    if (r.status === 409)
      throw new Failed({
        kind: 'unavailable',
        status: 409,
        message: `POST ${conn.serverUrl}/zones: zone ${zone} was created meanwhile`,
        attempts: 1,
      });
    if (r.status !== 201) throw rejected('POST', '/zones', conn, r, 'POWERDNS_REJECTED');
    // a zone create leaves a cached REFUSED for names asked before it existed; PATCHes flush their zone themselves
    await request(conn, 'PUT', `/cache/flush?domain=${encodeURIComponent(`${zone}.`)}`);
    const refusedKeys = new Set(refused.map((x) => rrsetKey(x.owner, x.type)));
    let added = 0;
    for (const [k, s] of desired.rrsets) if (!refusedKeys.has(k)) added += s.data.length;
    const served =
      zopts.soaEditApi === 'OFF'
        ? serial || 1
        : ((r.data as PdnsZone | undefined)?.serial ?? (await servedSerial(conn, zone)));
    return {
      zone,
      serial: served,
      changed: true,
      created: true,
      added,
      removed: 0,
      ...(refused.length ? { refused } : {}),
      ...(body.deletionGuard ? { records: recordCount(desired.rrsets) } : {}),
    };
  }

  async function update(
    conn: PowerDnsConnection,
    zopts: PowerDnsZoneOptions,
    zone: string,
    have: PdnsZone,
    desired: DesiredZone,
    body: PutZoneBody,
  ): Promise<PutZoneResult> {
    // who owns it (dns/powerdns.ts ownerAccount): this DNSZone, another (a zone moving between DNSZones needs no
    // adoption), or nobody bindy knows — left untouched unless spec.adoptExisting
    const account = body.owner ? ownerAccount(body.owner) : undefined;
    let adopted: { from?: string } | undefined;
    if (account && have.account !== account) {
      if (isBindyAccount(have.account)) {
        const from = accountOwner(have.account);
        adopted = from ? { from } : {};
      } else if (body.adopt) adopted = {};
      else
        throw new Failed({
          kind: 'rejected',
          status: 409,
          code: 'ZONE_NOT_OWNED',
          message: `PowerDNS at ${conn.serverUrl} serves zone ${zone}${have.account ? ` (account "${have.account}")` : ''}, which bindy did not create`,
          attempts: 1,
        });
    }
    const settings = settingsChange(have, { ...zopts, ...(account ? { account } : {}) });
    if (Object.keys(settings).length) {
      const path = `/zones/${pdnsZoneId(zone)}`;
      const r = await ok(conn, 'PUT', path, settings);
      if (r.status !== 204 && r.status !== 200) throw rejected('PUT', path, conn, r, 'POWERDNS_REJECTED');
    }
    // the serial is bindy's when the zone's soa_edit_api is OFF (after the settings change above)
    const serverSerial = (settings.soa_edit_api ?? have.soa_edit_api ?? zopts.soaEditApi) !== 'OFF';
    const served = readPdnsZone(zone, have.rrsets ?? [], memoOf(conn, zone).contents);
    const plan = planPdnsPatch(desired, served, {
      serverSerial,
      ...(body.serial != null ? { floor: body.serial } : {}),
    });
    const guard = body.deletionGuard
      ? guardVerdict(
          body.deletionGuard,
          deletedRecords(plan.desiredManaged, plan.servedManaged),
          recordCount(plan.desiredManaged),
        )
      : {};
    if (guard.held)
      throw new Failed({
        kind: 'rejected',
        status: 409,
        code: 'DELETIONS_HELD',
        message: `the change would delete ${guard.held.deletes} of ${guard.held.served} records (${guard.held.limit})`,
        details: guard.held,
        attempts: 1,
      });
    const extra = {
      ...(adopted ? { adopted } : {}),
      ...(body.deletionGuard ? { records: recordCount(plan.desiredManaged) } : {}),
      ...(guard.acknowledged ? { acknowledged: true as const } : {}),
    };
    if (!plan.changes.length)
      return { zone, serial: served.serial, changed: false, created: false, added: 0, removed: 0, ...extra };
    const path = `/zones/${pdnsZoneId(zone)}`;
    const { refused, r } = await applyLeavingOut(
      plan.changes,
      (rrsets) => {
        opts.onPatch?.(zone, rrsets);
        return ok(conn, 'PATCH', path, { rrsets });
      },
      'PATCH',
      conn,
    );
    if (r.status !== 204 && r.status !== 200) throw rejected('PATCH', path, conn, r, 'POWERDNS_REJECTED');
    let { added, removed } = plan;
    if (refused.length) {
      // what a refused RRset would have added or removed did not happen: count again without them
      const keys = new Set(refused.map((x) => rrsetKey(x.owner, x.type)));
      const keep = <V>(m: Map<string, V>) => new Map([...m].filter(([k]) => !keys.has(k)));
      const again = planPdnsPatch(
        { ...desired, rrsets: keep(desired.rrsets) as Map<string, RRset> },
        { ...served, rrsets: keep(served.rrsets), unreadable: keep(served.unreadable) },
        { serverSerial: true },
      );
      ({ added, removed } = again);
    }
    const serial = plan.serial ?? (await servedSerial(conn, zone));
    return {
      zone,
      serial,
      changed: true,
      created: false,
      added,
      removed,
      ...(refused.length ? { refused } : {}),
      ...extra,
    };
  }

  return {
    async putZone(conn, zopts, zone, body) {
      // the rules bindcar's PUT applies (dns/zone-model.ts): a body they refuse reaches no server
      const d = desiredZone(zone, body, undefined, memoOf(conn, zone).records);
      if (!d.ok)
        return {
          ok: false,
          error: {
            kind: 'rejected',
            code: 'INVALID_SPEC',
            message: `the zone breaks bindy's rules (nothing sent to PowerDNS): ${d.errors
              .slice(0, 5)
              .map((e) => `${e.field}: ${e.message}`)
              .join('; ')}`,
            details: d.errors,
            attempts: 0,
          },
        };
      if (body.type !== 'primary')
        return {
          ok: false,
          error: {
            kind: 'rejected',
            code: 'INVALID_SPEC',
            message: 'PowerDNS servers are primaries here: bindy does not configure secondary zones on them',
            attempts: 0,
          },
        };
      const r = await withRetries(async () => {
        const have = await getZone(conn, zone);
        return have ? update(conn, zopts, zone, have, d.zone, body) : create(conn, zopts, zone, d.zone, body);
      });
      return r.ok ? { ok: true, result: r.value, attempts: r.attempts } : r;
    },

    async deleteZone(conn, zone, owner) {
      const r = await withRetries(async (): Promise<'deleted' | 'notFound'> => {
        const have = await getZone(conn, zone, false);
        if (!have) return 'notFound';
        // not this DNSZone's zone (another tool's, or another DNSZone's now): not ours to delete
        if (owner && have.account !== ownerAccount(owner)) return 'notFound';
        const path = `/zones/${pdnsZoneId(zone)}`;
        const d = await ok(conn, 'DELETE', path);
        if (d.status === 204 || d.status === 200) return 'deleted';
        if (d.status === 404) return 'notFound';
        throw rejected('DELETE', path, conn, d, 'POWERDNS_REJECTED');
      });
      return r.ok ? { ok: true, gone: r.value, attempts: r.attempts } : r;
    },

    async probe(conn) {
      const a = await request(conn, 'GET', '', undefined, Math.min(requestMs, 5000));
      if (!a.ok)
        return { ok: false, error: a.error, ...(a.error.code === 'UNAUTHORIZED' ? { unauthorized: true } : {}) };
      const d = a.r.data as { version?: unknown; daemon_type?: unknown } | undefined;
      if (a.r.status !== 200 || typeof d?.version !== 'string')
        return {
          ok: false,
          error: {
            kind: a.r.status === 404 ? 'rejected' : 'invalid',
            status: a.r.status,
            message: `GET ${conn.serverUrl}: HTTP ${a.r.status}${a.r.status === 404 ? ' (no such server id)' : ''}${errorText(a.r) ? `: ${errorText(a.r)}` : ''}`,
            attempts: 1,
          },
        };
      return { ok: true, version: d.version, daemonType: typeof d.daemon_type === 'string' ? d.daemon_type : '' };
    },

    async readRRsets(conn, zone) {
      const r = await withRetries(async () => getZone(conn, zone));
      if (!r.ok) return r;
      return { ok: true, ...(r.value ? { rrsets: (r.value.rrsets ?? []) as PdnsRRset[] } : {}) };
    },

    async readZone(conn, zone) {
      const r = await withRetries(async () => getZone(conn, zone));
      if (!r.ok) return r;
      const z = r.value;
      return {
        ok: true,
        ...(z
          ? {
              zone: {
                served: readPdnsZone(zone, (z.rrsets ?? []) as PdnsRRset[]),
                ...(z.account !== undefined ? { account: z.account } : {}),
                ...(z.kind !== undefined ? { kind: z.kind } : {}),
                ...(z.soa_edit_api !== undefined ? { soaEditApi: z.soa_edit_api } : {}),
              },
            }
          : {}),
      };
    },
  };
}

// ---------------------------------------------------------------- the DNSZone hook's view: servers by reference

/** A PowerDNS server the DNSZone hook pushes to: its kind and name, and its spec when the request carries it. */
export interface PowerDnsTarget {
  kind: PowerDnsKind;
  /** '' for a ClusterPowerDNSServer. */
  namespace: string;
  name: string;
  spec?: PowerDnsSpec;
}

/** A Secret's data, decoded (UTF-8), or undefined when there is no such Secret. */
export type SecretReader = (namespace: string, name: string) => Promise<Record<string, string> | undefined>;

/** A PowerDNS server's spec by kind and name (for one the request does not carry), or undefined when it is gone. */
export type ServerReader = (ref: {
  kind: PowerDnsKind;
  namespace: string;
  name: string;
}) => Promise<PowerDnsSpec | undefined>;

export interface PowerDnsBackend {
  putZone(target: PowerDnsTarget, zone: string, body: PutZoneBody): Promise<PushResult>;
  /** Deletes the zone where `owner` (the DNSZone's `namespace/name`) created it; see {@link PowerDnsClient}. */
  deleteZone(target: PowerDnsTarget, zone: string, owner: string): Promise<DeleteResult>;
}

/** `PowerDNSServer ns/name` / `ClusterPowerDNSServer name`. */
const targetText = (t: { kind: PowerDnsKind; namespace: string; name: string }) =>
  `${t.kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name}`;

/**
 * How to reach a server and how it keeps zones, from its spec and the Secrets it names (in its namespace, or those
 * the cluster kind names); or why not, as a failure naming the Secret.
 */
export async function powerDnsConnection(
  target: { kind: PowerDnsKind; namespace: string; name: string },
  spec: PowerDnsSpec,
  secrets: SecretReader,
): Promise<{ ok: true; conn: PowerDnsConnection; zone: PowerDnsZoneOptions } | { ok: false; error: BindcarFailure }> {
  const secretNs = (ref: { namespace?: string }) =>
    target.kind === 'PowerDNSServer' ? target.namespace : ref.namespace;
  const read = async (ref: { name: string; key?: string; namespace?: string }, dflt: string, what: string) => {
    const ns = secretNs(ref) ?? '';
    const key = ref.key ?? dflt;
    const where = `Secret ${ns}/${ref.name} key ${key}`;
    let data: Record<string, string> | undefined;
    try {
      data = await secrets(ns, ref.name);
    } catch (e) {
      return { error: `${targetText(target)}: ${what} ${where} could not be read: ${(e as Error).message}`, where };
    }
    const v = data?.[key];
    if (v === undefined || v.trim() === '')
      return {
        error: `${targetText(target)}: ${what} ${where} ${data ? 'has no such key' : 'does not exist'}`,
        where,
        missing: true,
      };
    return { value: v.trim(), where };
  };
  const key = await read(spec.apiKeySecretRef, 'api-key', 'the API key in');
  if (key.value === undefined)
    return { ok: false, error: { kind: 'rejected', code: 'SECRET_NOT_FOUND', message: key.error!, attempts: 0 } };
  let ca: string | undefined;
  if (spec.tls?.caSecretRef) {
    const c = await read(spec.tls.caSecretRef, 'ca.crt', 'the CA bundle in');
    if (c.value === undefined)
      return { ok: false, error: { kind: 'rejected', code: 'SECRET_NOT_FOUND', message: c.error!, attempts: 0 } };
    ca = c.value;
  }
  return {
    ok: true,
    conn: { serverUrl: powerDnsServerUrl(spec), apiKey: key.value, keySource: key.where, ...(ca ? { ca } : {}) },
    zone: { kind: spec.zoneKind ?? 'Native', soaEditApi: spec.soaEditApi ?? 'OFF' },
  };
}

/**
 * The DNSZone hook's PowerDNS port: resolves a target to its connection (the spec the request carries, else
 * `servers`; the API key from `secrets`, read again at most every `secretTtlMs`, default 10 s, so a rotated key is
 * used within seconds) and pushes or deletes through `client`.
 */
export function powerDnsBackend(deps: {
  client: PowerDnsClient;
  secrets: SecretReader;
  servers?: ServerReader;
  secretTtlMs?: number;
  now?: () => number;
}): PowerDnsBackend {
  const ttl = deps.secretTtlMs ?? 10000;
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { at: number; data: Promise<Record<string, string> | undefined> }>();
  const secrets: SecretReader = (ns, name) => {
    const k = `${ns}/${name}`;
    const hit = cache.get(k);
    if (hit && now() - hit.at < ttl) return hit.data;
    const data = deps.secrets(ns, name);
    cache.set(k, { at: now(), data });
    data.catch(() => cache.delete(k));
    return data;
  };
  const resolve = async (target: PowerDnsTarget) => {
    const spec = target.spec ?? (await deps.servers?.(target).catch(() => undefined));
    if (!spec)
      return {
        ok: false as const,
        error: {
          kind: 'invalid' as const,
          message: `${targetText(target)} no longer exists: bindy cannot reach its API to confirm the zone is gone there`,
          attempts: 0,
        },
      };
    const c = await powerDnsConnection(target, spec, secrets);
    // a key that was just rotated: the next call reads the Secret again
    if (!c.ok) cache.clear();
    return c;
  };
  return {
    async putZone(target, zone, body) {
      const c = await resolve(target);
      if (!c.ok) return c;
      const r = await deps.client.putZone(c.conn, c.zone, zone, body);
      if (!r.ok && r.error.code === 'UNAUTHORIZED') cache.clear();
      return r;
    },
    async deleteZone(target, zone, owner) {
      const c = await resolve(target);
      if (!c.ok) return c;
      return deps.client.deleteZone(c.conn, zone, owner);
    },
  };
}

/** A SecretReader over the Kubernetes API (client-node, loaded on first use); 404 → undefined. */
export function kubeSecretReader(kubeconfig?: string): SecretReader {
  let api: Promise<InstanceType<typeof import('@kubernetes/client-node').CoreV1Api>> | undefined;
  return async (namespace, name) => {
    api ??= (async () => {
      const k8s = await import('@kubernetes/client-node');
      return keepAliveKubeConfig(k8s, kubeconfig).makeApiClient(k8s.CoreV1Api);
    })();
    try {
      const s = await (await api).readNamespacedSecret({ name, namespace });
      return decodeSecretData(s.data as Record<string, string> | undefined);
    } catch (e) {
      if ((e as { code?: number }).code === 404) return undefined;
      throw e;
    }
  };
}

/** A ServerReader over the Kubernetes API (the two PowerDNS kinds); 404 → undefined. */
export function kubeServerReader(kubeconfig?: string): ServerReader {
  let api: Promise<InstanceType<typeof import('@kubernetes/client-node').CustomObjectsApi>> | undefined;
  return async (ref) => {
    api ??= (async () => {
      const k8s = await import('@kubernetes/client-node');
      return keepAliveKubeConfig(k8s, kubeconfig).makeApiClient(k8s.CustomObjectsApi);
    })();
    try {
      const o = (
        ref.kind === 'PowerDNSServer'
          ? await (
              await api
            ).getNamespacedCustomObject({
              group: API_GROUP,
              version: 'v1beta1',
              namespace: ref.namespace,
              plural: 'powerdnsservers',
              name: ref.name,
            })
          : await (
              await api
            ).getClusterCustomObject({
              group: API_GROUP,
              version: 'v1beta1',
              plural: 'clusterpowerdnsservers',
              name: ref.name,
            })
      ) as { spec?: PowerDnsSpec; metadata?: { deletionTimestamp?: string } };
      return o.spec;
    } catch (e) {
      if ((e as { code?: number }).code === 404) return undefined;
      throw e;
    }
  };
}

/** A Secret's `data` (base64 values) decoded to UTF-8 text. */
export function decodeSecretData(data: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  return out;
}
