/**
 * One GitOps folder served by BIND and PowerDNS at once, through the real hooks: the local stack (`bindy up
 * --powerdns`: a real named with bindcar, a real pdns_server, the hooks service and the Metacontroller stand-in
 * driving them with the controllers of metacontroller/) applies examples/, and every zone is placed on the cluster's
 * Bind9 instances and on a ClusterPowerDNSServer. Checked: both servers serve every zone identically (AXFR compared
 * RR by RR, SOA and serial included), the DNSZone and record statuses, a change and a deletion reaching both, an
 * unchanged zone sending no PATCH, a wrong API key and PowerDNS going down (Degraded, events, BIND still serving,
 * recovery), a zone placed on PowerDNS alone, and zone deletion from both.
 */
import { expect } from 'chai';
import type { PdnsChange } from '../../dns/powerdns.js';
import { API_VERSION, RECORD_KINDS } from '../../hooks/schema/generated.js';
import { freePort } from '../../local/named.js';
import { LOCAL_NAMESPACE, LOCAL_POWERDNS, startLocalStack, type LocalStack } from '../../local/stack.js';
import type { StoredObject } from '../../local/store.js';
import { loadFolder } from '../../cli/commands/up.js';
import { answerData } from '../scenarios/loop-driver.js';
import { axfrLines } from '../support/pdns.js';

type Cond = { type: string; status: string; reason: string; message: string };
const cond = (o: StoredObject | undefined, type: string) =>
  ((o?.status?.['conditions'] as Cond[] | undefined) ?? []).find((c) => c.type === type);

describe('one folder served by BIND and PowerDNS at once (local stack: real named, real pdns_server, real hooks)', function () {
  this.timeout(120000);
  let stack: LocalStack;
  let objects: StoredObject[];
  const patches: { zone: string; changes: readonly PdnsChange[] }[] = [];

  before(async () => {
    stack = await startLocalStack({
      dnsPort: await freePort(),
      powerdns: {},
      logLevel: 'error',
      zoneOptions: { degradedResyncSeconds: 1, deletionGraceSeconds: 30, deletionRetrySeconds: 1 },
      onPowerDnsPatch: (zone, changes) => patches.push({ zone, changes }),
    });
    objects = loadFolder('examples').objects;
    const r = await stack.apply(objects);
    expect(r.errors, 'no hook failed').to.equal(0);
  });
  after(async () => {
    await stack?.stop();
  });

  const zones = () => stack.store.list(API_VERSION, 'DNSZone');
  const zoneNamed = (name: string) => stack.store.get(API_VERSION, 'DNSZone', 'default', name);
  const bind = (zone: string) => axfrLines(stack.named.dnsPort, zone, stack.named.updateKey);
  const powerdns = (zone: string) => axfrLines(stack.pdns!.dnsPort, zone);
  const answers = async (server: 'bind' | 'pdns', name: string, type: string) =>
    answerData(await (server === 'bind' ? stack.named : stack.pdns!).query(name, type), type);
  const setObject = (o: StoredObject) => {
    objects = [...objects.filter((x) => !(x.kind === o.kind && x.metadata.name === o.metadata.name)), o];
  };

  it('serves every zone of examples/ identically from named and from pdns_server (every RR, SOA and serial included)', async () => {
    expect(zones().length).to.be.greaterThan(1);
    for (const z of zones()) {
      const name = (z.spec as { zoneName: string }).zoneName;
      const b = await bind(name);
      const p = await powerdns(name);
      expect(b, `named serves ${name}`).to.not.equal(undefined);
      expect(p, `PowerDNS serves ${name}, RR by RR as named does`).to.deep.equal(b);
    }
  });

  it('reports both backends in the DNSZone status, and every record as served', () => {
    for (const z of zones()) {
      expect(cond(z, 'Ready'), z.metadata.name).to.deep.include({ status: 'True', reason: 'Served' });
      expect(cond(z, 'Ready')!.message).to.match(/^served by 2\/2 primaries at serial \d+/);
      expect(cond(z, 'Degraded')).to.deep.include({ status: 'False', reason: 'AllPrimariesServing' });
      const instances = z.status?.['instances'] as { kind?: string; name: string; ready: boolean; serial?: number }[];
      const pdns = instances.find((i) => i.kind === 'ClusterPowerDNSServer');
      expect(pdns).to.deep.include({ name: LOCAL_POWERDNS, ready: true });
      expect(pdns!.serial, 'one serial on both').to.equal(z.status?.['serial']);
      expect(z.status?.['pushedTo']).to.deep.include({
        kind: 'ClusterPowerDNSServer',
        name: LOCAL_POWERDNS,
        endpoint: `${stack.pdns!.apiUrl}/api/v1/servers/localhost`,
      });
    }
    for (const { kind } of RECORD_KINDS)
      for (const r of stack.store.list(API_VERSION, kind))
        expect(cond(r, 'Ready'), `${kind} ${r.metadata.name}`).to.deep.include({ status: 'True', reason: 'Served' });
    const server = stack.store.get(API_VERSION, 'ClusterPowerDNSServer', undefined, LOCAL_POWERDNS);
    expect(cond(server, 'Ready')).to.deep.include({ status: 'True', reason: 'Reachable' });
    expect(server?.status).to.deep.include({ version: '4.7.3', daemonType: 'authoritative' });
  });

  it('a resync of unchanged zones sends PowerDNS no PATCH', async () => {
    patches.length = 0;
    const r = await stack.reconcile();
    expect(r.errors).to.equal(0);
    expect(patches).to.deep.equal([]);
  });

  it('a changed record reaches both in one PATCH; a deleted one leaves both; the serials stay equal', async () => {
    const www = objects.find((o) => o.kind === 'ARecord' && o.metadata.name === 'www')!;
    setObject({ ...www, spec: { ...(www.spec as object), ipv4Address: '192.0.2.77' } });
    patches.length = 0;
    await stack.apply(objects);
    expect(await answers('bind', 'www.example.com.', 'A')).to.deep.equal(['192.0.2.77']);
    expect(await answers('pdns', 'www.example.com.', 'A')).to.deep.equal(['192.0.2.77']);
    expect(patches.map((p) => p.zone)).to.deep.equal(['example.com']);
    expect(patches[0]!.changes.map((c) => `${c.changetype} ${c.name} ${c.type}`)).to.deep.equal([
      'REPLACE www.example.com. A',
      'REPLACE example.com. SOA',
    ]);
    objects = objects.filter((o) => !(o.kind === 'ARecord' && o.metadata.name === 'app'));
    await stack.apply(objects);
    expect(await answers('bind', 'app.example.com.', 'A')).to.deep.equal([]);
    expect(await answers('pdns', 'app.example.com.', 'A')).to.deep.equal([]);
    expect(await powerdns('example.com')).to.deep.equal(await bind('example.com'));
    expect(await stack.pdns!.soaSerial('example.com')).to.equal(await stack.named.soaSerial('example.com'));
  });

  it('a conflict is a conflict on both: the younger CNAME beside an A is left out, neither server has it', async () => {
    const cname: StoredObject = {
      apiVersion: API_VERSION,
      kind: 'CNAMERecord',
      metadata: { name: 'www-alias', namespace: 'default' },
      spec: { zoneRef: 'example-com', name: 'www', target: 'elsewhere.example.net.' },
    };
    objects = [...objects, cname];
    stack.events.length = 0;
    await stack.apply(objects);
    const r = stack.store.get(API_VERSION, 'CNAMERecord', 'default', 'www-alias');
    expect(cond(r, 'Ready')).to.deep.include({ status: 'False', reason: 'Conflict' });
    expect(zoneNamed('example-com')!.status!['conflicts']).to.deep.include({
      kind: 'CNAMERecord',
      name: 'www-alias',
      reason: 'CNAMEAndOtherData',
      message: cond(r, 'Ready')!.message,
    });
    expect(stack.events.some((e) => e.reason === 'RecordConflict')).to.equal(true);
    expect(await answers('pdns', 'www.example.com.', 'CNAME')).to.deep.equal([]);
    expect(await answers('bind', 'www.example.com.', 'CNAME')).to.deep.equal([]);
    expect(await powerdns('example.com')).to.deep.equal(await bind('example.com'));
    objects = objects.filter((o) => o !== cname);
    await stack.apply(objects);
  });

  it('a wrong API key: Degraded naming the Secret, BIND still serves the change, PowerDNS keeps what it had; fixed, it catches up', async () => {
    const secret = stack.store.get('v1', 'Secret', LOCAL_NAMESPACE, `${LOCAL_POWERDNS}-api-key`)!;
    const good = secret['data'];
    stack.store.put({ ...secret, data: { 'api-key': Buffer.from('wrong').toString('base64') } } as StoredObject);
    const www = objects.find((o) => o.kind === 'ARecord' && o.metadata.name === 'www')!;
    setObject({ ...www, spec: { ...(www.spec as object), ipv4Address: '192.0.2.78' } });
    // straight into the store (an apply would restore the Secret the stack injects)
    const stored = stack.store.get(API_VERSION, 'ARecord', 'default', 'www')!;
    stack.store.put({ ...stored, spec: { ...(stored.spec as object), ipv4Address: '192.0.2.78' } });
    stack.events.length = 0;
    try {
      await stack.reconcile();
      const z = zoneNamed('example-com');
      expect(cond(z, 'Ready')).to.deep.include({ status: 'True', reason: 'Served' });
      expect(cond(z, 'Ready')!.message).to.match(/^served by 1\/2 primaries/);
      expect(cond(z, 'Degraded')).to.deep.include({ status: 'True', reason: 'PushFailed' });
      expect(cond(z, 'Degraded')!.message).to.contain(`ClusterPowerDNSServer ${LOCAL_POWERDNS}: GET`);
      expect(cond(z, 'Degraded')!.message).to.contain(
        `PowerDNS does not accept the API key of Secret ${LOCAL_NAMESPACE}/${LOCAL_POWERDNS}-api-key key api-key; nothing was changed`,
      );
      expect(stack.events.some((e) => e.type === 'Warning' && e.reason === 'PushFailed')).to.equal(true);
      const server = stack.store.get(API_VERSION, 'ClusterPowerDNSServer', undefined, LOCAL_POWERDNS);
      expect(cond(server, 'Ready')).to.deep.include({ status: 'False', reason: 'Unauthorized' });
      expect(await answers('bind', 'www.example.com.', 'A')).to.deep.equal(['192.0.2.78']);
      expect(await answers('pdns', 'www.example.com.', 'A')).to.deep.equal(['192.0.2.77']);
    } finally {
      stack.store.put({ ...secret, data: good } as StoredObject);
    }
    await stack.reconcile();
    const z = zoneNamed('example-com');
    expect(cond(z, 'Degraded')).to.deep.include({ status: 'False', reason: 'AllPrimariesServing' });
    expect(stack.events.some((e) => e.type === 'Normal' && e.reason === 'Recovered')).to.equal(true);
    expect(await answers('pdns', 'www.example.com.', 'A')).to.deep.equal(['192.0.2.78']);
    expect(await powerdns('example.com')).to.deep.equal(await bind('example.com'));
  });

  it('PowerDNS down: bounded retries, Degraded, BIND still serves; back up, the next sync recovers', async () => {
    await stack.pdns!.kill();
    const www = objects.find((o) => o.kind === 'ARecord' && o.metadata.name === 'www')!;
    setObject({ ...www, spec: { ...(www.spec as object), ipv4Address: '192.0.2.79' } });
    stack.events.length = 0;
    try {
      const started = Date.now();
      const r = await stack.apply(objects);
      expect(r.errors, 'a down backend is a status, not a hook failure').to.equal(0);
      expect(Date.now() - started).to.be.below(30000);
      const z = zoneNamed('example-com');
      expect(cond(z, 'Degraded')).to.deep.include({ status: 'True', reason: 'PushFailed' });
      expect(cond(z, 'Degraded')!.message).to.match(/ClusterPowerDNSServer local-powerdns: GET .*ECONNREFUSED/);
      expect(r.resyncAfterSeconds, 'comes back on the degraded cadence').to.equal(1);
      expect(await answers('bind', 'www.example.com.', 'A')).to.deep.equal(['192.0.2.79']);
      const www2 = stack.store.get(API_VERSION, 'ARecord', 'default', 'www');
      expect(cond(www2, 'Ready'), 'served by BIND').to.deep.include({ status: 'True', reason: 'Served' });
      const server = stack.store.get(API_VERSION, 'ClusterPowerDNSServer', undefined, LOCAL_POWERDNS);
      expect(cond(server, 'Ready')).to.deep.include({ status: 'False', reason: 'Unreachable' });
    } finally {
      await stack.pdns!.start();
    }
    await stack.reconcile();
    expect(cond(zoneNamed('example-com'), 'Degraded')).to.deep.include({ status: 'False' });
    expect(await answers('pdns', 'www.example.com.', 'A')).to.deep.equal(['192.0.2.79']);
    const server = stack.store.get(API_VERSION, 'ClusterPowerDNSServer', undefined, LOCAL_POWERDNS);
    expect(cond(server, 'Ready')).to.deep.include({ status: 'True', reason: 'Reachable' });
  });

  it('a zone placed on PowerDNS alone is served there only; deleted, it is gone from PowerDNS', async () => {
    const only: StoredObject = {
      apiVersion: API_VERSION,
      kind: 'DNSZone',
      metadata: { name: 'pdns-only', namespace: 'default' },
      spec: {
        zoneName: 'pdns-only.test',
        powerDnsServerRef: LOCAL_POWERDNS,
        nameServers: [{ hostname: 'ns1.example.net.' }],
      },
    };
    const rec: StoredObject = {
      apiVersion: API_VERSION,
      kind: 'ARecord',
      metadata: { name: 'only-www', namespace: 'default' },
      spec: { zoneRef: 'pdns-only', name: 'www', ipv4Address: '198.51.100.1' },
    };
    objects = [...objects, only, rec];
    await stack.apply(objects);
    const z = zoneNamed('pdns-only');
    expect(cond(z, 'Ready')).to.deep.include({ status: 'True', reason: 'Served' });
    expect((z!.status!['instances'] as { kind?: string }[]).map((i) => i.kind)).to.deep.equal([
      'ClusterPowerDNSServer',
    ]);
    expect(await answers('pdns', 'www.pdns-only.test.', 'A')).to.deep.equal(['198.51.100.1']);
    expect((await stack.named.query('www.pdns-only.test.', 'A')).rcode).to.equal('REFUSED');
    expect(cond(stack.store.get(API_VERSION, 'ARecord', 'default', 'only-www'), 'Ready')).to.deep.include({
      status: 'True',
    });
    objects = objects.filter((o) => o !== only && o !== rec);
    await stack.apply(objects);
    expect(zoneNamed('pdns-only'), 'finalized').to.equal(undefined);
    expect((await stack.pdns!.query('www.pdns-only.test.', 'A')).rcode).to.equal('REFUSED');
  });

  it('moved from PowerDNS to BIND, a zone leaves PowerDNS once BIND serves it (make before break)', async () => {
    const moving: StoredObject = {
      apiVersion: API_VERSION,
      kind: 'DNSZone',
      metadata: { name: 'moving', namespace: 'default' },
      spec: {
        zoneName: 'moving.test',
        powerDnsServerRef: LOCAL_POWERDNS,
        nameServers: [{ hostname: 'ns1.example.net.' }],
      },
    };
    const rec: StoredObject = {
      apiVersion: API_VERSION,
      kind: 'ARecord',
      metadata: { name: 'moving-www', namespace: 'default' },
      spec: { zoneRef: 'moving', name: 'www', ipv4Address: '198.51.100.2' },
    };
    objects = [...objects, moving, rec];
    await stack.apply(objects);
    expect(await answers('pdns', 'www.moving.test.', 'A')).to.deep.equal(['198.51.100.2']);
    // WHEN the zone names the Bind9Cluster instead (a selector that picks no PowerDNS server keeps the local stack
    // from placing it there again)
    const moved = {
      ...moving,
      spec: {
        zoneName: 'moving.test',
        clusterRef: 'dns',
        powerDnsServersFrom: [{ selector: { matchLabels: { none: 'none' } } }],
        nameServers: [{ hostname: 'ns1.example.net.' }],
      },
    };
    objects = [...objects.filter((o) => o !== moving), moved];
    stack.events.length = 0;
    await stack.apply(objects);
    // THEN BIND serves it, PowerDNS no longer has it, and the zone remembers only BIND
    expect(await answers('bind', 'www.moving.test.', 'A')).to.deep.equal(['198.51.100.2']);
    expect((await stack.pdns!.query('www.moving.test.', 'A')).rcode).to.equal('REFUSED');
    const z = zoneNamed('moving');
    expect((z!.status!['pushedTo'] as { kind?: string }[]).map((p) => p.kind ?? 'Bind9Instance')).to.deep.equal([
      'Bind9Instance',
    ]);
    expect(cond(z, 'Orphaned')).to.deep.include({ status: 'False' });
    expect(stack.events.map((e) => `${e.reason}: ${e.message}`)).to.include(
      `ZoneRemoved: zone moving.test removed from ClusterPowerDNSServer ${LOCAL_POWERDNS}, which is no longer in its placement`,
    );
    objects = objects.filter((o) => o !== moved && o !== rec);
    await stack.apply(objects);
  });

  it('a deleted DNSZone is removed from both servers', async () => {
    objects = objects.filter((o) => !(o.kind === 'DNSZone' && o.metadata.name === 'reverse-192-0-2'));
    await stack.apply(objects);
    expect(zoneNamed('reverse-192-0-2')).to.equal(undefined);
    expect(await bind('2.0.192.in-addr.arpa')).to.equal(undefined);
    expect(await powerdns('2.0.192.in-addr.arpa')).to.equal(undefined);
  });
});
