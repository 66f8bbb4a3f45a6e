/**
 * The PowerDNS port (hooks/ports/powerdns.ts) against a real pdns_server (Debian's pdns-server 4.7 with the sqlite3
 * backend, started on loopback with its own config and database: local/pdns.ts). What PowerDNS serves is read with
 * dig, an oracle independent of the port; PATCHes are counted where the port sends them.
 */
import { expect } from 'chai';
import type { HeldDeletion, PutZoneBody, ZoneRecord } from '../../../dns/contract.js';
import type { PdnsChange } from '../../../dns/powerdns.js';
import {
  createPowerDnsClient,
  powerDnsBackend,
  type PowerDnsConnection,
  type PowerDnsZoneOptions,
} from '../../../hooks/ports/powerdns.js';
import { startPdns, type PdnsInstance } from '../../../local/pdns.js';
import { zoneBody } from '../../bindcar/builders.js';
import { answerData } from '../../scenarios/loop-driver.js';

describe('PowerDNS port against a real pdns_server', function () {
  this.timeout(60000);
  let pdns: PdnsInstance;
  let conn: PowerDnsConnection;
  const patches: { zone: string; changes: readonly PdnsChange[] }[] = [];
  const client = createPowerDnsClient({
    backoffMs: 50,
    onPatch: (zone, changes) => patches.push({ zone, changes }),
  });
  const OFF: PowerDnsZoneOptions = { kind: 'Native', soaEditApi: 'OFF' };
  before(async () => {
    pdns = await startPdns();
    conn = { serverUrl: pdns.serverUrl, apiKey: pdns.apiKey, keySource: 'Secret dns/pdns key api-key' };
  });
  after(async () => {
    await pdns?.stop();
  });

  const a = (name: string, ip: string, ttl = 60): ZoneRecord => ({ name, type: 'A', ttl, data: ip });
  const body = (zone: string, records: ZoneRecord[], over: Partial<PutZoneBody> = {}) =>
    zoneBody(zone, records, { owner: 'dns/zone', ...over });
  const answers = async (name: string, type: string) => answerData(await pdns.query(name, type), type);
  const api = async (method: string, path: string, json?: unknown) => {
    const r = await fetch(`${pdns.serverUrl}${path}`, {
      method,
      headers: { 'X-API-Key': pdns.apiKey, 'content-type': 'application/json' },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
    const text = await r.text();
    return { status: r.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };

  it('creates a zone in one POST, answered at once even for a name asked (REFUSED) just before', async () => {
    const zone = 'create.test';
    // the trap: PowerDNS caches the REFUSED of a zone it does not have for cache-ttl (20 s), and a zone create does
    // not flush it; the port flushes the zone's cache after creating it
    expect((await pdns.query(`www.${zone}.`, 'A')).rcode).to.equal('REFUSED');
    const r = await client.putZone(conn, OFF, zone, body(zone, [a('www', '192.0.2.1')], { serial: 41 }));
    expect(r.ok, JSON.stringify(r)).to.equal(true);
    if (!r.ok) return;
    expect(r.result).to.include({ created: true, changed: true, serial: 41, removed: 0 });
    expect(await answers(`www.${zone}.`, 'A')).to.deep.equal(['192.0.2.1']);
    expect(await pdns.soaSerial(zone)).to.equal(41);
    const z = await api('GET', `/zones/${zone}.?rrsets=false`);
    expect(z.body).to.include({ account: 'bindy:dns/zone', kind: 'Native', soa_edit_api: 'OFF' });
  });

  it('applies a change as one PATCH of the RRsets that differ, and the same zone again sends none', async () => {
    const zone = 'change.test';
    const v1 = [
      a('www', '192.0.2.1'),
      a('api', '192.0.2.2'),
      { name: 'www', type: 'TXT' as const, ttl: 60, data: '"v1"' },
    ];
    await client.putZone(conn, OFF, zone, body(zone, v1));
    expect(await answers(`www.${zone}.`, 'TXT')).to.deep.equal(['"v1"']);
    patches.length = 0;
    // WHEN one RRset changes and one goes
    const v2 = [a('www', '192.0.2.1'), { name: 'www', type: 'TXT' as const, ttl: 60, data: '"v2"' }];
    const r = await client.putZone(conn, OFF, zone, body(zone, v2));
    // THEN one PATCH: DELETE the A of api, REPLACE the TXT, the SOA with the next serial
    expect(r.ok && r.result).to.deep.include({ changed: true, created: false, serial: 2, added: 1, removed: 2 });
    expect(patches).to.have.length(1);
    expect(patches[0]!.changes.map((c) => `${c.changetype} ${c.name} ${c.type}`)).to.deep.equal([
      `DELETE api.${zone}. A`,
      `REPLACE www.${zone}. TXT`,
      `REPLACE ${zone}. SOA`,
    ]);
    expect(await answers(`www.${zone}.`, 'TXT')).to.deep.equal(['"v2"']);
    expect(await answers(`api.${zone}.`, 'A')).to.deep.equal([]);
    // AND the same zone again: no PATCH (an empty one would move the serial), the serial stays
    patches.length = 0;
    const again = await client.putZone(conn, OFF, zone, body(zone, v2));
    expect(again.ok && again.result).to.deep.include({ changed: false, serial: 2, added: 0, removed: 0 });
    expect(patches).to.deep.equal([]);
    expect(await pdns.soaSerial(zone)).to.equal(2);
  });

  it('deletes a zone it created (404 afterwards = gone), and never one another owner or tool has', async () => {
    const zone = 'delete.test';
    await client.putZone(conn, OFF, zone, body(zone, [a('www', '192.0.2.1')]));
    const other = await client.deleteZone(conn, zone, 'other/zone');
    expect(other).to.deep.include({ ok: true, gone: 'notFound' });
    expect(await answers(`www.${zone}.`, 'A'), 'another owner does not delete it').to.deep.equal(['192.0.2.1']);
    expect(await client.deleteZone(conn, zone, 'dns/zone')).to.deep.include({ ok: true, gone: 'deleted' });
    expect((await pdns.query(`www.${zone}.`, 'A')).rcode).to.equal('REFUSED');
    expect(await client.deleteZone(conn, zone, 'dns/zone')).to.deep.include({ ok: true, gone: 'notFound' });
  });

  it('a wrong API key fails with a clear reason and changes nothing', async () => {
    const zone = 'key.test';
    await client.putZone(conn, OFF, zone, body(zone, [a('www', '192.0.2.1')]));
    const serial = await pdns.soaSerial(zone);
    const r = await client.putZone({ ...conn, apiKey: 'wrong' }, OFF, zone, body(zone, [a('www', '192.0.2.99')]));
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    expect(r.error).to.include({ kind: 'rejected', status: 401, code: 'UNAUTHORIZED', attempts: 1 });
    expect(r.error.message).to.match(
      /does not accept the API key of Secret dns\/pdns key api-key; nothing was changed/,
    );
    expect(await answers(`www.${zone}.`, 'A')).to.deep.equal(['192.0.2.1']);
    expect(await pdns.soaSerial(zone)).to.equal(serial);
    const p = await client.probe({ ...conn, apiKey: 'wrong' });
    expect(p).to.deep.include({ ok: false, unauthorized: true });
  });

  it('refuses a body that breaks bindy’s rules before any request: nothing reaches PowerDNS', async () => {
    const zone = 'rules.test';
    await client.putZone(conn, OFF, zone, body(zone, [a('www', '192.0.2.1')]));
    patches.length = 0;
    const bad = body(zone, [
      a('www', '192.0.2.1'),
      { name: 'www', type: 'CNAME', ttl: 60, data: 'elsewhere.example.' },
    ]);
    const r = await client.putZone(conn, OFF, zone, bad);
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    expect(r.error).to.include({ kind: 'rejected', code: 'INVALID_SPEC', attempts: 0 });
    expect(r.error.message).to.match(/^the zone breaks bindy's rules \(nothing sent to PowerDNS\): records\/1/);
    expect(patches).to.deep.equal([]);
    // a server that does not even listen gives the same answer: no request was made
    const nowhere = await client.putZone(
      { ...conn, serverUrl: 'http://127.0.0.1:9/api/v1/servers/localhost' },
      OFF,
      zone,
      bad,
    );
    expect(!nowhere.ok && nowhere.error.code).to.equal('INVALID_SPEC');
  });

  it('API down: bounded retries, a clear failure; once it is back the push applies', async () => {
    const zone = 'down.test';
    await client.putZone(conn, OFF, zone, body(zone, [a('www', '192.0.2.1')]));
    await pdns.kill();
    try {
      const started = Date.now();
      const r = await client.putZone(conn, OFF, zone, body(zone, [a('www', '192.0.2.2')]));
      expect(r.ok).to.equal(false);
      if (!r.ok) {
        expect(r.error).to.include({ kind: 'unreachable', attempts: 3 });
        expect(r.error.message).to.match(/ECONNREFUSED/);
      }
      expect(Date.now() - started, 'three attempts with short backoffs').to.be.below(5000);
    } finally {
      await pdns.start();
    }
    const r = await client.putZone(conn, OFF, zone, body(zone, [a('www', '192.0.2.2')]));
    expect(r.ok && r.result).to.deep.include({ changed: true, serial: 2 });
    expect(await answers(`www.${zone}.`, 'A')).to.deep.equal(['192.0.2.2']);
  });

  it('leaves alone a zone bindy did not create, unless adopted; a zone moving between DNSZones needs no adoption', async () => {
    const zone = 'foreign.test';
    const made = await api('POST', '/zones', {
      name: `${zone}.`,
      kind: 'Native',
      nameservers: ['ns1.example.net.'],
      rrsets: [{ name: `www.${zone}.`, type: 'A', ttl: 60, records: [{ content: '192.0.2.7', disabled: false }] }],
    });
    expect(made.status).to.equal(201);
    const r = await client.putZone(conn, OFF, zone, body(zone, [a('www', '192.0.2.1')]));
    expect(!r.ok && r.error).to.include({ code: 'ZONE_NOT_OWNED', status: 409 });
    expect(await answers(`www.${zone}.`, 'A')).to.deep.equal(['192.0.2.7']);
    const adopt = await client.putZone(conn, OFF, zone, body(zone, [a('www', '192.0.2.1')], { adopt: true }));
    expect(adopt.ok && adopt.result.adopted).to.deep.equal({});
    expect(await answers(`www.${zone}.`, 'A')).to.deep.equal(['192.0.2.1']);
    const moved = await client.putZone(conn, OFF, zone, body(zone, [a('www', '192.0.2.1')], { owner: 'dns/renamed' }));
    expect(moved.ok && moved.result.adopted).to.deep.equal({ from: 'dns/zone' });
    expect((await api('GET', `/zones/${zone}.?rrsets=false`)).body).to.include({ account: 'bindy:dns/renamed' });
  });

  it('holds a push that deletes most of the zone until its token is acknowledged (the deletion guard)', async () => {
    const zone = 'guard.test';
    const many = Array.from({ length: 20 }, (_, i) => a(`h${i}`, `192.0.2.${i + 1}`));
    const guard = { maxDeletePercent: 30 };
    await client.putZone(conn, OFF, zone, body(zone, many, { deletionGuard: guard }));
    const few = many.slice(0, 5);
    const held = await client.putZone(conn, OFF, zone, body(zone, few, { deletionGuard: guard }));
    expect(held.ok).to.equal(false);
    if (held.ok) return;
    expect(held.error).to.include({ code: 'DELETIONS_HELD', status: 409 });
    const d = held.error.details as HeldDeletion;
    expect(d).to.include({ deletes: 15, limit: 'deletionGuard.maxDeletePercent 30' });
    expect(await answers(`h10.${zone}.`, 'A'), 'nothing applied').to.deep.equal(['192.0.2.11']);
    const ok = await client.putZone(
      conn,
      OFF,
      zone,
      body(zone, few, { deletionGuard: { ...guard, acknowledged: d.token } }),
    );
    expect(ok.ok && ok.result).to.deep.include({ acknowledged: true, records: 7 });
    expect(await answers(`h10.${zone}.`, 'A')).to.deep.equal([]);
  });

  it('keeps records the zone leaves to others; an RRset PowerDNS refuses is left out and reported, the rest applied', async () => {
    const zone = 'unmanaged.test';
    const rules = { unmanagedRecords: [{ name: 'legacy', type: 'TXT' as const }] };
    await client.putZone(conn, OFF, zone, body(zone, [a('www', '192.0.2.1')], rules));
    // another tool keeps a TXT at legacy
    const added = await api('PATCH', `/zones/${zone}.`, {
      rrsets: [
        { name: `legacy.${zone}.`, type: 'TXT', ttl: 60, changetype: 'REPLACE', records: [{ content: '"theirs"' }] },
      ],
    });
    expect(added.status).to.equal(204);
    // WHEN bindy wants a CNAME at that name (its rules cannot see the other tool's TXT) and a new A
    const r = await client.putZone(
      conn,
      OFF,
      zone,
      body(
        zone,
        [a('www', '192.0.2.2'), { name: 'legacy', type: 'CNAME', ttl: 60, data: 'www.unmanaged.test.' }],
        rules,
      ),
    );
    // THEN PowerDNS refuses the CNAME beside the TXT; the A is applied; the TXT stays
    expect(r.ok, JSON.stringify(r)).to.equal(true);
    if (!r.ok) return;
    expect(r.result.refused).to.have.length(1);
    expect(r.result.refused![0]).to.include({ owner: `legacy.${zone}.`, type: 'CNAME' });
    expect(r.result.refused![0]!.rcode).to.match(/^PowerDNS: .*Conflicts with pre-existing RRset/);
    expect(await answers(`www.${zone}.`, 'A')).to.deep.equal(['192.0.2.2']);
    expect(await answers(`legacy.${zone}.`, 'TXT')).to.deep.equal(['"theirs"']);
  });

  it('with soa_edit_api DEFAULT PowerDNS numbers the serial: bindy writes none, and an unchanged zone sends nothing', async () => {
    const zone = 'serial.test';
    const DEF: PowerDnsZoneOptions = { kind: 'Master', soaEditApi: 'DEFAULT' };
    const r1 = await client.putZone(conn, DEF, zone, body(zone, [a('www', '192.0.2.1')], { serial: 5 }));
    const today = Number(new Date().toISOString().slice(0, 10).replaceAll('-', ''));
    expect(r1.ok && Math.floor(r1.result.serial / 100)).to.be.oneOf([today, today - 1, today + 1]);
    expect(r1.ok && r1.result.serial).to.equal(await pdns.soaSerial(zone));
    patches.length = 0;
    const r2 = await client.putZone(conn, DEF, zone, body(zone, [a('www', '192.0.2.2')], { serial: 5 }));
    expect(
      patches[0]!.changes.map((c) => c.type),
      'no SOA written',
    ).to.deep.equal(['A']);
    expect(r2.ok && r1.ok && r2.result.serial).to.equal(r1.ok ? r1.result.serial + 1 : -1);
    expect(r2.ok && r2.result.serial).to.equal(await pdns.soaSerial(zone));
    patches.length = 0;
    const r3 = await client.putZone(conn, DEF, zone, body(zone, [a('www', '192.0.2.2')], { serial: 5 }));
    expect(r3.ok && r3.result.changed).to.equal(false);
    expect(patches).to.deep.equal([]);
    // the server's spec changes to OFF and Native: the zone's settings follow on the next push
    const r4 = await client.putZone(conn, OFF, zone, body(zone, [a('www', '192.0.2.2')]));
    expect(r4.ok && r4.result.changed).to.equal(false);
    expect((await api('GET', `/zones/${zone}.?rrsets=false`)).body).to.include({ kind: 'Native', soa_edit_api: 'OFF' });
  });

  it('serves an RFC 2317 classless reverse zone (its id spells the "/" as =2F)', async () => {
    const zone = '0/26.2.0.192.in-addr.arpa';
    const r = await client.putZone(
      conn,
      OFF,
      zone,
      zoneBody(zone, [{ name: '5', type: 'PTR', ttl: 60, data: 'host.example.com.' }], {
        owner: 'dns/rev',
        soa: {
          mname: 'ns1.example.net.',
          rname: 'hostmaster.example.net.',
          refresh: 3600,
          retry: 600,
          expire: 604800,
          minimum: 300,
        },
        nameServers: [{ hostname: 'ns1.example.net.' }],
      }),
    );
    expect(r.ok, JSON.stringify(r)).to.equal(true);
    expect(await answers(`5.0/26.2.0.192.in-addr.arpa.`, 'PTR')).to.deep.equal(['host.example.com.']);
    const again = await client.putZone(
      conn,
      OFF,
      zone,
      zoneBody(zone, [{ name: '5', type: 'PTR', ttl: 60, data: 'host.example.com.' }], {
        owner: 'dns/rev',
        soa: {
          mname: 'ns1.example.net.',
          rname: 'hostmaster.example.net.',
          refresh: 3600,
          retry: 600,
          expire: 604800,
          minimum: 300,
        },
        nameServers: [{ hostname: 'ns1.example.net.' }],
      }),
    );
    expect(again.ok && again.result.changed).to.equal(false);
    expect(await client.deleteZone(conn, zone, 'dns/rev')).to.deep.include({ ok: true, gone: 'deleted' });
  });

  it('resolves a server’s API key from its Secret; a missing Secret fails naming it, before any request', async () => {
    const secrets = new Map<string, Record<string, string>>([['dns/pdns-api', { 'api-key': pdns.apiKey }]]);
    const backend = powerDnsBackend({ client, secrets: async (ns, name) => secrets.get(`${ns}/${name}`) });
    const target = {
      kind: 'PowerDNSServer' as const,
      namespace: 'dns',
      name: 'pdns',
      spec: { apiUrl: pdns.apiUrl, apiKeySecretRef: { name: 'pdns-api' } },
    };
    const r = await backend.putZone(target, 'backend.test', body('backend.test', [a('www', '192.0.2.1')]));
    expect(r.ok, JSON.stringify(r)).to.equal(true);
    const missing = await backend.putZone(
      { ...target, spec: { ...target.spec, apiKeySecretRef: { name: 'nope' } } },
      'backend.test',
      body('backend.test', [a('www', '192.0.2.1')]),
    );
    expect(!missing.ok && missing.error).to.include({ code: 'SECRET_NOT_FOUND', attempts: 0 });
    expect(!missing.ok && missing.error.message).to.equal(
      'PowerDNSServer dns/pdns: the API key in Secret dns/nope key api-key does not exist',
    );
    const gone = await backend.deleteZone(
      { kind: 'ClusterPowerDNSServer', namespace: '', name: 'old' },
      'backend.test',
      'dns/zone',
    );
    expect(!gone.ok && gone.error.message).to.match(/^ClusterPowerDNSServer old no longer exists/);
  });
});
