/**
 * Pure: one record CR (ARecord … DNAMERecord, DNSRecordSet) → its resource records in bindcar's `ZoneRecord` form. The CR's fields
 * are already structured: they become rdata values directly (no presentation text is built to be parsed again),
 * checked and canonicalised by the one rdata grammar (dns/rdata.ts `checkRecord`), then written once in canonical
 * presentation form — so the hook never hands bindcar data it would reject and two spellings of one RR compare equal.
 */
import type { RecordType, ZoneRecord } from '../../dns/contract.js';
import {
  checkRecord,
  formatRdata,
  isRecordType,
  parseRdata,
  quoteCharacterString,
  type Rdata,
} from '../../dns/rdata.js';
import { parseHex } from '../../dns/rdata-base.js';
import { absoluteTarget, relativeOwner, resolveOwner } from '../../dns/names.js';
import { isReverseZone, ptrOwner, reverseName } from '../../dns/reverse.js';
import { svcParams, valueList } from '../../dns/svcb.js';
import { RECORD_KINDS, type DNSRecord, type RecordKind } from '../schema/generated.js';

/** The RR type a typed record kind produces (`ARecord` → `A`); DNSRecordSet gives its own (`rrTypeOf`). */
export const RR_TYPE_OF: Readonly<Partial<Record<RecordKind, RecordType>>> = Object.fromEntries(
  RECORD_KINDS.filter((k) => k.rrType !== null).map((k) => [k.kind, k.rrType]),
) as Partial<Record<RecordKind, RecordType>>;

/** The RR type a record produces: its kind's, or a DNSRecordSet's `spec.type` (undefined when bindy has no grammar). */
export function rrTypeOf(rec: DNSRecord): RecordType | undefined {
  if (rec.kind !== 'DNSRecordSet') return RR_TYPE_OF[rec.kind];
  return isRecordType(rec.spec.type) ? rec.spec.type : undefined;
}

/** The types bindy owns or named maintains, and where a user sets them instead (a DNSRecordSet naming one is refused). */
const OWNED_TYPES: Readonly<Record<string, string>> = {
  SOA: "SOA belongs to the zone: set the DNSZone's spec.soaRecord",
  ...Object.fromEntries(
    ['DNSKEY', 'RRSIG', 'NSEC', 'NSEC3', 'NSEC3PARAM', 'CDS', 'CDNSKEY'].map((t) => [
      t,
      `named maintains the ${t} records of a signed zone itself: set the DNSZone's dnssecPolicy`,
    ]),
  ),
};

/** Why a record is not (fully) in the zone. */
export type RecordRejection = { reason: 'OutOfZone' | 'InvalidRecord'; message: string };

/** A record CR turned into RRs: absolute owner (trailing dot), and canonical RRs with the owner relative. */
export type RecordRRs =
  { ok: true; fqdn: string; rrs: ZoneRecord[] } | ({ ok: false; fqdn?: string } & RecordRejection);

/** Largest character-string (RFC 1035 §3.3). */
const MAX_STRING = 255;

/**
 * A TXT value as written in the CR → its octets. The value is taken literally except for presentation escapes,
 * which the CRD invites for quotes: `\"` → `"`, `\\` → `\`, `\DDD` → that octet; a lone trailing backslash stays.
 */
export function txtOctets(value: string): Buffer {
  if (!value.includes('\\')) return Buffer.from(value, 'utf8');
  const parts: Buffer[] = [];
  let i = 0;
  let plain = '';
  const flush = () => {
    if (plain) parts.push(Buffer.from(plain, 'utf8'));
    plain = '';
  };
  while (i < value.length) {
    const ch = value[i]!;
    if (ch === '\\' && i + 1 < value.length) {
      const d = /^\d{3}/.exec(value.slice(i + 1, i + 4));
      if (d && Number(d[0]) <= 255) {
        flush();
        parts.push(Buffer.from([Number(d[0])]));
        i += 4;
        continue;
      }
      plain += value[i + 1]!;
      i += 2;
      continue;
    }
    plain += ch;
    i++;
  }
  flush();
  return Buffer.concat(parts);
}

/** Split a TXT value into ≤255-octet character-strings, never inside a UTF-8 sequence; an empty value is one "". */
export function txtStrings(value: string): Buffer[] {
  const bytes = txtOctets(value);
  const chunks: Buffer[] = [];
  let i = 0;
  while (i < bytes.length) {
    let end = Math.min(i + MAX_STRING, bytes.length);
    // Back off to a UTF-8 boundary: continuation bytes are 10xxxxxx.
    while (end < bytes.length && end > i && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
    chunks.push(bytes.subarray(i, end));
    i = end;
  }
  return chunks.length ? chunks : [Buffer.alloc(0)];
}

/** A TXT value as canonical presentation: `txtStrings`, each quoted (`"` and `\` escaped, non-printables `\DDD`). */
export function txtData(value: string): string {
  return txtStrings(value).map(quoteCharacterString).join(' ');
}

/** The user-facing spec field that holds a record kind's data (used in messages). */
export const DATA_FIELD: Readonly<Record<RecordKind, string>> = {
  ARecord: 'spec.ipv4Address',
  AAAARecord: 'spec.ipv6Address',
  CNAMERecord: 'spec.target',
  MXRecord: 'spec.mailServer',
  TXTRecord: 'spec.text',
  NSRecord: 'spec.nameserver',
  SRVRecord: 'spec.target',
  CAARecord: 'spec.value',
  PTRRecord: 'spec.ptrdname',
  TLSARecord: 'spec.certificateData',
  SSHFPRecord: 'spec.fingerprint',
  SVCBRecord: 'spec.priority',
  HTTPSRecord: 'spec.priority',
  NAPTRRecord: 'spec.replacement',
  DSRecord: 'spec.digest',
  DNAMERecord: 'spec.target',
  DNSRecordSet: 'spec.records',
  LOCRecord: 'spec.latitude',
};

/** The data field as this record spells it: `spec.ipv4Addresses` when it lists them, else {@link DATA_FIELD}. */
export function dataField(rec: DNSRecord): string {
  if (rec.kind === 'ARecord' && rec.spec.ipv4Addresses) return 'spec.ipv4Addresses';
  if (rec.kind === 'AAAARecord' && rec.spec.ipv6Addresses) return 'spec.ipv6Addresses';
  return DATA_FIELD[rec.kind];
}

/** The CR field of an RDATA part the grammar names (dns/rdata.ts `Result.part`), where it is not the data field. */
const TLSA_FIELDS = {
  usage: 'spec.usage',
  selector: 'spec.selector',
  matchingType: 'spec.matchingType',
  certificateData: 'spec.certificateData',
};
const SVCB_FIELDS = {
  priority: 'spec.priority',
  target: 'spec.target',
  params: 'spec.params',
  mandatory: 'spec.params.mandatory',
  alpn: 'spec.params.alpn',
  'no-default-alpn': 'spec.params.noDefaultAlpn',
  port: 'spec.params.port',
  ipv4hint: 'spec.params.ipv4hint',
  ech: 'spec.params.ech',
  ipv6hint: 'spec.params.ipv6hint',
  dohpath: 'spec.params.dohpath',
};
const PART_FIELD: Readonly<Partial<Record<RecordKind, Readonly<Record<string, string>>>>> = {
  CAARecord: { flags: 'spec.flags', tag: 'spec.tag' },
  TLSARecord: TLSA_FIELDS,
  SSHFPRecord: {
    algorithm: 'spec.algorithm',
    fingerprintType: 'spec.fingerprintType',
    fingerprint: 'spec.fingerprint',
  },
  SVCBRecord: SVCB_FIELDS,
  HTTPSRecord: SVCB_FIELDS,
  NAPTRRecord: {
    order: 'spec.order',
    preference: 'spec.preference',
    flags: 'spec.flags',
    services: 'spec.services',
    regexp: 'spec.regexp',
    replacement: 'spec.replacement',
  },
  DSRecord: {
    keyTag: 'spec.keyTag',
    algorithm: 'spec.algorithm',
    digestType: 'spec.digestType',
    digest: 'spec.digest',
  },
  DNAMERecord: { target: 'spec.target' },
  LOCRecord: {
    latitude: 'spec.latitude',
    longitude: 'spec.longitude',
    altitude: 'spec.altitude',
    size: 'spec.size',
    horizontalPrecision: 'spec.horizontalPrecision',
    verticalPrecision: 'spec.verticalPrecision',
  },
};

const LOC_FIELD: Readonly<Record<string, string>> = PART_FIELD.LOCRecord ?? {};

/** Hex octets of a CR field (the CRD's pattern checks the digits; this is the grammar's read of them). */
function hex(field: string, text: string, rdata: (b: Buffer) => Rdata): Value {
  const b = parseHex(text);
  return b ? { rdata: rdata(b), field } : { error: `${field}: "${text.slice(0, 40)}" is not hexadecimal octets` };
}

/** A CR's SvcParams (`spec.params`) as the `key=value` list of RFC 9460's presentation, values unescaped. */
function svcbParams(p: NonNullable<Extract<DNSRecord, { kind: 'SVCBRecord' }>['spec']['params']>) {
  const list: [string, Buffer | undefined][] = [];
  const text = (s: string) => Buffer.from(s, 'utf8');
  if (p.mandatory) list.push(['mandatory', text(p.mandatory.join(','))]);
  if (p.alpn) list.push(['alpn', valueList(p.alpn)]);
  if (p.noDefaultAlpn) list.push(['no-default-alpn', undefined]);
  if (p.port !== undefined) list.push(['port', text(String(p.port))]);
  if (p.ipv4hint) list.push(['ipv4hint', text(p.ipv4hint.join(','))]);
  if (p.ech !== undefined) list.push(['ech', text(p.ech)]);
  if (p.ipv6hint) list.push(['ipv6hint', text(p.ipv6hint.join(','))]);
  if (p.dohpath !== undefined) list.push(['dohpath', text(p.dohpath)]);
  return svcParams(list);
}

/** One RR's rdata as the CR gives it (not yet checked), and the field it came from; or why there is none. */
type Value = { rdata: Rdata; field: string } | { error: string };

function target(zone: string, field: string, value: string, rdata: (name: string) => Rdata): Value {
  const t = absoluteTarget(value, zone);
  return t.ok ? { rdata: rdata(t.name), field } : { error: `${field}: ${t.reason}` };
}

/** The rdata of each RR the record asks for, from its fields (targets are resolved in `zone`'s words). */
function values(zone: string, rec: DNSRecord): Value[] {
  switch (rec.kind) {
    case 'ARecord': {
      const s = rec.spec;
      const list = s.ipv4Addresses ?? (s.ipv4Address !== undefined ? [s.ipv4Address] : []);
      const field = (i: number) => (s.ipv4Addresses ? `spec.ipv4Addresses[${i}]` : 'spec.ipv4Address');
      return list.map((address, i) => ({ rdata: { type: 'A', address }, field: field(i) }));
    }
    case 'AAAARecord': {
      const s = rec.spec;
      const list = s.ipv6Addresses ?? (s.ipv6Address !== undefined ? [s.ipv6Address] : []);
      const field = (i: number) => (s.ipv6Addresses ? `spec.ipv6Addresses[${i}]` : 'spec.ipv6Address');
      return list.map((address, i) => ({ rdata: { type: 'AAAA', address }, field: field(i) }));
    }
    case 'CNAMERecord':
      return [target(zone, 'spec.target', rec.spec.target, (t) => ({ type: 'CNAME', target: t }))];
    case 'NSRecord':
      return [target(zone, 'spec.nameserver', rec.spec.nameserver, (t) => ({ type: 'NS', target: t }))];
    case 'MXRecord': {
      const preference = rec.spec.priority;
      return [
        target(zone, 'spec.mailServer', rec.spec.mailServer, (exchange) => ({ type: 'MX', preference, exchange })),
      ];
    }
    case 'SRVRecord': {
      const { priority, weight, port } = rec.spec;
      return [
        target(zone, 'spec.target', rec.spec.target, (t) => ({ type: 'SRV', priority, weight, port, target: t })),
      ];
    }
    case 'CAARecord': {
      const s = rec.spec;
      return [
        {
          rdata: { type: 'CAA', flags: s.flags ?? 0, tag: s.tag, value: Buffer.from(s.value, 'utf8') },
          field: 'spec.value',
        },
      ];
    }
    case 'TXTRecord':
      return rec.spec.text.map((t, i) => ({
        rdata: { type: 'TXT', strings: txtStrings(t) },
        field: `spec.text[${i}]`,
      }));
    case 'PTRRecord':
      return [target(zone, 'spec.ptrdname', rec.spec.ptrdname, (t) => ({ type: 'PTR', target: t }))];
    case 'TLSARecord': {
      const { usage, selector, matchingType } = rec.spec;
      return [
        hex('spec.certificateData', rec.spec.certificateData, (certificateData) => ({
          type: 'TLSA',
          usage,
          selector,
          matchingType,
          certificateData,
        })),
      ];
    }
    case 'SSHFPRecord': {
      const { algorithm, fingerprintType } = rec.spec;
      return [
        hex('spec.fingerprint', rec.spec.fingerprint, (fingerprint) => ({
          type: 'SSHFP',
          algorithm,
          fingerprintType,
          fingerprint,
        })),
      ];
    }
    case 'DSRecord': {
      const { keyTag, algorithm, digestType } = rec.spec;
      return [hex('spec.digest', rec.spec.digest, (digest) => ({ type: 'DS', keyTag, algorithm, digestType, digest }))];
    }
    case 'SVCBRecord':
    case 'HTTPSRecord': {
      const type = rec.kind === 'SVCBRecord' ? 'SVCB' : 'HTTPS';
      const params = svcbParams(rec.spec.params ?? {});
      if (!params.ok)
        return [
          {
            error: `${(params.part && SVCB_FIELDS[params.part as keyof typeof SVCB_FIELDS]) ?? 'spec.params'}: ${params.message}`,
          },
        ];
      const priority = rec.spec.priority;
      return [
        target(zone, 'spec.target', rec.spec.target, (t) => ({ type, priority, target: t, params: params.value })),
      ];
    }
    case 'NAPTRRecord': {
      const s = rec.spec;
      const octets = (v: string | undefined) => Buffer.from(v ?? '', 'utf8');
      const naptr = (replacement: string): Rdata => ({
        type: 'NAPTR',
        order: s.order,
        preference: s.preference,
        flags: octets(s.flags),
        services: octets(s.services),
        regexp: octets(s.regexp),
        replacement,
      });
      const replacement = s.replacement ?? '.';
      return [
        replacement === '.'
          ? { rdata: naptr('.'), field: 'spec.replacement' }
          : target(zone, 'spec.replacement', replacement, naptr),
      ];
    }
    case 'DNAMERecord':
      return [target(zone, 'spec.target', rec.spec.target, (t) => ({ type: 'DNAME', target: t }))];
    case 'LOCRecord': {
      // the fields are the presentation's parts (RFC 1876 §3): the one grammar reads them together
      const l = rec.spec;
      const text = [
        l.latitude,
        l.longitude,
        l.altitude,
        l.size ?? '1m',
        l.horizontalPrecision ?? '10000m',
        l.verticalPrecision ?? '10m',
      ].join(' ');
      const p = parseRdata('LOC', text);
      return [
        p.ok
          ? { rdata: p.value, field: 'spec.latitude' }
          : { error: `${LOC_FIELD[p.part ?? ''] ?? 'spec.latitude'}: ${p.message}` },
      ];
    }
    case 'DNSRecordSet': {
      // presentation RDATA, read by the same grammar as a PUT body's (names absolute, with the trailing dot)
      const type = rec.spec.type as RecordType;
      return rec.spec.records.map((text, i): Value => {
        const p = parseRdata(type, text, isReverseZone(zone));
        return p.ok ? { rdata: p.value, field: `spec.records[${i}]` } : { error: `spec.records[${i}]: ${p.message}` };
      });
    }
  }
}

/**
 * A record's owner text: `spec.name`, default `metadata.name` — or, for a PTRRecord naming `spec.address`, where that
 * address's PTR goes in `zone` (dns/reverse.ts: its reverse name, or its last octet in an RFC 2317 classless zone).
 */
function ownerOf(zone: string, rec: DNSRecord): { ok: true; owner: string } | RecordRejection {
  if (rec.kind === 'PTRRecord' && rec.spec.address !== undefined) {
    const address = rec.spec.address;
    const rev = reverseName(address);
    if (!rev) return { reason: 'InvalidRecord', message: `spec.address: "${address}" is not an IPv4 or IPv6 address` };
    const owner = ptrOwner(zone, address);
    return owner
      ? { ok: true, owner }
      : { reason: 'OutOfZone', message: `spec.address: ${address} (${rev}) is not inside reverse zone ${zone}` };
  }
  return { ok: true, owner: rec.spec.name ?? rec.metadata.name };
}

/**
 * Resolve a record CR against `zone` (canonical, no trailing dot) with `defaultTtl` (the zone $TTL).
 * Owner: `spec.name`, default `metadata.name`; IDN labels become punycode.
 * @returns the canonical RRs, or why the record cannot be in the zone (the message names the field).
 */
export function recordRRs(zone: string, rec: DNSRecord, defaultTtl: number): RecordRRs {
  const ownerOfRec = ownerOf(zone, rec);
  if (!('ok' in ownerOfRec)) return { ok: false, ...ownerOfRec };
  const owner = resolveOwner(zone, ownerOfRec.owner);
  if (!owner.ok) {
    return owner.outOfZone
      ? { ok: false, reason: 'OutOfZone', message: `spec.name: ${owner.reason}` }
      : { ok: false, reason: 'InvalidRecord', message: `spec.name: ${owner.reason}` };
  }
  const fqdn = owner.name;
  const type = rrTypeOf(rec);
  if (type === undefined) {
    const t = rec.kind === 'DNSRecordSet' ? rec.spec.type : rec.kind;
    const message = OWNED_TYPES[t] ?? `bindy has no grammar for type ${t}`;
    return { ok: false, fqdn, reason: 'InvalidRecord', message: `spec.type: ${message}` };
  }
  if (rec.kind === 'DNSRecordSet' && type === 'NS' && fqdn === `${zone}.`)
    return {
      ok: false,
      fqdn,
      reason: 'InvalidRecord',
      message: "spec.name: the apex NS records are the DNSZone's spec.nameServers",
    };
  const ttl = rec.spec.ttl ?? defaultTtl;
  const vals = values(zone, rec);
  if (vals.length === 0)
    return { ok: false, fqdn, reason: 'InvalidRecord', message: `${DATA_FIELD[rec.kind]}: is required` };
  const rrs: ZoneRecord[] = [];
  const name = relativeOwner(zone, fqdn);
  for (const v of vals) {
    if ('error' in v) return { ok: false, fqdn, reason: 'InvalidRecord', message: v.error };
    const c = checkRecord(zone, { name, ttl, rdata: v.rdata });
    if (!c.ok) {
      const field =
        c.field === 'name'
          ? 'spec.name'
          : c.field === 'ttl'
            ? 'spec.ttl'
            : ((c.part !== undefined ? PART_FIELD[rec.kind]?.[c.part] : undefined) ?? v.field);
      return { ok: false, fqdn, reason: 'InvalidRecord', message: `${field}: ${c.message}` };
    }
    rrs.push({ name: c.value.name, type, ttl, data: formatRdata(c.value.rdata) });
  }
  return { ok: true, fqdn, rrs };
}
