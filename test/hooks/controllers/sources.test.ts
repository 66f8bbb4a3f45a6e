/**
 * Records from Ingresses and LoadBalancer Services (hooks/controllers/sources.ts, hooks/sources/source.ts): the
 * contract fixtures `test/fixtures/sync/sources/<case>.request.json` (what Metacontroller POSTs to the
 * DecoratorController's sync/finalize hook, v2) answered as the golden `<case>.response.json`, through the pure
 * hook and once through the real Express app; every attachment is a valid record CR; the rules one by one.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import axios from 'axios';
import { expect } from 'chai';
import winston from 'winston';
import { parse } from 'yaml';
import { createApp } from '../../../hooks/app.js';
import { customizeSource, reportEvent, syncSource } from '../../../hooks/controllers/sources.js';
import type { DecoratorRequest, KubeObject } from '../../../hooks/metacontroller.js';
import { memoryEventRecorder } from '../../../hooks/ports/events.js';
import { hookRoutes } from '../../../hooks/routes.js';
import { validateObject } from '../../../hooks/schema/cel.js';
import {
  SOURCE_ANNOTATIONS,
  CORE_SOURCE_KINDS,
  ROUTE_SOURCE_KINDS,
  SOURCE_RECORD_KINDS,
  sourceRecordName,
  sourceRecords,
} from '../../../hooks/sources/source.js';
import type { DNSZone } from '../../../hooks/schema/generated.js';
import { readGolden } from '../../support/golden.js';
import { REPO } from '../children/support.js';

const DIR = join(REPO, 'test/fixtures/sync/sources');
const CASES = readdirSync(DIR)
  .filter((f) => f.endsWith('.request.json'))
  .sort()
  .map((f) => ({
    name: f.replace(/\.request\.json$/, ''),
    request: JSON.parse(readFileSync(join(DIR, f), 'utf8')) as DecoratorRequest,
    responsePath: join(DIR, f.replace(/\.request\.json$/, '.response.json')),
  }));
const text = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
const load = (name: string) => CASES.find((c) => c.name === name)!.request;
const reportOf = (r: { annotations?: Record<string, string | null> }) =>
  JSON.parse(r.annotations![SOURCE_ANNOTATIONS.report]!) as {
    records: string[];
    problems: { field: string; reason: string }[];
  };

describe('hooks/controllers/sources: golden responses (test/fixtures/sync/sources)', () => {
  it('has the cases the rules need', () => {
    expect(CASES.length).to.be.at.least(10);
  });
  for (const c of CASES) {
    it(c.name, () => {
      const actual = text(syncSource(c.request));
      expect(actual).to.equal(readGolden(c.responsePath, actual));
    });
  }
  it('answers byte-identically to the same request', () => {
    for (const c of CASES)
      expect(text(syncSource(c.request)), c.name).to.equal(text(syncSource(structuredClone(c.request))));
  });
  it('every attachment is a valid record CR (schema and CEL rules of its CRD)', () => {
    for (const c of CASES) {
      for (const a of syncSource(c.request).attachments) {
        expect(validateObject(a), `${c.name}: ${a.kind}/${a.metadata.name}`).to.deep.equal([]);
        expect(a.metadata.name!.length, 'a DNS-1123 label').to.be.at.most(63);
        expect(a.metadata.namespace, "the source's namespace").to.equal(c.request.object.metadata.namespace);
      }
    }
  });
});

describe('hooks/sources/source: what a source publishes', () => {
  it('an Ingress: A and AAAA per host inside the zone, addresses sorted, the TTL annotation, outside hosts reported', () => {
    const r = sourceRecords(
      load('ingress-two-hosts').object,
      load('ingress-two-hosts').related['DNSZone.bindy.firestoned.io/v1beta1']![
        'web/example-com'
      ] as unknown as DNSZone,
    );
    expect(r.records.map((x) => [x.kind, (x['spec'] as { name: string }).name])).to.deep.equal([
      ['AAAARecord', 'shop'],
      ['AAAARecord', 'www'],
      ['ARecord', 'shop'],
      ['ARecord', 'www'],
    ]);
    const a = r.records.find((x) => x.kind === 'ARecord')!;
    expect(a['spec']).to.deep.include({ zoneRef: 'example-com', ttl: 120, ipv4Addresses: ['192.0.2.10', '192.0.2.9'] });
    expect(r.records.find((x) => x.kind === 'AAAARecord')!['spec']).to.deep.include({
      ipv6Addresses: ['2001:db8::10'],
    });
    expect(r.problems).to.deep.equal([
      {
        field: 'spec.rules[2].host',
        reason: 'OutsideZone',
        message: 'www.other.org: "www.other.org." is not inside zone example.com',
      },
    ]);
  });

  it('a hostname-only load balancer gives a CNAME, never at the apex', () => {
    const res = syncSource(load('service-lb-hostname'));
    expect(res.attachments.map((a) => [a.kind, a['spec']])).to.deep.equal([
      ['CNAMERecord', { zoneRef: 'example-com', name: 'api', target: 'a1b2.elb.example.net.' }],
    ]);
    expect(reportOf(res).problems.map((p) => p.reason)).to.deep.equal(['CNAMEAtApex']);
  });

  it('refuses the whole source, naming the field, for a bad TTL, a non-LoadBalancer Service, a missing hostname', () => {
    const cases: [string, string, string][] = [
      ['bad-ttl', 'InvalidTTL', `metadata.annotations["${SOURCE_ANNOTATIONS.ttl}"]`],
      ['service-cluster-ip', 'NotLoadBalancer', 'spec.type'],
      ['service-no-hostname', 'NoHostname', `metadata.annotations["${SOURCE_ANNOTATIONS.hostname}"]`],
    ];
    for (const [name, reason, field] of cases) {
      const res = syncSource(load(name));
      expect(res.attachments, name).to.deep.equal([]);
      expect(reportOf(res).problems[0], name).to.deep.include({ reason, field });
    }
  });

  it('publishes only in a zone that accepts the source (spec.sources; default: its namespace)', () => {
    expect(syncSource(load('zone-selector-accepts')).attachments).to.have.length(1);
    for (const name of ['zone-selector-refuses', 'zone-policy-none']) {
      const res = syncSource(load(name));
      expect(res.attachments, name).to.deep.equal([]);
      expect(
        reportOf(res).problems.map((p) => p.reason),
        name,
      ).to.deep.equal(['NotAccepted']);
    }
    const zoneElsewhere = structuredClone(
      load('zone-selector-accepts').related['DNSZone.bindy.firestoned.io/v1beta1']!['web/example-com']!,
    ) as KubeObject;
    zoneElsewhere.metadata.namespace = 'other';
    const r = sourceRecords(load('zone-selector-accepts').object, zoneElsewhere as unknown as DNSZone);
    expect(r.problems.map((p) => p.reason)).to.deep.equal(['NotAccepted']);
  });

  it('no DNSZone of that name in the namespace: no records, ZoneNotFound', () => {
    const res = syncSource(load('zone-missing'));
    expect(res.attachments).to.deep.equal([]);
    expect(reportOf(res).problems.map((p) => p.reason)).to.deep.equal(['ZoneNotFound']);
  });

  it('reports a record its zone left out (a hand-declared record holds the name)', () => {
    const res = syncSource(load('observed-conflict'));
    expect(res.attachments).to.have.length(1);
    expect(reportOf(res).problems).to.have.length(1);
    expect(reportOf(res).problems[0]).to.deep.include({
      reason: 'Conflict',
      field: `ARecord/${res.attachments[0]!.metadata.name}`,
    });
  });

  it('finalize removes every record and the report, and lets the finalizer go once they are gone', () => {
    const left = syncSource(load('finalizing-records-left'));
    expect(left).to.deep.include({ attachments: [], finalized: false });
    expect(left.annotations).to.deep.equal({ [SOURCE_ANNOTATIONS.report]: null });
    expect(syncSource(load('finalizing-clean'))).to.deep.include({ attachments: [], finalized: true });
  });

  it('names records per source kind, source and host, within 63 characters', () => {
    const ing = load('ingress-two-hosts').object;
    const svc = { ...ing, kind: 'Service', apiVersion: 'v1' } as KubeObject;
    const long = { ...ing, metadata: { ...ing.metadata, name: 'x'.repeat(253) } } as KubeObject;
    const names = [
      sourceRecordName(ing, 'www.example.com'),
      sourceRecordName(ing, 'shop.example.com'),
      sourceRecordName(svc, 'www.example.com'),
      sourceRecordName(long, 'www.example.com'),
    ];
    expect(new Set(names).size).to.equal(4);
    for (const n of names) expect(n).to.match(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])$/);
  });

  it('the Event goes only with a changed report that has problems', () => {
    const req = load('zone-missing');
    const answer = syncSource(req);
    expect(reportEvent(req.object, answer)).to.deep.include({ type: 'Warning', reason: 'DNSZoneNotFound' });
    const seen = structuredClone(req);
    seen.object.metadata.annotations![SOURCE_ANNOTATIONS.report] = answer.annotations![SOURCE_ANNOTATIONS.report]!;
    expect(reportEvent(seen.object, syncSource(seen))).to.equal(undefined);
    expect(reportEvent(load('zone-selector-accepts').object, syncSource(load('zone-selector-accepts')))).to.equal(
      undefined,
    );
    // waiting for the load balancer is the normal start, not worth an Event
    expect(reportEvent(load('ingress-no-address').object, syncSource(load('ingress-no-address')))).to.equal(undefined);
  });

  it('customize relates the DNSZones of the namespace by their index label, not by the annotation', () => {
    const req = { controller: load('bad-ttl').controller, parent: load('bad-ttl').object };
    const a = customizeSource(req);
    const other = structuredClone(req);
    other.parent.metadata.annotations![SOURCE_ANNOTATIONS.zone] = 'another-zone';
    expect(customizeSource(other)).to.deep.equal(a);
    expect(a.relatedResources).to.deep.equal([
      {
        apiVersion: 'bindy.firestoned.io/v1beta1',
        resource: 'dnszones',
        namespace: 'web',
        labelSelector: { matchExpressions: [{ key: 'bindy.firestoned.io/zone-name', operator: 'Exists' }] },
      },
    ]);
  });
});

describe('hooks/sources/source: Gateway API routes', () => {
  it('an HTTPRoute: its hostnames at the addresses of every parent Gateway (any namespace), wildcards kept', () => {
    const res = syncSource(load('httproute-gateway-addresses'));
    expect(res.attachments.map((a) => [a.kind, a['spec']])).to.deep.equal([
      ['AAAARecord', { zoneRef: 'example-com', name: '*.shop', ipv6Addresses: ['2001:db8::30'] }],
      ['AAAARecord', { zoneRef: 'example-com', name: 'www', ipv6Addresses: ['2001:db8::30'] }],
      ['ARecord', { zoneRef: 'example-com', name: '*.shop', ipv4Addresses: ['192.0.2.30', '192.0.2.31'] }],
      ['ARecord', { zoneRef: 'example-com', name: 'www', ipv4Addresses: ['192.0.2.30', '192.0.2.31'] }],
    ]);
    expect(res.attachments.every((a) => a.metadata.name!.startsWith('http-shop-'))).to.equal(true);
    expect(reportOf(res).problems).to.deep.equal([]);
  });

  it('a Gateway that reports only a hostname gives a CNAME; a missing Gateway and a non-Gateway parent are told apart', () => {
    expect(syncSource(load('grpcroute-gateway-hostname')).attachments.map((a) => [a.kind, a['spec']])).to.deep.equal([
      ['CNAMERecord', { zoneRef: 'example-com', name: 'grpc', target: 'lb-7.elb.example.net.' }],
    ]);
    const missing = syncSource(load('tlsroute-gateway-missing'));
    expect(missing.attachments).to.deep.equal([]);
    expect(reportOf(missing).problems.map((p) => [p.field, p.reason])).to.deep.equal([
      ['spec.parentRefs[0]', 'GatewayNotFound'],
      ['spec.parentRefs', 'NoAddress'],
    ]);
  });

  it('customize relates the parent Gateways by name, per namespace, besides the DNSZones', () => {
    const r = load('httproute-gateway-addresses');
    expect(customizeSource({ controller: r.controller, parent: r.object }).relatedResources.slice(1)).to.deep.equal([
      { apiVersion: 'gateway.networking.k8s.io/v1', resource: 'gateways', namespace: 'infra', names: ['internal'] },
      { apiVersion: 'gateway.networking.k8s.io/v1', resource: 'gateways', namespace: 'web', names: ['edge'] },
    ]);
  });
});

const DECORATORS = [
  { file: 'metacontroller/sources.yaml', kinds: CORE_SOURCE_KINDS },
  { file: 'metacontroller/gateway-api/sources-gateway-api.yaml', kinds: ROUTE_SOURCE_KINDS },
] as const;

describe('metacontroller/sources.yaml, metacontroller/gateway-api/sources-gateway-api.yaml', () => {
  for (const { file, kinds } of DECORATORS)
    it(`${file}: decorates its source kinds by the zone annotation, attaches the record kinds InPlace, v2 hooks on served paths`, () => {
      const dc = parse(readFileSync(join(REPO, file), 'utf8')) as {
        spec: {
          resources: { apiVersion: string; resource: string; annotationSelector: unknown }[];
          attachments: { apiVersion: string; resource: string; updateStrategy: { method: string } }[];
          hooks: Record<string, { version: string; webhook: { path: string } }>;
        };
      };
      expect(dc.spec.resources.map((r) => `${r.apiVersion}/${r.resource}`)).to.deep.equal(
        kinds.map((k) => `${k.apiVersion}/${k.resource}`),
      );
      for (const r of dc.spec.resources)
        expect(r.annotationSelector).to.deep.equal({
          matchExpressions: [{ key: SOURCE_ANNOTATIONS.zone, operator: 'Exists' }],
        });
      expect(dc.spec.attachments.map((a) => [a.resource, a.updateStrategy.method])).to.deep.equal(
        SOURCE_RECORD_KINDS.map((k) => [k.resource, 'InPlace']),
      );
      const paths = new Set(hookRoutes({ clock: () => new Date(0) } as never).map((r) => r.path));
      for (const [name, h] of Object.entries(dc.spec.hooks)) {
        expect(h.version, name).to.equal('v2');
        expect(paths.has(h.webhook.path), `${name} → ${h.webhook.path}`).to.equal(true);
      }
    });
});

describe('hooks: /sync/sources through the Express app', () => {
  let server: Server;
  let base: string;
  const events = memoryEventRecorder();
  before(async () => {
    const app = createApp({
      logger: winston.createLogger({ silent: true }),
      routes: hookRoutes({ clock: () => new Date(0), zone: { events } } as never),
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('answers the golden response and records the Warning Event on the source', async () => {
    const c = CASES.find((x) => x.name === 'zone-missing')!;
    const res = await axios.post(`${base}/sync/sources`, c.request, { validateStatus: () => true });
    expect(res.status).to.equal(200);
    expect(text(res.data)).to.equal(readFileSync(c.responsePath, 'utf8'));
    expect(events.events.map((e) => [e.regarding.kind, e.regarding.name, e.reason])).to.deep.equal([
      ['Ingress', 'shop', 'DNSZoneNotFound'],
    ]);
  });

  it('refuses an object of another kind with a 400 naming the field', async () => {
    const c = structuredClone(CASES[0]!.request);
    c.object.kind = 'Deployment';
    const res = await axios.post(`${base}/sync/sources`, c, { validateStatus: () => true });
    expect(res.status).to.equal(400);
    expect(res.data.message).to.match(/^object\.kind: expected Ingress \| Service/);
  });
});
