/** `bindy render -f DIR [-o OUT] [--output json]`: zone files and named.conf exactly as the hooks produce them. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkNamedConf, checkZone, renderFolder } from '../render.js';
import type { StoredObject } from '../../local/store.js';
import { isBindyObject, readManifests } from '../manifests.js';
import type { CommandResult, Io } from './types.js';
import { validateDocs } from './validate.js';
import { prepareOutFolder } from '../user-errors.js';

export const RENDER_HELP = `Usage: bindy render -f DIR [-o OUT] [--primary-address ADDR] [--output json]

Renders what the hooks would produce for the objects in DIR: one zone file per DNSZone
(the exact text bindcar writes) and named.conf + rndc.conf per Bind9Instance. Each is
checked with named-checkzone -k fail / named-checkconf when BIND's tools are installed.
Without -o the files are printed; with -o they are written to OUT/zones/<zone>.zone and
OUT/instances/<namespace>/<instance>/<file>. Exit code 1 on invalid input or a failed check.

  -f, --file DIR           folder of manifests
  -o, --out OUT            write the files into OUT (an existing writable folder, or a new one inside one)
  --primary-address ADDR   the DNS address of the zones' primaries, for default name-server glue (in a
                           cluster it comes from the instances; offline nothing else knows it)
  --output json            print the result as JSON
`;

const hasBindTools = () => {
  try {
    execFileSync('which', ['named-checkzone'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

export async function runRender(
  args: { dir?: string; out?: string; json: boolean; root: string; primaryAddress?: string },
  io: Io,
): Promise<CommandResult> {
  if (!args.dir) return io.usageError('render: -f DIR is required', RENDER_HELP);
  // Checked before any work: a target that cannot be written is a message, not a hang or a stack trace.
  const out = args.out ? prepareOutFolder('-o', args.out) : undefined;
  const docs = readManifests(args.dir);
  const report = validateDocs(docs);
  if (report.errors.length > 0) {
    for (const e of report.errors)
      io.err(
        `error: ${e.file}#${e.doc}${e.object ? ` ${e.object}` : ''}: ${e.field ? `${e.field}: ` : ''}${e.message}`,
      );
    return { code: 1 };
  }
  const objects = docs.filter((d) => isBindyObject(d.object)).map((d) => d.object as StoredObject);
  const result = await renderFolder(
    objects,
    args.root,
    args.primaryAddress ? { primaryAddress: args.primaryAddress } : {},
  );
  const checks = hasBindTools();
  const failures: string[] = [...result.problems];
  const zoneChecks = await Promise.all(result.zones.map((z) => (checks ? checkZone(z) : Promise.resolve(undefined))));
  const confChecks = await Promise.all(
    result.instances.map((i) => (checks ? checkNamedConf(i) : Promise.resolve(undefined))),
  );
  result.zones.forEach(
    (z, i) => zoneChecks[i] && failures.push(`zone ${z.zoneName}: named-checkzone: ${zoneChecks[i]}`),
  );
  result.instances.forEach(
    (inst, i) => confChecks[i] && failures.push(`instance ${inst.source}: named-checkconf: ${confChecks[i]}`),
  );
  if (!checks)
    io.err(
      'note: BIND tools not installed; zone files and named.conf were not checked (apt-get install -y bind9-utils)',
    );

  if (out) {
    for (const z of result.zones) {
      mkdirIfMissing(join(out, 'zones'));
      writeFileSync(join(out, 'zones', `${z.zoneName}.zone`), z.text);
    }
    for (const inst of result.instances) {
      let dir = join(out, 'instances');
      mkdirIfMissing(dir);
      for (const part of inst.source.split('/')) mkdirIfMissing((dir = join(dir, part)));
      for (const [name, text] of Object.entries(inst.files)) writeFileSync(join(dir, name), text);
    }
  }
  if (args.json) {
    io.out(
      JSON.stringify(
        {
          zones: result.zones.map((z) => ({
            zone: z.zoneName,
            source: z.source,
            serial: z.serial,
            excluded: z.excluded,
            ...(args.out ? {} : { text: z.text }),
          })),
          instances: result.instances.map((i) => ({
            source: i.source,
            files: args.out ? Object.keys(i.files) : i.files,
          })),
          checked: checks,
          failures,
        },
        null,
        2,
      ),
    );
  } else {
    if (!args.out) {
      for (const z of result.zones) io.out(`; ---- zone ${z.zoneName} (${z.source}) ----\n${z.text}`);
      for (const inst of result.instances)
        for (const [name, text] of Object.entries(inst.files)) io.out(`# ---- ${inst.source} ${name} ----\n${text}`);
    }
    for (const z of result.zones) for (const e of z.excluded) io.err(`zone ${z.zoneName}: excluded ${e}`);
    for (const f of failures) io.err(`error: ${f}`);
    io.err(
      `rendered ${result.zones.length} zones and ${result.instances.length} instances${checks ? `, ${failures.length ? 'checks FAILED' : 'all checks passed'}` : ''}${args.out ? ` into ${args.out}` : ''}`,
    );
  }
  return { code: failures.length > 0 ? 1 : 0 };
}

/** One level at a time, inside the folder {@link prepareOutFolder} checked. */
function mkdirIfMissing(dir: string): void {
  if (!existsSync(dir)) mkdirSync(dir);
}
