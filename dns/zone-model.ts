/**
 * Pure: a PUT body → the validated desired zone as RRsets, with every cross-record rule BIND would
 * otherwise enforce silently (RFC 2136 updates answering NOERROR but ignored: BIND's `check-names`/`check-integrity`
 * and update-policy checks, see the BIND 9 ARM, "Dynamic Update") or fatally at load time (named-checkzone).
 */
import { MAX_RECORDS, MAX_TTL, RECORD_TYPES, type FieldError, type PutZoneBody, type RecordType } from './contract.js';
import { absoluteOwner, checkAbsoluteName, inZone } from './names.js';
import { canonicalIPv4, canonicalIPv6, canonicalRecord } from './rdata.js';

/** One RRset: absolute lowercase owner, type, one TTL, sorted unique canonical data. */
export interface RRset {
  owner: string;
  type: RecordType;
  ttl: number;
  data: string[];
}

export interface SoaFields {
  mname: string;
  rname: string;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
  ttl: number;
}

export interface DesiredZone {
  zone: string;
  defaultTtl: number;
  soa: SoaFields;
  /** keyed by `rrsetKey(owner, type)` */
  rrsets: Map<string, RRset>;
}

/** Canonicalisation results of one zone: type → name → data → result; see `desiredZone`. */
export type RecordMemo = Map<string, Map<string, Map<string, MemoEntry>>>;
type MemoEntry = { owner: string; type: RecordType; data: string } | { field: string; message: string };

function memoSize(m: RecordMemo): number {
  let n = 0;
  for (const byName of m.values()) n += byName.size;
  return n;
}

/** BIND 9.18's default `max-records-per-type`. */
export const DEFAULT_MAX_RECORDS_PER_TYPE = 100;

/** The map key of an RRset. */
export function rrsetKey(owner: string, type: string): string {
  return `${owner} ${type}`;
}

/** Whether two RRsets are equal (same TTL and data; data is kept sorted). */
export function sameRRset(a: RRset, b: RRset): boolean {
  return a.ttl === b.ttl && a.data.length === b.data.length && a.data.every((d, i) => d === b.data[i]);
}

/**
 * Parse an SOA RNAME given as a domain name (`hostmaster.example.com.`) or a mailbox
 * (`hostmaster@example.com`); returns the absolute name.
 */
export function canonicalRname(s: string): { ok: true; name: string } | { ok: false; reason: string } {
  if (s.includes('@')) {
    const [local, domain, ...rest] = s.split('@');
    if (rest.length || !local || !domain || local.includes('.'))
      return { ok: false, reason: 'must be "mailbox.domain." or "mailbox@domain" (no dots in the mailbox)' };
    return checkAbsoluteName(`${local}.${domain.endsWith('.') ? domain : domain + '.'}`, false);
  }
  return checkAbsoluteName(s, false);
}

/**
 * Validate a PUT body and build the desired zone.
 * Rules: every record per `canonicalRecord`; mixed TTLs in an RRset → the lowest (RFC 2181 §5.2);
 * duplicates removed; CNAME alone at its owner, single, not at the apex (RFC 1034 §3.6.2);
 * NS/MX/SRV targets inside the zone must not be CNAMEs (RFC 2181 §10.3); in-zone name servers need
 * an address (named refuses to load otherwise); RRsets ≤ `maxPerType` records.
 * @returns the model, or the list of field errors (field paths like `records/3/data`).
 */
export function desiredZone(
  zone: string,
  body: PutZoneBody,
  maxPerType = DEFAULT_MAX_RECORDS_PER_TYPE,
  memo?: RecordMemo,
): { ok: true; zone: DesiredZone } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const err = (field: string, message: string): void => {
    if (errors.length < 50) errors.push({ field, message });
  };
  const apex = `${zone}.`;
  const mname = checkAbsoluteName(body.soa.mname, true);
  if (!mname.ok) err('soa/mname', mname.reason);
  const rname = canonicalRname(body.soa.rname);
  if (!rname.ok) err('soa/rname', rname.reason);

  // owner+type → {ttl, data}; `from` says where it came from (for error messages)
  const sets = new Map<
    string,
    { owner: string; type: RecordType; ttl: number; data: string[]; from: string | number }
  >();
  const add = (owner: string, type: RecordType, ttl: number, data: string, from: string | number): void => {
    const k = owner + ' ' + type;
    const s = sets.get(k);
    if (s) {
      if (ttl < s.ttl) s.ttl = ttl;
      if (!s.data.includes(data)) s.data.push(data);
    } else sets.set(k, { owner, type, ttl, data: [data], from });
  };
  const where = (from: string | number): string => (typeof from === 'number' ? `records/${from}` : from);

  body.nameServers.forEach((ns, i) => {
    const h = checkAbsoluteName(ns.hostname, true);
    if (!h.ok) return err(`nameServers/${i}/hostname`, h.reason);
    add(apex, 'NS', body.ttl, h.name, `nameServers/${i}`);
    const glue = inZone(h.name, zone);
    (ns.ipv4Addresses ?? []).forEach((a, j) => {
      const c = canonicalIPv4(a);
      if (!c) return err(`nameServers/${i}/ipv4Addresses/${j}`, `"${a}" is not an IPv4 address`);
      if (glue) add(h.name, 'A', body.ttl, c, `nameServers/${i}`);
    });
    (ns.ipv6Addresses ?? []).forEach((a, j) => {
      const c = canonicalIPv6(a);
      if (!c) return err(`nameServers/${i}/ipv6Addresses/${j}`, `"${a}" is not an IPv6 address`);
      if (glue) add(h.name, 'AAAA', body.ttl, c, `nameServers/${i}`);
    });
  });

  body.records.forEach((r, i) => {
    // The memo makes a re-PUT of a big zone cost a few Map lookups per unchanged record; nested
    // maps keyed by the strings JSON.parse produced avoid building (and hashing) a key per record.
    const memoable =
      memo !== undefined && typeof r.type === 'string' && typeof r.name === 'string' && typeof r.data === 'string';
    let byName = memoable ? memo!.get(r.type) : undefined;
    let byData = byName?.get(r.name);
    let m = byData?.get(r.data);
    if (!m) {
      const c = canonicalRecord(zone, { ...r, ttl: 0 });
      if (!c.ok) m = { field: c.field, message: c.message };
      else {
        const owner = absoluteOwner(zone, c.value.name);
        m = owner.ok
          ? { owner: owner.name, type: c.value.type, data: c.value.data }
          : { field: 'name', message: owner.reason };
      }
      if (memoable) {
        if (memoSize(memo!) > 2 * MAX_RECORDS) memo!.clear();
        if (!byName) memo!.set(r.type, (byName = new Map()));
        if (!byData) byName.set(r.name, (byData = new Map()));
        byData.set(r.data, m);
      }
    }
    if ('field' in m) return err(`records/${i}/${m.field}`, m.message);
    if (!Number.isInteger(r.ttl) || r.ttl < 0 || r.ttl > MAX_TTL)
      return err(`records/${i}/ttl`, `must be an integer 0–${MAX_TTL} (RFC 2181 §8)`);
    add(m.owner, m.type, r.ttl, m.data, i);
  });

  // cross-record rules (looked up directly in `sets`: no per-owner index for a 10k-record zone)
  const has = (owner: string, type: RecordType): boolean => sets.has(owner + ' ' + type);
  for (const s of sets.values()) {
    // An RRset must fit in one DNS message (UPDATE, and every AXFR/IXFR answer carrying it).
    if (s.data.length > 1 && s.data.reduce((n, d) => n + d.length + s.owner.length + 12, 0) > 60000)
      err(where(s.from), `${s.owner} ${s.type} is too large for one DNS message (64 KiB)`);
    if (s.data.length > maxPerType)
      err(
        where(s.from),
        `${s.owner} ${s.type} has ${s.data.length} records; named accepts at most ${maxPerType} per RRset`,
      );
    if (s.type === 'CNAME') {
      const others = RECORD_TYPES.filter((t) => t !== 'CNAME' && has(s.owner, t));
      if (s.owner === apex)
        err(where(s.from), 'a CNAME is not allowed at the zone apex (it would sit beside SOA and NS)');
      else if (s.data.length > 1)
        err(where(s.from), `${s.owner} has ${s.data.length} CNAME records; only one is allowed`);
      else if (others.length)
        err(
          where(s.from),
          `${s.owner} has a CNAME and other data (${others.join(', ')}); a CNAME must be alone at its name`,
        );
    } else if (s.type === 'NS' || s.type === 'MX' || s.type === 'SRV') {
      for (const d of s.data) {
        const target = d.slice(d.lastIndexOf(' ') + 1);
        if (inZone(target, zone) && has(target, 'CNAME'))
          err(where(s.from), `${s.type} target ${target} is a CNAME (RFC 2181 §10.3)`);
        // In-zone (or below-delegation) NS hosts need addresses or named will not load the zone.
        if (s.type === 'NS' && inZone(d, zone) && !has(d, 'A') && !has(d, 'AAAA'))
          err(where(s.from), `name server ${d} is inside the zone but has no A/AAAA (glue) record`);
      }
    }
  }
  if (body.type === 'primary' && !sets.has(rrsetKey(apex, 'NS')))
    err('nameServers', 'a primary zone needs at least one apex NS record');

  if (errors.length || !mname.ok || !rname.ok) return { ok: false, errors };
  // the working map becomes the model (its entries carry an extra `from`): no second 10k-entry map
  for (const s of sets.values()) if (s.data.length > 1) s.data.sort();
  const rrsets: Map<string, RRset> = sets;
  return {
    ok: true,
    zone: {
      zone,
      defaultTtl: body.ttl,
      soa: {
        mname: mname.name,
        rname: rname.name,
        refresh: body.soa.refresh,
        retry: body.soa.retry,
        expire: body.soa.expire,
        minimum: body.soa.minimum,
        ttl: body.soa.ttl ?? body.ttl,
      },
      rrsets,
    },
  };
}

/** RFC 4034 §6.1 canonical name order key: labels reversed, so a parent sorts before its children. */
export function canonicalOrderKey(owner: string): string {
  return owner.replace(/\.$/, '').split('.').reverse().join('\u0001');
}
