/**
 * Every upstream-compatible bindcar route exercised once against a real named, plus the health,
 * readiness and metrics endpoints.
 */
import { expect } from 'chai';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CreateZoneRequest } from '../../dns/contract.js';
import { startBindcar, type BindcarHarness } from '../support/named-bindcar.js';

const ZONE = 'upstream.test';
const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

function createRequest(zone = ZONE): CreateZoneRequest {
  return {
    zoneName: zone,
    zoneType: 'primary',
    zoneConfig: {
      ttl: 3600,
      soa: {
        primaryNs: `ns1.${zone}.`,
        adminEmail: `admin@${zone}`,
        serial: 2026010101,
        refresh: 3600,
        retry: 600,
        expire: 604800,
        negativeTtl: 300,
      },
      nameServers: [`ns1.${zone}.`],
      nameServerIps: { [`ns1.${zone}.`]: '192.0.2.53' },
      records: [
        { name: 'www', type: 'A', value: '192.0.2.1', ttl: 300 },
        { name: '@', type: 'MX', value: `mail.${zone}.`, priority: 10 },
        { name: 'mail', type: 'A', value: '192.0.2.25' },
      ],
    },
  };
}

describe('bindcar upstream-compatible routes against real named', function () {
  this.timeout(30000);
  let h: BindcarHarness;
  before(async () => {
    // the rndc binary here (the other suites use the native control-channel client)
    h = await startBindcar({ rndc: 'exec' });
  });
  after(async () => {
    await h?.stop();
  });

  it('GET /healthz, /api/v1/health, /readyz, /api/v1/ready answer 200', async () => {
    expect((await h.http.get('/healthz')).status).to.equal(200);
    expect((await h.http.get('/api/v1/health')).data).to.include({ status: 'healthy' });
    const r = await h.http.get('/readyz');
    expect(r.status).to.equal(200);
    expect(r.data).to.deep.equal({ ready: true, reasons: [], signing: { count: 0, zones: [] } });
    expect((await h.http.get('/api/v1/ready')).status).to.equal(200);
  });

  it('GET /api/v1/server/status returns rndc status', async () => {
    const r = await h.http.get('/api/v1/server/status');
    expect(r.status).to.equal(200);
    expect(r.data.status).to.match(/server is up and running/);
  });

  it('POST /api/v1/zones creates a zone (201) that named serves', async () => {
    const r = await h.http.post('/api/v1/zones', createRequest());
    expect(r.status, JSON.stringify(r.data)).to.equal(201);
    expect(r.data).to.include({ success: true, zone: ZONE, serial: 2026010101, created: true });
    expect((await h.named.query(`www.${ZONE}`, 'A')).answers.map((a) => a.data)).to.deep.equal(['192.0.2.1']);
    expect((await h.named.query(ZONE, 'MX')).answers.map((a) => a.data)).to.deep.equal([`10 mail.${ZONE}.`]);
  });

  it('POST /api/v1/zones for an existing zone is 409 and touches no file', async () => {
    // GIVEN a journal next to the live zone file
    await h.http.post(`/api/v1/zones/${ZONE}/records`, { name: 'j', type: 'A', value: '192.0.2.9' });
    const file = join(h.named.dir, `${ZONE}.zone`);
    const before = { zone: await readFile(file, 'utf8'), jnl: (await stat(`${file}.jnl`)).mtimeMs };
    // WHEN the zone is created again with different content
    const req = createRequest();
    req.zoneConfig.records = [];
    const r = await h.http.post('/api/v1/zones', req);
    // THEN 409, and neither the zone file nor the journal changed
    expect(r.status).to.equal(409);
    expect(r.data.code).to.equal('CONFLICT');
    expect(await readFile(file, 'utf8')).to.equal(before.zone);
    expect((await stat(`${file}.jnl`)).mtimeMs).to.equal(before.jnl);
    expect((await h.named.query(`j.${ZONE}`, 'A')).answers).to.have.length(1);
  });

  it('GET /api/v1/zones lists zones from the zone directory', async () => {
    const r = await h.http.get('/api/v1/zones');
    expect(r.status).to.equal(200);
    expect(r.data.zones).to.include(ZONE);
    expect(r.data.count).to.equal(r.data.zones.length);
  });

  it('GET /api/v1/zones/{zone} returns type and serial; 404 for a missing zone', async () => {
    const r = await h.http.get(`/api/v1/zones/${ZONE}`);
    expect(r.status).to.equal(200);
    expect(r.data).to.include({ name: ZONE, zoneType: 'primary', dynamic: true });
    expect(r.data.serial).to.be.a('number');
    expect((await h.http.get('/api/v1/zones/missing.test')).status).to.equal(404);
  });

  it('GET /api/v1/zones/{zone}/status returns rndc zonestatus text', async () => {
    const r = await h.http.get(`/api/v1/zones/${ZONE}/status`);
    expect(r.status).to.equal(200);
    expect(r.data.details).to.match(/^name: upstream\.test/m);
    expect((await h.http.get('/api/v1/zones/missing.test/status')).status).to.equal(404);
  });

  it('PATCH /api/v1/zones/{zone} replaces also-notify and allow-transfer via modzone', async () => {
    const r = await h.http.patch(`/api/v1/zones/${ZONE}`, {
      alsoNotify: ['192.0.2.77:5300'],
      allowTransfer: ['198.51.100.0/24'],
    });
    expect(r.status, JSON.stringify(r.data)).to.equal(200);
    expect(r.data.changed).to.equal(true);
    const show = await h.named.rndc('showzone', ZONE);
    expect(show)
      .to.match(/also-notify \{ 192\.0\.2\.77 port 5300; \}/)
      .and.match(/198\.51\.100\.0\/24/)
      .and.match(/allow-update \{ key "bindcar-update"; \}/);
    expect((await h.http.patch(`/api/v1/zones/${ZONE}`, { alsoNotify: ['not-an-ip'] })).status).to.equal(422);
    expect((await h.http.patch('/api/v1/zones/missing.test', { alsoNotify: [] })).status).to.equal(404);
  });

  it('POST /api/v1/zones/{zone}/freeze, thaw, notify work; reload of a dynamic zone and retransfer of a primary are 409', async () => {
    expect((await h.http.post(`/api/v1/zones/${ZONE}/freeze`)).status).to.equal(200);
    expect((await h.http.post(`/api/v1/zones/${ZONE}/thaw`)).status).to.equal(200);
    expect((await h.http.post(`/api/v1/zones/${ZONE}/notify`)).status).to.equal(200);
    const reload = await h.http.post(`/api/v1/zones/${ZONE}/reload`);
    expect(reload.status).to.equal(409);
    expect(reload.data.code).to.equal('ZONE_STATE');
    expect((await h.http.post(`/api/v1/zones/${ZONE}/retransfer`)).status).to.equal(409);
    expect((await h.http.post('/api/v1/zones/missing.test/notify')).status).to.equal(404);
  });

  it('POST reload works on a file-backed zone after freeze', async () => {
    // a frozen dynamic zone reloads from its file
    expect((await h.http.post(`/api/v1/zones/${ZONE}/freeze`)).status).to.equal(200);
    const r = await h.http.post(`/api/v1/zones/${ZONE}/reload`);
    expect(r.status, JSON.stringify(r.data)).to.equal(200);
    expect((await h.http.post(`/api/v1/zones/${ZONE}/thaw`)).status).to.equal(200);
  });

  it('POST, PUT, DELETE /api/v1/zones/{zone}/records add, change and remove records', async () => {
    let r = await h.http.post(`/api/v1/zones/${ZONE}/records`, {
      name: 'api',
      type: 'A',
      value: '192.0.2.10',
      ttl: 120,
    });
    expect(r.status, JSON.stringify(r.data)).to.equal(201);
    expect((await h.named.query(`api.${ZONE}`, 'A')).answers.map((a) => a.data)).to.deep.equal(['192.0.2.10']);
    r = await h.http.put(`/api/v1/zones/${ZONE}/records`, {
      name: 'api',
      type: 'A',
      currentValue: '192.0.2.10',
      newValue: '192.0.2.11',
      ttl: 120,
    });
    expect(r.status).to.equal(200);
    expect((await h.named.query(`api.${ZONE}`, 'A')).answers.map((a) => a.data)).to.deep.equal(['192.0.2.11']);
    r = await h.http.post(`/api/v1/zones/${ZONE}/records`, {
      name: '_sip._udp',
      type: 'SRV',
      value: `5 5060 sip.${ZONE}.`,
      priority: 10,
    });
    expect(r.status).to.equal(201);
    expect((await h.named.query(`_sip._udp.${ZONE}`, 'SRV')).answers.map((a) => a.data)).to.deep.equal([
      `10 5 5060 sip.${ZONE}.`,
    ]);
    r = await h.http.delete(`/api/v1/zones/${ZONE}/records`, { data: { name: 'api', type: 'A', value: '192.0.2.11' } });
    expect(r.status).to.equal(200);
    expect((await h.named.query(`api.${ZONE}`, 'A')).answers).to.have.length(0);
    r = await h.http.delete(`/api/v1/zones/${ZONE}/records`, { data: { name: '_sip._udp', type: 'SRV' } });
    expect(r.status).to.equal(200);
    expect((await h.named.query(`_sip._udp.${ZONE}`, 'SRV')).answers).to.have.length(0);
    expect(
      (await h.http.post('/api/v1/zones/missing.test/records', { name: 'a', type: 'A', value: '192.0.2.1' })).status,
    ).to.equal(404);
    expect(
      (await h.http.post(`/api/v1/zones/${ZONE}/records`, { name: 'a', type: 'A', value: 'not-an-ip' })).status,
    ).to.equal(422);
  });

  it('GET /api/v1/zones/{zone}/records returns what named serves', async () => {
    const r = await h.http.get(`/api/v1/zones/${ZONE}/records`);
    expect(r.status).to.equal(200);
    expect(r.data.zone).to.equal(ZONE);
    expect(r.data.serial).to.equal(await h.named.soaSerial(ZONE));
    expect(r.data.records).to.deep.include({ name: 'www', type: 'A', ttl: 300, data: '192.0.2.1' });
    expect(r.data.records).to.deep.include({ name: '@', type: 'MX', ttl: 3600, data: `10 mail.${ZONE}.` });
    expect((await h.http.get('/api/v1/zones/missing.test/records')).status).to.equal(404);
  });

  it('GET /metrics exposes request counters by route template', async () => {
    const r = await h.http.get('/metrics');
    expect(r.status).to.equal(200);
    expect(r.data).to.match(
      /bindcar_http_requests_total\{method="GET",route="\/api\/v1\/zones\/:zone",code="200"\} \d+/,
    );
    expect(r.data).to.match(/bindcar_zone_operations_total\{operation="create",result="ok"\} 1/);
  });

  it('DELETE /api/v1/zones/{zone} removes the zone and its files; a second DELETE is 404', async () => {
    const r = await h.http.delete(`/api/v1/zones/${ZONE}`);
    expect(r.status).to.equal(200);
    expect(await h.named.soaSerial(ZONE)).to.equal(undefined);
    expect(await exists(join(h.named.dir, `${ZONE}.zone`))).to.equal(false);
    expect((await h.http.delete(`/api/v1/zones/${ZONE}`)).status).to.equal(404);
  });

  it('DELETE of a zone named lost but whose file remains cleans the file', async () => {
    await writeFile(join(h.named.dir, 'orphan.test.zone'), '; stale\n');
    expect((await h.http.delete('/api/v1/zones/orphan.test')).status).to.equal(200);
    expect(await exists(join(h.named.dir, 'orphan.test.zone'))).to.equal(false);
  });
});
