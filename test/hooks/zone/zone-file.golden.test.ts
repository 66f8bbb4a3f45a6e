/**
 * Golden zone files: each `test/golden/zone-file/<case>/input.yaml` (a DNSZone, its record CRs and optionally the
 * Bind9Instances it is placed on) goes through selection + `desiredZone` + bindcar's one renderer, and must equal
 * `expected.zone` byte for byte (or `expected.error.txt` for an invalid zone). Every expected zone must also pass
 * `named-checkzone -k fail`. `UPDATE_GOLDEN=1` rewrites the expected files.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { renderZoneFile } from '../../../bindcar/zone-file.js';
import type { DNSZone } from '../../../hooks/schema/generated.js';
import { validateObject } from '../../../hooks/schema/cel.js';
import { desiredZone } from '../../../hooks/zone/desired.js';
import { placement, relatedRecords, selectRecords } from '../../../hooks/zone/select.js';
import { readDocs, relatedMap, stampCreation } from './support.js';

const execFileP = promisify(execFile);
const ROOT = join(import.meta.dirname, '../../golden/zone-file');
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

/** Renders a case: the zone file text, or `error: <message>` for an invalid zone. */
export function renderCase(dir: string): { zone?: string; text: string; outcomes: string[] } {
  const docs = stampCreation(readDocs(join(dir, 'input.yaml')));
  for (const d of docs) {
    const errs = validateObject(d);
    if (errs.length) throw new Error(`${dir}: ${d.kind} ${d.metadata.name} is not valid: ${JSON.stringify(errs)}`);
  }
  const related = relatedMap(docs);
  const zone = docs.find((d) => d.kind === 'DNSZone') as unknown as DNSZone;
  const records = selectRecords(zone, relatedRecords(related));
  const result = desiredZone(zone, records, placement(zone, related).instances);
  if ('invalid' in result) return { text: `${result.message}\n`, outcomes: [] };
  return {
    zone: result.zoneName,
    text: renderZoneFile(result.zoneName, result.body, result.body.serial ?? 1),
    outcomes: result.outcomes.map((o) => `${o.record.kind}/${o.record.metadata.name}: ${o.reason}`),
  };
}

describe('golden zone files (hooks/zone → bindcar renderZoneFile)', () => {
  const cases = readdirSync(ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  it('has cases', () => expect(cases.length).to.be.greaterThan(5));
  for (const name of cases) {
    const dir = join(ROOT, name);
    it(`renders ${name}`, async () => {
      const out = renderCase(dir);
      const file = out.zone ? 'expected.zone' : 'expected.error.txt';
      const path = join(dir, file);
      const outcomes = join(dir, 'expected.outcomes.txt');
      const outcomeText = out.outcomes.join('\n') + '\n';
      if (UPDATE) {
        writeFileSync(path, out.text);
        if (out.zone) writeFileSync(outcomes, outcomeText);
      }
      expect(existsSync(path), `${path} is missing (run with UPDATE_GOLDEN=1 and review)`).to.equal(true);
      expect(out.text).to.equal(readFileSync(path, 'utf8'));
      if (out.zone) expect(outcomeText).to.equal(readFileSync(outcomes, 'utf8'));
      if (out.zone) {
        const tmp = mkdtempSync(join(tmpdir(), 'zone-golden-'));
        try {
          const f = join(tmp, 'z.zone');
          writeFileSync(f, out.text);
          try {
            await execFileP('named-checkzone', ['-k', 'fail', out.zone, f], { timeout: 10000 });
          } catch (e) {
            const err = e as { code?: string; stdout?: string; stderr?: string };
            if (err.code === 'ENOENT') throw new Error('named-checkzone is missing: apt-get install bind9-utils');
            throw new Error(`named-checkzone rejected ${name}: ${err.stdout ?? ''}${err.stderr ?? ''}`);
          }
        } finally {
          rmSync(tmp, { recursive: true, force: true });
        }
      }
    });
  }
});
