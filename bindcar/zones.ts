/**
 * The zone service: every change bindcar makes to named goes through here.
 *
 * - Requests for one zone run one after another (a promise chain per zone); different zones run in
 *   parallel.
 * - What named serves is cached per zone, keyed by SOA serial. Each PUT costs one SOA query; when
 *   the serial moved underneath us the cache catches up by IXFR (AXFR when nothing is cached).
 * - New zones: validate → atomic zone-file write → `rndc addzone` (dynamic: allow-update for
 *   bindcar's key). Existing zones: diff → signed UPDATE messages → IXFR read-back → verify.
 * - Zone options change through `rndc modzone`, only after they passed validation.
 *
 * - Catalog zone (RFC 9432, see catalog.ts): every primary zone is listed in the catalog before the
 *   response of the request that added it, and unlisted before the response that deleted it (or
 *   turned it into a secondary). The catalog itself is reserved: the zone API refuses to write it.
 *
 * Serial consistency across primaries. Every primary of a cluster gets the same
 * PUT body, but each named numbers its own changes, so after a missed push or a restart two primaries
 * can serve the same content under different serials, and a secondary following both would see a
 * "newer" serial with older content. The body's `serial` is therefore a floor:
 *
 *     served = max(floor, current + 1)   when the content changed
 *     served = floor                     when only the floor is ahead of the current serial
 *     served = current                   otherwise (same content, floor not ahead: a no-op)
 *
 * The DNSZone hook sends `serial` = the highest serial any primary reported (observed status) and
 * re-PUTs primaries whose answer is lower until all agree; since the content is equal, the lagging
 * primary only bumps its SOA to the floor. Serials compare in RFC 1982 arithmetic.
 */
import type { DnsClient } from './dns-client.js';
import { UpdateRejectedError } from './dns-client.js';
import type { FieldError, PutZoneBody, PutZoneResult, ZoneRecord, ZoneRecordsResult } from '../dns/contract.js';
import { conflict, HttpError, invalidSpec, namedFailed, notFound } from './errors.js';
import { checkZoneName, relativeOwner } from '../dns/names.js';
import type { Catalog } from './catalog.js';
import type { Rndc } from './rndc.js';
import { RndcError } from './rndc.js';
import { orderRRsets, rrsetKey } from '../dns/rrset.js';
import { desiredZone, DEFAULT_MAX_RECORDS_PER_TYPE, type DesiredZone, type RecordMemo } from '../dns/zone-model.js';
import { renderDesiredZone } from './zone-file.js';
import {
  normalizeZoneConfig,
  parseZoneConfig,
  renderZoneConfig,
  sameZoneConfig,
  zoneOptionErrors,
  type ZoneOptions,
} from './zone-config.js';
import { applyTransfer, diffZone, mismatches, servedFromDesired, serialGt, type ServedZone } from './zone-state.js';
import type { ZoneStore } from './zone-store.js';
import { updateOpWire, type UpdateOp } from './dns-wire.js';

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

/** An UPDATE operation on one record or RRset (the record routes never touch the SOA). */
export type RecordOp = Exclude<UpdateOp, { op: 'soa' }>;

/** What an upstream record route expects named to serve afterwards, and what must be served before. */
export interface RecordIntent {
  /** RRs that must already be served (an update's `currentValue`), with the request field naming each */
  mustExist?: { owner: string; type: string; data: string; field: string }[];
}

export interface ZoneInfo {
  name: string;
  zoneType: string;
  serial?: number;
  filePath?: string;
  dynamic?: boolean;
  nodes?: number;
}

interface CacheEntry {
  served?: ServedZone;
  /** the zone config block as last applied/read */
  config?: string;
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
  private readonly deps: ZoneServiceDeps;
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly cache = new Map<string, CacheEntry>();
  private readonly maxPerType: number;
  private readonly memos = new Map<string, RecordMemo>();

  constructor(deps: ZoneServiceDeps) {
    this.deps = deps;
    this.maxPerType = deps.maxRecordsPerType ?? DEFAULT_MAX_RECORDS_PER_TYPE;
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

  private async timed<T>(op: string, fn: () => Promise<T>): Promise<T> {
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
  ): { desired: DesiredZone; config: string } {
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
    return { desired: d.zone, config: renderZoneConfig(this.options(zone, body, extra)) };
  }

  /**
   * Names a zone option refers to that named.conf does not define: a dnssec-policy or a TSIG key
   * in allow-update/allow-transfer. named would refuse the addzone/modzone with its own text, so
   * they are 422s before any file is written or rndc is called.
   */
  private unknownNameErrors(o: {
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

  private async zoneStatus(zone: string): Promise<ZoneInfo | undefined> {
    try {
      return parseZoneStatus(await this.deps.rndc.run(['zonestatus', zone]));
    } catch (e) {
      if (e instanceof RndcError && e.notFound) return undefined;
      throw e;
    }
  }

  private async addZone(zone: string, config: string, type: 'primary' | 'secondary'): Promise<void> {
    try {
      await this.deps.rndc.run(['addzone', zone, config]);
    } catch (e) {
      if (e instanceof RndcError && e.alreadyExists) {
        // configured in named (e.g. its .nzd survived) but not served from our file: replace it
        await this.deps.rndc.run(['delzone', zone]).catch((d: unknown) => {
          if (!(d instanceof RndcError && d.notFound)) throw d;
        });
        await this.deps.rndc.run(['addzone', zone, config]);
      } else throw this.rndcFailure(e, `adding zone ${zone}`);
    }
    await this.listed(zone, type);
    await this.deps.onZoneAdded?.(zone, type);
  }

  /** Keep the catalog in step: primaries are members, secondaries are not (idempotent, a Set lookup). */
  private async listed(zone: string, type: 'primary' | 'secondary'): Promise<void> {
    const c = this.deps.catalog;
    if (!c) return;
    if (type === 'primary') await c.add(zone);
    else await c.remove(zone);
  }

  /** 409 for the catalog zone: it is bindcar's own and never written through the zone API. */
  private writable(zone: string): string {
    if (this.deps.catalog?.isCatalog(zone))
      throw new HttpError(409, 'RESERVED_ZONE', `zone ${zone} is bindcar's catalog zone and cannot be changed`, [
        { field: 'zone', message: 'is the catalog zone' },
      ]);
    return zone;
  }

  private rndcFailure(e: unknown, what: string): unknown {
    if (e instanceof RndcError)
      return namedFailed(
        'RNDC_FAILED',
        `named refused ${what}: ${e.stderr}`,
        { exitCode: e.exitCode, stderr: e.stderr },
        e,
      );
    return e;
  }

  private async readServed(zone: string, entry: CacheEntry, serial: number): Promise<ServedZone> {
    if (entry.served && entry.served.serial === serial) return entry.served;
    // IXFR only forward from what we hold; a serial that went backwards (named lost its journal) or
    // no cache at all means a full AXFR.
    const base = entry.served && serialGt(serial, entry.served.serial) ? entry.served : undefined;
    const msgs = await this.timed(base ? 'ixfr' : 'axfr', () => this.deps.dns.transfer(zone, base?.serial));
    const served = applyTransfer(zone, base, msgs);
    entry.served = served;
    return served;
  }

  private entry(zone: string): CacheEntry {
    let e = this.cache.get(zone);
    if (!e) this.cache.set(zone, (e = {}));
    return e;
  }

  /**
   * `PUT /api/v1/zones/{zone}`: make named serve exactly `body`.
   * Same body twice ⇒ `changed: false` and the serial stays.
   */
  putZone(zoneRaw: string, body: PutZoneBody): Promise<PutZoneResult> {
    const zone = this.writable(zoneParam(zoneRaw));
    const { desired, config } = this.validate(zone, body);
    return this.withZone(zone, () =>
      body.type === 'secondary' ? this.putSecondary(zone, config) : this.putPrimary(zone, body, desired, config),
    );
  }

  private async createPrimary(
    zone: string,
    desired: DesiredZone,
    config: string,
    serial: number,
  ): Promise<PutZoneResult> {
    const entry = this.entry(zone);
    await this.deps.store.write(zone, renderDesiredZone(desired, serial));
    try {
      await this.addZone(zone, config, 'primary');
    } catch (e) {
      // a zone named refused must not be listed (`GET /api/v1/zones` reads the zone directory)
      if (!(await this.zoneStatus(zone).catch(() => undefined))) await this.deps.store.remove(zone);
      throw e;
    }
    entry.config = config;
    entry.served = servedFromDesired(desired, serial);
    let added = 0;
    for (const s of desired.rrsets.values()) added += s.data.length;
    return { zone, serial, changed: true, created: true, added, removed: 0 };
  }

  private async putPrimary(
    zone: string,
    body: PutZoneBody,
    desired: DesiredZone,
    config: string,
  ): Promise<PutZoneResult> {
    const entry = this.entry(zone);
    const soa = await this.timed('soa', () => this.deps.dns.soa(zone));
    const floor = body.serial ?? undefined;
    const fileExists = await this.deps.store.exists(zone);
    if (!soa.served || !fileExists) {
      // New zone, a zone named could not load, or a wiped zone directory: (re)create it completely.
      let serial = floor ?? 1;
      const prev = soa.served ? soa.soa.serial : entry.served?.serial;
      if (prev !== undefined && !serialGt(serial, prev)) serial = (prev + 1) >>> 0;
      if (soa.served) {
        await this.deps.rndc.run(['delzone', zone]).catch((e: unknown) => {
          if (!(e instanceof RndcError && e.notFound)) throw this.rndcFailure(e, `deleting zone ${zone}`);
        });
      }
      entry.served = undefined;
      return this.createPrimary(zone, desired, config, serial);
    }

    // an options-only change (dnssec-policy, ACLs) is a change too: named's config moved
    const configChanged = await this.ensureConfig(zone, entry, config);
    await this.listed(zone, 'primary');
    const served = await this.readServed(zone, entry, soa.soa.serial);
    const diff = diffZone(desired, served, floor);
    if (diff.messages.length === 0)
      return { zone, serial: served.serial, changed: configChanged, created: false, added: 0, removed: 0 };
    try {
      await this.timed('update', () => this.deps.dns.update(zone, diff.messages));
    } catch (e) {
      entry.served = served; // serial check on the next request catches partial application
      if (e instanceof UpdateRejectedError) throw namedFailed('UPDATE_REJECTED', e.message, { rcode: e.rcode }, e);
      throw e;
    }
    const after = applyTransfer(
      zone,
      served,
      await this.timed('ixfr', () => this.deps.dns.transfer(zone, served.serial)),
    );
    entry.served = after;
    // Verify what the diff changed plus whatever the IXFR says changed (full AXFR: everything).
    const missing = after.touched
      ? mismatches(desired, after, 20, new Set([...diff.keys, ...after.touched]))
      : mismatches(desired, after);
    if (missing.length)
      throw namedFailed(
        'UPDATE_NOT_APPLIED',
        `named accepted the UPDATE for ${zone} but does not serve the desired zone`,
        { mismatches: missing },
      );
    return { zone, serial: after.serial, changed: true, created: false, added: diff.added, removed: diff.removed };
  }

  /** modzone when the zone's options differ from `config` (read via showzone once after a restart). */
  private async ensureConfig(zone: string, entry: CacheEntry, config: string): Promise<boolean> {
    if (entry.config === undefined) {
      try {
        entry.config = await this.deps.rndc.run(['showzone', zone]);
      } catch (e) {
        throw this.rndcFailure(e, `showing zone ${zone}`);
      }
    }
    if (sameZoneConfig(entry.config, config)) return false;
    try {
      await this.deps.rndc.run(['modzone', zone, config]);
    } catch (e) {
      entry.config = undefined;
      throw this.rndcFailure(e, `modifying zone ${zone}`);
    }
    entry.config = config;
    return true;
  }

  private async putSecondary(zone: string, config: string): Promise<PutZoneResult> {
    const entry = this.entry(zone);
    const status = await this.zoneStatus(zone);
    if (!status) {
      await this.deps.store.remove(zone);
      await this.addZone(zone, config, 'secondary');
      entry.config = config;
      return { zone, serial: 0, changed: true, created: true, added: 0, removed: 0 };
    }
    const changed = await this.ensureConfig(zone, entry, config);
    await this.listed(zone, 'secondary');
    const soa = await this.timed('soa', () => this.deps.dns.soa(zone));
    return { zone, serial: soa.served ? soa.soa.serial : 0, changed, created: false, added: 0, removed: 0 };
  }

  /**
   * Upstream `POST /api/v1/zones`: create only. 409 when the zone exists — checked before any
   * file is touched (upstream clobbered the live file and journal first).
   */
  createZone(zoneRaw: string, body: PutZoneBody, extra: Partial<ZoneOptions> = {}): Promise<PutZoneResult> {
    const zone = this.writable(zoneParam(zoneRaw));
    const { desired, config } = this.validate(zone, body, extra);
    return this.withZone(zone, async () => {
      if ((await this.deps.store.exists(zone)) || (await this.zoneStatus(zone)))
        throw conflict(`zone ${zone} already exists`);
      if (body.type === 'secondary') {
        await this.addZone(zone, config, 'secondary');
        this.entry(zone).config = config;
        return { zone, serial: 0, changed: true, created: true, added: 0, removed: 0 };
      }
      return this.createPrimary(zone, desired, config, body.serial ?? 1);
    });
  }

  /** `DELETE /api/v1/zones/{zone}`: delzone and remove its files; 404 when named does not have it. */
  deleteZone(zoneRaw: string): Promise<{ zone: string; deleted: true }> {
    const zone = this.writable(zoneParam(zoneRaw));
    return this.withZone(zone, async () => {
      try {
        await this.deps.rndc.run(['delzone', zone]);
      } catch (e) {
        if (e instanceof RndcError && e.notFound) {
          if (await this.deps.store.exists(zone)) {
            await this.deps.store.remove(zone);
            this.cache.delete(zone);
            await this.deps.catalog?.remove(zone);
            return { zone, deleted: true as const };
          }
          throw notFound(`zone ${zone}`);
        }
        throw this.rndcFailure(e, `deleting zone ${zone}`);
      }
      await this.deps.store.remove(zone);
      this.cache.delete(zone);
      this.memos.delete(zone);
      await this.deps.catalog?.remove(zone);
      await this.deps.onZoneDeleted?.(zone);
      return { zone, deleted: true as const };
    });
  }

  /** `GET /api/v1/zones/{zone}` from `rndc zonestatus`; 404 when named does not have it. */
  async getZone(zoneRaw: string): Promise<ZoneInfo> {
    const zone = zoneParam(zoneRaw);
    const s = await this.zoneStatus(zone);
    if (!s) throw notFound(`zone ${zone}`);
    return s;
  }

  /** Raw `rndc zonestatus` text (upstream `/status`). */
  async zoneStatusText(zoneRaw: string): Promise<string> {
    const zone = zoneParam(zoneRaw);
    try {
      return await this.deps.rndc.run(['zonestatus', zone]);
    } catch (e) {
      if (e instanceof RndcError && e.notFound) throw notFound(`zone ${zone}`);
      throw this.rndcFailure(e, `zonestatus ${zone}`);
    }
  }

  /** Zones with a zone file in the zone directory (sorted). */
  listZones(): Promise<string[]> {
    return this.deps.store.list();
  }

  /** A zone-scoped rndc command (reload, freeze, thaw, notify, retransfer); 404 for unknown zones. */
  zoneCommand(
    zoneRaw: string,
    command: 'reload' | 'freeze' | 'thaw' | 'notify' | 'retransfer' | 'sync',
  ): Promise<string> {
    const zone = zoneParam(zoneRaw);
    return this.withZone(zone, async () => {
      try {
        const out = await this.deps.rndc.run([command, zone]);
        return out.trim();
      } catch (e) {
        if (e instanceof RndcError && e.notFound) throw notFound(`zone ${zone}`);
        // e.g. `reload` of a dynamic zone, `retransfer` of a primary: the zone's state forbids it
        if (e instanceof RndcError && /dynamic zone|inappropriate zone type|not frozen|already frozen/i.test(e.stderr))
          throw new HttpError(409, 'ZONE_STATE', `named refused ${command} ${zone}: ${e.stderr}`, { stderr: e.stderr });
        throw this.rndcFailure(e, `${command} ${zone}`);
      }
    });
  }

  /** `GET /api/v1/zones/{zone}/records`: what named serves (AXFR/IXFR via the cache). */
  getRecords(zoneRaw: string): Promise<ZoneRecordsResult> {
    const zone = zoneParam(zoneRaw);
    return this.withZone(zone, async () => {
      const soa = await this.timed('soa', () => this.deps.dns.soa(zone));
      if (!soa.served) throw notFound(`zone ${zone}`);
      const served = await this.readServed(zone, this.entry(zone), soa.soa.serial);
      const records: ZoneRecord[] = [];
      for (const s of orderRRsets(served.rrsets.values()))
        for (const d of s.data) records.push({ name: relativeOwner(zone, s.owner), type: s.type, ttl: s.ttl, data: d });
      return { zone, serial: served.serial, records };
    });
  }

  /**
   * `PATCH /api/v1/zones/{zone}`: replace also-notify / allow-transfer / allow-update lists of a
   * zone bindcar manages, via modzone after validation.
   */
  patchZone(
    zoneRaw: string,
    patch: { alsoNotify?: string[] | null; allowTransfer?: string[] | null; allowUpdate?: string[] | null },
  ): Promise<{ zone: string; changed: boolean }> {
    const zone = this.writable(zoneParam(zoneRaw));
    const errors = [...zoneOptionErrors(patch), ...this.unknownNameErrors(patch)];
    if (patch.alsoNotify == null && patch.allowTransfer == null && patch.allowUpdate == null)
      errors.push({ field: '(body)', message: 'give at least one of alsoNotify, allowTransfer, allowUpdate' });
    if (errors.length)
      throw invalidSpec(`invalid zone options: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, errors);
    return this.withZone(zone, async () => {
      let current: string;
      try {
        current = await this.deps.rndc.run(['showzone', zone]);
      } catch (e) {
        if (e instanceof RndcError && e.notFound) throw notFound(`zone ${zone}`);
        throw this.rndcFailure(e, `showzone ${zone}`);
      }
      const opts = parseZoneConfig(normalizeZoneConfig(current), this.deps.updateKeyName, this.deps.transferKeyName);
      if (!opts)
        throw new HttpError(
          409,
          'NOT_MANAGED',
          `zone ${zone} has options bindcar did not write; refusing to rewrite them`,
        );
      const next: ZoneOptions = { ...opts };
      if (patch.alsoNotify != null) next.alsoNotify = patch.alsoNotify;
      if (patch.allowTransfer != null) next.allowTransfer = patch.allowTransfer;
      if (patch.allowUpdate != null) next.allowUpdate = patch.allowUpdate;
      const reErr = zoneOptionErrors(next);
      if (reErr.length)
        throw new HttpError(409, 'NOT_MANAGED', `zone ${zone} has options bindcar cannot re-render`, reErr);
      const config = renderZoneConfig(next);
      const entry = this.entry(zone);
      entry.config = current;
      const changed = await this.ensureConfig(zone, entry, config);
      return { zone, changed };
    });
  }

  /**
   * Upstream record routes: one atomic UPDATE built from already-canonical ops, then a read-back.
   * named answers NOERROR to an UPDATE it partly or wholly ignores (RFC 2136 §3.4.2.2: a CNAME
   * beside other data, other data beside a CNAME), so success means "named serves the outcome":
   * - 404 when named does not serve the zone, or an `intent.mustExist` RR (update's currentValue);
   * - 422 for a CNAME at the apex (it always has SOA and NS, RFC 1034 §3.6.2);
   * - 409 CNAME_CONFLICT when the owner already has data the add cannot sit beside;
   * - 409 UPDATE_IGNORED when the read-back does not show every add and removal.
   */
  updateRecords(
    zoneRaw: string,
    ops: RecordOp[],
    intent: RecordIntent = {},
  ): Promise<{ zone: string; serial: number; changed: boolean }> {
    const zone = this.writable(zoneParam(zoneRaw));
    return this.withZone(zone, async () => {
      const soa = await this.timed('soa', () => this.deps.dns.soa(zone));
      if (!soa.served) throw notFound(`zone ${zone}`);
      const entry = this.entry(zone);
      const before = await this.readServed(zone, entry, soa.soa.serial);
      const has = (z: ServedZone, owner: string, type: string, data?: string): boolean => {
        const set = z.rrsets.get(rrsetKey(owner, type));
        return !!set && (data === undefined || set.data.includes(data));
      };
      for (const m of intent.mustExist ?? [])
        if (!has(before, m.owner, m.type, m.data))
          throw new HttpError(
            404,
            'RECORD_NOT_FOUND',
            `${m.field}: named serves no ${m.type} ${m.data} at ${m.owner}`,
            [{ field: m.field, message: `no ${m.type} record with this value at ${m.owner}` }],
          );
      const removedTypes = new Set(ops.filter((o) => o.op !== 'add').map((o) => rrsetKey(o.owner, o.type)));
      for (const o of ops) {
        if (o.op !== 'add') continue;
        if (o.type === 'CNAME' && o.owner === `${zone}.`)
          throw invalidSpec('name: a CNAME cannot be at the zone apex, which has SOA and NS (RFC 1034 §3.6.2)', [
            { field: 'name', message: 'a CNAME cannot be at the zone apex' },
          ]);
        const others = [...before.rrsets.values()]
          .filter((r) => r.owner === o.owner && !removedTypes.has(rrsetKey(r.owner, r.type)))
          .map((r) => r.type)
          .filter((t) => (o.type === 'CNAME' ? t !== 'CNAME' : t === 'CNAME'));
        if (others.length)
          throw new HttpError(
            409,
            'CNAME_CONFLICT',
            `type: ${o.owner} already has ${others.join(', ')} data; a CNAME cannot share its owner with other data (RFC 1034 §3.6.2) — remove it first`,
            [{ field: 'type', message: `conflicts with the ${others.join(', ')} data at ${o.owner}` }],
          );
      }
      try {
        await this.timed('update', () => this.deps.dns.update(zone, [ops.map((o) => updateOpWire(zone, o))]));
      } catch (e) {
        if (e instanceof UpdateRejectedError) throw namedFailed('UPDATE_REJECTED', e.message, { rcode: e.rcode }, e);
        throw e;
      }
      const now = await this.timed('soa', () => this.deps.dns.soa(zone));
      if (!now.served) throw notFound(`zone ${zone}`);
      const after = await this.readServed(zone, entry, now.soa.serial);
      const ignored = ops
        .filter((o) =>
          o.op === 'add'
            ? !has(after, o.owner, o.type, o.data)
            : o.op === 'deleteRR'
              ? has(after, o.owner, o.type, o.data)
              : has(after, o.owner, o.type),
        )
        .map((o) => ({ op: o.op, owner: o.owner, type: o.type, ...('data' in o ? { data: o.data } : {}) }));
      if (ignored.length)
        throw new HttpError(
          409,
          'UPDATE_IGNORED',
          `named accepted the UPDATE for ${zone} but ignored ${ignored.map((i) => `${i.op} ${i.owner} ${i.type}`).join(', ')}`,
          { ignored, serial: after.serial },
        );
      return { zone, serial: after.serial, changed: after.serial !== before.serial };
    });
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
