/**
 * The upstream-compatible routes tell the truth about what named serves: every hostile request
 * below is checked against the served zone (records and SOA serial) before and after.
 */
import { expect } from 'chai';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CreateZoneRequest } from '../../dns/contract.js';
import { startBindcar, type BindcarHarness } from '../support/named-bindcar.js';

const ZONE = 'truth.test';
const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

function createRequest(zone: string, dnssecPolicy?: string): CreateZoneRequest {
  return {
    zoneName: zone,
    zoneType: 'primary',
    zoneConfig: {
      ttl: 3600,
      soa: { primaryNs: `ns1.${zone}.`, adminEmail: `admin@${zone}`, serial: 10 },
      nameServers: [`ns1.${zone}.`],
      nameServerIps: { [`ns1.${zone}.`]: '192.0.2.53' },
      records: [
        { name: 'www', type: 'A', value: '192.0.2.1' },
        { name: 'alias', type: 'CNAME', value: `www.${zone}.` },
      ],
      ...(dnssecPolicy ? { dnssecPolicy } : {}),
    },
  };
}

describe('bindcar upstream routes answer what named actually serves', function () {
  this.timeout(30000);
  let h: BindcarHarness;
  const served = async (): Promise<unknown> => (await h.http.get(`/api/v1/zones/${ZONE}/records`)).data;

  before(async () => {
    h = await startBindcar();
    const r = await h.http.post('/api/v1/zones', createRequest(ZONE));
    expect(r.status, JSON.stringify(r.data)).to.equal(201);
  });
  after(async () => {
    await h?.stop();
  });

  const refused: {
    what: string;
    method: 'post' | 'put';
    body: Record<string, unknown>;
    status: number;
    code: string;
    field: string;
  }[] = [
    {
      what: 'a CNAME where an A exists',
      method: 'post',
      body: { name: 'www', type: 'CNAME', value: `other.${ZONE}.` },
      status: 409,
      code: 'CNAME_CONFLICT',
      field: 'type',
    },
    {
      what: 'an A where a CNAME exists',
      method: 'post',
      body: { name: 'alias', type: 'A', value: '192.0.2.7' },
      status: 409,
      code: 'CNAME_CONFLICT',
      field: 'type',
    },
    {
      what: 'a CNAME at the apex',
      method: 'post',
      body: { name: '@', type: 'CNAME', value: `www.${ZONE}.` },
      status: 422,
      code: 'INVALID_SPEC',
      field: 'name',
    },
    {
      what: 'an update whose currentValue is not served',
      method: 'put',
      body: { name: 'www', type: 'A', currentValue: '192.0.2.99', newValue: '192.0.2.2' },
      status: 404,
      code: 'RECORD_NOT_FOUND',
      field: 'currentValue',
    },
  ];
  for (const c of refused)
    it(`${c.what} → ${c.status} ${c.code} naming ${c.field}; named serves the same zone and serial`, async () => {
      const before = { records: await served(), serial: await h.named.soaSerial(ZONE) };
      const r = await h.http[c.method](`/api/v1/zones/${ZONE}/records`, c.body);
      expect(r.status, JSON.stringify(r.data)).to.equal(c.status);
      expect(r.data.code).to.equal(c.code);
      expect(r.data.details.map((d: { field: string }) => d.field)).to.include(c.field);
      expect(await served()).to.deep.equal(before.records);
      expect(await h.named.soaSerial(ZONE)).to.equal(before.serial);
    });

  it('a valid update still replaces the value (200, serial moves)', async () => {
    const serial = await h.named.soaSerial(ZONE);
    const r = await h.http.put(`/api/v1/zones/${ZONE}/records`, {
      name: 'www',
      type: 'A',
      currentValue: '192.0.2.1',
      newValue: '192.0.2.2',
    });
    expect(r.status, JSON.stringify(r.data)).to.equal(200);
    expect((await h.named.query(`www.${ZONE}`, 'A')).answers.map((a) => a.data)).to.deep.equal(['192.0.2.2']);
    expect(r.data.serial)
      .to.equal(await h.named.soaSerial(ZONE))
      .and.not.equal(serial);
  });

  it('an unknown dnssecPolicy on create is 422 naming the field, leaves no file and no listed zone', async () => {
    const r = await h.http.post('/api/v1/zones', createRequest('nopolicy.test', 'no-such-policy'));
    expect(r.status, JSON.stringify(r.data)).to.equal(422);
    expect(r.data.code).to.equal('INVALID_SPEC');
    expect(r.data.details.map((d: { field: string }) => d.field)).to.include('dnssecPolicy');
    expect(await exists(join(h.named.dir, 'nopolicy.test.zone'))).to.equal(false);
    expect((await h.http.get('/api/v1/zones')).data.zones).to.not.include('nopolicy.test');
    expect((await h.http.get('/api/v1/zones/nopolicy.test')).status).to.equal(404);
  });

  it('an unknown key name (updateKeyName, allowTransfer) is 422 before rndc', async () => {
    const r = await h.http.post('/api/v1/zones', { ...createRequest('nokey.test'), updateKeyName: 'no-such-key' });
    expect(r.status, JSON.stringify(r.data)).to.equal(422);
    expect(r.data.details.map((d: { field: string }) => d.field)).to.include('allowUpdate/0');
    expect(await exists(join(h.named.dir, 'nokey.test.zone'))).to.equal(false);
    const p = await h.http.patch(`/api/v1/zones/${ZONE}`, { allowTransfer: ['key nope'] });
    expect(p.status, JSON.stringify(p.data)).to.equal(422);
    expect(p.data.details.map((d: { field: string }) => d.field)).to.include('allowTransfer/0');
  });

  it('a PUT that only changes dnssecPolicy answers changed: true, and the same PUT again changed: false', async () => {
    const body = {
      type: 'primary',
      ttl: 3600,
      soa: { mname: `ns1.${ZONE}.`, rname: `admin.${ZONE}.`, refresh: 3600, retry: 600, expire: 604800, minimum: 300 },
      nameServers: [{ hostname: `ns1.${ZONE}.`, ipv4Addresses: ['192.0.2.53'] }],
      records: [{ name: 'www', type: 'A', ttl: 3600, data: '192.0.2.1' }],
    };
    expect((await h.http.put(`/api/v1/zones/${ZONE}`, body)).status).to.equal(200);
    const r = await h.http.put(`/api/v1/zones/${ZONE}`, { ...body, dnssecPolicy: 'insecure' });
    expect(r.status, JSON.stringify(r.data)).to.equal(200);
    expect(r.data.changed).to.equal(true);
    expect(await h.named.rndc('showzone', ZONE)).to.match(/dnssec-policy "insecure"/);
    const again = await h.http.put(`/api/v1/zones/${ZONE}`, { ...body, dnssecPolicy: 'insecure' });
    expect(again.data.changed).to.equal(false);
    const bad = await h.http.put(`/api/v1/zones/${ZONE}`, { ...body, dnssecPolicy: 'bogus' });
    expect(bad.status).to.equal(422);
    expect(bad.data.details.map((d: { field: string }) => d.field)).to.include('dnssecPolicy');
  });

  const wrongMethods: { method: string; path: string; allow: string }[] = [
    { method: 'post', path: `/api/v1/zones/${ZONE}`, allow: 'DELETE, GET, HEAD, PATCH, PUT' },
    { method: 'patch', path: `/api/v1/zones/${ZONE}/records`, allow: 'DELETE, GET, HEAD, POST, PUT' },
    { method: 'delete', path: '/api/v1/zones', allow: 'GET, HEAD, POST' },
    { method: 'get', path: `/api/v1/zones/${ZONE}/reload`, allow: 'POST' },
    { method: 'post', path: '/healthz', allow: 'GET, HEAD' },
  ];
  for (const c of wrongMethods)
    it(`${c.method.toUpperCase()} ${c.path} → 405 with Allow: ${c.allow}`, async () => {
      const r = await h.http.request({ method: c.method, url: c.path });
      expect(r.status, JSON.stringify(r.data)).to.equal(405);
      expect(r.headers['allow']).to.equal(c.allow);
      expect(r.data.code).to.equal('METHOD_NOT_ALLOWED');
    });

  it('an unknown path is still a JSON 404', async () => {
    const r = await h.http.get('/api/v1/nope');
    expect(r.status).to.equal(404);
    expect(r.data.code).to.equal('NOT_FOUND');
  });
});
