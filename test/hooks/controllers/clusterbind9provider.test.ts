import { expect } from 'chai';
import {
  clusterBind9ProviderRoutes,
  syncClusterBind9Provider,
} from '../../../hooks/controllers/clusterbind9provider.js';
import { parentValidator } from '../../../hooks/children/parent.js';
import type { SyncRequest } from '../../../hooks/metacontroller.js';
import { validateObject } from '../../../hooks/schema/cel.js';
import { validateClusterBind9Provider } from '../../../hooks/schema/validate.js';
import { fixtureCases, goldenSyncSuite } from '../children/support.js';

const cases = fixtureCases('clusterbind9provider');
const validate = parentValidator('ClusterBind9Provider', validateClusterBind9Provider);
const sync = (req: unknown) => syncClusterBind9Provider(req as SyncRequest);
type Status = {
  readyInstances: number;
  instanceCount: number;
  conditions: { type: string; status: string; reason: string; lastTransitionTime: string }[];
};

describe('hooks/controllers/clusterbind9provider', () => {
  goldenSyncSuite('clusterbind9provider', cases, validate, (req) => sync(req));

  it('creates one valid Bind9Cluster of the same name in spec.namespace, without the namespace field', () => {
    for (const c of cases) {
      const req = c.request as SyncRequest;
      const spec = req.parent['spec'] as { namespace: string };
      const res = sync(req);
      expect(res.children).to.have.length(1);
      const child = res.children[0]!;
      expect(child.kind).to.equal('Bind9Cluster');
      expect(child.metadata).to.include({ name: req.parent.metadata.name, namespace: spec.namespace });
      expect(child['spec']).to.not.have.property('namespace');
      expect(validateObject(child), c.name).to.deep.equal([]);
    }
  });

  it('mirrors the observed cluster status', () => {
    const status = (n: string) => sync(cases.find((x) => x.name === n)!.request).status as Status;
    expect(status('minimal').conditions[0]).to.include({ status: 'False', reason: 'ClusterPending' });
    expect(status('children-ready')).to.include({ readyInstances: 5, instanceCount: 5 });
    expect(status('children-ready').conditions[0]).to.include({ status: 'True', reason: 'AllReady' });
    expect(status('child-partially-ready').conditions[0]).to.include({ status: 'False', reason: 'PartiallyReady' });
  });

  it('waits for the cluster to report on its current generation', () => {
    const c = cases.find((x) => x.name === 'children-ready')!;
    const req = structuredClone(c.request) as SyncRequest;
    const child = Object.values(req.children['Bind9Cluster.bindy.firestoned.io/v1beta1']!)[0]!;
    child.metadata.generation = 2;
    expect((sync(req).status as Status).conditions[0]).to.include({ status: 'False', reason: 'ClusterPending' });
  });

  it('keeps lastTransitionTime of conditions that did not flip', () => {
    const req = cases.find((x) => x.name === 'spec-changed')!.request as SyncRequest;
    const prev = (req.parent['status'] as Status).conditions;
    expect((sync(req).status as Status).conditions[0]!.lastTransitionTime).to.equal(prev[0]!.lastTransitionTime);
  });

  it('exposes one sync route', () => {
    expect(clusterBind9ProviderRoutes().map((r) => `${r.hook} ${r.path}`)).to.deep.equal([
      'sync /sync/clusterbind9provider',
    ]);
  });
});
