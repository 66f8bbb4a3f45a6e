import { expect } from 'chai';
import { join } from 'node:path';
import { LocalDriver, type CompositeController, type DecoratorController } from '../../local/driver.js';
import { kindOf, loadControllers, loadDecorators } from '../../local/stack.js';
import { ObjectStore, type StoredObject } from '../../local/store.js';
import { hookRoutes } from '../../hooks/routes.js';
import { isSourceObject } from '../../hooks/sources/source.js';
import { REPO } from '../hooks/children/support.js';

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

describe('local/driver', () => {
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

describe('local/driver: DecoratorControllers', () => {
  const decorator = (resources: DecoratorController['spec']['resources']): DecoratorController => ({
    apiVersion: 'metacontroller.k8s.io/v1alpha1',
    kind: 'DecoratorController',
    metadata: { name: 'd' },
    spec: { resources, hooks: { sync: { webhook: { url: 'http://h/sync/d' } } } },
  });
  const setup = (dc: DecoratorController, answer: (body: any) => unknown) => {
    const store = new ObjectStore();
    const calls: string[] = [];
    const errors: string[] = [];
    const driver = new LocalDriver({
      store,
      controllers: [],
      decorators: [dc],
      kindOf: (r) => kinds[r.resource] as string,
      now: () => '2026-01-01T00:00:00Z',
      post: async (path, body: any) => {
        calls.push(`${path} ${body.object.kind}/${body.object.metadata.name}`);
        expect(Object.keys(body)).to.deep.equal(['controller', 'object', 'attachments', 'related', 'finalizing']);
        return answer(body);
      },
      onError: (_p, hook, err) => errors.push(`${hook}: ${(err as Error).message}`),
    });
    return { store, calls, errors, driver };
  };

  it('sets and removes labels (null), keeps the user labels and leaves the status when it is null', async () => {
    const { store, driver } = setup(decorator([{ apiVersion: V, resource: 'arecords' }]), (body) => ({
      labels: { idx: body.object.spec.zoneRef, stale: null },
      status: null,
      attachments: [],
    }));
    driver.applyManifests([obj('ARecord', 'www', { zoneRef: 'z' }, { app: 'web', stale: 'x' })], []);
    store.setStatus(store.get(V, 'ARecord', 'default', 'www')!, { zone: 'example.com' });
    await driver.reconcileAll();
    const www = store.get(V, 'ARecord', 'default', 'www')!;
    expect(www.metadata.labels).to.deep.equal({ app: 'web', idx: 'z' });
    expect(www.status).to.deep.equal({ zone: 'example.com' });
    expect(www.metadata.generation).to.equal(1);
  });

  it('calls the hook again only when the object changed (with ignoreStatusChanges: not for status)', async () => {
    for (const ignoreStatusChanges of [false, true]) {
      const { store, calls, driver } = setup(
        decorator([{ apiVersion: V, resource: 'arecords', ignoreStatusChanges }]),
        () => ({ labels: { idx: 'v' }, status: null }),
      );
      driver.applyManifests([obj('ARecord', 'www', { zoneRef: 'z' })], []);
      await driver.reconcileAll();
      await driver.reconcileAll();
      expect(calls, `ignoreStatusChanges ${ignoreStatusChanges}`).to.deep.equal(['/sync/d ARecord/www']);
      store.setStatus(store.get(V, 'ARecord', 'default', 'www')!, { zone: 'example.com' });
      await driver.reconcileAll();
      expect(calls.length, `ignoreStatusChanges ${ignoreStatusChanges}`).to.equal(ignoreStatusChanges ? 1 : 2);
      // a spec change always counts
      driver.applyManifests([obj('ARecord', 'www', { zoneRef: 'y' })], []);
      await driver.reconcileAll();
      expect(calls.length).to.equal(ignoreStatusChanges ? 2 : 3);
    }
  });

  it('decorates only what the resource selector picks', async () => {
    const { calls, driver } = setup(
      decorator([{ apiVersion: V, resource: 'arecords', labelSelector: { matchLabels: { app: 'web' } } }]),
      () => ({ labels: {}, status: null }),
    );
    driver.applyManifests([obj('ARecord', 'a', {}, { app: 'web' }), obj('ARecord', 'b', {}, { app: 'db' })], []);
    await driver.reconcileAll();
    expect(calls).to.deep.equal(['/sync/d ARecord/a']);
  });

  it('refuses what Metacontroller refuses: unknown response fields, invalid label values', async () => {
    const answers: unknown[] = [
      { label: { idx: 'v' }, status: null },
      { labels: { idx: 'x'.repeat(64) }, status: null },
      { labels: { 'bad key!': 'v' }, status: null },
    ];
    const errors: string[] = [];
    for (const a of answers) {
      const s = setup(decorator([{ apiVersion: V, resource: 'arecords' }]), () => a);
      s.driver.applyManifests([obj('ARecord', 'www', {})], []);
      const r = await s.driver.reconcileAll();
      expect(r.errors).to.be.greaterThan(0);
      expect(s.store.get(V, 'ARecord', 'default', 'www')!.metadata.labels).to.equal(undefined);
      errors.push(...s.errors.slice(0, 1));
    }
    expect(errors[0]).to.match(/unknown field\(s\) label \(hook v2 is strict\)/);
    expect(errors[1]).to.match(/invalid label idx: value "x{64}"/);
    expect(errors[2]).to.match(/invalid label key "bad key!"/);
  });

  it('runs attachments and the finalize hook like Metacontroller (metacontroller/sources.yaml, the real hooks)', async () => {
    const dir = join(REPO, 'metacontroller');
    const routes = new Map(hookRoutes({ clock: () => '2026-01-01T00:00:00Z' }).map((r) => [r.path, r]));
    const store = new ObjectStore();
    const errors: string[] = [];
    const driver = new LocalDriver({
      store,
      controllers: [],
      decorators: await loadDecorators(dir),
      kindOf,
      statusFromManifest: isSourceObject,
      now: () => '2026-01-01T00:00:00Z',
      post: async (path, body: any) => routes.get(path)!.handle(structuredClone(body) as never, {} as never),
      onError: (_p, hook, err) => errors.push(`${hook}: ${(err as Error).message}`),
    });
    const zone = { ...obj('DNSZone', 'example-com', { zoneName: 'example.com', clusterRef: 'dns' }) };
    const ingress = (ip: string, annotated = true): StoredObject => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: 'shop',
        namespace: 'default',
        ...(annotated ? { annotations: { 'bindy.firestoned.io/zone': 'example-com' } } : {}),
      },
      spec: { rules: [{ host: 'www.example.com' }] },
      status: { loadBalancer: { ingress: [{ ip }] } },
    });
    const records = () =>
      store
        .list(V, 'ARecord')
        .map((r) => [r.metadata.ownerReferences?.[0]?.kind, (r.spec as any).name, (r.spec as any).ipv4Addresses]);
    // GIVEN an annotated Ingress with an address (its status as written in the folder) THEN it gets its ARecord
    let prev = [zone, ingress('192.0.2.10')];
    driver.applyManifests(prev, []);
    await driver.reconcileAll();
    expect(errors).to.deep.equal([]);
    expect(records()).to.deep.equal([['Ingress', 'www', ['192.0.2.10']]]);
    const rec = store.list(V, 'ARecord')[0]!;
    expect(rec.metadata.labels?.['zone.bindy.firestoned.io/example-com'], 'index label of its zone').to.equal('ref');
    expect(rec.metadata.annotations?.['metacontroller.k8s.io/decorator-controller']).to.equal('bindy-sources');
    const report = () =>
      store.get('networking.k8s.io/v1', 'Ingress', 'default', 'shop')?.metadata.annotations?.[
        'bindy.firestoned.io/dns'
      ];
    expect(JSON.parse(report()!)).to.deep.equal({ records: [`ARecord/${rec.metadata.name}`], problems: [] });
    // WHEN the address changes THEN the record follows
    driver.applyManifests([zone, ingress('192.0.2.20')], prev);
    prev = [zone, ingress('192.0.2.20')];
    await driver.reconcileAll();
    expect(records()).to.deep.equal([['Ingress', 'www', ['192.0.2.20']]]);
    // WHEN the annotation goes THEN the finalize hook removes the record and the report
    driver.applyManifests([zone, ingress('192.0.2.20', false)], prev);
    prev = [zone, ingress('192.0.2.20', false)];
    await driver.reconcileAll();
    expect(records()).to.deep.equal([]);
    expect(report()).to.equal(undefined);
    // WHEN it is annotated again and then deleted THEN its record goes with it
    driver.applyManifests([zone, ingress('192.0.2.20')], prev);
    prev = [zone, ingress('192.0.2.20')];
    await driver.reconcileAll();
    expect(records()).to.have.length(1);
    driver.applyManifests([zone], prev);
    await driver.reconcileAll();
    expect(records()).to.deep.equal([]);
    expect(store.get('networking.k8s.io/v1', 'Ingress', 'default', 'shop')).to.equal(undefined);
    expect(errors).to.deep.equal([]);
  });
});

describe('local/driver: the index labels of metacontroller/ with the real hooks', () => {
  /** The real decorator and DNSZone customize hooks; the DNSZone sync is a spy that records what it was related. */
  async function run(withDecorators: boolean, objects: StoredObject[]) {
    const dir = join(REPO, 'metacontroller');
    const routes = new Map(hookRoutes({ clock: () => '2026-01-01T00:00:00Z' }).map((r) => [r.path, r]));
    const related = new Map<string, Record<string, string[]>>();
    const store = new ObjectStore();
    const driver = new LocalDriver({
      store,
      controllers: (await loadControllers(dir)).filter((c) => c.spec.parentResource.resource === 'dnszones'),
      decorators: withDecorators ? await loadDecorators(dir) : [],
      kindOf,
      now: () => '2026-01-01T00:00:00Z',
      post: async (path, body: any) => {
        if (path === '/sync/dnszone') {
          related.set(
            `${body.parent.metadata.namespace}/${body.parent.metadata.name}`,
            Object.fromEntries(
              Object.entries(body.related as Record<string, object>)
                .map(([k, g]) => [k.split('.')[0]!, Object.keys(g).sort()] as const)
                .filter(([, keys]) => keys.length > 0),
            ),
          );
          return { status: {}, children: [] };
        }
        const route = routes.get(path)!;
        return route.handle(structuredClone(body) as never, {} as never);
      },
      onError: (_p, hook, err) => {
        throw new Error(`${hook}: ${(err as Error).message}`);
      },
    });
    driver.applyManifests(objects, []);
    await driver.reconcileAll();
    return { related, store };
  }
  const at = (ns: string, o: StoredObject): StoredObject => ({ ...o, metadata: { ...o.metadata, namespace: ns } });
  const world = [
    at('dns', obj('DNSZone', 'example-com', { zoneName: 'example.com', clusterRef: 'prod-dns' })),
    // the seed's shape: records name their zone by zoneRef only, instances their cluster by clusterRef only
    at('dns', obj('ARecord', 'www', { zoneRef: 'example-com', name: 'www', ipv4Address: '192.0.2.1' })),
    at('dns', obj('ARecord', 'api', { zoneRef: 'other-zone', name: 'api', ipv4Address: '192.0.2.2' })),
    at('dns', obj('Bind9Instance', 'edge', { clusterRef: 'prod-dns', role: 'primary', replicas: 1 })),
    at('dns', obj('Bind9Instance', 'core', { clusterRef: 'core-dns', role: 'primary', replicas: 1 })),
    at('team', obj('DNSZone', 'example-com-copy', { zoneName: 'Example.com', clusterRef: 'prod-dns' })),
    at('team', obj('DNSZone', 'example-org', { zoneName: 'example.org', clusterRef: 'prod-dns' })),
  ];

  it('relates a record to its zone only through the index label the decorator sets', async () => {
    // GIVEN no decorator THEN no zone is synced: the DNSZone controller waits for a zone's index labels
    const bare = await run(false, world);
    expect([...bare.related.keys()]).to.deep.equal([]);
    // GIVEN the decorator of metacontroller/index-labels.yaml THEN exactly the objects that matter are related
    const { related, store } = await run(true, world);
    expect(related.get('dns/example-com')).to.deep.equal({
      ARecord: ['dns/www'],
      Bind9Instance: ['dns/edge'],
      DNSZone: ['team/example-com-copy'], // the same zone name elsewhere, never the zone itself
    });
    expect(related.get('team/example-org')).to.deep.equal({ Bind9Instance: ['dns/edge'] });
    expect(store.get(V, 'ARecord', 'dns', 'www')!.metadata.labels).to.deep.equal({
      'zone.bindy.firestoned.io/example-com': 'ref',
      // automatic PTR's address prefixes: no reverse zone here, so they relate the record to nothing else
      'ptr.bindy.firestoned.io/v4-192': 'true',
      'ptr.bindy.firestoned.io/v4-192.0': 'true',
      'ptr.bindy.firestoned.io/v4-192.0.2': 'true',
    });
  });
});
