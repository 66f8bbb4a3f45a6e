import { expect } from 'chai';
import axios from 'axios';
import type { AddressInfo } from 'node:net';
import winston from 'winston';
import { createApp } from '../../hooks/app.js';
import type { HookRoute } from '../../hooks/http.js';
import { assertValid, validateDNSZone } from '../../hooks/schema/validate.js';

const silent = winston.createLogger({ silent: true });

async function withApp(routes: HookRoute[], fn: (url: string) => Promise<void>) {
  const server = createApp({ logger: silent, routes }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.close();
  }
}

const post = (url: string, body: unknown) => axios.post(url, body, { validateStatus: () => true });
const envelope = (parent: unknown) => ({ controller: {}, parent, children: {}, related: {}, finalizing: false });
const zone = (spec: unknown) => ({
  apiVersion: 'bindy.firestoned.io/v1beta1',
  kind: 'DNSZone',
  metadata: { name: 'z', namespace: 'ns' },
  spec,
});

describe('hooks/http adapter', () => {
  it('answers 422 naming the field when the parent fails the CRD schema (version skew), never a 200', async () => {
    const route: HookRoute = {
      path: '/sync/dnszone',
      hook: 'sync',
      kind: 'DNSZone',
      validateParent: (p) => assertValid(validateDNSZone, p, 'DNSZone ns/z'),
      handle: () => ({ status: {}, children: [] }),
    };
    await withApp([route], async (url) => {
      const res = await post(`${url}/sync/dnszone`, envelope(zone({ zoneName: 'bad name!', clusterRef: 'c' })));
      expect(res.status).to.equal(422);
      expect(res.data.code).to.equal('INVALID_SPEC');
      expect(res.data.details[0].field).to.equal('spec.zoneName');
    });
  });

  it('refuses to answer 200 with a partial response (missing children or status)', async () => {
    const routes: HookRoute[] = [
      { path: '/no-children', hook: 'sync', kind: 'DNSZone', handle: () => ({ status: {} }) },
      { path: '/no-status', hook: 'sync', kind: 'DNSZone', handle: () => ({ children: [] }) },
    ];
    await withApp(routes, async (url) => {
      for (const path of ['/no-children', '/no-status']) {
        const res = await post(`${url}${path}`, envelope(zone({ zoneName: 'example.com', clusterRef: 'c' })));
        expect(res.status, path).to.equal(500);
        expect(res.data).to.deep.equal({ code: 'INTERNAL', message: 'internal error; see the hooks service log' });
      }
    });
  });

  it('rejects a body that is not a v2 hook request with 400 naming what is missing', async () => {
    const route: HookRoute = {
      path: '/s',
      hook: 'sync',
      kind: 'DNSZone',
      handle: () => ({ status: {}, children: [] }),
    };
    await withApp([route], async (url) => {
      const cases: [unknown, string][] = [
        [{}, 'parent: required object is missing'],
        [{ parent: { kind: 'ARecord', metadata: { name: 'x' } } }, 'parent.kind: expected DNSZone, got "ARecord"'],
        [
          { parent: zone({}), children: {}, finalizing: false },
          'related: required object is missing (hook version v2)',
        ],
      ];
      for (const [body, message] of cases) {
        const res = await post(`${url}/s`, body);
        expect(res.status).to.equal(400);
        expect(res.data.message).to.equal(message);
      }
      const bad = await axios.post(`${url}/s`, '{not json', {
        headers: { 'content-type': 'application/json' },
        validateStatus: () => true,
      });
      expect(bad.status).to.equal(400);
    });
  });

  it('is deterministic: the same request gives byte-identical responses', async () => {
    const route: HookRoute = {
      path: '/s',
      hook: 'sync',
      kind: 'DNSZone',
      handle: (b: { parent: { spec: unknown } }) => ({ status: { spec: b.parent.spec }, children: [] }),
    };
    await withApp([route], async (url) => {
      const body = envelope(zone({ zoneName: 'example.com', clusterRef: 'c' }));
      const a = await axios.post(`${url}/s`, body, { responseType: 'text' });
      const b = await axios.post(`${url}/s`, body, { responseType: 'text' });
      expect(a.data).to.equal(b.data);
    });
  });

  const echo: HookRoute = {
    path: '/sync/dnszone',
    hook: 'sync',
    kind: 'DNSZone',
    handle: () => ({ status: {}, children: [] }),
  };

  const badNames: [string, Record<string, unknown>, string][] = [
    ['a newline in the name', { name: 'z\nINJECTED', namespace: 'ns' }, 'parent.metadata.name'],
    ['an upper-case name', { name: 'Zone', namespace: 'ns' }, 'parent.metadata.name'],
    ['a name of 254 characters', { name: 'a'.repeat(254), namespace: 'ns' }, 'parent.metadata.name'],
    ['a slash in the name', { name: '../etc', namespace: 'ns' }, 'parent.metadata.name'],
    ['a dot in the namespace', { name: 'z', namespace: 'a.b' }, 'parent.metadata.namespace'],
    ['a newline in the namespace', { name: 'z', namespace: 'ns\n' }, 'parent.metadata.namespace'],
    ['a namespace that is not a string', { name: 'z', namespace: 7 }, 'parent.metadata.namespace'],
  ];
  for (const [what, metadata, field] of badNames) {
    it(`refuses ${what} at the envelope with 422 naming ${field}`, async () => {
      await withApp([echo], async (url) => {
        const res = await post(`${url}/sync/dnszone`, envelope({ ...zone({}), metadata }));
        expect(res.status).to.equal(422);
        expect(res.data.code).to.equal('INVALID_SPEC');
        expect(res.data.details[0].field).to.equal(field);
      });
    });
  }

  it('accepts the longest legal names (253-character object name, 63-character namespace)', async () => {
    await withApp([echo], async (url) => {
      const name = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
      const res = await post(
        `${url}/sync/dnszone`,
        envelope({ ...zone({}), metadata: { name, namespace: 'n'.repeat(63) } }),
      );
      expect(res.status, JSON.stringify(res.data)).to.equal(200);
    });
  });

  it('answers JSON for unknown paths (404) and wrong methods (405 with Allow)', async () => {
    await withApp([echo], async (url) => {
      const unknown = await axios.post(`${url}/sync/nothing`, {}, { validateStatus: () => true });
      expect(unknown.status).to.equal(404);
      expect(unknown.headers['content-type']).to.match(/application\/json/);
      expect(unknown.data.code).to.equal('NOT_FOUND');
      const wrong = await axios.get(`${url}/sync/dnszone`, { validateStatus: () => true });
      expect(wrong.status).to.equal(405);
      expect(wrong.headers['allow']).to.equal('POST');
      expect(wrong.data.code).to.equal('METHOD_NOT_ALLOWED');
      const health = await axios.post(`${url}/healthz`, {}, { validateStatus: () => true });
      expect(health.status).to.equal(405);
      expect(health.headers['allow']).to.equal('GET, HEAD');
    });
  });
});
