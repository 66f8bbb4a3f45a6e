/**
 * DNSZone sync/finalize behaviour over several passes: byte-stable status, record statuses written only on change,
 * events only on flips, degraded resync, finalize grace.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { finalizeDnsZone, syncDnsZone, type DnsZoneDeps } from '../../../hooks/controllers/dnszone.js';
import type { KubeObject, SyncRequest, SyncResponse } from '../../../hooks/metacontroller.js';
import type { DNSZone } from '../../../hooks/schema/generated.js';
import { fakeBindcar, recordingStatusWriter, type FakeAnswer } from '../zone/fakes.js';
import { memoryEventRecorder } from '../../../hooks/ports/events.js';

const DIR = join(import.meta.dirname, '../../fixtures/sync/dnszone');
type ZoneReq = SyncRequest<DNSZone & KubeObject>;
const load = (name: string): ZoneReq => JSON.parse(readFileSync(join(DIR, `${name}.request.json`), 'utf8')) as ZoneReq;

function deps(
  now: string,
  answers: Record<string, FakeAnswer> = {},
  opts: Partial<NonNullable<DnsZoneDeps['options']>> = {},
  fail: string[] = [],
) {
  const bindcar = fakeBindcar(answers);
  const recordStatus = recordingStatusWriter(fail);
  const events = memoryEventRecorder();
  const d: DnsZoneDeps = { clock: () => now, bindcar, recordStatus, events, options: opts };
  return { d, bindcar, recordStatus, events };
}

/** What Metacontroller and the apiserver would do with a response: parent status replaced, record statuses patched. */
function apply(req: ZoneReq, res: SyncResponse, writes: ReturnType<typeof recordingStatusWriter>['writes']): ZoneReq {
  const next = structuredClone(req);
  (next.parent as { status?: unknown }).status = res.status;
  for (const w of writes) {
    const group = next.related[`${w.ref.kind}.bindy.firestoned.io/v1beta1`]!;
    const obj = group[`${w.ref.namespace}/${w.ref.name}`]!;
    const status = { ...((obj['status'] as object) ?? {}), ...w.status } as Record<string, unknown>;
    for (const k of Object.keys(status)) if (status[k] === null) delete status[k];
    obj['status'] = status;
  }
  return next;
}

describe('DNSZone sync over several passes', () => {
  it('is byte-stable and writes nothing when nothing changed', async () => {
    // GIVEN a first pass that served the zone
    const first = deps('2026-11-22T04:00:00Z');
    const req = load('every-kind');
    const r1 = await syncDnsZone(req, first.d);
    expect(first.recordStatus.writes).to.have.length(8);
    // WHEN the same world is synced later
    const later = deps('2026-11-22T05:00:00Z');
    const r2 = await syncDnsZone(apply(req, r1, first.recordStatus.writes), later.d);
    // THEN the status is identical, no record status is patched and no event is emitted
    expect(JSON.stringify(r2)).to.equal(JSON.stringify(r1));
    expect(later.recordStatus.writes).to.deep.equal([]);
    expect(later.events.events).to.deep.equal([]);
    expect(r2).not.to.have.property('resyncAfterSeconds');
  });

  it('flips conditions with the injected clock only, warns once, resyncs while degraded and recovers', async () => {
    const a = deps('2026-11-22T04:00:00Z');
    let req = load('push-failed');
    const ok = await syncDnsZone(req, a.d);
    req = apply(req, ok, a.recordStatus.writes);

    const b = deps('2026-11-22T04:10:00Z', { '*': 'unreachable' });
    const down = await syncDnsZone(req, b.d);
    const c = (r: SyncResponse, t: string) =>
      (r.status['conditions'] as { type: string; status: string; reason: string; lastTransitionTime: string }[]).find(
        (x) => x.type === t,
      )!;
    expect(c(down, 'Ready')).to.include({
      status: 'False',
      reason: 'PushFailed',
      lastTransitionTime: '2026-11-22T04:10:00Z',
    });
    expect(c(down, 'Degraded')).to.include({
      status: 'True',
      reason: 'PushFailed',
      lastTransitionTime: '2026-11-22T04:10:00Z',
    });
    expect(c(down, 'Progressing').lastTransitionTime).to.equal('2026-11-22T04:00:00Z');
    expect(down.resyncAfterSeconds).to.equal(10);
    expect(down.status['serial']).to.equal(2026112201); // last served serial is kept
    expect(b.events.events.map((e) => e.reason)).to.deep.equal(['PushFailed']);
    // records keep their Served status: nothing new is known about them
    expect(b.recordStatus.writes).to.deep.equal([]);
    req = apply(req, down, b.recordStatus.writes);

    const still = deps('2026-11-22T04:20:00Z', { '*': 'unreachable' });
    const down2 = await syncDnsZone(req, still.d);
    expect(JSON.stringify(down2)).to.equal(JSON.stringify(down));
    expect(still.events.events).to.deep.equal([]);
    req = apply(req, down2, []);

    const back = deps('2026-11-22T04:30:00Z');
    const up = await syncDnsZone(req, back.d);
    expect(c(up, 'Ready')).to.include({ status: 'True', lastTransitionTime: '2026-11-22T04:30:00Z' });
    expect(c(up, 'Degraded')).to.include({ status: 'False', lastTransitionTime: '2026-11-22T04:30:00Z' });
    expect(up).not.to.have.property('resyncAfterSeconds');
    expect(back.events.events.map((e) => e.reason)).to.deep.equal(['Recovered']);
  });

  it('gives every selected record a status from the first pass, even when no primary accepted the zone', async () => {
    const x = deps('2026-11-22T04:00:00Z', { '*': 'unreachable' });
    await syncDnsZone(load('cname-conflict'), x.d);
    expect(
      x.recordStatus.writes.map((w) => `${w.ref.kind}/${w.ref.name}:${w.status.conditions[0]!.reason}`),
    ).to.deep.equal([
      'CNAMERecord/app:PushFailed',
      'ARecord/app-a:Conflict',
      'CNAMERecord/app-2:Conflict',
      'ARecord/outside:OutOfZone',
    ]);
  });

  it('asks for a quick resync when record statuses remain to be written', async () => {
    const budget = deps('2026-11-22T04:00:00Z', {}, { maxRecordWritesPerSync: 3 });
    const r = await syncDnsZone(load('every-kind'), budget.d);
    expect(budget.recordStatus.writes).to.have.length(3);
    expect(r.resyncAfterSeconds).to.equal(2);
    const failing = deps('2026-11-22T04:00:00Z', {}, {}, ['ARecord/dns/www']);
    const r2 = await syncDnsZone(load('every-kind'), failing.d);
    expect(failing.recordStatus.writes).to.have.length(7);
    expect(r2.resyncAfterSeconds).to.equal(10); // a failed write comes back on the degraded cadence
  });

  it('tells a record no zone selects any more that it is not served, once', async () => {
    const first = deps('2026-11-22T04:00:00Z');
    let req = load('every-kind');
    req = apply(req, await syncDnsZone(req, first.d), first.recordStatus.writes);
    const www = req.related['ARecord.bindy.firestoned.io/v1beta1']!['dns/www']!;
    (www['spec'] as { zoneRef: string }).zoneRef = 'no-such-zone';
    const second = deps('2026-11-22T04:05:00Z');
    const r = await syncDnsZone(req, second.d);
    expect(
      second.recordStatus.writes.map((w) => [
        w.ref.name,
        w.status.conditions[0]!.reason,
        w.status.conditions[0]!.lastTransitionTime,
      ]),
    ).to.deep.equal([['www', 'NotSelected', '2026-11-22T04:05:00Z']]);
    req = apply(req, r, second.recordStatus.writes);
    const third = deps('2026-11-22T04:10:00Z');
    await syncDnsZone(req, third.d);
    expect(third.recordStatus.writes).to.deep.equal([]);
  });

  it('retries a push bindcar rejected slowly (60 s), a failing one quickly', async () => {
    expect(
      (await syncDnsZone(load('push-failed'), deps('2026-11-22T04:00:00Z', { '*': 'rejected' }).d)).resyncAfterSeconds,
    ).to.equal(60);
    expect(
      (await syncDnsZone(load('push-failed'), deps('2026-11-22T04:00:00Z', { '*': 'unreachable' }).d))
        .resyncAfterSeconds,
    ).to.equal(10);
  });

  it('removes the zone from an instance it no longer is placed on', async () => {
    const a = deps('2026-11-22T04:00:00Z');
    let req = load('push-partly-failed'); // two primaries
    req = apply(req, await syncDnsZone(req, a.d), a.recordStatus.writes);
    delete req.related['Bind9Instance.bindy.firestoned.io/v1beta1']!['dns/prod-dns-primary-1'];
    const b = deps('2026-11-22T04:05:00Z');
    const r = await syncDnsZone(req, b.d);
    expect(b.bindcar.calls.map((c) => `${c.method} ${c.endpoint}`)).to.deep.equal([
      'PUT http://prod-dns-primary-0.dns.svc:8080',
      'DELETE http://prod-dns-primary-1.dns.svc:8080',
    ]);
    expect(b.events.events.map((e) => e.reason)).to.deep.equal(['ZoneRemoved']);
    expect((r.status['instances'] as { name: string }[]).map((i) => i.name)).to.deep.equal(['prod-dns-primary-0']);
  });

  it('a zone that was never pushed: every record says why, with zone and fqdn, and nothing is rewritten later', async () => {
    // GIVEN zones that cannot be pushed, for each reason
    const table: { name: string; req: () => ZoneReq; answers?: Record<string, FakeAnswer>; reason: string }[] = [
      { name: 'clusterRef names nothing', req: () => load('cluster-not-found'), reason: 'ZoneNotReady' },
      { name: 'no primary has an endpoint yet', req: () => load('pending'), reason: 'Pending' },
      {
        name: 'every primary fails',
        req: () => load('push-failed'),
        answers: { '*': 'unreachable' },
        reason: 'PushFailed',
      },
      {
        name: 'the zone spec cannot be served (in-zone name server without glue)',
        req: () => {
          const r = load('push-failed');
          (r.parent.spec as { nameServers: unknown[] }).nameServers = [{ hostname: 'ns1.example.com' }];
          return r;
        },
        reason: 'ZoneNotReady',
      },
    ];
    for (const t of table) {
      const first = deps('2026-11-22T04:00:00Z', t.answers);
      const req = t.req();
      const r1 = await syncDnsZone(req, first.d);
      // THEN the record gets Ready=False with the reason, the zone and its owner name (printer columns are filled)
      expect(
        first.recordStatus.writes.map((w) => [
          w.ref.name,
          w.status.conditions[0]!.status,
          w.status.conditions[0]!.reason,
          w.status.zone,
          w.status.fqdn,
        ]),
        t.name,
      ).to.deep.equal([['www', 'False', t.reason, 'example.com', 'www.example.com.']]);
      expect(first.recordStatus.writes[0]!.status.conditions[0]!.message, t.name).to.contain('DNSZone dns/example-com');
      // AND the same world later writes nothing (no fan-out on resync)
      const later = deps('2026-11-22T04:10:00Z', t.answers);
      await syncDnsZone(apply(req, r1, first.recordStatus.writes), later.d);
      expect(later.recordStatus.writes, t.name).to.deep.equal([]);
    }
  });

  it('a record whose new generation is not pushed is Ready=False at that generation; unchanged ones stay Ready', async () => {
    // GIVEN www at generation 2 (served at 1) and mail served at its generation 1; every push fails
    const x = deps('2026-11-22T04:00:00Z', { '*': 'unreachable' });
    const req = load('push-failed-generation-moved');
    const r = await syncDnsZone(req, x.d);
    expect(
      x.recordStatus.writes.map((w) => [
        w.ref.name,
        w.status.conditions[0]!.reason,
        w.status.conditions[0]!.observedGeneration,
        w.status.observedGeneration,
      ]),
    ).to.deep.equal([['www', 'PushFailed', 2, 2]]);
    // WHEN the primary is back
    const back = deps('2026-11-22T04:01:00Z');
    await syncDnsZone(apply(req, r, x.recordStatus.writes), back.d);
    // THEN www is served at generation 2, and mail still needs no write
    expect(back.recordStatus.writes.map((w) => [w.ref.name, w.status.conditions[0]!.reason])).to.deep.equal([
      ['www', 'Served'],
    ]);
  });

  it('honours a longer Retry-After from bindcar in resyncAfterSeconds', async () => {
    const x = deps('2026-11-22T04:00:00Z', { '*': 'unavailable' });
    const r = await syncDnsZone(load('push-failed'), x.d);
    expect(r.resyncAfterSeconds).to.equal(30);
  });
});

describe('DNSZone placement memory (status.pushedTo)', () => {
  const INSTANCES = 'Bind9Instance.bindy.firestoned.io/v1beta1';
  const cond = (r: SyncResponse, type: string) =>
    (r.status['conditions'] as { type: string; status: string; reason: string; message: string }[]).find(
      (c) => c.type === type,
    )!;
  const pushedTo = (r: SyncResponse) => (r.status['pushedTo'] as { name: string }[]).map((i) => i.name);
  const calls = (x: ReturnType<typeof deps>) => x.bindcar.calls.map((c) => `${c.method} ${c.endpoint}`);

  /** A zone served on prod-dns-primary-0, then its clusterRef changed to a cluster that does not exist. */
  async function servedThenUnplaced() {
    const a = deps('2026-11-22T04:00:00Z');
    let req = load('push-failed');
    const served = await syncDnsZone(req, a.d);
    expect(pushedTo(served)).to.deep.equal(['prod-dns-primary-0']);
    req = apply(req, served, a.recordStatus.writes);
    (req.parent.spec as { clusterRef: string }).clusterRef = 'gone-dns';
    req.parent.metadata.generation = 2;
    req.related = { ...req.related, [INSTANCES]: {} }; // the related rules no longer select prod-dns's instances
    delete req.related['Bind9Cluster.bindy.firestoned.io/v1beta1']!['dns/prod-dns'];
    return req;
  }

  it('served → unplaced: keeps serving, says where and why once, then finalize removes it from there', async () => {
    // GIVEN a served zone that lost its placement
    let req = await servedThenUnplaced();
    // WHEN it syncs
    const b = deps('2026-11-22T04:05:00Z');
    const unplaced = await syncDnsZone(req, b.d);
    // THEN nothing is deleted (a label edit must not take DNS down), the memory is kept, and the status and one event
    // say which instance still serves it
    expect(calls(b)).to.deep.equal([]);
    expect(pushedTo(unplaced)).to.deep.equal(['prod-dns-primary-0']);
    expect(cond(unplaced, 'Ready')).to.include({ status: 'False', reason: 'ClusterNotFound' });
    expect(cond(unplaced, 'Orphaned')).to.include({ status: 'True', reason: 'Unplaced' });
    expect(cond(unplaced, 'Orphaned').message).to.contain(
      'dns/prod-dns-primary-0 (http://prod-dns-primary-0.dns.svc:8080)',
    );
    expect(b.events.events.map((e) => e.reason)).to.deep.equal(['Unplaced']);
    // AND the record, served at its generation, keeps Ready=True (that content is still what named answers)
    expect(b.recordStatus.writes).to.deep.equal([]);
    // waiting for a placement: back on the degraded cadence, in case the instance's event is missed
    expect(unplaced.resyncAfterSeconds).to.equal(10);
    req = apply(req, unplaced, b.recordStatus.writes);

    // WHEN it syncs again: byte-identical, no second event
    const c = deps('2026-11-22T04:10:00Z');
    expect(JSON.stringify(await syncDnsZone(req, c.d))).to.equal(JSON.stringify(unplaced));
    expect(c.events.events).to.deep.equal([]);

    // WHEN it is deleted: finalize deletes from the remembered instance though it is placed nowhere
    req.parent.metadata.deletionTimestamp = '2026-11-22T04:11:00Z';
    const f = deps('2026-11-22T04:11:00Z');
    const fin = await finalizeDnsZone({ ...req, finalizing: true }, f.d);
    expect(calls(f)).to.deep.equal(['DELETE http://prod-dns-primary-0.dns.svc:8080']);
    expect(fin.finalized).to.equal(true);
    expect(cond(fin, 'Ready').message).to.equal('zone example.com removed from dns/prod-dns-primary-0');
    expect(fin.status['pushedTo']).to.deep.equal([]);
  });

  it('finalize of an unplaced zone whose remembered instance is unreachable blocks, then releases after the grace', async () => {
    const req = await servedThenUnplaced();
    req.parent.metadata.deletionTimestamp = '2026-11-22T04:00:00Z';
    const table: { now: string; finalized: boolean; events: string[]; pushedTo: string[] }[] = [
      { now: '2026-11-22T04:01:00Z', finalized: false, events: ['DeletionBlocked'], pushedTo: ['prod-dns-primary-0'] },
      { now: '2026-11-22T04:10:00Z', finalized: true, events: ['DeletionReleased'], pushedTo: ['prod-dns-primary-0'] },
    ];
    for (const t of table) {
      const x = deps(t.now, { '*': 'unreachable' }, { deletionGraceSeconds: 600 });
      const r = await finalizeDnsZone({ ...req, finalizing: true }, x.d);
      expect(calls(x), t.now).to.deep.equal(['DELETE http://prod-dns-primary-0.dns.svc:8080']);
      expect(r.finalized, t.now).to.equal(t.finalized);
      expect(
        x.events.events.map((e) => e.reason),
        t.now,
      ).to.deep.equal(t.events);
      expect(pushedTo(r), t.now).to.deep.equal(t.pushedTo);
      if (!t.finalized) expect(r.resyncAfterSeconds).to.equal(10);
    }
  });

  it('unplaced → placed again on the same instance: pushed, nothing deleted, Orphaned clears', async () => {
    const a = deps('2026-11-22T04:00:00Z');
    const original = load('push-failed');
    const first = await syncDnsZone(original, a.d);
    const req = apply(original, first, a.recordStatus.writes);
    const gone = structuredClone(req);
    gone.related = { ...gone.related, [INSTANCES]: {} };
    const b = deps('2026-11-22T04:05:00Z');
    const unplaced = await syncDnsZone(gone, b.d);
    expect(cond(unplaced, 'Orphaned').reason).to.equal('Unplaced');
    const back = apply(req, unplaced, b.recordStatus.writes); // the instance is selected again
    const c = deps('2026-11-22T04:10:00Z');
    const r = await syncDnsZone(back, c.d);
    expect(calls(c)).to.deep.equal(['PUT http://prod-dns-primary-0.dns.svc:8080']);
    expect(cond(r, 'Orphaned')).to.include({ status: 'False', reason: 'None' });
    expect(pushedTo(r)).to.deep.equal(['prod-dns-primary-0']);
  });

  it('moved to another instance: a failed removal is kept, reported once, retried, and dropped once confirmed', async () => {
    // GIVEN the zone was served on edge-a and the pool now holds edge-b; edge-a's bindcar does not answer
    let req = load('moved-removal-failed');
    const down = { 'http://edge-a.dns.svc:8080': 'unreachable' as const };
    const a = deps('2026-11-22T04:00:00Z', down);
    const r1 = await syncDnsZone(req, a.d);
    expect(calls(a)).to.deep.equal(['PUT http://edge-b.dns.svc:8080', 'DELETE http://edge-a.dns.svc:8080']);
    expect(cond(r1, 'Orphaned')).to.include({ status: 'True', reason: 'RemovalFailed' });
    expect(pushedTo(r1)).to.deep.equal(['edge-a', 'edge-b']);
    expect(r1.resyncAfterSeconds).to.equal(10);
    expect(a.events.events.map((e) => e.reason)).to.deep.equal(['ZoneRemovalFailed']);
    req = apply(req, r1, a.recordStatus.writes);
    // WHEN it still fails: retried, not announced again
    const b = deps('2026-11-22T04:00:10Z', down);
    const r2 = await syncDnsZone(req, b.d);
    expect(calls(b)).to.include('DELETE http://edge-a.dns.svc:8080');
    expect(b.events.events).to.deep.equal([]);
    expect(JSON.stringify(r2)).to.equal(JSON.stringify(r1));
    req = apply(req, r2, b.recordStatus.writes);
    // WHEN edge-a answers 404 (gone): confirmed, forgotten, Orphaned clears
    const c = deps('2026-11-22T04:00:20Z', { 'http://edge-a.dns.svc:8080': 'notFound' });
    const r3 = await syncDnsZone(req, c.d);
    expect(pushedTo(r3)).to.deep.equal(['edge-b']);
    expect(cond(r3, 'Orphaned')).to.include({ status: 'False', reason: 'None' });
    expect(c.events.events.map((e) => e.reason)).to.deep.equal(['ZoneRemoved']);
    expect(r3).not.to.have.property('resyncAfterSeconds');
  });

  it('does not remove the old instance before the new placement serves the zone (make before break)', async () => {
    const x = deps('2026-11-22T04:00:00Z', { 'http://edge-b.dns.svc:8080': 'unreachable' });
    const r = await syncDnsZone(load('moved'), x.d);
    expect(calls(x)).to.deep.equal(['PUT http://edge-b.dns.svc:8080']);
    expect(cond(r, 'Orphaned')).to.include({ status: 'True', reason: 'RemovalPending' });
    expect(pushedTo(r)).to.deep.equal(['edge-a', 'edge-b']);
  });

  it('never deletes through a bindcar a current primary uses (instances sharing one bindcar)', async () => {
    // GIVEN edge-a is remembered, and the instance now placed (edge-b) has edge-a's bindcar endpoint
    const req = load('moved');
    const b = req.related[INSTANCES]!['dns/edge-b']!;
    (b['status'] as { endpoint: string }).endpoint = 'http://edge-a.dns.svc:8080';
    const x = deps('2026-11-22T04:00:00Z');
    const r = await syncDnsZone(req, x.d);
    expect(calls(x)).to.deep.equal(['PUT http://edge-a.dns.svc:8080']);
    expect(pushedTo(r)).to.deep.equal(['edge-b']);
    expect(cond(r, 'Orphaned').reason).to.equal('None');
  });

  it('finalize deletes from the current primaries and the remembered instances, once per bindcar', async () => {
    const req = load('moved');
    req.parent.metadata.deletionTimestamp = '2026-11-22T03:59:00Z';
    const x = deps('2026-11-22T04:00:00Z');
    const r = await finalizeDnsZone({ ...req, finalizing: true }, x.d);
    expect(calls(x)).to.deep.equal(['DELETE http://edge-a.dns.svc:8080', 'DELETE http://edge-b.dns.svc:8080']);
    expect(r.finalized).to.equal(true);
    expect(cond(r, 'Ready').message).to.equal('zone example.com removed from dns/edge-a, dns/edge-b');
  });
});

describe('DNSZone finalize', () => {
  const table: {
    name: string;
    now: string;
    answers: Record<string, FakeAnswer>;
    finalized: boolean;
    resync?: number;
    events: string[];
  }[] = [
    { name: 'all primaries confirm', now: '2026-11-22T04:00:00Z', answers: {}, finalized: true, events: [] },
    {
      name: 'a 404 from bindcar means gone',
      now: '2026-11-22T04:00:00Z',
      answers: { '*': 'notFound' },
      finalized: true,
      events: [],
    },
    {
      name: 'an unreachable primary blocks within the grace period',
      now: '2026-11-22T04:00:00Z',
      answers: { 'http://prod-dns-primary-1.dns.svc:8080': 'unreachable' },
      finalized: false,
      resync: 10,
      events: ['DeletionBlocked'],
    },
    {
      name: 'a 5xx blocks too (only 404 means gone)',
      now: '2026-11-22T04:00:00Z',
      answers: { '*': 'unavailable' },
      finalized: false,
      resync: 10,
      events: ['DeletionBlocked'],
    },
    {
      name: 'the grace period releases with an event',
      now: '2026-11-22T04:08:01Z',
      answers: { '*': 'unreachable' },
      finalized: true,
      events: ['DeletionReleased'],
    },
  ];
  for (const t of table) {
    it(`finalizes: ${t.name}`, async () => {
      const x = deps(t.now, t.answers, { deletionGraceSeconds: 600 });
      const r = await finalizeDnsZone(load('finalizing-clean'), x.d); // deletionTimestamp 03:58:00
      expect(r.finalized).to.equal(t.finalized);
      expect(r.resyncAfterSeconds).to.equal(t.resync);
      expect(r.children).to.deep.equal([]);
      expect(x.events.events.map((e) => e.reason)).to.deep.equal(t.events);
      expect(x.bindcar.calls.map((c) => c.method)).to.deep.equal(['DELETE', 'DELETE']);
    });
  }
  it('does not repeat the DeletionBlocked event while still blocked', async () => {
    const x = deps('2026-11-22T04:00:00Z', { '*': 'unreachable' });
    const req = load('finalizing-clean');
    const r = await finalizeDnsZone(req, x.d);
    const again = deps('2026-11-22T04:01:00Z', { '*': 'unreachable' });
    (req.parent as { status?: unknown }).status = r.status;
    await finalizeDnsZone(req, again.d);
    expect(again.events.events).to.deep.equal([]);
  });
});
