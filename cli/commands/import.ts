/** `bindy import ZONEFILE --zone NAME [--namespace NS] [-o DIR] [--output json]` */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importZone } from '../import.js';
import { toYamlDocs } from '../output.js';
import { parseZoneFile } from '../zone-parser.js';
import type { CommandResult, Io } from './types.js';

export const IMPORT_HELP = `Usage: bindy import ZONEFILE --zone NAME [--namespace NS] [--cluster-ref NAME] [-o DIR] [--output json]

Turns a BIND zone file ($ORIGIN, $TTL, relative names, multi-string TXT, comments)
into a DNSZone and record resources: a kind per type where one exists, else a
DNSRecordSet. What cannot be imported (a type bindy has no grammar for, the DNSSEC
records named maintains, data the grammar refuses) is listed as skipped with the
reason, never dropped silently.

  --zone NAME        the zone's name (the file's origin)
  --namespace NS     set metadata.namespace on every object
  --cluster-ref NAME place the zone on this Bind9Cluster / ClusterBind9Provider
                     (without it, set spec.clusterRef or bind9InstancesFrom before applying)
  -o, --out DIR      write DIR/zone.yaml and DIR/records.yaml instead of printing YAML
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
