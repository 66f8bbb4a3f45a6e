/** `bindy validate -f DIR [--output json]`: schema + CEL-equivalent checks for every manifest, then the zone rules. */
import { validateObject } from '../../hooks/schema/cel.js';
import { isBindyObject, readManifests, type ManifestDoc } from '../manifests.js';
import type { CommandResult, Io } from './types.js';
import { PRIMARY_ADDRESS_HINT, renderZones } from '../render.js';
import type { StoredObject } from '../../local/store.js';

export const VALIDATE_HELP = `Usage: bindy validate -f DIR [-R] [--output json]

Checks every bindy object in the YAML files in DIR (and its subfolders with -R) against the CRD schemas and
the CEL rules the apiserver runs, plus references between objects; then runs the zone rules the hooks and
bindcar apply (CNAME conflicts, NS/MX/SRV targets, RRset size, glue) on the zones the DNSZone hook would build.
Errors name the file, the document, the object and the field. Exit code 0 when valid, 1 otherwise.
`;

export interface Finding {
  file: string;
  /** 1-based document number in the file. */
  doc: number;
  object?: string;
  field?: string;
  message: string;
}

export interface ValidationReport {
  objects: number;
  errors: Finding[];
  warnings: Finding[];
  skipped: Finding[];
}

const label = (o: { kind: string; metadata: { name: string; namespace?: string } }) =>
  `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

/** Validates parsed documents; pure, so render/plan/up reuse it before doing anything. */
export function validateDocs(docs: readonly ManifestDoc[]): ValidationReport {
  const report: ValidationReport = { objects: 0, errors: [], warnings: [], skipped: [] };
  const seen = new Map<string, string>();
  const zones = new Set<string>();
  const zoneRefs: { finding: Finding; key: string }[] = [];
  for (const d of docs) {
    const where = { file: d.file, doc: d.index + 1 };
    if (d.errors.length > 0) {
      for (const message of d.errors) report.errors.push({ ...where, message: `YAML: ${message}` });
      continue;
    }
    const o = d.object;
    if (o === null || o === undefined) continue;
    if (!isBindyObject(o)) {
      const kind = (o as { kind?: unknown }).kind;
      report.skipped.push({
        ...where,
        message:
          typeof kind === 'string'
            ? `not a bindy.firestoned.io object (kind ${kind})`
            : 'not a Kubernetes object (no apiVersion/kind)',
      });
      continue;
    }
    report.objects++;
    const name = typeof o.metadata?.name === 'string' ? label(o) : `${o.kind}/<no name>`;
    for (const e of validateObject(o)) {
      const message = e.message.startsWith(`${e.field}: `) ? e.message.slice(e.field.length + 2) : e.message;
      report.errors.push({ ...where, object: name, field: e.field, message });
    }
    const key = `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
    const first = seen.get(key);
    if (first) {
      report.warnings.push({
        ...where,
        object: name,
        field: 'metadata.name',
        message: `also defined in ${first}; applied in order, the later definition wins`,
      });
    } else seen.set(key, `${d.file}#${d.index + 1}`);
    if (o.kind === 'DNSZone') zones.add(`${o.metadata?.namespace ?? ''}/${o.metadata?.name}`);
    const zoneRef = (o as { spec?: { zoneRef?: unknown } }).spec?.zoneRef;
    if (o.kind.endsWith('Record') && typeof zoneRef === 'string') {
      zoneRefs.push({
        key: `${o.metadata?.namespace ?? ''}/${zoneRef}`,
        finding: {
          ...where,
          object: name,
          field: 'spec.zoneRef',
          message: `no DNSZone named "${zoneRef}" in this folder`,
        },
      });
    }
  }
  for (const ref of zoneRefs) if (!zones.has(ref.key)) report.warnings.push(ref.finding);
  return report;
}

const line = (f: Finding) =>
  `${f.file}#${f.doc}${f.object ? ` ${f.object}` : ''}: ${f.field ? `${f.field}: ` : ''}${f.message}`;

/** The reasons a record is left out of its zone that a fix to the folder can change (not NotSelected & co.). */
const RECORD_ERRORS = new Set(['InvalidRecord', 'Conflict', 'OutOfZone', 'Unmanaged']);

/**
 * What the stack would do with the folder's zones, from the DNSZone hook's own plan (cli/render.ts): every record
 * the zone rules leave out is an error at its document, in the words its status would carry (a served record's
 * warning, a warning); a zone that cannot
 * be built is an error at the DNSZone, except one that only lacks its primaries' address (a note with the hint).
 */
async function zoneFindings(
  docs: readonly ManifestDoc[],
): Promise<{ errors: Finding[]; warnings: Finding[]; notes: string[] }> {
  const where = new Map<string, ManifestDoc>();
  const objects: StoredObject[] = [];
  for (const d of docs) {
    if (!isBindyObject(d.object)) continue;
    const o = d.object as StoredObject;
    objects.push(o);
    where.set(`${o.kind}/${o.metadata.namespace ?? 'default'}/${o.metadata.name}`, d);
  }
  const { zones, problems } = await renderZones(objects);
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  for (const z of zones) {
    for (const f of z.findings) {
      const warning = f.reason === 'Warning';
      if (!warning && !RECORD_ERRORS.has(f.reason)) continue;
      const d = where.get(`${f.kind}/${f.namespace}/${f.name}`);
      const field = /^(spec\.[A-Za-z0-9_.[\]]+): /.exec(f.message);
      (warning ? warnings : errors).push({
        file: d?.file ?? '',
        doc: (d?.index ?? -1) + 1,
        object: `${f.kind}/${f.namespace}/${f.name}`,
        field: field ? field[1]! : 'spec.name',
        message: `${f.reason}: ${field ? f.message.slice(field[0].length) : f.message} (zone ${z.zoneName})`,
      });
    }
  }
  const notes = problems.filter((p) => p.includes(PRIMARY_ADDRESS_HINT));
  for (const p of problems) {
    if (notes.includes(p)) continue;
    const m = /^DNSZone ([^/]+)\/([^:]+): (.*)$/.exec(p);
    const d = m ? where.get(`DNSZone/${m[1]}/${m[2]}`) : undefined;
    // a second zone of one name is left alone by the stack (the older is served): render says so, it is no error
    if (/already claimed by/.test(p)) continue;
    errors.push({
      file: d?.file ?? '',
      doc: (d?.index ?? -1) + 1,
      ...(m ? { object: `DNSZone/${m[1]}/${m[2]}` } : {}),
      message: m ? m[3]! : p,
    });
  }
  return { errors, warnings, notes };
}

export async function runValidate(
  args: { dir?: string; recursive?: boolean; json: boolean },
  io: Io,
): Promise<CommandResult> {
  if (!args.dir) return io.usageError('validate: -f DIR is required', VALIDATE_HELP);
  const docs = readManifests(args.dir, { recursive: Boolean(args.recursive) });
  const report = validateDocs(docs);
  // Schema-valid: the zone rules run on what the stack would build, so validate, render, plan and the hooks never
  // disagree about a folder.
  let notes: string[] = [];
  if (report.errors.length === 0) {
    const z = await zoneFindings(docs);
    report.errors.push(...z.errors);
    report.warnings.push(...z.warnings);
    notes = z.notes;
  }
  if (args.json) io.out(JSON.stringify({ ...report, notes }, null, 2));
  else {
    for (const n of notes) io.err(`note: ${n}`);
    for (const f of report.errors) io.err(`error: ${line(f)}`);
    for (const f of report.warnings) io.err(`warning: ${line(f)}`);
    for (const f of report.skipped) io.err(`skipped: ${line(f)}`);
    io.out(
      `${report.objects} objects checked: ${report.errors.length} errors, ${report.warnings.length} warnings, ${report.skipped.length} skipped`,
    );
  }
  return { code: report.errors.length > 0 ? 1 : 0 };
}
