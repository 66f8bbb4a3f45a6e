/**
 * DNSZone hook contract tests: every `test/fixtures/sync/dnszone/<case>.request.json` (exactly what Metacontroller
 * POSTs, hook v2) goes through the real Express app (`createApp` + `hookRoutes`) with fake effect ports; the
 * response must equal `<case>.response.json` and the effects (bindcar calls, record status patches, events)
 * `<case>.effects.json`. `UPDATE_GOLDEN=1` rewrites both. Each case is posted twice, to fresh fakes: the second time the
 * app answers from the body it kept parsed (hooks/request-body.ts), frozen, so a hook writing to its request fails.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import axios from 'axios';
import { expect } from 'chai';
import winston from 'winston';
import { createApp } from '../../../hooks/app.js';
import { keptBodies } from '../../../hooks/request-body.js';
import { hookRoutes } from '../../../hooks/routes.js';
import { validateObject } from '../../../hooks/schema/cel.js';
import type { KubeObject, SyncRequest } from '../../../hooks/metacontroller.js';
import { fakeZonePorts, type FakeAnswer } from '../zone/fakes.js';

const DIR = join(import.meta.dirname, '../../fixtures/sync/dnszone');
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const NOW = '2026-11-22T04:00:00Z';

/** How the fake bindcar answers, per case (endpoint → answer; '*' = every endpoint). */
const BINDCAR: Record<string, Record<string, FakeAnswer>> = {
  'push-partly-failed': { 'http://prod-dns-primary-1.dns.svc:8080': 'unavailable' },
  'push-failed': { '*': 'unreachable' },
  'finalizing-clean': { 'http://prod-dns-primary-1.dns.svc:8080': 'notFound' },
  'finalizing-blocked': { 'http://prod-dns-primary-1.dns.svc:8080': 'unreachable' },
  'finalizing-grace-expired': { 'http://prod-dns-primary-1.dns.svc:8080': 'unreachable' },
  'moved-removal-failed': { 'http://edge-a.dns.svc:8080': 'unreachable' },
  'push-failed-generation-moved': { '*': 'unreachable' },
};

const silent = winston.createLogger({ silent: true });

describe('DNSZone hooks: contract (fixtures through createApp)', () => {
  const cases = readdirSync(DIR)
    .filter((f) => f.endsWith('.request.json'))
    .map((f) => f.replace(/\.request\.json$/, ''))
    .sort();

  it('has at least 10 cases', () => expect(cases.length).to.be.at.least(10));

  for (const name of cases) {
    it(`answers ${name}`, async () => {
      const req = JSON.parse(readFileSync(join(DIR, `${name}.request.json`), 'utf8')) as SyncRequest;
      // fixtures are valid CRs (the apiserver would not store anything else)
      for (const group of Object.values(req.related)) {
        for (const obj of Object.values(group))
          expect(validateObject(obj), `${obj.kind} ${obj.metadata.name}`).to.deep.equal([]);
      }
      expect(validateObject(req.parent)).to.deep.equal([]);

      const bodies = keptBodies({ minBytes: 0, freeze: true });
      for (const round of ['first', 'kept'] as const) {
        const fakes = fakeZonePorts(BINDCAR[name] ?? {});
        const app = createApp({ logger: silent, routes: hookRoutes({ clock: () => NOW, zone: fakes.ports }), bodies });
        const server: Server = await new Promise((resolve) => {
          const s = app.listen(0, '127.0.0.1', () => resolve(s));
        });
        try {
          const { port } = server.address() as AddressInfo;
          const path = req.finalizing ? '/finalize/dnszone' : '/sync/dnszone';
          const res = await axios.post(`http://127.0.0.1:${port}${path}`, req, { validateStatus: () => true });
          expect(res.status, JSON.stringify(res.data)).to.equal(200);
          // what we return must be storable: the parent with our status, each record with our status patch
          expect(validateObject({ ...req.parent, status: res.data.status }), 'DNSZone status').to.deep.equal([]);
          for (const w of fakes.recordStatus.writes) {
            const rec = req.related[`${w.ref.kind}.bindy.firestoned.io/v1beta1`]![`${w.ref.namespace}/${w.ref.name}`]!;
            const status = Object.fromEntries(Object.entries(w.status).filter(([, v]) => v !== null));
            expect(validateObject({ ...rec, status }), `${w.ref.kind} ${w.ref.name} status`).to.deep.equal([]);
          }
          const effects = {
            bindcar: fakes.bindcar.calls,
            recordStatus: fakes.recordStatus.writes,
            events: fakes.events.events,
          };
          const files = { response: join(DIR, `${name}.response.json`), effects: join(DIR, `${name}.effects.json`) };
          if (UPDATE) {
            writeFileSync(files.response, JSON.stringify(res.data, null, 2) + '\n');
            writeFileSync(files.effects, JSON.stringify(effects, null, 2) + '\n');
          }
          expect(existsSync(files.response), `${files.response} missing: run with UPDATE_GOLDEN=1 and review`).to.equal(
            true,
          );
          expect(res.data, round).to.deep.equal(JSON.parse(readFileSync(files.response, 'utf8')));
          expect(JSON.parse(JSON.stringify(effects)), round).to.deep.equal(
            JSON.parse(readFileSync(files.effects, 'utf8')),
          );
        } finally {
          await new Promise((r) => server.close(r));
        }
      }
      expect(bodies.reused, 'the second post answered from the kept body').to.equal(1);
    });
  }

  it('refuses to sync a parent that fails the CRD schema (422 naming the field), but still finalizes it', async () => {
    const req = JSON.parse(readFileSync(join(DIR, 'seed-example.request.json'), 'utf8')) as SyncRequest;
    (req.parent['spec'] as Record<string, unknown>)['zoneName'] = 'not a zone!';
    const fakes = fakeZonePorts();
    const app = createApp({ logger: silent, routes: hookRoutes({ clock: () => NOW, zone: fakes.ports }) });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const { port } = server.address() as AddressInfo;
      const sync = await axios.post(`http://127.0.0.1:${port}/sync/dnszone`, req, { validateStatus: () => true });
      expect(sync.status).to.equal(422);
      expect(sync.data.code).to.equal('INVALID_SPEC');
      expect(sync.data.message).to.contain('spec.zoneName');
      const deleted = { ...req.parent, metadata: { ...req.parent.metadata, deletionTimestamp: NOW } };
      const fin = await axios.post(
        `http://127.0.0.1:${port}/finalize/dnszone`,
        { ...req, parent: deleted, finalizing: true },
        { validateStatus: () => true },
      );
      expect(fin.status).to.equal(200);
      expect(fin.data.finalized).to.equal(true);
      expect(fakes.bindcar.calls).to.deep.equal([]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('serves a zone Metacontroller finalizes only because its index label went (no deletionTimestamp)', async () => {
    // Metacontroller calls finalize for a parent that stopped matching metacontroller/dnszone.yaml's labelSelector
    const req = JSON.parse(readFileSync(join(DIR, 'seed-example.request.json'), 'utf8')) as SyncRequest;
    const fakes = fakeZonePorts();
    const app = createApp({ logger: silent, routes: hookRoutes({ clock: () => NOW, zone: fakes.ports }) });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const { port } = server.address() as AddressInfo;
      const url = (hook: string) => `http://127.0.0.1:${port}/${hook}/dnszone`;
      const sync = await axios.post(url('sync'), req, { validateStatus: () => true });
      const fin = await axios.post(url('finalize'), { ...req, finalizing: true }, { validateStatus: () => true });
      expect(fin.status, JSON.stringify(fin.data)).to.equal(200);
      expect(fin.data).to.not.have.property('finalized');
      expect(fin.data).to.deep.equal(sync.data);
      expect(fakes.bindcar.calls.map((c) => c.method)).to.deep.equal(['PUT', 'PUT']);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('answers customize with rules that depend only on the spec', async () => {
    const req = JSON.parse(readFileSync(join(DIR, 'seed-example.request.json'), 'utf8')) as SyncRequest<KubeObject>;
    const fakes = fakeZonePorts();
    const app = createApp({ logger: silent, routes: hookRoutes({ clock: () => NOW, zone: fakes.ports }) });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const { port } = server.address() as AddressInfo;
      const res = await axios.post(`http://127.0.0.1:${port}/customize/dnszone`, {
        controller: req.controller,
        parent: req.parent,
      });
      expect(res.status).to.equal(200);
      const rules = res.data.relatedResources as unknown[];
      const V = 'bindy.firestoned.io/v1beta1';
      // every relation is by name or by an index label; the zone's own uid is excluded from the same-name zones
      expect(rules).to.deep.equal([
        { apiVersion: V, resource: 'bind9clusters', namespace: 'dns', names: ['prod-dns'] },
        { apiVersion: V, resource: 'clusterbind9providers', names: ['prod-dns'] },
        {
          apiVersion: V,
          resource: 'bind9instances',
          labelSelector: { matchLabels: { 'bindy.firestoned.io/cluster': 'prod-dns' } },
        },
        ...[
          'aaaarecords',
          'arecords',
          'caarecords',
          'cnamerecords',
          'dnamerecords',
          'dnsrecordsets',
          'dsrecords',
          'httpsrecords',
          'locrecords',
          'mxrecords',
          'naptrrecords',
          'nsrecords',
          'ptrrecords',
          'srvrecords',
          'sshfprecords',
          'svcbrecords',
          'tlsarecords',
          'txtrecords',
        ].map((resource) => ({
          apiVersion: V,
          resource,
          namespace: 'dns',
          // one rule per record kind: the records whose zoneRef names the zone (ref) or named it (left)
          labelSelector: { matchExpressions: [{ key: 'zone.bindy.firestoned.io/example-com', operator: 'Exists' }] },
        })),
        {
          apiVersion: V,
          resource: 'dnszones',
          labelSelector: {
            matchLabels: { 'bindy.firestoned.io/zone-name': 'example.com' },
            matchExpressions: [
              { key: 'bindy.firestoned.io/zone-object', operator: 'NotIn', values: ['dns.example-com'] },
            ],
          },
        },
        // the child zones that name it in spec.dnssecParentRef (their DS is served here)
        {
          apiVersion: V,
          resource: 'dnszones',
          namespace: 'dns',
          labelSelector: { matchLabels: { 'bindy.firestoned.io/ds-parent': 'example-com' } },
        },
      ]);
      expect(fakes.bindcar.calls).to.deep.equal([]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
