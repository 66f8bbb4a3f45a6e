/** Synthetic Metacontroller sync request for the DNSZone benchmark: one zone, N records (A, every 10th TXT, some MX). */
import type { KubeObject, ObjectMap } from '../../../hooks/metacontroller.js';
const V = 'bindy.firestoned.io/v1beta1';
/** A v2 sync request with `n` records; `served` gives every record the status the hook would have written. */
export function world(n: number, served: boolean) {
  const t0 = Date.parse('2026-11-01T00:00:00Z');
  const related: ObjectMap = {
    [`Bind9Cluster.${V}`]: {},
    [`ClusterBind9Provider.${V}`]: {},
    [`Bind9Instance.${V}`]: {},
    [`DNSZone.${V}`]: {},
    [`ARecord.${V}`]: {},
    [`TXTRecord.${V}`]: {},
    [`MXRecord.${V}`]: {},
  };
  related[`Bind9Cluster.${V}`]!['dns/prod-dns'] = {
    apiVersion: V,
    kind: 'Bind9Cluster',
    metadata: { name: 'prod-dns', namespace: 'dns' },
    spec: {},
  };
  related[`Bind9Instance.${V}`]!['dns/p0'] = {
    apiVersion: V,
    kind: 'Bind9Instance',
    metadata: { name: 'p0', namespace: 'dns', labels: { 'bindy.firestoned.io/cluster': 'prod-dns' } },
    spec: { clusterRef: 'prod-dns', role: 'primary' },
    status: { endpoint: 'http://p0:8080' },
  };
  const parent: KubeObject = {
    apiVersion: V,
    kind: 'DNSZone',
    metadata: {
      name: 'example-com',
      namespace: 'dns',
      uid: 'u',
      generation: 1,
      creationTimestamp: '2026-10-01T00:00:00Z',
    },
    spec: {
      zoneName: 'example.com',
      clusterRef: 'prod-dns',
      nameServers: [{ hostname: 'ns1.example.com', ipv4Address: '192.0.2.53' }],
    },
  };
  related[`DNSZone.${V}`]!['dns/example-com'] = parent;
  for (let i = 0; i < n; i++) {
    const kind = i % 10 === 0 ? 'TXTRecord' : i % 25 === 1 ? 'MXRecord' : 'ARecord';
    const name = `r${i}`;
    const spec =
      kind === 'ARecord'
        ? { zoneRef: 'example-com', ipv4Address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }
        : kind === 'TXTRecord'
          ? { zoneRef: 'example-com', text: [`v=record ${i} ${'x'.repeat(40)}`] }
          : { zoneRef: 'example-com', priority: 10, mailServer: 'mail.example.net' };
    const rec: KubeObject = {
      apiVersion: V,
      kind,
      metadata: {
        name,
        namespace: 'dns',
        uid: `u${i}`,
        generation: 1,
        resourceVersion: String(i),
        creationTimestamp: new Date(t0 + i * 1000).toISOString().replace('.000Z', 'Z'),
        labels: { app: 'bench' },
        managedFields: [{ manager: 'kubectl', operation: 'Apply', time: '2026-11-01T00:00:00Z' } as never],
      },
      spec,
    };
    if (served)
      rec['status'] = {
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'Served',
            message: `served as ${name}.example.com. in zone example.com`,
            lastTransitionTime: '2026-11-01T00:00:00Z',
            observedGeneration: 1,
          },
        ],
        observedGeneration: 1,
        zone: 'example.com',
        fqdn: `${name}.example.com.`,
      };
    related[`${kind}.${V}`]![`dns/${name}`] = rec;
  }
  return {
    controller: {
      apiVersion: 'metacontroller.k8s.io/v1alpha1',
      kind: 'CompositeController',
      metadata: { name: 'bindy-dnszone' },
    },
    parent,
    children: {},
    related,
    finalizing: false,
  };
}
