/**
 * The production-loop scenario table: what a user does with bindy's resources and what named must answer and the
 * statuses must say afterwards. Run by the local runtime (npm test) and by the real Metacontroller (test:cluster)
 * through ./loop-driver.ts; the rows are the same, so the two cannot drift apart unnoticed.
 */
import { expect } from 'chai';
import { delv } from '../support/delv.js';
import { condition, type LoopDriver, type LoopObject } from './loop-driver.js';

const V = 'bindy.firestoned.io/v1beta1';

export interface Scenario {
  readonly name: string;
  /**
   * `workloads`: the row reads what instances run (Deployments, NetworkPolicies, PodDisruptionBudgets). The local
   * runtime serves every instance from its one named, as an external instance, so it has none: only the real
   * Metacontroller runs such a row.
   */
  readonly needs?: 'workloads';
  run(d: LoopDriver): Promise<void>;
}

/** A hand-written external Bind9Instance serving through the driver's bindcar. */
function externalInstance(d: LoopDriver, name: string, extra: Partial<LoopObject> = {}): LoopObject {
  return {
    apiVersion: V,
    kind: 'Bind9Instance',
    metadata: { name, labels: { 'loop.bindy.test/placement': 'external' } },
    // A Bind9Instance always names its cluster; this one exists only as a name (no Bind9Cluster is needed for
    // an external instance placed by label).
    spec: { clusterRef: 'loop', role: 'primary', external: { ...d.external } },
    ...extra,
  };
}

/** A zone placed on the instances labelled like {@link externalInstance}. */
function zone(name: string, zoneName: string, spec: Record<string, unknown> = {}): LoopObject {
  return {
    apiVersion: V,
    kind: 'DNSZone',
    metadata: { name },
    spec: {
      zoneName,
      bind9InstancesFrom: [{ selector: { matchLabels: { 'loop.bindy.test/placement': 'external' } } }],
      ...spec,
    },
  };
}

function record(kind: string, name: string, spec: Record<string, unknown>): LoopObject {
  return { apiVersion: V, kind, metadata: { name }, spec };
}

async function expectReady(d: LoopDriver, kind: string, name: string, reason = 'Served'): Promise<LoopObject> {
  const obj = await d.get(kind, name);
  const c = condition(obj);
  expect(c, `${kind} ${name} Ready condition`).to.include({ reason });
  expect(c?.status, `${kind} ${name} Ready`).to.equal(reason === 'Served' ? 'True' : 'False');
  return obj!;
}

async function expectAnswer(d: LoopDriver, name: string, type: string, want: string[]): Promise<void> {
  expect(await d.dig(name, type), `${type} ${name}`).to.deep.equal([...want].sort());
}

/** The common start of a row: an external instance, zone `name` (`<name>.loop.test`) and one A record, answered. */
async function servedZone(d: LoopDriver, name: string, owner: string, ip: string): Promise<string> {
  const z = `${name}.loop.test`;
  await d.apply(
    externalInstance(d, 'ext'),
    zone(name, z),
    record('ARecord', owner, { zoneRef: name, ipv4Address: ip }),
  );
  await d.eventually(() => expectAnswer(d, `${owner}.${z}`, 'A', [ip]));
  return z;
}

/** The report bindy writes on a source (hooks/controllers/sources.ts): its records and the reasons of its problems. */
function sourceReport(o: LoopObject | undefined): { records: string[]; reasons: string[] } {
  const text = (o?.metadata['annotations'] as Record<string, string> | undefined)?.['bindy.firestoned.io/dns'];
  if (text === undefined) return { records: [], reasons: [] };
  const r = JSON.parse(text) as { records: string[]; problems: { reason: string }[] };
  return { records: r.records, reasons: r.problems.map((p) => p.reason) };
}

/** Runs `step`, then waits for `check`; returns the milliseconds from the step to the check passing. */
async function timed(d: LoopDriver, step: () => Promise<void>, check: () => Promise<void>): Promise<number> {
  const t0 = Date.now();
  await step();
  await d.eventually(check);
  return Date.now() - t0;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'a zone with every record kind is answered by named, every record Ready',
    async run(d) {
      const z = 'kinds.loop.test';
      await d.apply(
        externalInstance(d, 'ext'),
        zone('kinds', z),
        record('ARecord', 'www', { zoneRef: 'kinds', ipv4Address: '192.0.2.1' }),
        record('AAAARecord', 'www6', { zoneRef: 'kinds', name: 'www', ipv6Address: '2001:db8::1' }),
        record('CNAMERecord', 'api', { zoneRef: 'kinds', target: `www.${z}.` }),
        record('MXRecord', 'mx', { zoneRef: 'kinds', name: '@', priority: 10, mailServer: `www.${z}.` }),
        record('TXTRecord', 'spf', { zoneRef: 'kinds', name: '@', text: ['v=spf1 -all'] }),
        record('NSRecord', 'sub', { zoneRef: 'kinds', name: 'sub', nameserver: 'ns1.example.net.' }),
        record('SRVRecord', 'sip', {
          zoneRef: 'kinds',
          name: '_sip._tcp',
          priority: 10,
          weight: 5,
          port: 5060,
          target: `www.${z}.`,
        }),
        record('CAARecord', 'caa', { zoneRef: 'kinds', name: '@', flags: 0, tag: 'issue', value: 'letsencrypt.org' }),
      );
      await d.eventually(async () => {
        await expectAnswer(d, `www.${z}`, 'A', ['192.0.2.1']);
        await expectAnswer(d, `www.${z}`, 'AAAA', ['2001:db8::1']);
        await expectAnswer(d, `api.${z}`, 'CNAME', [`www.${z}.`]);
        await expectAnswer(d, z, 'MX', [`10 www.${z}.`]);
        await expectAnswer(d, z, 'TXT', ['"v=spf1 -all"']);
        await expectAnswer(d, `_sip._tcp.${z}`, 'SRV', [`10 5 5060 www.${z}.`]);
        await expectAnswer(d, z, 'CAA', ['0 issue "letsencrypt.org"']);
      });
      // The delegation is served as a referral, not an answer: check the record's status instead.
      await d.eventually(async () => {
        for (const [kind, name] of [
          ['ARecord', 'www'],
          ['AAAARecord', 'www6'],
          ['CNAMERecord', 'api'],
          ['MXRecord', 'mx'],
          ['TXTRecord', 'spf'],
          ['NSRecord', 'sub'],
          ['SRVRecord', 'sip'],
          ['CAARecord', 'caa'],
        ] as const) {
          await expectReady(d, kind, name);
        }
        await expectReady(d, 'DNSZone', 'kinds');
      });
    },
  },
  {
    // the record kinds beyond the first eight (RFC 6698, 4255, 9460, 3403, 4034, 6672, 1876) and the generic RRset, with the data
    // named answers in its own presentation form
    name: 'a zone with every newer record kind and a generic RRset is answered by named, every record Ready',
    async run(d) {
      const z = 'newer.loop.test';
      const kinds: [string, string, Record<string, unknown>][] = [
        ['ARecord', 'www', { name: 'www', ipv4Address: '192.0.2.1' }],
        ['NSRecord', 'sub', { name: 'sub', nameserver: 'ns1.example.net.' }],
        [
          'TLSARecord',
          'tlsa',
          { name: '_443._tcp.www', usage: 3, selector: 1, matchingType: 1, certificateData: 'ab'.repeat(32) },
        ],
        ['SSHFPRecord', 'sshfp', { name: 'www', algorithm: 4, fingerprintType: 2, fingerprint: 'cd'.repeat(32) }],
        ['SVCBRecord', 'svcb', { name: '_dns', priority: 1, target: `www.${z}.`, params: { alpn: ['h2'], port: 443 } }],
        ['HTTPSRecord', 'https', { name: '@', priority: 1, target: '.', params: { alpn: ['h3', 'h2'] } }],
        [
          'NAPTRRecord',
          'naptr',
          { name: '@', order: 10, preference: 10, flags: 'S', services: 'SIP+D2T', replacement: `_sip._tcp.${z}.` },
        ],
        ['DSRecord', 'ds', { name: 'sub', keyTag: 60485, algorithm: 13, digestType: 2, digest: 'ef'.repeat(32) }],
        ['DNAMERecord', 'dname', { name: 'legacy', target: 'example.net.' }],
        [
          'LOCRecord',
          'loc',
          {
            name: 'hq',
            latitude: '52 22 23.000 N',
            longitude: '4 53 32.000 E',
            altitude: '-2m',
            size: '20m',
            horizontalPrecision: '10m',
            verticalPrecision: '2m',
          },
        ],
        ['DNSRecordSet', 'rp', { name: '@', type: 'RP', records: [`hostmaster.${z}. .`] }],
      ];
      await d.apply(
        externalInstance(d, 'ext'),
        zone('newer', z),
        ...kinds.map(([kind, name, spec]) => record(kind, name, { zoneRef: 'newer', ...spec })),
      );
      // named prints long hex in 56-character chunks (its base16 presentation), dig shows it so
      const asNamed = (hex: string) => `${hex.slice(0, 56)} ${hex.slice(56)}`;
      await d.eventually(async () => {
        await expectAnswer(d, `_443._tcp.www.${z}`, 'TLSA', [`3 1 1 ${asNamed('AB'.repeat(32))}`]);
        await expectAnswer(d, `www.${z}`, 'SSHFP', [`4 2 ${asNamed('CD'.repeat(32))}`]);
        await expectAnswer(d, `_dns.${z}`, 'SVCB', [`1 www.${z}. alpn="h2" port=443`]);
        await expectAnswer(d, z, 'HTTPS', ['1 . alpn="h3,h2"']);
        await expectAnswer(d, z, 'NAPTR', [`10 10 "S" "SIP+D2T" "" _sip._tcp.${z}.`]);
        await expectAnswer(d, `legacy.${z}`, 'DNAME', ['example.net.']);
        await expectAnswer(d, `hq.${z}`, 'LOC', ['52 22 23.000 N 4 53 32.000 E -2.00m 20m 10m 2m']);
        await expectAnswer(d, z, 'RP', [`hostmaster.${z}. .`]);
      }, 40_000);
      await d.eventually(async () => {
        // the DS sits at the delegation (a referral, not an answer): its status says it is served
        for (const [kind, name] of kinds) await expectReady(d, kind, name);
        await expectReady(d, 'DNSZone', 'newer');
      });
    },
  },
  {
    name: 'a record change is answered, a deleted record disappears',
    async run(d) {
      const z = await servedZone(d, 'change', 'app', '192.0.2.10');
      await d.apply(record('ARecord', 'app', { zoneRef: 'change', ipv4Address: '192.0.2.11', ttl: 60 }));
      await d.eventually(async () => {
        await expectAnswer(d, `app.${z}`, 'A', ['192.0.2.11']);
        const app = await expectReady(d, 'ARecord', 'app');
        expect(condition(app)?.observedGeneration, 'Ready for the served generation').to.equal(app.metadata.generation);
      });
      await d.remove('ARecord', 'app');
      await d.eventually(() => expectAnswer(d, `app.${z}`, 'A', []));
    },
  },
  {
    // The zone a record leaves must still find it (the status-zone index label) to take it out and say so.
    name: 'a record whose zoneRef moves is served by its new zone only; moved to no zone it says NotSelected',
    async run(d) {
      const a = await servedZone(d, 'move-a', 'mv', '192.0.2.15');
      const b = 'move-b.loop.test';
      await d.apply(zone('move-b', b), record('ARecord', 'mv', { zoneRef: 'move-b', ipv4Address: '192.0.2.15' }));
      await d.eventually(async () => {
        await expectAnswer(d, `mv.${b}`, 'A', ['192.0.2.15']);
        await expectAnswer(d, `mv.${a}`, 'A', []);
        const mv = await expectReady(d, 'ARecord', 'mv');
        expect(mv.status?.['zone'], 'status.zone').to.equal(b);
        expect(condition(mv)?.observedGeneration, 'Ready for the moved generation').to.equal(mv.metadata.generation);
      });
      await d.apply(record('ARecord', 'mv', { zoneRef: 'move-nowhere', ipv4Address: '192.0.2.15' }));
      await d.eventually(async () => {
        await expectAnswer(d, `mv.${b}`, 'A', []);
        const mv = await expectReady(d, 'ARecord', 'mv', 'NotSelected');
        expect(condition(mv)?.observedGeneration, 'NotSelected for the current generation').to.equal(
          mv.metadata.generation,
        );
      });
    },
  },
  {
    name: 'a CNAME beside other data: the oldest record wins, the other says Conflict',
    async run(d) {
      const z = await servedZone(d, 'conflict', 'host', '192.0.2.20');
      await d.apply(
        record('CNAMERecord', 'host-alias', { zoneRef: 'conflict', name: 'host', target: 'elsewhere.example.' }),
      );
      await d.eventually(async () => {
        await expectReady(d, 'CNAMERecord', 'host-alias', 'Conflict');
        await expectReady(d, 'ARecord', 'host');
        await expectAnswer(d, `host.${z}`, 'A', ['192.0.2.20']);
      });
    },
  },
  {
    name: 'a deleted zone is gone from named and its object is released',
    async run(d) {
      const z = await servedZone(d, 'gone', 'www', '192.0.2.30');
      await d.remove('DNSZone', 'gone');
      await d.eventually(async () => {
        expect(await d.dig(z, 'SOA'), 'named no longer serves the zone').to.equal(undefined);
        expect(await d.get('DNSZone', 'gone'), 'finalizer released').to.equal(undefined);
      });
    },
  },
  {
    name: 'a signed zone keeps its keys in its Secret: a named that lost the zone signs it again with the same keys',
    async run(d) {
      const z = 'signed.loop.test';
      const signedZone = (extra: Record<string, unknown> = {}) => ({
        ...zone('signed', z, { dnssecPolicy: 'default' }),
        ...extra,
      });
      await d.apply(
        externalInstance(d, 'ext'),
        signedZone(),
        record('ARecord', 'www', { zoneRef: 'signed', ipv4Address: '192.0.2.70' }),
      );
      // named signs it, the zone reports its DS and names the Secret that holds every published key
      const before = await d.eventually(async () => {
        const dnssec = (await d.get('DNSZone', 'signed'))?.status?.['dnssec'] as
          { state: string; keyTags: number[]; ds: string[]; keysSecret?: string } | undefined;
        expect(dnssec?.state, JSON.stringify(dnssec)).to.equal('signed');
        expect(dnssec?.keysSecret, JSON.stringify(dnssec)).to.equal('signed-dnssec-keys');
        return dnssec!;
      }, 60_000);
      const secret = await d.get('Secret', 'signed-dnssec-keys');
      expect(secret?.['type']).to.equal('bindy.firestoned.io/dnssec-keys');
      expect(Object.keys((secret?.['data'] as Record<string, string>) ?? {})).to.include.members(
        before.keyTags.map((t) => `13-${t}.private`),
      );
      // the status is what bindcar read from named a moment ago; one CI run's single read right after it found no DNSKEY
      const keys = await d.eventually(async () => {
        const served = await d.dig(z, 'DNSKEY');
        expect(served, 'DNSKEY served').to.have.length.above(0);
        return served!;
      });
      // WHEN named loses the zone with its keys (a pod restart on emptyDir) and the zone is synced again
      await d.forgetZone(z);
      expect(await d.dig(z, 'SOA'), 'named no longer serves the zone').to.equal(undefined);
      await d.apply(signedZone({ metadata: { name: 'signed', annotations: { 'loop.bindy.test/restarted': 'yes' } } }));
      // THEN it serves the zone again, signed with the same DNSKEY set: the DS at a parent still matches
      await d.eventually(async () => {
        expect(await d.dig(z, 'DNSKEY'), 'DNSKEY after the restart').to.deep.equal(keys);
        expect(await d.dig(`www.${z}`, 'A')).to.deep.equal(['192.0.2.70']);
      }, 60_000);
      const after = (await d.get('DNSZone', 'signed'))?.status?.['dnssec'] as { ds: string[]; keysSecret?: string };
      expect(after.ds).to.deep.equal(before.ds);
      expect(after.keysSecret).to.equal('signed-dnssec-keys');
    },
  },
  {
    name: 'a signed child in a signed parent: the parent serves its DS, delv validates parent → child, also after named lost both',
    async run(d) {
      const [parentName, childName] = ['parent.loop.test', 'child.parent.loop.test'];
      const zones = (annotations?: Record<string, string>) =>
        [
          zone('parent', parentName, { dnssecPolicy: 'default' }),
          zone('child', childName, { dnssecPolicy: 'default', dnssecParentRef: 'parent' }),
        ].map((z) => (annotations ? { ...z, metadata: { ...z.metadata, annotations } } : z));
      await d.apply(
        externalInstance(d, 'ext'),
        ...zones(),
        record('NSRecord', 'child-delegation', { zoneRef: 'parent', name: 'child', nameserver: 'ns1.example.net.' }),
        record('ARecord', 'child-www', { zoneRef: 'child', name: 'www', ipv4Address: '192.0.2.90' }),
      );
      type Dnssec = { state: string; ds: string[]; keysSecret?: string };
      const dnssecOf = async (name: string) => (await d.get('DNSZone', name))?.status?.['dnssec'] as Dnssec | undefined;
      // the parent serves the child's DS at the delegation once the child's keys are kept
      const [parentDs, childDs] = await d.eventually(async () => {
        const [p, c] = [await dnssecOf('parent'), await dnssecOf('child')];
        expect(p?.state, JSON.stringify(p)).to.equal('signed');
        expect(c?.keysSecret, JSON.stringify(c)).to.equal('child-dnssec-keys');
        // dig splits the digest into words
        const served = (await d.dig(childName, 'DS'))?.map((x) => {
          const [tag, alg, type, ...digest] = x.split(/\s+/);
          return `${tag} ${alg} ${type} ${digest.join('')}`;
        });
        expect(served, 'DS at the parent').to.deep.equal(c!.ds.map((l) => l.split(' ').slice(3).join(' ')));
        return [p!.ds, c!.ds];
      }, 60_000);
      expect(childDs).to.have.length(1);
      const validated = async () =>
        expect(await delv(d.external.dnsAddress, parentName, parentDs, `www.${childName}`, 'A')).to.include(
          '; fully validated',
        );
      await d.eventually(validated, 30_000);
      // WHEN named loses both zones with their keys (a pod restart on emptyDir) and they are synced again
      await d.forgetZone(childName);
      await d.forgetZone(parentName);
      await d.apply(...zones({ 'loop.bindy.test/restarted': 'yes' }));
      // THEN the chain from the parent's old DS still validates the child's answer
      await d.eventually(validated, 60_000);
      expect((await dnssecOf('child'))?.ds).to.deep.equal(childDs);
      expect((await dnssecOf('parent'))?.ds).to.deep.equal(parentDs);
    },
  },
  {
    name: 'bindcar down: deletion is blocked (DeletionBlocked) and completes once it is back',
    async run(d) {
      const z = await servedZone(d, 'blocked', 'www', '192.0.2.40');
      await d.stopBindcar();
      try {
        await d.remove('DNSZone', 'blocked');
        await d.eventually(async () => {
          const obj = await d.get('DNSZone', 'blocked');
          expect(condition(obj, 'DeletionBlocked'), 'DeletionBlocked').to.include({ status: 'True' });
        }, 30_000);
        await expectAnswer(d, `www.${z}`, 'A', ['192.0.2.40']);
      } finally {
        await d.startBindcar();
      }
      await d.eventually(async () => {
        expect(await d.dig(z, 'SOA'), 'named no longer serves the zone').to.equal(undefined);
        expect(await d.get('DNSZone', 'blocked'), 'finalizer released').to.equal(undefined);
      }, 40_000);
    },
  },
  {
    name: 'a zone that lost its placement says so, and once deleted is gone from named',
    async run(d) {
      const z = await servedZone(d, 'unplaced', 'www', '192.0.2.50');
      // The instance no longer matches the zone's bind9InstancesFrom selector.
      await d.apply(externalInstance(d, 'ext', { metadata: { name: 'ext', labels: { other: 'x' } } }));
      await d.eventually(async () => {
        const obj = await d.get('DNSZone', 'unplaced');
        expect(condition(obj)?.status, 'zone Ready').to.equal('False');
        const orphaned = condition(obj, 'Orphaned');
        expect(orphaned?.status, 'Orphaned condition').to.equal('True');
        expect(orphaned?.message ?? '', 'the condition names where the zone is still served').to.include('ext');
      });
      await d.remove('DNSZone', 'unplaced');
      await d.eventually(async () => {
        expect(await d.dig(z, 'SOA'), 'named no longer serves the zone').to.equal(undefined);
        expect(await d.get('DNSZone', 'unplaced'), 'finalizer released').to.equal(undefined);
      });
    },
  },
  {
    name: 'a hand-written instance is placed through its spec.clusterRef',
    async run(d) {
      const z = 'handwritten.loop.test';
      await d.apply(
        {
          apiVersion: V,
          kind: 'Bind9Cluster',
          metadata: { name: 'hand' },
          spec: { version: '9.18', primary: { replicas: 0 }, secondary: { replicas: 0 } },
        },
        {
          apiVersion: V,
          kind: 'Bind9Instance',
          metadata: { name: 'hand-primary' },
          spec: { clusterRef: 'hand', role: 'primary', external: { ...d.external } },
        },
        {
          apiVersion: V,
          kind: 'DNSZone',
          metadata: { name: 'handwritten' },
          spec: { zoneName: z, clusterRef: 'hand' },
        },
        record('ARecord', 'www', { zoneRef: 'handwritten', ipv4Address: '192.0.2.60' }),
      );
      // Placement waits for the index-label decorator to label the instance (the only row that relies on it), which
      // works through everything earlier rows left: a longer budget than the other rows. Ready first: when it is
      // not, the failure names the zone's reason (NoPrimaries, WaitingForInstances, …) and the instance's labels.
      await d.eventually(async () => {
        const instance = await d.get('Bind9Instance', 'hand-primary');
        const labels = JSON.stringify(instance?.metadata.labels ?? {});
        await expectReady(d, 'DNSZone', 'handwritten').catch((e: Error) => {
          throw new Error(`${e.message} (hand-primary labels ${labels})`);
        });
        await expectAnswer(d, `www.${z}`, 'A', ['192.0.2.60']);
      }, 90_000);
    },
  },
  {
    name: 'records of a zone that is not served yet have a status saying why',
    async run(d) {
      await d.apply(
        {
          apiVersion: V,
          kind: 'DNSZone',
          metadata: { name: 'nowhere' },
          spec: {
            zoneName: 'nowhere.loop.test',
            bind9InstancesFrom: [{ selector: { matchLabels: { 'loop.bindy.test/placement': 'none' } } }],
          },
        },
        record('ARecord', 'www', { zoneRef: 'nowhere', ipv4Address: '192.0.2.70' }),
      );
      await d.eventually(async () => {
        const www = await d.get('ARecord', 'www');
        const c = condition(www);
        expect(c?.status, 'record Ready').to.equal('False');
        expect(c?.reason, 'record reason').to.be.a('string').and.not.equal('Served');
        expect(www?.status?.['zone'], 'status.zone').to.equal('nowhere.loop.test');
      });
    },
  },
  {
    name: 'a push deleting most of a zone is held (DeletionsHeld) until its token is acknowledged',
    async run(d) {
      const z = 'guard.loop.test';
      const hosts = Array.from({ length: 12 }, (_, i) => `h${i}`);
      await d.apply(
        externalInstance(d, 'ext'),
        zone('guard', z),
        ...hosts.map((h, i) => record('ARecord', h, { zoneRef: 'guard', ipv4Address: `192.0.2.${i + 1}` })),
      );
      await d.eventually(() => expectAnswer(d, `h11.${z}`, 'A', ['192.0.2.12']), 40_000);
      // WHEN 8 of its 14 records (12 hosts, the name server and its glue) are deleted one by one, as a prune does
      for (const h of hosts.slice(4)) await d.remove('ARecord', h);
      // THEN they count as one deletion: held once it passes 30 % (the first ones may have gone), and the zone says
      // what would go and how to let it
      const held = await d.eventually(async () => {
        const c = condition(await d.get('DNSZone', 'guard'));
        expect(c, 'zone Ready').to.include({ status: 'False', reason: 'DeletionsHeld' });
        expect(c?.message).to.match(/would delete 8 of the 14 records/);
        return c!.message!;
      }, 40_000);
      await expectAnswer(d, `h11.${z}`, 'A', ['192.0.2.12']);
      const token = /allow-deletions=([0-9a-f]+)/.exec(held)?.[1];
      expect(token, `a token in "${held}"`).to.be.a('string');
      // acknowledged: applied, and the zone is Ready again
      const acked = zone('guard', z);
      acked.metadata.annotations = { 'bindy.firestoned.io/allow-deletions': token };
      await d.apply(acked);
      await d.eventually(async () => {
        await expectAnswer(d, `h11.${z}`, 'A', []);
        await expectAnswer(d, `h3.${z}`, 'A', ['192.0.2.4']);
        await expectReady(d, 'DNSZone', 'guard');
      }, 40_000);
    },
  },
  {
    name: 'records another tool keeps in the zone survive (unmanagedRecords); a record a rule matches says Unmanaged',
    async run(d) {
      const z = 'shared.loop.test';
      await d.apply(
        externalInstance(d, 'ext'),
        zone('shared', z, { unmanagedRecords: [{ name: '_acme-challenge.**', type: 'TXT' }] }),
        record('ARecord', 'www', { zoneRef: 'shared', ipv4Address: '192.0.2.80' }),
      );
      await d.eventually(() => expectAnswer(d, `www.${z}`, 'A', ['192.0.2.80']), 40_000);
      // another tool answers an ACME challenge with a plain DNS UPDATE (bindcar's upstream record route)
      const add = await d.bindcarApi('post', `/api/v1/zones/${z}/records`, {
        name: '_acme-challenge.www',
        type: 'TXT',
        value: 'challenge-token',
        ttl: 60,
      });
      expect(add.status, JSON.stringify(add.data)).to.equal(201);
      // bindy's own change goes through and leaves it alone; a record of bindy's the rule matches is not served
      await d.apply(
        record('ARecord', 'www', { zoneRef: 'shared', ipv4Address: '192.0.2.81' }),
        record('TXTRecord', 'acme', { zoneRef: 'shared', name: '_acme-challenge.api', text: ['mine'] }),
      );
      await d.eventually(async () => {
        await expectAnswer(d, `www.${z}`, 'A', ['192.0.2.81']);
        await expectReady(d, 'TXTRecord', 'acme', 'Unmanaged');
      }, 40_000);
      await expectAnswer(d, `_acme-challenge.www.${z}`, 'TXT', ['"challenge-token"']);
      await expectAnswer(d, `_acme-challenge.api.${z}`, 'TXT', []);
    },
  },
  {
    name: 'a zone another tool created is left alone (ZoneNotOwned) until spec.adoptExisting',
    async run(d) {
      const z = 'theirs.loop.test';
      const created = await d.bindcarApi('post', '/api/v1/zones', {
        zoneName: z,
        zoneType: 'primary',
        zoneConfig: {
          ttl: 300,
          soa: { primaryNs: `ns1.${z}.`, adminEmail: `hostmaster.${z}.` },
          nameServers: [`ns1.${z}.`],
          nameServerIps: { [`ns1.${z}.`]: '192.0.2.53' },
          records: [{ name: 'legacy', type: 'A', value: '192.0.2.99' }],
        },
      });
      expect(created.status, JSON.stringify(created.data)).to.equal(201);
      await d.apply(
        externalInstance(d, 'ext'),
        zone('theirs', z),
        record('ARecord', 'www', { zoneRef: 'theirs', ipv4Address: '192.0.2.90' }),
      );
      await d.eventually(async () => {
        const c = condition(await d.get('DNSZone', 'theirs'));
        expect(c, 'zone Ready').to.include({ status: 'False', reason: 'ZoneNotOwned' });
        expect(c?.message).to.include('spec.adoptExisting');
      }, 40_000);
      await expectAnswer(d, `legacy.${z}`, 'A', ['192.0.2.99']);
      await d.apply(zone('theirs', z, { adoptExisting: true }));
      await d.eventually(async () => {
        await expectAnswer(d, `www.${z}`, 'A', ['192.0.2.90']);
        await expectAnswer(d, `legacy.${z}`, 'A', []);
        await expectReady(d, 'DNSZone', 'theirs');
      }, 40_000);
    },
  },
  {
    name: 'a cluster gets a NetworkPolicy per instance and a PodDisruptionBudget per role of two pods, following its settings',
    needs: 'workloads',
    async run(d) {
      const cluster = (spec: Record<string, unknown> = {}): LoopObject => ({
        apiVersion: V,
        kind: 'Bind9Cluster',
        metadata: { name: 'ops' },
        spec: { primary: { replicas: 1 }, secondary: { replicas: 2 }, ...spec },
      });
      await d.apply(cluster());
      await d.eventually(async () => {
        for (const i of ['ops-primary-0', 'ops-secondary-0', 'ops-secondary-1'])
          expect(await d.get('NetworkPolicy', i), `NetworkPolicy ${i}`).to.not.equal(undefined);
        const pdb = await d.get('PodDisruptionBudget', 'ops-secondary');
        expect(pdb?.spec, 'PodDisruptionBudget ops-secondary').to.deep.include({ minAvailable: 1 });
        // one primary: a budget over it would block every drain
        expect(await d.get('PodDisruptionBudget', 'ops-primary')).to.equal(undefined);
      }, 40_000);
      // a changed setting updates the policy in place
      await d.apply(cluster({ networkPolicy: { dnsFrom: [{ ipBlock: { cidr: '10.0.0.0/8' } }] } }));
      await d.eventually(async () => {
        const np = await d.get('NetworkPolicy', 'ops-secondary-0');
        const rules = (np?.spec?.['ingress'] ?? []) as { from?: { ipBlock?: { cidr: string } }[] }[];
        expect(rules[0]?.from?.map((p) => p.ipBlock?.cidr)).to.deep.equal([undefined, '10.0.0.0/8']);
      }, 40_000);
      // switched off: both are deleted
      await d.apply(cluster({ networkPolicy: { enabled: false }, podDisruptionBudget: { enabled: false } }));
      await d.eventually(async () => {
        expect(await d.get('NetworkPolicy', 'ops-secondary-0')).to.equal(undefined);
        expect(await d.get('PodDisruptionBudget', 'ops-secondary')).to.equal(undefined);
      }, 40_000);
      await d.remove('Bind9Cluster', 'ops');
    },
  },
  {
    // automatic PTR (hooks/zone/ptr.ts): the reverse zone finds the A records by the index decorator's address-prefix
    // labels and its own customize rules, so this row proves those relations under the real Metacontroller
    name: 'an A record asking for its PTR is answered in the reverse zone; the older of two names keeps an address; a moved or deleted A takes its PTR along',
    async run(d) {
      const fwd = 'fwd.loop.test';
      const rev = '100.51.198.in-addr.arpa';
      const ptrOf = (octet: number) => d.dig(`${octet}.${rev}`, 'PTR');
      const ptrStatus = async (name: string) =>
        ((await d.get('ARecord', name))?.status?.['ptr'] as Record<string, { state: string }> | undefined)?.[rev];
      await d.apply(
        externalInstance(d, 'ext'),
        zone('fwd', fwd),
        zone('rev', rev),
        record('ARecord', 'app', { zoneRef: 'fwd', ipv4Address: '198.51.100.7', ptr: true }),
      );
      await d.eventually(async () => {
        expect(await ptrOf(7), 'PTR of 198.51.100.7').to.deep.equal([`app.${fwd}.`]);
        expect(await ptrStatus('app'), 'app status.ptr').to.include({ state: 'Served' });
      }, 40_000);
      // a younger record claiming the same address is told, and named keeps the older name
      await d.apply(record('ARecord', 'other', { zoneRef: 'fwd', ipv4Address: '198.51.100.7', ptr: true }));
      await d.eventually(async () => {
        expect(await ptrStatus('other'), 'other status.ptr').to.include({ state: 'Conflict' });
        expect(await ptrOf(7)).to.deep.equal([`app.${fwd}.`]);
      }, 40_000);
      // app moves to .8: its PTR follows, and .7 goes to the record that was waiting for it
      await d.apply(record('ARecord', 'app', { zoneRef: 'fwd', ipv4Address: '198.51.100.8', ptr: true }));
      await d.eventually(async () => {
        expect(await ptrOf(8), 'PTR of 198.51.100.8').to.deep.equal([`app.${fwd}.`]);
        expect(await ptrOf(7), 'PTR of 198.51.100.7').to.deep.equal([`other.${fwd}.`]);
        expect(await ptrStatus('other'), 'other status.ptr').to.include({ state: 'Served' });
      }, 40_000);
      await d.remove('ARecord', 'app');
      await d.eventually(async () => {
        expect(await ptrOf(8), 'PTR of the deleted A').to.deep.equal([]);
        expect(await ptrOf(7)).to.deep.equal([`other.${fwd}.`]);
      }, 40_000);
    },
  },
  {
    name: 'an annotated Ingress and a LoadBalancer Service publish their hosts at the load-balancer addresses, follow changes and leave with them',
    async run(d) {
      const z = 'src.loop.test';
      // GIVEN a zone with a record declared by hand at taken.src.loop.test
      await d.apply(
        externalInstance(d, 'ext'),
        zone('src', z),
        record('ARecord', 'taken', { zoneRef: 'src', ipv4Address: '192.0.2.99' }),
      );
      await d.eventually(() => expectAnswer(d, `taken.${z}`, 'A', ['192.0.2.99']));
      const ingress = (hosts: string[]): LoopObject => ({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'shop', annotations: { 'bindy.firestoned.io/zone': 'src', 'bindy.firestoned.io/ttl': '60' } },
        spec: {
          rules: hosts.map((host) => ({
            host,
            http: {
              paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'shop', port: { number: 80 } } } }],
            },
          })),
        },
      });
      const service: LoopObject = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: 'api',
          annotations: { 'bindy.firestoned.io/zone': 'src', 'bindy.firestoned.io/hostname': `api.${z}` },
        },
        spec: { type: 'LoadBalancer', ports: [{ port: 443, targetPort: 8443 }], selector: { app: 'api' } },
      };
      // WHEN the sources are applied without an address THEN nothing is published, and they say why
      await d.apply(ingress([`www.${z}`, `taken.${z}`]), service);
      await d.eventually(async () => {
        expect(sourceReport(await d.get('Ingress', 'shop')).reasons).to.deep.equal(['NoAddress']);
        expect(sourceReport(await d.get('Service', 'api')).reasons).to.deep.equal(['NoAddress']);
      });
      expect(await d.dig(`www.${z}`, 'A')).to.deep.equal([]);
      // WHEN the load balancers get addresses THEN the hosts answer: an A for the ip, a CNAME for the hostname
      const create = await timed(
        d,
        async () => {
          await d.setLoadBalancer('Ingress', 'shop', [{ ip: '192.0.2.10' }]);
          await d.setLoadBalancer('Service', 'api', [{ hostname: 'lb-1.elb.example.net' }]);
        },
        async () => {
          await expectAnswer(d, `www.${z}`, 'A', ['192.0.2.10']);
          await expectAnswer(d, `api.${z}`, 'CNAME', ['lb-1.elb.example.net.']);
        },
      );
      // the record declared by hand keeps its name, and the Ingress reports that its record there yields
      await expectAnswer(d, `taken.${z}`, 'A', ['192.0.2.99']);
      await d.eventually(async () =>
        expect(sourceReport(await d.get('Ingress', 'shop')).reasons).to.deep.equal(['Conflict']),
      );
      // WHEN the address changes THEN the answer follows (an IPv6 address adds the AAAA)
      const change = await timed(
        d,
        () => d.setLoadBalancer('Ingress', 'shop', [{ ip: '192.0.2.20' }, { ip: '2001:db8::20' }]),
        async () => {
          await expectAnswer(d, `www.${z}`, 'A', ['192.0.2.20']);
          await expectAnswer(d, `www.${z}`, 'AAAA', ['2001:db8::20']);
        },
      );
      // WHEN the Ingress's host changes THEN the new host answers and the old one is gone
      const host = await timed(
        d,
        () => d.apply(ingress([`shop.${z}`, `taken.${z}`])),
        async () => {
          await expectAnswer(d, `shop.${z}`, 'A', ['192.0.2.20']);
          await expectAnswer(d, `www.${z}`, 'A', []);
        },
      );
      // WHEN the Service loses its zone annotation THEN its name is gone, and so is bindy's report on it
      const unannotated = structuredClone(service);
      delete (unannotated.metadata['annotations'] as Record<string, string>)['bindy.firestoned.io/zone'];
      const optOut = await timed(
        d,
        () => d.apply(unannotated),
        async () => {
          await expectAnswer(d, `api.${z}`, 'CNAME', []);
          const svc = await d.get('Service', 'api');
          expect(svc, 'the Service stays').to.not.equal(undefined);
          expect(sourceReport(svc).records, 'its report').to.deep.equal([]);
          expect(svc!.metadata['finalizers'] ?? [], 'its finalizer released').to.deep.equal([]);
        },
      );
      // WHEN the sources are deleted THEN their names are gone, the record declared by hand stays
      const gone = await timed(
        d,
        async () => {
          await d.remove('Ingress', 'shop');
          await d.remove('Service', 'api');
        },
        async () => {
          await expectAnswer(d, `shop.${z}`, 'A', []);
          expect(await d.get('Ingress', 'shop'), 'the Ingress, once its finalizer is released').to.equal(undefined);
        },
      );
      await expectAnswer(d, `taken.${z}`, 'A', ['192.0.2.99']);
      console.log(
        `      sources (${d.name}): status patch → dig answer ${create} ms, address change ${change} ms, host change ${host} ms, annotation removed ${optOut} ms, deletion ${gone} ms`,
      );
    },
  },
];
