/**
 * The DNSZone (and Bind9Instance) customize rules: every relation is by name or by an index label, never "every object
 * of a namespace or of the cluster"; and, evaluated the way Metacontroller evaluates them (local/related.ts) over
 * objects labelled by the index decorator, they relate exactly what the sync hook needs.
 */
import { expect } from 'chai';
import { ruleSelects } from '../../../local/related.js';
import { customizeBind9Instance } from '../../../hooks/controllers/bind9instance.js';
import { customizeDnsZone } from '../../../hooks/controllers/dnszone.js';
import { planZoneSync } from '../../../hooks/zone/plan.js';
import { indexLabels } from '../../../hooks/controllers/index-labels.js';
import { zoneKey } from '../../../hooks/labels.js';
import type { CustomizeRequest, KubeObject, ObjectMap, RelatedResourceRule } from '../../../hooks/metacontroller.js';
import { KINDS, RECORD_KINDS, type DNSZone } from '../../../hooks/schema/generated.js';
import { placement } from '../../../hooks/zone/select.js';
import { relatedMap } from '../zone/support.js';

const V = 'bindy.firestoned.io/v1beta1';
let uidSeq = 0;

/** An object as the apiserver stores it once the index decorator has labelled it. */
function stored(kind: string, ns: string | undefined, name: string, spec: object, extra: Partial<KubeObject> = {}) {
  const o = {
    apiVersion: V,
    kind,
    metadata: {
      name,
      ...(ns === undefined ? {} : { namespace: ns }),
      uid: `00000000-0000-4000-8000-${String(++uidSeq).padStart(12, '0')}`,
      creationTimestamp: `2026-01-01T00:00:${String(uidSeq % 60).padStart(2, '0')}Z`,
      ...((extra.metadata as object) ?? {}),
    },
    spec,
    ...(extra['status'] ? { status: extra['status'] } : {}),
  } as KubeObject;
  return labelled(o);
}

function labelled(o: KubeObject): KubeObject {
  if (!['DNSZone', 'Bind9Instance'].includes(o.kind) && !o.kind.endsWith('Record')) return o;
  const labels = { ...(o.metadata.labels ?? {}) };
  for (const [k, v] of Object.entries(indexLabels(o)))
    if (v === null) delete labels[k];
    else labels[k] = v;
  return { ...o, metadata: { ...o.metadata, labels } };
}

/** Name servers outside the zones of these tests, so no glue is needed to serve them. */
const NS = {
  soaRecord: { primaryNameServer: 'ns1.example.net', adminEmail: 'hostmaster.example.net' },
  nameServers: [{ hostname: 'ns1.example.net' }],
};

const zoneReq = (zone: KubeObject) =>
  ({ controller: {}, parent: zone }) as unknown as CustomizeRequest<DNSZone & KubeObject>;
const rulesOf = (zone: KubeObject) => customizeDnsZone(zoneReq(zone)).relatedResources;

const kindOf = (resource: string) => KINDS.find((k) => k.plural === resource)?.kind;
const clusterScoped = (kind: string) => KINDS.some((k) => k.kind === kind && k.scope === 'Cluster');

/** Metacontroller's related map for `rules` over `world` (GetRelatedObjects, hook v2). */
function relatedFor(rules: readonly RelatedResourceRule[], world: readonly KubeObject[]): ObjectMap {
  const hits = new Map<string, KubeObject>();
  for (const r of rules)
    for (const o of world)
      if (o.kind === kindOf(r.resource) && ruleSelects(r, o, !clusterScoped(o.kind)))
        hits.set(`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`, o);
  return relatedMap([...hits.values()]);
}

/** Whether Metacontroller would re-sync the parent with these rules when `obj` changes (findRelatedParents). */
const resyncs = (rules: readonly RelatedResourceRule[], ...versions: KubeObject[]) =>
  versions.some((o) => rules.some((r) => o.kind === kindOf(r.resource) && ruleSelects(r, o, !clusterScoped(o.kind))));

const keys = (m: ObjectMap, kind: string) => Object.keys(m[`${kind}.${V}`] ?? {}).sort();

/**
 * Why a rule is unbounded, or undefined: it must name objects, or require a label value (matchLabels, In) or a
 * label's presence (Exists). An absent or empty selector, or one of only NotIn/DoesNotExist, selects (nearly) every
 * object of its namespace — or of the cluster without one.
 */
export function unbounded(rule: RelatedResourceRule): string | undefined {
  if (rule.names?.length) return undefined;
  const s = rule.labelSelector;
  if (Object.keys(s?.matchLabels ?? {}).length) return undefined;
  if ((s?.matchExpressions ?? []).some((e) => e.operator === 'In' || e.operator === 'Exists')) return undefined;
  return `${rule.resource} in ${rule.namespace ? `namespace ${rule.namespace}` : 'every namespace'}: ${JSON.stringify(s ?? null)}`;
}

describe('DNSZone customize: relations by index labels only', () => {
  it('the boundedness check can fail', () => {
    expect(unbounded({ apiVersion: V, resource: 'arecords', namespace: 'dns', labelSelector: {} })).to.be.a('string');
    expect(unbounded({ apiVersion: V, resource: 'dnszones' })).to.be.a('string');
    expect(unbounded({ apiVersion: V, resource: 'dnszones', namespace: 'dns' })).to.be.a('string');
    expect(
      unbounded({
        apiVersion: V,
        resource: 'dnszones',
        labelSelector: { matchExpressions: [{ key: 'k', operator: 'NotIn', values: ['v'] }] },
      }),
    ).to.be.a('string');
    expect(unbounded({ apiVersion: V, resource: 'dnszones', names: ['a'] })).to.equal(undefined);
  });

  const long = `${'x'.repeat(60)}.payments.example.com`;
  const zones: { name: string; zone: KubeObject }[] = [
    {
      name: 'the seed zone',
      zone: stored('DNSZone', 'dns', 'example-com', { zoneName: 'example.com', clusterRef: 'prod-dns' }),
    },
    {
      name: 'a zone placed by selector only, with recordsFrom',
      zone: stored('DNSZone', 'dns', 'z', {
        zoneName: 'example.org',
        bind9InstancesFrom: [{ selector: { matchLabels: { tier: 'edge' } } }],
        recordsFrom: [
          { selector: { matchLabels: { team: 'a' } } },
          { selector: { matchExpressions: [{ key: 'team', operator: 'In', values: ['b'] }] } },
        ],
      }),
    },
    {
      name: 'a zone with a long name and a long object name',
      zone: stored('DNSZone', 'payments', 'p'.repeat(100), { zoneName: long, clusterRef: 'c'.repeat(90) }),
    },
    {
      name: 'a zone without a uid yet',
      zone: {
        ...stored('DNSZone', 'dns', 'n', { zoneName: 'n.example', clusterRef: 'c' }),
        metadata: { name: 'n', namespace: 'dns' },
      },
    },
  ];
  for (const c of zones) {
    it(`never selects a whole namespace or the cluster: ${c.name}`, () => {
      const rules = rulesOf(c.zone);
      expect(rules.map(unbounded).filter(Boolean)).to.deep.equal([]);
      // the rules are valid for Metacontroller (names xor selector, valid selectors)
      for (const r of rules) expect(() => ruleSelects(r, c.zone, true)).not.to.throw();
    });
  }

  it('passes a user’s own empty selector term through, and only that', () => {
    const zone = stored('DNSZone', 'dns', 'z', {
      zoneName: 'example.org',
      recordsFrom: [{ selector: {} }],
      bind9InstancesFrom: [{ selector: {} }],
    });
    const open = rulesOf(zone).filter((r) => unbounded(r));
    // one per record kind plus the instances — all in the zone's namespace, none cluster-wide
    expect(open).to.have.length(RECORD_KINDS.length + 1);
    for (const r of open) expect(r).to.include({ namespace: 'dns' }).and.deep.include({ labelSelector: {} });
  });

  it('never uses the user-facing bindy.firestoned.io/zone label (examples/ select records by it) as an index', () => {
    for (const c of zones) expect(JSON.stringify(rulesOf(c.zone))).to.not.include('"bindy.firestoned.io/zone"');
    expect(Object.keys(indexLabels(stored('ARecord', 'dns', 'r', { zoneRef: 'z' })))).to.not.include(
      'bindy.firestoned.io/zone',
    );
  });

  it('Bind9Instance customize rules are bounded too', () => {
    for (const role of ['primary', 'secondary']) {
      const inst = stored('Bind9Instance', 'dns', 'i', { clusterRef: 'prod-dns', role });
      const rules = customizeBind9Instance({ controller: {} as KubeObject, parent: inst }).relatedResources;
      expect(rules.map(unbounded).filter(Boolean)).to.deep.equal([]);
    }
  });

  it('depends only on name, namespace, uid and spec (Metacontroller caches it per uid and generation)', () => {
    const z = zones[0]!.zone;
    const relabelled = { ...z, metadata: { ...z.metadata, labels: { other: 'x' } }, status: { conditions: [] } };
    expect(rulesOf(relabelled)).to.deep.equal(rulesOf(z));
  });

  describe('evaluated over a labelled world', () => {
    const zone = stored('DNSZone', 'dns', 'example-com', { zoneName: 'example.com', clusterRef: 'prod-dns', ...NS });
    const world = [
      zone,
      stored('DNSZone', 'dns', 'example-com-again', { zoneName: 'Example.COM', clusterRef: 'prod-dns' }),
      stored('DNSZone', 'team', 'copy', { zoneName: 'example.com', clusterRef: 'prod-dns' }),
      stored('DNSZone', 'dns', 'other', { zoneName: 'example.net', clusterRef: 'prod-dns' }),
      stored('DNSZone', 'elsewhere', 'unrelated', { zoneName: 'example.org', clusterRef: 'prod-dns' }),
      stored('ARecord', 'dns', 'www', { zoneRef: 'example-com', ipv4Address: '192.0.2.1' }),
      stored('MXRecord', 'dns', 'mx', { zoneRef: 'example-com', mailServer: 'mail.example.com.', priority: 10 }),
      stored('ARecord', 'dns', 'api', { zoneRef: 'other', ipv4Address: '192.0.2.2' }),
      stored('ARecord', 'team', 'www', { zoneRef: 'example-com', ipv4Address: '192.0.2.3' }),
      // a record that moved away (zoneRef edited: generation 2) after this zone served it (generation 1): still
      // related by this zone's key (left), so it is told NotSelected
      stored('ARecord', 'dns', 'left', { zoneRef: 'gone', ipv4Address: '192.0.2.4' }, {
        metadata: { generation: 2, labels: { [zoneKey('example-com')]: 'ref' } },
        status: { zone: 'example.com', observedGeneration: 1 },
      } as Partial<KubeObject>),
      // a hand-written instance naming its cluster by clusterRef only
      stored('Bind9Instance', 'dns', 'edge-primary', { clusterRef: 'prod-dns', role: 'primary' }),
      stored('Bind9Instance', 'dns', 'core-primary', { clusterRef: 'core-dns', role: 'primary' }),
      stored('Bind9Cluster', 'dns', 'prod-dns', {}),
    ];
    const related = relatedFor(rulesOf(zone), world);

    it('relates its records (zoneRef or served), its instances and the same-name zones, nothing else', () => {
      expect(keys(related, 'ARecord')).to.deep.equal(['dns/left', 'dns/www']);
      expect(keys(related, 'MXRecord')).to.deep.equal(['dns/mx']);
      expect(keys(related, 'Bind9Instance')).to.deep.equal(['dns/edge-primary']);
      expect(keys(related, 'Bind9Cluster')).to.deep.equal(['dns/prod-dns']);
      // never itself: its own status write does not re-sync it
      expect(keys(related, 'DNSZone')).to.deep.equal(['dns/example-com-again', 'team/copy']);
    });

    it('places the zone on a hand-written instance that names the cluster by spec.clusterRef', () => {
      expect(placement(zone as unknown as DNSZone, related).instances.map((i) => i.name)).to.deep.equal([
        'edge-primary',
      ]);
      const plan = planZoneSync({
        controller: {} as KubeObject,
        parent: zone as never,
        children: {},
        related,
        finalizing: false,
      });
      expect(plan.block, JSON.stringify(plan.block)).to.equal(undefined);
      expect(plan.primaries.map((p) => p.name)).to.deep.equal(['edge-primary']);
      expect(plan.block).to.equal(undefined);
      expect(plan.outcomes.find((o) => o.record.metadata.name === 'left')).to.include({ reason: 'NotSelected' });
    });

    it('still sees the duplicate zone name (oldest wins) from either side', () => {
      const again = world[1]!;
      const r = relatedFor(rulesOf(again), world);
      expect(keys(r, 'DNSZone')).to.deep.equal(['dns/example-com', 'team/copy']);
      const plan = planZoneSync({
        controller: {} as KubeObject,
        parent: again as never,
        children: {},
        related: r,
        finalizing: false,
      });
      expect(plan.block?.reason).to.equal('DuplicateZone');
    });

    it('a record change re-syncs its zone only; a record moving between zones re-syncs both', () => {
      const zones = world.filter((o) => o.kind === 'DNSZone');
      const resynced = (...versions: KubeObject[]) =>
        zones.filter((z) => resyncs(rulesOf(z), ...versions)).map((z) => `${z.metadata.namespace}/${z.metadata.name}`);
      const www = world[5]!;
      expect(resynced(www)).to.deep.equal(['dns/example-com']);
      const moved = labelled({ ...www, spec: { ...(www['spec'] as object), zoneRef: 'other' } });
      expect(resynced(www, moved)).to.deep.equal(['dns/example-com', 'dns/other']);
      // a DNSZone created in another namespace with another name re-syncs nobody
      expect(resynced(stored('DNSZone', 'x', 'new', { zoneName: 'new.example', clusterRef: 'c' }))).to.deep.equal([]);
      // a zone's own status write does not re-sync it; it re-syncs the same-name zones only
      expect(resynced(zone)).to.deep.equal(['dns/example-com-again', 'team/copy']);
    });

    it('relates recordsFrom picks and, for one status writer, the other recordsFrom zones of the namespace', () => {
      const a = stored('DNSZone', 'dns', 'a', {
        zoneName: 'a.example',
        clusterRef: 'prod-dns',
        ...NS,
        recordsFrom: [{ selector: { matchLabels: { team: 'x' } } }],
      });
      const b = stored('DNSZone', 'dns', 'b', {
        zoneName: 'b.example',
        clusterRef: 'prod-dns',
        ...NS,
        recordsFrom: [{ selector: { matchLabels: { team: 'x' } } }],
      });
      const picked = stored('TXTRecord', 'dns', 'spf', { text: ['v=spf1 -all'] }, {
        metadata: { labels: { team: 'x' } },
      } as never);
      const w = [...world, a, b, picked];
      const ra = relatedFor(rulesOf(a), w);
      expect(keys(ra, 'TXTRecord')).to.deep.equal(['dns/spf']);
      expect(keys(ra, 'DNSZone')).to.deep.equal(['dns/b']);
      // GIVEN both select the record THEN only the older (a) writes its status
      const owned = (z: KubeObject) =>
        planZoneSync({
          controller: {} as KubeObject,
          parent: z as never,
          children: {},
          related: relatedFor(rulesOf(z), w),
          finalizing: false,
        }).outcomes.map((o) => o.record.metadata.name);
      expect(owned(a)).to.include('spf');
      expect(owned(b)).not.to.include('spf');
      // a zone without recordsFrom does not relate them
      expect(keys(related, 'DNSZone')).not.to.include('dns/a');
    });

    it('finds a provider’s instances in the provider’s namespace by the cluster label', () => {
      const z = stored('DNSZone', 'team', 'p', { zoneName: 'p.example', clusterRef: 'platform-dns' });
      const w = [
        z,
        stored('ClusterBind9Provider', undefined, 'platform-dns', { namespace: 'dns-system' }),
        stored('Bind9Instance', 'dns-system', 'platform-dns-primary-0', {
          clusterRef: 'platform-dns',
          role: 'primary',
        }),
        // same cluster name in a third namespace: related (the label cannot tell) but not placed (the spec can)
        stored('Bind9Instance', 'other', 'platform-dns-primary-0', { clusterRef: 'platform-dns', role: 'primary' }),
      ];
      const r = relatedFor(rulesOf(z), w);
      expect(keys(r, 'ClusterBind9Provider')).to.deep.equal(['platform-dns']);
      expect(placement(z as unknown as DNSZone, r).instances.map((i) => `${i.namespace}/${i.name}`)).to.deep.equal([
        'dns-system/platform-dns-primary-0',
      ]);
    });

    it('long names relate through their digests', () => {
      const name = 'p'.repeat(100);
      const zoneName = `${'x'.repeat(60)}.payments.example.com`;
      const z = stored('DNSZone', 'payments', name, { zoneName, clusterRef: 'c'.repeat(90) });
      const w = [
        z,
        stored('DNSZone', 'team', 'dup', { zoneName: `${zoneName.toUpperCase()}` }),
        stored('ARecord', 'payments', 'www', { zoneRef: name, ipv4Address: '192.0.2.1' }),
        stored('Bind9Instance', 'payments', 'i', { clusterRef: 'c'.repeat(90), role: 'primary' }),
      ];
      const r = relatedFor(rulesOf(z), w);
      expect(keys(r, 'ARecord')).to.deep.equal(['payments/www']);
      expect(keys(r, 'DNSZone')).to.deep.equal(['team/dup']);
      expect(keys(r, 'Bind9Instance')).to.deep.equal(['payments/i']);
    });
  });
});

describe('DNSZone customize and placement: PowerDNS servers', () => {
  const pdnsSpec = (name: string) => ({ apiUrl: `http://${name}.dns.svc:8081`, apiKeySecretRef: { name: 'pdns-api' } });
  const world = [
    stored('PowerDNSServer', 'dns', 'pdns', { ...pdnsSpec('pdns'), nameservers: ['ns1.example.net'] }),
    stored('PowerDNSServer', 'dns', 'edge', pdnsSpec('edge'), { metadata: { labels: { tier: 'edge' } } }),
    stored('PowerDNSServer', 'other', 'edge2', pdnsSpec('edge2'), { metadata: { labels: { tier: 'edge' } } }),
    stored('ClusterPowerDNSServer', undefined, 'shared', {
      ...pdnsSpec('shared'),
      apiKeySecretRef: { name: 'k', namespace: 'ops' },
      dnsAddress: '192.0.2.53:53',
    }),
    stored('ClusterPowerDNSServer', undefined, 'pdns', pdnsSpec('cluster-pdns')),
  ];
  const place = (spec: object) => {
    const zone = stored('DNSZone', 'dns', 'z', { zoneName: 'example.org', ...spec });
    const rules = rulesOf(zone);
    return { rules, place: placement(zone as unknown as DNSZone, relatedFor(rules, world)) };
  };

  it('relates the server powerDnsServerRef names (namespace first) and those powerDnsServersFrom selects, bounded', () => {
    const { rules, place: p } = place({
      powerDnsServerRef: 'pdns',
      powerDnsServersFrom: [{ selector: { matchLabels: { tier: 'edge' } } }],
    });
    expect(rules.map(unbounded).filter(Boolean)).to.deep.equal([]);
    expect(p.instances.map((i) => `${i.kind} ${i.namespace}/${i.name} ${i.endpoint}`)).to.deep.equal([
      'PowerDNSServer dns/edge http://edge.dns.svc:8081/api/v1/servers/localhost',
      'PowerDNSServer dns/pdns http://pdns.dns.svc:8081/api/v1/servers/localhost',
    ]);
    expect(p.instances.every((i) => i.role === 'primary')).to.equal(true);
    expect(p.nameServers, 'the servers’ default apex NS').to.deep.equal(['ns1.example.net']);
  });

  it('falls back to the ClusterPowerDNSServer of that name, and says which reference names nothing', () => {
    const shared = place({ powerDnsServerRef: 'shared' }).place;
    expect(shared.instances.map((i) => `${i.kind} ${i.namespace}/${i.name} ${i.dnsEndpoint}`)).to.deep.equal([
      'ClusterPowerDNSServer /shared 192.0.2.53:53',
    ]);
    expect(place({ powerDnsServerRef: 'nope' }).place).to.deep.include({ missingPowerDns: 'nope', instances: [] });
  });

  it('plans a zone placed on PowerDNS alone with the servers’ name servers, and blocks one whose reference names nothing', () => {
    const zone = stored('DNSZone', 'dns', 'z', { zoneName: 'example.org', powerDnsServerRef: 'pdns' });
    const plan = planZoneSync({
      controller: {},
      parent: zone,
      children: {},
      related: relatedFor(rulesOf(zone), world),
      finalizing: false,
    } as never);
    expect(plan.block).to.equal(undefined);
    expect(plan.desired!.body.nameServers).to.deep.equal([{ hostname: 'ns1.example.net.' }]);
    expect(plan.desired!.body.soa.mname, 'the first name server is the SOA MNAME').to.equal('ns1.example.net.');
    const missing = stored('DNSZone', 'dns', 'm', { zoneName: 'example.net', powerDnsServerRef: 'nope', ...NS });
    const blocked = planZoneSync({
      controller: {},
      parent: missing,
      children: {},
      related: relatedFor(rulesOf(missing), world),
      finalizing: false,
    } as never);
    expect(blocked.block).to.deep.equal({
      reason: 'ClusterNotFound',
      message: 'powerDnsServerRef nope names neither a PowerDNSServer in namespace dns nor a ClusterPowerDNSServer',
    });
  });
});
