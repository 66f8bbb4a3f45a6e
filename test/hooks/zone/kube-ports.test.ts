/**
 * The Kubernetes adapters of the zone ports (client-node 1.4.0) against a scripted local HTTP server standing in
 * for the apiserver: the exact method, path, content type and body they send.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { kubeEventRecorder } from '../../../hooks/ports/events.js';
import { kubeRecordStatusWriter } from '../../../hooks/ports/records.js';

interface Seen {
  method: string;
  path: string;
  contentType: string | undefined;
  body: unknown;
}

describe('hooks/ports Kubernetes adapters', () => {
  let server: Server;
  let dir: string;
  let kubeconfig: string;
  const seen: Seen[] = [];
  let answer: (s: Seen) => { status: number; body: unknown } = () => ({ status: 200, body: {} });

  before(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const s: Seen = {
          method: req.method!,
          path: req.url!,
          contentType: req.headers['content-type'],
          body: raw ? JSON.parse(raw) : undefined,
        };
        seen.push(s);
        const a = answer(s);
        res.writeHead(a.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(a.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    dir = mkdtempSync(join(tmpdir(), 'kubecfg-'));
    kubeconfig = join(dir, 'config');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{name: fake, cluster: {server: "${url}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: test-token}}]
contexts: [{name: c, context: {cluster: fake, user: u}}]
current-context: c
`,
    );
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    seen.length = 0;
    answer = () => ({ status: 200, body: {} });
  });

  it('merge-patches a record status through the /status subresource', async () => {
    const w = kubeRecordStatusWriter('bindy-hooks', kubeconfig);
    const status = {
      conditions: [
        {
          type: 'Ready',
          status: 'True' as const,
          reason: 'Served',
          message: 'm',
          lastTransitionTime: '2026-11-22T04:00:00Z',
        },
      ],
      observedGeneration: 2,
      zone: 'example.com',
      fqdn: null,
    };
    await w.patchStatus({ kind: 'SRVRecord', namespace: 'dns', name: 'sip' }, status);
    expect(seen).to.deep.equal([
      {
        method: 'PATCH',
        path: '/apis/bindy.firestoned.io/v1beta1/namespaces/dns/srvrecords/sip/status?fieldManager=bindy-hooks',
        contentType: 'application/merge-patch+json',
        body: { status },
      },
    ]);
  });

  it('rejects when the apiserver refuses the patch', async () => {
    answer = () => ({ status: 403, body: { kind: 'Status', code: 403, message: 'forbidden' } });
    const w = kubeRecordStatusWriter('bindy-hooks', kubeconfig);
    let failed = false;
    await w
      .patchStatus(
        { kind: 'ARecord', namespace: 'dns', name: 'www' },
        { conditions: [], zone: 'example.com', fqdn: null },
      )
      .catch(() => (failed = true));
    expect(failed).to.equal(true);
  });

  it('creates an Event, and bumps its count when the same event exists', async () => {
    const rec = kubeEventRecorder(() => '2026-11-22T04:00:00Z', 'bindy-hooks', kubeconfig);
    const ev = {
      regarding: {
        apiVersion: 'bindy.firestoned.io/v1beta1',
        kind: 'DNSZone',
        namespace: 'dns',
        name: 'example-com',
        uid: 'u1',
      },
      type: 'Warning' as const,
      reason: 'PushFailed',
      message: 'boom',
    };
    await rec.record(ev);
    expect(seen).to.have.length(1);
    expect(seen[0]).to.deep.include({ method: 'POST', path: '/api/v1/namespaces/dns/events' });
    const created = seen[0]!.body as {
      metadata: { name: string };
      involvedObject: unknown;
      reason: string;
      count: number;
      firstTimestamp: string;
    };
    expect(created.metadata.name).to.match(/^example-com\.[0-9a-f]{16}$/);
    expect(created).to.deep.include({
      reason: 'PushFailed',
      count: 1,
      firstTimestamp: '2026-11-22T04:00:00Z',
      involvedObject: ev.regarding,
    });

    seen.length = 0;
    answer = (s) =>
      s.method === 'POST'
        ? { status: 409, body: { kind: 'Status', code: 409, reason: 'AlreadyExists' } }
        : s.method === 'GET'
          ? { status: 200, body: { ...created, count: 4 } }
          : { status: 200, body: {} };
    await rec.record(ev);
    expect(seen.map((s) => [s.method, s.path.split('?')[0]])).to.deep.equal([
      ['POST', '/api/v1/namespaces/dns/events'],
      ['GET', `/api/v1/namespaces/dns/events/${created.metadata.name}`],
      ['PATCH', `/api/v1/namespaces/dns/events/${created.metadata.name}`],
    ]);
    expect(seen[2]).to.deep.include({
      contentType: 'application/merge-patch+json',
      body: { count: 5, lastTimestamp: '2026-11-22T04:00:00Z' },
    });
  });
});

describe('hooks/ports memoryRecordStatusWriter', () => {
  it('keeps the latest status per record', async () => {
    const { memoryRecordStatusWriter } = await import('../../../hooks/ports/records.js');
    const w = memoryRecordStatusWriter();
    const ref = { kind: 'ARecord' as const, namespace: 'dns', name: 'www' };
    await w.patchStatus(ref, { conditions: [], zone: 'a.example', fqdn: null });
    await w.patchStatus(ref, { conditions: [], zone: 'b.example', fqdn: 'www.b.example.' });
    expect([...w.statuses]).to.deep.equal([
      ['ARecord/dns/www', { conditions: [], zone: 'b.example', fqdn: 'www.b.example.' }],
    ]);
  });
});
