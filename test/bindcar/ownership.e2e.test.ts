/**
 * Records and zones bindy does not own, against a real named: unmanaged-record rules (records another tool keeps in
 * the zone with DNS UPDATE survive every PUT), the deletion guard (a PUT deleting most of a zone is held until its
 * token is acknowledged) and zone ownership (a zone bindy did not create is refused unless adopted).
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { HeldDeletion, PutZoneBody, ZoneRecord } from '../../dns/contract.js';
import { answerData } from '../scenarios/loop-driver.js';
import { startBindcar, type BindcarHarness } from '../support/named-bindcar.js';
import { zoneBody } from './builders.js';

const execFileP = promisify(execFile);

describe('bindcar: records and zones bindy does not own (real named)', function () {
  this.timeout(30000);
  let h: BindcarHarness;
  before(async () => {
    h = await startBindcar();
  });
  after(async () => {
    await h?.stop();
  });

  const put = (zone: string, body: PutZoneBody) => h.http.put(`/api/v1/zones/${zone}`, body);
  const answers = async (name: string, type: string) => answerData(await h.named.query(name, type), type);
  /** A change made the way another tool makes it: nsupdate with a TSIG key named accepts. */
  const nsupdate = async (zone: string, lines: string[]) => {
    const k = h.named.updateKey;
    const script = [`server 127.0.0.1 ${h.named.dnsPort}`, `zone ${zone}`, ...lines, 'send', ''].join('\n');
    const child = execFileP('nsupdate', ['-y', `${k.algorithm}:${k.name}:${k.secret}`]);
    child.child.stdin!.end(script);
    await child;
  };
  const a = (name: string, ip: string): ZoneRecord => ({ name, type: 'A', ttl: 60, data: ip });

  describe('unmanaged records', () => {
    const rules: PutZoneBody['unmanagedRecords'] = [
      { type: 'TXT', value: 'heritage=external-dns,*' },
      { name: '_acme-challenge.**' },
    ];

    it('keeps what another tool added, beside and inside managed RRsets, through changes and re-PUTs', async () => {
      const zone = 'unmanaged.test';
      const body = (records: ZoneRecord[]) => zoneBody(zone, records, { unmanagedRecords: rules });
      expect(
        (await put(zone, body([a('www', '192.0.2.1'), { ...a('www', '0'), type: 'TXT', data: '"mine"' }]))).status,
      ).to.equal(201);
      // GIVEN external-dns' registry TXT beside bindy's TXT at www, an ACME challenge, and a record nobody protects
      await nsupdate(zone, [
        `update add www.${zone}. 60 TXT "heritage=external-dns,external-dns/owner=default"`,
        `update add _acme-challenge.api.${zone}. 60 TXT "token-1"`,
        `update add rogue.${zone}. 60 A 192.0.2.66`,
      ]);
      // WHEN bindy changes its own TXT at www and its A
      const r = await put(zone, body([a('www', '192.0.2.2'), { ...a('www', '0'), type: 'TXT', data: '"mine v2"' }]));
      // THEN its records changed, the unprotected rogue A is gone, the other tool's records are untouched
      expect(r.status).to.equal(200);
      expect(await answers(`www.${zone}`, 'A')).to.deep.equal(['192.0.2.2']);
      expect(await answers(`www.${zone}`, 'TXT')).to.deep.equal([
        '"heritage=external-dns,external-dns/owner=default"',
        '"mine v2"',
      ]);
      expect(await answers(`_acme-challenge.api.${zone}`, 'TXT')).to.deep.equal(['"token-1"']);
      expect(await answers(`rogue.${zone}`, 'A')).to.deep.equal([]);
      // the same body again changes nothing: unmanaged records are not compared
      const again = await put(
        zone,
        body([a('www', '192.0.2.2'), { ...a('www', '0'), type: 'TXT', data: '"mine v2"' }]),
      );
      expect(again.data).to.include({ changed: false, serial: r.data.serial });
      // bindy's TXT at www removed: only the other tool's stays
      await put(zone, body([a('www', '192.0.2.2')]));
      expect(await answers(`www.${zone}`, 'TXT')).to.deep.equal(['"heritage=external-dns,external-dns/owner=default"']);
    });

    it('keeps them when the zone is rebuilt from a file (zone directory wiped)', async () => {
      const zone = 'unmanaged-wiped.test';
      const body = zoneBody(zone, [a('www', '192.0.2.1')], { unmanagedRecords: rules });
      await put(zone, body);
      await nsupdate(zone, [`update add _acme-challenge.www.${zone}. 60 TXT "token-2"`]);
      await rm(join(h.named.dir, `${zone}.zone`));
      await rm(join(h.named.dir, `${zone}.zone.jnl`), { force: true });
      expect((await put(zone, body)).status).to.equal(201);
      expect(await answers(`_acme-challenge.www.${zone}`, 'TXT')).to.deep.equal(['"token-2"']);
    });

    it('refuses a declared record a rule matches, naming the record and the rule', async () => {
      const zone = 'unmanaged-clash.test';
      const r = await put(
        zone,
        zoneBody(zone, [{ name: '_acme-challenge.www', type: 'TXT', ttl: 60, data: '"x"' }], {
          unmanagedRecords: rules,
        }),
      );
      expect(r.status).to.equal(422);
      expect(r.data.details).to.deep.include({
        field: 'records/0',
        message: `_acme-challenge.www.${zone}. TXT matches unmanagedRecords[1] (name "_acme-challenge.**"): the zone leaves such records to others; remove the record or the rule`,
      });
    });

    it('refuses a rule that gives nothing to match', async () => {
      const zone = 'unmanaged-empty.test';
      const r = await put(zone, zoneBody(zone, [], { unmanagedRecords: [{}] }));
      expect(r.status).to.equal(422);
      expect(r.data.details).to.deep.include({
        field: 'unmanagedRecords/0',
        message: 'gives none of name, type, value: it would leave the whole zone unmanaged',
      });
    });
  });

  describe('deletion guard', () => {
    const hosts = (n: number) => Array.from({ length: n }, (_, i) => a(`h${i}`, `192.0.2.${i + 1}`));

    it('holds a PUT deleting more than the limit, applies it once its token is acknowledged', async () => {
      const zone = 'guard.test';
      const guard = { maxDeletePercent: 30 };
      expect((await put(zone, zoneBody(zone, hosts(20), { deletionGuard: guard }))).status).to.equal(201);
      const serial = await h.named.soaSerial(zone);
      // WHEN 10 of the 21 records (20 hosts + the name server's glue) would go
      const held = await put(zone, zoneBody(zone, hosts(10), { deletionGuard: guard }));
      // THEN nothing is applied and the answer says what would go and how to let it
      expect(held.status).to.equal(409);
      expect(held.data.code).to.equal('DELETIONS_HELD');
      const d = held.data.details as HeldDeletion;
      expect(d).to.include({ deletes: 10, served: 22, limit: 'deletionGuard.maxDeletePercent 30' });
      expect(d.sample[0]).to.equal(`h10.${zone}. A 192.0.2.11`);
      expect(held.data.message).to.contain(`acknowledge with token ${d.token}`);
      expect(await h.named.soaSerial(zone)).to.equal(serial);
      expect(await answers(`h19.${zone}`, 'A')).to.deep.equal(['192.0.2.20']);
      // a token for another deletion does not let this one through
      const other = await put(zone, zoneBody(zone, hosts(9), { deletionGuard: { ...guard, acknowledged: d.token } }));
      expect(other.status).to.equal(409);
      // acknowledged: applied
      const ok = await put(zone, zoneBody(zone, hosts(10), { deletionGuard: { ...guard, acknowledged: d.token } }));
      expect(ok.data).to.include({ changed: true, removed: 10 });
      expect(await answers(`h19.${zone}`, 'A')).to.deep.equal([]);
    });

    it('does not count TTL changes, and holds by count with maxDeletes', async () => {
      const zone = 'guard-ttl.test';
      await put(zone, zoneBody(zone, hosts(12), { deletionGuard: { maxDeletes: 2 } }));
      const ttl = await put(
        zone,
        zoneBody(
          zone,
          hosts(12).map((r) => ({ ...r, ttl: 120 })),
          { deletionGuard: { maxDeletes: 2 } },
        ),
      );
      expect(ttl.status).to.equal(200);
      expect(ttl.data).to.include({ changed: true });
      const held = await put(zone, zoneBody(zone, hosts(9), { deletionGuard: { maxDeletes: 2 } }));
      expect(held.status).to.equal(409);
      expect(held.data.details).to.include({ deletes: 3, limit: 'deletionGuard.maxDeletes 2' });
    });
  });

  describe('zone ownership', () => {
    it('refuses a zone created through the upstream API until adopt, then remembers the new owner', async () => {
      const zone = 'foreign.test';
      const created = await h.http.post('/api/v1/zones', {
        zoneName: zone,
        zoneType: 'primary',
        zoneConfig: {
          ttl: 300,
          soa: { primaryNs: `ns1.${zone}.`, adminEmail: `hostmaster.${zone}.` },
          nameServers: [`ns1.${zone}.`],
          nameServerIps: { [`ns1.${zone}.`]: '192.0.2.53' },
          records: [{ name: 'theirs', type: 'A', value: '192.0.2.99' }],
        },
      });
      expect(created.status).to.equal(201);
      const body = zoneBody(zone, [a('www', '192.0.2.1')], { owner: 'team-a/foreign' });
      // WHEN bindy's PUT names an owner
      const refused = await put(zone, body);
      // THEN it is refused and the zone is untouched
      expect(refused.status).to.equal(409);
      expect(refused.data).to.include({ code: 'ZONE_NOT_OWNED' });
      expect(refused.data.message).to.contain('it was created through the upstream API');
      expect(await answers(`theirs.${zone}`, 'A')).to.deep.equal(['192.0.2.99']);
      // adopted: the content is bindy's from now on
      const adopted = await put(zone, { ...body, adopt: true });
      expect(adopted.status).to.equal(200);
      expect(adopted.data.adopted).to.deep.equal({});
      expect(await answers(`theirs.${zone}`, 'A')).to.deep.equal([]);
      expect(await answers(`www.${zone}`, 'A')).to.deep.equal(['192.0.2.1']);
      // the owner is remembered: without adopt the same owner goes on, another DNSZone takes over by name
      expect((await put(zone, body)).data).to.include({ changed: false });
      const moved = await put(zone, { ...body, owner: 'team-b/foreign' });
      expect(moved.data.adopted).to.deep.equal({ from: 'team-a/foreign' });
    });

    it('counts zones bindcar created without an owner, and a body without one is not checked', async () => {
      const zone = 'legacy.test';
      expect((await put(zone, zoneBody(zone, [a('www', '192.0.2.1')]))).status).to.equal(201);
      const r = await put(zone, zoneBody(zone, [a('www', '192.0.2.2')], { owner: 'team-a/legacy' }));
      expect(r.status).to.equal(200);
      expect(r.data.adopted).to.equal(undefined);
      const upstream = await put(zone, zoneBody(zone, [a('www', '192.0.2.3')]));
      expect(upstream.status).to.equal(200);
    });
  });
});
