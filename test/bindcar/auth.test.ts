import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios, { type AxiosInstance } from 'axios';
import winston from 'winston';
import { createApp } from '../../bindcar/app.js';
import {
  checkAuthStartup,
  createAuthenticator,
  kubeTokenReviewer,
  type AuthConfig,
  type TokenReviewer,
  type TokenReviewResult,
} from '../../bindcar/auth.js';
import type { DnsClient } from '../../bindcar/dns-client.js';
import { createMetrics } from '../../bindcar/metrics.js';
import type { Rndc } from '../../bindcar/rndc.js';
import { createZoneStore } from '../../bindcar/zone-store.js';
import { ZoneService } from '../../bindcar/zones.js';

/** A fake TokenReviewer: answers from a table and counts calls. */
class FakeReviewer implements TokenReviewer {
  calls: { token: string; audiences: readonly string[] }[] = [];
  private readonly table: Record<string, TokenReviewResult | Error>;
  constructor(table: Record<string, TokenReviewResult | Error>) {
    this.table = table;
  }
  async review(token: string, audiences: readonly string[]): Promise<TokenReviewResult> {
    this.calls.push({ token, audiences });
    const r = this.table[token] ?? { authenticated: false };
    if (r instanceof Error) throw r;
    return r;
  }
}

const SA = 'system:serviceaccount:bindy-system:bindy';

async function appWith(auth: AuthConfig): Promise<{ http: AxiosInstance; close: () => Promise<void>; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'bindcar-auth-'));
  const rndc: Rndc = { run: async () => 'server is up and running' };
  const dns: DnsClient = {
    soa: async () => ({ served: false, rcode: 'REFUSED' }),
    update: async () => undefined,
    transfer: async () => [],
    query: async () => {
      throw new Error('no DNS queries in the auth tests');
    },
  };
  const zones = new ZoneService({ rndc, dns, store: createZoneStore(dir), updateKeyName: 'bindcar-update' });
  const app = createApp({
    zones,
    rndc,
    authenticate: createAuthenticator(auth),
    metrics: createMetrics(),
    logger: winston.createLogger({ silent: true }),
  });
  const server = await new Promise<Server>((res) => {
    const s = app.listen(0, '127.0.0.1', () => res(s));
  });
  const http = axios.create({
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    validateStatus: () => true,
  });
  return {
    http,
    dir,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const bearer = (t: string) => ({ headers: { authorization: `Bearer ${t}` } });

describe('bindcar auth: static bearer token', () => {
  let a: Awaited<ReturnType<typeof appWith>>;
  before(async () => {
    a = await appWith({ mode: 'token', token: 'correct-horse-battery-staple' });
  });
  after(async () => a.close());

  const cases: { name: string; headers: Record<string, string>; status: number }[] = [
    { name: 'no header', headers: {}, status: 401 },
    { name: 'wrong token', headers: { authorization: 'Bearer wrong' }, status: 401 },
    { name: 'token prefix', headers: { authorization: 'Bearer correct-horse' }, status: 401 },
    { name: 'basic auth', headers: { authorization: 'Basic Y29ycmVjdA==' }, status: 401 },
    { name: 'empty bearer', headers: { authorization: 'Bearer ' }, status: 401 },
    { name: 'right token', headers: { authorization: 'Bearer correct-horse-battery-staple' }, status: 200 },
    { name: 'case-insensitive scheme', headers: { authorization: 'bearer correct-horse-battery-staple' }, status: 200 },
  ];
  for (const c of cases) {
    it(`answers ${c.status} for ${c.name}`, async () => {
      const r = await a.http.get('/api/v1/zones', { headers: c.headers });
      expect(r.status).to.equal(c.status);
      if (c.status === 401) expect(r.data.code).to.equal('UNAUTHORIZED');
    });
  }
  it('leaves /healthz, /readyz and /metrics unauthenticated', async () => {
    expect((await a.http.get('/healthz')).status).to.equal(200);
    expect((await a.http.get('/readyz')).status).to.equal(200);
    expect((await a.http.get('/metrics')).status).to.equal(200);
  });
  it('authenticates before validating the body', async () => {
    const r = await a.http.put('/api/v1/zones/example.com', { junk: true });
    expect(r.status).to.equal(401);
  });
});

describe('bindcar auth: Kubernetes TokenReview (fake reviewer)', () => {
  const table: Record<string, TokenReviewResult | Error> = {
    good: { authenticated: true, username: SA, audiences: ['bindcar'] },
    nsok: { authenticated: true, username: 'system:serviceaccount:dns:other', audiences: ['bindcar'] },
    forged: { authenticated: false, error: 'invalid bearer token' },
    wrongaud: { authenticated: true, username: SA, audiences: ['vault'] },
    noaud: { authenticated: true, username: SA },
    othersa: { authenticated: true, username: 'system:serviceaccount:default:default', audiences: ['bindcar'] },
    human: { authenticated: true, username: 'alice', audiences: ['bindcar'] },
    down: new Error('connect ECONNREFUSED'),
  };
  let now = 1_000_000;
  const reviewer = new FakeReviewer(table);
  let a: Awaited<ReturnType<typeof appWith>>;
  before(async () => {
    a = await appWith({
      mode: 'tokenreview',
      reviewer,
      audiences: ['bindcar'],
      allowedServiceAccounts: [SA],
      allowedNamespaces: ['dns'],
      cacheTtlMs: 60000,
      now: () => now,
    });
  });
  after(async () => a.close());

  const cases: [string, number][] = [
    ['good', 200],
    ['nsok', 200],
    ['forged', 401],
    ['wrongaud', 403],
    ['noaud', 403],
    ['othersa', 403],
    ['human', 403],
    ['down', 503],
  ];
  for (const [token, status] of cases) {
    it(`answers ${status} for token "${token}"`, async () => {
      const r = await a.http.get('/api/v1/zones', bearer(token));
      expect(r.status).to.equal(status);
    });
  }
  it('sends the configured audiences to the reviewer', () => {
    expect(reviewer.calls.find((c) => c.token === 'good')?.audiences).to.deep.equal(['bindcar']);
  });
  it('caches review outcomes for at most the TTL', async () => {
    const count = (): number => reviewer.calls.filter((c) => c.token === 'good').length;
    const before = count();
    await a.http.get('/api/v1/zones', bearer('good'));
    expect(count()).to.equal(before);
    now += 60001;
    await a.http.get('/api/v1/zones', bearer('good'));
    expect(count()).to.equal(before + 1);
  });
});

describe('bindcar auth: startup guard', () => {
  const reviewer = new FakeReviewer({});
  const cases: { name: string; cfg: AuthConfig; addr: string; insecure?: boolean; ok: boolean }[] = [
    { name: 'no auth on loopback', cfg: { mode: 'none' }, addr: '127.0.0.1', ok: true },
    { name: 'no auth on ::1', cfg: { mode: 'none' }, addr: '::1', ok: true },
    { name: 'no auth on 0.0.0.0', cfg: { mode: 'none' }, addr: '0.0.0.0', ok: false },
    { name: 'no auth on a pod IP', cfg: { mode: 'none' }, addr: '10.1.2.3', ok: false },
    {
      name: 'no auth on 0.0.0.0 with explicit override',
      cfg: { mode: 'none' },
      addr: '0.0.0.0',
      insecure: true,
      ok: true,
    },
    { name: 'token on 0.0.0.0', cfg: { mode: 'token', token: 'a-long-enough-token' }, addr: '0.0.0.0', ok: true },
    { name: 'short token', cfg: { mode: 'token', token: 'short' }, addr: '0.0.0.0', ok: false },
    {
      name: 'tokenreview without allowlists',
      cfg: { mode: 'tokenreview', reviewer, audiences: ['bindcar'], allowedServiceAccounts: [], allowedNamespaces: [] },
      addr: '0.0.0.0',
      ok: false,
    },
    {
      name: 'tokenreview with an allowlist',
      cfg: {
        mode: 'tokenreview',
        reviewer,
        audiences: ['bindcar'],
        allowedServiceAccounts: [SA],
        allowedNamespaces: [],
      },
      addr: '0.0.0.0',
      ok: true,
    },
  ];
  for (const c of cases) {
    it(`${c.ok ? 'accepts' : 'refuses'} ${c.name}`, () => {
      const msg = checkAuthStartup(c.cfg, c.addr, c.insecure ?? false);
      if (c.ok) expect(msg).to.equal(undefined);
      else expect(msg).to.be.a('string');
    });
  }
});

describe('bindcar auth: kubeTokenReviewer over HTTP (client-node 1.4.0 against a stub apiserver)', () => {
  let server: Server;
  let dir: string;
  const seen: { auth?: string; body: { spec?: { token?: string; audiences?: string[] } } }[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bindcar-kube-'));
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw || '{}') as { spec?: { token?: string; audiences?: string[] } };
        seen.push({ ...(req.headers.authorization ? { auth: req.headers.authorization } : {}), body });
        if (req.method !== 'POST' || req.url !== '/apis/authentication.k8s.io/v1/tokenreviews') {
          res.writeHead(404).end();
          return;
        }
        const ok = body.spec?.token === 'sa-token';
        res.writeHead(201, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            apiVersion: 'authentication.k8s.io/v1',
            kind: 'TokenReview',
            spec: body.spec,
            status: ok
              ? { authenticated: true, user: { username: SA }, audiences: body.spec?.audiences }
              : { authenticated: false, error: 'invalid' },
          }),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('posts a TokenReview with the audiences, using (and re-reading) the token file', async () => {
    const tokenPath = join(dir, 'token');
    await writeFile(tokenPath, 'reviewer-token-1\n');
    const r = kubeTokenReviewer({ apiServer: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tokenPath });
    expect(await r.review('sa-token', ['bindcar'])).to.deep.equal({
      authenticated: true,
      username: SA,
      audiences: ['bindcar'],
    });
    expect(seen.at(-1)?.auth).to.equal('Bearer reviewer-token-1');
    expect(seen.at(-1)?.body.spec).to.deep.equal({ token: 'sa-token', audiences: ['bindcar'] });
    expect((await r.review('forged', ['bindcar'])).authenticated).to.equal(false);
    // the projected token rotates
    await writeFile(tokenPath, 'reviewer-token-2\n');
    await r.review('sa-token', ['bindcar']);
    expect(seen.at(-1)?.auth).to.equal('Bearer reviewer-token-2');
  });
});
