/**
 * Ordinary mistakes through the real `bin/bindy.js` process: one message naming the file or option, exit code 1,
 * and never a stack trace.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../local/named.js';

const BIN = fileURLToPath(new URL('../../bin/bindy.js', import.meta.url));

function bindy(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('bindy: user errors are messages with exit code 1', function () {
  this.timeout(90_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bindy-cli-errors-'));
    writeFileSync(join(dir, 'a-file.yaml'), 'kind: Nothing\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases: { name: string; args: () => Promise<string[]> | string[]; message: RegExp }[] = [
    {
      name: 'validate with a missing -f folder',
      args: () => ['validate', '-f', join(dir, 'nope')],
      message: /-f .*nope: no such folder/,
    },
    {
      name: 'render with a missing -f folder',
      args: () => ['render', '-f', join(dir, 'nope')],
      message: /-f .*nope: no such folder/,
    },
    {
      name: 'render with a file as -f',
      args: () => ['render', '-f', join(dir, 'a-file.yaml')],
      message: /is a file, not a folder/,
    },
    {
      name: 'plan with a missing -f folder',
      args: () => ['plan', '-f', join(dir, 'nope'), '--bindcar', 'http://127.0.0.1:1'],
      message: /no such folder/,
    },
    {
      name: 'import of a missing zone file',
      args: () => ['import', join(dir, 'missing.zone'), '--zone', 'example.com'],
      message: /missing\.zone: does not exist/,
    },
    {
      name: 'render into an unwritable -o (no hang)',
      args: () => ['render', '-f', 'examples', '-o', '/proc/forbidden'],
      message: /-o \/proc\/forbidden: cannot create it/,
    },
    {
      name: 'render into a file as -o',
      args: () => ['render', '-f', 'examples', '-o', join(dir, 'a-file.yaml')],
      message: /-o .*a-file\.yaml: is a file/,
    },
    {
      name: 'up --once with a missing folder',
      args: async () => ['up', '--once', '-f', join(dir, 'nope'), '--dns-port', String(await freePort())],
      message: /-f .*nope: no such folder/,
    },
    { name: 'an unknown option', args: () => ['validate', '--nope'], message: /Unknown option '--nope'/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await bindy(await c.args());
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stderr).to.match(c.message);
      expect(r.stderr, 'no stack trace').to.not.match(/^\s+at /m);
    });
  }

  it('--version prints the package version', async () => {
    const r = await bindy(['--version']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/^bindy \d+\.\d+\.\d+\n$/);
  });

  it('up --once exits 1 when a file is rejected, 0 when everything is Ready', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'bindy-cli-up-'));
    try {
      writeFileSync(
        join(bad, 'zone.yaml'),
        'apiVersion: bindy.firestoned.io/v1beta1\nkind: DNSZone\nmetadata:\n  name: z\nspec:\n  zoneName: "not a zone!"\n  clusterRef: c\n',
      );
      const r = await bindy(['up', '--once', '-f', bad, '--dns-port', String(await freePort())]);
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stderr).to.match(/rejected: .*spec\.zoneName/);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
    const ok = await bindy(['up', '--once', '-f', 'examples', '--dns-port', String(await freePort())]);
    expect(ok.code, ok.stderr).to.equal(0);
  });
});
