import { expect } from 'chai';
import type { DNSZone } from '../../../hooks/schema/generated.js';
import { validateObject } from '../../../hooks/schema/cel.js';
import { clip, zoneStatus, type InstancePush } from '../../../hooks/zone/status.js';

const zone = {
  apiVersion: 'bindy.firestoned.io/v1beta1',
  kind: 'DNSZone',
  metadata: { name: 'example-com', namespace: 'dns', generation: 3 },
  spec: { zoneName: 'example.com', clusterRef: 'prod-dns' },
} as DNSZone;

describe('hooks/zone/status', () => {
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
    ]);
    expect(r).not.to.have.property('resyncAfterSeconds');
  });
});
