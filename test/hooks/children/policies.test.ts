import { expect } from 'chai';
import { instanceModel } from '../../../hooks/children/instance-model.js';
import { clusterDisruptionBudgets, instanceNetworkPolicy } from '../../../hooks/children/policies.js';
import type { Bind9ClusterSpec, Bind9Instance } from '../../../hooks/schema/generated.js';

const instance = (role: 'primary' | 'secondary' = 'secondary'): Bind9Instance =>
  ({
    apiVersion: 'bindy.firestoned.io/v1beta1',
    kind: 'Bind9Instance',
    metadata: { name: 'dns-secondary-0', namespace: 'dns' },
    spec: { clusterRef: 'dns', role },
  }) as Bind9Instance;
const hooks = { namespace: 'bindy-system', podLabels: { 'app.kubernetes.io/name': 'bindy-hooks' } };
/** The policy as the JSON Kubernetes stores (client-node's type spells `from` as `_from`). */
interface PolicyJson {
  spec: { podSelector: { matchLabels: Record<string, string> }; ingress: { ports: unknown[]; from?: unknown[] }[] };
}
const policyOf = (spec: Bind9ClusterSpec) =>
  instanceNetworkPolicy(instanceModel(instance(), { kind: 'Bind9Cluster', spec }), hooks) as unknown as
    PolicyJson | undefined;

describe('hooks/children/policies', () => {
  it('admits DNS from anywhere and bindcar only from the hooks, one port per rule', () => {
    const p = policyOf({})!;
    expect(p.spec.podSelector.matchLabels).to.deep.equal({
      'app.kubernetes.io/name': 'bind9',
      'bindy.firestoned.io/instance': 'dns-secondary-0',
    });
    expect(p.spec.ingress.map((r) => [r.ports, r.from])).to.deep.equal([
      [[{ protocol: 'UDP', port: 5353 }], undefined],
      [[{ protocol: 'TCP', port: 5353 }], undefined],
      [
        [{ protocol: 'TCP', port: 8080 }],
        [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'bindy-system' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'bindy-hooks' } },
          },
        ],
      ],
    ]);
  });

  it('with dnsFrom, admits those and always the cluster’s own instances (transfers, NOTIFY); bindcarFrom adds peers', () => {
    const p = policyOf({
      networkPolicy: {
        dnsFrom: [{ ipBlock: { cidr: '10.0.0.0/8' } }],
        bindcarFrom: [{ namespaceSelector: { matchLabels: { name: 'monitoring' } } }],
      },
    })!;
    const own = {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'bind9', 'bindy.firestoned.io/cluster': 'dns' } },
    };
    expect(p.spec.ingress[0]!.from).to.deep.equal([own, { ipBlock: { cidr: '10.0.0.0/8' } }]);
    expect(p.spec.ingress[1]!.from).to.deep.equal([own, { ipBlock: { cidr: '10.0.0.0/8' } }]);
    expect(p.spec.ingress[2]!.from).to.have.length(2);
    expect(p.spec.ingress[2]!.from![1]).to.deep.equal({ namespaceSelector: { matchLabels: { name: 'monitoring' } } });
  });

  it('is switched off per cluster', () => {
    expect(policyOf({ networkPolicy: { enabled: false } })).to.equal(undefined);
  });

  it('budgets each role and region holding two pods or more, minAvailable 1; none for a single pod', () => {
    const pdbs = clusterDisruptionBudgets('dns', {}, [
      { role: 'primary', region: undefined, replicas: 1 },
      { role: 'secondary', region: 'eu', replicas: 1 },
      { role: 'secondary', region: 'eu', replicas: 1 },
      { role: 'secondary', region: 'us', replicas: 1 },
    ]);
    expect(pdbs.map((p) => [p.metadata!.name, p.spec!.minAvailable, p.spec!.selector!.matchLabels])).to.deep.equal([
      [
        'dns-secondary-eu',
        1,
        {
          'app.kubernetes.io/name': 'bind9',
          'bindy.firestoned.io/cluster': 'dns',
          'bindy.firestoned.io/region': 'eu',
          'bindy.firestoned.io/role': 'secondary',
        },
      ],
    ]);
    expect(
      clusterDisruptionBudgets('dns', { podDisruptionBudget: { enabled: false } }, [
        { role: 'secondary', region: undefined, replicas: 3 },
      ]),
    ).to.deep.equal([]);
  });
});
