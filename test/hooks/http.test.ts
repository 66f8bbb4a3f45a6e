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
});
