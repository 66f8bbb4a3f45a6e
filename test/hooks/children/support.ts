/**
 * Test helpers for the infrastructure hooks: a deterministic key generator, and the golden-fixture loop over
 * `test/fixtures/sync/<kind>/<case>.request.json` → `<case>.response.json` (UPDATE_GOLDEN=1 rewrites).
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderKeyFile, type KeyGenerator } from '../../../hooks/children/keys.js';

const execFileP = promisify(execFile);
const KEY_SECRET = Buffer.alloc(32, 7).toString('base64');
const TRANSFER_SECRET = Buffer.alloc(32, 9).toString('base64');

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
import { readGolden } from '../../support/golden.js';
import { RNDC_KEY_FILE, TRANSFER_KEY_FILE } from '../../../hooks/pod-layout.js';
import { deepFreeze } from '../../../hooks/request-body.js';
export { readGolden, UPDATE_GOLDEN } from '../../support/golden.js';

/** A generator returning sha256("test-key-<n>") bytes for its n-th call: deterministic, distinct per call. */
export function fakeKeys(): KeyGenerator & { calls: number } {
  const gen = ((bytes: number) => {
    gen.calls++;
    let buf = Buffer.alloc(0);
    for (let i = 0; buf.length < bytes; i++)
      buf = Buffer.concat([buf, createHash('sha256').update(`test-key-${gen.calls}-${i}`).digest()]);
    return buf.subarray(0, bytes).toString('base64');
  }) as KeyGenerator & { calls: number };
  gen.calls = 0;
  return gen;
}

export interface FixtureCase {
  name: string;
  request: unknown;
  responsePath: string;
}

/** Every `<case>.request.json` of a kind, sorted by name, frozen: a hook never writes to its request (hooks/request-body.ts keeps requests parsed). */
export function fixtureCases(kind: string): FixtureCase[] {
  const dir = join(REPO, 'test', 'fixtures', 'sync', kind);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.request.json'))
    .sort()
    .map((f) => ({
      name: f.replace(/\.request\.json$/, ''),
      request: deepFreeze(JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown),
      responsePath: join(dir, f.replace(/\.request\.json$/, '.response.json')),
    }));
}

/** Stable JSON text of a response, as stored in golden files. */
export function goldenText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Writes rndc.key and transfer.key (fixed test secrets) into `dir`. */
export function writeKeys(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, RNDC_KEY_FILE),
    renderKeyFile({ name: 'bindy-rndc', algorithm: 'hmac-sha256', secret: KEY_SECRET }),
  );
  writeFileSync(
    join(dir, TRANSFER_KEY_FILE),
    renderKeyFile({ name: 'bindy-transfer', algorithm: 'hmac-sha256', secret: TRANSFER_SECRET }),
  );
}

/** named-checkconf on the exact text, chrooted into a tree with the pod's paths (keys, writable dirs). */
export async function checkconf(conf: string): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'named-checkconf-'));
  try {
    for (const d of ['etc/bind', 'var/cache/bind', 'var/run/named']) mkdirSync(join(root, d), { recursive: true });
    writeKeys(join(root, 'etc/bind/keys'));
    writeFileSync(join(root, 'etc/bind/named.conf.options'), 'options {\n  directory "/var/cache/bind";\n};\n');
    writeFileSync(join(root, 'etc/bind/named.conf'), conf);
    await execFileP('named-checkconf', ['-t', root, '/etc/bind/named.conf']).catch(
      (e: { stdout?: string; stderr?: string; code?: string }) => {
        if (e.code === 'ENOENT') throw new Error('named-checkconf not found: apt-get install bind9-utils');
        throw new Error(`named-checkconf rejected the config: ${e.stdout ?? ''}${e.stderr ?? ''}`);
      },
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * The golden-fixture suite every infrastructure hook shares: at least 6 cases, each `<case>.request.json` answered
 * exactly as `<case>.response.json` (UPDATE_GOLDEN=1 rewrites), and the same request twice answered byte-identically.
 */
export function goldenSyncSuite(
  kind: string,
  cases: readonly FixtureCase[],
  validate: (parent: never) => void,
  sync: (req: unknown) => unknown,
): void {
  it('has at least 6 fixture cases', () => {
    expect(cases.length).to.be.at.least(6);
  });

  describe(`golden responses (test/fixtures/sync/${kind})`, () => {
    for (const c of cases) {
      it(c.name, () => {
        validate((c.request as { parent: never }).parent);
        const actual = goldenText(sync(c.request));
        expect(actual).to.equal(readGolden(c.responsePath, actual));
      });
    }
  });

  it('answers byte-identically to the same request', () => {
    for (const c of cases) expect(goldenText(sync(c.request)), c.name).to.equal(goldenText(sync(c.request)));
  });
}
