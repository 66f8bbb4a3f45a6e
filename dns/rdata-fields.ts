/**
 * Record types whose RDATA is a fixed sequence of parts (miekg/dns style): one table row per type names each part as
 * its RFC does and gives its kind, and that row alone drives parsing presentation text, the canonical presentation,
 * the wire form both ways and the TypeScript shape of the value. What a row cannot say — the registry values an RFC
 * allows, lengths that depend on another part, the syntax of a NAPTR regexp — is the type's `check`, which names the
 * part it refuses (`Result.part`) so a record resource can name its own field.
 *
 *   AFSDB       RFC 1183 §1     subtype hostname
 *   DHCID       RFC 4701 §3.1   digest (base64: identifier type, digest type, digest)
 *   DNAME       RFC 6672 §2.1   target
 *   DS          RFC 4034 §5.1   keyTag algorithm digestType digest(hex)
 *   HINFO       RFC 1035 §3.3.2 cpu os
 *   NAPTR       RFC 3403 §4.1   order preference flags services regexp replacement
 *   OPENPGPKEY  RFC 7929 §2.1   publicKey (base64)
 *   RP          RFC 1183 §2.2   mbox txt
 *   SMIMEA      RFC 8162 §2     usage selector matchingType certificateData(hex)   (TLSA's RDATA)
 *   SSHFP       RFC 4255 §3.1   algorithm fingerprintType fingerprint(hex)
 *   TLSA        RFC 6698 §2.1   usage selector matchingType certificateData(hex)
 *   URI         RFC 7553 §4.5   priority weight target (the rest of the RDATA, a quoted string in presentation)
 *
 * Names are written uncompressed (RFC 3597 §4; RFC 3403 §4.1 for NAPTR) and read with compression, which older
 * servers may use for the types defined before RFC 3597.
 */
import { checkAbsoluteName } from './names.js';
import {
  decodeName,
  encodeName,
  fail,
  formatBase64,
  formatHex,
  okv,
  parseBase64,
  parseHex,
  presentationTokens,
  quoteCharacterString,
  u16b,
  type Result,
  type Token,
} from './rdata-base.js';

/**
 * How a part is written: `u8`/`u16` numbers; `name` an absolute domain name, the root `.` allowed; `target` the same
 * without the root; `host` an absolute host name (RFC 1123 LDH); `string` one character-string (≤ 255 octets); `hex`
 * and `base64` the rest of the RDATA as octets (presentation may split them with spaces); `text` the rest of the RDATA
 * as octets, one (quoted) string in presentation.
 */
type PartKind = 'u8' | 'u16' | 'name' | 'target' | 'host' | 'string' | 'hex' | 'base64' | 'text';

const TLSA_PARTS = [
  ['usage', 'u8'],
  ['selector', 'u8'],
  ['matchingType', 'u8'],
  ['certificateData', 'hex'],
] as const;

/** Every table type: its RDATA parts in wire order, named as the RFC names them. */
export const FIELD_TYPES = {
  AFSDB: [
    ['subtype', 'u16'],
    ['hostname', 'host'],
  ],
  DHCID: [['digest', 'base64']],
  DNAME: [['target', 'target']],
  DS: [
    ['keyTag', 'u16'],
    ['algorithm', 'u8'],
    ['digestType', 'u8'],
    ['digest', 'hex'],
  ],
  HINFO: [
    ['cpu', 'string'],
    ['os', 'string'],
  ],
  NAPTR: [
    ['order', 'u16'],
    ['preference', 'u16'],
    ['flags', 'string'],
    ['services', 'string'],
    ['regexp', 'string'],
    ['replacement', 'name'],
  ],
  OPENPGPKEY: [['publicKey', 'base64']],
  RP: [
    ['mbox', 'name'],
    ['txt', 'name'],
  ],
  SMIMEA: TLSA_PARTS,
  SSHFP: [
    ['algorithm', 'u8'],
    ['fingerprintType', 'u8'],
    ['fingerprint', 'hex'],
  ],
  TLSA: TLSA_PARTS,
  URI: [
    ['priority', 'u16'],
    ['weight', 'u16'],
    ['target', 'text'],
  ],
} as const satisfies Record<string, readonly (readonly [string, PartKind])[]>;

export type FieldType = keyof typeof FIELD_TYPES;

type ValueOf<K extends PartKind> = K extends 'u8' | 'u16'
  ? number
  : K extends 'name' | 'target' | 'host'
    ? string
    : Buffer;

type Parts<T extends FieldType> = (typeof FIELD_TYPES)[T][number];

/** The structured value of one table type: `{type}` plus one property per RDATA part. */
export type FieldRdataOf<T extends FieldType> = { type: T } & { -readonly [P in Parts<T> as P[0]]: ValueOf<P[1]> };

/** The structured value of any table type. */
export type FieldRdata = { [T in FieldType]: FieldRdataOf<T> }[FieldType];

export function isFieldType(t: string): t is FieldType {
  return Object.hasOwn(FIELD_TYPES, t);
}

type Part = readonly [string, PartKind];
type Loose = Record<string, unknown> & { type: FieldType };

const parts = (t: FieldType): readonly Part[] => FIELD_TYPES[t];

// ---------------------------------------------------------------- per-type rules

const oneOf = (v: number, allowed: readonly number[]) => allowed.includes(v);

/** Digest lengths of the TLSA/SMIMEA matching types (RFC 6698 §2.1.3: 1 SHA2-256, 2 SHA2-512). */
const TLSA_DIGEST_OCTETS: Readonly<Record<number, number>> = { 1: 32, 2: 64 };
/** SSHFP fingerprint types and their lengths (RFC 4255 §3.1.2: 1 SHA-1; RFC 6594 §3.1.2: 2 SHA-256). */
const SSHFP_FP_OCTETS: Readonly<Record<number, number>> = { 1: 20, 2: 32 };
/** DS digest types and lengths: 1 SHA-1 (RFC 4034 §5.1.4), 2 SHA-256 (RFC 4509 §2.2), 4 SHA-384 (RFC 6605 §2). */
const DS_DIGEST_OCTETS: Readonly<Record<number, number>> = { 1: 20, 2: 32, 4: 48 };
/** DNSSEC algorithms RFC 8624 §3.1 says MUST NOT be used to sign (so no delegation should point at such a key). */
const DS_FORBIDDEN_ALGORITHMS: Readonly<Record<number, string>> = {
  1: 'RSAMD5',
  3: 'DSA',
  6: 'DSA-NSEC3-SHA1',
  12: 'ECC-GOST',
};

function tlsaCheck(r: {
  type: string;
  usage: number;
  selector: number;
  matchingType: number;
  certificateData: Buffer;
}) {
  // RFC 6698 §7.2–7.4 (registries), RFC 7218 §2 (mnemonics): the assigned values, and 255 for private use
  if (!oneOf(r.usage, [0, 1, 2, 3, 255]))
    return fail<never>(
      'data',
      `${r.type} usage ${r.usage} is not assigned: 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE, 255 PrivCert (RFC 6698 §2.1.1, RFC 7218)`,
      'usage',
    );
  if (!oneOf(r.selector, [0, 1, 255]))
    return fail<never>(
      'data',
      `${r.type} selector ${r.selector} is not assigned: 0 Cert, 1 SPKI, 255 PrivSel (RFC 6698 §2.1.2)`,
      'selector',
    );
  if (!oneOf(r.matchingType, [0, 1, 2, 255]))
    return fail<never>(
      'data',
      `${r.type} matching type ${r.matchingType} is not assigned: 0 Full, 1 SHA2-256, 2 SHA2-512, 255 PrivMatch (RFC 6698 §2.1.3)`,
      'matchingType',
    );
  const want = TLSA_DIGEST_OCTETS[r.matchingType];
  if (want !== undefined && r.certificateData.length !== want)
    return fail<never>(
      'data',
      `${r.type} matching type ${r.matchingType} is a ${want * 8}-bit digest: ${want * 2} hex digits, not ${r.certificateData.length * 2} (RFC 6698 §2.1.3)`,
      'certificateData',
    );
  if (r.certificateData.length === 0)
    return fail<never>('data', `${r.type} certificate association data is empty (RFC 6698 §2.1.4)`, 'certificateData');
  return undefined;
}

/** Syntax of a NAPTR regexp: RFC 3402 §3.2 `delim-char ere delim-char repl delim-char *flags` (flag `i`). */
function substitutionError(s: string): string | undefined {
  const delim = s[0]!;
  if (/[0-9\\i]/.test(delim)) return `starts with "${delim}": the delimiter is any character but a digit, "\\" and "i"`;
  const pieces: string[] = [''];
  for (let i = 1; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      pieces[pieces.length - 1] += c + s[i + 1]!;
      i++;
    } else if (c === delim) pieces.push('');
    else pieces[pieces.length - 1] += c;
  }
  if (pieces.length !== 3) return `is not ${delim}regexp${delim}replacement${delim}flags (three "${delim}" delimiters)`;
  if (pieces[0] === '') return 'has an empty regular expression';
  if (!/^i?$/.test(pieces[2]!)) return `has flags "${pieces[2]}" after its last delimiter: only "i" is defined`;
  return undefined;
}

const latin1 = (b: Buffer) => b.toString('latin1');

/** The rules of each table type beyond its parts' kinds. */
const CHECKS: { [T in FieldType]?: (r: FieldRdataOf<T>) => Result<never> | undefined } = {
  AFSDB: (r) =>
    // RFC 1183 §1: subtype 1 is an AFS version 3 volume location server, 2 a DCE/NCA root cell directory node
    oneOf(r.subtype, [1, 2])
      ? undefined
      : fail(
          'data',
          `AFSDB subtype ${r.subtype} is not defined: 1 (AFS cell database), 2 (DCE) (RFC 1183 §1)`,
          'subtype',
        ),
  DHCID: (r) => {
    // RFC 4701 §3.1–3.3: a 2-octet identifier type, a 1-octet digest type (1 = SHA-256, a 32-octet digest)
    if (r.digest.length < 3)
      return fail('data', 'DHCID data is an identifier type, a digest type and a digest (RFC 4701 §3.1)', 'digest');
    const digestType = r.digest[2]!;
    if (digestType !== 1)
      return fail('data', `DHCID digest type ${digestType} is not defined: 1 (SHA-256) (RFC 4701 §3.5)`, 'digest');
    if (r.digest.length !== 35)
      return fail('data', 'a DHCID SHA-256 digest is 32 octets (RFC 4701 §3.3): the data is 35 octets', 'digest');
    return undefined;
  },
  DS: (r) => {
    if (r.algorithm === 0) return fail('data', 'DS algorithm 0 is reserved (RFC 4034 §A.1)', 'algorithm');
    const forbidden = DS_FORBIDDEN_ALGORITHMS[r.algorithm];
    if (forbidden)
      return fail(
        'data',
        `DS algorithm ${r.algorithm} (${forbidden}) MUST NOT be used for DNSSEC signing (RFC 8624 §3.1)`,
        'algorithm',
      );
    const want = DS_DIGEST_OCTETS[r.digestType];
    if (want === undefined)
      return fail(
        'data',
        r.digestType === 3
          ? 'DS digest type 3 (GOST R 34.11-94) MUST NOT be used (RFC 8624 §3.3)'
          : `DS digest type ${r.digestType} is not assigned: 1 SHA-1, 2 SHA-256, 4 SHA-384 (RFC 4034 §5.1.3, RFC 4509, RFC 6605)`,
        'digestType',
      );
    if (r.digest.length !== want)
      return fail(
        'data',
        `a DS digest of type ${r.digestType} is ${want} octets: ${want * 2} hex digits, not ${r.digest.length * 2} (RFC 4034 §5.1.4)`,
        'digest',
      );
    return undefined;
  },
  NAPTR: (r) => {
    // RFC 3403 §4.1: flags are single characters from A–Z and 0–9 (case does not matter)
    if (!/^[A-Za-z0-9]*$/.test(latin1(r.flags)))
      return fail('data', 'NAPTR flags are letters and digits only (RFC 3403 §4.1)', 'flags');
    // RFC 3403 §4.1: services is defined by the application; RFC 3404 §4.4, RFC 6116 §3.4.3 and RFC 3958 §6.5 all
    // build it from letters, digits, "+", ":", "-", "." and "_"
    if (!/^[A-Za-z0-9+:._-]*$/.test(latin1(r.services)))
      return fail(
        'data',
        'NAPTR services are letters, digits and + : . - _ (e.g. E2U+sip, SIP+D2U; RFC 3403 §4.1, RFC 3404 §4.4)',
        'services',
      );
    const regexp = latin1(r.regexp);
    if (regexp !== '') {
      const e = substitutionError(regexp);
      if (e) return fail('data', `NAPTR regexp ${e} (RFC 3402 §3.2)`, 'regexp');
      // RFC 3403 §4.1: REGEXP and REPLACEMENT are mutually exclusive
      if (r.replacement !== '.')
        return fail(
          'data',
          'a NAPTR has a regexp or a replacement, not both: with a regexp the replacement is "." (RFC 3403 §4.1)',
          'replacement',
        );
    } else if (r.replacement === '.')
      return fail('data', 'a NAPTR needs a regexp or a replacement: both are empty (RFC 3403 §4.1)', 'replacement');
    return undefined;
  },
  SMIMEA: tlsaCheck,
  SSHFP: (r) => {
    // RFC 4255 §3.1.1 (1 RSA, 2 DSA), RFC 6594 §3.1.1 (3 ECDSA), RFC 7479 §3 (4 Ed25519), RFC 8709 §4 (6 Ed448)
    if (!oneOf(r.algorithm, [1, 2, 3, 4, 6]))
      return fail(
        'data',
        `SSHFP algorithm ${r.algorithm} is not assigned: 1 RSA, 2 DSA, 3 ECDSA, 4 Ed25519, 6 Ed448 (RFC 4255 §3.1.1, RFC 6594, RFC 7479, RFC 8709)`,
        'algorithm',
      );
    const want = SSHFP_FP_OCTETS[r.fingerprintType];
    if (want === undefined)
      return fail(
        'data',
        `SSHFP fingerprint type ${r.fingerprintType} is not assigned: 1 SHA-1, 2 SHA-256 (RFC 4255 §3.1.2, RFC 6594 §3.1.2)`,
        'fingerprintType',
      );
    if (r.fingerprint.length !== want)
      return fail(
        'data',
        `an SSHFP fingerprint of type ${r.fingerprintType} is ${want} octets: ${want * 2} hex digits, not ${r.fingerprint.length * 2} (RFC 4255 §3.1.3)`,
        'fingerprint',
      );
    return undefined;
  },
  TLSA: tlsaCheck,
  URI: (r) => {
    // RFC 7553 §4.5: the target is a URI (RFC 3986 §3: scheme ":" …), not empty
    const t = latin1(r.target);
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7e]*$/.test(t))
      return fail(
        'data',
        'a URI target is an absolute URI, scheme ":" and printable characters without spaces (RFC 7553 §4.5, RFC 3986 §3)',
        'target',
      );
    return undefined;
  },
  OPENPGPKEY: (r) =>
    r.publicKey.length === 0
      ? fail('data', 'an OPENPGPKEY public key is not empty (RFC 7929 §2.1)', 'publicKey')
      : undefined,
};

// ---------------------------------------------------------------- one part

function checkPart(type: FieldType, [name, kind]: Part, v: unknown): Result<unknown> {
  const what = `${type} ${name}`;
  switch (kind) {
    case 'u8':
    case 'u16': {
      const max = kind === 'u8' ? 255 : 65535;
      return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max
        ? okv(v)
        : fail('data', `${what} must be an integer 0–${max}`, name);
    }
    case 'name':
    case 'target':
    case 'host': {
      if (typeof v !== 'string') return fail('data', `${what} must be a domain name`, name);
      if (v === '.' && kind === 'name') return okv(v);
      const c = checkAbsoluteName(v, kind === 'host');
      return c.ok ? okv(c.name) : fail('data', `${what} ${c.reason}`, name);
    }
    case 'string':
      if (!Buffer.isBuffer(v)) return fail('data', `${what} must be a character-string`, name);
      return v.length <= 255 ? okv(v) : fail('data', `${what} is ${v.length} octets; the limit is 255`, name);
    case 'hex':
    case 'base64':
    case 'text':
      if (!Buffer.isBuffer(v)) return fail('data', `${what} must be octets`, name);
      return v.length === 0 && kind !== 'hex'
        ? fail('data', `${what} is empty`, name)
        : v.length > 65000
          ? fail('data', `${what} is too large`, name)
          : okv(v);
  }
}

/** Check a table type's value: every part by its kind (canonical names), then the type's own rules. */
export function checkFieldRdata(r: FieldRdata): Result<FieldRdata> {
  const loose = r as unknown as Loose;
  const out: Loose = { type: r.type };
  for (const p of parts(r.type)) {
    const c = checkPart(r.type, p, loose[p[0]]);
    if (!c.ok) return c;
    out[p[0]] = c.value;
  }
  const value = out as unknown as FieldRdata;
  const check = CHECKS[r.type] as ((v: FieldRdata) => Result<never> | undefined) | undefined;
  return check?.(value) ?? okv(value);
}

// ---------------------------------------------------------------- presentation

/** The presentation form of a table type's data, as a hint in messages: `<usage> <selector> …`. */
export function fieldSyntax(type: FieldType): string {
  return parts(type)
    .map(([n, k]) => (k === 'string' || k === 'text' ? `"<${n}>"` : `<${n}>`))
    .join(' ');
}

/**
 * Parse presentation data of a table type (RFC 1035 §5.1 tokens; the type's RFC for each part's text), then check it.
 */
export function parseFieldRdata(type: FieldType, data: string): Result<FieldRdata> {
  const toks = presentationTokens(data);
  if (typeof toks === 'string') return fail('data', `${type} data ${toks}`);
  const syntax = () => fail<FieldRdata>('data', `${type} data is "${fieldSyntax(type)}"`);
  const out: Loose = { type };
  let i = 0;
  const plain = (t: Token | undefined) => (t && !t.quoted ? latin1(t.bytes) : undefined);
  for (const [name, kind] of parts(type)) {
    switch (kind) {
      case 'u8':
      case 'u16': {
        const t = plain(toks[i++]);
        if (t === undefined || !/^\d{1,5}$/.test(t)) return fail('data', `${type} ${name} must be an integer`, name);
        out[name] = Number(t);
        break;
      }
      case 'name':
      case 'target':
      case 'host': {
        const t = plain(toks[i++]);
        if (t === undefined) return syntax();
        out[name] = t;
        break;
      }
      case 'string':
      case 'text': {
        const t = toks[i++];
        if (!t) return syntax();
        out[name] = t.bytes;
        break;
      }
      case 'hex':
      case 'base64': {
        const rest = toks.slice(i);
        i = toks.length;
        if (rest.some((t) => t.quoted)) return fail('data', `${type} ${name} is not quoted`, name);
        const text = rest.map((t) => latin1(t.bytes)).join('');
        const b = kind === 'hex' ? parseHex(text) : parseBase64(text);
        if (!b)
          return fail(
            'data',
            kind === 'hex'
              ? `${type} ${name} is not hexadecimal (an even number of digits)`
              : `${type} ${name} is not base64 (RFC 4648 §4, with padding)`,
            name,
          );
        out[name] = b;
        break;
      }
    }
  }
  if (i !== toks.length) return syntax();
  return checkFieldRdata(out as unknown as FieldRdata);
}

/** The canonical presentation of a table type's value: numbers, names as they are, strings quoted, hex upper case. */
export function formatFieldRdata(r: FieldRdata): string {
  const loose = r as unknown as Loose;
  return parts(r.type)
    .map(([name, kind]) => {
      const v = loose[name];
      switch (kind) {
        case 'u8':
        case 'u16':
        case 'name':
        case 'target':
        case 'host':
          return String(v);
        case 'string':
        case 'text':
          return quoteCharacterString(v as Buffer);
        case 'hex':
          return formatHex(v as Buffer);
        case 'base64':
          return formatBase64(v as Buffer);
      }
    })
    .filter((s) => s !== '')
    .join(' ');
}

// ---------------------------------------------------------------- wire

/** Wire RDATA of a table type's value. */
export function fieldRdataToWire(r: FieldRdata): Buffer {
  const loose = r as unknown as Loose;
  return Buffer.concat(
    parts(r.type).map(([name, kind]) => {
      const v = loose[name];
      switch (kind) {
        case 'u8':
          return Buffer.from([v as number]);
        case 'u16':
          return u16b(v as number);
        case 'name':
        case 'target':
        case 'host':
          return encodeName(v as string);
        case 'string':
          return Buffer.concat([Buffer.from([(v as Buffer).length]), v as Buffer]);
        case 'hex':
        case 'base64':
        case 'text':
          return v as Buffer;
      }
    }),
  );
}

/** A table type's value from wire RDATA (`rdOff`..`rdOff+rdLen` of `msg`); throws on malformed data. */
export function fieldRdataFromWire(type: FieldType, msg: Buffer, rdOff: number, rdLen: number): FieldRdata {
  const end = rdOff + rdLen;
  const out: Loose = { type };
  let at = rdOff;
  const need = (n: number) => {
    if (at + n > end) throw new Error(`truncated ${type} rdata`);
  };
  for (const [name, kind] of parts(type)) {
    switch (kind) {
      case 'u8':
        need(1);
        out[name] = msg[at]!;
        at += 1;
        break;
      case 'u16':
        need(2);
        out[name] = msg.readUInt16BE(at);
        at += 2;
        break;
      case 'name':
      case 'target':
      case 'host': {
        const d = decodeName(msg, at);
        out[name] = d.name;
        at = d.next;
        break;
      }
      case 'string': {
        need(1);
        const l = msg[at]!;
        need(1 + l);
        out[name] = Buffer.from(msg.subarray(at + 1, at + 1 + l));
        at += 1 + l;
        break;
      }
      case 'hex':
      case 'base64':
      case 'text':
        out[name] = Buffer.from(msg.subarray(at, end));
        at = end;
        break;
    }
  }
  if (at !== end) throw new Error(`${type} rdata has ${end - at} octets too many`);
  return out as unknown as FieldRdata;
}
