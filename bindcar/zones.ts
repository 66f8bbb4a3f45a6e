/**
 * The zone service: the state and the named steps every zone operation shares. The operations
 * themselves live in the modules that build on this one, by job:
 *
 * - apply-zone.ts: make named serve a desired zone (the declarative PUT, DELETE, GET records);
 * - upstream.ts and upstream-records.ts: the routes that exist to be compatible with upstream
 *   bindcar (create from its body, patch options, rndc commands, single-record changes).
 *
 * What is shared, and why it is kept in one place:
 *
 * - One lock per zone: requests for one zone run one after another (a promise chain per zone),
 *   different zones in parallel. A declarative PUT and an upstream record change of the same zone
 *   must never interleave their read-diff-UPDATE steps.
 * - What named serves, cached per zone and keyed by SOA serial: each operation costs one SOA query;
 *   when the serial moved underneath us the cache catches up by IXFR (AXFR when nothing is cached).
 * - The zone's options block as last applied, so `rndc modzone` runs only when the options differ.
 * - Validation of zone options against what named.conf defines (dnssec-policy and TSIG key names),
 *   before any file is written or rndc is called.
 * - The catalog zone (RFC 9432, see catalog.ts): primaries are listed, secondaries are not, and
 *   the catalog itself is reserved: the zone API refuses to write it.
 */
import type { DnsClient } from './dns-client.js';
import type { FieldError, PutZoneBody, PutZoneResult } from '../dns/contract.js';
import { HttpError, invalidSpec, namedFailed } from './errors.js';
import { checkZoneName } from '../dns/names.js';
import type { Catalog } from './catalog.js';
import { addZoneReplacing, RndcError, type Rndc } from './rndc.js';
import { desiredZone, DEFAULT_MAX_RECORDS_PER_TYPE, type DesiredZone, type RecordMemo } from '../dns/zone-model.js';
import { renderZoneConfig, rndcZoneArg, sameZoneConfig, zoneOptionErrors, type ZoneOptions } from './zone-config.js';
import { applyTransfer, serialGt, type ServedZone } from './zone-state.js';
import type { ZoneStore } from './zone-store.js';

export interface ZoneServiceDeps {
  rndc: Rndc;
  dns: DnsClient;
  store: ZoneStore;
  /** name of the TSIG key named.conf allows to UPDATE/transfer (bindcar's own) */
  updateKeyName: string;
  /** name of the TSIG key secondaries transfer with; added to every zone's allow-transfer */
  transferKeyName?: string;
  /** the catalog zone to keep in step (primaries); none: no catalog */
  catalog?: Catalog;
  maxRecordsPerType?: number;
  /** observe DNS operation durations (metrics) */
  observeDns?: (operation: string, seconds: number, ok: boolean) => void;
  /** extra observers: called after a zone was added / deleted (the catalog is kept by `catalog`) */
  onZoneAdded?: (zone: string, type: 'primary' | 'secondary') => Promise<void>;
  onZoneDeleted?: (zone: string) => Promise<void>;
  /** dnssec-policy names named.conf defines besides named's built-in `default`, `insecure` and `none` */
  dnssecPolicies?: readonly string[];
  /** TSIG key names named.conf defines besides `updateKeyName` and `transferKeyName` */
  keyNames?: readonly string[];
}

/** named's built-in dnssec-policy names (BIND 9 ARM, "dnssec-policy"). */
const BUILTIN_DNSSEC_POLICIES = ['default', 'insecure', 'none'];

/** What `rndc zonestatus` says about a zone (upstream's `GET /api/v1/zones/{zone}` body). */
export interface ZoneInfo {
  name: string;
  zoneType: string;
  serial?: number;
  filePath?: string;
  dynamic?: boolean;
  nodes?: number;
}

/** What bindcar remembers about one zone between requests. */
export interface ZoneCacheEntry {
  served?: ServedZone;
  /** the zone config block as last applied/read */
  config?: string;
  /**
   * Set when a full PUT (or a PATCH on top of one) of this process made named serve exactly its desired zone at
   * `serial`: the base a changed-RRsets PATCH may build on. Cleared while any PUT runs and by every failure.
   */
  applied?: {
    serial: number;
    records: number;
    defaultTtl: number;
    /**
     * set by a full PUT: its body's SHA-256, the zone options it applied, its answer and whether a dnssec-policy
     * signs the zone (apply-zone.ts)
     */
    put?: { digest: string; config: string; answer: PutZoneResult; signing: boolean };
  };
}

/** Parse `rndc zonestatus` output lines ("name: x", "serial: 5", …). */
export function parseZoneStatus(text: string): ZoneInfo {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) kv.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  const serial = kv.get('serial');
  const nodes = kv.get('nodes');
  const info: ZoneInfo = { name: kv.get('name') ?? '', zoneType: kv.get('type') ?? 'unknown' };
  if (serial !== undefined && /^\d+$/.test(serial)) info.serial = Number(serial);
  const files = kv.get('files');
  if (files) info.filePath = files.split(',')[0]!.trim();
  if (kv.has('dynamic')) info.dynamic = kv.get('dynamic') === 'yes';
  if (nodes !== undefined && /^\d+$/.test(nodes)) info.nodes = Number(nodes);
  return info;
}

/** Validate a zone path parameter; 400 naming `zone` when invalid. */
export function zoneParam(raw: string): string {
  const c = checkZoneName(raw);
  if (!c.ok)
    throw new HttpError(400, 'INVALID_ZONE_NAME', `zone name ${JSON.stringify(raw.slice(0, 300))} ${c.reason}`, [
      { field: 'zone', message: c.reason },
    ]);
  return c.name;
}

export class ZoneService {
  readonly deps: ZoneServiceDeps;
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly cache = new Map<string, ZoneCacheEntry>();
  private readonly maxPerType: number;
  private readonly memos = new Map<string, RecordMemo>();
  /** Signed zones named was still signing when their DNSSEC was last read, and since when (ISO time): /readyz. */
  private readonly signingSince = new Map<string, string>();

  constructor(deps: ZoneServiceDeps) {
    this.deps = deps;
    this.maxPerType = deps.maxRecordsPerType ?? DEFAULT_MAX_RECORDS_PER_TYPE;
  }

  /** The `max-records-per-type` bodies are checked against. */
  get maxRecordsPerType(): number {
    return this.maxPerType;
  }

  /** Run `fn` after every earlier operation on `zone` settled (per-zone serialisation). */
  withZone<T>(zone: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(zone) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(zone, tail);
    void tail.then(() => {
      if (this.locks.get(zone) === tail) this.locks.delete(zone);
    });
    return run;
  }

  /** Operations in flight (for graceful shutdown). */
  async drain(): Promise<void> {
    while (this.locks.size) await Promise.all([...this.locks.values()]);
  }

  /** Run one DNS operation and report its duration to `observeDns` (the metrics' operation label). */
  async timed<T>(op: string, fn: () => Promise<T>): Promise<T> {
    const t = process.hrtime.bigint();
    try {
      const r = await fn();
      this.deps.observeDns?.(op, Number(process.hrtime.bigint() - t) / 1e9, true);
      return r;
    } catch (e) {
      this.deps.observeDns?.(op, Number(process.hrtime.bigint() - t) / 1e9, false);
      throw e;
    }
  }

  private options(
    zone: string,
    body: Pick<PutZoneBody, 'type' | 'alsoNotify' | 'allowTransfer' | 'primaries' | 'dnssecPolicy'>,
    extra: Partial<ZoneOptions> = {},
  ): ZoneOptions {
    return {
      type: body.type,
      file: this.deps.store.pathOf(zone),
      updateKey: this.deps.updateKeyName,
      transferKey: this.deps.transferKeyName ?? null,
      alsoNotify: body.alsoNotify ?? null,
      allowTransfer: body.allowTransfer ?? null,
      primaries: body.type === 'secondary' ? (body.primaries ?? null) : null,
      dnssecPolicy: body.dnssecPolicy ?? null,
      ...extra,
    };
  }

  private memoFor(zone: string): RecordMemo {
    let m = this.memos.get(zone);
    if (!m) {
      if (this.memos.size > 10000) this.memos.clear();
      this.memos.set(zone, (m = new Map()));
    }
    return m;
  }

  /** Validate a PUT body into the desired zone and its config, or throw 422 naming the fields. */
  validate(
    zone: string,
    body: PutZoneBody,
    extra: Partial<ZoneOptions> = {},
  ): { desired: DesiredZone; config: string; warnings: FieldError[] } {
    const errors: FieldError[] = zoneOptionErrors({ ...body, ...extra });
    errors.push(...this.unknownNameErrors({ ...body, ...extra }));
    const d = desiredZone(zone, body, this.maxPerType, this.memoFor(zone));
    if (!d.ok) errors.unshift(...d.errors);
    if (errors.length || !d.ok)
      throw invalidSpec(
        `zone ${zone} is invalid: ${errors
          .map((e) => `${e.field}: ${e.message}`)
          .slice(0, 5)
          .join('; ')}`,
        errors,
      );
    return { desired: d.zone, config: renderZoneConfig(this.options(zone, body, extra)), warnings: d.warnings };
  }

  /**
   * Names a zone option refers to that named.conf does not define: a dnssec-policy or a TSIG key
   * in allow-update/allow-transfer. named would refuse the addzone/modzone with its own text, so
   * they are 422s before any file is written or rndc is called.
   */
  unknownNameErrors(o: {
    dnssecPolicy?: string | null;
    allowTransfer?: readonly string[] | null;
    allowUpdate?: readonly string[] | null;
  }): FieldError[] {
    const errors: FieldError[] = [];
    const policies = [...BUILTIN_DNSSEC_POLICIES, ...(this.deps.dnssecPolicies ?? [])];
    if (o.dnssecPolicy != null && !policies.includes(o.dnssecPolicy))
      errors.push({
        field: 'dnssecPolicy',
        message: `"${o.dnssecPolicy.slice(0, 64)}" is not a dnssec-policy named knows; use one of ${policies.join(', ')}`,
      });
    const keys = [this.deps.updateKeyName, ...(this.deps.transferKeyName ? [this.deps.transferKeyName] : [])];
    keys.push(...(this.deps.keyNames ?? []));
    const checkKeys = (field: string, list: readonly string[] | null | undefined): void =>
      (list ?? []).forEach((el, i) => {
        const k = /^!?\s*key\s+(\S+)$/.exec(el.trim());
        if (k && !keys.includes(k[1]!))
          errors.push({
            field: `${field}/${i}`,
            message: `key "${k[1]!.slice(0, 64)}" is not a TSIG key named knows; use one of ${keys.join(', ')}`,
          });
      });
    checkKeys('allowTransfer', o.allowTransfer);
    checkKeys('allowUpdate', o.allowUpdate);
    return errors;
  }

  /** `rndc zonestatus`, parsed; undefined when named does not have the zone. */
  async zoneStatus(zone: string): Promise<ZoneInfo | undefined> {
    try {
      return parseZoneStatus(await this.deps.rndc.run(['zonestatus', zone]));
    } catch (e) {
      if (e instanceof RndcError && e.notFound) return undefined;
      throw e;
    }
  }

  /** `rndc addzone` (replacing a configuration named kept without serving it), then the catalog and observers. */
  async addZone(zone: string, config: string, type: 'primary' | 'secondary'): Promise<void> {
    await addZoneReplacing(this.deps.rndc, zone, config, (e) => this.rndcFailure(e, `adding zone ${zone}`));
    await this.listed(zone, type);
    await this.deps.onZoneAdded?.(zone, type);
  }

  /** Keep the catalog in step: primaries are members, secondaries are not (idempotent, a Set lookup). */
  async listed(zone: string, type: 'primary' | 'secondary'): Promise<void> {
    const c = this.deps.catalog;
    if (!c) return;
    if (type === 'primary') await c.add(zone);
    else await c.remove(zone);
  }

  /** 409 for the catalog zone: it is bindcar's own and never written through the zone API. */
  writable(zone: string): string {
    if (this.deps.catalog?.isCatalog(zone))
      throw new HttpError(409, 'RESERVED_ZONE', `zone ${zone} is bindcar's catalog zone and cannot be changed`, [
        { field: 'zone', message: 'is the catalog zone' },
      ]);
    return zone;
  }

  /** An rndc refusal as a 502 naming what was refused; any other error unchanged. */
  rndcFailure(e: unknown, what: string): unknown {
    if (e instanceof RndcError)
      return namedFailed(
        'RNDC_FAILED',
        `named refused ${what}: ${e.stderr}`,
        { exitCode: e.exitCode, stderr: e.stderr },
        e,
      );
    return e;
  }

  /** What named serves at `serial`: the cache when it is at that serial, else caught up by IXFR (AXFR). */
  async readServed(zone: string, entry: ZoneCacheEntry, serial: number): Promise<ServedZone> {
    if (entry.served && entry.served.serial === serial) return entry.served;
    // IXFR only forward from what we hold; a serial that went backwards (named lost its journal) or
    // no cache at all means a full AXFR.
    const base = entry.served && serialGt(serial, entry.served.serial) ? entry.served : undefined;
    const msgs = await this.timed(base ? 'ixfr' : 'axfr', () => this.deps.dns.transfer(zone, base?.serial));
    try {
      entry.served = applyTransfer(zone, base, msgs, true);
    } catch (e) {
      entry.served = undefined; // half-applied: the next read starts from a full AXFR
      throw e;
    }
    return entry.served;
  }

  /** The cache entry of `zone` (created empty). */
  entry(zone: string): ZoneCacheEntry {
    let e = this.cache.get(zone);
    if (!e) this.cache.set(zone, (e = {}));
    return e;
  }

  /** Drop what bindcar remembers about `zone` (it was deleted). */
  forget(zone: string): void {
    this.cache.delete(zone);
    this.memos.delete(zone);
    this.signingSince.delete(zone);
  }

  /** Note a read of the zone's DNSSEC (bindcar/dnssec.ts): whether named is still signing it. */
  noteSigning(zone: string, signing: boolean): void {
    if (!signing) this.signingSince.delete(zone);
    else if (!this.signingSince.has(zone)) this.signingSince.set(zone, new Date().toISOString());
  }

  /** The zones named is signing, as last read (oldest first, at most `limit`), and how many there are. */
  signing(limit = 50): { count: number; zones: { zone: string; since: string }[] } {
    const all = [...this.signingSince].map(([zone, since]) => ({ zone, since }));
    all.sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : a.zone < b.zone ? -1 : 1));
    return { count: all.length, zones: all.slice(0, limit) };
  }

  /** modzone when the zone's options differ from `config` (read via showzone once after a restart). */
  async ensureConfig(zone: string, entry: ZoneCacheEntry, config: string): Promise<boolean> {
    if (entry.config === undefined) {
      try {
        entry.config = await this.deps.rndc.run(['showzone', zone]);
      } catch (e) {
        throw this.rndcFailure(e, `showing zone ${zone}`);
      }
    }
    if (sameZoneConfig(entry.config, config)) return false;
    try {
      await this.deps.rndc.run(['modzone', rndcZoneArg(zone), config]);
    } catch (e) {
      entry.config = undefined;
      throw this.rndcFailure(e, `modifying zone ${zone}`);
    }
    entry.config = config;
    return true;
  }

  /** Readiness: rndc answers and named answers a DNS query. Returns failure reasons (empty = ready). */
  async readiness(): Promise<string[]> {
    const reasons: string[] = [];
    await Promise.all([
      this.deps.rndc.run(['status'], 2000).catch((e: unknown) => reasons.push(`rndc: ${(e as Error).message}`)),
      this.deps.dns.soa('version.bind', 2000).catch((e: unknown) => reasons.push(`dns: ${(e as Error).message}`)),
    ]);
    return reasons;
  }
}
