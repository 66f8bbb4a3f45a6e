/**
 * Automatic PTR (hooks/zone/ptr.ts): the index labels and relations, the reverse zone's PTRs (scope, most specific
 * zone, conflicts, explicit records winning, RFC 2317 classless zones), and the whole loop against a real named —
 * the forward zone serves an A record and writes status.ptrRequested, the index labels and the reverse zone's
 * relations put it in the reverse zone's request, the reverse zone pushes the PTR, and dig answers it; a changed
 * address moves it, a deletion removes it, each within one reverse-zone sync.
 *
 * The loop labels objects with the index-label decorator's `indexLabels` and relates them by the DNSZone customize
 * hook's rules, which include automatic PTR's (relations evaluated by local/related.ts, the local driver's matcher).
 */
import { expect } from 'chai';
import { customizeDnsZone } from '../../../hooks/controllers/dnszone.js';
import { indexLabels } from '../../../hooks/controllers/index-labels.js';
import type { KubeObject, ObjectMap, RelatedResourceRule, SyncRequest } from '../../../hooks/metacontroller.js';
import { API_VERSION, KINDS, type DNSZone } from '../../../hooks/schema/generated.js';
import { planZoneSync, type ZonePlan } from '../../../hooks/zone/plan.js';
import { PTR_LABELS, ptrIndexLabels, ptrRelatedRules } from '../../../hooks/zone/ptr.js';
import { recordStatus } from '../../../hooks/zone/status.js';
import { ruleSelects } from '../../../local/related.js';
import { addressIndexKeys, ptrOwner, reverseName, reverseZoneIndexKey } from '../../../dns/reverse.js';
import { answerData } from '../../scenarios/loop-driver.js';
import { startBindcar, type BindcarHarness } from '../../support/named-bindcar.js';

const NS = 'dns';
const PLACED = [{ selector: { matchLabels: { placement: 'ext' } } }];
let clock = Date.parse('2026-01-01T00:00:00Z');
const created = () => new Date((clock += 1000)).toISOString().replace(/\.\d{3}Z$/, 'Z');

function obj(kind: string, name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: API_VERSION,
    kind,
    metadata: { name, namespace: NS, uid: `uid-${name}`, generation: 1, creationTimestamp: created(), labels: {} },
    spec,
  } as KubeObject;
}

describe('hooks/zone/ptr', () => {
  describe('dns/reverse', () => {
    it('names addresses in the reverse tree (RFC 1035 §3.5, RFC 3596 §2.5) and in RFC 2317 zones', () => {
      expect(reverseName('192.0.2.10')).to.equal('10.2.0.192.in-addr.arpa.');
      expect(reverseName('2001:db8::1')).to.equal(
        '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.',
      );
      expect(ptrOwner('2.0.192.in-addr.arpa', '192.0.2.10')).to.equal('10.2.0.192.in-addr.arpa.');
      expect(ptrOwner('0/26.2.0.192.in-addr.arpa', '192.0.2.10')).to.equal('10.0/26.2.0.192.in-addr.arpa.');
      expect(ptrOwner('0/26.2.0.192.in-addr.arpa', '192.0.2.64')).to.equal(undefined);
      expect(ptrOwner('64-127.2.0.192.in-addr.arpa', '192.0.2.64')).to.equal('64.64-127.2.0.192.in-addr.arpa.');
      expect(ptrOwner('2.0.192.in-addr.arpa', '2001:db8::1')).to.equal(undefined);
      // a classless label must be aligned (RFC 2317 §4: 0/26, 64/26, …)
      expect(ptrOwner('10/26.2.0.192.in-addr.arpa', '192.0.2.10')).to.equal(undefined);
    });

    it('indexes an address at /8, /16, /24 (IPv6: /16 … /64) and a reverse zone at its longest such prefix', () => {
      expect(addressIndexKeys('192.0.2.10')).to.deep.equal(['v4-192', 'v4-192.0', 'v4-192.0.2']);
      expect(addressIndexKeys('2001:db8::1')).to.deep.equal([
        'v6-2001',
        'v6-20010db8',
        'v6-20010db80000',
        'v6-20010db8000000',
        'v6-20010db800000000',
      ]);
      expect(reverseZoneIndexKey('2.0.192.in-addr.arpa')).to.equal('v4-192.0.2');
      expect(reverseZoneIndexKey('0/26.2.0.192.in-addr.arpa')).to.equal('v4-192.0.2');
      expect(reverseZoneIndexKey('168.192.in-addr.arpa')).to.equal('v4-192.168');
      expect(reverseZoneIndexKey('8.b.d.0.1.0.0.2.ip6.arpa')).to.equal('v6-20010db8');
      expect(reverseZoneIndexKey('d.0.1.0.0.2.ip6.arpa')).to.equal('v6-2001');
      expect(reverseZoneIndexKey('in-addr.arpa')).to.equal(undefined);
      expect(reverseZoneIndexKey('example.com')).to.equal(undefined);
    });
  });

  describe('index labels and relations', () => {
    it('labels an A record by each prefix of each address, and by the reverse zones that wrote its status.ptr', () => {
      const a = obj('ARecord', 'app', { zoneRef: 'fwd', ipv4Addresses: ['192.0.2.10', '198.51.100.7'] });
      a.metadata.labels = { [`${PTR_LABELS.addressPrefix}v4-10`]: 'true', mine: 'x' };
      (a as { status?: unknown }).status = {
        ptr: { '2.0.192.in-addr.arpa': { state: 'Served', addresses: [], message: '' } },
      };
      expect(ptrIndexLabels(a)).to.deep.equal({
        'ptr-zone.bindy.firestoned.io/2.0.192.in-addr.arpa': 'true',
        'ptr.bindy.firestoned.io/v4-10': null,
        'ptr.bindy.firestoned.io/v4-192': 'true',
        'ptr.bindy.firestoned.io/v4-192.0': 'true',
        'ptr.bindy.firestoned.io/v4-192.0.2': 'true',
        'ptr.bindy.firestoned.io/v4-198': 'true',
        'ptr.bindy.firestoned.io/v4-198.51': 'true',
        'ptr.bindy.firestoned.io/v4-198.51.100': 'true',
      });
      expect(ptrIndexLabels(obj('DNSZone', 'r', { zoneName: '0/26.2.0.192.in-addr.arpa' }))).to.deep.equal({
        'bindy.firestoned.io/reverse-zone': 'true',
      });
      expect(ptrIndexLabels(obj('DNSZone', 'f', { zoneName: 'example.com' }))).to.deep.equal({
        'bindy.firestoned.io/reverse-zone': null,
      });
      expect(ptrIndexLabels(obj('TXTRecord', 't', { text: ['x'] }))).to.deep.equal({});
    });

    it('relates a reverse zone to the records of its range, its status writes and the other reverse zones', () => {
      const zone = obj('DNSZone', 'r', { zoneName: '2.0.192.in-addr.arpa', clusterRef: 'c' }) as unknown as DNSZone;
      expect(ptrRelatedRules(zone)).to.deep.equal([
        {
          apiVersion: API_VERSION,
          resource: 'arecords',
          namespace: NS,
          labelSelector: { matchExpressions: [{ key: 'ptr.bindy.firestoned.io/v4-192.0.2', operator: 'Exists' }] },
        },
        ...['arecords', 'aaaarecords'].map((resource) => ({
          apiVersion: API_VERSION,
          resource,
          namespace: NS,
          labelSelector: {
            matchExpressions: [{ key: 'ptr-zone.bindy.firestoned.io/2.0.192.in-addr.arpa', operator: 'Exists' }],
          },
        })),
        {
          apiVersion: API_VERSION,
          resource: 'dnszones',
          namespace: NS,
          labelSelector: { matchLabels: { 'bindy.firestoned.io/reverse-zone': 'true' } },
        },
      ]);
      expect(ptrRelatedRules(obj('DNSZone', 'f', { zoneName: 'example.com' }) as unknown as DNSZone)).to.deep.equal([]);
    });
  });

  describe('the loop: forward zone → status → labels → reverse zone → named', function () {
    this.timeout(60_000);
    let h: BindcarHarness;
    const objects = new Map<string, KubeObject>();
    const key = (o: KubeObject) => `${o.kind}/${o.metadata.name}`;
    const put = (o: KubeObject) => objects.set(key(o), o);
    const get = (kind: string, name: string) => objects.get(`${kind}/${name}`)!;

    before(async () => {
      h = await startBindcar();
      const instance = obj('Bind9Instance', 'ext', {
        role: 'primary',
        external: { bindcarUrl: h.url, dnsAddress: `127.0.0.1:${h.named.dnsPort}` },
      });
      instance.metadata.labels = { placement: 'ext' };
      put(instance);
      put(
        obj('DNSZone', 'fwd', {
          zoneName: 'ptr.example',
          bind9InstancesFrom: PLACED,
          nameServers: [{ hostname: 'ns1.example.net' }],
          ptr: true,
        }),
      );
      put(
        obj('DNSZone', 'rev24', {
          zoneName: '2.0.192.in-addr.arpa',
          bind9InstancesFrom: PLACED,
          nameServers: [{ hostname: 'ns1.example.net' }],
        }),
      );
      put(
        obj('DNSZone', 'rev26', {
          zoneName: '64/26.2.0.192.in-addr.arpa',
          bind9InstancesFrom: PLACED,
          nameServers: [{ hostname: 'ns1.example.net' }],
        }),
      );
    });
    after(async () => {
      await h?.stop();
    });

    /** The index-label decorator's pass: its labels plus automatic PTR's, applied to every object. */
    function decorate() {
      for (const o of objects.values()) {
        if (o.kind === 'Bind9Instance' || o.kind.endsWith('Record') || o.kind === 'DNSZone') {
          const labels = indexLabels(o);
          const next = { ...(o.metadata.labels ?? {}) };
          for (const [k, v] of Object.entries(labels)) {
            if (v === null) delete next[k];
            else next[k] = v;
          }
          o.metadata.labels = next;
        }
      }
    }

    /** The request Metacontroller would send for `zone`: related by the customize rules (automatic PTR's included). */
    function request(zone: KubeObject): SyncRequest<DNSZone & KubeObject> {
      const rules: RelatedResourceRule[] = customizeDnsZone({
        controller: {} as never,
        parent: zone as DNSZone & KubeObject,
      }).relatedResources;
      const related: ObjectMap = {};
      for (const o of objects.values()) {
        if (o === zone) continue;
        const plural = KINDS.find((k) => k.kind === o.kind)!.plural;
        if (!rules.some((r) => r.resource === plural && ruleSelects(r, o, true))) continue;
        const group = `${o.kind}.${API_VERSION}`;
        (related[group] ??= {})[`${o.metadata.namespace}/${o.metadata.name}`] = o;
      }
      return {
        controller: {} as never,
        parent: zone as DNSZone & KubeObject,
        children: {},
        related,
        finalizing: false,
      };
    }

    /** One sync of `zone`: push the desired body to named, write the statuses it wrote (a merge patch each). */
    async function sync(name: string): Promise<ZonePlan> {
      decorate();
      const zone = get('DNSZone', name);
      const plan = planZoneSync(request(zone));
      expect(plan.block, JSON.stringify(plan.block)).to.equal(undefined);
      const r = await h.http.put(`/api/v1/zones/${encodeURIComponent(plan.desired!.zoneName)}`, plan.desired!.body);
      expect(r.status, JSON.stringify(r.data)).to.be.oneOf([200, 201]);
      for (const o of plan.outcomes) {
        const rec = get(o.record.kind, o.record.metadata.name) as KubeObject & { status?: Record<string, unknown> };
        const s = recordStatus(o, plan.desired!.zoneName, '2026-01-02T00:00:00Z');
        rec.status = { ...(rec.status ?? {}), ...s };
        if (s.ptrRequested === null) delete rec.status['ptrRequested'];
      }
      for (const p of plan.ptrStatus ?? []) {
        const rec = get(p.record.kind, p.record.metadata.name) as KubeObject & { status?: Record<string, unknown> };
        const ptr = { ...((rec.status?.['ptr'] as object | undefined) ?? {}) } as Record<string, unknown>;
        for (const [z, v] of Object.entries(p.ptr)) {
          if (v === null) delete ptr[z];
          else ptr[z] = v;
        }
        rec.status = { ...(rec.status ?? {}), ptr };
        if (Object.keys(ptr).length === 0) delete rec.status['ptr'];
      }
      return plan;
    }

    const ptrOf = async (name: string) => answerData(await h.named.query(name, 'PTR'), 'PTR');
    const statusPtr = (name: string) => (get('ARecord', name) as { status?: { ptr?: unknown } }).status?.ptr;
    const edit = (name: string, spec: Record<string, unknown>) => {
      const o = get('ARecord', name);
      o.spec = { ...(o.spec as object), ...spec };
      o.metadata.generation = (o.metadata.generation ?? 1) + 1;
    };

    it('an A record of a zone with spec.ptr gets its PTR in the reverse zone, and its status says so', async () => {
      put(obj('ARecord', 'app', { zoneRef: 'fwd', ipv4Address: '192.0.2.10' }));
      await sync('fwd');
      expect((get('ARecord', 'app') as { status?: { ptrRequested?: boolean } }).status?.ptrRequested).to.equal(true);
      const plan = await sync('rev24');
      expect(plan.desired!.body.records).to.deep.include({
        name: '10',
        type: 'PTR',
        ttl: 3600,
        data: 'app.ptr.example.',
      });
      expect(await ptrOf('10.2.0.192.in-addr.arpa')).to.deep.equal(['app.ptr.example.']);
      expect(statusPtr('app')).to.deep.equal({
        '2.0.192.in-addr.arpa': {
          state: 'Served',
          addresses: ['192.0.2.10'],
          message: 'PTR of 192.0.2.10 served in 2.0.192.in-addr.arpa',
        },
      });
    });

    it('a changed address moves the PTR within one reverse-zone sync', async () => {
      edit('app', { ipv4Address: '192.0.2.11' });
      await sync('fwd');
      await sync('rev24');
      expect(await ptrOf('10.2.0.192.in-addr.arpa')).to.deep.equal([]);
      expect(await ptrOf('11.2.0.192.in-addr.arpa')).to.deep.equal(['app.ptr.example.']);
    });

    it('an address in an RFC 2317 classless zone goes to that more specific zone, not the /24', async () => {
      put(obj('ARecord', 'mail', { zoneRef: 'fwd', ipv4Address: '192.0.2.70' }));
      await sync('fwd');
      const wide = await sync('rev24');
      expect(wide.desired!.body.records.map((r) => r.name)).to.not.include('70');
      await sync('rev26');
      expect(await ptrOf('70.64/26.2.0.192.in-addr.arpa')).to.deep.equal(['mail.ptr.example.']);
    });

    it('two names claiming one address: the older keeps the PTR, the other is told Conflict', async () => {
      put(obj('ARecord', 'app2', { zoneRef: 'fwd', ipv4Address: '192.0.2.11' }));
      await sync('fwd');
      const plan = await sync('rev24');
      expect(await ptrOf('11.2.0.192.in-addr.arpa')).to.deep.equal(['app.ptr.example.']);
      expect(statusPtr('app2')).to.deep.include({
        '2.0.192.in-addr.arpa': {
          state: 'Conflict',
          addresses: ['192.0.2.11'],
          message:
            'the PTR of 192.0.2.11 already names the older ARecord app (app.ptr.example.); one address has one name',
        },
      });
      expect(plan.desired!.conflicts.map((c) => [c.kind, c.name, c.reason])).to.deep.equal([
        ['ARecord', 'app2', 'PTRConflict'],
      ]);
    });

    it('an explicit PTRRecord at the name wins over the automatic PTR', async () => {
      put(obj('PTRRecord', 'manual', { zoneRef: 'rev24', address: '192.0.2.11', ptrdname: 'manual.example.net' }));
      await sync('rev24');
      expect(await ptrOf('11.2.0.192.in-addr.arpa')).to.deep.equal(['manual.example.net.']);
      expect((statusPtr('app') as Record<string, { state: string }>)['2.0.192.in-addr.arpa']!.state).to.equal(
        'Shadowed',
      );
      objects.delete('PTRRecord/manual');
    });

    it('spec.ptr false on the record opts out of the zone-wide default; deleting the A removes its PTR', async () => {
      edit('app2', { ptr: false });
      await sync('fwd');
      expect((get('ARecord', 'app2') as { status?: { ptrRequested?: boolean } }).status?.ptrRequested).to.equal(
        undefined,
      );
      await sync('rev24');
      expect(statusPtr('app2'), 'the reverse zone clears its entry').to.equal(undefined);
      expect(await ptrOf('11.2.0.192.in-addr.arpa')).to.deep.equal(['app.ptr.example.']);
      objects.delete('ARecord/app');
      await sync('fwd');
      await sync('rev24');
      expect(await ptrOf('11.2.0.192.in-addr.arpa')).to.deep.equal([]);
    });

    it('a wildcard owner never asks for a PTR', async () => {
      put(obj('ARecord', 'wild', { zoneRef: 'fwd', name: '*.apps', ipv4Address: '192.0.2.20' }));
      await sync('fwd');
      expect((get('ARecord', 'wild') as { status?: { ptrRequested?: boolean } }).status?.ptrRequested).to.equal(
        undefined,
      );
      const plan = await sync('rev24');
      expect(plan.desired!.body.records.map((r) => r.name)).to.not.include('20');
    });
  });
});
