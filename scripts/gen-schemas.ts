/**
 * `npm run gen`: crds/*.yaml ⇒ hooks/schema/generated.ts and the README API-reference block; the schemas of
 * dns/contract.ts ⇒ dns/contract-validators.ts (bindcar's validators, compiled ahead).
 * `npm run gen:check` runs this and fails when any of these files changed (stale generated output).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCrds } from './gen/crds.js';
import { renderGenerated } from './gen/generated.js';
import { renderApiReference, spliceReadme } from './gen/readme.js';
import { renderContractValidators } from './gen/contract-validators.js';
import { CONTRACT_SCHEMAS } from '../dns/contract.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const crds = loadCrds(join(ROOT, 'crds'));
  if (crds.length === 0) throw new Error('no CRDs in crds/');
  const generated = await renderGenerated(crds);
  writeFileSync(join(ROOT, 'hooks/schema/generated.ts'), generated);
  const readmePath = join(ROOT, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const next = spliceReadme(readme, renderApiReference(crds));
  if (next !== readme) writeFileSync(readmePath, next);
  writeFileSync(join(ROOT, 'dns/contract-validators.ts'), renderContractValidators(CONTRACT_SCHEMAS));
  console.log(
    `gen: ${crds.length} CRDs → hooks/schema/generated.ts, README.md API reference; dns/contract.ts → dns/contract-validators.ts`,
  );
}

await main();
