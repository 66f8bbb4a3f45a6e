/**
 * Pure: the one desired zone (dns/zone-model.ts, the value bindcar's PUT builds from the same body) in the terms of
 * the PowerDNS Authoritative HTTP API (`/api/v1/servers/{server}/zones`): its RRsets with content in PowerDNS's own
 * presentation form, a zone read back by `GET` in bindy's canonical form, and the one `PATCH` that makes PowerDNS
 * serve the desired zone — only REPLACE/DELETE of the RRsets that differ, none at all when nothing does (an empty
 * PATCH still moves the serial).
 *
 * What shapes it (PowerDNS 4.7.3 as Debian packages it, measured by test/dns/powerdns.test.ts and
 * test/conformance/powerdns.test.ts against a real pdns_server):
 *  - content is checked against PowerDNS's own rendering of it ("Not in expected format (parsed as '…')"): names
 *    absolute with the dot, single spaces, TXT/CAA quoted — bindy's canonical form (dns/rdata.ts) already is that for
 *    every type but SVCB/HTTPS (alpn unquoted, ech quoted, unnamed keys as quoted `keyNNN`) and LOC (sizes with two
 *    decimals), which {@link pdnsContent} converts;
 *  - GET returns some content normalised its own way (hex lower case, AAAA compressed), so the read-back parses every
 *    record with the same grammar and compares canonical values, never text;
 *  - the API lets a PATCH delete the SOA (the zone then answers REFUSED) or the apex NS: the plan never DELETEs the
 *    SOA, and the apex NS is always desired;
 *  - the serial: with `soa_edit_api` OFF bindy numbers it exactly as bindcar does for BIND (the body's `serial` is a
 *    floor, +1 per change, RFC 1982 arithmetic), so one zone served by both answers one serial; with DEFAULT,
 *    INCREASE or EPOCH PowerDNS edits it on every PATCH and bindy never writes one (a written serial can make
 *    DEFAULT go backwards).
 * RRsets of types bindy does not manage (DNSSEC records, anything RECORD_TYPES lacks) are left alone, and so are the
 * records the zone's unmanaged-record rules match (dns/unmanaged.ts): an RRset holding some keeps them on REPLACE.
 */
import { createHash } from 'node:crypto';
import type { RecordType } from './contract.js';
import { isRecordType, parseRdata, formatRdata, type Rdata } from './rdata.js';
import { formatBase64 } from './rdata-base.js';
import { rrsetKey, type RRset } from './rrset.js';
import { ipv4Hints, ipv6Hints, svcKeyName, SVC_KEYS, type SvcbRdata } from './svcb.js';
import type { LocRdata } from './loc.js';
import type { DesiredZone } from './zone-model.js';
import { sameSoa, type SoaFields } from './zone-rules.js';

/** One record of an RRset in the API. */
export interface PdnsRecord {
  content: string;
  disabled?: boolean;
}

/** An RRset as `GET /zones/{zone}` returns it. */
export interface PdnsRRset {
  name: string;
  type: string;
  ttl: number;
  records: PdnsRecord[];
  comments?: unknown[];
}

/** One entry of a `PATCH /zones/{zone}` body. */
export interface PdnsChange {
  name: string;
  type: string;
  changetype: 'REPLACE' | 'DELETE';
  ttl?: number;
  records?: PdnsRecord[];
}

/** The zone kinds bindy creates (PowerDNS turns an unknown kind silently into Native: never send another). */
export const PDNS_ZONE_KINDS = ['Native', 'Master'] as const;
export type PdnsZoneKind = (typeof PDNS_ZONE_KINDS)[number];

/**
 * The `soa_edit_api` values bindy sets (PowerDNS does not validate the field: a typo gives serial 0). OFF: bindy
 * numbers the serial; DEFAULT (YYYYMMDDnn), INCREASE (+1), EPOCH (unix time; two changes in one second share a
 * serial): PowerDNS does, on every PATCH.
 */
export const SOA_EDIT_API = ['OFF', 'DEFAULT', 'INCREASE', 'EPOCH'] as const;
export type SoaEditApi = (typeof SOA_EDIT_API)[number];

/** The zone-level settings bindy keeps on a PowerDNS zone. */
export interface PdnsZoneSettings {
  kind: PdnsZoneKind;
  soaEditApi: SoaEditApi;
  /** The `account` marking who owns the zone ({@link ownerAccount}); none: ownership is not checked. */
  account?: string;
}

/** The zone object of the API, the fields bindy reads. */
export interface PdnsZone {
  id: string;
  name: string;
  kind?: string;
  serial?: number;
  account?: string;
  soa_edit_api?: string;
  rrsets?: PdnsRRset[];
}

// ---------------------------------------------------------------- ownership

const ACCOUNT_PREFIX = 'bindy:';
/** PowerDNS's SQL schemas give `domains.account` 40 characters. */
const MAX_ACCOUNT = 40;

/**
 * The `account` bindy writes on a zone it creates for the DNSZone `owner` (`namespace/name`): `bindy:<owner>` when
 * that fits PowerDNS's 40 characters, else `bindy:~` and a digest of it. A zone whose account does not start with
 * `bindy:` is not bindy's (another tool's, or made by hand).
 */
export function ownerAccount(owner: string): string {
  const plain = `${ACCOUNT_PREFIX}${owner}`;
  if (plain.length <= MAX_ACCOUNT) return plain;
  return `${ACCOUNT_PREFIX}~${createHash('sha256')
    .update(owner)
    .digest('hex')
    .slice(0, MAX_ACCOUNT - 7)}`;
}

/** Whether `account` marks a zone bindy created. */
export function isBindyAccount(account: string | undefined): boolean {
  return typeof account === 'string' && account.startsWith(ACCOUNT_PREFIX);
}

/** The DNSZone an account names, when it is spelled out (`bindy:ns/name`); undefined for a digest or another tool. */
export function accountOwner(account: string | undefined): string | undefined {
  return isBindyAccount(account) && !account!.startsWith(`${ACCOUNT_PREFIX}~`)
    ? account!.slice(ACCOUNT_PREFIX.length)
    : undefined;
}

// ---------------------------------------------------------------- content

/** PowerDNS's rendering of text inside a quoted value: `"` and `\` escaped, bytes outside 32–126 as `\DDD`. */
function txtEscape(b: Buffer): string {
  let s = '';
  for (const x of b) {
    if (x < 32 || x >= 127) s += `\\${String(x).padStart(3, '0')}`;
    else if (x === 0x22 || x === 0x5c) s += `\\${String.fromCharCode(x)}`;
    else s += String.fromCharCode(x);
  }
  return s;
}

/**
 * SVCB/HTTPS in PowerDNS's form (its RecordTextWriter): the keys it names (mandatory … ipv6hint; dohpath is key7 to
 * 4.7) and their values unquoted, alpn quoted only when an id holds a space, ech and every generic key quoted.
 */
function pdnsSvcb(r: SvcbRdata): string {
  const known = new Set<number>([0, 1, 2, 3, 4, 5, 6]);
  const name = (k: number) => (known.has(k) ? svcKeyName(k) : `key${k}`);
  const params = r.params.map((p) => {
    const v = p.value;
    switch (p.key) {
      case SVC_KEYS['no-default-alpn']:
        return name(p.key);
      case SVC_KEYS.mandatory: {
        const keys: string[] = [];
        for (let i = 0; i < v.length; i += 2) keys.push(name(v.readUInt16BE(i)));
        return `mandatory=${keys.join(',')}`;
      }
      case SVC_KEYS.alpn: {
        const ids: Buffer[] = [];
        for (let i = 0; i < v.length; i += 1 + v[i]!) ids.push(v.subarray(i + 1, i + 1 + v[i]!));
        const quote = ids.some((id) => id.includes(0x20));
        const text = ids.map((id) => txtEscape(id).replace(/[\\,]/g, (c) => (c === ',' ? '\\\\,' : '\\\\'))).join(',');
        return `alpn=${quote ? `"${text}"` : text}`;
      }
      case SVC_KEYS.port:
        return `port=${v.readUInt16BE(0)}`;
      case SVC_KEYS.ipv4hint:
        return `ipv4hint=${ipv4Hints(v).join(',')}`;
      case SVC_KEYS.ipv6hint:
        return `ipv6hint=${ipv6Hints(v).join(',')}`;
      case SVC_KEYS.ech:
        return `ech="${formatBase64(v)}"`;
      default:
        return `${name(p.key)}="${txtEscape(v)}"`;
    }
  });
  return [String(r.priority), r.target, ...params].join(' ');
}

/** LOC in PowerDNS's form: bindy's, with size and precisions always in metres with two decimals. */
function pdnsLoc(r: LocRdata, canonical: string): string {
  const toks = canonical.split(' ');
  const m = (cm: number) => `${(cm / 100).toFixed(2)}m`;
  return [...toks.slice(0, -3), m(r.size), m(r.horizontalPrecision), m(r.verticalPrecision)].join(' ');
}

/**
 * A record's content as PowerDNS takes it, from its canonical data (dns/rdata.ts; `rdata` when the caller parsed it
 * already): the same text for every type but SVCB, HTTPS and LOC.
 */
export function pdnsContent(type: RecordType, data: string, rdata?: Rdata): string {
  if (type !== 'SVCB' && type !== 'HTTPS' && type !== 'LOC') return data;
  const r = rdata ?? parsed(type, data);
  if (!r) return data;
  if (r.type === 'SVCB' || r.type === 'HTTPS') return pdnsSvcb(r);
  if (r.type === 'LOC') return pdnsLoc(r, data);
  return data;
}

function parsed(type: RecordType, data: string): Rdata | undefined {
  const p = parseRdata(type, data);
  return p.ok ? p.value : undefined;
}

/** The SOA content: `mname rname serial refresh retry expire minimum`. */
export function soaContent(soa: SoaFields, serial: number): string {
  return `${soa.mname} ${soa.rname} ${serial} ${soa.refresh} ${soa.retry} ${soa.expire} ${soa.minimum}`;
}

/** An SOA's content read back (names lower-cased), or undefined when it is not seven fields. */
export function parseSoaContent(content: string, ttl: number): { soa: SoaFields; serial: number } | undefined {
  const t = content.trim().split(/\s+/);
  if (t.length !== 7 || !t.slice(2).every((x) => /^\d{1,10}$/.test(x))) return undefined;
  const [mname, rname, serial, refresh, retry, expire, minimum] = t as [string, ...string[]];
  return {
    serial: Number(serial),
    soa: {
      mname: mname.toLowerCase(),
      rname: rname!.toLowerCase(),
      refresh: Number(refresh),
      retry: Number(retry),
      expire: Number(expire),
      minimum: Number(minimum),
      ttl,
    },
  };
}

// ---------------------------------------------------------------- read-back

/** A PowerDNS zone in bindy's terms. */
export interface PdnsServed {
  /** The SOA serial (0 when the SOA is missing). */
  serial: number;
  /** Undefined when the zone has no SOA RRset (someone deleted it: PowerDNS then answers REFUSED). */
  soa?: SoaFields;
  /** The enabled records of bindy's types, canonical, keyed by {@link rrsetKey}. */
  rrsets: Map<string, RRset>;
  /**
   * RRsets of bindy's types bindy cannot take as they are: a record its grammar does not read, or a disabled record
   * (stored, not served). They are replaced when desired and deleted when not, never compared. Raw content kept.
   */
  unreadable: Map<string, PdnsRRset>;
}

/**
 * Canonical data by `TYPE content` as PowerDNS returned it (null: the grammar cannot read it): a zone read again
 * and again costs one Map lookup per unchanged record instead of a parse. Bounded by its owner.
 */
export type ContentMemo = Map<string, string | null>;

/** Reads a zone `GET /zones/{zone}` returned (with its rrsets). */
export function readPdnsZone(zone: string, rrsets: readonly PdnsRRset[], memo?: ContentMemo): PdnsServed {
  const apex = `${zone}.`;
  let serial = 0;
  let soa: SoaFields | undefined;
  const sets = new Map<string, RRset>();
  const unreadable = new Map<string, PdnsRRset>();
  for (const s of rrsets) {
    const owner = s.name.toLowerCase();
    const type = s.type.toUpperCase();
    if (type === 'SOA') {
      if (owner !== apex) continue;
      const p = s.records[0] ? parseSoaContent(s.records[0].content, s.ttl) : undefined;
      if (p) ({ serial, soa } = p);
      continue;
    }
    if (!isRecordType(type)) continue;
    const data: string[] = [];
    let ok = true;
    for (const r of s.records) {
      if (r.disabled) {
        ok = false;
        break;
      }
      const mk = `${type} ${r.content}`;
      let canonical = memo?.get(mk);
      if (canonical === undefined) {
        const p = parsed(type, r.content);
        canonical = p ? formatRdata(p) : null;
        memo?.set(mk, canonical);
      }
      if (canonical === null) {
        ok = false;
        break;
      }
      data.push(canonical);
    }
    const k = rrsetKey(owner, type);
    if (!ok) unreadable.set(k, s);
    else if (data.length) sets.set(k, { owner, type, ttl: s.ttl, data: [...new Set(data)].sort() });
  }
  return { serial, ...(soa ? { soa } : {}), rrsets: sets, unreadable };
}

// ---------------------------------------------------------------- the change

/** RFC 1982: whether serial `a` is after `b`. */
export function serialAfter(a: number, b: number): boolean {
  return a !== b && ((a > b && a - b < 2 ** 31) || (a < b && b - a > 2 ** 31));
}

const record = (type: RecordType, data: string, rdata?: Rdata): PdnsRecord => ({
  content: pdnsContent(type, data, rdata),
  disabled: false,
});

export interface PdnsPlanOptions {
  /** The body's serial floor (dns/contract.ts `PutZoneBody.serial`). */
  floor?: number;
  /** PowerDNS numbers the serial (`soa_edit_api` other than OFF): bindy never writes one. */
  serverSerial: boolean;
}

/** The PATCH that makes a zone serve the desired content, and what it changes. */
export interface PdnsPlan {
  /** DELETE, then REPLACE, per differing RRset (the SOA last); empty when nothing differs: send no PATCH. */
  changes: PdnsChange[];
  /** The serial served after the PATCH, when bindy numbers it (undefined: read it back). */
  serial?: number;
  /** RRs added and removed (TTL and data compared), the SOA aside. */
  added: number;
  removed: number;
  /** The managed RRs served now and desired (`rrsetKey` → RRset), for the deletion guard (bindcar/deletion-guard.ts). */
  servedManaged: Map<string, RRset>;
  desiredManaged: Map<string, RRset>;
}

/**
 * The one PATCH from `served` to `desired` (see the module comment): per RRset key, REPLACE when the managed data or
 * TTL differ (with the unmanaged records it holds kept), DELETE when bindy manages it and no longer wants it; then the
 * SOA when its fields differ or, when bindy numbers the serial, the serial moves (max(floor, current + 1) on a change,
 * the floor alone when only it is ahead).
 */
export function planPdnsPatch(desired: DesiredZone, served: PdnsServed, opts: PdnsPlanOptions): PdnsPlan {
  const match = desired.unmanaged;
  const unmanaged = (s: RRset) => (match ? s.data.filter((d) => match(s.owner, s.type, d) >= 0) : []);
  const changes: PdnsChange[] = [];
  const servedManaged = new Map<string, RRset>();
  let added = 0;
  let removed = 0;
  const count = (want: RRset | undefined, have: RRset | undefined) => {
    const w = new Set(want ? want.data.map((d) => `${want.ttl} ${d}`) : []);
    const h = new Set(have ? have.data.map((d) => `${have.ttl} ${d}`) : []);
    for (const x of w) if (!h.has(x)) added++;
    for (const x of h) if (!w.has(x)) removed++;
  };
  for (const [k, s] of served.rrsets) {
    const keep = new Set(unmanaged(s));
    const mine = s.data.filter((d) => !keep.has(d));
    if (mine.length) servedManaged.set(k, { ...s, data: mine });
  }
  for (const [k, want] of desired.rrsets) {
    const have = served.rrsets.get(k);
    const keep = have ? unmanaged(have) : [];
    const mine = servedManaged.get(k);
    const same =
      !served.unreadable.has(k) &&
      have !== undefined &&
      have.ttl === want.ttl &&
      (mine?.data.length ?? 0) === want.data.length &&
      want.data.every((d, i) => mine!.data[i] === d);
    if (same) continue;
    count(want, mine);
    if (served.unreadable.has(k) && !have) removed += served.unreadable.get(k)!.records.length;
    const records = want.data.map((d, i) => record(want.type, d, want.rdata?.[i]));
    for (const d of keep) if (!want.data.includes(d)) records.push(record(want.type, d));
    changes.push({ name: want.owner, type: want.type, ttl: want.ttl, changetype: 'REPLACE', records });
  }
  for (const [k, have] of served.rrsets) {
    if (desired.rrsets.has(k)) continue;
    const mine = servedManaged.get(k);
    if (!mine) continue; // every record in it is unmanaged
    count(undefined, mine);
    const keep = unmanaged(have);
    changes.push(
      keep.length
        ? {
            name: have.owner,
            type: have.type,
            ttl: have.ttl,
            changetype: 'REPLACE',
            records: keep.map((d) => record(have.type, d)),
          }
        : { name: have.owner, type: have.type, changetype: 'DELETE' },
    );
  }
  for (const [k, raw] of served.unreadable) {
    if (desired.rrsets.has(k)) continue;
    const owner = raw.name.toLowerCase();
    const type = raw.type.toUpperCase() as RecordType;
    // a rule that matches the raw content leaves it alone; bindy cannot read it, so it cannot compare it
    if (match && raw.records.some((r) => match(owner, type, r.content) >= 0)) continue;
    removed += raw.records.length;
    changes.push({ name: owner, type, changetype: 'DELETE' });
  }
  // deletions first: PowerDNS checks each change against the zone as the earlier ones left it, so a CNAME replacing
  // an A at one name (or the other way round) is refused ("Conflicts with pre-existing RRset") unless the old RRset
  // is gone first
  changes.sort((a, b) => (a.changetype === b.changetype ? 0 : a.changetype === 'DELETE' ? -1 : 1));
  const fieldsDiffer = !served.soa || !sameSoa(served.soa, desired.soa);
  let serial: number | undefined;
  if (opts.serverSerial) {
    // PowerDNS edits the serial of every PATCH; the SOA is written only when its fields change, with the serial it has
    if (fieldsDiffer) changes.push(soaChange(desired, served.serial || 1));
  } else {
    const cur = served.serial;
    const floor = opts.floor;
    const changed = changes.length > 0 || fieldsDiffer;
    let next = changed ? (cur + 1) >>> 0 : cur;
    if (next === 0) next = 1;
    if (floor !== undefined && serialAfter(floor, next)) next = floor;
    serial = next;
    if (fieldsDiffer || next !== cur) changes.push(soaChange(desired, next));
  }
  const desiredManaged = new Map(desired.rrsets);
  return { changes, ...(serial !== undefined ? { serial } : {}), added, removed, servedManaged, desiredManaged };
}

function soaChange(desired: DesiredZone, serial: number): PdnsChange {
  return {
    name: `${desired.zone}.`,
    type: 'SOA',
    ttl: desired.soa.ttl,
    changetype: 'REPLACE',
    records: [{ content: soaContent(desired.soa, serial), disabled: false }],
  };
}

/** The body of `POST /zones` creating the zone with every desired RRset and the SOA (one request, one transaction). */
export function pdnsCreateBody(
  desired: DesiredZone,
  settings: PdnsZoneSettings,
  serial: number,
): {
  name: string;
  kind: PdnsZoneKind;
  nameservers: string[];
  soa_edit_api: SoaEditApi;
  account?: string;
  rrsets: PdnsRRset[];
} {
  const rrsets: PdnsRRset[] = [
    {
      name: `${desired.zone}.`,
      type: 'SOA',
      ttl: desired.soa.ttl,
      records: [{ content: soaContent(desired.soa, serial), disabled: false }],
    },
  ];
  for (const s of desired.rrsets.values())
    rrsets.push({
      name: s.owner,
      type: s.type,
      ttl: s.ttl,
      records: s.data.map((d, i) => record(s.type, d, s.rdata?.[i])),
    });
  return {
    name: `${desired.zone}.`,
    kind: settings.kind,
    // the apex NS comes with the RRsets (the desired zone always has one); PowerDNS would add its own otherwise
    nameservers: [],
    soa_edit_api: settings.soaEditApi,
    ...(settings.account ? { account: settings.account } : {}),
    rrsets,
  };
}

/** The zone settings that differ from what the zone has (`PUT /zones/{zone}` takes just these). */
export function settingsChange(
  zone: PdnsZone,
  settings: PdnsZoneSettings,
): Partial<{ kind: PdnsZoneKind; soa_edit_api: SoaEditApi; account: string }> {
  return {
    ...(zone.kind !== undefined && zone.kind !== settings.kind ? { kind: settings.kind } : {}),
    ...(zone.soa_edit_api !== undefined && zone.soa_edit_api !== settings.soaEditApi
      ? { soa_edit_api: settings.soaEditApi }
      : {}),
    ...(settings.account !== undefined && zone.account !== settings.account ? { account: settings.account } : {}),
  };
}

/**
 * The RRset a PowerDNS 422 names (`RRset www.example.com. IN A: …`, `Record www.example.com./A '…': …`), so the
 * change can be applied without it; undefined when the message names none.
 */
export function rrsetOfError(message: string): { owner: string; type: string } | undefined {
  const m = /RRset (\S+) IN ([A-Za-z0-9]+)\b/.exec(message) ?? /Record (\S+?)\/([A-Za-z0-9]+) '/.exec(message);
  return m ? { owner: m[1]!.toLowerCase(), type: m[2]!.toUpperCase() } : undefined;
}

/**
 * The zone's id in API paths, as PowerDNS spells it (ws-api.cc `apiZoneNameToId`): every character but letters,
 * digits, `.` and `-` as `=XX`, with the trailing dot — an RFC 2317 zone `0/26.2.0.192.in-addr.arpa` is
 * `0=2F26.2.0.192.in-addr.arpa.`.
 */
export function pdnsZoneId(zone: string): string {
  let id = '';
  for (const c of Buffer.from(zone.replace(/\.$/, ''), 'utf8')) {
    const ch = String.fromCharCode(c);
    id += /[A-Za-z0-9.-]/.test(ch) ? ch : `=${c.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return `${id}.`;
}
