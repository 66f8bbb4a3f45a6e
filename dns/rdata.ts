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
 * Canonical data never contains a raw control character, newline, or unbalanced quote, so it is safe
 * to write into a zone file line.
 */
import { isIPv6 } from 'node:net';
import { RECORD_TYPES, MAX_TTL, type RecordType, type ZoneRecord } from './contract.js';
import { absoluteOwner, checkAbsoluteName, relativeOwner } from './names.js';

/** Numeric RR type codes (RFC 1035 §3.2.2, RFC 3596, RFC 2782, RFC 8659). */
export const TYPE_CODES = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  CAA: 257,
} as const;
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

/**
 * A checked value, or why not: `field` is the record's part (`name`, `ttl`, `data`); `part`, when the data has several
 * fields and one of them is wrong, names it as the type's RDATA does (CAA `flags`), so a CR can name its own field.
 */
export type Result<T> = { ok: true; value: T } | { ok: false; field: string; message: string; part?: string };

const fail = <T>(field: string, message: string, part?: string): Result<T> =>
  part === undefined ? { ok: false, field, message } : { ok: false, field, message, part };
const okv = <T>(value: T): Result<T> => ({ ok: true, value });

// ---------------------------------------------------------------- addresses

const IPV4_OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
/** A dotted quad without leading zeros; a match is already canonical, so nothing is rebuilt on the hot path. */
const IPV4 = new RegExp(`^${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}$`);

/** Canonical IPv4: four decimal octets without leading zeros (leading zeros are ambiguous: octal). */
export function canonicalIPv4(s: string): string | undefined {
  return IPV4.test(s) ? s : undefined;
}

function ipv6Groups(s: string): number[] | undefined {
  if (!isIPv6(s) || s.includes('%')) return undefined;
  let str = s.toLowerCase();
  // embedded IPv4 tail
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(str);
  if (v4) {
    const o = v4[1]!.split('.').map(Number);
    str =
      str.slice(0, -v4[1]!.length) + `${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const [head, tail] = str.includes('::') ? (str.split('::') as [string, string]) : [str, undefined];
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  const groups = [...h, ...Array<string>(fill).fill('0'), ...t].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : undefined;
}

function formatIPv6(groups: readonly number[]): string {
  // RFC 5952 §4.2: compress the longest run (≥ 2) of zero groups, the first one on ties.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] === 0) {
      let j = i;
      while (j < 8 && groups[j] === 0) j++;
      if (j - i > bestLen && j - i >= 2) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    } else i++;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Canonical IPv6 text (RFC 5952), or undefined when not an IPv6 address. */
export function canonicalIPv6(s: string): string | undefined {
  const g = ipv6Groups(s);
  return g ? formatIPv6(g) : undefined;
}

// ---------------------------------------------------------------- character-strings

/**
 * Parse a sequence of RFC 1035 §5.1 character-strings: quoted ("a b", with \" \\ \DDD escapes) or
 * unquoted tokens. Returns the raw octets of each string.
 */
export function parseCharacterStrings(s: string): Buffer[] | string {
  const out: Buffer[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const bytes: number[] = [];
    const quoted = c === '"';
    if (quoted) i++;
    let closed = !quoted;
    while (i < n) {
      const ch = s[i]!;
      if (quoted && ch === '"') {
        closed = true;
        i++;
        break;
      }
      if (!quoted && (ch === ' ' || ch === '\t')) break;
      if (!quoted && (ch === '"' || ch === ';' || ch === '(' || ch === ')'))
        return `unquoted text may not contain '${ch}' (quote the string)`;
      if (ch === '\\') {
        const d = /^\d{3}/.exec(s.slice(i + 1, i + 4));
        if (d) {
          const v = Number(d[0]);
          if (v > 255) return `escape \\${d[0]} is above 255`;
          bytes.push(v);
          i += 4;
          continue;
        }
        if (i + 1 >= n) return 'ends with a lone backslash';
        const next = s.codePointAt(i + 1)!;
        if (next < 0x20 || next > 0x7e) return 'escapes a non-printable character';
        bytes.push(next);
        i += 2;
        continue;
      }
      const cp = s.codePointAt(i)!;
      if (cp < 0x20 || cp === 0x7f) return 'contains a control character (use \\DDD escapes)';
      const b = Buffer.from(String.fromCodePoint(cp), 'utf8');
      bytes.push(...b);
      i += cp > 0xffff ? 2 : 1;
    }
    if (!closed) return 'has an unterminated quoted string';
    if (bytes.length > 255) return `a character-string is ${bytes.length} octets; the limit is 255`;
    out.push(Buffer.from(bytes));
    if (quoted && i < n && s[i] !== ' ' && s[i] !== '\t') return 'quoted strings must be separated by a space';
  }
  return out;
}

/** Quote octets as a presentation character-string: `"` and `\` escaped, non-printables as \DDD. */
export function quoteCharacterString(b: Uint8Array): string {
  let s = '"';
  for (const x of b) {
    if (x === 0x22 || x === 0x5c) s += '\\' + String.fromCharCode(x);
    else if (x < 0x20 || x > 0x7e) s += '\\' + String(x).padStart(3, '0');
    else s += String.fromCharCode(x);
  }
  return s + '"';
}

// ---------------------------------------------------------------- structured rdata

export type Rdata =
  | { type: 'A'; address: string }
  | { type: 'AAAA'; address: string }
  | { type: 'CNAME' | 'NS' | 'PTR'; target: string }
  | { type: 'MX'; preference: number; exchange: string }
  | { type: 'SRV'; priority: number; weight: number; port: number; target: string }
  | { type: 'CAA'; flags: number; tag: string; value: Buffer }
  | { type: 'TXT'; strings: Buffer[] };

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
  }
}

/**
 * An owner for a type: absolute inside the zone, host-name labels for A/AAAA (BIND check-names), and
 * `_service._proto` leading labels for SRV (RFC 2782), so a resolver can find it.
 */
function checkOwner(
  zone: string,
  name: string,
  type: RecordType,
): { ok: true; name: string } | { ok: false; reason: string } {
  const owner = absoluteOwner(zone, name, type === 'A' || type === 'AAAA');
  if (!owner.ok || type !== 'SRV') return owner;
  const [service, proto] = owner.name.split('.');
  return service?.startsWith('_') && proto?.startsWith('_') && service.length > 1 && proto.length > 1
    ? owner
    : { ok: false, reason: `an SRV owner starts with _service._proto (RFC 2782), not "${name}"` };
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

/** Encode an absolute name (trailing dot) to uncompressed wire format. */
export function encodeName(name: string): Buffer {
  if (name === '.' || name === '') return Buffer.from([0]);
  const labels = name.replace(/\.$/, '').split('.');
  const parts: Buffer[] = [];
  for (const l of labels) {
    const b = Buffer.from(l, 'ascii');
    if (b.length === 0 || b.length > 63) throw new Error(`bad label in ${name}`);
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** Decode a (possibly compressed) name at `off` of `msg`; returns lowercase absolute name and the next offset. */
export function decodeName(msg: Buffer, off: number): { name: string; next: number } {
  const labels: string[] = [];
  let next = -1;
  let pos = off;
  let jumps = 0;
  for (;;) {
    if (pos >= msg.length) throw new Error('name runs past the message');
    const len = msg[pos]!;
    if (len === 0) {
      pos++;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= msg.length) throw new Error('truncated compression pointer');
      if (next < 0) next = pos + 2;
      pos = ((len & 0x3f) << 8) | msg[pos + 1]!;
      if (++jumps > 128) throw new Error('compression loop');
      continue;
    }
    if (len > 63) throw new Error('bad label length');
    const raw = msg.subarray(pos + 1, pos + 1 + len);
    let l = '';
    for (const c of raw) {
      // Escape what our grammar would never produce, so such names can never collide with ours.
      if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f || c === 0x2a)
        l += String.fromCharCode(c);
      else if (c >= 0x41 && c <= 0x5a) l += String.fromCharCode(c + 32);
      else l += '\\' + String(c).padStart(3, '0');
    }
    labels.push(l);
    pos += 1 + len;
  }
  return { name: labels.length ? labels.join('.') + '.' : '.', next: next < 0 ? pos : next };
}

function u16b(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
}

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
  }
}
