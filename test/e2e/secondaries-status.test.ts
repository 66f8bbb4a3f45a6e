/**
 * The pure parts of secondaries in the DNSZone status (hooks/zone/secondaries.ts): the serial floor, which primaries
 * to re-push, and how secondaries' serials show up in the status. The SOA probe is exercised against real named in
 * secondaries.test.ts.
 */
import { expect } from 'chai';
import type { SoaProbe } from '../../hooks/ports/soa.js';
import type { DNSZone, DNSZoneStatus } from '../../hooks/schema/generated.js';
import {
  SECONDARY_RESYNC_SECONDS,
  laggingPrimaries,
  probeSecondaries,
  serialFloor,
  withSecondaries,
  type SecondaryState,
} from '../../hooks/zone/secondaries.js';
import type { Placement } from '../../hooks/zone/select.js';

const place = (name: string, role: 'primary' | 'secondary', dnsEndpoint?: string): Placement => ({
  name,
  namespace: 'dns',
  role,
  endpoint: role === 'primary' ? `http://${name}:8080` : undefined,
  dnsEndpoint,
});
const T0 = '2026-11-22T04:00:00Z';
const NOW = '2026-11-22T05:00:00Z';

function zoneWith(instances: NonNullable<DNSZoneStatus['instances']>): DNSZone {
  return {
    apiVersion: 'bindy.firestoned.io/v1beta1',
    kind: 'DNSZone',
    metadata: { name: 'z', namespace: 'dns', generation: 1 },
    spec: { zoneName: 'example.com' },
    status: { instances },
  } as unknown as DNSZone;
}

describe('secondaries: serial floor', () => {
  const p0 = place('p0', 'primary');
  const p1 = place('p1', 'primary');
  const table: { name: string; instances: NonNullable<DNSZoneStatus['instances']>; spec?: number; want?: number }[] = [
    { name: 'nothing known', instances: [], want: undefined },
    {
      name: 'the highest primary serial',
      instances: [
        { name: 'p0', namespace: 'dns', serial: 5, ready: true },
        { name: 'p1', namespace: 'dns', serial: 7, ready: true },
      ],
      want: 7,
    },
    {
      name: 'the spec serial when higher',
      instances: [{ name: 'p0', namespace: 'dns', serial: 5, ready: true }],
      spec: 9,
      want: 9,
    },
    {
      name: 'secondaries and unplaced instances do not count',
      instances: [
        { name: 's0', namespace: 'dns', serial: 99, ready: false },
        { name: 'p0', namespace: 'dns', serial: 3, ready: true },
      ],
      want: 3,
    },
  ];
  for (const t of table)
    it(t.name, () => expect(serialFloor(zoneWith(t.instances), [p0, p1], t.spec)).to.equal(t.want));

  it('re-pushes only the primaries below the highest answer', () => {
    const answers = [{ id: 'a', serial: 4 }, { id: 'b', serial: 6 }, { id: 'c' }, { id: 'd', serial: 6 }];
    expect(laggingPrimaries(answers)).to.deep.equal({ floor: 6, lagging: [{ id: 'a', serial: 4 }] });
    expect(laggingPrimaries([{ serial: 2 }, { serial: 2 }])).to.deep.equal({ floor: 2, lagging: [] });
    expect(laggingPrimaries([{}])).to.deep.equal({ lagging: [] });
  });
});

describe('secondaries: status', () => {
  const served: DNSZoneStatus = {
    serial: 8,
    instances: [{ name: 'p0', namespace: 'dns', endpoint: 'http://p0:8080', serial: 8, ready: true }],
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'Served',
        message: 'served by 1/1 primaries at serial 8',
        lastTransitionTime: T0,
      },
      {
        type: 'Progressing',
        status: 'False',
        reason: 'UpToDate',
        message: 'desired zone pushed to 1/1 primaries',
        lastTransitionTime: T0,
      },
      {
        type: 'Degraded',
        status: 'False',
        reason: 'AllPrimariesServing',
        message: 'no push failed',
        lastTransitionTime: T0,
      },
    ],
  };
  const s = (name: string, serial?: number, message?: string): SecondaryState => ({
    instance: place(name, 'secondary', '10.0.0.1:53'),
    ...(serial !== undefined ? { serial } : {}),
    ...(message ? { message } : {}),
  });

  it('all secondaries at the primaries serial: listed ready, Ready says so, nothing to wait for', () => {
    const r = withSecondaries(served, [s('s1', 8), s('s0', 8)], served.conditions, NOW, 1);
    expect(r.resyncAfterSeconds).to.equal(undefined);
    expect(r.status.instances!.map((i) => `${i.name}:${i.serial}:${i.ready}`)).to.deep.equal([
      'p0:8:true',
      's0:8:true',
      's1:8:true',
    ]);
    const ready = r.status.conditions!.find((c) => c.type === 'Ready')!;
    expect(ready.message).to.equal('served by 1/1 primaries at serial 8; 2/2 secondaries at serial 8');
    expect(ready.lastTransitionTime, 'no flip').to.equal(T0);
    expect(r.status.conditions!.find((c) => c.type === 'Progressing')).to.include({
      status: 'False',
      reason: 'UpToDate',
    });
  });

  it('a lagging or silent secondary: Progressing=True/SecondariesSyncing and a short resync', () => {
    const r = withSecondaries(
      served,
      [s('s0', 7), s('s1', undefined, 'not served (REFUSED)')],
      served.conditions,
      NOW,
      1,
    );
    expect(r.resyncAfterSeconds).to.equal(SECONDARY_RESYNC_SECONDS);
    expect(r.status.instances!.slice(1)).to.deep.equal([
      { name: 's0', namespace: 'dns', serial: 7, ready: false, message: 'serves serial 7, primaries serve 8' },
      { name: 's1', namespace: 'dns', ready: false, message: 'not served (REFUSED)' },
    ]);
    expect(r.status.conditions!.find((c) => c.type === 'Progressing')).to.include({
      status: 'True',
      reason: 'SecondariesSyncing',
      message: 'waiting for dns/s0, dns/s1 to transfer serial 8',
      lastTransitionTime: NOW,
    });
    expect(r.status.conditions!.find((c) => c.type === 'Ready')!.message).to.match(/0\/2 secondaries at serial 8$/);
  });

  it('leaves a status whose primaries do not serve the zone alone', () => {
    const notServed = {
      ...served,
      conditions: served.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status: 'False' as const } : c)),
    };
    expect(withSecondaries(notServed, [s('s0', 1)], served.conditions, NOW, 1).status).to.equal(notServed);
    expect(withSecondaries(served, [], served.conditions, NOW, 1).status).to.equal(served);
  });

  it('probes every secondary with a DNS endpoint through the port', async () => {
    const asked: string[] = [];
    const probe: SoaProbe = {
      async serial(endpoint, zone) {
        asked.push(`${endpoint} ${zone}`);
        return endpoint.startsWith('10.0.0.1') ? { ok: true, serial: 3 } : { ok: false, message: 'timeout' };
      },
    };
    const states = await probeSecondaries(
      probe,
      [place('a', 'secondary', '10.0.0.1:53'), place('b', 'secondary', '10.0.0.2:53'), place('c', 'secondary')],
      'example.com',
    );
    expect(asked).to.deep.equal(['10.0.0.1:53 example.com', '10.0.0.2:53 example.com']);
    expect(states.map((x) => [x.instance.name, x.serial ?? x.message])).to.deep.equal([
      ['a', 3],
      ['b', 'timeout'],
      ['c', 'no dnsEndpoint in the instance status yet'],
    ]);
  });
});
