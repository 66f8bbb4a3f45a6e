/**
 * hooks/zone/served.ts: which instances may serve a zone beyond its placement, which of them a sync pass removes
 * the zone from, what the status remembers afterwards, and where finalize deletes.
 */
import { expect } from 'chai';
import type { DNSZoneStatus } from '../../../hooks/schema/generated.js';
import type { Placement } from '../../../hooks/zone/select.js';
import {
  byEndpoint,
  deletionTargets,
  MAX_PUSHED_TO,
  nextPushedTo,
  rememberedInstances,
  removalPlan,
  type RemovalPlanInput,
  type ServedInstance,
} from '../../../hooks/zone/served.js';

const url = (name: string) => `http://${name}.dns.svc:8080`;
const served = (name: string, endpoint = url(name)): ServedInstance => ({ name, namespace: 'dns', endpoint });
const primary = (name: string, endpoint: string | null = url(name)): Placement => ({
  name,
  namespace: 'dns',
  role: 'primary',
  endpoint: endpoint ?? undefined,
  dnsEndpoint: undefined,
});
const noLive = () => undefined;

describe('hooks/zone/served', () => {
  describe('rememberedInstances', () => {
    const table: { name: string; status: DNSZoneStatus | undefined; want: string[] }[] = [
      { name: 'no status: nothing', status: undefined, want: [] },
      {
        name: 'pushedTo, sorted',
        status: { pushedTo: [served('b'), served('a')] },
        want: [`a ${url('a')}`, `b ${url('b')}`],
      },
      {
        // a status written before pushedTo existed only lists the primaries it pushed to in `instances`
        name: 'instances with an endpoint (an older status); secondaries (no endpoint) are not pushed to',
        status: {
          instances: [
            { name: 'p0', namespace: 'dns', endpoint: url('p0'), ready: true },
            { name: 's0', namespace: 'dns', ready: true },
          ],
        },
        want: [`p0 ${url('p0')}`],
      },
      {
        name: 'pushedTo wins over instances for the same instance',
        status: {
          pushedTo: [served('p0', 'http://new:8080')],
          instances: [{ name: 'p0', namespace: 'dns', endpoint: 'http://old:8080', ready: false }],
        },
        want: ['p0 http://new:8080'],
      },
    ];
    for (const t of table)
      it(t.name, () =>
        expect(rememberedInstances(t.status).map((i) => `${i.name} ${i.endpoint}`)).to.deep.equal(t.want),
      );
  });

  describe('removalPlan', () => {
    const base: RemovalPlanInput = {
      remembered: [served('old'), served('p0')],
      primaries: [primary('p0')],
      liveEndpoint: noLive,
      served: true,
    };
    const table: {
      name: string;
      input: Partial<RemovalPlanInput>;
      leftovers: string[];
      covered?: string[];
      kept?: string;
    }[] = [
      { name: 'served elsewhere: remove from the leftover now', input: {}, leftovers: [`old ${url('old')}`] },
      {
        name: 'nothing remembered outside the placement: nothing to do',
        input: { remembered: [served('p0')] },
        leftovers: [],
      },
      {
        name: 'placed on no primary (NoPrimaries): kept, Unplaced',
        input: { primaries: [], served: false, block: { reason: 'NoPrimaries', message: 'no primary' } },
        leftovers: [`old ${url('old')}`, `p0 ${url('p0')}`],
        kept: 'Unplaced: no primary',
      },
      {
        name: 'clusterRef names nothing (ClusterNotFound): kept, Unplaced',
        input: { primaries: [], served: false, block: { reason: 'ClusterNotFound', message: 'no cluster' } },
        leftovers: [`old ${url('old')}`, `p0 ${url('p0')}`],
        kept: 'Unplaced: no cluster',
      },
      {
        name: 'the new placement did not accept the zone yet: kept until it does (make before break)',
        input: { served: false },
        leftovers: [`old ${url('old')}`],
        kept: 'RemovalPending: a current primary serves the zone',
      },
      {
        name: 'a blocked zone (InvalidSpec) removes nothing',
        input: { served: false, block: { reason: 'InvalidSpec', message: 'bad' } },
        leftovers: [`old ${url('old')}`],
        kept: 'RemovalPending: the zone is no longer blocked (InvalidSpec)',
      },
      {
        name: 'a leftover still visible in the request is removed through its current endpoint',
        input: { liveEndpoint: (r) => (r.name === 'old' ? 'http://old-new-pod:8080' : undefined) },
        leftovers: ['old http://old-new-pod:8080'],
      },
      {
        // the local stack resolves every instance to one bindcar: a DELETE there would undo the push just made
        name: 'a leftover whose bindcar a current primary uses is covered, never deleted from',
        input: { remembered: [served('renamed', url('p0')), served('p0')] },
        leftovers: [],
        covered: [`renamed ${url('p0')}`],
      },
    ];
    for (const t of table) {
      it(t.name, () => {
        const plan = removalPlan({ ...base, ...t.input });
        expect(plan.leftovers.map((i) => `${i.name} ${i.endpoint}`)).to.deep.equal(t.leftovers);
        expect(plan.covered.map((i) => `${i.name} ${i.endpoint}`)).to.deep.equal(t.covered ?? []);
        expect(plan.kept ? `${plan.kept.reason}: ${plan.kept.detail}` : undefined).to.equal(t.kept);
        if (plan.kept) expect(plan.kept.instances).to.deep.equal(plan.leftovers);
      });
    }
  });

  describe('nextPushedTo', () => {
    it('keeps what a PUT went to now, leftovers not confirmed gone, and placed instances without an endpoint', () => {
      const remembered = [served('a'), served('gone'), served('pending', 'http://pending-old:8080'), served('x')];
      const plan = { leftovers: [served('a', 'http://a-now:8080'), served('gone')], covered: [served('x')] };
      expect(nextPushedTo(remembered, plan, [served('b')], new Set(['dns/gone']))).to.deep.equal([
        served('a', 'http://a-now:8080'), // the leftover's current endpoint
        served('b'),
        served('pending', 'http://pending-old:8080'), // placed, no endpoint now: the old one is all we know
      ]);
    });
    it('a PUT now wins over the remembered endpoint', () => {
      expect(
        nextPushedTo([served('p0', 'http://old:8080')], { leftovers: [], covered: [] }, [served('p0')], new Set()),
      ).to.deep.equal([served('p0')]);
    });
    it(`stays within the CRD limit (${MAX_PUSHED_TO})`, () => {
      const many = Array.from({ length: 300 }, (_, i) => served(`p${String(i).padStart(3, '0')}`));
      const next = nextPushedTo([], { leftovers: [], covered: [] }, many, new Set());
      expect(next).to.have.length(MAX_PUSHED_TO);
      expect(next[0]!.name).to.equal('p000');
    });
  });

  describe('deletionTargets', () => {
    it('is the union of the current primaries and the remembered instances, one per instance', () => {
      const targets = deletionTargets(
        [primary('p0'), primary('p1', null)],
        [served('p1', 'http://p1-last:8080'), served('old'), served('p0', 'http://p0-old:8080')],
        (r) => (r.name === 'old' ? 'http://old-live:8080' : undefined),
      );
      expect(targets).to.deep.equal([
        { name: 'old', namespace: 'dns', endpoint: 'http://old-live:8080' },
        { name: 'p0', namespace: 'dns', endpoint: url('p0') },
        { name: 'p1', namespace: 'dns', endpoint: 'http://p1-last:8080' },
      ]);
    });
    it('a primary never pushed to and without an endpoint stays a target without one (finalize blocks on it)', () => {
      expect(deletionTargets([primary('p0', null)], [], noLive)).to.deep.equal([
        { name: 'p0', namespace: 'dns', endpoint: undefined },
      ]);
    });
  });

  it('byEndpoint groups instances that share a bindcar, in endpoint order', () => {
    const groups = byEndpoint([
      served('b', 'http://z:8080'),
      served('a', 'http://shared:8080'),
      served('c', 'http://shared:8080'),
    ]);
    expect(groups.map(([e, g]) => `${e}=${g.map((x) => x.name).join('+')}`)).to.deep.equal([
      'http://shared:8080=a+c',
      'http://z:8080=b',
    ]);
  });
});
