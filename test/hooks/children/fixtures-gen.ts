/**
 * Writes the `*.request.json` sync fixtures of the infrastructure hooks (test/fixtures/sync/{clusterbind9provider,
 * bind9cluster,bind9instance}/): parents as Metacontroller posts them (hook v2 keys, every child kind present),
 * observed children derived from the hooks' own desired children plus what the apiserver adds (uid,
 * ownerReferences, controller-uid, status). Run `npx tsx test/hooks/children/fixtures-gen.ts`, then
 * `UPDATE_GOLDEN=1 npx mocha test/hooks/controllers` and review the diff.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { createHash } from 'node:crypto';
import { syncBind9Instance, infraDeps } from '../../../hooks/controllers/bind9instance.js';
import { clusterInstances, transferKeySecret } from '../../../hooks/children/cluster.js';
import { REPO, fakeKeys } from './support.js';
import { resolveKey } from '../../../hooks/children/keys.js';

const R = REPO;
const ctl = (f: string) => parse(readFileSync(`${R}/metacontroller/${f}.yaml`, 'utf8'));
const API = 'bindy.firestoned.io/v1beta1';
const uid = (s: string) => {
  const h = createHash('sha256').update(s).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const T0 = '2026-11-20T10:00:00Z';
const T1 = '2026-11-21T09:30:00Z';
const mf = (t: string) => [
  {
    manager: 'kubectl-client-side-apply',
    operation: 'Update',
    apiVersion: API,
    time: t,
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:spec': {} },
  },
];
function write(kind: string, name: string, req: unknown) {
  writeFileSync(`${R}/test/fixtures/sync/${kind}/${name}.request.json`, JSON.stringify(req, null, 2) + '\n');
}
function owned(obj: any, parent: any, ns: string | undefined, extra: any = {}) {
  const o = structuredClone(obj);
  o.metadata = {
    ...o.metadata,
    ...(ns ? { namespace: ns } : {}),
    uid: uid('child/' + o.metadata.name + o.kind),
    resourceVersion: '2000',
    generation: 1,
    creationTimestamp: T0,
    labels: { ...(o.metadata.labels ?? {}), 'controller-uid': parent.metadata.uid },
    ownerReferences: [
      {
        apiVersion: parent.apiVersion,
        kind: parent.kind,
        name: parent.metadata.name,
        uid: parent.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  };
  return { ...o, ...extra };
}
const ready = (gen: number, t = T0) => ({
  observedGeneration: gen,
  conditions: [
    {
      type: 'Ready',
      status: 'True',
      reason: 'Ready',
      message: '1/1 pods ready',
      lastTransitionTime: t,
      observedGeneration: gen,
    },
  ],
});
const keyOf = (ns: string | undefined, n: string) => (ns ? `${ns}/${n}` : n);

// ---------- ClusterBind9Provider ----------
{
  const c = ctl('clusterbind9provider');
  const prov = (name: string, spec: any, gen = 1, status?: any, t = T0) => ({
    apiVersion: API,
    kind: 'ClusterBind9Provider',
    metadata: {
      name,
      uid: uid('p/' + name),
      generation: gen,
      resourceVersion: '100',
      creationTimestamp: T0,
      managedFields: mf(t),
    },
    spec,
    ...(status ? { status } : {}),
  });
  const req = (parent: any, clusters: Record<string, any> = {}) => ({
    controller: c,
    parent,
    children: { [`Bind9Cluster.${API}`]: clusters },
    related: {},
    finalizing: false,
  });
  write('clusterbind9provider', 'minimal', req(prov('dns', { namespace: 'dns-system' })));
  const seed = {
    namespace: 'dns',
    version: '9.18',
    global: { recursion: false, dnssec: true },
    primary: { replicas: 2 },
    secondary: { replicas: 3, zones: ['us-west-2', 'eu-west-1'] },
  };
  write('clusterbind9provider', 'seed-example', req(prov('prod-dns', seed)));
  const spread = {
    namespace: 'dns',
    primary: { replicas: 2, region: 'us-east-1' },
    secondary: {
      replicas: 4,
      zones: [
        { region: 'us-west-2', replicas: 2 },
        { region: 'eu-west-1', replicas: 2 },
      ],
    },
  };
  write('clusterbind9provider', 'region-spread', req(prov('global-dns', spread)));
  const p = prov('prod-dns', seed, 1);
  const childCluster = (status: any) =>
    owned(
      {
        apiVersion: API,
        kind: 'Bind9Cluster',
        metadata: {
          name: 'prod-dns',
          labels: {
            'app.kubernetes.io/managed-by': 'bindy-hooks',
            'app.kubernetes.io/part-of': 'bindy',
            'bindy.firestoned.io/cluster': 'prod-dns',
          },
        },
        spec: (({ namespace: _namespace, ...r }) => r)(seed),
      },
      p,
      'dns',
      { status },
    );
  const names = [
    'prod-dns-primary-0',
    'prod-dns-primary-1',
    'prod-dns-secondary-0',
    'prod-dns-secondary-1',
    'prod-dns-secondary-2',
  ];
  const allReady = {
    observedGeneration: 1,
    instanceCount: 5,
    readyInstances: 5,
    instances: names,
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'AllReady',
        message: '5/5 instances ready',
        lastTransitionTime: T1,
        observedGeneration: 1,
      },
      {
        type: 'Progressing',
        status: 'False',
        reason: 'Reconciled',
        message: 'all instances are up to date',
        lastTransitionTime: T1,
        observedGeneration: 1,
      },
    ],
  };
  write(
    'clusterbind9provider',
    'children-ready',
    req(
      prov('prod-dns', seed, 1, {
        observedGeneration: 1,
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'ClusterPending',
            message: 'Bind9Cluster dns/prod-dns not created yet',
            lastTransitionTime: T0,
            observedGeneration: 1,
          },
          {
            type: 'Progressing',
            status: 'True',
            reason: 'CreatingCluster',
            message: 'creating Bind9Cluster dns/prod-dns',
            lastTransitionTime: T0,
            observedGeneration: 1,
          },
        ],
      }),
      { [keyOf('dns', 'prod-dns')]: childCluster(allReady) },
    ),
  );
  const partly = {
    observedGeneration: 1,
    instanceCount: 5,
    readyInstances: 3,
    instances: names,
    conditions: [
      {
        type: 'Ready',
        status: 'False',
        reason: 'PartiallyReady',
        message: '3/5 instances ready; not ready: prod-dns-secondary-1, prod-dns-secondary-2',
        lastTransitionTime: T0,
        observedGeneration: 1,
      },
      {
        type: 'Progressing',
        status: 'True',
        reason: 'InstancesPending',
        message: 'waiting for prod-dns-secondary-1, prod-dns-secondary-2',
        lastTransitionTime: T0,
        observedGeneration: 1,
      },
    ],
  };
  write(
    'clusterbind9provider',
    'child-partially-ready',
    req(prov('prod-dns', seed), { [keyOf('dns', 'prod-dns')]: childCluster(partly) }),
  );
  const changed = { ...seed, secondary: { replicas: 4, zones: ['us-west-2', 'eu-west-1'] } };
  const ready2 = { ...allReady, conditions: allReady.conditions };
  write(
    'clusterbind9provider',
    'spec-changed',
    req(
      prov(
        'prod-dns',
        changed,
        2,
        {
          observedGeneration: 1,
          instanceCount: 5,
          readyInstances: 5,
          instances: names,
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'AllReady',
              message: 'Bind9Cluster dns/prod-dns: 5/5 instances ready',
              lastTransitionTime: T1,
              observedGeneration: 1,
            },
            {
              type: 'Progressing',
              status: 'False',
              reason: 'Reconciled',
              message: 'Bind9Cluster dns/prod-dns: all instances are up to date',
              lastTransitionTime: T1,
              observedGeneration: 1,
            },
          ],
        },
        '2026-11-22T08:00:00Z',
      ),
      { [keyOf('dns', 'prod-dns')]: childCluster(ready2) },
    ),
  );
  write(
    'clusterbind9provider',
    'long-name',
    req(
      prov('a'.repeat(40) + '.example.' + 'b'.repeat(20), {
        namespace: 'dns',
        primary: { replicas: 1 },
        acls: { internal: ['10.0.0.0/8'] },
        global: { allowQuery: ['internal'] },
      }),
    ),
  );
}

// ---------- Bind9Cluster ----------
{
  const c = ctl('bind9cluster');
  const cl = (name: string, spec: any, gen = 1, status?: any, t = T0) => ({
    apiVersion: API,
    kind: 'Bind9Cluster',
    metadata: {
      name,
      namespace: 'dns',
      uid: uid('c/' + name),
      generation: gen,
      resourceVersion: '100',
      creationTimestamp: T0,
      managedFields: mf(t),
    },
    spec,
    ...(status ? { status } : {}),
  });
  const req = (parent: any, instances: Record<string, any> = {}, secrets: Record<string, any> = {}) => ({
    controller: c,
    parent,
    children: { [`Bind9Instance.${API}`]: instances, 'Secret.v1': secrets },
    related: {},
    finalizing: false,
  });
  write('bind9cluster', 'minimal', req(cl('my-dns', { primary: { replicas: 1 } })));
  const seed = {
    version: '9.18',
    global: { recursion: false, dnssec: true },
    primary: { replicas: 2 },
    secondary: { replicas: 3, zones: ['us-west-2', 'eu-west-1'] },
  };
  write('bind9cluster', 'seed-example', req(cl('prod-dns', seed)));
  const spread = {
    primary: { replicas: 2, region: 'us-east-1', labels: { tier: 'edit' } },
    secondary: {
      replicas: 4,
      zones: [
        { region: 'us-west-2', replicas: 2 },
        { region: 'eu-west-1', replicas: 2 },
      ],
      labels: { tier: 'edge' },
      allowTransfer: ['10.0.0.0/8'],
    },
  };
  write('bind9cluster', 'region-spread', req(cl('global-dns', spread)));
  write(
    'bind9cluster',
    'zones-without-replicas',
    req(
      cl('global-saas-dns', {
        primary: { replicas: 2, region: 'us-east-1' },
        secondary: { zones: [{ region: 'us-west-2' }, { region: 'eu-west-1' }, { region: 'ap-southeast-1' }] },
      }),
    ),
  );
  // observed children: instances + secret
  const parent = cl('prod-dns', seed);
  const gen = fakeKeys();
  const secret = transferKeySecret('prod-dns', resolveKey('bindy-transfer', 'hmac-sha256', undefined, gen));
  const obsSecret = { [keyOf('dns', secret.metadata!.name!)]: owned(secret, parent, 'dns') };
  const inst = (readyNames: string[] | 'all', spec = seed) =>
    Object.fromEntries(
      clusterInstances('prod-dns', spec as any).map((i) => [
        keyOf('dns', i.metadata.name),
        owned(
          i,
          parent,
          'dns',
          readyNames === 'all' || readyNames.includes(i.metadata.name)
            ? { status: { ...ready(1), role: i.spec.role } }
            : {
                status: {
                  observedGeneration: 1,
                  role: i.spec.role,
                  conditions: [
                    {
                      type: 'Ready',
                      status: 'False',
                      reason: 'PodsNotReady',
                      message: '0/1 pods ready',
                      lastTransitionTime: T0,
                      observedGeneration: 1,
                    },
                  ],
                },
              },
        ),
      ]),
    );
  write(
    'bind9cluster',
    'children-ready',
    req(
      cl(
        'prod-dns',
        seed,
        1,
        {
          observedGeneration: 1,
          instanceCount: 5,
          readyInstances: 3,
          instances: [],
          conditions: [
            {
              type: 'Ready',
              status: 'False',
              reason: 'PartiallyReady',
              message: '3/5 instances ready',
              lastTransitionTime: T0,
              observedGeneration: 1,
            },
            {
              type: 'Progressing',
              status: 'True',
              reason: 'InstancesPending',
              message: 'waiting',
              lastTransitionTime: T0,
              observedGeneration: 1,
            },
          ],
        },
        T1,
      ),
      inst('all'),
      obsSecret,
    ),
  );
  write(
    'bind9cluster',
    'keys-present',
    req(cl('prod-dns', seed), inst(['prod-dns-primary-0', 'prod-dns-primary-1', 'prod-dns-secondary-0']), obsSecret),
  );
  const smaller = {
    ...seed,
    primary: { replicas: 1 },
    secondary: { replicas: 2, zones: ['us-west-2', 'eu-west-1'] },
    acls: { internal: ['10.0.0.0/8'] },
    global: { recursion: false, dnssec: true, allowQuery: ['internal'] },
  };
  write(
    'bind9cluster',
    'spec-changed',
    req(
      cl(
        'prod-dns',
        smaller,
        2,
        {
          observedGeneration: 1,
          instanceCount: 5,
          readyInstances: 5,
          instances: Object.values(inst('all'))
            .map((i: any) => i.metadata.name)
            .sort(),
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'AllReady',
              message: '5/5 instances ready',
              lastTransitionTime: T1,
              observedGeneration: 1,
            },
            {
              type: 'Progressing',
              status: 'False',
              reason: 'Reconciled',
              message: 'all instances are up to date',
              lastTransitionTime: T1,
              observedGeneration: 1,
            },
          ],
        },
        '2026-11-22T08:00:00Z',
      ),
      inst('all'),
      obsSecret,
    ),
  );
  write(
    'bind9cluster',
    'long-name',
    req(
      cl('platform-team-authoritative-dns.' + 'x'.repeat(40), { primary: { replicas: 1 }, secondary: { replicas: 1 } }),
    ),
  );
  write('bind9cluster', 'zero-replicas', req(cl('idle-dns', { primary: { replicas: 0 } })));
}

// ---------- Bind9Instance ----------
{
  const c = ctl('bind9instance');
  const kinds = [
    'ConfigMap.v1',
    'Secret.v1',
    'ServiceAccount.v1',
    'Deployment.apps/v1',
    'Service.v1',
    'PersistentVolumeClaim.v1',
  ];
  const inst = (name: string, spec: any, gen = 1, status?: any, t = T0, labels?: any) => ({
    apiVersion: API,
    kind: 'Bind9Instance',
    metadata: {
      name,
      namespace: 'dns',
      uid: uid('i/' + name),
      generation: gen,
      resourceVersion: '100',
      creationTimestamp: T0,
      managedFields: mf(t),
      ...(labels ? { labels } : {}),
    },
    spec,
    ...(status ? { status } : {}),
  });
  const req = (
    parent: any,
    children: Record<string, Record<string, any>> = {},
    related: Record<string, Record<string, any>> = {},
  ) => ({
    controller: c,
    parent,
    children: Object.fromEntries(kinds.map((k) => [k, children[k] ?? {}])),
    related,
    finalizing: false,
  });
  const seed = {
    version: '9.18',
    global: { recursion: false, dnssec: true },
    primary: { replicas: 2 },
    secondary: { replicas: 3, zones: ['us-west-2', 'eu-west-1'] },
    acls: { internal: ['10.0.0.0/8', 'fd00::/8'] },
  };
  const cluster = {
    apiVersion: API,
    kind: 'Bind9Cluster',
    metadata: {
      name: 'prod-dns',
      namespace: 'dns',
      uid: uid('c/prod-dns'),
      generation: 1,
      resourceVersion: '100',
      creationTimestamp: T0,
    },
    spec: seed,
  };
  const gen = fakeKeys();
  const tsecret = transferKeySecret('prod-dns', resolveKey('bindy-transfer', 'hmac-sha256', undefined, gen));
  const relTransfer = {
    ...tsecret,
    metadata: { ...tsecret.metadata, namespace: 'dns', uid: uid('ts'), resourceVersion: '300', creationTimestamp: T0 },
  };
  const relCluster = {
    [`Bind9Cluster.${API}`]: { 'dns/prod-dns': cluster },
    [`ClusterBind9Provider.${API}`]: {},
    'Secret.v1': { [`dns/${tsecret.metadata!.name}`]: relTransfer },
  };
  const fromCluster = Object.fromEntries(clusterInstances('prod-dns', seed as any).map((i) => [i.metadata.name, i]));
  const p0 = fromCluster['prod-dns-primary-0']!;
  const s1 = fromCluster['prod-dns-secondary-1']!;

  write(
    'bind9instance',
    'minimal',
    req(
      inst('standalone', { clusterRef: 'nowhere', role: 'primary' }),
      {},
      { [`Bind9Cluster.${API}`]: {}, [`ClusterBind9Provider.${API}`]: {}, 'Secret.v1': {} },
    ),
  );
  write(
    'bind9instance',
    'seed-example',
    req(inst(p0.metadata.name, p0.spec, 1, undefined, T0, p0.metadata.labels), {}, relCluster),
  );
  const primaries = Object.fromEntries(
    ['prod-dns-primary-0', 'prod-dns-primary-1'].map((n, i) => {
      const p = fromCluster[n]!;
      return [
        `dns/${n}`,
        {
          ...inst(
            n,
            p.spec,
            1,
            {
              ...ready(1),
              role: 'primary',
              readyReplicas: 1,
              endpoint: `http://${n}.dns.svc:8080`,
              dnsEndpoint: `10.96.0.${10 + i}:53`,
            },
            T0,
            p.metadata.labels,
          ),
        },
      ];
    }),
  );
  write(
    'bind9instance',
    'secondary-region-spread',
    req(
      inst(s1.metadata.name, s1.spec, 1, undefined, T0, s1.metadata.labels),
      {},
      { ...relCluster, [`Bind9Instance.${API}`]: primaries },
    ),
  );
  // observed children derived from a first sync
  const parentP = inst(p0.metadata.name, p0.spec, 1, undefined, T0, p0.metadata.labels);
  const first = syncBind9Instance(req(parentP, {}, relCluster) as any, { ...infraDeps({}), generateKey: fakeKeys() });
  const observe = (children: any[], parent: any, depStatus: any, svcIP = '10.96.0.10') => {
    const out: Record<string, Record<string, any>> = {};
    for (const ch of children) {
      const key = ch.kind + '.' + ch.apiVersion;
      let extra: any = {};
      if (ch.kind === 'Deployment') extra = { status: depStatus };
      if (ch.kind === 'Service') extra = { spec: { ...ch.spec, clusterIP: svcIP, clusterIPs: [svcIP] } };
      (out[key] ??= {})[`dns/${ch.metadata.name}`] = owned(ch, parent, 'dns', extra);
    }
    return out;
  };
  const depReady = { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 };
  write(
    'bind9instance',
    'children-ready',
    req(
      inst(
        p0.metadata.name,
        p0.spec,
        1,
        {
          role: 'primary',
          observedGeneration: 1,
          readyReplicas: 0,
          conditions: [
            {
              type: 'Ready',
              status: 'False',
              reason: 'PodsNotReady',
              message: '0/1 pods ready',
              lastTransitionTime: T0,
              observedGeneration: 1,
            },
            {
              type: 'Progressing',
              status: 'True',
              reason: 'RollingOut',
              message: 'rolling out',
              lastTransitionTime: T0,
              observedGeneration: 1,
            },
          ],
        },
        T0,
        p0.metadata.labels,
      ),
      observe(first.children, parentP, depReady),
      relCluster,
    ),
  );
  write(
    'bind9instance',
    'keys-present',
    req(
      parentP,
      observe(first.children, parentP, { observedGeneration: 1, replicas: 1, updatedReplicas: 1 }),
      relCluster,
    ),
  );
  const changedSpec = {
    ...p0.spec,
    config: { ...(p0.spec.config ?? {}), allowQuery: ['internal', 'localhost'], forwarders: ['1.1.1.1'] },
  };
  write(
    'bind9instance',
    'spec-changed',
    req(
      inst(
        p0.metadata.name,
        changedSpec,
        2,
        {
          role: 'primary',
          observedGeneration: 1,
          readyReplicas: 1,
          endpoint: 'http://prod-dns-primary-0.dns.svc:8080',
          dnsEndpoint: '10.96.0.10:53',
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'Ready',
              message: '1/1 pods ready',
              lastTransitionTime: T1,
              observedGeneration: 1,
            },
            {
              type: 'Progressing',
              status: 'False',
              reason: 'RolledOut',
              message: 'rolled out',
              lastTransitionTime: T1,
              observedGeneration: 1,
            },
          ],
        },
        '2026-11-22T08:00:00Z',
        p0.metadata.labels,
      ),
      observe(first.children, parentP, depReady),
      relCluster,
    ),
  );
  write(
    'bind9instance',
    'external',
    req(
      inst('edge-bindcar', {
        clusterRef: 'prod-dns',
        role: 'primary',
        external: {
          bindcarUrl: 'https://dns1.example.net:8443/',
          dnsAddress: '192.0.2.53:53',
        },
      }),
      {},
      relCluster,
    ),
  );
  write(
    'bind9instance',
    'pvc-and-configmap-refs',
    req(
      inst('big-secondary', {
        clusterRef: 'nowhere',
        role: 'secondary',
        replicas: 3,
        region: 'eu-west-1',
        storage: {
          storageType: 'persistentVolumeClaim',
          persistentVolumeClaim: { storageClassName: 'fast-ssd', size: '5Gi' },
        },
        configMapRefs: { namedConfOptions: 'bindy-custom-options' },
        image: { image: 'registry.example.com/bind9:9.20', imagePullPolicy: 'Always', imagePullSecrets: ['regcred'] },
        rndcKey: { algorithm: 'hmac-sha512' },
      }),
      {},
      {
        [`Bind9Cluster.${API}`]: {},
        [`ClusterBind9Provider.${API}`]: {},
        'Secret.v1': {},
        [`Bind9Instance.${API}`]: {},
      },
    ),
  );
  // provider-resolved instance (no namespaced Bind9Cluster, a ClusterBind9Provider)
  const prov = {
    apiVersion: API,
    kind: 'ClusterBind9Provider',
    metadata: { name: 'shared-dns', uid: uid('p/shared'), generation: 1, resourceVersion: '5', creationTimestamp: T0 },
    spec: {
      namespace: 'dns',
      primary: {
        replicas: 1,
        service: { type: 'LoadBalancer', annotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' } },
      },
      global: { listenOnV6: ['none'] },
    },
  };
  write(
    'bind9instance',
    'provider-ref',
    req(
      inst('shared-dns-primary-0', { clusterRef: 'shared-dns', role: 'primary' }),
      {},
      { [`Bind9Cluster.${API}`]: {}, [`ClusterBind9Provider.${API}`]: { 'shared-dns': prov }, 'Secret.v1': {} },
    ),
  );
}
console.log('ok');
