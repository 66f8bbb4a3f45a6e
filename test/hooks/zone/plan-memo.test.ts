/**
 * The kept plans (hooks/zone/plan-memo.ts): used again only for a request at the same resourceVersions, never
 * changing an answer, and bounded by the objects they were made from.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { syncDnsZone, type DnsZoneDeps } from '../../../hooks/controllers/dnszone.js';
import type { KubeObject, SyncRequest } from '../../../hooks/metacontroller.js';
import type { DNSZone } from '../../../hooks/schema/generated.js';
import { memoryEventRecorder } from '../../../hooks/ports/events.js';
import { planInputs, planMemo, type PlanMemo } from '../../../hooks/zone/plan-memo.js';
import { planZoneSync, type ZonePlan } from '../../../hooks/zone/plan.js';
import { deepFreeze } from '../../../hooks/request-body.js';
import { fakeBindcar, recordingStatusWriter } from './fakes.js';

const DIR = join(import.meta.dirname, '../../fixtures/sync/dnszone');
type ZoneReq = SyncRequest<DNSZone & KubeObject>;
const load = (name: string): ZoneReq => JSON.parse(readFileSync(join(DIR, `${name}.request.json`), 'utf8')) as ZoneReq;

/** The request with a resourceVersion on every object that lacks one, as the apiserver would have given them. */
function versioned(req: ZoneReq): ZoneReq {
  const next = structuredClone(req);
  let v = 5000;
  const stamp = (o: KubeObject) => (o.metadata.resourceVersion ??= String(v++));
  stamp(next.parent);
  for (const group of Object.values(next.related)) for (const o of Object.values(group)) stamp(o);
  return next;
}

/** A memo of a one-zone request: counts the plans it had to make. */
function counting(memo: PlanMemo) {
  let made = 0;
  return {
    made: () => made,
    plan: (req: ZoneReq) =>
      memo.plan(req, () => {
        made++;
        return planZoneSync(req);
      }),
  };
}

const zoneReq = (uid: string, records: number, rv = '1'): ZoneReq => {
  const req = versioned(load('every-kind'));
  req.parent.metadata.uid = uid;
  req.parent.metadata.resourceVersion = rv;
  const group = `ARecord.bindy.firestoned.io/v1beta1`;
  req.related[group] = Object.fromEntries(
    Array.from({ length: records }, (_, i) => [
      `dns/extra-${i}`,
      {
        apiVersion: 'bindy.firestoned.io/v1beta1',
        kind: 'ARecord',
        metadata: { name: `extra-${i}`, namespace: 'dns', resourceVersion: String(9000 + i) },
        spec: { zoneRef: req.parent.metadata.name, name: `extra-${i}`, ipv4Address: '192.0.2.1' },
      } as KubeObject,
    ]),
  );
  return req;
};

describe('planInputs: the versions a DNSZone plan is made from', () => {
  it('is the same digest for the same versions and another for any moved, added or removed object', () => {
    const req = versioned(load('every-kind'));
    const base = planInputs(req)!;
    expect(planInputs(structuredClone(req))!.digest).to.equal(base.digest);
    expect(base.objects).to.equal(1 + Object.values(req.related).reduce((n, g) => n + Object.keys(g).length, 0));
    const moved = structuredClone(req);
    const [group] = Object.keys(moved.related).filter((g) => Object.keys(moved.related[g]!).length);
    const first = Object.values(moved.related[group!]!)[0]!;
    first.metadata.resourceVersion = `${first.metadata.resourceVersion}0`;
    expect(planInputs(moved)!.digest).not.to.equal(base.digest);
    const parent = structuredClone(req);
    parent.parent.metadata.resourceVersion = 'other';
    expect(planInputs(parent)!.digest).not.to.equal(base.digest);
    const removed = structuredClone(req);
    delete removed.related[group!]![Object.keys(removed.related[group!]!)[0]!];
    expect(planInputs(removed)!.digest).not.to.equal(base.digest);
  });

  it('is undefined when the parent or any related object has no resourceVersion', () => {
    const req = versioned(load('every-kind'));
    const noParent = structuredClone(req);
    delete noParent.parent.metadata.resourceVersion;
    expect(planInputs(noParent)).to.equal(undefined);
    const noRelated = structuredClone(req);
    const group = Object.values(noRelated.related).find((g) => Object.keys(g).length)!;
    delete Object.values(group)[0]!.metadata.resourceVersion;
    expect(planInputs(noRelated)).to.equal(undefined);
  });
});

describe('planMemo', () => {
  it('plans a request once while its versions stay, and again when one moves', () => {
    const m = counting(planMemo());
    const req = zoneReq('z1', 3);
    const a = m.plan(req);
    const b = m.plan(structuredClone(req));
    expect(m.made()).to.equal(1);
    expect(b).to.equal(a);
    const moved = structuredClone(req);
    moved.related['ARecord.bindy.firestoned.io/v1beta1']!['dns/extra-0']!.metadata.resourceVersion = '1';
    m.plan(moved);
    expect(m.made()).to.equal(2);
  });

  it('plans every time without a uid or a resourceVersion', () => {
    const m = counting(planMemo());
    const req = zoneReq('z1', 1);
    delete req.parent.metadata.uid;
    m.plan(req);
    m.plan(req);
    const unversioned = zoneReq('z2', 1);
    delete unversioned.parent.metadata.resourceVersion;
    m.plan(unversioned);
    m.plan(unversioned);
    expect(m.made()).to.equal(4);
  });

  it('keeps plans of at most maxObjects objects, dropping the zone synced longest ago', () => {
    const size = planInputs(zoneReq('a', 10))!.objects;
    const m = counting(planMemo(2 * size));
    const [a, b, c] = ['a', 'b', 'c'].map((uid) => zoneReq(uid, 10));
    m.plan(a!);
    m.plan(b!);
    m.plan(a!); // a is now the most recent
    expect(m.made()).to.equal(2);
    m.plan(c!); // b goes
    m.plan(a!);
    m.plan(c!);
    expect(m.made()).to.equal(3);
    m.plan(b!);
    expect(m.made()).to.equal(4);
  });

  it('keeps no plan larger than the bound, and none at all with 0', () => {
    const big = counting(planMemo(5));
    big.plan(zoneReq('a', 10));
    big.plan(zoneReq('a', 10));
    expect(big.made()).to.equal(2);
    const none = counting(planMemo(0));
    none.plan(zoneReq('b', 0));
    none.plan(zoneReq('b', 0));
    expect(none.made()).to.equal(2);
  });
});

describe('DNSZone sync with kept plans', () => {
  const names = readdirSync(DIR)
    .filter((f) => f.endsWith('.request.json') && !f.startsWith('finalizing'))
    .map((f) => f.replace('.request.json', ''));

  const run = async (req: ZoneReq, plans?: PlanMemo) => {
    const recordStatus = recordingStatusWriter();
    const bindcar = fakeBindcar();
    const d: DnsZoneDeps = {
      clock: () => '2026-11-22T04:00:00Z',
      bindcar,
      recordStatus,
      events: memoryEventRecorder(),
      ...(plans ? { plans } : {}),
    };
    const res = await syncDnsZone(req, d);
    return JSON.stringify({ res, writes: recordStatus.writes, calls: bindcar.calls });
  };

  it(`answers every fixture (${names.length}) as without them, first and second time, never changing a plan`, async () => {
    expect(names.length).to.be.greaterThan(10);
    for (const name of names) {
      const req = versioned(load(name));
      const fresh = await run(req);
      let made = 0;
      const memo = planMemo();
      const plans: PlanMemo = {
        plan: (r, make) =>
          memo.plan(r, () => {
            made++;
            return deepFreeze(make()) as ZonePlan;
          }),
      };
      expect(await run(structuredClone(req), plans), `${name}, first`).to.equal(fresh);
      expect(await run(structuredClone(req), plans), `${name}, again`).to.equal(fresh);
      expect(made, name).to.equal(1);
    }
  });
});
