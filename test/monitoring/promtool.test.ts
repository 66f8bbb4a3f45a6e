/**
 * `promtool check rules` and `promtool test rules` (Debian's `prometheus` package) on the rules of
 * manifests/overlays/monitoring/prometheusrule.yaml, with the unit tests in rules.test.yaml next to it.
 * Run by `npm run test:monitoring`.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';

const run = promisify(execFile);
const DIR = 'manifests/overlays/monitoring';

describe('monitoring rules (promtool)', function () {
  this.timeout(60_000);
  let dir: string;
  before(async function () {
    await run('promtool', ['--version']).catch(() => {
      throw new Error('promtool not found: install Debian\'s "prometheus" package (apt-get install prometheus)');
    });
    dir = await mkdtemp(join(tmpdir(), 'bindy-rules-'));
    const rule = parse(await readFile(`${DIR}/prometheusrule.yaml`, 'utf8')) as { spec: { groups: unknown[] } };
    await writeFile(join(dir, 'bindy.rules.yaml'), stringify({ groups: rule.spec.groups }));
    await copyFile(`${DIR}/rules.test.yaml`, join(dir, 'rules.test.yaml'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('promtool check rules accepts them', async () => {
    const r = await run('promtool', ['check', 'rules', join(dir, 'bindy.rules.yaml')]);
    expect(r.stdout).to.match(/SUCCESS: \d+ rules found/);
  });

  it('promtool test rules passes their unit tests', async () => {
    const r = await run('promtool', ['test', 'rules', join(dir, 'rules.test.yaml')]);
    expect(r.stdout).to.match(/SUCCESS/);
  });
});
