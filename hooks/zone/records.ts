/**
 * Pure: one record CR (ARecord … CAARecord) → its resource records in bindcar's `ZoneRecord` form, validated and
 * canonicalised by bindcar's one rdata grammar (`canonicalRecord`), so the hook never hands bindcar data it would
 * reject and two spellings of the same RR compare equal.
 */
import type { ZoneRecord } from '../../dns/contract.js';
import { quoteCharacterString, canonicalRecord } from '../../dns/rdata.js';
import { absoluteTarget, relativeOwner, resolveOwner } from '../../dns/names.js';
import { RECORD_KINDS, type DNSRecord, type RecordKind } from '../schema/generated.js';

/** The RR type a record kind produces (`ARecord` → `A`). */
export const RR_TYPE_OF: Readonly<Record<RecordKind, ZoneRecord['type']>> = Object.fromEntries(
  RECORD_KINDS.map((k) => [k.kind, k.rrType]),
) as Record<RecordKind, ZoneRecord['type']>;

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

/**
 * Split a TXT value into ≤255-octet character-strings (never inside a UTF-8 sequence) and quote each one
 * (`"` and `\` escaped, non-printables as `\DDD`). An empty value is one empty string `""`.
 */
export function txtData(value: string): string {
  const bytes = txtOctets(value);
  const chunks: string[] = [];
  let i = 0;
  while (i < bytes.length) {
    let end = Math.min(i + MAX_STRING, bytes.length);
    // Back off to a UTF-8 boundary: continuation bytes are 10xxxxxx.
    while (end < bytes.length && end > i && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
    chunks.push(quoteCharacterString(bytes.subarray(i, end)));
    i = end;
  }
  return chunks.length ? chunks.join(' ') : '""';
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
};

type Raw = { data: string; field: string } | { error: string };

function target(field: string, value: string, prefix = ''): Raw {
  const t = absoluteTarget(value);
  return t.ok ? { data: `${prefix}${t.name}`, field } : { error: `${field}: ${t.reason}` };
}

/** Presentation data of each RR the record asks for, before validation. */
function rawData(rec: DNSRecord): Raw[] {
  switch (rec.kind) {
    case 'ARecord': {
      const s = rec.spec;
      if (s.ipv4Addresses) return s.ipv4Addresses.map((a, i) => ({ data: a, field: `spec.ipv4Addresses[${i}]` }));
      return s.ipv4Address !== undefined ? [{ data: s.ipv4Address, field: 'spec.ipv4Address' }] : [];
    }
    case 'AAAARecord': {
      const s = rec.spec;
      if (s.ipv6Addresses) return s.ipv6Addresses.map((a, i) => ({ data: a, field: `spec.ipv6Addresses[${i}]` }));
      return s.ipv6Address !== undefined ? [{ data: s.ipv6Address, field: 'spec.ipv6Address' }] : [];
    }
    case 'CNAMERecord':
      return [target('spec.target', rec.spec.target)];
    case 'NSRecord':
      return [target('spec.nameserver', rec.spec.nameserver)];
    case 'MXRecord':
      return [target('spec.mailServer', rec.spec.mailServer, `${rec.spec.priority} `)];
    case 'SRVRecord': {
      const s = rec.spec;
      return [target('spec.target', s.target, `${s.priority} ${s.weight} ${s.port} `)];
    }
    case 'CAARecord': {
      const s = rec.spec;
      return [
        { data: `${s.flags} ${s.tag} ${quoteCharacterString(Buffer.from(s.value, 'utf8'))}`, field: 'spec.value' },
      ];
    }
    case 'TXTRecord':
      return rec.spec.text.map((t, i) => ({ data: txtData(t), field: `spec.text[${i}]` }));
  }
}

/**
 * Resolve a record CR against `zone` (canonical, no trailing dot) with `defaultTtl` (the zone $TTL).
 * Owner: `spec.name`, default `metadata.name`; IDN labels become punycode.
 * @returns the canonical RRs, or why the record cannot be in the zone (the message names the field).
 */
export function recordRRs(zone: string, rec: DNSRecord, defaultTtl: number): RecordRRs {
  const ownerText = rec.spec.name ?? rec.metadata.name;
  const owner = resolveOwner(zone, ownerText);
  if (!owner.ok) {
    return owner.outOfZone
      ? { ok: false, reason: 'OutOfZone', message: `spec.name: ${owner.reason}` }
      : { ok: false, reason: 'InvalidRecord', message: `spec.name: ${owner.reason}` };
  }
  const fqdn = owner.name;
  const type = RR_TYPE_OF[rec.kind];
  const ttl = rec.spec.ttl ?? defaultTtl;
  const raws = rawData(rec);
  if (raws.length === 0)
    return { ok: false, fqdn, reason: 'InvalidRecord', message: `${DATA_FIELD[rec.kind]}: is required` };
  const rrs: ZoneRecord[] = [];
  const name = relativeOwner(zone, fqdn);
  // TXT data built by txtData is canonical by construction (quoted ≤255-octet strings); only the owner and TTL
  // need bindcar's grammar, checked once with an empty string (re-parsing long TXT values is the costly part).
  const txt = rec.kind === 'TXTRecord';
  if (txt) {
    const c = canonicalRecord(zone, { name, type, ttl, data: '""' });
    if (!c.ok)
      return {
        ok: false,
        fqdn,
        reason: 'InvalidRecord',
        message: `${c.field === 'ttl' ? 'spec.ttl' : 'spec.name'}: ${c.message}`,
      };
  }
  for (const raw of raws) {
    if ('error' in raw) return { ok: false, fqdn, reason: 'InvalidRecord', message: raw.error };
    if (txt) {
      if (raw.data.length > 65000)
        return { ok: false, fqdn, reason: 'InvalidRecord', message: `${raw.field}: the TXT value is too large` };
      rrs.push({ name, type, ttl, data: raw.data });
      continue;
    }
    const c = canonicalRecord(zone, { name, type, ttl, data: raw.data });
    if (!c.ok) {
      const field = c.field === 'name' ? 'spec.name' : c.field === 'ttl' ? 'spec.ttl' : raw.field;
      return { ok: false, fqdn, reason: 'InvalidRecord', message: `${field}: ${c.message}` };
    }
    rrs.push(c.value);
  }
  return { ok: true, fqdn, rrs };
}
