import { expect } from 'chai';
import { bind9ClusterRoutes, syncBind9Cluster } from '../../../hooks/controllers/bind9cluster.js';
import { isDnsLabel } from '../../../hooks/children/names.js';
import { secondaryRegions } from '../../../hooks/children/cluster.js';
import { parentValidator } from '../../../hooks/children/parent.js';
import type { KubeObject, SyncRequest } from '../../../hooks/metacontroller.js';
import type { Bind9ClusterSpec } from '../../../hooks/schema/generated.js';
import { validateObject } from '../../../hooks/schema/cel.js';
import { validateBind9Cluster } from '../../../hooks/schema/validate.js';
import { fakeKeys, fixtureCases, goldenSyncSuite } from '../children/support.js';

const cases = fixtureCases('bind9cluster');
const validate = parentValidator('Bind9Cluster', validateBind9Cluster);
const sync = (req: unknown, gen = fakeKeys()) => syncBind9Cluster(req as SyncRequest, { generateKey: gen });
const byName = (cs: readonly KubeObject[]) => new Map(cs.map((c) => [`${c.kind}/${c.metadata.name}`, c]));

describe('hooks/controllers/bind9cluster', () => {
  goldenSyncSuite('bind9cluster', cases, validate, (req) => sync(req));

  it('reuses the observed transfer key and never calls the generator then', () => {
    const c = cases.find((x) => x.name === 'keys-present')!;
    const req = c.request as SyncRequest;
    const gen = fakeKeys();
    const res = sync(req, gen);
    expect(gen.calls).to.equal(0);
    const observed = Object.values(req.children['Secret.v1'] ?? {})[0]!;
    const desired = res.children.find((x) => x.kind === 'Secret')!;
    expect(desired['data']).to.deep.equal(observed['data']);
  });

  it('generates the transfer key once when no Secret is observed', () => {
    const gen = fakeKeys();
    sync(cases.find((x) => x.name === 'minimal')!.request, gen);
    expect(gen.calls).to.equal(1);
  });

  it('creates the seed example: 2 primaries, 3 secondaries round-robin over the zones', () => {
    const res = sync(cases.find((x) => x.name === 'seed-example')!.request);
    const m = byName(res.children);
    const spec = (n: string) =>
      m.get(`Bind9Instance/${n}`)?.['spec'] as { role: string; region?: string; replicas: number };
    expect([...m.keys()]).to.deep.equal([
      'Bind9Instance/prod-dns-primary-0',
      'Bind9Instance/prod-dns-primary-1',
      'Bind9Instance/prod-dns-secondary-0',
      'Bind9Instance/prod-dns-secondary-1',
      'Bind9Instance/prod-dns-secondary-2',
      'Secret/prod-dns-transfer-key',
      // two primaries; the three secondaries are spread over regions, and only us-west-2 holds two
      'PodDisruptionBudget/prod-dns-primary',
      'PodDisruptionBudget/prod-dns-secondary-us-west-2',
    ]);
    expect(['secondary-0', 'secondary-1', 'secondary-2'].map((s) => spec(`prod-dns-${s}`).region)).to.deep.equal([
      'us-west-2',
      'eu-west-1',
      'us-west-2',
    ]);
    expect(spec('prod-dns-primary-0')).to.include({ role: 'primary', replicas: 1 });
    const labels = m.get('Bind9Instance/prod-dns-secondary-1')!.metadata.labels!;
    expect(labels).to.include({
      'bindy.firestoned.io/cluster': 'prod-dns',
      'bindy.firestoned.io/role': 'secondary',
      'bindy.firestoned.io/region': 'eu-west-1',
    });
  });

  describe('secondaryRegions', () => {
    const table: { name: string; secondary: Bind9ClusterSpec['secondary']; expected: (string | undefined)[] }[] = [
      { name: 'no secondary', secondary: undefined, expected: [] },
      { name: 'replicas without zones', secondary: { replicas: 2 }, expected: [undefined, undefined] },
      { name: 'replicas in one region', secondary: { replicas: 2, region: 'eu' }, expected: ['eu', 'eu'] },
      { name: 'names, one each by default', secondary: { zones: ['a', 'b'] }, expected: ['a', 'b'] },
      {
        name: 'names, round-robin',
        secondary: { replicas: 5, zones: ['a', 'b'] },
        expected: ['a', 'b', 'a', 'b', 'a'],
      },
      { name: 'fewer replicas than regions', secondary: { replicas: 1, zones: ['a', 'b'] }, expected: ['a'] },
      {
        name: 'explicit counts',
        secondary: {
          replicas: 4,
          zones: [
            { region: 'a', replicas: 3 },
            { region: 'b', replicas: 1 },
          ],
        },
        expected: ['a', 'b', 'a', 'a'],
      },
      {
        name: 'objects without counts',
        secondary: { zones: [{ region: 'a' }, { region: 'b' }, { region: 'c' }] },
        expected: ['a', 'b', 'c'],
      },
      {
        name: 'mixed: leftover shared',
        secondary: { replicas: 4, zones: [{ region: 'a', replicas: 2 }, 'b', 'c'] },
        expected: ['a', 'b', 'c', 'a'],
      },
      { name: 'explicit zero', secondary: { zones: [{ region: 'a', replicas: 0 }, 'b'] }, expected: ['b'] },
    ];
    for (const t of table) {
      it(t.name, () => {
        expect(secondaryRegions({ secondary: t.secondary })).to.deep.equal(t.expected);
      });
    }
  });

  it('creates Bind9Instances that pass the Bind9Instance CRD schema and CEL rules', () => {
    for (const c of cases) {
      for (const child of sync(c.request).children.filter((x) => x.kind === 'Bind9Instance')) {
        expect(validateObject(child), `${c.name}: ${child.metadata.name}`).to.deep.equal([]);
      }
    }
  });

  it('keeps every child name a DNS label of at most 63 characters', () => {
    for (const c of cases) {
      for (const child of sync(c.request).children)
        expect(isDnsLabel(child.metadata.name!), `${c.name}: ${child.metadata.name}`).to.equal(true);
    }
  });

  it('reports Ready only when every desired instance is observed Ready', () => {
    const statusOf = (n: string) =>
      sync(cases.find((x) => x.name === n)!.request).status as {
        readyInstances: number;
        conditions: { type: string; status: string; reason: string }[];
      };
    expect(statusOf('children-ready').conditions[0]).to.include({ type: 'Ready', status: 'True', reason: 'AllReady' });
    expect(statusOf('keys-present').conditions[0]).to.include({ status: 'False', reason: 'PartiallyReady' });
    expect(statusOf('minimal').conditions[0]).to.include({ status: 'False', reason: 'NotReady' });
    expect(statusOf('zero-replicas').conditions[0]).to.include({ status: 'False', reason: 'NoChildren' });
    const changed = statusOf('spec-changed');
    expect(changed.conditions[1]).to.include({ type: 'Progressing', status: 'True', reason: 'InstancesScaling' });
  });

  it('keeps lastTransitionTime while a condition does not flip', () => {
    const c = cases.find((x) => x.name === 'spec-changed')!;
    const req = c.request as SyncRequest;
    const prev = (req.parent['status'] as { conditions: { type: string; lastTransitionTime: string }[] }).conditions;
    const now = (sync(req).status as { conditions: { type: string; lastTransitionTime: string }[] }).conditions;
    expect(now[0]!.lastTransitionTime).to.equal(prev[0]!.lastTransitionTime);
    expect(now[1]!.lastTransitionTime).to.not.equal(prev[1]!.lastTransitionTime);
  });

  it('exposes one sync route', () => {
    expect(bind9ClusterRoutes({}).map((r) => `${r.hook} ${r.path}`)).to.deep.equal(['sync /sync/bind9cluster']);
  });
});
