/**
 * Concurrency and failure against a real named: per-zone serialisation, parallel zones, named
 * killed during a PUT, recovery after restart.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { PutZoneResult, ZoneRecord } from '../../dns/contract.js';
import { startBindcar, type BindcarHarness } from '../support/named-bindcar.js';
import { zoneBody } from './builders.js';

const execFileP = promisify(execFile);

const versioned = (i: number): ZoneRecord[] => [
  { name: 'v', type: 'TXT', ttl: 60, data: `"version ${i}"` },
  { name: `only-${i}`, type: 'A', ttl: 60, data: `192.0.2.${i + 1}` },
];

describe('bindcar concurrency against real named', function () {
  this.timeout(60000);
  let h: BindcarHarness;
  before(async () => {
    h = await startBindcar();
  });
  after(async () => {
    await h?.stop();
  });

  it('serialises 20 concurrent PUTs to one zone: named serves the last one processed, files are whole', async () => {
    const zone = 'race.test';
    // WHEN 20 different desired states race for a zone that does not exist yet
    const res = await Promise.all(
      Array.from({ length: 20 }, (_, i) => h.http.put(`/api/v1/zones/${zone}`, zoneBody(zone, versioned(i)))),
    );
    // THEN exactly one created it, every request succeeded, and serials are distinct (one after another)
    expect(res.map((r) => r.status).sort((a, b) => a - b)).to.deep.equal([...Array<number>(19).fill(200), 201]);
    const results = res.map((r) => r.data as PutZoneResult);
    expect(new Set(results.map((r) => r.serial)).size).to.equal(20);
    // the request processed last is the one with the highest serial; named serves exactly it
    const last = results.reduce((a, b) => (b.serial > a.serial ? b : a));
    const i = results.indexOf(last);
    expect(await h.named.soaSerial(zone)).to.equal(last.serial);
    expect((await h.named.query(`v.${zone}`, 'TXT')).answers.map((a) => a.data)).to.deep.equal([`"version ${i}"`]);
    const served = (await h.http.get(`/api/v1/zones/${zone}/records`)).data.records as ZoneRecord[];
    expect(served.filter((r) => r.name.startsWith('only-')).map((r) => r.name)).to.deep.equal([`only-${i}`]);
    // the zone file named writes back from its journal is a complete, loadable zone
    await h.named.rndc('sync', zone);
    const { stdout } = await execFileP('named-checkzone', ['-k', 'fail', zone, `${h.named.dir}/${zone}.zone`]);
    expect(stdout).to.match(new RegExp(`loaded serial ${last.serial}`));
  });

  it('runs 20 PUTs to distinct zones in parallel, each served as requested', async () => {
    const zones = Array.from({ length: 20 }, (_, i) => `par${i}.test`);
    const res = await Promise.all(zones.map((z, i) => h.http.put(`/api/v1/zones/${z}`, zoneBody(z, versioned(i)))));
    const failed = (rs: typeof res) => JSON.stringify(rs.filter((r) => r.status >= 300).map((r) => r.data));
    expect(
      res.map((r) => r.status),
      failed(res),
    ).to.deep.equal(Array<number>(20).fill(201));
    const answers = await Promise.all(zones.map((z) => h.named.query(`v.${z}`, 'TXT')));
    expect(answers.map((a) => a.answers[0]?.data)).to.deep.equal(zones.map((_, i) => `"version ${i}"`));
    // and concurrently changing all of them again
    const res2 = await Promise.all(
      zones.map((z, i) => h.http.put(`/api/v1/zones/${z}`, zoneBody(z, versioned(i + 100)))),
    );
    expect(
      res2.map((r) => r.status),
      failed(res2),
    ).to.deep.equal(Array<number>(20).fill(200));
    const answers2 = await Promise.all(zones.map((z) => h.named.query(`v.${z}`, 'TXT')));
    expect(answers2.map((a) => a.answers[0]?.data)).to.deep.equal(zones.map((_, i) => `"version ${i + 100}"`));
  });
});

describe('bindcar when named limits its zone transfers', function () {
  this.timeout(60000);
  let h: BindcarHarness;
  before(async () => {
    // every PUT reads its zone back by IXFR; over named's transfers-out quota named answers SERVFAIL
    h = await startBindcar({ namedOptions: { extraOptions: 'transfers-out 1;' } });
  });
  after(async () => {
    await h?.stop();
  });

  it('changes 12 zones at once with a quota of one transfer: each succeeds', async () => {
    const zones = Array.from({ length: 12 }, (_, i) => `quota${i}.test`);
    for (const [i, z] of zones.entries()) await h.http.put(`/api/v1/zones/${z}`, zoneBody(z, versioned(i)));
    const res = await Promise.all(
      zones.map((z, i) => h.http.put(`/api/v1/zones/${z}`, zoneBody(z, versioned(i + 100)))),
    );
    expect(
      res.map((r) => r.status),
      JSON.stringify(res.filter((r) => r.status >= 300).map((r) => r.data)),
    ).to.deep.equal(Array<number>(12).fill(200));
    const answers = await Promise.all(zones.map((z) => h.named.query(`v.${z}`, 'TXT')));
    expect(answers.map((a) => a.answers[0]?.data)).to.deep.equal(zones.map((_, i) => `"version ${i + 100}"`));
  });
});

describe('bindcar when named dies', function () {
  this.timeout(60000);
  let h: BindcarHarness;
  before(async () => {
    h = await startBindcar({ dnsTimeoutMs: 1000, rndcTimeoutMs: 2000 });
  });
  after(async () => {
    await h?.stop();
  });

  it('answers 503/504 while named is down, /readyz 503, and a PUT after restart restores everything', async () => {
    const zone = 'crash.test';
    const big = (tag: string): ZoneRecord[] =>
      Array.from({ length: 2000 }, (_, i) => ({ name: `h${i}`, type: 'TXT' as const, ttl: 60, data: `"${tag} ${i}"` }));
    expect((await h.http.put(`/api/v1/zones/${zone}`, zoneBody(zone, big('one')))).status).to.equal(201);
    // WHEN named is killed while a large PUT is in flight
    const inflight = h.http.put(`/api/v1/zones/${zone}`, zoneBody(zone, big('two')));
    await new Promise((r) => setTimeout(r, 5));
    await h.named.kill();
    const r = await inflight;
    // THEN the PUT reports named as unavailable or timed out (or, if it won the race, succeeded)
    expect(r.status, JSON.stringify(r.data)).to.be.oneOf([503, 504, 200]);
    // and while named is down every PUT is 503/504 and /readyz is 503 with reasons
    const down = await h.http.put(`/api/v1/zones/${zone}`, zoneBody(zone, big('three')));
    expect(down.status, JSON.stringify(down.data)).to.be.oneOf([503, 504]);
    expect(down.data.code).to.be.oneOf(['NAMED_UNAVAILABLE', 'NAMED_TIMEOUT']);
    const ready = await h.http.get('/readyz');
    expect(ready.status).to.equal(503);
    expect(ready.data.ready).to.equal(false);
    expect(ready.data.reasons.join(' ')).to.match(/rndc/).and.match(/dns/);
    // WHEN named comes back
    await h.named.start();
    expect((await h.http.get('/readyz')).status).to.equal(200);
    // THEN the next PUT restores the desired zone completely
    const fixed = await h.http.put(`/api/v1/zones/${zone}`, zoneBody(zone, big('three')));
    expect(fixed.status, JSON.stringify(fixed.data).slice(0, 300)).to.equal(200);
    const served = (await h.http.get(`/api/v1/zones/${zone}/records`)).data.records as ZoneRecord[];
    const txt = served.filter((x) => x.type === 'TXT');
    expect(txt).to.have.length(2000);
    expect(txt.every((x) => x.data.startsWith('"three '))).to.equal(true);
    expect((await h.http.put(`/api/v1/zones/${zone}`, zoneBody(zone, big('three')))).data.changed).to.equal(false);
  });

  it('answers 504 when named hangs, and recovers when it resumes', async () => {
    const zone = 'hang.test';
    expect((await h.http.put(`/api/v1/zones/${zone}`, zoneBody(zone, versioned(1)))).status).to.equal(201);
    await h.named.pause();
    try {
      // bindcar must answer by itself (its own bounded DNS/rndc timeouts), never leave the caller hanging: a
      // client-side timeout here would reject instead of yielding the 504.
      const r = await h.http.put(`/api/v1/zones/${zone}`, zoneBody(zone, versioned(2)), { timeout: 15_000 });
      expect(r.status, JSON.stringify(r.data)).to.equal(504);
      expect(r.data.code).to.equal('NAMED_TIMEOUT');
    } finally {
      h.named.resume();
    }
    const r = await h.http.put(`/api/v1/zones/${zone}`, zoneBody(zone, versioned(2)));
    expect(r.status).to.equal(200);
    expect((await h.named.query(`v.${zone}`, 'TXT')).answers.map((a) => a.data)).to.deep.equal(['"version 2"']);
  });
});
