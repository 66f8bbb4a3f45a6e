/**
 * Hostile inputs: injection in zone names, owner names, targets, TXT, zone options; path traversal;
 * oversized bodies; wrong types. Every one must be a 4xx, named must stay healthy with a config
 * named-checkconf accepts, and nothing may be written outside (or into) the zone directory.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import type { PutZoneBody } from '../../dns/contract.js';
import { startBindcar, type BindcarHarness } from '../support/named-bindcar.js';
import { zoneBody } from './builders.js';

const execFileP = promisify(execFile);

const CANARY = 'canary.test';

/** Zone names that must never reach argv or a path (sent URL-encoded in the path). */
const hostileZoneNames = [
  '..',
  '../etc',
  '../../etc/passwd',
  '..%2f..%2fetc',
  'a/b',
  'a\\b',
  '/etc/passwd',
  'zone";include "/etc/passwd',
  'x{ type primary; }',
  '-c',
  '--help',
  '-p 1',
  'a b',
  'a\nb',
  'a\u0000b',
  '$(reboot)',
  '`id`',
  'x;rm -rf /',
  '*',
  '*.example.com',
  'a..b',
  'exämple.com',
  'a'.repeat(64) + '.com',
  Array(128).fill('ab').join('.'),
  'zone.com"',
  "zone.com'",
  'zone.com;',
  'x|y',
  'x&y',
  '%',
];

/** Record-level injections; each must be rejected with the field named. */
const hostileRecords: { name: string; type: string; ttl: unknown; data: unknown }[] = [
  { name: '$INCLUDE /etc/passwd', type: 'A', ttl: 60, data: '192.0.2.1' },
  { name: '$GENERATE 1-100 h$ A 192.0.2.1', type: 'A', ttl: 60, data: '192.0.2.1' },
  { name: '$ORIGIN evil.', type: 'TXT', ttl: 60, data: '"x"' },
  { name: 'a\n@ IN NS evil.example.', type: 'A', ttl: 60, data: '192.0.2.1' },
  { name: 'x;comment', type: 'TXT', ttl: 60, data: '"x"' },
  { name: '../x', type: 'TXT', ttl: 60, data: '"x"' },
  { name: 'a b', type: 'TXT', ttl: 60, data: '"x"' },
  { name: '(', type: 'TXT', ttl: 60, data: '"x"' },
  { name: 'q"uote', type: 'TXT', ttl: 60, data: '"x"' },
  { name: 'a.*.b', type: 'TXT', ttl: 60, data: '"x"' },
  { name: '*.*', type: 'TXT', ttl: 60, data: '"x"' },
  { name: 'x'.repeat(64), type: 'TXT', ttl: 60, data: '"x"' },
  { name: Array(100).fill('abc').join('.'), type: 'TXT', ttl: 60, data: '"x"' },
  { name: 'evil.example.net.', type: 'A', ttl: 60, data: '192.0.2.1' },
  { name: 'under_score', type: 'A', ttl: 60, data: '192.0.2.1' },
  { name: '', type: 'A', ttl: 60, data: '192.0.2.1' },
  { name: 'é', type: 'A', ttl: 60, data: '192.0.2.1' },
  { name: 't', type: 'TXT', ttl: 60, data: '"x"\n$INCLUDE /etc/passwd' },
  { name: 't', type: 'TXT', ttl: 60, data: '"x" ; comment' },
  { name: 't', type: 'TXT', ttl: 60, data: '"unterminated' },
  { name: 't', type: 'TXT', ttl: 60, data: 'a(b' },
  { name: 't', type: 'TXT', ttl: 60, data: `"${'a'.repeat(256)}"` },
  { name: 't', type: 'TXT', ttl: 60, data: '"\\999"' },
  { name: 't', type: 'TXT', ttl: 60, data: '"a\rb"' },
  { name: 't', type: 'TXT', ttl: 60, data: '"\u0007"' },
  { name: 'a', type: 'A', ttl: 60, data: '192.0.2.1\nevil IN A 192.0.2.2' },
  { name: 'a', type: 'A', ttl: 60, data: '192.0.2.1 ; x' },
  { name: 'a', type: 'A', ttl: 60, data: '0x7f.1.1.1' },
  { name: 'a', type: 'A', ttl: 60, data: '010.0.0.1' },
  { name: 'a', type: 'AAAA', ttl: 60, data: '::1::2' },
  { name: 'c', type: 'CNAME', ttl: 60, data: 'x.\n@ NS evil.example.' },
  { name: 'c', type: 'CNAME', ttl: 60, data: '$ORIGIN evil.' },
  { name: 'c', type: 'CNAME', ttl: 60, data: '192.0.2.1' },
  { name: 'c', type: 'CNAME', ttl: 60, data: '192.0.2.1.' },
  { name: 'c', type: 'CNAME', ttl: 60, data: 'relative' },
  { name: 'c', type: 'CNAME', ttl: 60, data: '../../etc/passwd.' },
  { name: '@', type: 'MX', ttl: 60, data: '10 mail.example.com. ; x' },
  { name: '@', type: 'MX', ttl: 60, data: '-1 mail.example.com.' },
  { name: '@', type: 'MX', ttl: 60, data: '10' },
  { name: '_s._tcp', type: 'SRV', ttl: 60, data: '1 2 99999 t.example.com.' },
  { name: '_s._tcp', type: 'SRV', ttl: 60, data: '1 2 3 t.example.com. extra' },
  { name: '@', type: 'CAA', ttl: 60, data: '0 issue "x"\n@ IN NS evil.' },
  { name: '@', type: 'CAA', ttl: 60, data: '0 is-sue "x"' },
  { name: 'p', type: 'PTR', ttl: 60, data: 'host' },
  { name: 'n', type: 'NS', ttl: 60, data: 'ns_1.example.com.' },
  { name: 'x', type: 'SOA', ttl: 60, data: 'a. b. 1 2 3 4 5' },
  { name: 'x', type: 'CERT', ttl: 60, data: '1 0 0 AQID' },
  { name: '_443._tcp', type: 'TLSA', ttl: 60, data: '3 1 1 zz' },
  { name: '_443._tcp', type: 'TLSA', ttl: 60, data: '3 1 1 abcd\n@ IN NS evil.' },
  { name: 's', type: 'SVCB', ttl: 60, data: '1 . alpn="h2\n@ IN NS evil."' },
  { name: 's', type: 'HTTPS', ttl: 60, data: '0 . alpn=h2' },
  { name: 'n', type: 'NAPTR', ttl: 60, data: '1 1 "S" "SIP+D2U" "" ../../etc/passwd.' },
  { name: 'd', type: 'DNAME', ttl: 60, data: 'a b.' },
  { name: 'h', type: 'SSHFP', ttl: 60, data: '4 2 "00"' },
  { name: 'ds', type: 'DS', ttl: 60, data: '1 8 2 ' + 'ab'.repeat(40) },
  { name: 'x', type: 'a', ttl: 60, data: '192.0.2.1' },
  { name: 'x', type: 'A', ttl: '60', data: '192.0.2.1' },
  { name: 'x', type: 'A', ttl: -1, data: '192.0.2.1' },
  { name: 'x', type: 'A', ttl: 1.5, data: '192.0.2.1' },
  { name: 'x', type: 'A', ttl: 2 ** 31, data: '192.0.2.1' },
  { name: 'x', type: 'A', ttl: 60, data: 17 },
  { name: 'x', type: 'A', ttl: 60, data: null },
  { name: 'x', type: 'A', ttl: 60, data: 'x'.repeat(5000) },
];

/** Whole-body mutations: wrong types, extra fields, option injection. */
const hostileBodies: { name: string; body: (b: PutZoneBody) => unknown }[] = [
  { name: 'null body', body: () => null },
  { name: 'array body', body: () => [] },
  { name: 'string body', body: () => 'zone' },
  { name: 'missing soa', body: (b) => ({ ...b, soa: undefined }) },
  { name: 'extra field file', body: (b) => ({ ...b, file: '/etc/passwd' }) },
  {
    name: '__proto__ field',
    body: (b) => JSON.parse(JSON.stringify(b).replace('{', '{"__proto__":{"polluted":true},')),
  },
  { name: 'type master', body: (b) => ({ ...b, type: 'master' }) },
  { name: 'ttl string', body: (b) => ({ ...b, ttl: '300' }) },
  { name: 'records object', body: (b) => ({ ...b, records: {} }) },
  {
    name: 'record extra field',
    body: (b) => ({ ...b, records: [{ name: 'a', type: 'A', ttl: 1, data: '192.0.2.1', class: 'CH' }] }),
  },
  {
    name: 'mname injection',
    body: (b) => ({ ...b, soa: { ...b.soa, mname: 'ns1.example.com.\n$INCLUDE /etc/passwd' } }),
  },
  { name: 'mname relative', body: (b) => ({ ...b, soa: { ...b.soa, mname: 'ns1' } }) },
  { name: 'rname double @', body: (b) => ({ ...b, soa: { ...b.soa, rname: 'a@b@c' } }) },
  { name: 'rname space', body: (b) => ({ ...b, soa: { ...b.soa, rname: 'host master.example.com.' } }) },
  { name: 'soa refresh negative', body: (b) => ({ ...b, soa: { ...b.soa, refresh: -1 } }) },
  { name: 'serial above u32', body: (b) => ({ ...b, serial: 2 ** 32 }) },
  { name: 'ns hostname injection', body: (b) => ({ ...b, nameServers: [{ hostname: 'ns1.example.com.; evil' }] }) },
  {
    name: 'glue not an ip',
    body: (b) => ({ ...b, nameServers: [{ hostname: `ns1.${CANARY}.`, ipv4Addresses: ['192.0.2.1; }'] }] }),
  },
  {
    name: 'alsoNotify injection',
    body: (b) => ({ ...b, alsoNotify: ['192.0.2.1; }; include "/etc/passwd"; also-notify { 192.0.2.2'] }),
  },
  { name: 'alsoNotify hostname', body: (b) => ({ ...b, alsoNotify: ['evil.example.com'] }) },
  { name: 'alsoNotify port out of range', body: (b) => ({ ...b, alsoNotify: ['192.0.2.1:70000'] }) },
  { name: 'allowTransfer injection', body: (b) => ({ ...b, allowTransfer: ['any; }; allow-update { any'] }) },
  { name: 'allowTransfer bad prefix', body: (b) => ({ ...b, allowTransfer: ['10.0.0.0/33'] }) },
  { name: 'allowTransfer key injection', body: (b) => ({ ...b, allowTransfer: ['key "x"; any'] }) },
  { name: 'dnssecPolicy injection', body: (b) => ({ ...b, dnssecPolicy: 'default"; allow-update { any; }; #' }) },
  { name: 'secondary without primaries', body: (b) => ({ ...b, type: 'secondary' }) },
  {
    name: 'primaries injection',
    body: (b) => ({
      ...b,
      type: 'secondary',
      primaries: ['192.0.2.1; }; allow-update { any; }; primaries { 192.0.2.2'],
    }),
  },
  { name: 'primary without NS', body: (b) => ({ ...b, nameServers: [] }) },
  {
    name: 'too many per RRset',
    body: (b) => ({
      ...b,
      records: Array.from({ length: 101 }, (_, i) => ({ name: 'rr', type: 'A', ttl: 60, data: `10.0.0.${i}` })),
    }),
  },
];

describe('bindcar hostile inputs', function () {
  this.timeout(60000);
  let h: BindcarHarness;
  let snap: { files: string[]; parent: string[]; canary: string; conf: string };
  const statuses: number[] = [];

  before(async () => {
    h = await startBindcar({ bodyLimit: '256kb' });
    expect(
      (
        await h.http.put(
          `/api/v1/zones/${CANARY}`,
          zoneBody(CANARY, [{ name: 'www', type: 'A', ttl: 60, data: '192.0.2.1' }]),
        )
      ).status,
    ).to.equal(201);
    snap = {
      files: (await readdir(h.named.dir)).sort(),
      parent: (await readdir(dirname(h.named.dir)))
        .filter((f) => !f.startsWith('named-test-') && !f.startsWith('bindcar-'))
        .sort(),
      canary: await readFile(`${h.named.dir}/${CANARY}.zone`, 'utf8'),
      conf: await readFile(h.named.confPath, 'utf8'),
    };
  });
  after(async () => {
    await h?.stop();
  });

  for (const z of hostileZoneNames) {
    it(`rejects zone name ${JSON.stringify(z.slice(0, 40))} on PUT, GET and DELETE with 4xx`, async () => {
      const path = `/api/v1/zones/${encodeURIComponent(z)}`;
      for (const r of [
        await h.http.put(path, zoneBody('x.test')),
        await h.http.get(path),
        await h.http.delete(path),
        await h.http.post(`${path}/reload`),
      ]) {
        statuses.push(r.status);
        expect(r.status, `${r.config.method} ${path}: ${JSON.stringify(r.data)}`).to.be.within(400, 499);
        if (r.status !== 404) expect(r.data).to.have.property('code');
      }
    });
  }

  for (const [i, rec] of hostileRecords.entries()) {
    it(`rejects record #${i} ${JSON.stringify(rec).slice(0, 70)} with 4xx naming the field`, async () => {
      const body = zoneBody(CANARY, [{ name: 'www', type: 'A', ttl: 60, data: '192.0.2.1' }]);
      (body.records as unknown[]).push(rec);
      const r = await h.http.put(`/api/v1/zones/${CANARY}`, body);
      statuses.push(r.status);
      expect(r.status, JSON.stringify(r.data)).to.be.within(400, 499);
      expect(r.data.code).to.be.oneOf(['INVALID_SPEC', 'BAD_REQUEST']);
      expect(JSON.stringify(r.data.details)).to.match(/records\/1/);
    });
  }

  for (const c of hostileBodies) {
    it(`rejects body: ${c.name}`, async () => {
      const body = c.body(zoneBody(CANARY, [{ name: 'www', type: 'A', ttl: 60, data: '192.0.2.1' }]));
      const r = await h.http.put(`/api/v1/zones/${CANARY}`, JSON.stringify(body), {
        headers: { 'content-type': 'application/json' },
      });
      statuses.push(r.status);
      expect(r.status, JSON.stringify(r.data)).to.be.within(400, 499);
      expect(r.data).to.have.property('code');
      expect(r.data).to.have.property('message');
    });
  }

  it('answers 413 for a body over the limit, 400 for malformed JSON, 415 without JSON', async () => {
    const big = zoneBody(
      CANARY,
      Array.from({ length: 4000 }, (_, i) => ({
        name: `h${i}`,
        type: 'TXT' as const,
        ttl: 60,
        data: '"padding padding padding"',
      })),
    );
    const r1 = await h.http.put(`/api/v1/zones/${CANARY}`, big);
    expect(r1.status).to.equal(413);
    expect(r1.data.code).to.equal('PAYLOAD_TOO_LARGE');
    const r2 = await h.http.put(`/api/v1/zones/${CANARY}`, '{"type": "primary",', {
      headers: { 'content-type': 'application/json' },
    });
    expect(r2.status).to.equal(400);
    expect(r2.data.code).to.equal('BAD_JSON');
    const r3 = await h.http.put(`/api/v1/zones/${CANARY}`, 'type=primary', {
      headers: { 'content-type': 'text/plain' },
    });
    expect(r3.status).to.equal(415);
    const r4 = await h.http.put(`/api/v1/zones/${CANARY}`, '{"type": "primary"}', {
      headers: { 'content-type': 'application/json; charset=iso-8859-1' },
    });
    expect([r4.status, r4.data.code]).to.deep.equal([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect(r4.data.message).to.contain('iso-8859-1');
    statuses.push(r1.status, r2.status, r3.status, r4.status);
  });

  it('rejects hostile upstream record and PATCH requests', async () => {
    const reqs = [
      await h.http.post(`/api/v1/zones/${CANARY}/records`, {
        name: 'x',
        type: 'TXT',
        value: '"a"\n$INCLUDE /etc/passwd',
      }),
      await h.http.post(`/api/v1/zones/${CANARY}/records`, { name: '$GENERATE', type: 'A', value: '192.0.2.1' }),
      await h.http.put(`/api/v1/zones/${CANARY}/records`, {
        name: 'www',
        type: 'A',
        currentValue: '192.0.2.1',
        newValue: '1.2.3.4; x',
      }),
      await h.http.delete(`/api/v1/zones/${CANARY}/records`, { data: { name: '@', type: 'NS' } }),
      await h.http.delete(`/api/v1/zones/${CANARY}/records`, { data: { name: 'x', type: 'KEY' } }),
      await h.http.patch(`/api/v1/zones/${CANARY}`, { allowUpdate: ['any; }; #'] }),
      await h.http.patch(`/api/v1/zones/${CANARY}`, {}),
      await h.http.post('/api/v1/zones', {
        zoneName: '../evil',
        zoneType: 'primary',
        zoneConfig: { ttl: 1, soa: { primaryNs: 'a.', adminEmail: 'b@c' }, nameServers: ['a.'], nameServerIps: {} },
      }),
      await h.http.post('/api/v1/zones', {
        zoneName: 'ok.test',
        zoneType: 'primary',
        updateKeyName: 'k"; }; allow-update { any; }; #',
        zoneConfig: {
          ttl: 1,
          soa: { primaryNs: 'a.example.', adminEmail: 'b@c.example' },
          nameServers: ['a.example.'],
          nameServerIps: {},
        },
      }),
    ];
    for (const r of reqs) {
      statuses.push(r.status);
      expect(r.status, JSON.stringify(r.data)).to.be.within(400, 499);
    }
  });

  it('leaves named healthy, its config valid and the file system untouched', async () => {
    expect(statuses.length).to.be.at.least(100);
    // named.conf unchanged and valid; named answers rndc and DNS
    expect(await readFile(h.named.confPath, 'utf8')).to.equal(snap.conf);
    await execFileP('named-checkconf', [h.named.confPath]);
    expect((await h.http.get('/readyz')).status).to.equal(200);
    expect((await h.named.query(`www.${CANARY}`, 'A')).answers.map((a) => a.data)).to.deep.equal(['192.0.2.1']);
    // the zone directory holds no new files (named's own log rotation aside), the canary is unchanged
    const files = (await readdir(h.named.dir)).filter((f) => !/^named\.log/.test(f)).sort();
    expect(files).to.deep.equal(snap.files.filter((f) => !/^named\.log/.test(f)));
    expect(await readFile(`${h.named.dir}/${CANARY}.zone`, 'utf8')).to.equal(snap.canary);
    // nothing appeared next to the zone directory
    const parent = (await readdir(dirname(h.named.dir))).filter(
      (f) => !f.startsWith('named-test-') && !f.startsWith('bindcar-'),
    );
    for (const f of ['etc', 'passwd', 'evil', '..', 'x.test.zone']) expect(parent).to.not.include(f);
    // no zone was added to named for any hostile name
    const zones = (await h.http.get('/api/v1/zones')).data.zones as string[];
    expect(zones).to.deep.equal([CANARY]);
  });
});
