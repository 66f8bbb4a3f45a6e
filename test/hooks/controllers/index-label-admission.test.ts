/**
 * The index-label admission webhook (hooks/controllers/index-label-admission.ts): its JSON Patch, applied to the
 * object, leaves exactly the labels the decorator's answer leaves (every index-label fixture), it never refuses, and a
 * body that is not an AdmissionReview is a 400 naming the field. Then the app over TLS: served from the files, started
 * once they appear, and a renewed certificate served without a restart.
 */
import { expect } from 'chai';
import axios from 'axios';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { admitIndexLabels, INDEX_LABEL_ADMISSION_PATH } from '../../../hooks/controllers/index-label-admission.js';
import { jsonLogger, startHooks } from '../../../hooks/server.js';
import type { KubeObject } from '../../../hooks/metacontroller.js';
import { freePort } from '../../../local/named.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'sync', 'index-labels');
const TLS = join(ROOT, 'test', 'fixtures', 'tls');

const review = (
  object: unknown,
  operation = 'CREATE',
  oldObject: unknown = operation === 'UPDATE' ? object : undefined,
) => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: { uid: 'u-1', operation, object, ...(oldObject !== undefined ? { oldObject } : {}) },
});

type Op = { op: 'add' | 'remove'; path: string; value?: unknown };

/** Applies the webhook's patch the way the apiserver does, to a copy of `obj`'s labels (only label paths occur). */
function patched(obj: KubeObject, patch: string | undefined): Record<string, string> {
  const labels: Record<string, unknown> = { ...(obj.metadata.labels ?? {}) };
  if (!patch) return labels as Record<string, string>;
  let out: Record<string, unknown> | undefined = obj.metadata.labels ? labels : undefined;
  for (const op of JSON.parse(Buffer.from(patch, 'base64').toString()) as Op[]) {
    if (op.path === '/metadata/labels') {
      expect(op.op).to.equal('add');
      expect(out, 'the whole labels map is added only when there is none').to.equal(undefined);
      out = { ...(op.value as Record<string, unknown>) };
      continue;
    }
    const m = /^\/metadata\/labels\/(.+)$/.exec(op.path);
    expect(m, op.path).to.not.equal(null);
    const key = m![1]!.replace(/~1/g, '/').replace(/~0/g, '~');
    expect(out, op.path).to.not.equal(undefined);
    if (op.op === 'remove') {
      expect(out!, `remove of a label that is there: ${key}`).to.have.property(key);
      delete out![key];
    } else out![key] = op.value;
  }
  return (out ?? {}) as Record<string, string>;
}

describe('index-label admission webhook', () => {
  const cases = readdirSync(FIXTURES).filter((f) => f.endsWith('.request.json'));

  it(`leaves the labels the decorator's answer leaves, for every index-label fixture (${cases.length})`, () => {
    expect(cases.length).to.be.greaterThan(3);
    for (const f of cases) {
      const obj = (JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as { object: KubeObject }).object;
      const golden = JSON.parse(readFileSync(join(FIXTURES, f.replace('.request.', '.response.')), 'utf8')) as {
        labels: Record<string, string | null>;
      };
      const want: Record<string, string> = { ...(obj.metadata.labels ?? {}) };
      for (const [k, v] of Object.entries(golden.labels)) {
        if (v === null) delete want[k];
        else want[k] = v;
      }
      // an update that changes nothing: the stored object is this one
      const answer = admitIndexLabels(review(obj, 'UPDATE'));
      expect(answer.response.allowed, f).to.equal(true);
      expect(answer.response.uid, f).to.equal('u-1');
      expect(patched(obj, answer.response.patch), f).to.deep.equal(want);
      // applied once, the labels are right: a second admission of the result patches nothing
      const again = { ...obj, metadata: { ...obj.metadata, labels: want } };
      expect(admitIndexLabels(review(again, 'UPDATE')).response, `${f}, again`).to.deep.equal({
        uid: 'u-1',
        allowed: true,
      });
    }
  });

  it('labels a record created without labels in the creating write, escaping "/" in the keys', () => {
    const rec = {
      apiVersion: 'bindy.firestoned.io/v1beta1',
      kind: 'MXRecord',
      metadata: { name: 'mail', namespace: 'team' },
      spec: { zoneRef: 'example-com', name: '@', priority: 10, mailServer: 'mx1' },
    };
    const r = admitIndexLabels(review(rec)).response;
    expect(r.patchType).to.equal('JSONPatch');
    expect(JSON.parse(Buffer.from(r.patch!, 'base64').toString())).to.deep.equal([
      { op: 'add', path: '/metadata/labels', value: { 'zone.bindy.firestoned.io/example-com': 'ref' } },
    ]);
    const labelled = { ...rec, metadata: { ...rec.metadata, labels: { team: 'a' } } };
    const ops = JSON.parse(Buffer.from(admitIndexLabels(review(labelled)).response.patch!, 'base64').toString());
    expect(ops).to.deep.equal([
      { op: 'add', path: '/metadata/labels/zone.bindy.firestoned.io~1example-com', value: 'ref' },
    ]);
  });

  it('labels the object as it will be stored: a zoneRef move is a new generation, so the zone it left is told (left)', () => {
    const V = 'bindy.firestoned.io/v1beta1';
    const labels = { 'zone.bindy.firestoned.io/move-b': 'ref' };
    const status = { zone: 'move-b.example', observedGeneration: 3 };
    const old = {
      apiVersion: V,
      kind: 'CNAMERecord',
      metadata: { name: 'mv', namespace: 'n', generation: 3, labels },
      spec: { zoneRef: 'move-b', name: 'mv', target: 'elsewhere.example.' },
      status,
    };
    // what the apiserver passes: the new spec, the old generation (bumped only after admission), the stored status
    const moved = { ...old, spec: { ...old.spec, zoneRef: 'nowhere' } };
    const r = admitIndexLabels(review(moved, 'UPDATE', old)).response;
    const stored = { ...moved, metadata: { ...moved.metadata, generation: 4 } };
    expect(patched(stored as unknown as KubeObject, r.patch)).to.deep.equal({
      'zone.bindy.firestoned.io/move-b': 'left',
      'zone.bindy.firestoned.io/nowhere': 'ref',
    });
    // a label-only update is no new generation: the status still covers it, so its index labels stand
    const relabelled = { ...old, metadata: { ...old.metadata, labels: { ...labels, team: 'a' } } };
    expect(admitIndexLabels(review(relabelled, 'UPDATE', old)).response).to.deep.equal({ uid: 'u-1', allowed: true });
    // a create's status is dropped by the apiserver: it names no zone for status-zone
    const created = {
      ...old,
      metadata: { name: 'new', namespace: 'n' },
      spec: { name: 'x', target: 'elsewhere.example.' },
    };
    const c = admitIndexLabels(review(created)).response;
    expect(c.patch, 'no label from a status the apiserver drops').to.equal(undefined);
    expect(() =>
      admitIndexLabels({ ...review(moved, 'UPDATE'), request: { uid: 'u', operation: 'UPDATE', object: moved } }),
    ).to.throw(/^request\.oldObject: /);
  });

  it('never refuses: deletions, kinds it does not index and objects without metadata pass untouched', () => {
    const allowed = { uid: 'u-1', allowed: true };
    expect(admitIndexLabels(review(undefined, 'DELETE')).response).to.deep.equal(allowed);
    expect(admitIndexLabels(review({ kind: 'ConfigMap', metadata: { name: 'x' } })).response).to.deep.equal(allowed);
    expect(admitIndexLabels(review({ kind: 'ARecord' })).response).to.deep.equal(allowed);
  });

  it('answers a body that is not an AdmissionReview with 400 naming the field', async () => {
    const hooks = await startHooks({
      port: 0,
      address: '127.0.0.1',
      logger: jsonLogger('error'),
      ports: { clock: () => '2026-01-01T00:00:00Z' },
    });
    const url = `http://127.0.0.1:${hooks.port}${INDEX_LABEL_ADMISSION_PATH}`;
    const post = (body: unknown) => axios.post(url, body, { validateStatus: () => true });
    try {
      const cases: [unknown, RegExp][] = [
        [{ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: {} }, /^apiVersion\/kind: /],
        [{ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }, /^request: /],
        [{ ...review({}), request: { operation: 'CREATE', object: {} } }, /^request\.uid: /],
        [{ ...review({}), request: { uid: 'u', operation: 'UPDATE' } }, /^request\.object: /],
      ];
      for (const [body, message] of cases) {
        const res = await post(body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.data.message).to.match(message);
      }
      const ok = await post(
        review({ kind: 'DNSZone', metadata: { name: 'z', labels: {} }, spec: { zoneName: 'example.com' } }),
      );
      expect(ok.status).to.equal(200);
      expect(ok.data.response.patchType).to.equal('JSONPatch');
      expect((await axios.get(url, { validateStatus: () => true })).status).to.equal(405);
      const metrics = (await axios.get(`http://127.0.0.1:${hooks.port}/metrics`)).data as string;
      expect(metrics).to.include('bindy_hook_requests_total{hook="admit",kind="IndexLabels",code="400"} 4');
      expect(metrics).to.include('bindy_hook_requests_total{hook="admit",kind="IndexLabels",code="200"} 1');
    } finally {
      await hooks.close();
    }
  });
});

describe('manifests/overlays/admission', () => {
  const dir = join(ROOT, 'manifests', 'overlays', 'admission');
  type Webhook = {
    failurePolicy: string;
    sideEffects: string;
    clientConfig: { service: { name: string; namespace: string; path: string; port: number } };
    rules: { apiGroups: string[]; apiVersions: string[]; operations: string[]; resources: string[] }[];
  };
  const config = parse(readFileSync(join(dir, 'webhook.yaml'), 'utf8')) as {
    kind: string;
    metadata: { annotations: Record<string, string> };
    webhooks: Webhook[];
  };

  it('sends the webhook every kind the decorator labels, on create and update, and never blocks a write', () => {
    const decorator = parse(readFileSync(join(ROOT, 'metacontroller', 'index-labels.yaml'), 'utf8')) as {
      spec: { resources: { apiVersion: string; resource: string }[] };
    };
    expect(config.kind).to.equal('MutatingWebhookConfiguration');
    const [w] = config.webhooks;
    expect(config.webhooks).to.have.length(1);
    expect(w!.failurePolicy).to.equal('Ignore');
    expect(w!.sideEffects).to.equal('None');
    expect(w!.rules).to.deep.equal([
      {
        apiGroups: ['bindy.firestoned.io'],
        apiVersions: ['v1beta1'],
        operations: ['CREATE', 'UPDATE'],
        scope: 'Namespaced',
        resources: decorator.spec.resources.map((r) => r.resource),
      },
    ]);
    expect(decorator.spec.resources.every((r) => r.apiVersion === 'bindy.firestoned.io/v1beta1')).to.equal(true);
  });

  it('points the webhook at the hooks TLS listener the overlay adds (path, Service port, container port, Secret)', () => {
    const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as {
      patches: { target: { kind: string }; patch: string }[];
    };
    const ops = (kind: string) =>
      parse(k.patches.find((p) => p.target.kind === kind)!.patch) as { path: string; value: Record<string, any> }[];
    const service = config.webhooks[0]!.clientConfig.service;
    expect(service).to.deep.equal({
      name: 'bindy-hooks',
      namespace: 'bindy-system',
      path: INDEX_LABEL_ADMISSION_PATH,
      port: 443,
    });
    const port = ops('Service').find((o) => o.path === '/spec/ports/-')!.value;
    expect(port).to.include({ port: 443, targetPort: 'https' });
    const dep = ops('Deployment');
    const containerPort = dep.find((o) => o.path.endsWith('/ports/-'))!.value;
    expect(containerPort).to.include({ name: 'https', containerPort: 8443 });
    const env = Object.fromEntries(
      dep.filter((o) => o.path.endsWith('/env/-')).map((o) => [o.value['name'], o.value['value']]),
    );
    const mount = dep.find((o) => o.path.endsWith('/volumeMounts/-'))!.value;
    expect(env).to.deep.equal({
      HOOKS_TLS_CERT_FILE: `${mount['mountPath']}/tls.crt`,
      HOOKS_TLS_KEY_FILE: `${mount['mountPath']}/tls.key`,
      HOOKS_TLS_PORT: '8443',
    });
    const volume = dep.find((o) => o.path.endsWith('/volumes/-'))!.value;
    expect(volume['name']).to.equal(mount['name']);
    // optional: the hooks run (and serve Metacontroller) before the Secret is issued
    expect(volume['secret']).to.deep.equal({ secretName: 'bindy-hooks-admission-tls', optional: true });
    expect(config.metadata.annotations['cert-manager.io/inject-ca-from']).to.equal(
      'bindy-system/bindy-hooks-admission',
    );
  });
});

describe('hooks over TLS (HOOKS_TLS_CERT_FILE, HOOKS_TLS_KEY_FILE)', function () {
  this.timeout(10000);
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'bindy-hooks-tls-'));
    dirs.push(d);
    return d;
  };
  const install = (dir: string, name: 'a' | 'b') => {
    copyFileSync(join(TLS, `${name}.crt`), join(dir, 'tls.crt'));
    copyFileSync(join(TLS, `${name}.key`), join(dir, 'tls.key'));
  };

  /** The admission answer over TLS, trusting `ca`, with the subject of the certificate the server presented. */
  const admit = (port: number, ca: 'a' | 'b') =>
    new Promise<{ status: number; body: { response?: { allowed?: boolean } }; subject: string }>((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port,
          path: INDEX_LABEL_ADMISSION_PATH,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          ca: readFileSync(join(TLS, `${ca}.crt`)),
          agent: false, // a fresh handshake each time: a pooled connection would keep the certificate it began with
        },
        (res) => {
          const subject = String((res.socket as import('node:tls').TLSSocket).getPeerCertificate().subject.CN);
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode!,
              body: JSON.parse(Buffer.concat(chunks).toString()),
              subject,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(review({ kind: 'ARecord', metadata: { name: 'r' }, spec: { zoneRef: 'z' } })));
    });

  const until = async (what: string, check: () => Promise<boolean>) => {
    for (let i = 0; i < 100; i++) {
      if (await check().catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out: ${what}`);
  };

  it('serves the admission webhook over TLS, waits for files that are not there yet, and reloads a renewed pair', async () => {
    const dir = tempDir();
    const port = await freePort();
    const tls = { port, certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key'), reloadMs: 50 };
    const hooks = await startHooks({
      port: 0,
      address: '127.0.0.1',
      logger: jsonLogger('error'),
      ports: { clock: () => '2026-01-01T00:00:00Z' },
      tls,
    });
    try {
      expect(hooks.tlsPort, 'no TLS listener before its files exist').to.equal(undefined);
      install(dir, 'a');
      await until('the TLS listener starts once both files exist', async () => (await admit(port, 'a')).status === 200);
      const first = await admit(port, 'a');
      expect(first.body.response?.allowed).to.equal(true);
      expect(first.subject).to.equal('bindy-hooks test a');
      install(dir, 'b');
      await until(
        'the renewed certificate is served',
        async () => (await admit(port, 'b')).subject === 'bindy-hooks test b',
      );
    } finally {
      await hooks.close();
    }
  });

  it('listens at once when the files exist, and stops with the service', async () => {
    const dir = tempDir();
    install(dir, 'a');
    const port = await freePort();
    const hooks = await startHooks({
      port: 0,
      address: '127.0.0.1',
      logger: jsonLogger('error'),
      ports: { clock: () => '2026-01-01T00:00:00Z' },
      tls: { port, certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') },
    });
    expect(hooks.tlsPort).to.equal(port);
    expect((await admit(port, 'a')).status).to.equal(200);
    await hooks.close();
    let refused = false;
    await admit(port, 'a').catch(() => (refused = true));
    expect(refused, 'the TLS listener closed with the service').to.equal(true);
  });
});
