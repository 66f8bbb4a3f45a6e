import { expect } from 'chai';
import {
  customizePowerDnsServer,
  syncPowerDnsServer,
  unprobedPowerDnsServer,
} from '../../../hooks/controllers/powerdnsserver.js';
import type { KubeObject, SyncRequest } from '../../../hooks/metacontroller.js';
import type { PowerDnsClient, PowerDnsConnection, ProbeResult } from '../../../hooks/ports/powerdns.js';

const V = 'bindy.firestoned.io/v1beta1';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (ns: string, name: string, data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: ns },
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
});
const server = (spec: object, status?: object): KubeObject =>
  ({
    apiVersion: V,
    kind: 'PowerDNSServer',
    metadata: { name: 'pdns', namespace: 'dns', generation: 2 },
    spec: { apiUrl: 'http://pdns.dns.svc:8081', apiKeySecretRef: { name: 'pdns-api' }, ...spec },
    ...(status ? { status } : {}),
  }) as KubeObject;
const request = (parent: KubeObject, secrets: ReturnType<typeof secret>[]): SyncRequest =>
  ({
    controller: {},
    parent,
    children: {},
    related: { 'Secret.v1': Object.fromEntries(secrets.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s])) },
    finalizing: false,
  }) as unknown as SyncRequest;

/** A client whose probe answers `answer` and remembers the connection it was given. */
function fakeClient(answer: ProbeResult): PowerDnsClient & { seen: PowerDnsConnection[] } {
  const seen: PowerDnsConnection[] = [];
  return {
    seen,
    probe: async (c) => {
      seen.push(c);
      return answer;
    },
    putZone: async () => {
      throw new Error('not here');
    },
    deleteZone: async () => {
      throw new Error('not here');
    },
    readZone: async () => {
      throw new Error('not here');
    },
    readRRsets: async () => {
      throw new Error('not here');
    },
  };
}
const clock = () => '2026-12-02T12:00:00Z';
const ready = (r: { status: Record<string, unknown> }) =>
  (r.status['conditions'] as { type: string; status: string; reason: string; message: string }[])[0];

describe('hooks/controllers/powerdnsserver', () => {
  it('relates the Secrets its spec names by name: its namespace, or the namespaces a cluster-scoped one gives', () => {
    const ns = customizePowerDnsServer({
      controller: {} as KubeObject,
      parent: server({ tls: { caSecretRef: { name: 'pdns-ca' } } }),
    });
    expect(ns.relatedResources).to.deep.equal([
      { apiVersion: 'v1', resource: 'secrets', namespace: 'dns', names: ['pdns-api', 'pdns-ca'] },
    ]);
    const cluster = customizePowerDnsServer({
      controller: {} as KubeObject,
      parent: {
        apiVersion: V,
        kind: 'ClusterPowerDNSServer',
        metadata: { name: 'shared' },
        spec: {
          apiUrl: 'https://pdns.example.net',
          apiKeySecretRef: { name: 'k', namespace: 'ops' },
          tls: { caSecretRef: { name: 'ca', namespace: 'certs' } },
        },
      } as KubeObject,
    });
    expect(cluster.relatedResources).to.deep.equal([
      { apiVersion: 'v1', resource: 'secrets', namespace: 'certs', names: ['ca'] },
      { apiVersion: 'v1', resource: 'secrets', namespace: 'ops', names: ['k'] },
    ]);
  });

  it('probes the API with the key of its Secret and reports the version; the same answer gives the same status', async () => {
    const client = fakeClient({ ok: true, version: '4.7.3', daemonType: 'authoritative' });
    const req = request(server({ serverId: 'ns1' }), [secret('dns', 'pdns-api', { 'api-key': 'k3y\n' })]);
    const r = await syncPowerDnsServer(req, { client, clock });
    expect(client.seen[0]).to.deep.include({
      serverUrl: 'http://pdns.dns.svc:8081/api/v1/servers/ns1',
      apiKey: 'k3y',
      keySource: 'Secret dns/pdns-api key api-key',
    });
    expect(ready(r)).to.deep.include({
      status: 'True',
      reason: 'Reachable',
      message: 'PowerDNS 4.7.3 (authoritative) answers at http://pdns.dns.svc:8081/api/v1/servers/ns1',
    });
    expect(r.status).to.deep.include({ version: '4.7.3', daemonType: 'authoritative', observedGeneration: 2 });
    expect(r.resyncAfterSeconds).to.equal(undefined);
    const again = await syncPowerDnsServer(
      request(server({ serverId: 'ns1' }, r.status), [secret('dns', 'pdns-api', { 'api-key': 'k3y' })]),
      { client, clock: () => '2026-12-02T13:00:00Z' },
    );
    expect(again.status).to.deep.equal(r.status);
  });

  it('says why it is not Ready: a missing Secret (before any request), a refused key, no answer, a recursor', async () => {
    const none = fakeClient({ ok: true, version: 'x', daemonType: 'authoritative' });
    const missing = await syncPowerDnsServer(request(server({}), []), { client: none, clock });
    expect(ready(missing)).to.deep.include({
      status: 'False',
      reason: 'SecretNotFound',
      message: 'PowerDNSServer dns/pdns: the API key in Secret dns/pdns-api key api-key does not exist',
    });
    expect(none.seen).to.deep.equal([]);
    expect(missing.resyncAfterSeconds).to.equal(15);
    const keyed = [secret('dns', 'pdns-api', { 'api-key': 'k' })];
    const unauthorized = await syncPowerDnsServer(request(server({}), keyed), {
      client: fakeClient({
        ok: false,
        unauthorized: true,
        error: { kind: 'rejected', code: 'UNAUTHORIZED', message: 'HTTP 401 Unauthorized', attempts: 1 },
      }),
      clock,
    });
    expect(ready(unauthorized)).to.deep.include({ status: 'False', reason: 'Unauthorized' });
    const down = await syncPowerDnsServer(request(server({}), keyed), {
      client: fakeClient({ ok: false, error: { kind: 'unreachable', message: 'ECONNREFUSED', attempts: 1 } }),
      clock,
    });
    expect(ready(down)).to.deep.include({ status: 'False', reason: 'Unreachable', message: 'ECONNREFUSED' });
    const recursor = await syncPowerDnsServer(request(server({}), keyed), {
      client: fakeClient({ ok: true, version: '5.0.0', daemonType: 'recursor' }),
      clock,
    });
    expect(ready(recursor)).to.deep.include({ status: 'False', reason: 'NotAuthoritative' });
  });

  it('offline (no client: bindy render, plan, validate) it reports NotProbed', () => {
    const r = unprobedPowerDnsServer(request(server({}), []), clock);
    expect(ready(r as { status: Record<string, unknown> })).to.deep.include({ status: 'Unknown', reason: 'NotProbed' });
  });
});
