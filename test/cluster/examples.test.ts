import { expect } from 'chai';
import {
  classifyDoc,
  clusterEnv,
  describeCluster,
  ensureCrds,
  ensureNamespace,
  filesIn,
  loadCrds,
  readDocs,
  type Doc,
} from './support.js';

/** Example folders and the namespace their namespace-less documents go to. */
const folders = [
  { dir: 'examples', namespace: 'bindy-examples' },
  { dir: 'examples/seed', namespace: 'bindy-seed' },
] as const;

const crds = loadCrds();
const applied = new Map<string, Set<string>>(); // namespace → kinds applied there

async function apply(docs: readonly Doc[], namespace: string | undefined): Promise<void> {
  if (docs.length === 0) return;
  const args = ['apply', '--server-side', '--field-manager=bindy-cluster-test', '-f', '-'];
  if (namespace) args.push('-n', namespace);
  await clusterEnv().kubectl(args, { stdin: docs.map((d) => d.text).join('\n---\n') });
}

describeCluster('examples apply to a real apiserver (server-side apply)', () => {
  before(async () => {
    await ensureCrds();
  });

  it('examples/ and examples/seed/ hold example files', () => {
    for (const f of folders) expect(filesIn(f.dir), `no files in ${f.dir}/`).to.not.have.lengthOf(0);
  });

  for (const folder of folders) {
    for (const file of filesIn(folder.dir)) {
      const docs = readDocs(file);
      const kube = docs.filter((d) => classifyDoc(d.value).apply);
      for (const d of docs) {
        const c = classifyDoc(d.value);
        // Not a Kubernetes object (e.g. a ConfigHub config block): detected, not sent to the apiserver.
        if (!c.apply) it.skip(`${file} document ${d.index}: not applied: ${c.reason}`);
      }
      if (kube.length === 0) continue;
      it(`${file}: ${kube.length} object(s) apply`, async () => {
        const plain: Doc[] = [];
        const byNs = new Map<string, Doc[]>();
        for (const d of kube) {
          const c = classifyDoc(d.value);
          if (!c.apply) continue;
          const ns = c.namespace ?? folder.namespace;
          if (!applied.has(ns)) applied.set(ns, new Set());
          applied.get(ns)?.add(c.kind);
          if (c.namespace) byNs.set(c.namespace, [...(byNs.get(c.namespace) ?? []), d]);
          else plain.push(d);
        }
        await ensureNamespace(folder.namespace);
        await apply(plain, folder.namespace);
        for (const [ns, nsDocs] of byNs) {
          await ensureNamespace(ns);
          await apply(nsDocs, undefined);
        }
      });
    }
  }

  it('kubectl get shows every printer column for the applied custom resources', async function () {
    const checks: { ns: string; crd: (typeof crds)[number] }[] = [];
    for (const [ns, kinds] of applied) {
      for (const crd of crds) if (kinds.has(crd.kind)) checks.push({ ns, crd });
    }
    if (checks.length === 0) this.skip(); // nothing applied (the test above fails for that)
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
