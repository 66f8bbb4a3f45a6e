/**
 * The infrastructure routes through the real Express app (createApp + axios): complete 200 answers equal to the
 * goldens, and non-200 answers with a message for anything the hooks cannot compute.
 */
import { expect } from 'chai';
import axios from 'axios';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { readFileSync } from 'node:fs';
import winston from 'winston';
import { createApp } from '../../../hooks/app.js';
import { bind9ClusterRoutes } from '../../../hooks/controllers/bind9cluster.js';
import { bind9InstanceRoutes } from '../../../hooks/controllers/bind9instance.js';
import { clusterBind9ProviderRoutes } from '../../../hooks/controllers/clusterbind9provider.js';
import { fakeKeys, fixtureCases } from '../children/support.js';

const fixture = (kind: string, name: string) => fixtureCases(kind).find((c) => c.name === name)!;

describe('infrastructure hook routes over HTTP', () => {
  let server: Server;
  let base = '';
  // A fresh deterministic generator per request would be needed for goldens; keys-present cases never call it.
  const ports = { generateKey: fakeKeys() };

  before(async () => {
    const app = createApp({
      logger: winston.createLogger({ silent: true }),
      routes: [...clusterBind9ProviderRoutes(), ...bind9ClusterRoutes(ports), ...bind9InstanceRoutes(ports)],
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise((r) => server.close(r));
  });

  const post = (path: string, body: unknown) => axios.post(`${base}${path}`, body, { validateStatus: () => true });

  const ok: [string, string, string][] = [
    ['/sync/clusterbind9provider', 'clusterbind9provider', 'children-ready'],
    ['/sync/bind9cluster', 'bind9cluster', 'keys-present'],
    ['/sync/bind9instance', 'bind9instance', 'keys-present'],
    ['/sync/bind9instance', 'bind9instance', 'external'],
  ];
  for (const [path, kind, name] of ok) {
    it(`POST ${path} (${name}) → 200 with the golden response`, async () => {
      const c = fixture(kind, name);
      const res = await post(path, c.request);
      expect(res.status).to.equal(200);
      expect(res.data).to.deep.equal(JSON.parse(readFileSync(c.responsePath, 'utf8')));
    });
  }

  it('POST /customize/bind9instance → 200 with related rules', async () => {
    const req = fixture('bind9instance', 'secondary-region-spread').request as { controller: unknown; parent: unknown };
    const res = await post('/customize/bind9instance', { controller: req.controller, parent: req.parent });
    expect(res.status).to.equal(200);
    expect(res.data.relatedResources).to.have.length(4);
  });

  const broken: {
    name: string;
    path: string;
    kind: string;
    fixture: string;
    mutate: (r: Record<string, any>) => void;
    status: number;
    message: RegExp;
  }[] = [
    {
      name: 'Bind9Cluster with a wrongly typed field (schema skew)',
      path: '/sync/bind9cluster',
      kind: 'bind9cluster',
      fixture: 'minimal',
      mutate: (r) => (r['parent'].spec.primary.replicas = 'two'),
      status: 422,
      message: /spec\.primary\.replicas: must be integer/,
    },
    {
      name: 'Bind9Instance with an unknown role',
      path: '/sync/bind9instance',
      kind: 'bind9instance',
      fixture: 'minimal',
      mutate: (r) => (r['parent'].spec.role = 'tertiary'),
      status: 422,
      message: /spec\.role: must be one of/,
    },
    {
      name: 'Bind9Instance violating a CEL rule',
      path: '/sync/bind9instance',
      kind: 'bind9instance',
      fixture: 'minimal',
      mutate: (r) => (r['parent'].spec.storage = { storageType: 'emptyDir', persistentVolumeClaim: { size: '1Gi' } }),
      status: 422,
      message: /storage\.persistentVolumeClaim requires/,
    },
    {
      name: 'ClusterBind9Provider without namespace',
      path: '/sync/clusterbind9provider',
      kind: 'clusterbind9provider',
      fixture: 'minimal',
      mutate: (r) => delete r['parent'].spec.namespace,
      status: 422,
      message: /spec\.namespace: is required/,
    },
    {
      name: 'Bind9Instance referencing an undefined ACL',
      path: '/sync/bind9instance',
      kind: 'bind9instance',
      fixture: 'minimal',
      mutate: (r) => (r['parent'].spec.config = { allowQuery: ['office'] }),
      status: 422,
      message: /config\.allowQuery\[0\]: ACL "office" is not defined/,
    },
    {
      name: 'Bind9Instance whose cluster transfer-key Secret vanished while its children exist',
      path: '/sync/bind9instance',
      kind: 'bind9instance',
      fixture: 'seed-example',
      mutate: (r) => {
        r['related']['Secret.v1'] = {};
        r['children']['ConfigMap.v1'] = { 'dns/x': { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } } };
      },
      status: 503,
      message: /transfer key of Bind9Cluster prod-dns/,
    },
    {
      name: 'a parent of the wrong kind',
      path: '/sync/bind9cluster',
      kind: 'bind9instance',
      fixture: 'minimal',
      mutate: () => undefined,
      status: 400,
      message: /parent\.kind: expected Bind9Cluster/,
    },
    {
      name: 'a request without children (not hook v2)',
      path: '/sync/bind9instance',
      kind: 'bind9instance',
      fixture: 'minimal',
      mutate: (r) => delete r['children'],
      status: 400,
      message: /children: required object is missing/,
    },
    {
      name: 'customize with an invalid parent',
      path: '/customize/bind9instance',
      kind: 'bind9instance',
      fixture: 'minimal',
      mutate: (r) => delete r['parent'].spec.clusterRef,
      status: 422,
      message: /spec\.clusterRef: is required/,
    },
  ];
  for (const b of broken) {
    it(`${b.name} → ${b.status} with a message, never a partial 200`, async () => {
      const body = structuredClone(fixture(b.kind, b.fixture).request) as Record<string, any>;
      b.mutate(body);
      const res = await post(b.path, body);
      expect(res.status).to.equal(b.status);
      expect(res.data).to.not.have.property('children');
      expect(res.data.message).to.match(b.message);
      if (b.status === 503) expect(res.headers['retry-after']).to.equal('5');
    });
  }
});
