import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestEnv } from './env/control-plane.js';
import { reapStale } from './env/processes.js';
import {
  REPO_ROOT,
  apiRequest,
  classifyDoc,
  clusterEnv,
  describeCluster,
  ensureServiceAccount,
  processGroupAlive,
  serviceAccountToken,
  waitGroupsGone,
} from './support.js';

const pinned = /k8s\.io\/kubernetes\s+(v\d+\.\d+\.\d+)/.exec(
  readFileSync(join(REPO_ROOT, 'test/cluster/kube/go.mod'), 'utf8'),
)?.[1];

describeCluster('testenv: a real kube-apiserver + etcd on loopback', () => {
  it('answers /readyz and reports the pinned Kubernetes version (server and kubectl)', async () => {
    const env = clusterEnv();
    expect((await env.kubectl(['get', '--raw', '/readyz'])).stdout.trim()).to.equal('ok');
    const v = JSON.parse((await env.kubectl(['version', '-o', 'json'])).stdout) as {
      clientVersion: { gitVersion: string };
      serverVersion: { gitVersion: string };
    };
    expect(pinned).to.match(/^v1\.\d+\.\d+$/);
    expect(v.serverVersion.gitVersion).to.equal(pinned);
    expect(v.clientVersion.gitVersion).to.equal(pinned);
    expect(env.server).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  const authCases = [
    { name: 'the admin token (system:masters)', token: () => Promise.resolve(clusterEnv().token), status: 200 },
    { name: 'an unknown bearer token', token: () => Promise.resolve('not-a-token'), status: 401 },
    {
      name: 'a ServiceAccount token without RBAC bindings',
      token: async () => {
        await ensureServiceAccount('testenv-rbac', 'nobody');
        return serviceAccountToken('testenv-rbac', 'nobody');
      },
      status: 403,
    },
  ];
  for (const c of authCases) {
    it(`authenticates and authorizes for real: ${c.name} listing namespaces → ${c.status}`, async () => {
      const r = await apiRequest('/api/v1/namespaces', { token: await c.token() });
      expect(r.status, r.body).to.equal(c.status);
    });
  }

  it('stops a second control plane without leftovers (process groups empty, temp dir removed)', async function () {
    this.timeout(180_000);
    const second = await startTestEnv({ build: false });
    try {
      expect(processGroupAlive(second.pids.etcd), 'etcd running').to.equal(true);
      expect(processGroupAlive(second.pids.kubeApiserver), 'kube-apiserver running').to.equal(true);
      expect(second.server).to.not.equal(clusterEnv().server);
    } finally {
      await second.stop();
    }
    expect(processGroupAlive(second.pids.etcd), 'etcd left behind').to.equal(false);
    expect(processGroupAlive(second.pids.kubeApiserver), 'kube-apiserver left behind').to.equal(false);
    expect(existsSync(second.dir), 'temp dir left behind').to.equal(false);
    // the shared one is untouched
    expect((await clusterEnv().kubectl(['get', '--raw', '/readyz'])).stdout.trim()).to.equal('ok');
  });

  /** `tsx scripts/testenv.ts start` in a child process; resolves with its temp dir once it is up. */
  async function startInChild() {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/testenv.ts', 'start'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const dir = await new Promise<string>((resolve, reject) => {
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /export KUBECONFIG=(\S+)\/kubeconfig/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.once('exit', (code) => reject(new Error(`testenv start exited ${code}: ${err}`)));
    });
    const owner = JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8')) as { owner: number; pgids: number[] };
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    return { child, dir, pgids: owner.pgids, exited };
  }

  it('Ctrl-C (SIGINT) on `testenv.ts start` kills both process groups and removes the temp dir', async function () {
    this.timeout(180_000);
    const c = await startInChild();
    expect(c.pgids).to.have.length(2);
    for (const g of c.pgids) expect(processGroupAlive(g), `group ${g} running`).to.equal(true);
    c.child.kill('SIGINT');
    await c.exited;
    expect(await waitGroupsGone(c.pgids), 'process groups left behind').to.deep.equal([]);
    expect(existsSync(c.dir), 'temp dir left behind').to.equal(false);
  });

  it('a control plane whose owner was SIGKILLed is reaped by the next start (reapStale)', async function () {
    this.timeout(180_000);
    const c = await startInChild();
    c.child.kill('SIGKILL');
    await c.exited;
    // nothing could clean up: the orphans are still there …
    for (const g of c.pgids) expect(processGroupAlive(g), `group ${g} orphaned`).to.equal(true);
    // … until the next startTestEnv (or this) reaps them
    expect(reapStale()).to.include(c.dir);
    expect(await waitGroupsGone(c.pgids), 'process groups left behind').to.deep.equal([]);
    expect(existsSync(c.dir)).to.equal(false);
    // the live control plane of this run is not touched
    expect((await clusterEnv().kubectl(['get', '--raw', '/readyz'])).stdout.trim()).to.equal('ok');
  });
});

describe('cluster support: classifyDoc (which example documents are applied)', () => {
  const cases: { name: string; doc: unknown; apply: boolean; reason?: RegExp }[] = [
    {
      name: 'a namespaced custom resource',
      doc: { apiVersion: 'bindy.firestoned.io/v1beta1', kind: 'DNSZone', metadata: { name: 'example-com' } },
      apply: true,
    },
    {
      name: 'a ConfigHub config block',
      doc: { dns: { zones: { 'example.com': { records: [] } } } },
      apply: false,
      reason: /not a Kubernetes object: no apiVersion\/kind \(top-level keys: dns\)/,
    },
    { name: 'a list', doc: [1, 2], apply: false, reason: /not a mapping/ },
    { name: 'a scalar', doc: 'text', apply: false, reason: /not a mapping/ },
    {
      name: 'an object without a name',
      doc: { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} },
      apply: false,
      reason: /ConfigMap without metadata\.name/,
    },
  ];
  for (const c of cases) {
    it(`${c.name} → ${c.apply ? 'apply' : 'skip'}`, () => {
      const got = classifyDoc(c.doc);
      expect(got.apply).to.equal(c.apply);
      if (!got.apply && c.reason) expect(got.reason).to.match(c.reason);
    });
  }
});
