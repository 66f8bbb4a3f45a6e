/**
 * bindcar's TokenReview auth against the real apiserver: real ServiceAccount tokens from the
 * TokenRequest API, reviewed by bindcar's own client-node TokenReviewer running as a ServiceAccount
 * bound to system:auth-delegator, in front of a real named (test/support/named-bindcar.ts).
 */
import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeTokenReviewer, type AuthConfig } from '../../bindcar/auth.js';
import { startBindcar, type BindcarHarness } from '../support/named-bindcar.js';
import { startNamed, type NamedInstance } from '../support/named.js';
import { clusterEnv, describeCluster, ensureServiceAccount, installOnce, serviceAccountToken } from './support.js';

const NS = 'bindy-system';
const ALLOWED = `system:serviceaccount:${NS}:bindy-hooks`;
const AUDIENCE = 'bindcar';

describeCluster('bindcar TokenReview auth with real ServiceAccount tokens', () => {
  let dir: string;
  let named: NamedInstance;
  let bindcar: BindcarHarness;
  let unboundReviewer: BindcarHarness;

  /** A reviewer token file for ServiceAccount `name` (default audience: the apiserver's). */
  async function reviewerTokenFile(name: string): Promise<string> {
    await ensureServiceAccount(NS, name);
    const file = join(dir, `${name}.token`);
    await writeFile(file, await serviceAccountToken(NS, name), { mode: 0o600 });
    return file;
  }

  function authFor(tokenPath: string): AuthConfig {
    const env = clusterEnv();
    return {
      mode: 'tokenreview',
      reviewer: kubeTokenReviewer({ apiServer: env.server, tokenPath, caPath: env.caPath, timeoutMs: 10_000 }),
      audiences: [AUDIENCE],
      allowedServiceAccounts: [ALLOWED],
      allowedNamespaces: [],
    };
  }

  before(async function () {
    this.timeout(120_000);
    dir = await mkdtemp(join(tmpdir(), 'bindy-cluster-bindcar-'));
    const env = clusterEnv();
    await ensureServiceAccount(NS, 'bindy-hooks');
    await ensureServiceAccount(NS, 'intruder');
    await ensureServiceAccount(NS, 'bindcar');
    await installOnce('crb/bindcar-auth-delegator', async () => {
      await env.kubectl([
        'create',
        'clusterrolebinding',
        'bindcar-auth-delegator',
        '--clusterrole=system:auth-delegator',
        `--serviceaccount=${NS}:bindcar`,
      ]);
    });
    named = await startNamed();
    bindcar = await startBindcar({ named, auth: authFor(await reviewerTokenFile('bindcar')) });
    // same bindcar, but its own ServiceAccount lacks system:auth-delegator
    unboundReviewer = await startBindcar({ named, auth: authFor(await reviewerTokenFile('bindcar-unbound')) });
  });

  after(async () => {
    await unboundReviewer?.stop({ keepNamed: true });
    await bindcar?.stop({ keepNamed: true });
    await named?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const cases: { name: string; token: () => Promise<string | undefined>; status: number; code?: string }[] = [
    {
      name: `the allowlisted ServiceAccount (${ALLOWED}) with audience "${AUDIENCE}"`,
      token: () => serviceAccountToken(NS, 'bindy-hooks', [AUDIENCE]),
      status: 200,
    },
    {
      name: 'another ServiceAccount with the right audience',
      token: () => serviceAccountToken(NS, 'intruder', [AUDIENCE]),
      status: 403,
      code: 'FORBIDDEN',
    },
    {
      name: 'the allowlisted ServiceAccount with a wrong audience',
      token: () => serviceAccountToken(NS, 'bindy-hooks', ['not-bindcar']),
      status: 401,
      code: 'UNAUTHORIZED',
    },
    {
      name: 'the allowlisted ServiceAccount with the default (apiserver) audience',
      token: () => serviceAccountToken(NS, 'bindy-hooks'),
      status: 401,
      code: 'UNAUTHORIZED',
    },
    { name: 'a forged token', token: () => Promise.resolve('eyJhbGciOiJSUzI1NiJ9.e30.c2ln'), status: 401 },
    { name: 'no token', token: () => Promise.resolve(undefined), status: 401 },
  ];
  for (const c of cases) {
    it(`${c.name} → ${c.status}`, async () => {
      const token = await c.token();
      const r = await bindcar.http.get('/api/v1/zones', {
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      });
      expect(r.status, JSON.stringify(r.data)).to.equal(c.status);
      if (c.status === 200) expect(r.data).to.have.property('zones');
      if (c.code) expect(r.data).to.have.property('code', c.code);
    });
  }

  it('a reviewer whose ServiceAccount lacks system:auth-delegator cannot review → 503, never 200', async () => {
    const token = await serviceAccountToken(NS, 'bindy-hooks', [AUDIENCE]);
    const r = await unboundReviewer.http.get('/api/v1/zones', { headers: { authorization: `Bearer ${token}` } });
    expect(r.status, JSON.stringify(r.data)).to.equal(503);
    expect(r.data).to.have.property('code', 'AUTH_UNAVAILABLE');
  });
});
