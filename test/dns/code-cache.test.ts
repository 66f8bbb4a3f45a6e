/**
 * A bundle run from its code cache (dns/code-cache.ts, scripts/bundle.ts), with a small module built the way the
 * services are: the build's run writes the cache after the module's warm-up, without starting it; a start under the same V8 options uses
 * it, one under other options or without it still runs; and a package loaded on first use (an ES module, as
 * client-node is) still loads from a cached script, where Node 20 would lose a dynamic `import()`.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { codeCacheFile } from '../../dns/code-cache.js';
import { bundleOf, bundleService } from '../../scripts/bundle.js';

const execFileP = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const OPTIONS = '--max-old-space-size=300';

describe('code cache launcher', function () {
  this.timeout(60000);
  let dir: string;
  let launcher: string;
  const run = async (nodeOptions: string) =>
    JSON.parse(
      (await execFileP(process.execPath, [launcher], { env: { PATH: process.env['PATH'], NODE_OPTIONS: nodeOptions } }))
        .stdout,
    ) as { launch: unknown; kubeConfig: string };

  before(async () => {
    const cache = join(ROOT, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    dir = mkdtempSync(join(cache, 'bindy-code-cache-'));
    const entry = join(dir, 'service.ts');
    writeFileSync(
      entry,
      [
        "import { writeFileSync } from 'node:fs';",
        'export async function warmUp(): Promise<void> {',
        `  writeFileSync(${JSON.stringify(join(dir, 'warmed'))}, '');`,
        '}',
        'export async function main(launch: unknown): Promise<void> {',
        `  writeFileSync(${JSON.stringify(join(dir, 'started'))}, '');`,
        "  const k8s = await import('@kubernetes/client-node');",
        '  console.log(JSON.stringify({ launch, kubeConfig: typeof k8s.KubeConfig }));',
        '}',
      ].join('\n'),
    );
    launcher = join(dir, 'service.cjs');
    await bundleService(entry, launcher, OPTIONS);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is written by the build after the warm-up, without starting the service', () => {
    expect(readFileSync(codeCacheFile(bundleOf(launcher))).length).to.be.greaterThan(0);
    expect(existsSync(join(dir, 'warmed'))).to.equal(true);
    expect(existsSync(join(dir, 'started'))).to.equal(false);
  });

  it('is used under the V8 options it was written with, and a lazily loaded ES module still loads', async () => {
    expect(await run(OPTIONS)).to.deep.equal({ launch: { codeCache: 'used' }, kubeConfig: 'function' });
  });

  it('is turned down under other V8 options, and the service starts all the same', async () => {
    expect(await run('--max-old-space-size=200')).to.deep.equal({
      launch: { codeCache: 'rejected' },
      kubeConfig: 'function',
    });
  });

  it('fails the build when the warm-up fails', async () => {
    const broken = join(dir, 'broken.ts');
    writeFileSync(
      broken,
      "export async function warmUp(): Promise<void> { throw new Error('no warm-up'); }\nexport async function main(): Promise<void> {}\n",
    );
    let error: Error | undefined;
    await bundleService(broken, join(dir, 'broken.cjs'), OPTIONS).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/broken\.cjs: the run that writes its code cache failed: .*no warm-up/s);
    expect(existsSync(codeCacheFile(bundleOf(join(dir, 'broken.cjs'))))).to.equal(false);
  });

  it('when missing, the service starts all the same', async () => {
    rmSync(codeCacheFile(bundleOf(launcher)));
    expect(await run(OPTIONS)).to.deep.equal({ launch: { codeCache: 'absent' }, kubeConfig: 'function' });
  });
});
