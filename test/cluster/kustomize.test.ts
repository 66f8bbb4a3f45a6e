import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { findMonitoringCrds, MONITORING_CRD_FILES } from './env/monitoring-crds.js';
import { ensureMetacontrollerCrds } from './shared.js';
import { REPO_ROOT, clusterEnv, describeCluster, ensureCrds, ensureNamespace } from './support.js';

function overlays(): string[] {
  const root = join(REPO_ROOT, 'manifests', 'overlays');
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter(
      (e) =>
        e.isDirectory() &&
        ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].some((k) => existsSync(join(root, e.name, k))),
    )
    .map((e) => e.name)
    .sort();
}

describeCluster('kustomize overlays apply with --dry-run=server', () => {
  const names = overlays();

  before(async () => {
    await ensureMetacontrollerCrds();
    await ensureCrds();
  });

  it('manifests/overlays/ holds at least one overlay', () => {
    expect(names, 'no manifests/overlays/*/kustomization.yaml').to.not.have.lengthOf(0);
  });

  for (const name of names) {
    it(`manifests/overlays/${name}`, async () => {
      const env = clusterEnv();
      const built = (await env.kubectl(['kustomize', join(REPO_ROOT, 'manifests', 'overlays', name)])).stdout;
      const objects = parseAllDocuments(built)
        .map((d) => d.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string } } | null)
        .filter((o) => o !== null);
      expect(objects, 'kustomize produced no objects').to.not.have.lengthOf(0);
      // A server-side dry run does not persist the overlay's Namespace, so objects inside it would be
      // rejected by NamespaceLifecycle; the namespaces are created for real first.
      const namespaces = new Set<string>();
      for (const o of objects) {
        if (o.kind === 'Namespace' && o.metadata?.name) namespaces.add(o.metadata.name);
        if (o.metadata?.namespace) namespaces.add(o.metadata.namespace);
      }
      for (const ns of namespaces) await ensureNamespace(ns);
      // the monitoring overlay's ServiceMonitor, PodMonitor and PrometheusRule: the Prometheus Operator's CRDs
      if (objects.some((o) => (o as { apiVersion?: string }).apiVersion?.startsWith('monitoring.coreos.com/'))) {
        const dir = await findMonitoringCrds();
        if (!dir) throw new Error('monitoring.coreos.com CRDs not generated: run `npx tsx scripts/testenv.ts build`');
        for (const f of MONITORING_CRD_FILES)
          await env.kubectl(['apply', '--server-side', '--field-manager=bindy-cluster-test', '-f', join(dir, f)]);
        await env.kubectl([
          'wait',
          '--for=condition=Established',
          '--timeout=60s',
          ...MONITORING_CRD_FILES.map(
            (f) => `crd/${f.replace(/^monitoring\.coreos\.com_(\w+)\.yaml$/, '$1.monitoring.coreos.com')}`,
          ),
        ]);
      }
      const r = await env.kubectl(
        ['apply', '--dry-run=server', '--server-side', '--field-manager=bindy-cluster-test', '-f', '-'],
        { stdin: built, check: false },
      );
      expect(r.code, `${r.stderr}${r.stdout}`).to.equal(0);
      expect(r.stdout.trim().split('\n')).to.have.length(objects.length);
    });
  }
});
