/**
 * The index-label decorator (hooks/controllers/index-labels.ts): the value scheme, the labels per kind, and the
 * contract fixtures `test/fixtures/sync/index-labels/<case>.request.json` (exactly what Metacontroller POSTs to a
 * DecoratorController sync hook, v2) answered through the real Express app as `<case>.response.json`.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import axios from 'axios';
import { expect } from 'chai';
import { updateStringMap } from '../../../local/driver.js';
import winston from 'winston';
import { parse } from 'yaml';
import { createApp } from '../../../hooks/app.js';
import { clusterInstances } from '../../../hooks/children/cluster.js';
import { INDEXED_KINDS, indexLabels, syncIndexLabels } from '../../../hooks/controllers/index-labels.js';
import { LABELS, indexLabelValue, zoneNameIndexValue } from '../../../hooks/labels.js';
import type { DecoratorRequest, KubeObject } from '../../../hooks/metacontroller.js';
import { hookRoutes } from '../../../hooks/routes.js';
import { validateObject } from '../../../hooks/schema/cel.js';
import { KINDS } from '../../../hooks/schema/generated.js';
import { PTR_LABELS } from '../../../hooks/zone/ptr.js';
import { REPO } from '../children/support.js';

const V = 'bindy.firestoned.io/v1beta1';
const K = (zone: string) => `zone.bindy.firestoned.io/${zone}`;
const LEGACY = 'bindy.firestoned.io/zone-ref';
const DIR = join(REPO, 'test/fixtures/sync/index-labels');
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const sha224 = (s: string) => `sha224_${createHash('sha224').update(s).digest('hex')}`;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const obj = (
  kind: string,
  spec: unknown,
  extra: Partial<KubeObject> & { labels?: Record<string, string> } = {},
  generation?: number,
) => {
  const { labels, ...rest } = extra;
  return {
    apiVersion: V,
    kind,
    metadata: {
      name: 'x',
      namespace: 'dns',
      uid: '0a1b2c3d-0000-4000-8000-000000000001',
      ...(generation !== undefined ? { generation } : {}),
      ...(labels ? { labels } : {}),
    },
    spec,
    ...rest,
  } as KubeObject;
};

/** Metacontroller's decorator label update (pkg/controller/decorator/controller.go updateStringMap). */
/** The labels after Metacontroller applied an answer (the local driver's merge, which mirrors it). */
function applyLabels(have: Record<string, string> | undefined, want: Record<string, string | null>) {
  const updated = updateStringMap(have, want);
  return { labels: updated ?? { ...(have ?? {}) }, changed: updated !== undefined };
}

describe('hooks/labels: index label values', () => {
  const table: { name: string; input: string; expected: string }[] = [
    { name: 'a short object name is itself', input: 'example-com', expected: 'example-com' },
    { name: 'a dotted name is itself', input: 'prod.dns-1', expected: 'prod.dns-1' },
    { name: 'exactly 63 characters is itself', input: 'a'.repeat(63), expected: 'a'.repeat(63) },
    { name: '64 characters is hashed', input: 'a'.repeat(64), expected: sha224('a'.repeat(64)) },
    { name: 'a 253-character name is hashed', input: `${'b'.repeat(62)}.`.repeat(4) + 'c', expected: '' },
    { name: 'upper case is hashed (no two names share a value)', input: 'Prod', expected: sha224('Prod') },
    { name: 'an underscore is hashed (literals never contain one)', input: 'a_b', expected: sha224('a_b') },
    {
      name: 'a trailing dot is hashed (not an alphanumeric end)',
      input: 'example.com.',
      expected: sha224('example.com.'),
    },
    { name: 'a value that looks like a digest is hashed', input: sha224('x'), expected: sha224(sha224('x')) },
  ];
  for (const c of table) {
    it(c.name, () => {
      const v = indexLabelValue(c.input);
      if (c.expected) expect(v).to.equal(c.expected);
      else expect(v).to.equal(sha224(c.input));
      expect(v.length).to.be.at.most(63);
      expect(v).to.match(LABEL_VALUE);
    });
  }

  it('zone names share one value however they are written, and an invalid one has none', () => {
    const long = `${'x'.repeat(60)}.payments.example.com`;
    const cases: [unknown, string | undefined][] = [
      ['example.com', 'example.com'],
      ['Example.COM.', 'example.com'],
      ['example.com.', 'example.com'],
      [long, sha224(long)],
      [`${long.toUpperCase()}.`, sha224(long)],
      ['bücher.example', 'xn--bcher-kva.example'],
      ['not a zone!', undefined],
      ['', undefined],
      [42, undefined],
      [undefined, undefined],
    ];
    for (const [input, expected] of cases) expect(zoneNameIndexValue(input), String(input)).to.equal(expected);
  });
});

describe('hooks/controllers/index-labels', () => {
  const longRef = 'platform-team-authoritative-zone-for-the-payments-and-billing-services';
  const table: { name: string; object: KubeObject; expected: Record<string, string | null> }[] = [
    {
      name: 'a record with a short zoneRef, never served',
      object: obj('ARecord', { zoneRef: 'example-com', ipv4Address: '192.0.2.1' }),
      expected: {
        [LEGACY]: null,
        [LABELS.statusZone]: null,
        [K('example-com')]: 'ref',
        // automatic PTR's address prefixes (hooks/zone/ptr.ts): every address, whether it asks for a PTR or not
        'ptr.bindy.firestoned.io/v4-192': 'true',
        'ptr.bindy.firestoned.io/v4-192.0': 'true',
        'ptr.bindy.firestoned.io/v4-192.0.2': 'true',
      },
    },
    {
      name: 'a record with a long zoneRef',
      object: obj('CNAMERecord', { zoneRef: longRef, target: 'a.example.net.' }),
      expected: { [LEGACY]: null, [LABELS.statusZone]: null, [`zone.bindy.firestoned.io/${sha224(longRef)}`]: 'ref' },
    },
    {
      name: 'a record with an odd zoneRef (dots)',
      object: obj('TXTRecord', { zoneRef: 'zone.v2', text: ['x'] }),
      expected: { [LEGACY]: null, [LABELS.statusZone]: null, [K('zone.v2')]: 'ref' },
    },
    {
      // its zone relates it by its key: the first status write changes no label (no second re-sync of the zone)
      name: 'a record its zoneRef zone served for its generation',
      object: obj(
        'MXRecord',
        { zoneRef: 'z' },
        { labels: { [K('z')]: 'ref' }, status: { zone: 'Example.COM.', observedGeneration: 1 } },
        1,
      ),
      expected: { [LEGACY]: null, [LABELS.statusZone]: null, [K('z')]: 'ref' },
    },
    {
      name: 'a record whose spec changed (same zoneRef) before its zone served it again',
      object: obj(
        'MXRecord',
        { zoneRef: 'z' },
        { labels: { [K('z')]: 'ref' }, status: { zone: 'example.com', observedGeneration: 1 } },
        2,
      ),
      expected: { [LEGACY]: null, [LABELS.statusZone]: null, [K('z')]: 'ref' },
    },
    {
      // zone a must still find it to take it out and say NotSelected
      name: 'a record whose zoneRef moved, before any zone wrote its status again',
      object: obj(
        'MXRecord',
        { zoneRef: 'b' },
        { labels: { [K('a')]: 'ref' }, status: { zone: 'a.example', observedGeneration: 1 } },
        2,
      ),
      expected: { [LEGACY]: null, [LABELS.statusZone]: null, [K('a')]: 'left', [K('b')]: 'ref' },
    },
    {
      name: 'a moved record once relabelled, still not written again',
      object: obj(
        'MXRecord',
        { zoneRef: 'b' },
        { labels: { [K('a')]: 'left', [K('b')]: 'ref' }, status: { zone: 'a.example', observedGeneration: 1 } },
        2,
      ),
      expected: { [LEGACY]: null, [LABELS.statusZone]: null, [K('a')]: 'left', [K('b')]: 'ref' },
    },
    {
      name: 'a moved record once a zone wrote its status for the current generation',
      object: obj(
        'MXRecord',
        { zoneRef: 'b' },
        { labels: { [K('a')]: 'left', [K('b')]: 'ref' }, status: { zone: 'b.example', observedGeneration: 2 } },
        2,
      ),
      expected: { [LEGACY]: null, [LABELS.statusZone]: null, [K('a')]: null, [K('b')]: 'ref' },
    },
    {
      name: 'a record moved before any zone ever wrote its status (nobody to tell)',
      object: obj('MXRecord', { zoneRef: 'b' }, { labels: { [K('a')]: 'ref' } }, 2),
      expected: { [LEGACY]: null, [LABELS.statusZone]: null, [K('a')]: null, [K('b')]: 'ref' },
    },
    {
      name: 'a record whose zoneRef was removed (zone a must find it; a selector may pick it now)',
      object: obj(
        'MXRecord',
        {},
        { labels: { [K('a')]: 'ref' }, status: { zone: 'a.example', observedGeneration: 1 } },
        2,
      ),
      expected: { [LEGACY]: null, [LABELS.statusZone]: 'a.example', [K('a')]: 'left' },
    },
    {
      name: 'a record only a recordsFrom selector picks',
      object: obj('SRVRecord', { name: '_sip._tcp' }),
      expected: { [LEGACY]: null, [LABELS.statusZone]: null },
    },
    {
      // a label edit (no new generation) can move it: the zone its status names always finds it (case folded)
      name: 'a record a recordsFrom selector picked, served',
      object: obj('SRVRecord', { name: '_sip._tcp' }, { status: { zone: 'Example.COM.', observedGeneration: 1 } }, 1),
      expected: { [LEGACY]: null, [LABELS.statusZone]: 'example.com' },
    },
    {
      // the selector zone must still find it until its zoneRef zone writes the status
      name: 'a record a selector picked that got a zoneRef',
      object: obj(
        'SRVRecord',
        { zoneRef: 'z' },
        { labels: { [LABELS.statusZone]: 'example.com' }, status: { zone: 'example.com', observedGeneration: 1 } },
        2,
      ),
      expected: { [LEGACY]: null, [LABELS.statusZone]: 'example.com', [K('z')]: 'ref' },
    },
    {
      name: 'a zone',
      object: obj('DNSZone', { zoneName: 'example.com', clusterRef: 'c' }),
      expected: {
        [LABELS.recordsFrom]: null,
        [PTR_LABELS.reverseZone]: null,
        [LABELS.dsParent]: null,
        [LABELS.zoneName]: 'example.com',
        [LABELS.zoneObject]: 'dns.x',
        [LABELS.legacyZoneUid]: null,
      },
    },
    {
      name: 'a zone with a long name, a trailing dot and recordsFrom',
      object: obj('DNSZone', {
        zoneName: `${'x'.repeat(60)}.example.com.`,
        recordsFrom: [{ selector: { matchLabels: { team: 'a' } } }],
      }),
      expected: {
        [LABELS.recordsFrom]: 'true',
        [PTR_LABELS.reverseZone]: null,
        [LABELS.dsParent]: null,
        [LABELS.zoneName]: sha224(`${'x'.repeat(60)}.example.com`),
        [LABELS.zoneObject]: 'dns.x',
        [LABELS.legacyZoneUid]: null,
      },
    },
    {
      name: 'a child zone whose DS its parent serves',
      object: obj('DNSZone', { zoneName: 'sub.example.com', dnssecParentRef: 'example-com' }),
      expected: {
        [LABELS.recordsFrom]: null,
        [LABELS.dsParent]: 'example-com',
        [PTR_LABELS.reverseZone]: null,
        [LABELS.zoneName]: 'sub.example.com',
        [LABELS.zoneObject]: 'dns.x',
        [LABELS.legacyZoneUid]: null,
      },
    },
    {
      name: 'a zone with an empty recordsFrom list',
      object: obj('DNSZone', { zoneName: 'example.org', recordsFrom: [] }),
      expected: {
        [LABELS.recordsFrom]: null,
        [PTR_LABELS.reverseZone]: null,
        [LABELS.dsParent]: null,
        [LABELS.zoneName]: 'example.org',
        [LABELS.zoneObject]: 'dns.x',
        [LABELS.legacyZoneUid]: null,
      },
    },
    {
      name: 'a reverse zone (RFC 2317 classless) is marked for the other reverse zones of its namespace',
      object: obj('DNSZone', { zoneName: '0/26.2.0.192.in-addr.arpa' }),
      expected: {
        [LABELS.recordsFrom]: null,
        [LABELS.dsParent]: null,
        [PTR_LABELS.reverseZone]: 'true',
        [LABELS.zoneName]: sha224('0/26.2.0.192.in-addr.arpa'),
        [LABELS.zoneObject]: 'dns.x',
        [LABELS.legacyZoneUid]: null,
      },
    },
    {
      name: 'a zone whose namespace.name is longer than a label value: its zone-object is digested',
      object: { ...obj('DNSZone', { zoneName: 'example.net' }), metadata: { name: 'n'.repeat(60), namespace: 'dns' } },
      expected: {
        [LABELS.recordsFrom]: null,
        [PTR_LABELS.reverseZone]: null,
        [LABELS.dsParent]: null,
        [LABELS.zoneName]: 'example.net',
        [LABELS.zoneObject]: sha224(`dns.${'n'.repeat(60)}`),
        [LABELS.legacyZoneUid]: null,
      },
    },
    {
      name: 'a hand-written instance with clusterRef',
      object: obj('Bind9Instance', { clusterRef: 'prod-dns', role: 'secondary' }),
      expected: { [LABELS.cluster]: 'prod-dns', [LABELS.role]: 'secondary' },
    },
    {
      name: 'an instance without clusterRef or role (not valid; the labels go)',
      object: obj('Bind9Instance', {}, { labels: { [LABELS.cluster]: 'x', [LABELS.role]: 'primary' } }),
      expected: { [LABELS.cluster]: null, [LABELS.role]: null },
    },
  ];
  for (const c of table) {
    it(`labels ${c.name}`, () => {
      const labels = indexLabels(c.object);
      expect(labels).to.deep.equal(c.expected);
      expect(Object.keys(labels)).to.deep.equal(Object.keys(c.expected).sort());
      for (const v of Object.values(labels)) if (v !== null) expect(v).to.match(LABEL_VALUE).and.have.length.below(64);
    });
  }

  it('corrects index labels a user set by hand and leaves other labels alone', () => {
    // GIVEN a record whose index labels were set by hand, wrongly, next to a label of the user's own
    const rec = obj(
      'ARecord',
      { zoneRef: 'example-com' },
      {
        labels: {
          app: 'web',
          [K('other-zone')]: 'ref',
          [K('example-com')]: 'x',
          [LABELS.statusZone]: 'other.example',
          [LEGACY]: 'other-zone',
        },
      },
    );
    // WHEN the decorator answers and Metacontroller applies the answer
    const { labels, changed } = applyLabels(rec.metadata.labels, syncIndexLabels(req(rec)).labels);
    // THEN the index labels follow the spec (no status written: nobody to tell) and the user's label stays
    expect(changed).to.equal(true);
    expect(labels).to.deep.equal({ app: 'web', [K('example-com')]: 'ref' });
  });

  it('changes nothing on an object already labelled (Metacontroller then skips the update)', () => {
    for (const c of table) {
      const once = applyLabels(c.object.metadata.labels, indexLabels(c.object)).labels;
      const again = applyLabels(once, indexLabels({ ...c.object, metadata: { ...c.object.metadata, labels: once } }));
      expect(again.changed, c.name).to.equal(false);
      expect(again.labels, c.name).to.deep.equal(once);
    }
  });

  it('agrees with the Bind9Cluster hook on the instances it makes (the two writers never fight)', () => {
    for (const cluster of ['prod-dns', 'platform-team-authoritative-dns-servers-for-every-region-of-the-company']) {
      for (const inst of clusterInstances(cluster, { primary: { replicas: 2 }, secondary: { replicas: 1 } })) {
        const made = inst as unknown as KubeObject;
        const { changed } = applyLabels(made.metadata.labels, indexLabels({ ...made, metadata: { ...made.metadata } }));
        expect(changed, `${cluster}: ${made.metadata.name}`).to.equal(false);
      }
    }
  });

  it('answers byte-identically and leaves status and attachments alone', () => {
    for (const c of table) {
      const a = JSON.stringify(syncIndexLabels(req(c.object)));
      expect(JSON.stringify(syncIndexLabels(structuredClone(req(c.object))))).to.equal(a);
      expect(JSON.parse(a)).to.include({ status: null }).and.have.property('attachments').that.deep.equals([]);
      expect(Object.keys(JSON.parse(a))).to.deep.equal(['labels', 'status', 'attachments']);
    }
  });

  it('refuses a kind it does not index', () => {
    expect(() => indexLabels(obj('Bind9Cluster', {}))).to.throw(/Bind9Cluster has no index labels/);
  });

  it('indexes exactly the kinds metacontroller/index-labels.yaml decorates, watching their status changes too', () => {
    const dc = parse(readFileSync(join(REPO, 'metacontroller/index-labels.yaml'), 'utf8')) as {
      kind: string;
      spec: { resources: { apiVersion: string; resource: string; ignoreStatusChanges?: boolean }[]; attachments?: [] };
    };
    expect(dc.kind).to.equal('DecoratorController');
    expect(dc.spec.attachments).to.equal(undefined);
    const kindOf = (plural: string) => KINDS.find((k) => k.plural === plural)!.kind;
    expect(dc.spec.resources.map((r) => kindOf(r.resource))).to.deep.equal(INDEXED_KINDS);
    for (const r of dc.spec.resources) {
      expect(r.apiVersion).to.equal(V);
      // records carry status-zone (from status.zone); for zones and instances a status write is the event that
      // retries a label update Metacontroller dropped on a conflict with that very write
      expect(r.ignoreStatusChanges ?? false, r.resource).to.equal(false);
    }
  });
});

function req(object: KubeObject): DecoratorRequest {
  return {
    controller: { apiVersion: 'metacontroller.k8s.io/v1alpha1', kind: 'DecoratorController', metadata: { name: 'd' } },
    object,
    attachments: {},
    related: {},
    finalizing: false,
  };
}

describe('index labels: contract (fixtures through createApp)', () => {
  const silent = winston.createLogger({ silent: true });
  const cases = readdirSync(DIR)
    .filter((f) => f.endsWith('.request.json'))
    .map((f) => f.replace(/\.request\.json$/, ''))
    .sort();
  let server: Server;
  let url = '';
  before(async () => {
    const app = createApp({ logger: silent, routes: hookRoutes({ clock: () => '2026-11-22T04:00:00Z' }) });
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sync/index-labels`;
  });
  after(() => new Promise((r) => server.close(r)));

  it('has a case for every indexed family (records, zones, instances)', () => {
    expect(cases.length).to.be.at.least(8);
  });

  for (const name of cases) {
    it(`answers ${name}`, async () => {
      const body = JSON.parse(readFileSync(join(DIR, `${name}.request.json`), 'utf8')) as DecoratorRequest;
      // fixtures are valid CRs (the apiserver would not store anything else)
      expect(validateObject(body.object), body.object.kind).to.deep.equal([]);
      const res = await axios.post(url, body, { validateStatus: () => true });
      expect(res.status, JSON.stringify(res.data)).to.equal(200);
      // what we answer is storable: every label value is valid
      const { labels } = applyLabels(body.object.metadata.labels, res.data.labels);
      for (const [k, v] of Object.entries(labels)) expect(v, k).to.match(LABEL_VALUE).and.have.length.below(64);
      const file = join(DIR, `${name}.response.json`);
      if (UPDATE) writeFileSync(file, JSON.stringify(res.data, null, 2) + '\n');
      expect(existsSync(file), `${file} missing: run with UPDATE_GOLDEN=1 and review`).to.equal(true);
      expect(res.data).to.deep.equal(JSON.parse(readFileSync(file, 'utf8')));
    });
  }

  it('rejects a kind it does not index and a composite-style envelope with 400', async () => {
    const body = JSON.parse(readFileSync(join(DIR, 'zone-seed.request.json'), 'utf8')) as DecoratorRequest;
    const cluster = { ...body, object: { ...body.object, kind: 'Bind9Cluster' } };
    const a = await axios.post(url, cluster, { validateStatus: () => true });
    expect(a.status).to.equal(400);
    expect(a.data.message).to.match(/^object\.kind: expected AAAARecord \| ARecord .* got "Bind9Cluster"$/);
    const b = await axios.post(
      url,
      { ...body, object: undefined, parent: body.object },
      { validateStatus: () => true },
    );
    expect(b.status).to.equal(400);
    expect(b.data.message).to.equal('object: required object is missing');
  });
});
