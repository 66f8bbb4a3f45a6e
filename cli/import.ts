/**
 * `bindy import`: a parsed zone file → one DNSZone plus record CRs that render back to the same RRsets.
 * One CR per RRset for A/AAAA/TXT (their specs hold lists), one per RR for the single-valued kinds, one DNSRecordSet
 * per RRset of a type without a kind of its own (RP, HINFO, URI, …). Every RR of the newer types is read by the one
 * grammar (dns/rdata.ts) with the file's relative names completed, so a CR holds the value BIND serves. What cannot be
 * imported — a type bindy has no grammar for, the DNSSEC records named maintains, data the grammar refuses — is
 * returned in `skipped` with the reason, never dropped silently.
 */
import { createHash } from 'node:crypto';
import type { ParsedRecord, ParsedZone, Token } from './zone-parser.js';
import { API_VERSION } from '../hooks/schema/generated.js';
import { isRecordType, parseRecord, type Rdata } from '../dns/rdata.js';
import { FIELD_TYPES, isFieldType } from '../dns/rdata-fields.js';
import { formatBase64 } from '../dns/rdata-base.js';
import { formatLoc } from '../dns/loc.js';
import { ipv4Hints, ipv6Hints, svcKeyName, SVC_KEYS } from '../dns/svcb.js';

export interface ImportOptions {
  zone: string;
  namespace?: string;
  /** metadata.name of the DNSZone; defaults to the zone name with dots as dashes. */
  zoneResourceName?: string;
  /** spec.clusterRef of the DNSZone (a zone must be placed before it validates). */
  clusterRef?: string;
}

export interface SkippedRecord {
  line: number;
  owner: string;
  type: string;
  reason: string;
}

export interface ImportResult {
  zone: Record<string, unknown>;
  records: Record<string, unknown>[];
  skipped: SkippedRecord[];
  /** RR count that went into CRs (SOA and apex NS included). */
  imported: number;
}

const KIND_OF: Record<string, string> = {
  A: 'ARecord',
  AAAA: 'AAAARecord',
  CNAME: 'CNAMERecord',
  MX: 'MXRecord',
  TXT: 'TXTRecord',
  NS: 'NSRecord',
  SRV: 'SRVRecord',
  CAA: 'CAARecord',
};

/** A DNS-1123 label from arbitrary text (max 63; a hash suffix keeps truncated names unique). */
export function resourceName(text: string): string {
  let name = text
    .toLowerCase()
    .replace(/\*/g, 'wildcard')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!name) name = 'apex';
  if (name.length > 63)
    name = `${name.slice(0, 54).replace(/-+$/, '')}-${createHash('sha256').update(text).digest('hex').slice(0, 8)}`;
  return name;
}

function relativeOwner(owner: string, origin: string): string {
  if (owner === origin) return '@';
  if (owner.endsWith(`.${origin}`)) return owner.slice(0, -(origin.length + 1));
  return owner;
}

/**
 * A TXT RR as one `text` entry: its character-strings joined, presentation escapes (`\"`, `\\`, `\DDD`) kept as
 * written. TXT consumers (SPF, DKIM, DMARC) read the strings concatenated; bindy re-splits at 255 bytes on render.
 */
export function txtEntry(rdata: readonly Token[]): string {
  return rdata.map((t) => t.text).join('');
}

const fqdn = (name: string, origin: string) => {
  const lower = name.toLowerCase();
  if (lower === '@') return origin;
  return lower.endsWith('.') ? lower : `${lower}.${origin}`;
};

/** Maps a parsed zone to CR objects. Pure; the caller writes YAML. */
export function importZone(parsed: ParsedZone, opts: ImportOptions): ImportResult {
  const origin = opts.zone.toLowerCase().replace(/\.?$/, '.');
  const zoneName = origin.slice(0, -1);
  const zoneRef = opts.zoneResourceName ?? resourceName(zoneName.replace(/\./g, '-'));
  const meta = (name: string) => ({ name, ...(opts.namespace ? { namespace: opts.namespace } : {}) });
  const skipped: SkippedRecord[] = [];
  const used = new Set<string>();
  const uniqueName = (base: string) => {
    let name = resourceName(base);
    for (let n = 2; used.has(name); n++) name = resourceName(`${base}-${n}`);
    used.add(name);
    return name;
  };

  const zoneSpec: Record<string, unknown> = { zoneName, ...(opts.clusterRef ? { clusterRef: opts.clusterRef } : {}) };
  let imported = 0;
  const soa = parsed.records.find((r) => r.type === 'SOA' && r.owner === origin);
  if (soa && soa.rdata.length === 7) {
    const n = soa.rdata.map((t) => t.text);
    zoneSpec['soaRecord'] = {
      primaryNs: fqdn(n[0] as string, origin),
      adminEmail: fqdn(n[1] as string, origin),
      serial: Number(n[2]),
      refresh: Number(n[3]),
      retry: Number(n[4]),
      expire: Number(n[5]),
      negativeTtl: Number(n[6]),
      ttl: soa.ttl,
    };
    imported++;
  }
  const ttls = parsed.records.map((r) => r.ttl);
  if (ttls.length > 0) zoneSpec['ttl'] = mostCommon(ttls);
  const apexNs = parsed.records.filter((r) => r.type === 'NS' && r.owner === origin);
  if (apexNs.length > 0) {
    zoneSpec['nameServers'] = apexNs.map((r) => ({ hostname: fqdn((r.rdata[0] as Token).text, origin) }));
    imported += apexNs.length;
  }

  // Group list-valued kinds into RRsets (owner+type); keep file order for determinism.
  const records: Record<string, unknown>[] = [];
  const sets = new Map<string, ParsedRecord[]>();
  for (const r of parsed.records) {
    if (r.type === 'SOA' && r.owner === origin) continue;
    if (r.type === 'NS' && r.owner === origin) continue;
    const kind = KIND_OF[r.type];
    if (!kind && !isRecordType(r.type)) {
      skipped.push({ line: r.line, owner: r.owner, type: r.type, reason: notImportable(r.type) });
      continue;
    }
    if (!r.owner.endsWith(origin)) {
      skipped.push({ line: r.line, owner: r.owner, type: r.type, reason: `owner is outside zone ${zoneName}` });
      continue;
    }
    const key = `${r.owner} ${r.type}`;
    const list = sets.get(key) ?? [];
    list.push(r);
    sets.set(key, list);
  }
  for (const rrset of sets.values()) {
    const first = rrset[0] as ParsedRecord;
    const name = relativeOwner(first.owner, origin);
    const ttl = Math.min(...rrset.map((r) => r.ttl));
    if (!KIND_OF[first.type]) {
      // a newer type: each RR through the grammar, then its kind's fields, or one DNSRecordSet for the RRset
      const values: { r: ParsedRecord; data: string; rdata: Rdata }[] = [];
      for (const r of rrset) {
        const p = parseRecord(zoneName, { name, type: r.type, ttl: r.ttl, data: presentation(r, origin) });
        if (p.ok) values.push({ r, data: p.value.data, rdata: p.value.rdata });
        else
          skipped.push({
            line: r.line,
            owner: r.owner,
            type: r.type,
            reason: `cannot read ${r.type} data: ${p.message}`,
          });
      }
      const typed = values.map((v) => ({ v, cr: typedSpec(v.rdata) }));
      if (typed.length && typed.every((t) => t.cr)) {
        for (const { v, cr } of typed) {
          records.push({
            apiVersion: API_VERSION,
            kind: cr!.kind,
            metadata: meta(uniqueName(`${name === '@' ? 'apex' : name}-${first.type.toLowerCase()}`)),
            spec: { zoneRef, name, ttl: v.r.ttl, ...cr!.spec },
          });
          imported++;
        }
      } else if (values.length) {
        records.push({
          apiVersion: API_VERSION,
          kind: 'DNSRecordSet',
          metadata: meta(uniqueName(`${name === '@' ? 'apex' : name}-${first.type.toLowerCase()}`)),
          spec: { zoneRef, name, ttl, type: first.type, records: values.map((v) => v.data) },
        });
        imported += values.length;
      }
      continue;
    }
    const kind = KIND_OF[first.type] as string;
    const base = { apiVersion: API_VERSION, kind };
    const spec = (extra: Record<string, unknown>) => ({ zoneRef, name, ttl, ...extra });
    const crBase = `${name === '@' ? 'apex' : name}-${first.type.toLowerCase()}`;
    const data = (r: ParsedRecord) => r.rdata.map((t) => t.text);
    const problem = (r: ParsedRecord, reason: string) =>
      skipped.push({ line: r.line, owner: r.owner, type: r.type, reason });
    switch (first.type) {
      case 'A':
      case 'AAAA': {
        const field = first.type === 'A' ? 'ipv4Addresses' : 'ipv6Addresses';
        records.push({
          ...base,
          metadata: meta(uniqueName(crBase)),
          spec: spec({ [field]: rrset.map((r) => data(r)[0]) }),
        });
        imported += rrset.length;
        break;
      }
      case 'TXT':
        records.push({
          ...base,
          metadata: meta(uniqueName(crBase)),
          spec: spec({ text: rrset.map((r) => txtEntry(r.rdata)) }),
        });
        imported += rrset.length;
        break;
      default:
        for (const r of rrset) {
          const d = data(r);
          let extra: Record<string, unknown> | undefined;
          if (r.type === 'CNAME' && d.length === 1) extra = { target: fqdn(d[0] as string, origin) };
          else if (r.type === 'NS' && d.length === 1) extra = { nameserver: fqdn(d[0] as string, origin) };
          else if (r.type === 'MX' && d.length === 2)
            extra = { priority: Number(d[0]), mailServer: fqdn(d[1] as string, origin) };
          else if (r.type === 'SRV' && d.length === 4)
            extra = {
              priority: Number(d[0]),
              weight: Number(d[1]),
              port: Number(d[2]),
              target: d[3] === '.' ? '.' : fqdn(d[3] as string, origin),
            };
          else if (r.type === 'CAA' && d.length === 3)
            extra = { flags: Number(d[0]), tag: (d[1] as string).toLowerCase(), value: d[2] };
          if (!extra) {
            problem(r, `cannot read ${r.type} data "${d.join(' ')}"`);
            continue;
          }
          records.push({ ...base, metadata: meta(uniqueName(crBase)), spec: { ...spec(extra), ttl: r.ttl } });
          imported++;
        }
    }
  }
  const zone = { apiVersion: API_VERSION, kind: 'DNSZone', metadata: meta(zoneRef), spec: zoneSpec };
  return { zone, records, skipped, imported };
}

function mostCommon(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] as number;
}

/** The types named maintains in a signed zone (its dnssec-policy), never records a resource declares. */
const DNSSEC_MAINTAINED = new Set(['DNSKEY', 'RRSIG', 'NSEC', 'NSEC3', 'NSEC3PARAM', 'CDS', 'CDNSKEY']);

/** Why an RR of `type` is not imported. */
function notImportable(type: string): string {
  if (type === 'SOA') return 'an SOA below the apex is no zone data';
  if (DNSSEC_MAINTAINED.has(type))
    return `named maintains ${type} records itself in a signed zone: set the DNSZone's dnssecPolicy`;
  return `bindy has no grammar for type ${type}`;
}

/**
 * Which data tokens of a type are domain names, relative to the file's $ORIGIN unless they end with a dot: the name
 * parts of a table type (dns/rdata-fields.ts: each part before the rest-of-RDATA one is one token), SVCB/HTTPS's
 * TargetName, PTR's PTRDNAME.
 */
function namePositions(type: string): number[] {
  if (type === 'PTR') return [0];
  if (type === 'SVCB' || type === 'HTTPS') return [1];
  if (!isFieldType(type)) return [];
  const parts = FIELD_TYPES[type] as readonly (readonly [string, string])[];
  return parts.flatMap(([, kind], i) => (kind === 'name' || kind === 'target' || kind === 'host' ? [i] : []));
}

/** An RR's data as presentation text with every relative name made absolute (quoted tokens kept as written). */
function presentation(r: ParsedRecord, origin: string): string {
  const names = new Set(namePositions(r.type));
  let text = '';
  r.rdata.forEach((t, i) => {
    const tok = t.quoted ? `"${t.text}"` : names.has(i) && t.text !== '.' ? fqdn(t.text, origin) : t.text;
    // an SvcParam's quoted value is one token with its key (alpn="h3,h2"): the tokenizer split them at the quote
    text += i === 0 ? tok : t.quoted && text.endsWith('=') ? tok : ` ${tok}`;
  });
  return text;
}

/** A printable-ASCII/UTF-8 string a CR field holds literally, when the octets are one. */
function literal(b: Buffer): string | undefined {
  const s = b.toString('utf8');
  return Buffer.from(s, 'utf8').equals(b) && !/[\x00-\x1f\x7f]/.test(s) ? s : undefined;
}

/** A value as its kind's spec fields (hooks/zone/records.ts reads them back), or undefined when the kind cannot say it. */
function typedSpec(r: Rdata): { kind: string; spec: Record<string, unknown> } | undefined {
  const hex = (b: Buffer) => b.toString('hex');
  switch (r.type) {
    case 'PTR':
      return { kind: 'PTRRecord', spec: { ptrdname: r.target } };
    case 'DNAME':
      return { kind: 'DNAMERecord', spec: { target: r.target } };
    case 'LOC': {
      // the canonical presentation's parts are the kind's fields (RFC 1876 §3)
      const t = formatLoc(r).split(' ');
      return {
        kind: 'LOCRecord',
        spec: {
          latitude: t.slice(0, 4).join(' '),
          longitude: t.slice(4, 8).join(' '),
          altitude: t[8],
          size: t[9],
          horizontalPrecision: t[10],
          verticalPrecision: t[11],
        },
      };
    }
    case 'TLSA':
      return {
        kind: 'TLSARecord',
        spec: {
          usage: r.usage,
          selector: r.selector,
          matchingType: r.matchingType,
          certificateData: hex(r.certificateData),
        },
      };
    case 'SSHFP':
      return {
        kind: 'SSHFPRecord',
        spec: { algorithm: r.algorithm, fingerprintType: r.fingerprintType, fingerprint: hex(r.fingerprint) },
      };
    case 'DS':
      return {
        kind: 'DSRecord',
        spec: { keyTag: r.keyTag, algorithm: r.algorithm, digestType: r.digestType, digest: hex(r.digest) },
      };
    case 'NAPTR': {
      const [flags, services, regexp] = [literal(r.flags), literal(r.services), literal(r.regexp)];
      if (flags === undefined || services === undefined || regexp === undefined) return undefined;
      return {
        kind: 'NAPTRRecord',
        spec: {
          order: r.order,
          preference: r.preference,
          ...(flags ? { flags } : {}),
          ...(services ? { services } : {}),
          ...(regexp ? { regexp } : {}),
          ...(r.replacement !== '.' ? { replacement: r.replacement } : {}),
        },
      };
    }
    case 'SVCB':
    case 'HTTPS': {
      const params: Record<string, unknown> = {};
      for (const p of r.params) {
        const v = p.value;
        switch (p.key) {
          case SVC_KEYS.mandatory: {
            const keys: string[] = [];
            for (let i = 0; i < v.length; i += 2) keys.push(svcKeyName(v.readUInt16BE(i)));
            if (keys.some((k) => k.startsWith('key') || k === 'mandatory')) return undefined;
            params['mandatory'] = keys;
            break;
          }
          case SVC_KEYS.alpn: {
            const ids: string[] = [];
            for (let i = 0; i < v.length; i += 1 + v[i]!) {
              const id = literal(v.subarray(i + 1, i + 1 + v[i]!));
              if (id === undefined || !/^[\x21-\x7e]+$/.test(id)) return undefined;
              ids.push(id);
            }
            params['alpn'] = ids;
            break;
          }
          case SVC_KEYS['no-default-alpn']:
            params['noDefaultAlpn'] = true;
            break;
          case SVC_KEYS.port:
            params['port'] = v.readUInt16BE(0);
            break;
          case SVC_KEYS.ipv4hint:
            params['ipv4hint'] = ipv4Hints(v);
            break;
          case SVC_KEYS.ipv6hint:
            params['ipv6hint'] = ipv6Hints(v);
            break;
          case SVC_KEYS.ech:
            params['ech'] = formatBase64(v);
            break;
          case SVC_KEYS.dohpath: {
            const path = literal(v);
            if (path === undefined || !/^\/[\x21-\x7e]*$/.test(path)) return undefined;
            params['dohpath'] = path;
            break;
          }
          default:
            return undefined; // a key the kind has no field for: the RRset is a DNSRecordSet
        }
      }
      return {
        kind: r.type === 'SVCB' ? 'SVCBRecord' : 'HTTPSRecord',
        spec: { priority: r.priority, target: r.target, ...(r.params.length ? { params } : {}) },
      };
    }
    default:
      return undefined;
  }
}
