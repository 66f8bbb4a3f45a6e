/**
 * Pure per-type grammar of record data: presentation form (RFC 1035 §5.1) ⇄ structured ⇄ wire.
 *
 * `canonicalRecord(zone, rec)` is the one validator both bindcar and the zone hooks use. It returns
 * the record with a lowercase owner relative to the zone and `data` in one canonical presentation
 * form, so equal RRs compare equal as strings:
 *   A     192.0.2.1                (no leading zeros)
 *   AAAA  2001:db8::1              (RFC 5952: lowercase, longest zero run compressed)
 *   CNAME/NS/PTR  target.example.  (absolute, lowercase)
 *   MX    10 mail.example.com.
 *   SRV   10 5 443 sip.example.com.   (target "." allowed: RFC 2782 "service not available")
 *   CAA   0 issue "letsencrypt.org"   (RFC 8659; tag lowercase, value quoted)
 *   TXT   "chunk1" "chunk2"        (each ≤ 255 octets; `"` `\` escaped, other non-printables \DDD)
 *   SVCB/HTTPS  1 . alpn="h2,h3" port=443   (RFC 9460; SvcParams in key order: dns/svcb.ts)
 *   LOC   52 22 23.000 N 4 53 32.000 E -2.00m 1m 10000m 10m   (RFC 1876, BIND's form: dns/loc.ts)
 *   TLSA, SMIMEA, SSHFP, DS, NAPTR, DNAME, RP, HINFO, URI, OPENPGPKEY, DHCID, AFSDB: their RDATA parts in order, numbers
 *         decimal, names absolute lowercase, strings quoted, hex upper case in one run, base64 padded in one run
 *         (the per-part table of dns/rdata-fields.ts)
 * Canonical data never contains a raw control character, newline, or unbalanced quote, so it is safe
 * to write into a zone file line.
 */
import { RECORD_TYPES, MAX_TTL, type RecordType, type ZoneRecord } from './contract.js';
import { absoluteOwner, checkAbsoluteName, relativeOwner } from './names.js';
import {
  canonicalIPv4,
  canonicalIPv6,
  decodeName,
  encodeName,
  fail,
  formatIPv6,
  ipv6Groups,
  okv,
  parseCharacterStrings,
  quoteCharacterString,
  u16b,
  type Result,
} from './rdata-base.js';
import {
  checkFieldRdata,
  fieldRdataFromWire,
  fieldRdataToWire,
  formatFieldRdata,
  isFieldType,
  parseFieldRdata,
  type FieldRdata,
} from './rdata-fields.js';
import { checkLoc, formatLoc, locFromWire, locToWire, parseLoc, type LocRdata } from './loc.js';
import { checkSvcb, formatSvcb, parseSvcb, svcbFromWire, svcbToWire, type SvcbRdata } from './svcb.js';

export {
  canonicalIPv4,
  canonicalIPv6,
  decodeName,
  encodeName,
  parseCharacterStrings,
  quoteCharacterString,
  type Result,
} from './rdata-base.js';

/** Numeric RR type codes (IANA "Resource Record (RR) TYPEs"; each type's RFC in dns/rdata-fields.ts, dns/svcb.ts). */
export const TYPE_CODES = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  RP: 17,
  AFSDB: 18,
  AAAA: 28,
  LOC: 29,
  SRV: 33,
  NAPTR: 35,
  DNAME: 39,
  DS: 43,
  SSHFP: 44,
  DHCID: 49,
  TLSA: 52,
  SMIMEA: 53,
  OPENPGPKEY: 61,
  SVCB: 64,
  HTTPS: 65,
  URI: 256,
  CAA: 257,
} as const satisfies Record<RecordType | 'SOA', number>;
export type KnownType = keyof typeof TYPE_CODES;

const CODE_TO_TYPE = new Map<number, KnownType>(Object.entries(TYPE_CODES).map(([k, v]) => [v, k as KnownType]));

/** The type name for a code we handle, else undefined. */
export function typeName(code: number): KnownType | undefined {
  return CODE_TO_TYPE.get(code);
}

/** Types BIND maintains itself for DNSSEC; never diffed or deleted by bindcar. */
export const DNSSEC_TYPE_CODES: ReadonlySet<number> = new Set([46, 47, 50, 51, 48, 59, 60, 65534]);

/** Whether `t` (already uppercased) is one of bindcar's record types. */
export function isRecordType(t: string): t is RecordType {
  return (RECORD_TYPES as readonly string[]).includes(t);
}

// ---------------------------------------------------------------- structured rdata

export type Rdata =
  | { type: 'A'; address: string }
  | { type: 'AAAA'; address: string }
  | { type: 'CNAME' | 'NS' | 'PTR'; target: string }
  | { type: 'MX'; preference: number; exchange: string }
  | { type: 'SRV'; priority: number; weight: number; port: number; target: string }
  | { type: 'CAA'; flags: number; tag: string; value: Buffer }
  | { type: 'TXT'; strings: Buffer[] }
  | SvcbRdata
  | LocRdata
  | FieldRdata;

/** Whether an owner or target name of a zone must be a host name in reverse zones (BIND check-names on PTR). */
const isReverseZone = (zone: string) => zone.endsWith('in-addr.arpa') || zone.endsWith('ip6.arpa');

const u16ok = (v: number) => Number.isInteger(v) && v >= 0 && v <= 65535;

/**
 * The one grammar of structured rdata: checks a value (from a CR's fields, or tokenised from presentation text) and
 * returns it canonical — addresses in their one text form, names absolute and lowercase, per-type host-name rules.
 * @param reverseZone PTR targets must be host names in in-addr.arpa/ip6.arpa (BIND check-names).
 */
export function checkRdata(r: Rdata, reverseZone = false): Result<Rdata> {
  switch (r.type) {
    case 'A': {
      const a = canonicalIPv4(r.address);
      return a
        ? okv({ type: 'A', address: a })
        : fail('data', `"${r.address}" is not an IPv4 address (dotted quad, no leading zeros)`);
    }
    case 'AAAA': {
      const a = canonicalIPv6(r.address);
      return a ? okv({ type: 'AAAA', address: a }) : fail('data', `"${r.address}" is not an IPv6 address`);
    }
    case 'CNAME':
    case 'NS':
    case 'PTR': {
      const host = r.type === 'NS' || (r.type === 'PTR' && reverseZone);
      const c = checkAbsoluteName(r.target, host);
      return c.ok ? okv({ type: r.type, target: c.name }) : fail('data', `${r.type} target ${c.reason}`);
    }
    case 'MX': {
      if (!u16ok(r.preference)) return fail('data', 'MX preference must be an integer 0–65535');
      // RFC 7505 null MX: the name accepts no mail
      if (r.exchange === '.')
        return r.preference === 0 ? okv(r) : fail('data', 'a null MX (exchange ".", RFC 7505) has preference 0');
      const c = checkAbsoluteName(r.exchange, true);
      return c.ok ? okv({ ...r, exchange: c.name }) : fail('data', `MX exchange ${c.reason}`);
    }
    case 'SRV': {
      for (const [what, v] of [
        ['SRV priority', r.priority],
        ['SRV weight', r.weight],
        ['SRV port', r.port],
      ] as const)
        if (!u16ok(v)) return fail('data', `${what} must be an integer 0–65535`);
      if (r.target === '.') return okv(r);
      // RFC 2782: port 0 means nothing; only "no service" (target ".") may say so
      if (r.port === 0) return fail('data', 'SRV port 0 is only meaningful with target "." (no service, RFC 2782)');
      const c = checkAbsoluteName(r.target, true);
      return c.ok ? okv({ ...r, target: c.name }) : fail('data', `SRV target ${c.reason}`);
    }
    case 'CAA': {
      if (!Number.isInteger(r.flags) || r.flags < 0 || r.flags > 255)
        return fail('data', 'CAA flags must be 0–255', 'flags');
      // RFC 8659 §4.1: bit 0 (128) is the issuer critical flag; records MUST clear every other (reserved) bit
      if ((r.flags & 0x7f) !== 0)
        return fail(
          'data',
          `CAA flags ${r.flags} set a reserved bit: only 0 and 128 (issuer critical) are defined (RFC 8659 §4.1)`,
          'flags',
        );
      if (!/^[A-Za-z0-9]{1,15}$/.test(r.tag))
        return fail(
          'data',
          r.tag.length > 15 ? 'CAA tag is longer than 15 characters' : 'CAA tag is letters and digits',
          'tag',
        );
      if (r.value.length > 65000) return fail('data', 'CAA value is too large');
      const tag = r.tag.toLowerCase();
      // RFC 8659 §4.4: an iodef value is a URL; the schemes CAs implement are mailto:, http: and https: (the CRD's
      // CEL rule says the same, so a PUT body and a CAARecord agree)
      if (tag === 'iodef' && !/^(mailto:|https?:\/\/)/.test(r.value.toString('utf8')))
        return fail('data', 'a CAA iodef value must be a mailto: or http(s):// URL (RFC 8659 §4.4)');
      return okv({ ...r, tag });
    }
    case 'TXT': {
      if (r.strings.length === 0) return fail('data', 'TXT needs at least one character-string (use "" for empty)');
      const long = r.strings.find((b) => b.length > 255);
      if (long) return fail('data', `a character-string is ${long.length} octets; the limit is 255`);
      const total = r.strings.reduce((n, b) => n + b.length + 1, 0);
      if (total > 65000) return fail('data', 'TXT data is too large');
      return okv(r);
    }
    case 'SVCB':
    case 'HTTPS':
      return checkSvcb(r);
    case 'LOC':
      return checkLoc(r);
    default:
      return checkFieldRdata(r);
  }
}

/**
 * Parse presentation `data` of `type` into structured rdata: tokenise it (RFC 1035 §5.1), then `checkRdata`.
 * @param reverseZone PTR targets must be host names in in-addr.arpa/ip6.arpa (BIND check-names).
 */
export function parseRdata(type: RecordType, data: string, reverseZone = false): Result<Rdata> {
  const d = data.trim();
  if (/[\x00-\x1f\x7f]/.test(d)) return fail('data', 'contains a control character or newline');
  const toks = d.split(/\s+/);
  const num = (tok: string | undefined, what: string): number | Result<Rdata> =>
    tok !== undefined && /^\d{1,5}$/.test(tok) ? Number(tok) : fail('data', `${what} must be an integer 0–65535`);
  switch (type) {
    case 'A':
    case 'AAAA':
      return checkRdata({ type, address: d }, reverseZone);
    case 'CNAME':
    case 'NS':
    case 'PTR':
      if (toks.length !== 1) return fail('data', `${type} data is a single domain name`);
      return checkRdata({ type, target: d }, reverseZone);
    case 'MX': {
      if (toks.length !== 2) return fail('data', 'MX data is "<preference> <exchange.>"');
      const p = num(toks[0], 'MX preference');
      return typeof p === 'number' ? checkRdata({ type, preference: p, exchange: toks[1]! }) : p;
    }
    case 'SRV': {
      if (toks.length !== 4) return fail('data', 'SRV data is "<priority> <weight> <port> <target.>"');
      const nums: number[] = [];
      for (const [i, what] of ['SRV priority', 'SRV weight', 'SRV port'].entries()) {
        const v = num(toks[i], what);
        if (typeof v !== 'number') return v;
        nums.push(v);
      }
      return checkRdata({ type, priority: nums[0]!, weight: nums[1]!, port: nums[2]!, target: toks[3]! });
    }
    case 'CAA': {
      const m = /^(\d{1,3})\s+([A-Za-z0-9]+)\s+(.+)$/.exec(d);
      if (!m) return fail('data', 'CAA data is \'<flags> <tag> "<value>"\'');
      const v = parseCharacterStrings(m[3]!);
      if (typeof v === 'string') return fail('data', `CAA value ${v}`);
      if (v.length !== 1) return fail('data', 'CAA value must be one (quoted) string');
      return checkRdata({ type, flags: Number(m[1]), tag: m[2]!, value: v[0]! });
    }
    case 'TXT': {
      const v = parseCharacterStrings(d);
      if (typeof v === 'string') return fail('data', `TXT ${v}`);
      return checkRdata({ type, strings: v });
    }
    case 'SVCB':
    case 'HTTPS':
      return parseSvcb(type, d);
    case 'LOC':
      return parseLoc(d);
    default:
      if (!isFieldType(type)) return fail('data', `no grammar for ${String(type)}`);
      return parseFieldRdata(type, d);
  }
}

/** The canonical presentation of structured rdata. */
export function formatRdata(r: Rdata): string {
  switch (r.type) {
    case 'A':
    case 'AAAA':
      return r.address;
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return r.target;
    case 'MX':
      return `${r.preference} ${r.exchange}`;
    case 'SRV':
      return `${r.priority} ${r.weight} ${r.port} ${r.target}`;
    case 'CAA':
      return `${r.flags} ${r.tag} ${quoteCharacterString(r.value)}`;
    case 'TXT':
      return r.strings.map(quoteCharacterString).join(' ');
    case 'SVCB':
    case 'HTTPS':
      return formatSvcb(r);
    case 'LOC':
      return formatLoc(r);
    default:
      return formatFieldRdata(r);
  }
}

/**
 * The leading labels some types' owners must have, so a client finds the record where it looks (`[label 1, label 2]`
 * patterns and why). TLSA: `_port._protocol` (RFC 6698 §3); SMIMEA and OPENPGPKEY: the hex SHA2-256 of the local part
 * truncated to 28 octets, then `_smimecert` (RFC 8162 §3) or `_openpgpkey` (RFC 7929 §3).
 */
const OWNER_SHAPES: Partial<Record<RecordType, { first: RegExp; second: RegExp; shape: string; rfc: string }>> = {
  SRV: { first: /^_.+/, second: /^_.+/, shape: '_service._proto', rfc: 'RFC 2782' },
  TLSA: {
    first: /^_(0|[1-9][0-9]{0,4})$/,
    second: /^_[a-z0-9-]+$/,
    shape: '_port._protocol (e.g. _443._tcp)',
    rfc: 'RFC 6698 §3',
  },
  SMIMEA: {
    first: /^[0-9a-f]{56}$/,
    second: /^_smimecert$/,
    shape: '<sha256-28-octets-hex>._smimecert',
    rfc: 'RFC 8162 §3',
  },
  OPENPGPKEY: {
    first: /^[0-9a-f]{56}$/,
    second: /^_openpgpkey$/,
    shape: '<sha256-28-octets-hex>._openpgpkey',
    rfc: 'RFC 7929 §3',
  },
};

/**
 * An owner for a type: absolute inside the zone, host-name labels for A/AAAA (BIND check-names), and the leading
 * labels of `OWNER_SHAPES` (SRV `_service._proto`, RFC 2782; TLSA, SMIMEA, OPENPGPKEY), so a client can find it.
 */
function checkOwner(
  zone: string,
  name: string,
  type: RecordType,
): { ok: true; name: string } | { ok: false; reason: string } {
  const owner = absoluteOwner(zone, name, type === 'A' || type === 'AAAA');
  const shape = OWNER_SHAPES[type];
  if (!owner.ok || !shape) return owner;
  const [first, second] = owner.name.split('.');
  if (type === 'TLSA' && first && /^_\d+$/.test(first) && Number(first.slice(1)) > 65535)
    return { ok: false, reason: `a TLSA owner's port ${first.slice(1)} is above 65535 (${shape.rfc})` };
  return first !== undefined && second !== undefined && shape.first.test(first) && shape.second.test(second)
    ? owner
    : { ok: false, reason: `an ${type} owner starts with ${shape.shape} (${shape.rfc}), not "${name}"` };
}

/** A record with structured rdata: owner as written (relative or absolute), the RR's TTL. */
export interface RecordValue {
  name: string;
  ttl: number;
  rdata: Rdata;
}

/**
 * Validate one record with structured rdata and canonicalise it: the owner relative to `zone` ('@' apex, lowercase,
 * the host-name rule for A/AAAA owners), the TTL range, the rdata by `checkRdata`. Field names (`name`, `ttl`,
 * `data`) say what is wrong.
 * @param zone canonical zone name without trailing dot (see `checkZoneName`).
 */
export function checkRecord(zone: string, rec: RecordValue): Result<RecordValue> {
  const type = rec.rdata.type;
  if (!Number.isInteger(rec.ttl) || rec.ttl < 0 || rec.ttl > MAX_TTL)
    return fail('ttl', `must be an integer 0–${MAX_TTL} (RFC 2181 §8)`);
  const owner = checkOwner(zone, rec.name, type);
  if (!owner.ok) return fail('name', owner.reason);
  const r = checkRdata(rec.rdata, isReverseZone(zone));
  return r.ok ? okv({ name: relativeOwner(zone, owner.name), ttl: rec.ttl, rdata: r.value }) : r;
}

/**
 * Validate one record in presentation form (a PUT body's record) and canonicalise it: `data` tokenised by
 * `parseRdata`, the rest by `checkRecord`. Returns the record with the owner relative to `zone` and `data` in the
 * canonical presentation form, or the field (`name`, `type`, `ttl`, `data`) and why it is invalid.
 * @param zone canonical zone name without trailing dot (see `checkZoneName`).
 */
export function canonicalRecord(
  zone: string,
  rec: { name: string; type: string; ttl: number; data: string },
): Result<ZoneRecord> {
  const p = parseRecord(zone, rec);
  return p.ok ? okv({ name: p.value.name, type: p.value.type, ttl: p.value.ttl, data: p.value.data }) : p;
}

/** `canonicalRecord`, keeping the structured rdata it parsed (bindcar encodes UPDATEs from it). */
export function parseRecord(
  zone: string,
  rec: { name: string; type: string; ttl: number; data: string },
): Result<ZoneRecord & { rdata: Rdata }> {
  const type = typeof rec.type === 'string' ? rec.type.toUpperCase() : '';
  if (!isRecordType(type)) return fail('type', `"${String(rec.type)}" is not one of ${RECORD_TYPES.join(', ')}`);
  if (!Number.isInteger(rec.ttl) || rec.ttl < 0 || rec.ttl > MAX_TTL)
    return fail('ttl', `must be an integer 0–${MAX_TTL} (RFC 2181 §8)`);
  if (typeof rec.name !== 'string') return fail('name', 'must be a string');
  const owner = checkOwner(zone, rec.name, type);
  if (!owner.ok) return fail('name', owner.reason);
  if (typeof rec.data !== 'string') return fail('data', 'must be a string');
  const p = parseRdata(type, rec.data, isReverseZone(zone));
  if (!p.ok) return p;
  return okv({ name: relativeOwner(zone, owner.name), type, ttl: rec.ttl, data: formatRdata(p.value), rdata: p.value });
}

// ---------------------------------------------------------------- wire
/** Wire rdata (RFC 1035 §3.3, RFC 3596, RFC 2782, RFC 8659) of structured rdata; names uncompressed. */
export function rdataToWire(r: Rdata): Buffer {
  switch (r.type) {
    case 'A':
      return Buffer.from(r.address.split('.').map(Number));
    case 'AAAA': {
      const g = ipv6Groups(r.address)!;
      return Buffer.concat(g.map(u16b));
    }
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return encodeName(r.target);
    case 'MX':
      return Buffer.concat([u16b(r.preference), encodeName(r.exchange)]);
    case 'SRV':
      return Buffer.concat([u16b(r.priority), u16b(r.weight), u16b(r.port), encodeName(r.target)]);
    case 'CAA':
      return Buffer.concat([Buffer.from([r.flags, r.tag.length]), Buffer.from(r.tag, 'ascii'), r.value]);
    case 'TXT':
      return Buffer.concat(r.strings.flatMap((s) => [Buffer.from([s.length]), s]));
    case 'SVCB':
    case 'HTTPS':
      return svcbToWire(r);
    case 'LOC':
      return locToWire(r);
    default:
      return fieldRdataToWire(r);
  }
}

/**
 * Structured rdata from wire (`rdOff`..`rdOff+rdLen` of the whole message `msg`, for name
 * decompression). Throws on malformed rdata.
 */
export function rdataFromWire(type: RecordType, msg: Buffer, rdOff: number, rdLen: number): Rdata {
  const end = rdOff + rdLen;
  const rd = msg.subarray(rdOff, end);
  switch (type) {
    case 'A':
      if (rdLen !== 4) throw new Error('bad A rdata');
      return { type, address: [...rd].join('.') };
    case 'AAAA': {
      if (rdLen !== 16) throw new Error('bad AAAA rdata');
      const g: number[] = [];
      for (let i = 0; i < 16; i += 2) g.push(rd.readUInt16BE(i));
      return { type, address: formatIPv6(g) };
    }
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return { type, target: decodeName(msg, rdOff).name };
    case 'MX':
      return { type, preference: msg.readUInt16BE(rdOff), exchange: decodeName(msg, rdOff + 2).name };
    case 'SRV':
      return {
        type,
        priority: msg.readUInt16BE(rdOff),
        weight: msg.readUInt16BE(rdOff + 2),
        port: msg.readUInt16BE(rdOff + 4),
        target: decodeName(msg, rdOff + 6).name,
      };
    case 'CAA': {
      const tl = rd[1] ?? 0;
      return {
        type,
        flags: rd[0] ?? 0,
        tag: rd
          .subarray(2, 2 + tl)
          .toString('latin1')
          .toLowerCase(),
        value: Buffer.from(rd.subarray(2 + tl)),
      };
    }
    case 'TXT': {
      const strings: Buffer[] = [];
      for (let i = 0; i < rd.length;) {
        const l = rd[i]!;
        strings.push(Buffer.from(rd.subarray(i + 1, i + 1 + l)));
        i += 1 + l;
      }
      return { type, strings };
    }
    case 'SVCB':
    case 'HTTPS':
      return svcbFromWire(type, msg, rdOff, rdLen);
    case 'LOC':
      return locFromWire(msg, rdOff, rdLen);
    default:
      return fieldRdataFromWire(type, msg, rdOff, rdLen);
  }
}
