/**
 * bindcar against a real named (Debian bind9) on loopback: the declarative PUT route end to end.
 */
import { expect } from 'chai';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PutZoneBody, ZoneRecord } from '../../dns/contract.js';
import { startBindcar, type BindcarHarness } from '../support/named-bindcar.js';
import { everyType, zoneBody } from './builders.js';

async function answers(h: BindcarHarness, name: string, type: string): Promise<string[]> {
  const r = await h.named.query(name, type);
  return r.answers
    .filter((a) => a.type === type)
    .map((a) => a.data)
    .sort();
}

describe('bindcar PUT /api/v1/zones/{zone} against real named', function () {
  this.timeout(30000);
  let h: BindcarHarness;
  before(async () => {
    h = await startBindcar();
  });
  after(async () => {
    await h?.stop();
  });

  const put = (zone: string, body: PutZoneBody) => h.http.put(`/api/v1/zones/${zone}`, body);

  it('creates a zone with one record of every type and named answers each correctly', async () => {
    // GIVEN a zone with every supported type
    const zone = 'every.test';
    // WHEN it is PUT
    const r = await put(zone, zoneBody(zone, everyType(zone)));
    // THEN it is created and every RR is answered over DNS
    expect(r.status).to.equal(201);
    expect(r.data).to.include({ zone, serial: 1, changed: true, created: true });
    expect(await answers(h, `www.${zone}`, 'A')).to.deep.equal(['192.0.2.1']);
    expect(await answers(h, `www.${zone}`, 'AAAA')).to.deep.equal(['2001:db8::1']);
    expect(await answers(h, `alias.${zone}`, 'CNAME')).to.deep.equal([`www.${zone}.`]);
    expect(await answers(h, zone, 'MX')).to.deep.equal([`10 mail.${zone}.`]);
    expect(await answers(h, zone, 'TXT')).to.deep.equal(['"v=spf1 -all" "second chunk"']);
    expect(await answers(h, `_sip._tcp.${zone}`, 'SRV')).to.deep.equal([`10 5 5060 sip.${zone}.`]);
    expect(await answers(h, zone, 'CAA')).to.deep.equal(['0 issue "letsencrypt.org"']);
    expect(await answers(h, `ptr.${zone}`, 'PTR')).to.deep.equal([`www.${zone}.`]);
    expect(await answers(h, zone, 'NS')).to.deep.equal([`ns1.${zone}.`]);
    // the delegation is not answered authoritatively; it is in the zone data
    const recs = (await h.http.get(`/api/v1/zones/${zone}/records`)).data as { records: ZoneRecord[] };
    expect(recs.records).to.deep.include({ name: 'sub', type: 'NS', ttl: 300, data: 'ns.example.net.' });
  });

  it('applies changes and removals as an UPDATE: answers change and the serial grows', async () => {
    const zone = 'change.test';
    const recs = everyType(zone);
    expect((await put(zone, zoneBody(zone, recs))).status).to.equal(201);
    const before = await h.named.soaSerial(zone);
    // WHEN one A changes, the CAA disappears and a TXT is added
    const next = recs
      .filter((x) => x.type !== 'CAA')
      .map((x) => (x.name === 'www' && x.type === 'A' ? { ...x, data: '192.0.2.200' } : x));
    next.push({ name: 'new', type: 'TXT', ttl: 120, data: '"fresh"' });
    const r = await put(zone, zoneBody(zone, next));
    // THEN
    expect(r.status).to.equal(200);
    expect(r.data).to.include({ changed: true, created: false, added: 2, removed: 2 });
    const after = await h.named.soaSerial(zone);
    expect(after).to.equal(r.data.serial);
    expect(after).to.be.greaterThan(before!);
    expect(await answers(h, `www.${zone}`, 'A')).to.deep.equal(['192.0.2.200']);
    expect(await answers(h, zone, 'CAA')).to.deep.equal([]);
    expect(await answers(h, `new.${zone}`, 'TXT')).to.deep.equal(['"fresh"']);
  });

  it('answers changed:false and keeps the serial for an identical PUT', async () => {
    const zone = 'same.test';
    const body = zoneBody(zone, everyType(zone));
    await put(zone, body);
    const s1 = await h.named.soaSerial(zone);
    const r = await put(zone, body);
    expect(r.status).to.equal(200);
    expect(r.data).to.deep.equal({ zone, serial: s1, changed: false, created: false, added: 0, removed: 0 });
    expect(await h.named.soaSerial(zone)).to.equal(s1);
  });

  it('honours the serial floor and SOA field changes', async () => {
    const zone = 'serial.test';
    await put(zone, zoneBody(zone, [], { serial: 100 }));
    expect(await h.named.soaSerial(zone)).to.equal(100);
    let r = await put(zone, zoneBody(zone, [], { serial: 2026112200 }));
    expect(r.data).to.include({ serial: 2026112200, changed: true });
    // a lower floor never lowers the serial; same content ⇒ no change
    r = await put(zone, zoneBody(zone, [], { serial: 5 }));
    expect(r.data).to.include({ serial: 2026112200, changed: false });
    // SOA timer change bumps by one
    const b = zoneBody(zone, [], { serial: 5 });
    b.soa.refresh = 7200;
    r = await put(zone, b);
    expect(r.data).to.include({ serial: 2026112201, changed: true });
    const soa = (await h.named.query(zone, 'SOA')).answers[0]!.data.split(' ');
    expect(soa[3]).to.equal('7200');
  });

  it('changes TTLs, replaces the apex NS set and turns an A owner into a CNAME', async () => {
    const zone = 'shape.test';
    await put(
      zone,
      zoneBody(zone, [
        { name: 'x', type: 'A', ttl: 60, data: '192.0.2.1' },
        { name: 't', type: 'TXT', ttl: 60, data: '"a"' },
      ]),
    );
    const b = zoneBody(zone, [
      { name: 'x', type: 'CNAME', ttl: 60, data: 'elsewhere.example.net.' },
      { name: 't', type: 'TXT', ttl: 900, data: '"a"' },
    ]);
    b.nameServers = [{ hostname: `ns2.${zone}.`, ipv4Addresses: ['192.0.2.54'] }, { hostname: 'ns.example.net.' }];
    const r = await put(zone, b);
    expect(r.status, JSON.stringify(r.data)).to.equal(200);
    expect(await answers(h, zone, 'NS')).to.deep.equal(['ns.example.net.', `ns2.${zone}.`]);
    expect(await answers(h, `x.${zone}`, 'CNAME')).to.deep.equal(['elsewhere.example.net.']);
    const t = await h.named.query(`t.${zone}`, 'TXT');
    expect(t.answers[0]!.ttl).to.equal(900);
    expect(await answers(h, `ns1.${zone}`, 'A')).to.deep.equal([]);
  });

  it('rejects a CNAME beside other data with 422 instead of letting named ignore it', async () => {
    const zone = 'cname.test';
    await put(zone, zoneBody(zone, [{ name: 'www', type: 'A', ttl: 60, data: '192.0.2.1' }]));
    const s = await h.named.soaSerial(zone);
    const r = await put(
      zone,
      zoneBody(zone, [
        { name: 'www', type: 'A', ttl: 60, data: '192.0.2.1' },
        { name: 'www', type: 'CNAME', ttl: 60, data: 'x.example.net.' },
      ]),
    );
    expect(r.status).to.equal(422);
    expect(r.data.code).to.equal('INVALID_SPEC');
    expect(r.data.details[0].field).to.match(/^records\/\d+$/);
    expect(await h.named.soaSerial(zone)).to.equal(s);
  });

  it('serves the same content whether the zone is created or updated: an MX to an in-zone name without address', async () => {
    // under named's default check-integrity the UPDATE is REFUSED while the same zone file loads (bindcar/zone-config.ts)
    const mx: ZoneRecord = { name: '@', type: 'MX', ttl: 60, data: '10 nowhere.fresh.test.' };
    const created = await put('fresh.test', zoneBody('fresh.test', [mx]));
    expect(created.status, JSON.stringify(created.data)).to.equal(201);
    await put('updated.test', zoneBody('updated.test', [{ name: 'www', type: 'A', ttl: 60, data: '192.0.2.1' }]));
    const updated = await put('updated.test', zoneBody('updated.test', [{ ...mx, data: '10 nowhere.updated.test.' }]));
    expect(updated.status, JSON.stringify(updated.data)).to.equal(200);
    expect(await answers(h, 'fresh.test', 'MX')).to.deep.equal(['10 nowhere.fresh.test.']);
    expect(await answers(h, 'updated.test', 'MX')).to.deep.equal(['10 nowhere.updated.test.']);
  });

  it('serves a null MX (RFC 7505), created and updated', async () => {
    const nullMx: ZoneRecord = { name: '@', type: 'MX', ttl: 60, data: '0 .' };
    expect((await put('nomail.test', zoneBody('nomail.test', [nullMx]))).status).to.equal(201);
    expect(await answers(h, 'nomail.test', 'MX')).to.deep.equal(['0 .']);
    const mx: ZoneRecord = { name: '@', type: 'MX', ttl: 60, data: '10 mail.example.net.' };
    await put('nomail2.test', zoneBody('nomail2.test', [mx]));
    expect((await put('nomail2.test', zoneBody('nomail2.test', [nullMx]))).status).to.equal(200);
    expect(await answers(h, 'nomail2.test', 'MX')).to.deep.equal(['0 .']);
  });

  it('applies a large change in several UPDATE messages under 64 KiB and verifies it', async () => {
    const zone = 'big.test';
    const mk = (n: number, base: string): ZoneRecord[] =>
      Array.from({ length: n }, (_, i) => ({
        name: `host-${i}`,
        type: 'TXT' as const,
        ttl: 300,
        data: `"${base}-${i}-${'x'.repeat(40)}"`,
      }));
    expect((await put(zone, zoneBody(zone, mk(3000, 'one')))).status).to.equal(201);
    const r = await put(zone, zoneBody(zone, mk(3000, 'two')));
    expect(r.status, JSON.stringify(r.data).slice(0, 500)).to.equal(200);
    expect(r.data).to.include({ added: 3000, removed: 3000 });
    // 3000 × ~100 B replaced ⇒ several messages, one serial bump each
    expect(r.data.serial).to.be.greaterThan(2);
    expect(await answers(h, `host-2999.${zone}`, 'TXT')).to.deep.equal([`"two-2999-${'x'.repeat(40)}"`]);
  });

  it('catches up with out-of-band changes by IXFR and restores the desired zone', async () => {
    const zone = 'drift.test';
    const body = zoneBody(zone, [{ name: 'www', type: 'A', ttl: 60, data: '192.0.2.1' }]);
    await put(zone, body);
    // someone else adds a record through the upstream record route (a plain UPDATE)
    const add = await h.http.post(`/api/v1/zones/${zone}/records`, {
      name: 'rogue',
      type: 'A',
      value: '192.0.2.66',
      ttl: 60,
    });
    expect(add.status).to.equal(201);
    expect(await answers(h, `rogue.${zone}`, 'A')).to.deep.equal(['192.0.2.66']);
    const r = await put(zone, body);
    expect(r.data).to.include({ changed: true, removed: 1, added: 0 });
    expect(await answers(h, `rogue.${zone}`, 'A')).to.deep.equal([]);
  });

  it('recreates a zone completely when its zone file was wiped', async () => {
    const zone = 'wiped.test';
    const body = zoneBody(zone, [{ name: 'www', type: 'A', ttl: 60, data: '192.0.2.1' }]);
    await put(zone, body);
    await rm(join(h.named.dir, `${zone}.zone`));
    await rm(join(h.named.dir, `${zone}.zone.jnl`), { force: true });
    const r = await put(zone, body);
    expect(r.status).to.equal(201);
    expect(r.data).to.include({ created: true });
    expect(await answers(h, `www.${zone}`, 'A')).to.deep.equal(['192.0.2.1']);
    expect((await put(zone, body)).data).to.include({ changed: false });
  });

  it('keeps serving after bindcar and named restart; the next identical PUT is a no-op', async () => {
    const zone = 'restart.test';
    const body = zoneBody(zone, everyType(zone), {
      allowTransfer: ['10.0.0.0/8'],
      alsoNotify: ['192.0.2.200 port 5300'],
    });
    expect((await put(zone, body)).status).to.equal(201);
    const s = await h.named.soaSerial(zone);
    // bindcar restart: a fresh app with an empty cache against the same named
    const h2 = await startBindcar({ named: h.named });
    try {
      expect((await h2.http.put(`/api/v1/zones/${zone}`, body)).data).to.include({ changed: false, serial: s });
    } finally {
      await h2.stop();
    }
    // named restart: zones come back from its .nzd
    await h.named.kill();
    await h.named.start();
    expect(await h.named.soaSerial(zone)).to.equal(s);
    expect(await answers(h, `www.${zone}`, 'A')).to.deep.equal(['192.0.2.1']);
    expect((await put(zone, body)).data).to.include({ changed: false, serial: s });
  });

  it('restores the zone when named lost its journal and serves an older serial', async () => {
    const zone = 'journal.test';
    await put(zone, zoneBody(zone, [{ name: 'www', type: 'A', ttl: 60, data: '192.0.2.1' }]));
    const body = zoneBody(zone, [{ name: 'www', type: 'A', ttl: 60, data: '192.0.2.2' }]);
    expect((await put(zone, body)).data).to.include({ serial: 2 });
    // named crashes and its journal is gone: it serves the zone file (serial 1) again
    await h.named.kill();
    await rm(join(h.named.dir, `${zone}.zone.jnl`), { force: true });
    await h.named.start();
    expect(await h.named.soaSerial(zone)).to.equal(1);
    const r = await put(zone, body);
    expect(r.status, JSON.stringify(r.data)).to.equal(200);
    expect(r.data).to.include({ changed: true });
    expect(await answers(h, `www.${zone}`, 'A')).to.deep.equal(['192.0.2.2']);
  });

  it('changes zone options with modzone and leaves records alone', async () => {
    const zone = 'options.test';
    const body = zoneBody(zone, [{ name: 'www', type: 'A', ttl: 60, data: '192.0.2.1' }]);
    await put(zone, body);
    const r = await put(zone, {
      ...body,
      allowTransfer: ['192.0.2.0/24', 'key bindcar-update'],
      alsoNotify: ['192.0.2.10'],
    });
    expect(r.status).to.equal(200);
    const show = await h.named.rndc('showzone', zone);
    expect(show)
      .to.match(/192\.0\.2\.0\/24/)
      .and.match(/also-notify \{ 192\.0\.2\.10; \}/);
    // the records stay, but named's config moved: that is a change
    expect(r.data).to.include({ changed: true, added: 0, removed: 0 });
  });

  it('serves a secondary zone transferred from another named', async function () {
    const zone = 'secondary.test';
    // GIVEN a primary (this named) allowing transfers to loopback
    await put(
      zone,
      zoneBody(zone, [{ name: 'www', type: 'A', ttl: 60, data: '192.0.2.7' }], { allowTransfer: ['127.0.0.1'] }),
    );
    const sec = await startBindcar();
    try {
      // WHEN the second named gets the zone as a secondary
      const r = await sec.http.put(`/api/v1/zones/${zone}`, {
        ...zoneBody(zone),
        type: 'secondary',
        nameServers: [],
        records: [],
        primaries: [`127.0.0.1 port ${h.named.dnsPort}`],
      });
      expect(r.status, JSON.stringify(r.data)).to.equal(201);
      // THEN it serves the primary's data
      let served: string[] = [];
      for (let i = 0; i < 50 && served.length === 0; i++) {
        served = (await sec.named.query(`www.${zone}`, 'A')).answers.map((a) => a.data);
        if (!served.length) await new Promise((res) => setTimeout(res, 100));
      }
      expect(served).to.deep.equal(['192.0.2.7']);
      expect(
        (
          await sec.http.put(`/api/v1/zones/${zone}`, {
            ...zoneBody(zone),
            type: 'secondary',
            nameServers: [],
            records: [],
            primaries: [`127.0.0.1 port ${h.named.dnsPort}`],
          })
        ).data,
      ).to.include({ changed: false, created: false });
    } finally {
      await sec.stop();
    }
  });
});

describe('bindcar when named refuses an RRset its rules allow (named max-records-per-type 3)', function () {
  this.timeout(30000);
  let h: BindcarHarness;
  before(async () => {
    h = await startBindcar({ namedOptions: { extraOptions: 'max-records-per-type 3;' } });
  });
  after(async () => {
    await h?.stop();
  });

  const many = (): ZoneRecord[] => [
    ...Array.from({ length: 5 }, (_, i): ZoneRecord => ({
      name: 'many',
      type: 'A',
      ttl: 60,
      data: `192.0.2.${i + 1}`,
    })),
    { name: 'www', type: 'A', ttl: 60, data: '192.0.2.80' },
  ];
  const refused = (zone: string) => [{ owner: `many.${zone}.`, type: 'A' }];

  it('applies the rest of a change and names the refused RRset, never a bare 502', async () => {
    const zone = 'refuse.test';
    expect(
      (
        await h.http.put(
          `/api/v1/zones/${zone}`,
          zoneBody(zone, [{ name: 'www', type: 'A', ttl: 60, data: '192.0.2.1' }]),
        )
      ).status,
    ).to.equal(201);
    const r = await h.http.put(`/api/v1/zones/${zone}`, zoneBody(zone, many()));
    expect(r.status, JSON.stringify(r.data)).to.equal(200);
    expect(
      r.data.refused.map((x: { owner: string; type: string }) => ({ owner: x.owner, type: x.type })),
    ).to.deep.equal(refused(zone));
    expect(await answers(h, `www.${zone}`, 'A')).to.deep.equal(['192.0.2.80']);
    // the same body again: the same answer, nothing else changes
    const again = await h.http.put(`/api/v1/zones/${zone}`, zoneBody(zone, many()));
    expect(again.status).to.equal(200);
    expect(again.data.refused.length).to.equal(1);
  });

  it('creates a zone named will not load whole, with the same result as the update', async () => {
    const zone = 'refuse-new.test';
    const r = await h.http.put(`/api/v1/zones/${zone}`, zoneBody(zone, many()));
    expect(r.status, JSON.stringify(r.data)).to.equal(201);
    expect(
      r.data.refused.map((x: { owner: string; type: string }) => ({ owner: x.owner, type: x.type })),
    ).to.deep.equal(refused(zone));
    expect(await answers(h, `www.${zone}`, 'A')).to.deep.equal(['192.0.2.80']);
    expect(await answers(h, `many.${zone}`, 'A')).to.deep.equal([]);
  });
});
