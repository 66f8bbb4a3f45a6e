/**
 * `bindy import` from PowerDNS: a zone read from a PowerDNS server's API, or the PowerDNS Operator's own manifests
 * (Zone, ClusterZone, RRset, ClusterRRset of `dns.cav.enablers.ob/v1alpha2`), into a DNSZone and record resources,
 * so a zone moves to bindy — served by the same PowerDNS server through bindy, or by BIND, or by both.
 *
 * Both go through the zone-file import (cli/import.ts): PowerDNS content is presentation text with absolute names,
 * so each RRset becomes zone-file lines and the one grammar reads them; what it cannot read is skipped with the
 * reason. The PowerDNS Operator's fields without a bindy field are named in `notes`, never dropped silently: a zone's
 * `kind` and `soa_edit_api` are the PowerDNSServer's `zoneKind` and `soaEditApi` in bindy (one per server), `catalog`
 * and RRset `comment` have no equivalent, and a Slave, Producer or Consumer zone is not one bindy declares.
 * The operator's API: its api/v1alpha2/*_types.go (github.com/powerdns-operator/powerdns-operator); the fixtures in
 * test/fixtures/powerdns-operator/ follow those shapes.
 */
import type { PdnsRRset } from '../dns/powerdns.js';
import { importZone, resourceName, type ImportResult, type SkippedRecord } from './import.js';
import { parseZoneFile, type ParseProblem } from './zone-parser.js';

/** The PowerDNS Operator's API group and version. */
export const PDNS_OPERATOR_API = 'dns.cav.enablers.ob/v1alpha2';

export interface PowerDnsImportOptions {
  /** metadata.namespace of the DNSZones of cluster-scoped zones (ClusterZone), and of every object with `force`. */
  namespace?: string;
  /** spec.powerDnsServerRef of every DNSZone (the PowerDNSServer or ClusterPowerDNSServer that serves it now). */
  powerDnsServerRef?: string;
  /** spec.clusterRef of every DNSZone (BIND as well, or instead). */
  clusterRef?: string;
}

/** One zone imported: its objects, and what did not come along. */
export interface ImportedZone {
  zone: string;
  result: ImportResult;
  problems: ParseProblem[];
  /** Fields of the source without a bindy field, and records left out before the grammar saw them. */
  notes: string[];
}

/** An RRset's records as zone-file lines (`owner ttl IN TYPE content`); disabled records are left out (noted). */
function zoneLines(rrsets: readonly PdnsRRset[], notes: string[]): string[] {
  const lines: string[] = [];
  for (const s of rrsets) {
    for (const r of s.records) {
      if (r.disabled) {
        notes.push(`${s.name} ${s.type} "${r.content}" is disabled in PowerDNS (stored, not served): not imported`);
        continue;
      }
      lines.push(`${s.name} ${s.ttl} IN ${s.type} ${r.content}`);
    }
  }
  return lines;
}

/** Placement and namespace of an imported DNSZone. */
function place(result: ImportResult, opts: PowerDnsImportOptions, namespace: string | undefined): ImportResult {
  const spec = result.zone['spec'] as Record<string, unknown>;
  if (opts.powerDnsServerRef) spec['powerDnsServerRef'] = opts.powerDnsServerRef;
  const setNs = (o: Record<string, unknown>) => {
    const meta = o['metadata'] as Record<string, unknown>;
    if (namespace) meta['namespace'] = namespace;
    else delete meta['namespace'];
  };
  setNs(result.zone);
  for (const r of result.records) setNs(r);
  return result;
}

/** A zone as `GET /zones/{zone}` returns it (with rrsets) → bindy resources. */
export function importPowerDnsZone(
  zone: string,
  rrsets: readonly PdnsRRset[],
  opts: PowerDnsImportOptions,
): ImportedZone {
  const z = zone.toLowerCase().replace(/\.$/, '');
  const notes: string[] = [];
  const parsed = parseZoneFile(`$ORIGIN ${z}.\n${zoneLines(rrsets, notes).join('\n')}\n`, z);
  const result = importZone(parsed, {
    zone: z,
    ...(opts.namespace ? { namespace: opts.namespace } : {}),
    ...(opts.clusterRef ? { clusterRef: opts.clusterRef } : {}),
  });
  return { zone: z, result: place(result, opts, opts.namespace), problems: parsed.problems, notes };
}

interface OperatorObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: Record<string, unknown>;
}

/** Whether a document is one of the PowerDNS Operator's four kinds. */
export function isPowerDnsOperatorObject(o: unknown): boolean {
  const x = o as OperatorObject | null;
  return (
    !!x &&
    typeof x === 'object' &&
    x.apiVersion === PDNS_OPERATOR_API &&
    ['Zone', 'ClusterZone', 'RRset', 'ClusterRRset'].includes(x.kind ?? '')
  );
}

/** The operator's RRset name (`www`, or an FQDN with the dot; no `@`) as an absolute owner. */
function ownerOf(name: string, zone: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n : `${n}.${zone}.`;
}

/**
 * The PowerDNS Operator's manifests → one {@link ImportedZone} per Zone/ClusterZone, with the RRsets and
 * ClusterRRsets that reference it; RRsets whose zone is not among the documents are skipped (named).
 */
export function importPowerDnsOperator(
  docs: readonly unknown[],
  opts: PowerDnsImportOptions,
): { zones: ImportedZone[]; skipped: SkippedRecord[] } {
  const objects = docs.filter(isPowerDnsOperatorObject) as OperatorObject[];
  const zones = objects.filter((o) => o.kind === 'Zone' || o.kind === 'ClusterZone');
  const key = (kind: string, ns: string | undefined, name: string) =>
    kind === 'ClusterZone' ? `ClusterZone/${name}` : `Zone/${ns ?? ''}/${name}`;
  const rrsetsOf = new Map<string, OperatorObject[]>();
  const skipped: SkippedRecord[] = [];
  for (const r of objects.filter((o) => o.kind === 'RRset' || o.kind === 'ClusterRRset')) {
    const ref = r.spec?.['zoneRef'] as { name?: string; kind?: string } | undefined;
    // an RRset finds a Zone in its own namespace or a ClusterZone; a ClusterRRset looks up cluster-wide only
    const k =
      ref?.kind === 'ClusterZone' || r.kind === 'ClusterRRset'
        ? `ClusterZone/${ref?.name ?? ''}`
        : `Zone/${r.metadata?.namespace ?? ''}/${ref?.name ?? ''}`;
    if (!zones.some((z) => key(z.kind!, z.metadata?.namespace, z.metadata?.name ?? '') === k)) {
      skipped.push({
        line: 0,
        owner: String(r.spec?.['name'] ?? r.metadata?.name ?? ''),
        type: String(r.spec?.['type'] ?? ''),
        reason: `${r.kind} ${r.metadata?.namespace ? `${r.metadata.namespace}/` : ''}${r.metadata?.name}: its zone ${ref?.kind ?? 'Zone'} ${ref?.name ?? '?'} is not among the documents`,
      });
      continue;
    }
    rrsetsOf.set(k, [...(rrsetsOf.get(k) ?? []), r]);
  }
  const out: ImportedZone[] = [];
  for (const z of zones) {
    const name = (z.metadata?.name ?? '').toLowerCase().replace(/\.$/, '');
    const spec = z.spec ?? {};
    const notes: string[] = [];
    const what = `${z.kind} ${z.metadata?.namespace ? `${z.metadata.namespace}/` : ''}${name}`;
    const kind = spec['kind'];
    if (kind === 'Slave' || kind === 'Producer' || kind === 'Consumer')
      notes.push(`${what} is a ${kind} zone in PowerDNS: bindy declares primary zones only; its records are imported`);
    else if (kind === 'Master' || kind === 'Native')
      notes.push(`${what}: kind ${kind} is the PowerDNSServer's spec.zoneKind in bindy (one per server)`);
    if (spec['soa_edit_api'] !== undefined)
      notes.push(
        `${what}: soa_edit_api ${String(spec['soa_edit_api'])} is the PowerDNSServer's spec.soaEditApi in bindy (default OFF: bindy numbers the serial)`,
      );
    else
      notes.push(
        `${what}: the operator's default soa_edit_api is DEFAULT; bindy's PowerDNSServer defaults to OFF (spec.soaEditApi)`,
      );
    if (spec['catalog'] !== undefined)
      notes.push(`${what}: catalog ${String(spec['catalog'])} has no bindy field: the zone is not added to it`);
    const sets: PdnsRRset[] = [];
    const nameservers = Array.isArray(spec['nameservers']) ? (spec['nameservers'] as unknown[]).map(String) : [];
    const rrsets = rrsetsOf.get(key(z.kind!, z.metadata?.namespace, z.metadata?.name ?? '')) ?? [];
    const apexNs = rrsets.some(
      (r) => String(r.spec?.['type']).toUpperCase() === 'NS' && ownerOf(String(r.spec?.['name']), name) === `${name}.`,
    );
    // the operator creates the apex NS from spec.nameservers (no trailing dot there), TTL 1500 unless one is kept
    if (nameservers.length && !apexNs)
      sets.push({
        name: `${name}.`,
        type: 'NS',
        ttl: 1500,
        records: nameservers.map((n) => ({ content: n.endsWith('.') ? n : `${n}.` })),
      });
    for (const r of rrsets) {
      const s = r.spec ?? {};
      if (s['comment'] !== undefined)
        notes.push(`${r.kind} ${r.metadata?.name}: comment "${String(s['comment'])}" has no bindy field`);
      sets.push({
        name: ownerOf(String(s['name'] ?? ''), name),
        type: String(s['type'] ?? '').toUpperCase(),
        ttl: Number(s['ttl'] ?? 3600),
        records: (Array.isArray(s['records']) ? (s['records'] as unknown[]) : []).map((c) => ({ content: String(c) })),
      });
    }
    const ns = z.kind === 'Zone' ? (z.metadata?.namespace ?? opts.namespace) : opts.namespace;
    const imported = importPowerDnsZone(name, sets, { ...opts, ...(ns ? { namespace: ns } : {}) });
    if (z.kind === 'ClusterZone' && !opts.namespace)
      notes.push(`${what} is cluster-scoped; its DNSZone has no namespace (pass --namespace NS)`);
    out.push({ ...imported, notes: [...notes, ...imported.notes] });
  }
  return { zones: out, skipped };
}

/** The folder an imported zone's YAML goes to under `-o DIR`. */
export function zoneFolder(z: ImportedZone): string {
  return resourceName(z.zone.replace(/\./g, '-'));
}
