/**
 * Files the cluster tests read from outside the repository, because they are other projects' text and not ours to
 * copy in: the product's blog post (which examples/seed/ reproduces) here, Metacontroller's source tarball through
 * test/cluster/env/metacontroller.ts. They are looked up in a folder `shared/` beside the checkout, or in $BINDY_SHARED_DIR; a missing
 * one fails the test that needs it with the path and what to put there. `npm test` reads none of them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { buildMetacontroller } from './env/metacontroller.js';
import { REPO_ROOT, clusterEnv, installOnce } from './support.js';

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

/** The blog post examples/seed/ holds the YAML blocks of. */
export const SEED_POST = 'seeds/bindy-gitops-dns.md';

/**
 * Installs Metacontroller's own CRDs (CompositeController, DecoratorController, ControllerRevision) from the
 * source the real Metacontroller is built from (test/cluster/env/metacontroller.ts), and waits until Established.
 */
export function ensureMetacontrollerCrds(): Promise<void> {
  return installOnce('metacontroller-crds', async () => {
    const env = clusterEnv();
    const { crds } = await buildMetacontroller();
    const names = parseAllDocuments(readFileSync(crds, 'utf8'))
      .map((d) => (d.toJS() as { kind?: string; metadata?: { name?: string } } | null) ?? {})
      .filter((o) => o.kind === 'CustomResourceDefinition' && o.metadata?.name)
      .map((o) => `crd/${o.metadata!.name}`);
    if (names.length === 0) throw new Error(`${crds}: no CustomResourceDefinition`);
    await env.kubectl(['apply', '--server-side', '--field-manager=bindy-cluster-test', '-f', crds]);
    await env.kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...names]);
  });
}
