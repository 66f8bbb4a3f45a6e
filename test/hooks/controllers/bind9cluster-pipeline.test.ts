/**
 * The infrastructure hooks chained the way Metacontroller runs them: ClusterBind9Provider → Bind9Cluster →
 * Bind9Instances → workloads, each step fed the previous step's desired children as observed objects.
 */
import { expect } from 'chai';
import { syncBind9Cluster } from '../../../hooks/controllers/bind9cluster.js';
import { customizeBind9Instance, infraDeps, syncBind9Instance } from '../../../hooks/controllers/bind9instance.js';
import { syncClusterBind9Provider } from '../../../hooks/controllers/clusterbind9provider.js';
import {
  childKey,
  objectKey,
  selectorMatches,
  type KubeObject,
  type ObjectMap,
  type SyncRequest,
} from '../../../hooks/metacontroller.js';
import { validateObject } from '../../../hooks/schema/cel.js';
import { fakeKeys } from '../children/support.js';

const API = 'bindy.firestoned.io/v1beta1';
const T = '2026-11-20T10:00:00Z';

/** What the apiserver adds to a desired child when Metacontroller creates it. */
function created(child: KubeObject, namespace: string, n: number): KubeObject {
  return {
    ...structuredClone(child),
    metadata: { ...child.metadata, namespace, uid: `uid-${n}`, generation: 1, creationTimestamp: T },
  };
}

function mapOf(objs: KubeObject[]): ObjectMap {
  const out: ObjectMap = {};
  for (const o of objs)
    (out[childKey(o.kind, o.apiVersion)] ??= {})[objectKey(o.metadata.namespace, o.metadata.name!)] = o;
  return out;
}

const secretFile = (s: KubeObject, key: string) =>
  Buffer.from((s['data'] as Record<string, string>)[key]!, 'base64').toString('utf8');

describe('infrastructure hooks chained (provider → cluster → instances → workloads)', () => {
  const gen = fakeKeys();
  const deps = { ...infraDeps({}), generateKey: gen };
  const provider: KubeObject = {
    apiVersion: API,
    kind: 'ClusterBind9Provider',
    metadata: { name: 'prod-dns', uid: 'uid-p', generation: 1, creationTimestamp: T },
    spec: {
      namespace: 'dns',
      global: { dnssec: true, allowQuery: ['internal'] },
      acls: { internal: ['10.0.0.0/8'] },
      primary: { replicas: 2 },
      secondary: { replicas: 3, zones: ['us-west-2', 'eu-west-1'] },
    },
  };
  const req = (parent: KubeObject, children: ObjectMap, related: ObjectMap = {}): SyncRequest => ({
    controller: {} as KubeObject,
    parent,
    children,
    related,
    finalizing: false,
  });

  let cluster: KubeObject;
  let clusterChildren: KubeObject[];
  let instances: KubeObject[];
  const workloads = new Map<string, KubeObject[]>();

  before(() => {
    const p = syncClusterBind9Provider(req(provider, { [childKey('Bind9Cluster', API)]: {} }));
    cluster = created(p.children[0]!, 'dns', 1);
    const c = syncBind9Cluster(req(cluster, { [childKey('Bind9Instance', API)]: {}, 'Secret.v1': {} }), {
      generateKey: gen,
    });
    clusterChildren = c.children.map((x, i) => created(x, 'dns', 10 + i));
    instances = clusterChildren.filter((x) => x.kind === 'Bind9Instance');
  });

  it('every object handed down passes its CRD schema and CEL rules', () => {
    expect(validateObject(cluster)).to.deep.equal([]);
    for (const i of instances) expect(validateObject(i), i.metadata.name).to.deep.equal([]);
  });

  it('primaries come up and report their Service address', () => {
    const related = mapOf([cluster, provider, ...clusterChildren.filter((x) => x.kind === 'Secret')]);
    for (const inst of instances.filter((i) => (i['spec'] as { role: string }).role === 'primary')) {
      const first = syncBind9Instance(req(inst, {}, related), deps);
      // the apiserver assigns a ClusterIP; the Deployment becomes ready
      const observed = first.children.map((ch, n) => {
        const o = created(ch, 'dns', 100 + n);
        if (o.kind === 'Service') o['spec'] = { ...(o['spec'] as object), clusterIP: `10.96.0.${10 + workloads.size}` };
        if (o.kind === 'Deployment')
          o['status'] = { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1 };
        return o;
      });
      const second = syncBind9Instance(req(inst, mapOf(observed), related), deps);
      expect(second.children, 'same children once observed').to.deep.equal(first.children);
      inst['status'] = second.status;
      workloads.set(inst.metadata.name!, second.children);
    }
    expect(
      instances.filter((i) => i['status']).map((i) => (i['status'] as { dnsEndpoint: string }).dnsEndpoint),
    ).to.deep.equal(['10.96.0.10:53', '10.96.0.11:53']);
  });

  it('secondaries relate the primaries through their customize rules and transfer from them', () => {
    for (const inst of instances.filter((i) => (i['spec'] as { role: string }).role === 'secondary')) {
      const rules = customizeBind9Instance({ controller: {} as KubeObject, parent: inst }).relatedResources;
      const rule = rules.find((r) => r.resource === 'bind9instances')!;
      const primaries = instances.filter(
        (i) => i.metadata.namespace === rule.namespace && selectorMatches(rule.labelSelector!, i.metadata.labels),
      );
      expect(primaries.map((p) => p.metadata.name)).to.deep.equal(['prod-dns-primary-0', 'prod-dns-primary-1']);
      const related = mapOf([cluster, provider, ...clusterChildren.filter((x) => x.kind === 'Secret'), ...primaries]);
      const res = syncBind9Instance(req(inst, {}, related), deps);
      const conf = (res.children.find((x) => x.kind === 'ConfigMap')!['data'] as Record<string, string>)['named.conf']!;
      expect(conf).to.contain('10.96.0.10 port 53 key "bindy-transfer";\n  10.96.0.11 port 53 key "bindy-transfer";');
      expect(conf).to.contain('acl "internal" { 10.0.0.0/8; };');
      workloads.set(inst.metadata.name!, res.children);
    }
    expect(workloads.size).to.equal(5);
  });

  it('every instance of the cluster shares the cluster transfer key; rndc keys are per instance', () => {
    const shared = secretFile(
      clusterChildren.find((x) => x.kind === 'Secret')!,
      'transfer.key',
    );
    const rndc = new Set<string>();
    for (const [name, children] of workloads) {
      const s = children.find((x) => x.kind === 'Secret')!;
      expect(secretFile(s, 'transfer.key'), name).to.equal(shared);
      rndc.add(secretFile(s, 'rndc.key'));
    }
    expect(rndc.size).to.equal(5);
  });
});
