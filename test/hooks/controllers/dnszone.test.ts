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

  it('writes excluded records even when no primary accepted the zone, but not included ones', async () => {
    const x = deps('2026-11-22T04:00:00Z', { '*': 'unreachable' });
    await syncDnsZone(load('cname-conflict'), x.d);
    expect(
      x.recordStatus.writes.map((w) => `${w.ref.kind}/${w.ref.name}:${w.status.conditions[0]!.reason}`),
    ).to.deep.equal(['ARecord/app-a:Conflict', 'CNAMERecord/app-2:Conflict', 'ARecord/outside:OutOfZone']);
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

  it('honours a longer Retry-After from bindcar in resyncAfterSeconds', async () => {
    const x = deps('2026-11-22T04:00:00Z', { '*': 'unavailable' });
    const r = await syncDnsZone(load('push-failed'), x.d);
    expect(r.resyncAfterSeconds).to.equal(30);
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
