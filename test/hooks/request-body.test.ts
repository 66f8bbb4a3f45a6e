/**
 * Large hook request bodies kept parsed (hooks/request-body.ts): the same bytes get the kept value, anything else a
 * parse; bounded by bytes, least recently used first; through createApp, bodies of a kept length compared as they
 * arrive, and the body reader's refusals.
 */
import { request as httpRequest } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import axios from 'axios';
import { expect } from 'chai';
import winston from 'winston';
import { createApp } from '../../hooks/app.js';
import type { HookRoute } from '../../hooks/http.js';
import { deepFreeze, keptBodies } from '../../hooks/request-body.js';

const body = (n: number, pad = 0) => Buffer.from(JSON.stringify({ n, pad: 'x'.repeat(pad) }));

describe('keptBodies', () => {
  it('answers the same bytes with the kept value and other bytes with a parse of their own', () => {
    const kept = keptBodies({ minBytes: 0 });
    const a = kept.parse(body(1));
    expect(kept.parse(body(1))).to.equal(a);
    expect(kept.reused).to.equal(1);
    const b = kept.parse(body(2));
    expect(b).to.deep.equal({ n: 2, pad: '' });
    expect(b).to.not.equal(a);
    expect(kept.reused).to.equal(1);
  });

  it('keeps no body under minBytes or over maxBytes', () => {
    const kept = keptBodies({ minBytes: 100, maxBytes: 1000 });
    for (const raw of [body(1), body(2, 2000)]) {
      expect(kept.parse(raw)).to.not.equal(kept.parse(raw));
    }
    expect(kept.reused).to.equal(0);
  });

  it('keeps at most maxBytes of bodies, dropping the one used longest ago', () => {
    const one = body(1, 300);
    const kept = keptBodies({ minBytes: 0, maxBytes: 3 * one.length });
    const [a, b, c] = [1, 2, 3].map((n) => kept.parse(body(n, 300)));
    expect(kept.parse(body(1, 300))).to.equal(a); // 1 is now the most recent
    kept.parse(body(4, 300)); // over the bound: 2 goes
    expect(kept.parse(body(2, 300))).to.not.equal(b);
    expect(kept.parse(body(1, 300))).to.equal(a);
    kept.parse(body(5, 300)); // 3 was used longest ago
    expect(kept.parse(body(3, 300))).to.not.equal(c);
  });

  it('keeps nothing with maxBytes 0', () => {
    const kept = keptBodies({ minBytes: 0, maxBytes: 0 });
    expect(kept.parse(body(1))).to.not.equal(kept.parse(body(1)));
  });

  it('freezes kept values on request, so a write to a request throws', () => {
    const kept = keptBodies({ minBytes: 0, freeze: true });
    const v = kept.parse(Buffer.from('{"parent":{"metadata":{"name":"z"}}}')) as { parent: { metadata: object } };
    expect(() => Object.assign(v.parent.metadata, { name: 'other' })).to.throw(TypeError);
    expect(deepFreeze([{ a: [1] }])[0]!.a).to.satisfy(Object.isFrozen);
  });
});

describe('the hooks app reads JSON bodies', () => {
  const seen: unknown[] = [];
  const route: HookRoute = {
    path: '/s',
    hook: 'customize',
    kind: 'DNSZone',
    handle: (b: unknown) => (seen.push(b), { relatedResources: [] }),
  };
  let bodies = keptBodies({ minBytes: 0 });
  const withApp = async (fn: (url: string) => Promise<void>, bodyLimit = '1kb') => {
    bodies = keptBodies({ minBytes: 0 });
    const app = createApp({ logger: winston.createLogger({ silent: true }), routes: [route], bodies, bodyLimit });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}/s`);
    } finally {
      await new Promise((r) => server.close(r));
    }
  };
  const post = (url: string, data: string, type = 'application/json') =>
    // as sent: axios would JSON-encode a string that does not parse
    axios.post(url, data, {
      headers: { 'content-type': type },
      transformRequest: [(d: string) => d],
      validateStatus: () => true,
    });
  const request = JSON.stringify({ parent: { kind: 'DNSZone', metadata: { name: 'z', namespace: 'n' } } });

  it('hands the hook the kept value for the same bytes', async () => {
    await withApp(async (url) => {
      seen.length = 0;
      expect((await post(url, request)).status).to.equal(200);
      expect((await post(url, request)).status).to.equal(200);
      expect(seen).to.have.length(2);
      expect(seen[1]).to.equal(seen[0]);
    });
  });

  const names = () => seen.map((v) => (v as { parent: { metadata: { name: string } } }).parent.metadata.name);

  it('compares a body of a kept length as it arrives: the same bytes get the kept value, others their own parse', async () => {
    await withApp(async (url) => {
      seen.length = 0;
      const [a, b] = ['a', 'b'].map((n) => request.replace('"name":"z"', `"name":"${n}"`)); // the same length
      for (const text of [a, b, a, b, b]) expect((await post(url, text!)).status).to.equal(200);
      expect(names()).to.deep.equal(['a', 'b', 'a', 'b', 'b']);
      expect(seen[2]).to.equal(seen[0]);
      expect(seen[3]).to.equal(seen[1]);
      expect(seen[4]).to.equal(seen[1]);
      expect(bodies.reused).to.equal(3);
    });
  });

  /** POSTs `parts` as one body of their total length, each part written after the server read the one before. */
  const postInParts = (url: string, parts: string[]) =>
    new Promise<number>((resolve, reject) => {
      const length = parts.reduce((n, p) => n + Buffer.byteLength(p), 0);
      const req = httpRequest(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': length },
      });
      req.once('response', (res) => (res.resume(), resolve(res.statusCode!)));
      req.once('error', reject);
      const next = (i: number) => {
        if (i === parts.length) return void req.end();
        req.write(parts[i]);
        setTimeout(() => next(i + 1), 30);
      };
      next(0);
    });

  it('reads a body that leaves a kept one partway as the bytes sent, the kept prefix and the rest', async () => {
    await withApp(async (url) => {
      seen.length = 0;
      const pad = 'x'.repeat(200_000);
      const text = (name: string) =>
        JSON.stringify({ pad, parent: { kind: 'DNSZone', metadata: { name, namespace: 'n' } } });
      expect((await post(url, text('a'))).status).to.equal(200);
      // the same length, differing only after the first 150,000 bytes, which arrive on their own
      const other = text('b');
      expect(
        await postInParts(url, [other.slice(0, 150_000), other.slice(150_000, 180_000), other.slice(180_000)]),
      ).to.equal(200);
      expect(await postInParts(url, [other.slice(0, 150_000), other.slice(150_000)])).to.equal(200);
      expect(names()).to.deep.equal(['a', 'b', 'b']);
      expect(seen[1]).to.deep.equal(JSON.parse(other));
      expect(seen[2]).to.equal(seen[1]);
      expect(bodies.reused).to.equal(1);
    }, '1mb');
  });

  it('drops a body of a kept length that ends short, and goes on serving', async () => {
    await withApp(async (url) => {
      seen.length = 0;
      expect((await post(url, request)).status).to.equal(200);
      const { port } = new URL(url);
      await new Promise<void>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.end(
            `POST /s HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${request.length}\r\n\r\n${request.slice(0, 20)}`,
          );
        });
        socket.on('error', () => undefined);
        socket.once('close', () => resolve());
        socket.resume();
      });
      expect((await post(url, request)).status).to.equal(200);
      expect(seen).to.have.length(2);
      expect(seen[1]).to.equal(seen[0]);
    });
  });

  it('refuses what is not UTF-8 JSON within the limit, naming why', async () => {
    await withApp(async (url) => {
      const bad = await post(url, '{not json');
      expect([bad.status, bad.data.code]).to.deep.equal([400, 'BAD_REQUEST']);
      expect(bad.data.message).to.match(/^request body is not valid JSON: /);
      const latin1 = await post(url, request, 'application/json; charset=iso-8859-1');
      expect([latin1.status, latin1.data.code]).to.deep.equal([415, 'UNSUPPORTED_MEDIA_TYPE']);
      expect(latin1.data.message).to.contain('iso-8859-1');
      expect((await post(url, request, 'application/json; charset=utf-8')).status).to.equal(200);
      const large = await post(url, JSON.stringify({ pad: 'x'.repeat(2000) }));
      expect([large.status, large.data.code]).to.deep.equal([413, 'PAYLOAD_TOO_LARGE']);
      const text = await post(url, request, 'text/plain');
      expect([text.status, text.data.message]).to.deep.equal([400, 'request body must be a JSON object']);
    });
  });
});
