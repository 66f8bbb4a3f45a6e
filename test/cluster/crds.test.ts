import { expect } from 'chai';
import { join } from 'node:path';
import type { BindyKind } from '../../hooks/schema/generated.js';
import { BASE_SPECS, bindyDoc } from '../schema/invalid-specs.js';
import {
  REPO_ROOT,
  apiRequest,
  clusterEnv,
  describeCluster,
  ensureCrds,
  ensureNamespace,
  loadCrds,
} from './support.js';

const NS = 'bindy-columns';

const crds = loadCrds();

describeCluster('CRDs on a real apiserver', () => {
  it('crds/ holds CustomResourceDefinitions', () => {
    expect(crds.length, 'no CustomResourceDefinition in crds/').to.be.greaterThan(0);
  });

  for (const crd of crds) {
    describe(`${crd.name} (${crd.file})`, () => {
      it('installs with server-side apply and becomes Established with NamesAccepted', async () => {
        const env = clusterEnv();
        await env.kubectl([
          'apply',
          '--server-side',
          '--field-manager=bindy-cluster-test',
          '-f',
          join(REPO_ROOT, crd.file),
        ]);
        await env.kubectl(['wait', '--for=condition=Established', '--timeout=60s', `crd/${crd.name}`]);
        const got = JSON.parse((await env.kubectl(['get', `crd/${crd.name}`, '-o', 'json'])).stdout) as {
          status: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
        };
        const cond = (t: string) => got.status.conditions?.find((c) => c.type === t);
        expect(cond('NamesAccepted')?.status, JSON.stringify(cond('NamesAccepted'))).to.equal('True');
        expect(cond('Established')?.status).to.equal('True');
        // a non-structural schema is accepted but flagged; we want none of that
        expect(cond('NonStructuralSchema'), JSON.stringify(cond('NonStructuralSchema'))).to.equal(undefined);
      });

      for (const ver of crd.versions.filter((v) => v.served)) {
        it(`${ver.name}: the server's Table columns are Name + the printer columns`, async () => {
          await ensureCrds();
          const path =
            crd.scope === 'Namespaced'
              ? `/apis/${crd.group}/${ver.name}/namespaces/default/${crd.plural}`
              : `/apis/${crd.group}/${ver.name}/${crd.plural}`;
          const r = await apiRequest(path, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
          expect(r.status, r.body).to.equal(200);
          const table = JSON.parse(r.body) as { kind: string; columnDefinitions: { name: string }[] };
          expect(table.kind).to.equal('Table');
          expect(table.columnDefinitions.map((c) => c.name)).to.deep.equal(['Name', ...ver.columns.map((c) => c.name)]);
        });
      }

      it('kubectl get <short name> -o wide prints every printer column for a minimal object', async () => {
        await ensureCrds();
        await ensureNamespace(NS);
        const env = clusterEnv();
        const spec = (BASE_SPECS as Partial<Record<string, Record<string, unknown>>>)[crd.kind];
        expect(spec, `no base spec for ${crd.kind} in test/schema/invalid-specs.ts`).to.not.equal(undefined);
        const name = `columns-${crd.plural}`;
        const nsArgs = crd.scope === 'Namespaced' ? ['-n', NS] : [];
        await env.kubectl(['apply', '--server-side', '--field-manager=bindy-cluster-test', ...nsArgs, '-f', '-'], {
          stdin: JSON.stringify(bindyDoc(crd.kind as BindyKind, spec ?? {}, name)),
        });
        const out = await env.kubectl(['get', crd.shortNames[0] ?? crd.plural, name, '-o', 'wide', ...nsArgs]);
        const [header = '', row = ''] = out.stdout.split('\n');
        const storage = crd.versions.find((v) => v.storage) ?? crd.versions[0];
        // every column, in order, each a whole header cell (READY must not be found inside READY INSTANCES)
        const cells = header.trim().split(/\s{2,}/);
        expect(cells, out.stdout).to.deep.equal(
          ['Name', ...(storage?.columns.map((c) => c.name) ?? [])].map((c) => c.toUpperCase()),
        );
        expect(row.split(/\s+/)[0]).to.equal(name);
      });

      for (const short of crd.shortNames) {
        it(`short name "${short}" resolves to ${crd.kind} for kubectl`, async () => {
          await ensureCrds();
          const env = clusterEnv();
          const explain = await env.kubectl(['explain', short]);
          expect(explain.stdout).to.match(new RegExp(`KIND:\\s+${crd.kind}\\b`));
          expect(explain.stdout).to.match(new RegExp(`GROUP:\\s+${crd.group.replace(/\./g, '\\.')}\\b`));
          const list = await env.kubectl(['get', short, crd.scope === 'Namespaced' ? '-A' : '--ignore-not-found']);
          expect(list.code).to.equal(0);
        });
      }
    });
  }
});
