import { expect } from 'chai';
import type { DNSRecord, DNSZone } from '../../../hooks/schema/generated.js';
import { desiredZone, type DesiredZoneResult } from '../../../hooks/zone/desired.js';
import { statusOwner, zoneNameOwner, type Placement } from '../../../hooks/zone/select.js';

const V = 'bindy.firestoned.io/v1beta1';
const zone = (name: string, spec: Partial<DNSZone['spec']>, meta: Partial<DNSZone['metadata']> = {}): DNSZone =>
  ({
    apiVersion: V,
    kind: 'DNSZone',
    metadata: { name, namespace: 'dns', ...meta },
    spec: { zoneName: 'example.com', ...spec },
  }) as DNSZone;
const a = (name: string, spec: Record<string, unknown>, meta: Record<string, unknown> = {}): DNSRecord =>
  ({ apiVersion: V, kind: 'ARecord', metadata: { name, namespace: 'dns', ...meta }, spec }) as unknown as DNSRecord;
const ok = (r: ReturnType<typeof desiredZone>): DesiredZoneResult => {
  if ('invalid' in r) throw new Error(r.message);
  return r;
};

describe('hooks/zone/desired', () => {
  it('a record from an Ingress or Service yields to a record declared by hand at the same owner, whatever the ages', () => {
    const fromSource = {
      labels: { 'bindy.firestoned.io/source': 'Ingress.shop' },
      annotations: { 'bindy.firestoned.io/source-ref': 'Ingress/dns/shop' },
    };
    const cname = (name: string, spec: Record<string, unknown>, meta: Record<string, unknown>): DNSRecord =>
      ({
        apiVersion: V,
        kind: 'CNAMERecord',
        metadata: { name, namespace: 'dns', ...meta },
        spec,
      }) as unknown as DNSRecord;
    const r = ok(
      desiredZone(
        zone('z', { nameServers: [{ hostname: 'ns1.example.net' }] }),
        [
          // GIVEN source records older than the hand-declared ones at www (A merge) and at api (CNAME vs A)
          a(
            'src-www',
            { zoneRef: 'z', name: 'www', ipv4Addresses: ['192.0.2.10'] },
            { creationTimestamp: '2026-01-01T00:00:00Z', ...fromSource },
          ),
          cname(
            'src-api',
            { zoneRef: 'z', name: 'api', target: 'lb.example.net.' },
            { creationTimestamp: '2026-01-01T00:00:00Z', ...fromSource },
          ),
          a(
            'src-shop',
            { zoneRef: 'z', name: 'shop', ipv4Addresses: ['192.0.2.10'] },
            { creationTimestamp: '2026-01-01T00:00:00Z', ...fromSource },
          ),
          a(
            'hand-www',
            { zoneRef: 'z', name: 'www', ipv4Address: '198.51.100.1' },
            { creationTimestamp: '2026-01-02T00:00:00Z' },
          ),
          a(
            'hand-api',
            { zoneRef: 'z', name: 'api', ipv4Address: '198.51.100.2' },
            { creationTimestamp: '2026-01-02T00:00:00Z' },
          ),
        ],
        [],
      ),
    );
    // THEN the hand-declared records are served, the source's yield at their names, and elsewhere it is served
    expect(r.outcomes.map((o) => [o.record.metadata.name, o.reason])).to.deep.equal([
      ['src-api', 'Conflict'],
      ['src-shop', 'Served'],
      ['src-www', 'Conflict'],
      ['hand-api', 'Served'],
      ['hand-www', 'Served'],
    ]);
    expect(r.outcomes[2]!.message).to.equal(
      'www.example.com. is declared by hand in zone example.com: the record from Ingress/dns/shop yields (a source never overwrites a hand-declared record)',
    );
    expect(r.body.records.filter((x) => x.name === 'www').map((x) => x.data)).to.deep.equal(['198.51.100.1']);
  });

  it('leaves out the CR that would push an RRset over named’s 100 records, newest first', () => {
    const ips = (from: number) => Array.from({ length: 60 }, (_, i) => `10.0.0.${from + i}`);
    const r = ok(
      desiredZone(
        zone('z', { nameServers: [{ hostname: 'ns1.example.net' }] }),
        [
          a(
            'first',
            { zoneRef: 'z', name: 'many', ipv4Addresses: ips(1) },
            { creationTimestamp: '2026-01-01T00:00:00Z' },
          ),
          a(
            'second',
            { zoneRef: 'z', name: 'many', ipv4Addresses: ips(100) },
            { creationTimestamp: '2026-01-02T00:00:00Z' },
          ),
        ],
        [],
      ),
    );
    expect(r.body.records).to.have.length(60);
    expect(r.outcomes.map((o) => [o.record.metadata.name, o.reason])).to.deep.equal([
      ['first', 'Served'],
      ['second', 'InvalidRecord'],
    ]);
  });

  it('names the data field as the record spells it: spec.ipv4Addresses for a list', () => {
    const r = ok(
      desiredZone(
        zone('z', { nameServers: [{ hostname: 'ns1.example.net' }] }),
        [
          a('web', { zoneRef: 'z', ipv4Address: '192.0.2.1' }, { creationTimestamp: '2026-01-01T00:00:00Z' }),
          a(
            'web-list',
            { zoneRef: 'z', name: 'web', ipv4Addresses: ['192.0.2.1'] },
            { creationTimestamp: '2026-01-02T00:00:00Z' },
          ),
          a('twice', { zoneRef: 'z', ipv4Address: '192.0.2.2' }, { creationTimestamp: '2026-01-03T00:00:00Z' }),
        ],
        [],
      ),
    );
    expect(r.outcomes.map((o) => [o.record.metadata.name, o.warning])).to.deep.equal([
      ['web', undefined],
      ['web-list', 'spec.ipv4Addresses: the same data as the older ARecord web'],
      ['twice', undefined],
    ]);
  });

  it('glues the default name server to the primaries’ DNS addresses, IPv4 and IPv6, never to secondaries', () => {
    const place = (name: string, role: Placement['role'], dns: string): Placement => ({
      name,
      namespace: 'dns',
      role,
      endpoint: 'http://x',
      dnsEndpoint: dns,
    });
    const r = ok(
      desiredZone(
        zone('z', {}),
        [],
        [
          place('p0', 'primary', '10.0.0.2:53'),
          place('p1', 'primary', '[2001:db8::2]:53'),
          place('s0', 'secondary', '10.0.0.9:53'),
        ],
      ),
    );
    expect(r.body.nameServers).to.deep.equal([
      { hostname: 'ns1.example.com.', ipv4Addresses: ['10.0.0.2'], ipv6Addresses: ['2001:db8::2'] },
    ]);
  });

  it('uses an A record CR as the address of an in-zone name server instead of default glue', () => {
    const r = ok(
      desiredZone(
        zone('z', {}),
        [a('ns1', { zoneRef: 'z', ipv4Address: '192.0.2.53' })],
        [{ name: 'p', namespace: 'dns', role: 'primary', endpoint: 'http://x', dnsEndpoint: '10.0.0.2:53' }],
      ),
    );
    expect(r.body.nameServers).to.deep.equal([{ hostname: 'ns1.example.com.' }]);
    expect(r.body.records).to.deep.equal([{ name: 'ns1', type: 'A', ttl: 3600, data: '192.0.2.53' }]);
  });

  it('reports an unusable zone naming the DNSZone field', () => {
    const r = desiredZone(zone('z', { nameServers: [{ hostname: 'ns1.example.com' }] }), [], []);
    expect(r).to.deep.equal({
      invalid: true,
      zoneName: 'example.com',
      message: 'spec.nameServers[0]: name server ns1.example.com. is inside the zone but has no A/AAAA (glue) record',
    });
  });
});

describe('hooks/zone/select', () => {
  it('gives a zone name to the oldest live DNSZone of any namespace', () => {
    const old = zone('old', {}, { namespace: 'team-a', creationTimestamp: '2026-01-01T00:00:00Z' });
    const young = zone('young', { zoneName: 'EXAMPLE.com' }, { creationTimestamp: '2026-02-01T00:00:00Z' });
    const deleting = zone(
      'gone',
      {},
      { creationTimestamp: '2025-01-01T00:00:00Z', deletionTimestamp: '2026-03-01T00:00:00Z' },
    );
    expect(zoneNameOwner(young, [old, young, deleting]).metadata.name).to.equal('old');
    expect(zoneNameOwner(old, [old, young, deleting]).metadata.name).to.equal('old');
    expect(zoneNameOwner(young, [young, deleting]).metadata.name).to.equal('young');
  });

  it('makes the oldest selecting zone the one status writer of a record selected twice', () => {
    const sel = { recordsFrom: [{ selector: { matchLabels: { team: 'web' } } }] };
    const z1 = zone('z1', sel, { creationTimestamp: '2026-01-01T00:00:00Z' });
    const z2 = zone('z2', { ...sel, zoneName: 'example.org' }, { creationTimestamp: '2025-12-01T00:00:00Z' });
    const rec = a('www', { ipv4Address: '192.0.2.1' }, { labels: { team: 'web' } });
    expect(statusOwner([z1, z2], rec)?.metadata.name).to.equal('z2');
    expect(
      statusOwner([z1, z2], a('www', { zoneRef: 'z1', ipv4Address: '192.0.2.1' }, { labels: { team: 'web' } }))
        ?.metadata.name,
    ).to.equal('z1');
  });
});
