/**
 * The example folders applied the way the README tells a user to: `kubectl apply -f examples/` and
 * `kubectl apply -f examples/seed/` (plain client-side apply, the folder read by kubectl itself), then every object
 * read back. examples/seed/ is also compared with the blog post it reproduces, which is read from outside the
 * repository (test/cluster/shared.ts).
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdownYamlBlocks, seedBlockFiles, seedFileBlock, seedObjects, type SeedDoc } from '../examples/seed.js';
import { SEED_POST, sharedFile } from './shared.js';
import {
  REPO_ROOT,
  clusterEnv,
  describeCluster,
  ensureCrds,
  ensureNamespace,
  filesIn,
  loadCrds,
  readDocs,
} from './support.js';

const crds = loadCrds();
const EXAMPLES_NS = 'bindy-examples';

/** `kubectl get` arguments for one object: its resource (plural.group for ours), name and namespace. */
function getArgs(d: SeedDoc): string[] {
  const { kind, metadata } = d.obj;
  if (kind === 'Namespace') return ['namespace', metadata.name];
  const crd = crds.find((c) => c.kind === kind);
  if (!crd) throw new Error(`${d.file}#${d.doc}: no CRD in crds/ for kind ${kind}`);
  return [`${crd.plural}.${crd.group}`, metadata.name, ...(crd.scope === 'Namespaced' ? ['-n', d.namespace] : [])];
}

/**
 * Leaf paths of a value (`spec.soaRecord.ttl`, `spec.nameServers.0.hostname`): the fields a definition sets, so
 * fields the apiserver defaults (CRD `default:`) are not compared.
 */
function leaves(v: unknown, path: string): string[] {
  if (v === null || typeof v !== 'object') return [path];
  return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => leaves(x, `${path}.${k}`));
}
const at = (obj: unknown, path: string): unknown =>
  path
    .split('.')
    .slice(1)
    .reduce<unknown>((o, k) => (o === null || typeof o !== 'object' ? undefined : (o as never)[k]), obj);

/**
 * Reads every object back: it exists, its spec carries every field of its last definition, and fields only an
 * earlier definition set are gone (kubectl apply removes what the applied configuration no longer has).
 */
async function expectApplied(objects: Map<string, SeedDoc[]>): Promise<void> {
  for (const [key, defs] of objects) {
    const last = defs[defs.length - 1]!;
    const r = await clusterEnv().kubectl(['get', ...getArgs(last), '-o', 'json'], { check: false });
    expect(r.code, `${key}: ${r.stderr}`).to.equal(0);
    const live = JSON.parse(r.stdout) as { spec?: unknown };
    const root = { spec: live.spec };
    for (const p of leaves(last.obj.spec ?? {}, 'spec'))
      expect(at(root, p), `${key} ${p} (from ${last.file})`).to.deep.equal(at(last.obj, p));
    for (const earlier of defs.slice(0, -1)) {
      for (const p of leaves(earlier.obj.spec ?? {}, 'spec')) {
        if (at(last.obj, p) === undefined)
          expect(at(root, p), `${key} ${p} (only in ${earlier.file})`).to.equal(undefined);
      }
    }
  }
}

/** The objects of the flat examples/ folder, keyed like seedObjects, all in one namespace. */
function exampleObjects(): Map<string, SeedDoc[]> {
  const out = new Map<string, SeedDoc[]>();
  for (const file of filesIn('examples', ['.yaml', '.yml', '.json'])) {
    for (const d of readDocs(file)) {
      const obj = d.value as SeedDoc['obj'];
      const key = `${obj.kind} ${EXAMPLES_NS}/${obj.metadata.name}`;
      out.set(key, [...(out.get(key) ?? []), { file, doc: d.index + 1, obj, namespace: EXAMPLES_NS, key }]);
    }
  }
  return out;
}

/** kubectl's one line per object sent (`kind.group/name created|configured|unchanged`). */
const appliedLines = (stdout: string) => stdout.trim().split('\n').filter(Boolean);

describeCluster('examples apply as the README shows (kubectl apply -f DIR)', () => {
  const applied = new Map<string, Set<string>>(); // namespace → kinds applied there

  before(async () => {
    await ensureCrds();
  });

  it(`kubectl apply -f examples/ (into namespace ${EXAMPLES_NS}) creates every object`, async () => {
    await ensureNamespace(EXAMPLES_NS);
    const objects = exampleObjects();
    expect(objects.size, 'no objects in examples/').to.be.greaterThan(0);
    const r = await clusterEnv().kubectl(['apply', '-n', EXAMPLES_NS, '-f', join(REPO_ROOT, 'examples') + '/']);
    expect(appliedLines(r.stdout), r.stdout).to.have.length([...objects.values()].flat().length);
    await expectApplied(objects);
    applied.set(EXAMPLES_NS, new Set([...objects.values()].map((d) => d[0]!.obj.kind)));
  });

  it('kubectl apply -f examples/seed/ on a fresh cluster creates its namespaces and every object', async () => {
    const objects = seedObjects('default');
    const namespaces = [...objects.values()].map((d) => d[0]!.obj).filter((o) => o.kind === 'Namespace');
    expect(namespaces, 'examples/seed/ creates namespaces').to.not.have.lengthOf(0);
    for (const ns of namespaces) {
      const before = await clusterEnv().kubectl(['get', 'namespace', ns.metadata.name], { check: false });
      expect(before.code, `namespace ${ns.metadata.name} already exists: the cluster is not fresh`).to.not.equal(0);
    }
    // exactly what a user types: no -n, no --server-side, kubectl reads the folder
    const r = await clusterEnv().kubectl(['apply', '-f', join(REPO_ROOT, 'examples', 'seed') + '/'], { check: false });
    expect(r.code, `${r.stderr}${r.stdout}`).to.equal(0);
    expect(r.stderr).to.equal('');
    expect(appliedLines(r.stdout), r.stdout).to.have.length([...objects.values()].flat().length);
    await expectApplied(objects);
    for (const [first] of objects.values()) {
      if (!applied.has(first!.namespace)) applied.set(first!.namespace, new Set());
      applied.get(first!.namespace)!.add(first!.obj.kind);
    }
  });

  it('kubectl get shows every printer column for the applied custom resources', async function () {
    const checks: { ns: string; crd: (typeof crds)[number] }[] = [];
    for (const [ns, kinds] of applied) {
      for (const crd of crds) if (kinds.has(crd.kind)) checks.push({ ns, crd });
    }
    if (checks.length === 0) this.skip(); // nothing applied (the tests above fail for that)
    for (const { ns, crd } of checks) {
      const resource = crd.shortNames[0] ?? crd.plural;
      const out = await clusterEnv().kubectl([
        'get',
        resource,
        '-o',
        'wide',
        ...(crd.scope === 'Namespaced' ? ['-n', ns] : []),
      ]);
      const header = out.stdout.split('\n')[0] ?? '';
      const storage = crd.versions.find((v) => v.storage) ?? crd.versions[0];
      const want = ['Name', ...(storage?.columns.map((c) => c.name) ?? [])].map((c) => c.toUpperCase());
      // namespaced kinds listed across one namespace: no NAMESPACE column is added by kubectl
      expect(header.trim().split(/\s{2,}/), `${resource} in ${ns}`).to.deep.equal(want);
    }
  });
});

describeCluster('examples/seed/ holds the blog post, block for block', () => {
  it('every YAML block of the post (```yaml fences and kubectl heredocs), in order, is the numbered file, verbatim', () => {
    const post = sharedFile(SEED_POST, 'the blog post "GitOps for DNS" whose YAML blocks examples/seed/ holds');
    const blocks = markdownYamlBlocks(readFileSync(post, 'utf8'));
    const files = seedBlockFiles();
    expect(blocks.map((b, i) => [files[i], b])).to.deep.equal(files.map((f) => [f, seedFileBlock(f)]));
  });
});
