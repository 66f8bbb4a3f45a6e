/** The bindcar HTTP client port against a scripted local HTTP server (loopback only). */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createBindcarClient, fileToken, parseRetryAfter, staticToken } from '../../../hooks/ports/bindcar.js';
import type { PutZoneBody } from '../../../dns/contract.js';

type Step = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

async function scripted(steps: Step[]): Promise<{
  url: string;
  seen: { method: string; path: string; auth?: string; body: string }[];
  close: () => Promise<void>;
}> {
  const seen: { method: string; path: string; auth?: string; body: string }[] = [];
  let i = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({
        method: req.method!,
        path: req.url!,
        ...(req.headers.authorization ? { auth: req.headers.authorization } : {}),
        body,
      });
      const step = steps[Math.min(i++, steps.length - 1)]!;
      step(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const body: PutZoneBody = {
  type: 'primary',
  ttl: 3600,
  soa: { mname: 'ns1.example.net.', rname: 'hostmaster.example.com.', refresh: 1, retry: 1, expire: 1, minimum: 1 },
  nameServers: [{ hostname: 'ns1.example.net.' }],
  records: [],
};
const okResult = { zone: 'example.com', serial: 7, changed: true, created: true, added: 1, removed: 0 };

describe('hooks/ports/bindcar client', () => {
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
  };
  beforeEach(() => (waits.length = 0));

  it('PUTs the zone with a bearer token re-read from the file on every call', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tok-'));
    const s = await scripted([(_q, r) => json(r, 200, okResult)]);
    try {
      writeFileSync(join(dir, 'token'), 'first\n');
      const c = createBindcarClient({ token: fileToken(join(dir, 'token')), sleep });
      expect(await c.putZone(s.url + '/', 'example.com', body)).to.deep.equal({
        ok: true,
        result: okResult,
        attempts: 1,
      });
      writeFileSync(join(dir, 'token'), 'rotated');
      await c.putZone(s.url, 'example.com', body);
      expect(s.seen.map((x) => [x.method, x.path, x.auth])).to.deep.equal([
        ['PUT', '/api/v1/zones/example.com', 'Bearer first'],
        ['PUT', '/api/v1/zones/example.com', 'Bearer rotated'],
      ]);
      expect(JSON.parse(s.seen[0]!.body)).to.deep.equal(body);
    } finally {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('replaces the PUT of an unchanged zone by one GET while the served serial has not moved', async () => {
    let t = 0;
    const s = await scripted([
      (_q, r) => json(r, 201, okResult),
      (_q, r) => json(r, 200, { name: 'example.com', serial: 7 }),
      (_q, r) => json(r, 200, { name: 'example.com', serial: 8 }),
      (_q, r) => json(r, 200, { ...okResult, serial: 9, changed: true, created: false }),
      (_q, r) => json(r, 200, { ...okResult, serial: 10, changed: true, created: false }),
      (_q, r) => json(r, 200, { ...okResult, serial: 10, changed: false, created: false, added: 0 }),
    ]);
    try {
      const c = createBindcarClient({ token: staticToken('t'), sleep, skipUnchangedForMs: 1000, now: () => t });
      // GIVEN a zone applied once
      await c.putZone(s.url, 'example.com', body);
      // WHEN the same body comes again and the serial is still 7 THEN only a GET is made
      const same = await c.putZone(s.url, 'example.com', body);
      expect(same).to.deep.equal({
        ok: true,
        result: { ...okResult, changed: false, created: false, added: 0 },
        attempts: 1,
      });
      // WHEN the server's serial moved (a change on the server) THEN the zone is PUT again
      expect((await c.putZone(s.url, 'example.com', body)).ok).to.equal(true);
      // WHEN the body changes THEN it is PUT without a GET
      await c.putZone(s.url, 'example.com', { ...body, ttl: 60 });
      // WHEN the skip window has passed THEN an unchanged body is PUT anyway
      t = 5000;
      await c.putZone(s.url, 'example.com', { ...body, ttl: 60 });
      expect(s.seen.map((x) => x.method)).to.deep.equal(['PUT', 'GET', 'GET', 'PUT', 'PUT', 'PUT']);
    } finally {
      await s.close();
    }
  });

  it('tells an unchanged zone by its records, not by the array that holds them', async () => {
    const s = await scripted([
      (_q, r) => json(r, 201, okResult),
      (_q, r) => json(r, 200, { name: 'example.com', serial: 7 }),
      (_q, r) => json(r, 200, { ...okResult, serial: 8, changed: true, created: false }),
    ]);
    try {
      const c = createBindcarClient({ token: staticToken('t'), sleep, skipUnchangedForMs: 1000, now: () => 0 });
      const records: PutZoneBody['records'] = [{ name: 'www', type: 'A', ttl: 300, data: '192.0.2.1' }];
      await c.putZone(s.url, 'example.com', { ...body, records });
      // the same records in another array: one GET
      await c.putZone(s.url, 'example.com', { ...body, records: records.map((r) => ({ ...r })) });
      // a changed record: sent (as the changed RRset)
      await c.putZone(s.url, 'example.com', { ...body, records: [{ ...records[0]!, data: '192.0.2.2' }] });
      expect(s.seen.map((x) => x.method)).to.deep.equal(['PUT', 'GET', 'PATCH']);
    } finally {
      await s.close();
    }
  });

  it('retries a 503 after its Retry-After and succeeds', async () => {
    const s = await scripted([
      (_q, r) => json(r, 503, { code: 'NAMED_UNAVAILABLE', message: 'restarting' }, { 'retry-after': '2' }),
      (_q, r) => json(r, 200, okResult),
    ]);
    try {
      const c = createBindcarClient({ token: staticToken('t'), sleep, backoffMs: 100 });
      const r = await c.putZone(s.url, 'example.com', body);
      expect(r).to.deep.equal({ ok: true, result: okResult, attempts: 2 });
      expect(waits).to.deep.equal([2000]);
    } finally {
      await s.close();
    }
  });

  it('returns a Retry-After longer than its budget instead of waiting', async () => {
    const s = await scripted([
      (_q, r) => json(r, 429, { code: 'BUSY', message: 'slow down' }, { 'retry-after': '60' }),
    ]);
    try {
      const c = createBindcarClient({ token: staticToken(undefined), sleep });
      const r = await c.putZone(s.url, 'example.com', body);
      expect(r).to.deep.include({ ok: false });
      expect(r.ok ? undefined : r.error).to.include({
        kind: 'unavailable',
        status: 429,
        retryAfterSeconds: 60,
        attempts: 1,
      });
      expect(s.seen).to.have.length(1);
      expect(s.seen[0]).not.to.have.property('auth');
    } finally {
      await s.close();
    }
  });

  it('does not retry a 4xx and names bindcar’s error', async () => {
    const s = await scripted([(_q, r) => json(r, 422, { code: 'INVALID_SPEC', message: 'records/0/data: bad' })]);
    try {
      const c = createBindcarClient({ token: staticToken('t'), sleep });
      const r = await c.putZone(s.url, 'example.com', body);
      expect(r.ok ? undefined : r.error).to.deep.equal({
        kind: 'rejected',
        status: 422,
        code: 'INVALID_SPEC',
        attempts: 1,
        message: `PUT ${s.url}/api/v1/zones/example.com: HTTP 422 INVALID_SPEC: records/0/data: bad`,
      });
    } finally {
      await s.close();
    }
  });

  it('gives up after the bounded attempts with exponential backoff when nothing listens', async () => {
    const s = await scripted([]);
    const url = s.url;
    await s.close();
    const c = createBindcarClient({ token: staticToken('t'), sleep, attempts: 3, backoffMs: 100 });
    const r = await c.putZone(url, 'example.com', body);
    expect(r.ok ? undefined : r.error).to.include({ kind: 'unreachable', attempts: 3 });
    expect(waits).to.deep.equal([100, 200]);
  });

  it('times out a request that gets no answer', async () => {
    const s = await scripted([() => undefined]);
    try {
      const c = createBindcarClient({ token: staticToken('t'), sleep, attempts: 1, requestTimeoutMs: 200 });
      const r = await c.putZone(s.url, 'example.com', body);
      expect(r.ok ? undefined : r.error).to.include({ kind: 'timeout', attempts: 1 });
    } finally {
      await s.close();
    }
  });

  const deletes: { name: string; step: Step; expected: unknown }[] = [
    {
      name: '200 → deleted',
      step: (_q, r) => json(r, 200, { zone: 'example.com', deleted: true }),
      expected: { ok: true, gone: 'deleted', attempts: 1 },
    },
    {
      name: 'bindcar’s zone 404 → notFound',
      step: (_q, r) => json(r, 404, { code: 'NOT_FOUND', message: 'zone example.com not found' }),
      expected: { ok: true, gone: 'notFound', attempts: 1 },
    },
    {
      name: 'a missing route’s 404 is not "gone"',
      step: (_q, r) => json(r, 404, { code: 'NOT_FOUND', message: 'no route for DELETE /api/v1/zones/example.com' }),
      expected: { ok: false },
    },
    {
      name: 'a proxy’s HTML 404 is not "gone"',
      step: (_q, r) => {
        r.writeHead(404, { 'content-type': 'text/html' });
        r.end('<h1>Not Found</h1>');
      },
      expected: { ok: false },
    },
  ];
  for (const t of deletes) {
    it(`DELETE: ${t.name}`, async () => {
      const s = await scripted([t.step]);
      try {
        const c = createBindcarClient({ token: staticToken('t'), sleep });
        expect(await c.deleteZone(s.url, 'example.com')).to.deep.include(t.expected);
      } finally {
        await s.close();
      }
    });
  }

  it('refuses an endpoint that is not an http(s) URL without any request', async () => {
    const c = createBindcarClient({ token: staticToken('t'), sleep });
    const r = await c.putZone('file:///etc/passwd', 'example.com', body);
    expect(r.ok ? undefined : r.error).to.include({ kind: 'invalid', attempts: 0 });
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-11-22T04:00:00Z');
    expect(parseRetryAfter('5', now)).to.equal(5);
    expect(parseRetryAfter('Sun, 22 Nov 2026 04:00:30 GMT', now)).to.equal(30);
    expect(parseRetryAfter('soon', now)).to.equal(undefined);
    expect(parseRetryAfter(undefined, now)).to.equal(undefined);
  });
});
