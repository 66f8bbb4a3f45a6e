/**
 * hooks/zone/dnssec.ts: the Secret that keeps a signed zone's keys, what status.dnssec says from the primaries'
 * reports, the DSChanged event, the parent handoff and the checkds steps.
 */
import { expect } from 'chai';
import type { DnssecKeyFiles, ZoneDnssec } from '../../../dns/contract.js';
import type { KubeObject, ObjectMap } from '../../../hooks/metacontroller.js';
import type { DNSZone } from '../../../hooks/schema/generated.js';
import {
  checkDsSteps,
  childDsRecords,
  dnssecEvents,
  dnssecKeysSecret,
  keptDnssecKeys,
  keysToKeep,
  zoneDnssecStatus,
  type DnssecStatus,
} from '../../../hooks/zone/dnssec.js';
import type { PutZoneBody } from '../../../dns/contract.js';
import type { Placement } from '../../../hooks/zone/select.js';
import type { InstancePush } from '../../../hooks/zone/status.js';
import { relatedMap } from './support.js';

const V = 'bindy.firestoned.io/v1beta1';

function zone(spec: Partial<DNSZone['spec']> = {}, dnssec?: DnssecStatus): DNSZone {
  return {
    apiVersion: V,
    kind: 'DNSZone',
    metadata: { name: 'z', namespace: 'dns' },
    spec: { zoneName: 'example.com', clusterRef: 'c', ...spec },
    ...(dnssec ? { status: { dnssec } } : {}),
  } as DNSZone;
}

const primary: Placement = {
  name: 'p0',
  namespace: 'dns',
  role: 'primary',
  endpoint: 'http://p0',
  dnsEndpoint: undefined,
};

describe('hooks/zone/dnssec', () => {
  describe('the keys Secret', () => {
    // a key-signing key of example.com made by `dnssec-keygen -a ECDSAP256SHA256 -f KSK example.com` for this test
    const KEY: DnssecKeyFiles = {
      algorithm: 13,
      keyTag: 61913,
      key: [
        '; This is a key-signing key, keyid 61913, for example.com.',
        'example.com. IN DNSKEY 257 3 13 DCfQK6kL4rXMK9r44jTznxum0Mu8kNlHNmCyq1JBuENOchz3pAAMWju7 3oLJPqhbyu9Abt/GwFmM+jZ6BGl36Q==',
        '',
      ].join('\n'),
      private: [
        'Private-key-format: v1.3',
        'Algorithm: 13 (ECDSAP256SHA256)',
        'PrivateKey: c/eZdRa/K4K9kZb78BxRftahoMgK3njvcdPBNXGWzlw=',
        'Created: 20261202233039',
        '',
      ].join('\n'),
      state: '; This is the state of key 61913, for example.com.\nAlgorithm: 13\nKSK: yes\nZSK: yes\n',
    };
    const children = (secret: KubeObject): ObjectMap => ({ 'Secret.v1': { [`dns/${secret.metadata.name}`]: secret } });
    const served = (keys?: DnssecKeyFiles[]): InstancePush => ({
      instance: primary,
      outcome: { state: 'served', serial: 1, ...(keys ? { dnssecKeys: keys } : {}) },
    });

    it('holds each key file under <algorithm>-<tag>.<ext>, and reads back what it holds', () => {
      const secret = dnssecKeysSecret(zone(), 'example.com', [KEY])!;
      expect(secret.metadata.name).to.equal('z-dnssec-keys');
      expect(secret['type']).to.equal('bindy.firestoned.io/dnssec-keys');
      expect(secret.metadata.annotations).to.deep.equal({ 'bindy.firestoned.io/dnssec-keys-of': 'example.com' });
      expect(Object.keys(secret['data'] as object)).to.deep.equal([
        '13-61913.key',
        '13-61913.private',
        '13-61913.state',
      ]);
      expect(keptDnssecKeys(zone(), 'example.com', children(secret))).to.deep.equal({ keys: [KEY], problems: [] });
      expect(dnssecKeysSecret(zone(), 'example.com', [])).to.equal(undefined);
    });

    it('leaves out, and names, what is not a key of the zone', () => {
      const secret = dnssecKeysSecret(zone(), 'example.com', [KEY])!;
      const data = { ...(secret['data'] as Record<string, string>) };
      data['13-61913.key'] = Buffer.from(KEY.key.replace('example.com. IN', 'other.test. IN')).toString('base64');
      const kept = keptDnssecKeys(zone(), 'example.com', children({ ...secret, data } as KubeObject));
      expect(kept.keys).to.deep.equal([]);
      expect(kept.problems).to.have.length(1);
      expect(kept.problems[0]).to.match(
        /^Secret z-dnssec-keys key 61913\[0\]\.key: the \.key file is a key of other\.test\./,
      );
      // a key of another zone name is not one of this zone's
      expect(keptDnssecKeys(zone(), 'example.org', children(secret)).keys).to.deep.equal([]);
      expect(keptDnssecKeys(zone(), 'example.com', {})).to.deep.equal({ keys: [], problems: [] });
    });

    it('keeps what a primary reported, else what it held: no pass drops a key', () => {
      const other = { ...KEY, keyTag: 1 };
      expect(keysToKeep([served([KEY])], [other])).to.deep.equal([KEY]);
      expect(keysToKeep([served(), served([KEY])], [other])).to.deep.equal([KEY]);
      expect(
        keysToKeep([served([]), { instance: primary, outcome: { state: 'failed', message: 'down' } }], [other]),
      ).to.deep.equal([other]);
    });

    it('status.dnssec names the Secret once it holds every published key', () => {
      const report: ZoneDnssec = {
        state: 'signed',
        policy: 'default',
        keys: [{ keyTag: 61913, algorithm: 13, role: 'CSK' }],
        ds: ['example.com. IN DS 61913 13 2 AA'],
      };
      const push: InstancePush = { instance: primary, outcome: { state: 'served', serial: 1, dnssec: report } };
      expect(zoneDnssecStatus(zone(), 'default', [push], [KEY])?.keysSecret).to.equal('z-dnssec-keys');
      expect(zoneDnssecStatus(zone(), 'default', [push], [])?.keysSecret).to.equal(undefined);
      expect(zoneDnssecStatus(zone(), 'default', [push], [{ ...KEY, keyTag: 2 }])?.keysSecret).to.equal(undefined);
      // a ZSK the Secret lacks breaks no chain (named makes a new one): only the keys behind the DS count
      const split: InstancePush = {
        instance: primary,
        outcome: {
          state: 'served',
          serial: 1,
          dnssec: { ...report, keys: [...report.keys, { keyTag: 5, algorithm: 13, role: 'ZSK' }] },
        },
      };
      expect(zoneDnssecStatus(zone(), 'default', [split], [KEY])?.keysSecret).to.equal('z-dnssec-keys');
    });
  });

  describe('zoneDnssecStatus', () => {
    const report = (tags: number[], state: ZoneDnssec['state'] = 'signed'): ZoneDnssec => ({
      state,
      policy: 'default',
      keys: tags.map((keyTag) => ({ keyTag, algorithm: 13, algorithmName: 'ECDSAP256SHA256', role: 'CSK' as const })),
      ds: tags.map((t) => `example.com. IN DS ${t} 13 2 ${String(t).padStart(64, '0')}`),
    });
    const served = (dnssec?: ZoneDnssec): InstancePush => ({
      instance: primary,
      outcome: { state: 'served', serial: 1, ...(dnssec ? { dnssec } : {}) },
    });
    const failed: InstancePush = { instance: primary, outcome: { state: 'failed', message: 'down' } };

    it('reports state, policy, algorithm, key tags and DS of a primary', () => {
      expect(zoneDnssecStatus(zone(), 'default', [served(report([7]))], [])).to.deep.equal({
        state: 'signed',
        policy: 'default',
        algorithm: 13,
        keyTags: [7],
        ds: [`example.com. IN DS 7 13 2 ${'7'.padStart(64, '0')}`],
      });
    });

    it('keeps what the status said when no primary reported (failed push, changed-RRsets path)', () => {
      const before = zoneDnssecStatus(zone(), 'default', [served(report([7]))], [])!;
      expect(zoneDnssecStatus(zone({}, before), 'default', [failed], [])).to.equal(before);
      expect(zoneDnssecStatus(zone({}, before), 'default', [served()], [])).to.equal(before);
    });

    it('says signing, with no DS, before any primary reported', () => {
      expect(zoneDnssecStatus(zone(), 'default', [failed], [])).to.deep.equal({
        state: 'signing',
        policy: 'default',
        keyTags: [],
        ds: [],
      });
    });

    it('is signing while any primary is, and names primaries that sign with different keys', () => {
      const s = zoneDnssecStatus(zone(), 'default', [served(report([9])), served(report([7], 'signing'))], [])!;
      expect(s.state).to.equal('signing');
      expect(s.keyTags).to.deep.equal([7, 9]);
      expect(s.ds).to.have.length(2);
      expect(s.message).to.include('different DNSKEY sets');
      expect(zoneDnssecStatus(zone(), 'default', [served(report([7])), served(report([7]))], [])!.message).to.equal(
        undefined,
      );
    });

    it('keeps the DS the parent has while a primary signs again, and changes them once it signed', () => {
      const before = zoneDnssecStatus(zone(), 'default', [served(report([7]))], [])!;
      // a named that lost its directory: signing, with none or part of the keys published yet
      const restarting = { ...report([]), state: 'signing' as const };
      const during = zoneDnssecStatus(zone({}, before), 'default', [served(restarting)], [])!;
      expect([during.state, during.ds]).to.deep.equal(['signing', before.ds]);
      expect(dnssecEvents(zone({}, before), during)).to.deep.equal([]);
      const after = zoneDnssecStatus(zone({}, during), 'default', [served(report([7]))], [])!;
      expect(after).to.deep.equal(before);
      expect(dnssecEvents(zone({}, during), after)).to.deep.equal([]);
      // a new key set, once signed with it, is the change the parent is told about
      const rolled = zoneDnssecStatus(zone({}, during), 'default', [served(report([8]))], [])!;
      expect(dnssecEvents(zone({}, during), rolled)[0]!.message).to.include('DS 8 13 2');
    });

    it('leaves a never-signed zone without status.dnssec and says unsigned once a signed zone stops signing', () => {
      expect(zoneDnssecStatus(zone(), undefined, [served()], [])).to.equal(undefined);
      const before = zoneDnssecStatus(zone(), 'default', [served(report([7]))], [])!;
      expect(zoneDnssecStatus(zone({}, before), 'none', [served()], [])).to.deep.equal({
        state: 'unsigned',
        keyTags: [],
        ds: [],
      });
    });
  });

  describe('dnssecEvents', () => {
    const signed = (ds: string[]): DnssecStatus => ({ state: 'signed', keyTags: [], ds });
    it('says once which DS the parent needs, and again only when they change', () => {
      expect(dnssecEvents(zone(), signed(['a']))).to.deep.equal([
        {
          type: 'Normal',
          reason: 'DSChanged',
          message: 'zone example.com: the parent zone (or registrar) needs these DS records now: a',
        },
      ]);
      expect(dnssecEvents(zone({}, signed(['a'])), signed(['a']))).to.deep.equal([]);
      expect(dnssecEvents(zone({}, signed(['a'])), signed(['a', 'b']))[0]!.message).to.include('now: a; b (was: a)');
      expect(dnssecEvents(zone({}, signed(['a'])), { state: 'unsigned', keyTags: [], ds: [] })[0]!.message).to.include(
        'remove them from the parent',
      );
      expect(dnssecEvents(zone(), undefined)).to.deep.equal([]);
    });
  });
  describe('parent handoff', () => {
    const DS = 'sub.example.com. IN DS 7 13 2 ' + 'AB'.repeat(32);
    const child = (
      spec: Record<string, unknown>,
      ds: string[] = [DS],
      extra: Record<string, unknown> = {},
    ): KubeObject => ({
      apiVersion: V,
      kind: 'DNSZone',
      metadata: { name: 'sub', namespace: 'dns', ...extra },
      spec: { zoneName: 'sub.example.com', clusterRef: 'c', dnssecParentRef: 'z', ...spec },
      status: { dnssec: { state: 'signed', keyTags: [7], ds, keysSecret: 'sub-dnssec-keys' } },
    });
    const body = (records: PutZoneBody['records']): PutZoneBody =>
      ({ type: 'primary', ttl: 300, soa: {}, nameServers: [], records }) as unknown as PutZoneBody;
    const delegation = { name: 'sub', type: 'NS' as const, ttl: 600, data: 'ns1.example.net.' };

    it('serves an opted-in child’s DS at its delegation, with the NS RRset’s TTL', () => {
      const r = childDsRecords(zone(), 'example.com', body([delegation]), relatedMap([child({})]));
      expect(r.records).to.deep.equal([{ name: 'sub', type: 'DS', ttl: 600, data: `7 13 2 ${'AB'.repeat(32)}` }]);
      expect(r.childDS).to.deep.equal([{ zoneName: 'sub.example.com', ds: [DS] }]);
    });

    const none: { name: string; objects: KubeObject[]; records?: PutZoneBody['records'] }[] = [
      { name: 'without a delegation (no NS at its name)', objects: [child({})], records: [] },
      { name: 'that did not opt in', objects: [child({ dnssecParentRef: undefined })] },
      { name: 'naming another parent', objects: [child({ dnssecParentRef: 'other' })] },
      { name: 'not below the parent', objects: [child({ zoneName: 'sub.example.org' })] },
      { name: 'without DS yet', objects: [child({}, [])] },
      { name: 'being deleted', objects: [child({}, [DS], { deletionTimestamp: '2026-01-01T00:00:00Z' })] },
      { name: 'in another namespace', objects: [{ ...child({}), metadata: { name: 'sub', namespace: 'other' } }] },
      {
        // its Secret does not hold its keys yet: a DS at the parent would break the chain if a primary lost them
        name: 'whose keys are not kept in its Secret yet (no status.dnssec.keysSecret)',
        objects: [{ ...child({}), status: { dnssec: { state: 'signed', keyTags: [7], ds: [DS] } } }],
      },
    ];
    for (const c of none)
      it(`serves no DS for a child ${c.name}`, () => {
        const r = childDsRecords(zone(), 'example.com', body(c.records ?? [delegation]), relatedMap(c.objects));
        expect(r).to.deep.equal({ records: [], childDS: [] });
      });

    it('follows a child it already serves through a rollover its Secret has not caught up with yet', () => {
      const rolled = { ...child({}), status: { dnssec: { state: 'signed', keyTags: [7, 8], ds: [DS] } } };
      const handedOver = {
        ...zone(),
        status: { childDS: [{ zoneName: 'sub.example.com', ds: [DS] }] },
      } as DNSZone;
      const r = childDsRecords(handedOver, 'example.com', body([delegation]), relatedMap([rolled]));
      expect(r.childDS).to.deep.equal([{ zoneName: 'sub.example.com', ds: [DS] }]);
      expect(childDsRecords(zone(), 'example.com', body([delegation]), relatedMap([rolled])).childDS).to.deep.equal([]);
    });

    it('does not repeat a DS a DSRecord already serves, but still reports it as served', () => {
      const own = { name: 'sub', type: 'DS' as const, ttl: 600, data: `7 13 2 ${'AB'.repeat(32)}` };
      const r = childDsRecords(zone(), 'example.com', body([delegation, own]), relatedMap([child({})]));
      expect(r.records).to.deep.equal([]);
      expect(r.childDS).to.have.length(1);
    });

    const key = (dsState: string) => ({
      state: 'served' as const,
      serial: 1,
      dnssec: {
        state: 'signed' as const,
        keys: [{ keyTag: 7, algorithm: 13, role: 'CSK' as const, dsState }],
        ds: [DS],
      },
    });
    const childZone = (annotations?: Record<string, string>): DNSZone =>
      ({
        ...child({}),
        metadata: { name: 'sub', namespace: 'dns', ...(annotations ? { annotations } : {}) },
      }) as DNSZone;
    const parentWith = (ds: string[]): KubeObject => ({
      ...(zone() as unknown as KubeObject),
      status: { childDS: [{ zoneName: 'sub.example.com', ds }] },
    });
    const steps: {
      name: string;
      dsState: string;
      related: KubeObject[];
      annotations?: Record<string, string>;
      want: string[];
    }[] = [
      {
        name: 'the parent serves the DS, named thinks it hidden',
        dsState: 'hidden',
        related: [parentWith([DS])],
        want: ['published'],
      },
      { name: 'named already knows', dsState: 'rumoured', related: [parentWith([DS])], want: [] },
      { name: 'the parent does not serve it yet', dsState: 'hidden', related: [], want: [] },
      { name: 'the parent withdrew it', dsState: 'omnipresent', related: [parentWith([])], want: ['withdrawn'] },
      {
        name: 'the user confirms the key tag',
        dsState: 'hidden',
        related: [],
        annotations: { 'bindy.firestoned.io/ds-published': '7' },
        want: ['published'],
      },
      {
        name: 'the user confirms all',
        dsState: 'hidden',
        related: [],
        annotations: { 'bindy.firestoned.io/ds-published': 'all' },
        want: ['published'],
      },
      {
        name: 'the user confirms another key',
        dsState: 'hidden',
        related: [],
        annotations: { 'bindy.firestoned.io/ds-published': '8' },
        want: [],
      },
    ];
    for (const c of steps)
      it(`checkds when ${c.name}: ${c.want.join(', ') || 'nothing'}`, () => {
        const got = checkDsSteps(
          childZone(c.annotations),
          [{ instance: primary, outcome: key(c.dsState) }],
          relatedMap(c.related),
        );
        expect(got.map((s) => s.state)).to.deep.equal(c.want);
        for (const s of got) expect(s).to.include({ keyTag: 7, instance: primary });
      });
  });
});
