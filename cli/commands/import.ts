/**
 * `bindy import ZONEFILE --zone NAME [--namespace NS] [-o DIR] [--output json]`, and from PowerDNS:
 * `--powerdns-operator PATH` (its Zone/ClusterZone/RRset/ClusterRRset manifests) or `--powerdns-api URL --zone NAME`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importZone, type SkippedRecord } from '../import.js';
import {
  importPowerDnsOperator,
  importPowerDnsZone,
  isPowerDnsOperatorObject,
  PDNS_OPERATOR_API,
  zoneFolder,
  type ImportedZone,
} from '../import-powerdns.js';
import { readManifests } from '../manifests.js';
import { createPowerDnsClient } from '../../hooks/ports/powerdns.js';
import { powerDnsServerUrl } from '../../hooks/zone/select.js';
import { toYamlDocs } from '../output.js';
import { parseZoneFile } from '../zone-parser.js';
import type { CommandResult, Io } from './types.js';

export const IMPORT_HELP = `Usage: bindy import ZONEFILE --zone NAME [--namespace NS] [--cluster-ref NAME] [-o DIR] [--output json]
       bindy import --powerdns-operator PATH [--namespace NS] [--powerdns-server-ref NAME] [...]
       bindy import --powerdns-api URL --api-key KEY [--server-id ID] --zone NAME [...]

Turns a BIND zone file ($ORIGIN, $TTL, relative names, multi-string TXT, comments)
into a DNSZone and record resources: a kind per type where one exists, else a
DNSRecordSet. What cannot be imported (a type bindy has no grammar for, the DNSSEC
records named maintains, data the grammar refuses) is listed as skipped with the
reason, never dropped silently. The same from PowerDNS: a zone read from its API, or
the PowerDNS Operator's manifests (Zone, ClusterZone, RRset, ClusterRRset of
dns.cav.enablers.ob/v1alpha2), one DNSZone per Zone; the operator's fields bindy has
no field for are named in notes.

  --zone NAME        the zone's name (the file's origin; the zone to read from the API)
  --namespace NS     set metadata.namespace on every object (from the operator: of
                     the zones of ClusterZones; a Zone keeps its own namespace)
  --cluster-ref NAME place the zone on this Bind9Cluster / ClusterBind9Provider
                     (without it, set spec.clusterRef or bind9InstancesFrom before applying)
  --powerdns-operator PATH   a file or folder (read recursively) of the operator's manifests
  --powerdns-api URL         a PowerDNS API (a PowerDNSServer's spec.apiUrl) to read --zone from
  --api-key KEY              its API key (or $PDNS_API_KEY)
  --server-id ID             its server id (default localhost)
  --powerdns-server-ref NAME place the zones on this PowerDNSServer / ClusterPowerDNSServer
  -o, --out DIR      write DIR/zone.yaml and DIR/records.yaml instead of printing YAML
                     (several zones: DIR/<zone>/zone.yaml and records.yaml)
  --output json      print a JSON summary (objects, skipped, problems) for machines
`;

export function runImport(
  args: { file?: string; zone?: string; namespace?: string; clusterRef?: string; out?: string; json: boolean },
  io: Io,
): CommandResult {
  if (!args.file) return io.usageError('import: ZONEFILE is required', IMPORT_HELP);
  if (!args.zone) return io.usageError('import: --zone NAME is required', IMPORT_HELP);
  const text = readFileSync(args.file, 'utf8');
  const parsed = parseZoneFile(text, args.zone);
  io.progress(`parsed ${parsed.records.length} records from ${args.file}`);
  const result = importZone(parsed, {
    zone: args.zone,
    ...(args.namespace ? { namespace: args.namespace } : {}),
    ...(args.clusterRef ? { clusterRef: args.clusterRef } : {}),
  });
  const objects = [result.zone, ...result.records];
  io.progress(`mapped to ${objects.length} objects (${result.skipped.length} records skipped)`);
  const onProgress = (done: number) => io.progress(`rendered ${done}/${result.records.length} record objects as YAML`);
  if (args.out) {
    mkdirSync(args.out, { recursive: true });
    writeFileSync(join(args.out, 'zone.yaml'), toYamlDocs([result.zone]));
    writeFileSync(join(args.out, 'records.yaml'), toYamlDocs(result.records, onProgress));
    io.progress(`wrote ${objects.length} objects to ${args.out}`);
  }
  if (args.json) {
    io.out(
      JSON.stringify(
        {
          objects: args.out ? objects.length : objects,
          imported: result.imported,
          skipped: result.skipped,
          problems: parsed.problems,
        },
        null,
        2,
      ),
    );
  } else {
    if (!args.out) io.out(toYamlDocs(objects, onProgress).trimEnd());
    for (const p of parsed.problems) io.err(`${args.file}:${p.line}: ${p.message}`);
    for (const s of result.skipped) io.err(`${args.file}:${s.line}: skipped ${s.owner} ${s.type}: ${s.reason}`);
    if (!args.clusterRef)
      io.err(
        'note: the DNSZone has no placement yet: set spec.clusterRef (or pass --cluster-ref NAME) before applying',
      );
    io.err(
      `imported ${result.imported} RRs into ${objects.length} objects; skipped ${result.skipped.length}; problems ${parsed.problems.length}`,
    );
  }
  return { code: parsed.problems.length > 0 ? 1 : 0 };
}

/** What `bindy import` takes from PowerDNS (one of `operator` and `powerdnsApi`). */
export interface PowerDnsImportArgs {
  /** A file or folder of the PowerDNS Operator's manifests. */
  operator?: string;
  /** A PowerDNS API to read `zone` from. */
  powerdnsApi?: string;
  apiKey?: string;
  serverId?: string;
  zone?: string;
  namespace?: string;
  powerDnsServerRef?: string;
  clusterRef?: string;
  out?: string;
  json: boolean;
}

/** `bindy import --powerdns-operator PATH …` / `bindy import --powerdns-api URL --zone NAME …`. */
export async function runImportPowerDns(args: PowerDnsImportArgs, io: Io): Promise<CommandResult> {
  const opts = {
    ...(args.namespace ? { namespace: args.namespace } : {}),
    ...(args.powerDnsServerRef ? { powerDnsServerRef: args.powerDnsServerRef } : {}),
    ...(args.clusterRef ? { clusterRef: args.clusterRef } : {}),
  };
  let zones: ImportedZone[];
  let skipped: SkippedRecord[] = [];
  let source: string;
  if (args.operator) {
    source = args.operator;
    const docs = readManifests(args.operator, { recursive: true });
    for (const d of docs) for (const e of d.errors) io.err(`${d.file}#${d.index + 1}: ${e}`);
    const found = docs.filter((d) => isPowerDnsOperatorObject(d.object));
    io.progress(`read ${found.length} PowerDNS Operator objects from ${args.operator}`);
    if (!found.length) {
      io.err(`import: no Zone, ClusterZone, RRset or ClusterRRset of ${PDNS_OPERATOR_API} in ${args.operator}`);
      return { code: 1 };
    }
    ({ zones, skipped } = importPowerDnsOperator(
      found.map((d) => d.object),
      opts,
    ));
  } else {
    if (!args.zone) return io.usageError('import: --powerdns-api needs --zone NAME', IMPORT_HELP);
    if (!args.apiKey)
      return io.usageError('import: --powerdns-api needs --api-key KEY (or $PDNS_API_KEY)', IMPORT_HELP);
    if (!/^https?:\/\/[^\s/]+/.test(args.powerdnsApi!))
      return io.usageError(`import: --powerdns-api must be an http(s) URL, got "${args.powerdnsApi}"`, IMPORT_HELP);
    const conn = {
      serverUrl: powerDnsServerUrl({ apiUrl: args.powerdnsApi!, serverId: args.serverId ?? 'localhost' }),
      apiKey: args.apiKey,
      keySource: '--api-key',
    };
    source = `${conn.serverUrl} zone ${args.zone}`;
    const rrsets = await createPowerDnsClient({ attempts: 2 }).readRRsets(conn, args.zone);
    if (!rrsets.ok) {
      io.err(`import: ${rrsets.error.message}`);
      return { code: 1 };
    }
    if (!rrsets.rrsets) {
      io.err(`import: PowerDNS at ${conn.serverUrl} has no zone ${args.zone}`);
      return { code: 1 };
    }
    zones = [importPowerDnsZone(args.zone, rrsets.rrsets, opts)];
  }
  const objects = zones.flatMap((z) => [z.result.zone, ...z.result.records]);
  const problems = zones.flatMap((z) => z.problems.map((p) => `zone ${z.zone}: line ${p.line}: ${p.message}`));
  if (args.out) {
    for (const z of zones) {
      const dir = zones.length > 1 ? join(args.out, zoneFolder(z)) : args.out;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'zone.yaml'), toYamlDocs([z.result.zone]));
      writeFileSync(join(dir, 'records.yaml'), toYamlDocs(z.result.records));
    }
    io.progress(`wrote ${objects.length} objects to ${args.out}`);
  }
  const allSkipped = [...skipped, ...zones.flatMap((z) => z.result.skipped.map((s) => ({ ...s, zone: z.zone })))];
  if (args.json) {
    io.out(
      JSON.stringify(
        {
          objects: args.out ? objects.length : objects,
          zones: zones.map((z) => ({ zone: z.zone, imported: z.result.imported, notes: z.notes })),
          skipped: allSkipped,
          problems,
        },
        null,
        2,
      ),
    );
  } else {
    if (!args.out) io.out(toYamlDocs(objects).trimEnd());
    for (const p of problems) io.err(p);
    for (const z of zones) for (const n of z.notes) io.err(`note: ${n}`);
    for (const s of allSkipped) io.err(`skipped ${s.owner} ${s.type}: ${s.reason}`);
    if (!args.powerDnsServerRef && !args.clusterRef)
      io.err(
        'note: the DNSZones have no placement yet: pass --powerdns-server-ref NAME (or --cluster-ref NAME), or set it before applying',
      );
    io.err(
      `imported ${zones.reduce((n, z) => n + z.result.imported, 0)} RRs of ${zones.length} zones from ${source} into ${objects.length} objects; skipped ${allSkipped.length}; problems ${problems.length}`,
    );
  }
  return { code: problems.length > 0 ? 1 : 0 };
}
