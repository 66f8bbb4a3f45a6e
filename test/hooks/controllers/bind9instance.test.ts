import { parseConfig } from '../../../bindcar/config.js';
import { expect } from 'chai';
import type { V1Deployment } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_BINDCAR_IMAGE,
  bind9InstanceRoutes,
  customizeBind9Instance,
  infraDeps,
  parseDnsEndpoint,
  syncBind9Instance,
  type InstanceHookDeps,
} from '../../../hooks/controllers/bind9instance.js';
import { parseKeyFile } from '../../../hooks/children/keys.js';
import { isDnsLabel } from '../../../hooks/children/names.js';
import { parentValidator } from '../../../hooks/children/parent.js';
import { HttpError } from '../../../hooks/errors.js';
import type { CustomizeRequest, KubeObject, SyncRequest, SyncResponse } from '../../../hooks/metacontroller.js';
import { Bind9InstanceSchema } from '../../../hooks/schema/generated.js';
import { validateBind9Instance } from '../../../hooks/schema/validate.js';
import { REPO, checkconf, fakeKeys, fixtureCases, goldenSyncSuite } from '../children/support.js';

const cases = fixtureCases('bind9instance');
const validate = parentValidator('Bind9Instance', validateBind9Instance);
const deps = (gen = fakeKeys()): InstanceHookDeps => ({ ...infraDeps({}), generateKey: gen });
const sync = (req: unknown, gen = fakeKeys()) => syncBind9Instance(req as SyncRequest, deps(gen));
const req = (name: string) => structuredClone(cases.find((x) => x.name === name)!.request) as SyncRequest;
const child = (res: { children: KubeObject[] }, kind: string) => res.children.find((c) => c.kind === kind);
type Status = {
  readyReplicas: number;
  endpoint?: string;
  dnsEndpoint?: string;
  role: string;
  conditions: { type: string; status: string; reason: string }[];
};
const secretFile = (s: KubeObject | undefined, key: string) =>
  Buffer.from((s?.['data'] as Record<string, string>)[key]!, 'base64').toString('utf8');

describe('hooks/controllers/bind9instance', () => {
  goldenSyncSuite('bind9instance', cases, validate, (req) => sync(req));

  it('renders a named.conf that named-checkconf accepts in every fixture', async () => {
    for (const c of cases) {
      const cm = child(sync(c.request), 'ConfigMap');
      if (cm) await checkconf((cm['data'] as Record<string, string>)['named.conf']!);
    }
  });

  it('reuses both keys byte for byte when the keys Secret is observed', () => {
    const r = req('keys-present');
    const observed = Object.values(r.children['Secret.v1']!)[0]!;
    const gen = fakeKeys();
    const res = sync(r, gen);
    expect(gen.calls).to.equal(0);
    expect(child(res, 'Secret')!['data']).to.deep.equal(observed['data']);
  });

  it('generates the rndc key once and takes the transfer key from the cluster Secret', () => {
    const r = req('seed-example');
    const gen = fakeKeys();
    const res = sync(r, gen);
    expect(gen.calls).to.equal(1);
    const shared = Object.values(r.related['Secret.v1']!)[0]!;
    expect(secretFile(child(res, 'Secret'), 'transfer.key')).to.equal(secretFile(shared, 'transfer.key'));
    expect(parseKeyFile(secretFile(child(res, 'Secret'), 'rndc.key'))?.algorithm).to.equal('hmac-sha256');
  });

  it('generates both keys for an instance without a cluster', () => {
    const gen = fakeKeys();
    sync(req('minimal'), gen);
    expect(gen.calls).to.equal(2);
  });

  it('waits instead of inventing a transfer key when its cluster Secret is not observed yet', () => {
    // a first sync (nothing created yet): the complete answer is "nothing yet", said in the status, soon again
    const r = req('seed-example');
    r.related['Secret.v1'] = {};
    r.children = {};
    const first = sync(r);
    expect(first.children).to.deep.equal([]);
    expect(first.resyncAfterSeconds).to.equal(5);
    const conds = (first.status as { conditions: { type: string; status: string; reason: string; message: string }[] })
      .conditions;
    expect(conds.find((c) => c.type === 'Progressing')).to.include({ status: 'True', reason: 'WaitingForTransferKey' });
    expect(conds.find((c) => c.type === 'Progressing')!.message).to.include('transfer key of Bind9Cluster prod-dns');
    expect(conds.find((c) => c.type === 'Ready')).to.include({ status: 'False' });
    // with children already there, an answer without them would delete them: 503 + Retry-After keeps them
    const later = req('seed-example');
    later.related['Secret.v1'] = {};
    later.children = { 'ConfigMap.v1': { 'dns/x': { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } } } };
    expect(() => sync(later))
      .to.throw(HttpError)
      .with.property('status', 503);
  });

  it('returns every workload child with apiVersion and kind, and no server-populated fields', () => {
    const res = sync(req('seed-example'));
    expect(res.children.map((c) => `${c.apiVersion} ${c.kind}`)).to.deep.equal([
      'v1 ConfigMap',
      'v1 Secret',
      'v1 ServiceAccount',
      'apps/v1 Deployment',
      'v1 Service',
      'networking.k8s.io/v1 NetworkPolicy',
    ]);
    for (const c of res.children) {
      expect(c.metadata).to.not.have.any.keys('namespace', 'uid', 'resourceVersion', 'ownerReferences');
      expect(isDnsLabel(c.metadata.name!)).to.equal(true);
    }
    expect(child(res, 'Secret')).to.have.property('data');
    expect(child(res, 'Secret')).to.not.have.property('stringData');
  });

  it('builds a hardened Deployment: one primary pod, Recreate, probes, read-only root, bindcar env contract', () => {
    const d = child(sync(req('seed-example')), 'Deployment') as unknown as V1Deployment;
    expect(d.spec!.replicas).to.equal(1);
    expect(d.spec!.strategy!.type).to.equal('Recreate');
    const [named, bindcar] = d.spec!.template.spec!.containers;
    expect(named!.image).to.equal('internetsystemsconsortium/bind9:9.18');
    expect(named!.args).to.deep.equal(['-g', '-c', '/etc/bind/named.conf']);
    expect(named!.livenessProbe!.tcpSocket!.port).to.equal(5353);
    expect(bindcar!.image).to.equal(DEFAULT_BINDCAR_IMAGE);
    expect(bindcar!.readinessProbe!.httpGet!.path).to.equal('/readyz');
    expect(bindcar!.livenessProbe!.httpGet!.path).to.equal('/healthz');
    const env = Object.fromEntries(bindcar!.env!.map((e) => [e.name, e.value]));
    // The env must be exactly what bindcar's own configuration parser understands.
    const parsed = parseConfig(env);
    if (!parsed.ok) throw new Error(`bindcar rejects the pod env: ${parsed.errors.join('; ')}`);
    expect(parsed.config).to.deep.include({ port: 8080, address: '0.0.0.0', zoneDir: '/var/cache/bind' });
    expect(parsed.config.rndc.confPath).to.equal('/etc/bind/rndc.conf');
    expect(parsed.config.dns).to.deep.include({ host: '127.0.0.1', port: 5353 });
    expect(parsed.config.updateKey).to.deep.equal({ name: 'bindy-rndc', file: '/etc/bind/keys/rndc.key' });
    expect(parsed.config.auth).to.deep.include({
      mode: 'tokenreview',
      audiences: ['bindcar'],
      allowedServiceAccounts: ['system:serviceaccount:bindy-system:bindy-hooks'],
    });
    for (const c of [named!, bindcar!]) {
      expect(c.securityContext).to.deep.include({
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
      expect(c.securityContext!.capabilities!.drop).to.deep.equal(['ALL']);
      expect(c.securityContext!.seccompProfile!.type).to.equal('RuntimeDefault');
    }
    const mounts = named!.volumeMounts!.map((m) => m.mountPath);
    expect(mounts).to.include.members(['/tmp', '/var/run/named', '/var/cache/bind', '/etc/bind/keys']);
    expect(d.spec!.template.metadata!.annotations!['bindy.firestoned.io/config-hash']).to.match(/^[0-9a-f]{64}$/);
    expect(d.spec!.template.spec!.affinity).to.equal(undefined);
  });

  it('passes the hooks-service options through (bindcar image, hooks ServiceAccount)', () => {
    const custom = infraDeps({
      bindcarImage: 'registry.local/bindcar:dev',
      hooksNamespace: 'dns-ops',
      hooksServiceAccount: 'hooks',
    });
    const d = child(
      syncBind9Instance(req('seed-example'), { ...custom, generateKey: fakeKeys() }),
      'Deployment',
    ) as unknown as V1Deployment;
    const bindcar = d.spec!.template.spec!.containers[1]!;
    expect(bindcar.image).to.equal('registry.local/bindcar:dev');
    expect(bindcar.env!.find((e) => e.name === 'BIND_ALLOWED_SERVICE_ACCOUNTS')!.value).to.equal(
      'system:serviceaccount:dns-ops:hooks',
    );
  });

  it('secondaries: honour replicas, roll, pin the region and list the primaries with the transfer key', () => {
    const res = sync(req('secondary-region-spread'));
    const d = child(res, 'Deployment') as unknown as V1Deployment;
    expect(d.spec!.strategy!.type).to.equal('RollingUpdate');
    const term =
      d.spec!.template.spec!.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!
        .nodeSelectorTerms[0]!;
    expect(term.matchExpressions).to.deep.equal([
      { key: 'topology.kubernetes.io/region', operator: 'In', values: ['eu-west-1'] },
    ]);
    const conf = (child(res, 'ConfigMap')!['data'] as Record<string, string>)['named.conf']!;
    expect(conf).to.contain(
      'primaries "bindy-primaries" {\n  10.96.0.10 port 53 key "bindy-transfer";\n  10.96.0.11 port 53 key "bindy-transfer";\n};',
    );
    const p = req('pvc-and-configmap-refs');
    expect((child(sync(p), 'Deployment') as unknown as V1Deployment).spec!.replicas).to.equal(3);
  });

  it('rolls the pods when the configuration changes (config-hash annotation)', () => {
    const hash = (r: SyncRequest) =>
      (child(sync(r), 'Deployment') as unknown as V1Deployment).spec!.template.metadata!.annotations![
        'bindy.firestoned.io/config-hash'
      ];
    const before = req('keys-present');
    const after = req('spec-changed');
    expect(hash(before)).to.not.equal(hash(after));
    expect(hash(before)).to.equal(hash(req('children-ready')));
    expect((sync(after).status as Status).conditions[1]).to.include({
      type: 'Progressing',
      status: 'True',
      reason: 'RollingOut',
    });
  });

  it('reports status from the observed children', () => {
    const ready = sync(req('children-ready')).status as Status;
    expect(ready).to.include({
      readyReplicas: 1,
      endpoint: 'http://prod-dns-primary-0.dns.svc:8080',
      dnsEndpoint: '10.96.0.10:53',
      role: 'primary',
    });
    expect(ready.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`)).to.deep.equal([
      'Ready=True/Ready',
      'Progressing=False/RolledOut',
    ]);
    const fresh = sync(req('seed-example')).status as Status;
    expect(fresh.dnsEndpoint).to.equal('prod-dns-primary-0.dns.svc:53');
    expect(fresh.conditions[0]).to.include({ status: 'False', reason: 'DeploymentPending' });
    const pending = sync(req('keys-present')).status as Status;
    expect(pending.conditions[0]).to.include({ status: 'False', reason: 'PodsNotReady' });
  });

  it('external instances get no workload and report the external endpoint', () => {
    const res = sync(req('external'));
    expect(res.children).to.deep.equal([]);
    expect(res.status).to.include({ endpoint: 'https://dns1.example.net:8443', dnsEndpoint: '192.0.2.53:53' });
  });

  it('creates a PVC and mounts user ConfigMaps when the spec asks', () => {
    const res = sync(req('pvc-and-configmap-refs'));
    const pvc = child(res, 'PersistentVolumeClaim')!;
    expect(pvc['spec']).to.deep.equal({
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'fast-ssd',
      resources: { requests: { storage: '5Gi' } },
    });
    const d = child(res, 'Deployment') as unknown as V1Deployment;
    const vols = d.spec!.template.spec!.volumes!;
    expect(vols.find((v) => v.name === 'cache')!.persistentVolumeClaim!.claimName).to.equal(pvc.metadata.name);
    expect(vols.find((v) => v.name === 'user-named-conf-options')!.configMap!.name).to.equal('bindy-custom-options');
    expect((child(res, 'ConfigMap')!['data'] as Record<string, string>)['named.conf']).to.contain(
      'include "/etc/bind/named.conf.options";',
    );
    expect(parseKeyFile(secretFile(child(res, 'Secret'), 'rndc.key'))!.algorithm).to.equal('hmac-sha512');
  });

  it('uses a ClusterBind9Provider when no Bind9Cluster of that name is in the namespace', () => {
    const res = sync(req('provider-ref'));
    const svc = child(res, 'Service')!;
    expect(svc['spec']).to.include({ type: 'LoadBalancer' });
    expect(svc.metadata.annotations).to.deep.equal({ 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' });
    expect((child(res, 'ConfigMap')!['data'] as Record<string, string>)['named.conf']).to.contain(
      'listen-on-v6 port 5353 { none; };',
    );
  });

  describe('the Service (never updated: updateStrategy OnDelete)', () => {
    /** Leaf fields of Bind9Instance.spec in the CRD schema (objects with open keys count as one field). */
    const specLeaves = (schema: Record<string, any>, path = ''): string[] =>
      schema['type'] === 'object' && schema['properties'] && !schema['additionalProperties']
        ? Object.entries(schema['properties'] as Record<string, any>).flatMap(([k, v]) =>
            specLeaves(v, path ? `${path}.${k}` : k),
          )
        : [path];
    /** A value for every spec field, different from the base case (children-ready, a primary of prod-dns). */
    const variations: Record<string, unknown> = {
      clusterRef: 'other-dns',
      role: 'secondary',
      replicas: 0,
      region: 'eu-west-1',
      version: '9.20',
      'image.image': 'registry.example.com/bind9:9.20',
      'image.imagePullPolicy': 'Always',
      'image.imagePullSecrets': ['regcred', 'regcred'],
      'config.recursion': true,
      'config.allowQuery': ['internal'],
      'config.allowTransfer': ['10.0.0.0/8'],
      'config.forwarders': ['192.0.2.1'],
      'config.listenOn': ['10.0.0.1'],
      'config.listenOnV6': ['none'],
      'config.dnssec': false,
      'storage.storageType': 'persistentVolumeClaim',
      'storage.persistentVolumeClaim.storageClassName': 'fast-ssd',
      'storage.persistentVolumeClaim.size': '5Gi',
      'storage.persistentVolumeClaim.accessModes': ['ReadWriteMany'],
      'rndcKey.algorithm': 'hmac-sha512',
      'rndcKey.secretRef.name': 'user-rndc',
      'configMapRefs.namedConf': 'user-named-conf',
      'configMapRefs.namedConfOptions': 'user-options',
    };
    /** Fields that remove the workload altogether (no Service to compare). */
    const noWorkload = ['external.bindcarUrl', 'external.dnsAddress'];
    const withField = (path: string, value: unknown): SyncRequest => {
      const r = req('children-ready');
      const spec = r.parent['spec'] as Record<string, any>;
      const keys = path.split('.');
      let o = spec;
      for (const k of keys.slice(0, -1)) o = o[k] ??= {};
      o[keys[keys.length - 1]!] = value;
      if (path.startsWith('storage.persistentVolumeClaim')) spec['storage'].storageType = 'persistentVolumeClaim';
      if (path === 'rndcKey.secretRef.name') {
        r.related['Secret.v1']!['dns/user-rndc'] = {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'user-rndc', namespace: 'dns' },
          data: { secret: Buffer.from(Buffer.alloc(32, 3).toString('base64')).toString('base64') },
        };
      }
      validate(r.parent);
      return r;
    };
    const service = (r: SyncRequest) => JSON.stringify(child(sync(r), 'Service'));

    it('has a variation for every field of Bind9Instance.spec', () => {
      const leaves = specLeaves((Bind9InstanceSchema as any).properties.spec);
      expect(leaves.filter((f) => !(f in variations) && !noWorkload.includes(f))).to.deep.equal([]);
    });

    for (const [path, value] of Object.entries(variations)) {
      it(`is byte-identical when spec.${path} changes`, () => {
        const r = withField(path, value);
        // The variation is real: it changes some child, only never the Service.
        expect(JSON.stringify(sync(r).children), path).to.not.equal(
          JSON.stringify(sync(req('children-ready')).children),
        );
        expect(service(r)).to.equal(service(req('children-ready')));
      });
    }

    it('carries only what the instance name determines, targets named by port number, and holds 53 over UDP and TCP', () => {
      const svc = child(sync(req('secondary-region-spread')), 'Service')!;
      expect(svc.metadata.labels).to.deep.equal({
        'app.kubernetes.io/component': 'dns-server',
        'app.kubernetes.io/instance': 'prod-dns-secondary-1',
        'app.kubernetes.io/managed-by': 'bindy-hooks',
        'app.kubernetes.io/name': 'bind9',
        'app.kubernetes.io/part-of': 'bindy',
        'bindy.firestoned.io/instance': 'prod-dns-secondary-1',
      });
      expect((svc['spec'] as { ports: unknown }).ports).to.deep.equal([
        { name: 'dns-udp', port: 53, targetPort: 5353, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, targetPort: 5353, protocol: 'TCP' },
        { name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' },
      ]);
      // Each numeric targetPort is a port named listens on (container ports are informational; 5353 once).
      const d = child(sync(req('secondary-region-spread')), 'Deployment') as unknown as V1Deployment;
      const declared = d.spec!.template.spec!.containers.flatMap((c) => c.ports!.map((p) => p.containerPort));
      expect(declared).to.deep.equal([5353, 8080]);
    });

    it("reports, without touching it, an observed Service that differs (the cluster's service settings changed)", () => {
      const r = req('children-ready');
      const cluster = Object.values(r.related['Bind9Cluster.bindy.firestoned.io/v1beta1']!)[0]!;
      (cluster['spec'] as Record<string, any>)['primary'].service = {
        type: 'LoadBalancer',
        annotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' },
      };
      const res = sync(r);
      expect(child(res, 'Service')!['spec']).to.include({ type: 'LoadBalancer' });
      const conditions = (res.status as Status).conditions;
      expect(conditions.map((c) => `${c.type}=${c.status}/${c.reason}`)).to.deep.equal([
        'Ready=True/Ready',
        'Progressing=False/RolledOut',
        'Degraded=True/ServiceOutdated',
      ]);
      expect((conditions[2] as unknown as { message: string }).message).to.match(
        /^Service dns\/prod-dns-primary-0 differs from the desired one in metadata\.annotations, spec\.type: .*delete the Service/,
      );
      // A Service of an older release (targetPorts by name) is reported the same way.
      const old = req('children-ready');
      const svc = Object.values(old.children['Service.v1']!)[0]!;
      (svc['spec'] as { ports: { targetPort: unknown }[] }).ports[0]!.targetPort = 'dns-udp';
      expect((sync(old).status as Status).conditions.map((c) => c.reason)).to.include('ServiceOutdated');
      // Apiserver additions (clusterIP, nodePorts, foreign annotations) are not differences.
      const added = req('children-ready');
      const s2 = Object.values(added.children['Service.v1']!)[0]!;
      s2.metadata.annotations = { 'metallb.universe.tf/ip-allocated-from-pool': 'default' };
      (s2['spec'] as { ports: Record<string, unknown>[] }).ports[0]!['nodePort'] = 30053;
      expect((sync(added).status as Status).conditions.map((c) => c.type)).to.deep.equal(['Ready', 'Progressing']);
    });
  });

  it('answers 422 naming the field when the spec cannot be rendered into named.conf', () => {
    const r = req('minimal');
    (r.parent['spec'] as { config?: unknown }).config = { allowQuery: ['undefined-acl'] };
    expect(() => sync(r))
      .to.throw(HttpError, /config\.allowQuery\[0\]: ACL "undefined-acl" is not defined/)
      .with.property('status', 422);
  });

  describe('customize', () => {
    const parent = (spec: object) =>
      ({
        controller: {},
        parent: {
          apiVersion: 'bindy.firestoned.io/v1beta1',
          kind: 'Bind9Instance',
          metadata: { name: 'i', namespace: 'dns' },
          spec,
        },
      }) as unknown as CustomizeRequest;
    it('relates the cluster, the provider, the Secrets and the secondaries (to notify) of a primary', () => {
      expect(
        customizeBind9Instance(
          parent({ clusterRef: 'prod', role: 'primary', rndcKey: { secretRef: { name: 'bindy-rndc' } } }),
        ),
      ).to.deep.equal({
        relatedResources: [
          { apiVersion: 'bindy.firestoned.io/v1beta1', resource: 'bind9clusters', namespace: 'dns', names: ['prod'] },
          { apiVersion: 'bindy.firestoned.io/v1beta1', resource: 'clusterbind9providers', names: ['prod'] },
          { apiVersion: 'v1', resource: 'secrets', namespace: 'dns', names: ['bindy-rndc', 'prod-transfer-key'] },
          {
            apiVersion: 'bindy.firestoned.io/v1beta1',
            resource: 'bind9instances',
            namespace: 'dns',
            labelSelector: {
              matchLabels: { 'bindy.firestoned.io/cluster': 'prod', 'bindy.firestoned.io/role': 'secondary' },
            },
          },
        ],
      });
    });
    it('a secondary lists the primaries of its own region first (named tries them in order)', () => {
      const r = req('secondary-region-spread');
      const p1 = (r.related['Bind9Instance.bindy.firestoned.io/v1beta1'] as Record<string, KubeObject>)[
        'dns/prod-dns-primary-1'
      ]!;
      (p1['spec'] as { region?: string }).region = 'eu-west-1';
      const conf = (child(sync(r), 'ConfigMap')!['data'] as Record<string, string>)['named.conf']!;
      expect(conf).to.contain(
        'primaries "bindy-primaries" {\n  10.96.0.11 port 53 key "bindy-transfer";\n  10.96.0.10 port 53 key "bindy-transfer";\n};',
      );
    });
    it('primaries notify the secondaries their cluster reports, signed with the transfer key; secondaries consume the catalog', () => {
      const r = req('children-ready');
      const secondary = (name: string, endpoint: string) => ({
        apiVersion: 'bindy.firestoned.io/v1beta1',
        kind: 'Bind9Instance',
        metadata: {
          name,
          namespace: 'dns',
          labels: { 'bindy.firestoned.io/cluster': 'prod-dns', 'bindy.firestoned.io/role': 'secondary' },
        },
        spec: { clusterRef: 'prod-dns', role: 'secondary' },
        status: { dnsEndpoint: endpoint },
      });
      const key = 'Bind9Instance.bindy.firestoned.io/v1beta1';
      r.related[key] = {
        'dns/s1': secondary('s1', '10.96.0.21:53'),
        'dns/s0': secondary('s0', '10.96.0.20:53'),
        'dns/sx': {
          ...secondary('sx', '10.96.0.29:53'),
          metadata: {
            name: 'sx',
            namespace: 'dns',
            labels: { 'bindy.firestoned.io/cluster': 'other', 'bindy.firestoned.io/role': 'secondary' },
          },
        },
      } as never;
      const conf = (child(sync(r), 'ConfigMap')!['data'] as Record<string, string>)['named.conf']!;
      expect(conf).to.contain(
        'notify explicit;\n  also-notify { 10.96.0.20 port 53 key "bindy-transfer"; 10.96.0.21 port 53 key "bindy-transfer"; };\n  notify-delay 0;',
      );
      const sec = (child(sync(req('secondary-region-spread')), 'ConfigMap')!['data'] as Record<string, string>)[
        'named.conf'
      ]!;
      expect(sec).to.contain(
        'catalog-zones { zone "catalog.bindy.invalid" default-primaries { bindy-primaries; } min-update-interval 0; };',
      );
      expect(sec).to.contain('zone "catalog.bindy.invalid" {\n  type secondary;');
      const env = (res: SyncResponse) =>
        (child(res, 'Deployment') as unknown as V1Deployment).spec!.template.spec!.containers[1]!.env!;
      expect(env(sync(r)).find((e) => e.name === 'BINDCAR_CATALOG_ZONE')!.value).to.equal('catalog.bindy.invalid');
      expect(env(sync(req('secondary-region-spread'))).find((e) => e.name === 'BINDCAR_CATALOG_ZONE')!.value).to.equal(
        'none',
      );
      expect(env(sync(r)).find((e) => e.name === 'BINDCAR_TRANSFER_KEY_NAME')!.value).to.equal('bindy-transfer');
    });
    it('relates the cluster primaries of a secondary by label', () => {
      const rules = customizeBind9Instance(parent({ clusterRef: 'prod', role: 'secondary' })).relatedResources;
      expect(rules[3]).to.deep.equal({
        apiVersion: 'bindy.firestoned.io/v1beta1',
        resource: 'bind9instances',
        namespace: 'dns',
        labelSelector: {
          matchLabels: { 'bindy.firestoned.io/cluster': 'prod', 'bindy.firestoned.io/role': 'primary' },
        },
      });
    });
  });

  describe('parseDnsEndpoint', () => {
    const table: [string | undefined, unknown][] = [
      ['10.96.0.10:53', { address: '10.96.0.10', port: 53 }],
      ['[fd00::10]:53', { address: 'fd00::10', port: 53 }],
      ['prod-dns-primary-0.dns.svc:53', undefined],
      ['10.96.0.300:53', undefined],
      ['10.96.0.10:70000', undefined],
      [undefined, undefined],
    ];
    for (const [input, expected] of table)
      it(String(input), () => expect(parseDnsEndpoint(input)).to.deep.equal(expected));
  });

  it('exposes sync and customize routes', () => {
    expect(bind9InstanceRoutes({}).map((r) => `${r.hook} ${r.path}`)).to.deep.equal([
      'sync /sync/bind9instance',
      'customize /customize/bind9instance',
    ]);
  });

  it('defaults the bindcar image to this package version', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(DEFAULT_BINDCAR_IMAGE).to.equal(`ghcr.io/firestoned/bindy-bindcar:${pkg.version}`);
  });
});
