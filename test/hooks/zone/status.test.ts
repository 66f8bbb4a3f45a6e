import { expect } from 'chai';
import type { DNSZone } from '../../../hooks/schema/generated.js';
import { validateObject } from '../../../hooks/schema/cel.js';
import type { DNSRecord } from '../../../hooks/schema/generated.js';
import type { RecordOutcome } from '../../../hooks/zone/desired.js';
import type { ServedInstance } from '../../../hooks/zone/served.js';
import {
  clip,
  passOutcome,
  recordStatusUpdate,
  withRefused,
  zoneEvents,
  zoneStatus,
  type InstancePush,
  type OrphanReport,
  type RecordPass,
  type ZoneStatusInput,
} from '../../../hooks/zone/status.js';

const zone = {
  apiVersion: 'bindy.firestoned.io/v1beta1',
  kind: 'DNSZone',
  metadata: { name: 'example-com', namespace: 'dns', generation: 3 },
  spec: { zoneName: 'example.com', clusterRef: 'prod-dns' },
} as DNSZone;

describe('hooks/zone/status withRefused', () => {
  const rec = (kind: string, name: string) =>
    ({ apiVersion: zone.apiVersion, kind, metadata: { name, namespace: 'dns' }, spec: {} }) as unknown as DNSRecord;
  const served = (name: string, fqdn: string, kind = 'ARecord'): RecordOutcome => ({
    record: rec(kind, name),
    included: true,
    reason: 'Served',
    message: `served as ${fqdn}`,
    fqdn,
  });
  const push = (name: string, refused?: { owner: string; type: 'A'; rcode: string }[]): InstancePush => ({
    instance: { name, namespace: 'dns', role: 'primary', endpoint: `http://${name}`, dnsEndpoint: undefined },
    outcome: { state: 'served', serial: 2, ...(refused ? { refused } : {}) },
  });

  it('makes the records of a refused RRset InvalidRecord, naming the primaries, and leaves the rest served', () => {
    const outcomes = [served('many', 'many.example.com.'), served('www', 'www.example.com.')];
    const refused = [{ owner: 'many.example.com.', type: 'A' as const, rcode: 'SERVFAIL' }];
    const out = withRefused(outcomes, [push('p1', refused), push('p0', refused)]);
    expect(out.map((o) => [o.record.metadata.name, o.included, o.reason])).to.deep.equal([
      ['many', false, 'InvalidRecord'],
      ['www', true, 'Served'],
    ]);
    expect(out[0]!.message).to.equal(
      'named on dns/p0, dns/p1 refused many.example.com. A (SERVFAIL) and serves what it had there; the rest of the zone is served',
    );
    expect(withRefused(outcomes, [push('p0')])).to.deep.equal(outcomes);
  });
});

describe('hooks/zone/status', () => {
  it("reports each primary's DNSSEC as its named said, keeps it through a pass that read none, drops it once unsigned", () => {
    const instance = {
      name: 'p0',
      namespace: 'dns',
      role: 'primary' as const,
      endpoint: 'http://p0',
      dnsEndpoint: undefined,
    };
    const dnssec = {
      state: 'signed' as const,
      policy: 'default',
      keys: [{ keyTag: 7, algorithm: 13, role: 'CSK' as const }],
      ds: [],
    };
    const now = '2026-11-22T04:00:00Z';
    const signed = zoneStatus({ zone, now, pushes: [{ instance, outcome: { state: 'served', serial: 2, dnssec } }] });
    expect(signed.status.instances![0]!.dnssec).to.deep.equal({ state: 'signed', keyTags: [7] });
    expect(validateObject({ ...zone, status: signed.status })).to.deep.equal([]);
    const before = { ...zone, status: signed.status } as DNSZone;
    const quiet = zoneStatus({ zone: before, now, pushes: [{ instance, outcome: { state: 'served', serial: 3 } }] });
    expect(quiet.status.instances![0]!.dnssec).to.deep.equal({ state: 'signed', keyTags: [7] });
    const desired = { body: { dnssecPolicy: 'none', records: [] }, conflicts: [] } as unknown as NonNullable<
      ZoneStatusInput['desired']
    >;
    const unsigned = zoneStatus({
      zone: before,
      now,
      desired,
      pushes: [{ instance, outcome: { state: 'served', serial: 4 } }],
    });
    expect(unsigned.status.instances![0]!.dnssec).to.equal(undefined);
  });

  it('keeps a huge failure report within the CRD limits (the status write would fail otherwise)', () => {
    const pushes: InstancePush[] = Array.from({ length: 300 }, (_, i) => ({
      instance: {
        name: `p${String(i).padStart(3, '0')}`,
        namespace: 'dns',
        role: 'primary',
        endpoint: `http://p${i}:8080`,
        dnsEndpoint: undefined,
      },
      outcome: { state: 'failed', message: `PUT http://p${i}:8080/api/v1/zones/example.com: ${'x'.repeat(5000)}` },
    }));
    const r = zoneStatus({ zone, now: '2026-11-22T04:00:00Z', pushes });
    expect(r.status.instances).to.have.length(256);
    expect(r.status.conditions!.every((c) => c.message.length <= 32768)).to.equal(true);
    expect(r.status.instances!.every((i) => (i.message ?? '').length <= 4096)).to.equal(true);
    expect(validateObject({ ...zone, status: r.status })).to.deep.equal([]);
    expect(r.resyncAfterSeconds).to.equal(10);
  });

  it('clips with a visible ellipsis only when needed', () => {
    expect(clip('abc', 3)).to.equal('abc');
    expect(clip('abcd', 3)).to.equal('ab…');
  });

  it('is pending, not failed, while a primary has no endpoint yet', () => {
    const r = zoneStatus({
      zone,
      now: '2026-11-22T04:00:00Z',
      pushes: [
        {
          instance: { name: 'p0', namespace: 'dns', role: 'primary', endpoint: undefined, dnsEndpoint: undefined },
          outcome: { state: 'pending', message: 'no bindcar endpoint in the instance status yet' },
        },
      ],
    });
    expect(r.status.conditions!.map((c) => [c.type, c.status, c.reason])).to.deep.equal([
      ['Ready', 'False', 'WaitingForInstances'],
      ['Progressing', 'True', 'WaitingForInstances'],
      ['Degraded', 'False', 'AllPrimariesServing'],
      ['Orphaned', 'False', 'None'],
    ]);
    // waiting for an instance: back on the degraded cadence, in case the instance's event is missed
    expect(r.resyncAfterSeconds).to.equal(10);
  });

  const NOW = '2026-11-22T04:00:00Z';
  const p0 = {
    name: 'p0',
    namespace: 'dns',
    role: 'primary' as const,
    endpoint: 'http://p0:8080',
    dnsEndpoint: undefined,
  };
  const old: ServedInstance = { name: 'old', namespace: 'dns', endpoint: 'http://old:8080' };

  describe('the record pass (what records that would be in the zone learn)', () => {
    const table: { name: string; input: Partial<ZoneStatusInput>; want: RecordPass }[] = [
      {
        name: 'a primary accepted the zone: served',
        input: { pushes: [{ instance: p0, outcome: { state: 'served', serial: 7 } }] },
        want: { served: true },
      },
      {
        name: 'every primary failed: PushFailed, naming the zone, not the error (the zone status has it)',
        input: { pushes: [{ instance: p0, outcome: { state: 'failed', message: 'connect ECONNREFUSED' } }] },
        want: {
          served: false,
          reason: 'PushFailed',
          message: 'no primary accepted DNSZone dns/example-com (its status says why)',
        },
      },
      {
        name: 'no primary has an endpoint yet: Pending',
        input: { pushes: [{ instance: { ...p0, endpoint: undefined }, outcome: { state: 'pending', message: 'x' } }] },
        want: {
          served: false,
          reason: 'Pending',
          message: 'DNSZone dns/example-com is waiting for a primary with a bindcar endpoint',
        },
      },
      {
        name: 'the zone is blocked: ZoneNotReady with the block',
        input: { block: { reason: 'ClusterNotFound', message: 'clusterRef prod-dns names nothing' } },
        want: {
          served: false,
          reason: 'ZoneNotReady',
          message: 'DNSZone dns/example-com is not pushed: ClusterNotFound: clusterRef prod-dns names nothing',
        },
      },
    ];
    for (const t of table)
      it(t.name, () => expect(zoneStatus({ zone, now: NOW, pushes: [], ...t.input }).records).to.deep.equal(t.want));
  });

  describe('Orphaned (instances outside the placement that may still serve the zone)', () => {
    const table: { name: string; orphans?: OrphanReport; want: [string, string, string]; resync?: number }[] = [
      {
        name: 'nothing left over',
        want: ['False', 'None', 'no instance outside the placement serves the zone'],
      },
      {
        name: 'placed nowhere: Unplaced names the instances and says they keep serving',
        orphans: { kept: { reason: 'Unplaced', detail: 'no primary is selected', instances: [old] } },
        want: [
          'True',
          'Unplaced',
          'the zone is placed on no primary (no primary is selected) but still served by dns/old (http://old:8080), which keep serving it until it is placed again or deleted',
        ],
      },
      {
        name: 'kept until the new placement serves it: RemovalPending',
        orphans: { kept: { reason: 'RemovalPending', detail: 'a current primary serves the zone', instances: [old] } },
        want: [
          'True',
          'RemovalPending',
          'the zone is still served by dns/old (http://old:8080) outside its placement; removed there once a current primary serves the zone',
        ],
      },
      {
        name: 'bindcar did not confirm a removal: RemovalFailed, retried on the degraded cadence',
        orphans: { failed: [{ instance: old, message: 'DELETE http://old:8080/api/v1/zones/example.com: timeout' }] },
        want: [
          'True',
          'RemovalFailed',
          'the zone may still be served by dns/old (http://old:8080) outside its placement: bindcar did not confirm the removal (dns/old: DELETE http://old:8080/api/v1/zones/example.com: timeout)',
        ],
        resync: 10,
      },
    ];
    for (const t of table) {
      it(t.name, () => {
        const r = zoneStatus({
          zone,
          now: NOW,
          pushes: [{ instance: p0, outcome: { state: 'served', serial: 7 } }],
          ...(t.orphans ? { orphans: t.orphans } : {}),
        });
        const c = r.status.conditions!.find((x) => x.type === 'Orphaned')!;
        expect([c.status, c.reason, c.message]).to.deep.equal(t.want);
        expect(r.resyncAfterSeconds).to.equal(t.resync);
      });
    }

    it('keeps pushedTo as given, sorted by the caller, within the CRD limit', () => {
      const many = Array.from({ length: 300 }, (_, i) => ({ ...old, name: `i${String(i).padStart(3, '0')}` }));
      const r = zoneStatus({ zone, now: NOW, pushes: [], pushedTo: many });
      expect(r.status.pushedTo).to.have.length(256);
      expect(validateObject({ ...zone, status: r.status })).to.deep.equal([]);
    });

    const events: { name: string; was?: [string, string]; now: OrphanReport; want: string[] }[] = [
      {
        name: 'Unplaced is announced once, when it starts',
        now: { kept: { reason: 'Unplaced', detail: 'x', instances: [old] } },
        want: ['Warning Unplaced'],
      },
      {
        name: 'no repeat while still Unplaced',
        was: ['True', 'Unplaced'],
        now: { kept: { reason: 'Unplaced', detail: 'x', instances: [old] } },
        want: [],
      },
      {
        name: 'a failed removal is announced once',
        was: ['True', 'Unplaced'],
        now: { failed: [{ instance: old, message: 'timeout' }] },
        want: ['Warning ZoneRemovalFailed'],
      },
      {
        name: 'no repeat while it keeps failing',
        was: ['True', 'RemovalFailed'],
        now: { failed: [{ instance: old, message: 'timeout' }] },
        want: [],
      },
      {
        name: 'RemovalPending (make before break) is not an event',
        now: { kept: { reason: 'RemovalPending', detail: 'x', instances: [old] } },
        want: [],
      },
    ];
    for (const t of events) {
      it(`events: ${t.name}`, () => {
        const pushes: InstancePush[] = [{ instance: p0, outcome: { state: 'served', serial: 7 } }];
        const before = zoneStatus({ zone, now: NOW, pushes }).status;
        if (t.was)
          before.conditions = before.conditions!.map((c) =>
            c.type === 'Orphaned' ? { ...c, status: t.was![0] as 'True', reason: t.was![1] } : c,
          );
        const observed = { ...zone, status: before } as DNSZone;
        const next = zoneStatus({ zone: observed, now: NOW, pushes, orphans: t.now }).status;
        expect(zoneEvents(observed, next).map((e) => `${e.type} ${e.reason}`)).to.deep.equal(t.want);
      });
    }
  });

  describe('record statuses: Ready=True only for the generation that is served', () => {
    const record = (generation: number, status?: DNSRecord['status']): DNSRecord =>
      ({
        apiVersion: 'bindy.firestoned.io/v1beta1',
        kind: 'ARecord',
        metadata: { name: 'www', namespace: 'dns', generation },
        spec: { zoneRef: 'example-com', ipv4Address: '192.0.2.1' },
        ...(status ? { status } : {}),
      }) as DNSRecord;
    const readyAt = (gen: number, reason = 'Served', status: 'True' | 'False' = 'True'): DNSRecord['status'] => ({
      conditions: [
        {
          type: 'Ready',
          status,
          reason,
          message: 'served as www.example.com. in zone example.com',
          lastTransitionTime: '2026-11-21T00:00:00Z',
          observedGeneration: gen,
        },
      ],
      observedGeneration: gen,
      zone: 'example.com',
      fqdn: 'www.example.com.',
    });
    const included = (rec: DNSRecord): RecordOutcome => ({
      record: rec,
      included: true,
      reason: 'Served',
      message: 'served as www.example.com. in zone example.com',
      fqdn: 'www.example.com.',
    });
    const failed: RecordPass = { served: false, reason: 'PushFailed', message: 'no primary accepted it' };
    const table: { name: string; rec: DNSRecord; pass: RecordPass; want?: [string, string, number] }[] = [
      {
        name: 'a new record, zone served: Served',
        rec: record(1),
        pass: { served: true },
        want: ['True', 'Served', 1],
      },
      { name: 'a new record, push failed: PushFailed', rec: record(1), pass: failed, want: ['False', 'PushFailed', 1] },
      {
        name: 'a new record, zone blocked: ZoneNotReady',
        rec: record(1),
        pass: { served: false, reason: 'ZoneNotReady', message: 'blocked' },
        want: ['False', 'ZoneNotReady', 1],
      },
      {
        name: 'Ready=True for the current generation, push failed: left as it is (that content is served)',
        rec: record(3, readyAt(3)),
        pass: failed,
      },
      {
        name: 'Ready=True for an older generation, push failed: Ready=False at the new generation',
        rec: record(4, readyAt(3)),
        pass: failed,
        want: ['False', 'PushFailed', 4],
      },
      {
        name: 'Ready=False (Conflict) for the current generation, now in the zone but not pushed: says why',
        rec: record(3, readyAt(3, 'Conflict', 'False')),
        pass: { served: false, reason: 'Pending', message: 'waiting' },
        want: ['False', 'Pending', 3],
      },
      {
        name: 'Ready=True for an older generation, zone served: Served at the new generation',
        rec: record(4, readyAt(3)),
        pass: { served: true },
        want: ['True', 'Served', 4],
      },
    ];
    for (const t of table) {
      it(t.name, () => {
        const patch = recordStatusUpdate(passOutcome(included(t.rec), t.pass), 'example.com', NOW);
        if (!t.want) {
          expect(patch).to.equal(undefined);
          return;
        }
        expect(patch).not.to.equal(undefined);
        const c = patch!.conditions[0]!;
        expect([c.status, c.reason, c.observedGeneration]).to.deep.equal(t.want);
        expect(patch!.observedGeneration).to.equal(t.want[2]);
        expect([patch!.zone, patch!.fqdn]).to.deep.equal(['example.com', 'www.example.com.']);
      });
    }

    it('leaves records out of the zone with their own reason whatever the push did', () => {
      const conflict: RecordOutcome = { record: record(1), included: false, reason: 'Conflict', message: 'cname' };
      expect(passOutcome(conflict, failed)).to.equal(conflict);
    });
  });
});
