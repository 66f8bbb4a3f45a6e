/**
 * `bindy import`: a parsed zone file → one DNSZone plus record CRs that render back to the same RRsets.
 * One CR per RRset for A/AAAA/TXT (their specs hold lists), one per RR for the single-valued kinds.
 * Types without a record kind are returned in `skipped`, never dropped silently.
 */
import { createHash } from 'node:crypto';
import type { ParsedRecord, ParsedZone, Token } from './zone-parser.js';
import { API_VERSION } from '../hooks/schema/generated.js';

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
    if (!kind) {
      skipped.push({ line: r.line, owner: r.owner, type: r.type, reason: `no record kind for type ${r.type}` });
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
    const kind = KIND_OF[first.type] as string;
    const ttl = Math.min(...rrset.map((r) => r.ttl));
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
