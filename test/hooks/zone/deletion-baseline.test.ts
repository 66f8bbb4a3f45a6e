import { expect } from 'chai';
import type { DNSZone } from '../../../hooks/schema/generated.js';
import { guardBaseline, nextBaseline } from '../../../hooks/zone/deletion-baseline.js';

const T0 = '2026-12-01T10:00:00Z';
const zoneWith = (baseline?: { records: number; since: string }, windowSeconds?: number) =>
  ({
    apiVersion: 'bindy.firestoned.io/v1beta1',
    kind: 'DNSZone',
    metadata: { name: 'z', namespace: 'dns' },
    spec: { zoneName: 'example.com', clusterRef: 'c', ...(windowSeconds ? { deletionGuard: { windowSeconds } } : {}) },
    ...(baseline ? { status: { deletionBaseline: baseline } } : {}),
  }) as DNSZone;

describe('hooks/zone/deletion-baseline', () => {
  it('sends the remembered count while its window lasts (default 600 s)', () => {
    const z = zoneWith({ records: 14, since: T0 });
    expect(guardBaseline(z, '2026-12-01T10:09:59Z')).to.equal(14);
    expect(guardBaseline(z, '2026-12-01T10:10:00Z')).to.equal(undefined);
    expect(guardBaseline(zoneWith({ records: 14, since: T0 }, 60), '2026-12-01T10:01:00Z')).to.equal(undefined);
    expect(guardBaseline(zoneWith(), T0)).to.equal(undefined);
  });

  it('rises with the served count, keeps it through deletions in the window, falls after it or when acknowledged', () => {
    const b = { records: 14, since: T0 };
    const later = '2026-12-01T10:05:00Z';
    expect(nextBaseline(zoneWith(), [{ records: 14 }], T0)).to.deep.equal(b);
    // unchanged (byte-stable), and nothing served: kept
    expect(nextBaseline(zoneWith(b), [{ records: 14 }], later)).to.equal(b);
    expect(nextBaseline(zoneWith(b), [], later)).to.equal(b);
    expect(nextBaseline(zoneWith(b), [{ records: 16 }, { records: 15 }], later)).to.deep.equal({
      records: 15,
      since: later,
    });
    expect(nextBaseline(zoneWith(b), [{ records: 12 }], later)).to.equal(b);
    expect(nextBaseline(zoneWith(b), [{ records: 12, acknowledged: true }], later)).to.deep.equal({
      records: 12,
      since: later,
    });
    expect(nextBaseline(zoneWith(b), [{ records: 12 }], '2026-12-01T10:20:00Z')).to.deep.equal({
      records: 12,
      since: '2026-12-01T10:20:00Z',
    });
  });
});
