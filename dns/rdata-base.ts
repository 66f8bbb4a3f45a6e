/**
 * The parts of the record grammar every type shares (dns/rdata.ts dispatches per type): checked results, IP
 * addresses in their one text form, RFC 1035 §5.1 presentation tokens and character-strings, hex and base64 data, and
 * domain names on the wire. Pure; no type knows another here.
 */
import { isIPv6 } from 'node:net';

/**
 * A checked value, or why not: `field` is the record's part (`name`, `ttl`, `data`); `part`, when the data has several
 * fields and one of them is wrong, names it as the type's RDATA does (CAA `flags`), so a CR can name its own field.
 */
export type Result<T> = { ok: true; value: T } | { ok: false; field: string; message: string; part?: string };

export const fail = <T>(field: string, message: string, part?: string): Result<T> =>
  part === undefined ? { ok: false, field, message } : { ok: false, field, message, part };
export const okv = <T>(value: T): Result<T> => ({ ok: true, value });

// ---------------------------------------------------------------- addresses

const IPV4_OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
/** A dotted quad without leading zeros; a match is already canonical, so nothing is rebuilt on the hot path. */
const IPV4 = new RegExp(`^${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}$`);

/** Canonical IPv4: four decimal octets without leading zeros (leading zeros are ambiguous: octal). */
export function canonicalIPv4(s: string): string | undefined {
  return IPV4.test(s) ? s : undefined;
}

/** The eight 16-bit groups of an IPv6 address (an IPv4 tail folded in), or undefined when it is none. */
export function ipv6Groups(s: string): number[] | undefined {
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

/** RFC 5952 text of eight IPv6 groups. */
export function formatIPv6(groups: readonly number[]): string {
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

/** One presentation token: its octets (escapes resolved) and whether it was a quoted string. */
export interface Token {
  bytes: Buffer;
  quoted: boolean;
}

/**
 * Split presentation data into RFC 1035 §5.1 tokens: quoted strings ("a b", with \" \\ \DDD escapes) or unquoted
 * runs. No length limit: a character-string's 255 octets are its type's rule (hex and base64 data run longer).
 * @returns the tokens, or why the text is not presentation data
 */
export function presentationTokens(s: string): Token[] | string {
  const out: Token[] = [];
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
    out.push({ bytes: Buffer.from(bytes), quoted });
    if (quoted && i < n && s[i] !== ' ' && s[i] !== '\t') return 'quoted strings must be separated by a space';
  }
  return out;
}

/**
 * Parse a sequence of RFC 1035 §5.1 character-strings: quoted ("a b", with \" \\ \DDD escapes) or
 * unquoted tokens. Returns the raw octets of each string (at most 255 each, RFC 1035 §3.3).
 */
export function parseCharacterStrings(s: string): Buffer[] | string {
  const toks = presentationTokens(s);
  if (typeof toks === 'string') return toks;
  const long = toks.find((t) => t.bytes.length > 255);
  if (long) return `a character-string is ${long.bytes.length} octets; the limit is 255`;
  return toks.map((t) => t.bytes);
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

// ---------------------------------------------------------------- hex and base64 data

/**
 * Octets written as hexadecimal digits, whitespace allowed between them (BIND splits long data into groups: RFC 4034
 * §5.3, RFC 6698 §2.2); undefined when the text is not an even number of hex digits.
 */
export function parseHex(s: string): Buffer | undefined {
  const h = s.replace(/\s+/g, '');
  return /^([0-9A-Fa-f]{2})*$/.test(h) ? Buffer.from(h, 'hex') : undefined;
}

/** Canonical hex: upper case, one run (the form BIND and dig print, without their grouping). */
export function formatHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex').toUpperCase();
}

/**
 * Octets written in base64 (RFC 4648 §4, padding required), whitespace allowed between groups as in zone files;
 * undefined when it is not canonical base64 (so one value has one spelling).
 */
export function parseBase64(s: string): Buffer | undefined {
  const t = s.replace(/\s+/g, '');
  if (t.length === 0 || t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(t)) return undefined;
  const b = Buffer.from(t, 'base64');
  return b.toString('base64') === t ? b : undefined;
}

/** Canonical base64: RFC 4648 §4 with padding, one run. */
export function formatBase64(b: Uint8Array): string {
  return Buffer.from(b).toString('base64');
}

// ---------------------------------------------------------------- names on the wire

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
      // Escape what our grammar would never produce, so such names can never collide with ours ('/' it does: RFC 2317
      // classless reverse names, dns/names.ts).
      if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f || c === 0x2a || c === 0x2f)
        l += String.fromCharCode(c);
      else if (c >= 0x41 && c <= 0x5a) l += String.fromCharCode(c + 32);
      else l += '\\' + String(c).padStart(3, '0');
    }
    labels.push(l);
    pos += 1 + len;
  }
  return { name: labels.length ? labels.join('.') + '.' : '.', next: next < 0 ? pos : next };
}

/** A big-endian 16-bit value. */
export function u16b(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
}
