/**
 * Replays the schema tables against the kube-apiserver's own validation code, offline:
 * builds `crdcheck` (Go, k8s.io/apiextensions-apiserver v0.35.4), checks every CRD (structural
 * schema, CEL compilation, CEL cost budget), then evaluates INVALID_SPECS, VALID_SPECS and every
 * example/seed object with the apiserver's OpenAPI + CEL validators.
 *
 *   npx tsx test/schema/crdcheck/replay.ts        # needs Go ≥ 1.25 and the k8s modules (GOPROXY or cache)
 *
 * Exits 1 when a CRD is rejected, a valid object is rejected, or an invalid one is accepted or
 * rejected on another field. `tsOnly` cases must be accepted (the apiserver cannot see them);
 * `strictFieldValidation` cases are only rejected under fieldValidation=Strict, which this does not model.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { INVALID_SPECS, VALID_SPECS } from '../invalid-specs.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '../../..');
const bin = join(mkdtempSync(join(tmpdir(), 'crdcheck-')), 'crdcheck');
execFileSync('go', ['build', '-o', bin, '.'], {
  cwd: HERE,
  stdio: 'inherit',
  env: { ...process.env, GOFLAGS: '-mod=mod' },
});

const crdFiles = readdirSync(join(ROOT, 'crds'))
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .sort()
  .map((f) => join(ROOT, 'crds', f));
let failures = 0;
try {
  process.stdout.write(execFileSync(bin, crdFiles, { encoding: 'utf8' }));
} catch (e) {
  process.stdout.write(String((e as { stdout?: string }).stdout ?? e));
  process.exit(1);
}

interface Line {
  id: string;
  object: unknown;
  expect: { field?: string; valid?: boolean };
}
const lines: Line[] = [];
for (const c of INVALID_SPECS) {
  if (c.strictFieldValidation) continue;
  lines.push({ id: `invalid: ${c.name}`, object: c.doc, expect: c.tsOnly ? { valid: true } : { field: c.field } });
}
for (const c of VALID_SPECS) lines.push({ id: `valid: ${c.name}`, object: c.doc, expect: { valid: true } });
const exampleFiles = ['examples', 'examples/seed'].flatMap((d) =>
  readdirSync(join(ROOT, d))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `${d}/${f}`),
);
for (const f of exampleFiles) {
  for (const d of parseAllDocuments(readFileSync(join(ROOT, f), 'utf8'))) {
    const o = d.toJS() as { kind?: string } | null;
    if (o?.kind) lines.push({ id: `example: ${f}`, object: o, expect: { valid: true } });
  }
}

const out = execFileSync(bin, ['-objects', ...crdFiles], {
  input: lines.map((l) => JSON.stringify({ id: l.id, object: l.object })).join('\n') + '\n',
  encoding: 'utf8',
  maxBuffer: 64 << 20,
});
const results = out
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { id: string; errors: string[] | null });
results.forEach((r, i) => {
  const want = lines[i]!.expect;
  const errors = r.errors ?? [];
  if (want.valid && errors.length) {
    failures++;
    console.log(`REJECTED ${r.id}: ${errors.join(' | ')}`);
  } else if (want.field) {
    const f = want.field;
    if (!errors.some((e) => e.startsWith(`${f}:`) || e.startsWith(`${f}.`) || e.startsWith(`${f}[`))) {
      failures++;
      console.log(`NOT REJECTED ON ${f}: ${r.id}: ${errors.join(' | ') || '(accepted)'}`);
    }
  }
});
console.log(`crdcheck replay: ${results.length} objects, ${failures} mismatches`);
process.exit(failures ? 1 : 0);
