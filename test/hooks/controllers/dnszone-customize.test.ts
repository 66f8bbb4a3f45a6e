/**
 * The DNSZone customize rules: every relation is by name or by an index label, never an empty selector over a
 * namespace or the cluster (Metacontroller re-syncs every parent whose rules match a changed object, so one such
 * rule makes one record change re-sync every zone).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { customizeDnsZone } from '../../../hooks/controllers/dnszone.js';
import type { KubeObject, RelatedResourceRule } from '../../../hooks/metacontroller.js';
import type { DNSZone } from '../../../hooks/schema/generated.js';

const DIR = join(import.meta.dirname, '../../fixtures/sync/dnszone');
type Zone = DNSZone & KubeObject;

const fixtureZones: { name: string; zone: Zone }[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.request.json'))
  .sort()
  .map((f) => ({
    name: f.replace('.request.json', ''),
    zone: (JSON.parse(readFileSync(join(DIR, f), 'utf8')) as { parent: Zone }).parent,
  }));

const zone = (spec: Partial<DNSZone['spec']>, uid = 'u-1'): Zone =>
  ({
    apiVersion: 'bindy.firestoned.io/v1beta1',
    kind: 'DNSZone',
    metadata: { name: 'example-com', namespace: 'dns', uid, generation: 1 },
    spec: { zoneName: 'example.com', ...spec },
  }) as Zone;

const rules = (z: Zone) => customizeDnsZone({ controller: {} as KubeObject, parent: z }).relatedResources;

/** A rule that selects by neither a name nor a non-empty label selector. */
const unbounded = (r: RelatedResourceRule) =>
  !r.names?.length &&
  !Object.keys(r.labelSelector?.matchLabels ?? {}).length &&
  !(r.labelSelector?.matchExpressions ?? []).length;

/** Whether `r` is (a copy of) a selector the user wrote in recordsFrom / bind9InstancesFrom. */
const userTerm = (z: Zone, r: RelatedResourceRule) =>
  [...(z.spec.recordsFrom ?? []), ...(z.spec.bind9InstancesFrom ?? [])].some(
    (t) => JSON.stringify(t.selector) === JSON.stringify(r.labelSelector),
  );

const cases: { name: string; zone: Zone }[] = [
  ...fixtureZones,
  { name: 'clusterRef only (seed YAML)', zone: zone({ clusterRef: 'prod-dns' }) },
  { name: 'bind9InstancesFrom only', zone: zone({ bind9InstancesFrom: [{ selector: { matchLabels: { a: 'b' } } }] }) },
  {
    name: 'recordsFrom with an expression',
    zone: zone({
      clusterRef: 'prod-dns',
      recordsFrom: [{ selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] } }],
    }),
  },
  { name: 'an invalid zone name', zone: zone({ clusterRef: 'prod-dns', zoneName: 'bad..name' }) },
  { name: 'no uid yet', zone: zone({ clusterRef: 'prod-dns' }, '') },
];

describe('DNSZone customize: relations by name or index label only', () => {
  for (const c of cases) {
    it(`${c.name}: no rule selects a whole namespace or the cluster`, () => {
      const rs = rules(c.zone);
      expect(rs).to.not.be.empty;
      for (const r of rs) {
        if (userTerm(c.zone, r)) continue;
        expect(unbounded(r), JSON.stringify(r)).to.equal(false);
      }
    });
  }

  it('relates same-name zones of any namespace except itself (its status write does not re-sync it)', () => {
    const dz = rules(zone({ clusterRef: 'prod-dns', zoneName: 'Example.COM.' })).filter(
      (r) => r.resource === 'dnszones',
    );
    expect(dz).to.deep.equal([
      {
        apiVersion: 'bindy.firestoned.io/v1beta1',
        resource: 'dnszones',
        labelSelector: {
          matchLabels: { 'bindy.firestoned.io/zone-name': 'example.com' },
          matchExpressions: [{ key: 'bindy.firestoned.io/zone-uid', operator: 'NotIn', values: ['u-1'] }],
        },
      },
    ]);
  });

  it('selects records per kind by zone-ref, status-zone and each recordsFrom term, in the namespace only', () => {
    const term = { matchLabels: { app: 'web' } };
    const rs = rules(zone({ clusterRef: 'prod-dns', recordsFrom: [{ selector: term }] })).filter((r) =>
      r.resource.endsWith('records'),
    );
    expect(rs).to.have.length(8 * 3);
    for (const r of rs) expect(r.namespace).to.equal('dns');
    expect(rs.slice(0, 3).map((r) => r.labelSelector)).to.deep.equal([
      { matchLabels: { 'bindy.firestoned.io/zone-ref': 'example-com' } },
      { matchLabels: { 'bindy.firestoned.io/status-zone': 'example.com' } },
      term,
    ]);
  });

  it('never uses the user-facing bindy.firestoned.io/zone label as an index', () => {
    for (const c of cases) expect(JSON.stringify(rules(c.zone))).to.not.include('"bindy.firestoned.io/zone"');
  });

  it('depends only on the spec, name, namespace and uid (Metacontroller caches it per generation)', () => {
    const z = zone({ clusterRef: 'prod-dns' });
    const withStatus = { ...z, status: { conditions: [] } } as Zone;
    expect(JSON.stringify(rules(withStatus))).to.equal(JSON.stringify(rules(z)));
  });
});
