/**
 * The hooks' PowerDNS readers (hooks/ports/powerdns.ts `kubeSecretReader`, `kubeServerReader`) against the real
 * apiserver, as the bindy-hooks ServiceAccount under manifests/base's RBAC — what the DNSZone hook does before it
 * pushes a zone to a PowerDNS server: read the server a zone no longer names (to remove the zone there) and the
 * API key Secret a server names, by name. The rest of the PowerDNS path runs against a real pdns_server in npm test.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { kubeSecretReader, kubeServerReader } from '../../hooks/ports/powerdns.js';
import { kubeconfig } from './env/control-plane.js';
import { clusterScoped, productionRbac } from './production-loop/harness.js';
import { clusterEnv, describeCluster, ensureCrds, ensureNamespace } from './support.js';

const NS = 'bindy-pdns-readers';
const V = 'bindy.firestoned.io/v1beta1';

describeCluster('hooks PowerDNS readers on a real apiserver, as the bindy-hooks ServiceAccount', () => {
  let dir: string;
  let rbac: string;
  let asHooks: string;

  before(async () => {
    const env = clusterEnv();
    await ensureCrds();
    await ensureNamespace(NS);
    rbac = await productionRbac(env);
    await env.kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=bindy-test', '-f', '-'], {
      stdin: rbac,
    });
    const token = (
      await env.kubectl(['create', 'token', 'bindy-hooks', '-n', 'bindy-system', '--duration=10m'])
    ).stdout.trim();
    dir = await mkdtemp(join(tmpdir(), 'bindy-pdns-readers-'));
    asHooks = join(dir, 'hooks.kubeconfig');
    await writeFile(asHooks, kubeconfig(env.server, env.caPath, token), { mode: 0o600 });
    const objects = [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'pdns-api', namespace: NS },
        stringData: { 'api-key': 's3cret' },
      },
      {
        apiVersion: V,
        kind: 'PowerDNSServer',
        metadata: { name: 'pdns', namespace: NS },
        spec: { apiUrl: 'http://127.0.0.1:8081', apiKeySecretRef: { name: 'pdns-api', key: 'api-key' } },
      },
      {
        apiVersion: V,
        kind: 'ClusterPowerDNSServer',
        metadata: { name: 'pdns-readers-shared' },
        spec: {
          apiUrl: 'http://127.0.0.1:8082',
          apiKeySecretRef: { name: 'pdns-api', namespace: NS, key: 'api-key' },
        },
      },
    ];
    await env.kubectl(['apply', '-f', '-'], { stdin: objects.map((o) => JSON.stringify(o)).join('\n') });
  });

  after(async () => {
    const env = clusterEnv();
    await env.kubectl(['delete', 'clusterpowerdnsservers', 'pdns-readers-shared', '--ignore-not-found'], {
      check: false,
    });
    // the cluster-wide grants would change what other cluster tests see
    await env.kubectl(['delete', '--ignore-not-found', '-f', '-'], { stdin: clusterScoped(rbac), check: false });
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the Secret a server names, decoded; a missing one is undefined, not an error', async () => {
    const read = kubeSecretReader(asHooks);
    expect(await read(NS, 'pdns-api')).to.deep.equal({ 'api-key': 's3cret' });
    expect(await read(NS, 'no-such-secret')).to.equal(undefined);
  });

  it('reads both server kinds; a missing one is undefined', async () => {
    const read = kubeServerReader(asHooks);
    expect(await read({ kind: 'PowerDNSServer', namespace: NS, name: 'pdns' })).to.deep.include({
      apiUrl: 'http://127.0.0.1:8081',
    });
    expect(await read({ kind: 'ClusterPowerDNSServer', namespace: '', name: 'pdns-readers-shared' })).to.deep.include({
      apiUrl: 'http://127.0.0.1:8082',
    });
    expect(await read({ kind: 'PowerDNSServer', namespace: NS, name: 'gone' })).to.equal(undefined);
  });

  it('the ServiceAccount may not list Secrets: it reads exactly the ones servers name', async () => {
    const env = clusterEnv();
    const r = await env.kubectl(['--kubeconfig', asHooks, 'get', 'secrets', '-n', NS], { check: false });
    expect(r.code, r.stdout).to.not.equal(0);
    expect(r.stderr).to.match(/forbidden/i);
  });
});
