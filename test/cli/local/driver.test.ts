import { expect } from 'chai';
import { LocalDriver, type CompositeController } from '../../../cli/local/driver.js';
import { ObjectStore, type StoredObject } from '../../../cli/local/store.js';

const V = 'bindy.firestoned.io/v1beta1';
const controller = (
  name: string,
  resource: string,
  hooks: CompositeController['spec']['hooks'],
  childResources = [{ apiVersion: 'v1', resource: 'configmaps' }],
): CompositeController => ({
  apiVersion: 'metacontroller.k8s.io/v1alpha1',
  kind: 'CompositeController',
  metadata: { name },
  spec: { parentResource: { apiVersion: V, resource }, childResources, hooks },
});
const kinds: Record<string, string> = {
  dnszones: 'DNSZone',
  arecords: 'ARecord',
  configmaps: 'ConfigMap',
  bind9clusters: 'Bind9Cluster',
};
const obj = (kind: string, name: string, spec: unknown, labels?: Record<string, string>): StoredObject => ({
  apiVersion: kind === 'ConfigMap' ? 'v1' : V,
  kind,
  metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) },
  spec,
});

describe('cli/local/driver', () => {
  it('creates desired children with owner references, replaces status and deletes children no longer desired', async () => {
    // GIVEN a controller whose sync returns one ConfigMap per entry of spec.names
    const store = new ObjectStore();
    const requests: { path: string; body: any }[] = [];
    const driver = new LocalDriver({
      store,
      controllers: [controller('c', 'bind9clusters', { sync: { webhook: { url: 'http://hooks/sync/x' } } })],
      kindOf: (r) => kinds[r.resource] as string,
      now: () => '2026-01-01T00:00:00Z',
      post: async (path, body: any) => {
        requests.push({ path, body });
        return {
          status: { children: Object.keys(body.children['ConfigMap.v1']).length },
          children: body.parent.spec.names.map((n: string) => ({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: n },
            data: {},
          })),
        };
      },
    });
    const parent = obj('Bind9Cluster', 'p', { names: ['a', 'b'] });
    driver.applyManifests([parent], []);
    // WHEN it reconciles
    await driver.reconcileAll();
    // THEN the children exist, owned by the parent, and the status reflects the observed children
    const cms = store
      .list('v1', 'ConfigMap')
      .map((c) => [c.metadata.name, c.metadata.ownerReferences?.[0]?.name, c.metadata.labels?.['controller-uid']]);
    const uid = store.get(V, 'Bind9Cluster', 'default', 'p')?.metadata.uid;
    expect(cms).to.deep.equal([
      ['a', 'p', uid],
      ['b', 'p', uid],
    ]);
    expect(store.get(V, 'Bind9Cluster', 'default', 'p')?.status).to.deep.equal({ children: 2, observedGeneration: 1 });
    expect(requests[0]?.path).to.equal('/sync/x');
    expect(requests[0]?.body.children).to.deep.equal({ 'ConfigMap.v1': {} });
    expect(requests[0]?.body.finalizing).to.equal(false);

    // WHEN the spec drops a name THEN that child is deleted and the generation grows
    driver.applyManifests([obj('Bind9Cluster', 'p', { names: ['b'] })], [parent]);
    await driver.reconcileAll();
    expect(store.list('v1', 'ConfigMap').map((c) => c.metadata.name)).to.deep.equal(['b']);
    expect(store.get(V, 'Bind9Cluster', 'default', 'p')?.metadata.generation).to.equal(2);
  });

  it('sends related objects selected by the customize rules and finalizes deleted parents', async () => {
    const store = new ObjectStore();
    let finalizeCalls = 0;
    let released = false;
    const driver = new LocalDriver({
      store,
      controllers: [
        controller(
          'z',
          'dnszones',
          {
            sync: { webhook: { url: 'http://h/sync/dnszone' } },
            finalize: { webhook: { url: 'http://h/finalize/dnszone' } },
            customize: { webhook: { url: 'http://h/customize/dnszone' } },
          },
          [],
        ),
      ],
      kindOf: (r) => kinds[r.resource] as string,
      now: () => '2026-01-01T00:00:00Z',
      post: async (path, body: any) => {
        if (path === '/customize/dnszone') {
          return {
            relatedResources: [
              {
                apiVersion: V,
                resource: 'arecords',
                namespace: 'default',
                labelSelector: { matchLabels: { zone: 'z' } },
              },
            ],
          };
        }
        if (path === '/finalize/dnszone') {
          finalizeCalls++;
          return { status: {}, children: [], finalized: released };
        }
        return { status: { related: Object.keys(body.related['ARecord.' + V]) }, children: [] };
      },
    });
    const zone = obj('DNSZone', 'z', { zoneName: 'example.com' });
    const records = [obj('ARecord', 'www', {}, { zone: 'z' }), obj('ARecord', 'other', {}, { zone: 'y' })];
    driver.applyManifests([zone, ...records], []);
    await driver.reconcileAll();
    expect(store.get(V, 'DNSZone', 'default', 'z')?.status?.['related']).to.deep.equal(['default/www']);

    // Deleting the zone calls finalize until it answers finalized:true.
    driver.applyManifests(records, [zone, ...records]);
    await driver.reconcileAll(2);
    expect(finalizeCalls).to.be.greaterThan(0);
    expect(store.get(V, 'DNSZone', 'default', 'z')?.metadata.deletionTimestamp).to.equal('2026-01-01T00:00:00Z');
    released = true;
    await driver.reconcileAll();
    expect(store.get(V, 'DNSZone', 'default', 'z')).to.equal(undefined);
  });
});
