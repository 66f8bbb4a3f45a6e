/**
 * Files the cluster tests read from outside the repository, because they are other projects' text and not ours to
 * copy in: Metacontroller's source tarball (for its own CRDs) and the product's blog post (which examples/seed/
 * reproduces). They are looked up in a folder `shared/` beside the checkout, or in $BINDY_SHARED_DIR; a missing
 * one fails the test that needs it with the path and what to put there. `npm test` reads none of them.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT, clusterEnv, installOnce } from './support.js';

const execFileP = promisify(execFile);

/** Where the outside files are looked up. */
export function sharedDir(): string {
  const dir = process.env['BINDY_SHARED_DIR'];
  return dir ? resolve(dir) : join(REPO_ROOT, '..', 'shared');
}

/** The absolute path of `rel` in the shared folder; throws naming the path and what belongs there when absent. */
export function sharedFile(rel: string, what: string): string {
  const p = join(sharedDir(), rel);
  if (!existsSync(p)) {
    throw new Error(
      `${p} is missing: ${what}. Put it at ${rel} in a folder "shared" beside the checkout, ` +
        `or set BINDY_SHARED_DIR to the folder that holds ${rel}.`,
    );
  }
  return p;
}

/** Metacontroller v4.17.2's source tarball (github.com/metacontroller/metacontroller, tag v4.17.2), pinned. */
export const METACONTROLLER_SOURCE = {
  file: 'metacontroller/metacontroller-v4.17.2.tar.gz',
  sha256: '71242194978649546c50f6970bc117b883699a46c66f4eb16298bcdbb8b722a3',
  crds: 'metacontroller-4.17.2/manifests/production/metacontroller-crds-v1.yaml',
} as const;

/** The blog post examples/seed/ holds the YAML blocks of. */
export const SEED_POST = 'seeds/bindy-gitops-dns.md';

/** Metacontroller's own CRDs (CompositeController, DecoratorController, ControllerRevision), from its tarball. */
export async function metacontrollerCrdsYaml(): Promise<string> {
  const tarball = sharedFile(
    METACONTROLLER_SOURCE.file,
    'the source tarball of Metacontroller v4.17.2 (its CRDs are manifests/production/metacontroller-crds-v1.yaml)',
  );
  const sum = createHash('sha256').update(readFileSync(tarball)).digest('hex');
  if (sum !== METACONTROLLER_SOURCE.sha256) {
    throw new Error(`${tarball}: SHA-256 ${sum}, expected ${METACONTROLLER_SOURCE.sha256} (Metacontroller v4.17.2)`);
  }
  const { stdout } = await execFileP('tar', ['-xzOf', tarball, METACONTROLLER_SOURCE.crds], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** Installs Metacontroller's CRDs (server-side apply) and waits until each is Established. */
export function ensureMetacontrollerCrds(): Promise<void> {
  return installOnce('metacontroller-crds', async () => {
    const env = clusterEnv();
    const yaml = await metacontrollerCrdsYaml();
    const names = parseAllDocuments(yaml)
      .map((d) => (d.toJS() as { kind?: string; metadata?: { name?: string } } | null) ?? {})
      .filter((o) => o.kind === 'CustomResourceDefinition' && o.metadata?.name)
      .map((o) => `crd/${o.metadata!.name}`);
    if (names.length === 0) throw new Error(`${METACONTROLLER_SOURCE.crds}: no CustomResourceDefinition`);
    await env.kubectl(['apply', '--server-side', '--field-manager=bindy-cluster-test', '-f', '-'], { stdin: yaml });
    await env.kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...names]);
  });
}
