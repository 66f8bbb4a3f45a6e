/**
 * Primaries and secondaries with real named: one primary on 127.0.0.1 driven by a real bindcar
 * (bindcar/server.ts, configured through its environment), two secondaries on 127.0.0.2 and 127.0.0.3. All three
 * named.conf files are rendered by the hooks' `renderNamedConf` with paths and ports remapped to a temp dir.
 * Nothing ever talks to the secondaries except DNS queries: zones reach them through the catalog zone, NOTIFY
 * and TSIG-signed transfers.
 */
import { expect } from 'chai';
import { pollUntil } from '../support/poll.js';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import winston from 'winston';
import { memberLabel } from '../../bindcar/catalog.js';
import { parseConfig } from '../../bindcar/config.js';
import { startBindcar, type RunningBindcar } from '../../bindcar/server.js';

import { renderNamedConf, type PrimaryServer } from '../../hooks/render/named-conf.js';
import { renderRndcConf } from '../../hooks/render/rndc-conf.js';
import { createSoaProbe } from '../../hooks/ports/soa.js';
import { finalizeDnsZone, syncDnsZone } from '../../hooks/controllers/dnszone.js';
import {
  childKey,
  objectKey,
  type KubeObject,
  type SyncRequest,
  type SyncResponse,
} from '../../hooks/metacontroller.js';
import { createBindcarClient, staticToken } from '../../hooks/ports/bindcar.js';
import { memoryEventRecorder } from '../../hooks/ports/events.js';
import type { DNSZone } from '../../hooks/schema/generated.js';
import { recordingStatusWriter } from '../hooks/zone/fakes.js';
import { freePort, parseDig, type DigResult } from '../support/named.js';
import { writeKeys } from '../hooks/children/support.js';
import { CATALOG_ZONE, RNDC_KEY_FILE, TRANSFER_KEY_FILE, type NamedConfLayout } from '../../hooks/pod-layout.js';

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 10000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout),
    );
  });
}

interface Named {
  name: string;
  address: string;
  proc: ChildProcess;
  layout: NamedConfLayout;
  log: () => string;
}

/** Renders the instance's named.conf with the hooks' renderer, starts `named -g` and waits for rndc. */
async function startNamed(
  root: string,
  name: string,
  address: string,
  role: 'primary' | 'secondary',
  ports: { dns: number; rndc: number },
  peers: { primaries?: PrimaryServer[]; secondaries?: PrimaryServer[] },
  keysDir: string,
): Promise<Named> {
  const base = join(root, name);
  const layout: NamedConfLayout = {
    confDir: join(base, 'etc'),
    keysDir,
    cacheDir: join(base, 'cache'),
    runDir: join(base, 'run'),
    dnsPort: ports.dns,
    rndcPort: ports.rndc,
  };
  for (const d of [layout.confDir, layout.cacheDir, layout.runDir]) mkdirSync(d, { recursive: true });
  const conf = join(layout.confDir, 'named.conf');
  writeFileSync(
    conf,
    renderNamedConf({
      instance: `test/${name}`,
      role,
      config: { listenOn: [address], listenOnV6: ['none'] },
      acls: {},
      ...peers,
      layout,
    }),
  );
  writeFileSync(join(layout.confDir, 'rndc.conf'), renderRndcConf(layout));
  await run('named-checkconf', [conf]);
  const proc = spawn('named', ['-g', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-200000);
  });
  const n: Named = { name, address, proc, layout, log: () => log };
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`named ${name} exited: ${log.slice(-3000)}`);
    try {
      await run('rndc', ['-c', join(layout.confDir, 'rndc.conf'), 'status']);
      return n;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`named ${name} did not answer rndc: ${log.slice(-3000)}`);
}

async function stopNamed(n: Named | undefined): Promise<void> {
  if (!n || n.proc.exitCode !== null || n.proc.signalCode !== null) return;
  const exited = new Promise((r) => n.proc.once('exit', r));
  n.proc.kill('SIGTERM');
  const t = setTimeout(() => n.proc.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(t);
}

const dig = async (n: Named, qname: string, type: string, ...extra: string[]): Promise<DigResult> =>
  parseDig(
    await run('dig', [
      `@${n.address}`,
      '-p',
      String(n.layout.dnsPort),
      '+norec',
      '+time=1',
      '+tries=2',
      '+noall',
      '+comments',
      '+answer',
      ...extra,
      qname,
      type,
    ]),
  );

/** The authoritative SOA serial `n` serves for `zone`, or undefined. */
async function serial(n: Named, zone: string): Promise<number | undefined> {
  const r = await dig(n, zone, 'SOA');
  const soa = r.answers.find((a) => a.type === 'SOA');
  return r.rcode === 'NOERROR' && r.aa && soa ? Number(soa.data.split(/\s+/)[2]) : undefined;
}

/** Polls `check` every 20 ms until it returns true or `ms` pass; returns the elapsed milliseconds. */
/** Waits for `check`; returns how long it took, or fails with `what`, the last error and the log tail. */
async function until(what: string, check: () => Promise<boolean>, ms = 15000, log?: () => string): Promise<number> {
  const t0 = Date.now();
  try {
    await pollUntil(
      async () => {
        if (!(await check())) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      },
      { timeoutMs: ms, intervalMs: 20 },
    );
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}\n${log ? log().slice(-3000) : ''}`);
  }
  return Date.now() - t0;
}

const ZONE = 'sec.test';
/** Filler records: big enough that a one-record change stays under named's max-ixfr-ratio (a real IXFR). */
const FILLER = Array.from({ length: 40 }, (_, i) => ({
  name: `host${i}`,
  type: 'A',
  ttl: 300,
  data: `198.51.100.${i + 1}`,
}));
const body = (records: { name: string; type: string; ttl: number; data: string }[]) => ({
  type: 'primary',
  ttl: 300,
  soa: {
    mname: 'ns1.sec.test.',
    rname: 'hostmaster.sec.test.',
    refresh: 3600,
    retry: 600,
    expire: 604800,
    minimum: 300,
  },
  nameServers: [{ hostname: 'ns1.sec.test.', ipv4Addresses: ['192.0.2.53'] }],
  records: [...FILLER, ...records],
});

describe('e2e: primaries and secondaries (catalog zone, NOTIFY, TSIG transfers)', function () {
  this.timeout(60000);
  let root = '';
  let keysDir = '';
  let primary: Named | undefined;
  const secondaries: Named[] = [];
  let bindcar: RunningBindcar | undefined;
  let api = '';
  const latencies: number[] = [];

  before(async () => {
    // named listens only on addresses configured on an interface: 127.0.0.2/.3 must be on lo (idempotent).
    const have = await run('ip', ['-4', 'addr', 'show', 'dev', 'lo']);
    for (const a of ['127.0.0.2', '127.0.0.3'])
      if (!have.includes(`inet ${a}/`))
        await run('ip', ['addr', 'add', `${a}/8`, 'dev', 'lo']).catch((e: Error) => {
          throw new Error(`${a} is not on lo and cannot be added (needs CAP_NET_ADMIN): ${e.message}`);
        });
    root = await mkdtemp(join(tmpdir(), 'bindy-secondaries-'));
    keysDir = join(root, 'keys');
    writeKeys(keysDir);
    const ports = async () => ({ dns: await freePort(), rndc: await freePort() });
    const [pp, s1p, s2p] = [await ports(), await ports(), await ports()];
    const secs: PrimaryServer[] = [
      { address: '127.0.0.2', port: s1p.dns },
      { address: '127.0.0.3', port: s2p.dns },
    ];
    const prims: PrimaryServer[] = [{ address: '127.0.0.1', port: pp.dns }];
    primary = await startNamed(root, 'primary-0', '127.0.0.1', 'primary', pp, { secondaries: secs }, keysDir);
    // bindcar configured exactly as the Deployment does (hooks/children/workload.ts), ports remapped
    const parsed = parseConfig({
      API_PORT: '0',
      BIND_API_ADDRESS: '127.0.0.1',
      BIND_ZONE_DIR: primary.layout.cacheDir,
      // the pod's rndc.conf (it includes the key file); no rndc binary: the native client must find the key
      RNDC_CONF: join(primary.layout.confDir, 'rndc.conf'),
      RNDC_BIN: '/bin/false',
      NAMED_DNS_ADDRESS: '127.0.0.1',
      NAMED_DNS_PORT: String(pp.dns),
      BINDCAR_UPDATE_KEY_FILE: join(keysDir, RNDC_KEY_FILE),
      BINDCAR_UPDATE_KEY_NAME: 'bindy-rndc',
      BINDCAR_TRANSFER_KEY_NAME: 'bindy-transfer',
      BINDCAR_CATALOG_ZONE: CATALOG_ZONE,
      BINDCAR_AUTH_MODE: 'none',
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    bindcar = await startBindcar(parsed.config, winston.createLogger({ silent: true }));
    api = `http://127.0.0.1:${bindcar.port}/api/v1/zones`;
    // Secondaries start while bindcar may still be creating the catalog (as pods would): they must catch up.
    secondaries.push(
      await startNamed(root, 'secondary-0', '127.0.0.2', 'secondary', s1p, { primaries: prims }, keysDir),
      await startNamed(root, 'secondary-1', '127.0.0.3', 'secondary', s2p, { primaries: prims }, keysDir),
    );
  });

  after(async () => {
    await bindcar?.shutdown();
    await Promise.all([stopNamed(primary), ...secondaries.map(stopNamed)]);
    if (process.env['KEEP_SECONDARIES_LOGS'] && root) {
      for (const n of [primary, ...secondaries]) if (n) writeFileSync(join(root, `${n.name}.log`), n.log());
      console.log(`      logs kept in ${root}`);
    } else if (root) await rm(root, { recursive: true, force: true });
    if (latencies.length)
      console.log(`      primary change → answer on both secondaries: ${latencies.map((l) => `${l} ms`).join(', ')}`);
  });

  it('bindcar creates the catalog zone (schema version 2) on the primary at startup; secondaries transfer it', async () => {
    const p = primary!;
    await until('the catalog on the primary', async () => (await serial(p, CATALOG_ZONE)) !== undefined, 10000, p.log);
    expect((await dig(p, `version.${CATALOG_ZONE}`, 'TXT')).answers.map((a) => a.data)).to.deep.equal(['"2"']);
    expect((await dig(p, CATALOG_ZONE, 'NS')).answers.map((a) => a.data)).to.deep.equal(['invalid.']);
    for (const s of secondaries)
      await until(`the catalog on ${s.name}`, async () => (await serial(s, CATALOG_ZONE)) !== undefined, 15000, s.log);
  });

  it('a zone created through bindcar is listed in the catalog before the response and appears on both secondaries', async () => {
    const t0 = Date.now();
    const r = await axios.put(`${api}/${ZONE}`, body([{ name: 'www', type: 'A', ttl: 300, data: '192.0.2.10' }]), {
      validateStatus: () => true,
    });
    expect(r.status, JSON.stringify(r.data)).to.equal(201);
    expect(r.data).to.include({ created: true });
    const member = await dig(primary!, `${memberLabel(ZONE)}.zones.${CATALOG_ZONE}`, 'PTR');
    expect(member.answers.map((a) => a.data)).to.deep.equal([`${ZONE}.`]);
    for (const s of secondaries)
      await until(
        `${ZONE} on ${s.name}`,
        async () => (await dig(s, `www.${ZONE}`, 'A')).answers.some((a) => a.data === '192.0.2.10'),
        15000,
        s.log,
      );
    latencies.push(Date.now() - t0);
    for (const s of secondaries) expect(await serial(s, ZONE)).to.equal(r.data.serial);
  });

  it('a record change propagates by NOTIFY + IXFR and every secondary serves the primary serial', async () => {
    const t0 = Date.now();
    const r = await axios.put(
      `${api}/${ZONE}`,
      body([
        { name: 'www', type: 'A', ttl: 300, data: '192.0.2.11' },
        { name: 'api', type: 'A', ttl: 300, data: '192.0.2.12' },
      ]),
    );
    expect(r.data).to.include({ changed: true, created: false });
    const want = r.data.serial as number;
    for (const s of secondaries)
      await until(`serial ${want} on ${s.name}`, async () => (await serial(s, ZONE)) === want, 15000, s.log);
    latencies.push(Date.now() - t0);
    expect(await serial(primary!, ZONE)).to.equal(want);
    for (const s of secondaries) {
      expect((await dig(s, `www.${ZONE}`, 'A')).answers.map((a) => a.data)).to.deep.equal(['192.0.2.11']);
      expect((await dig(s, `api.${ZONE}`, 'A')).answers.map((a) => a.data)).to.deep.equal(['192.0.2.12']);
      expect(s.log()).to.match(new RegExp(`zone ${ZONE.replace('.', '\\.')}/IN: transferred serial ${want}`));
    }
    // the DNSZone hook's SOA probe sees the same serial at each secondary's dnsEndpoint
    const probe = createSoaProbe({ timeoutMs: 1000 });
    for (const s of secondaries)
      expect(await probe.serial(`${s.address}:${s.layout.dnsPort}`, ZONE)).to.deep.equal({ ok: true, serial: want });
    // the primary logs each transfer's type: both secondaries took the change incrementally, with the key
    const ixfrs = primary!
      .log()
      .match(new RegExp(`IXFR started: TSIG bindy-transfer \\(serial ${want - 1} -> ${want}\\)`, 'g'));
    expect(ixfrs?.length, primary!.log().slice(-3000)).to.equal(2);
  });

  it('refuses a zone transfer without the transfer key and allows it with the key', async () => {
    const p = primary!;
    const unsigned = await run('dig', [
      `@127.0.0.1`,
      '-p',
      String(p.layout.dnsPort),
      '+time=2',
      '+tries=1',
      ZONE,
      'AXFR',
    ]);
    expect(unsigned).to.match(/Transfer failed|REFUSED/);
    expect(unsigned).to.not.match(/IN\s+A\s+192\.0\.2\.11/);
    const catalog = await run('dig', [
      `@127.0.0.1`,
      '-p',
      String(p.layout.dnsPort),
      '+time=2',
      '+tries=1',
      CATALOG_ZONE,
      'AXFR',
    ]);
    expect(catalog).to.match(/Transfer failed|REFUSED/);
    const signed = await run('dig', [
      '-k',
      join(keysDir, TRANSFER_KEY_FILE),
      `@127.0.0.1`,
      '-p',
      String(p.layout.dnsPort),
      '+time=2',
      '+tries=1',
      ZONE,
      'AXFR',
    ]);
    expect(signed).to.match(/www\.sec\.test\.\s+300\s+IN\s+A\s+192\.0\.2\.11/);
  });

  it('the catalog zone cannot be written through the zone API', async () => {
    const r = await axios.delete(`${api}/${CATALOG_ZONE}`, { validateStatus: () => true });
    expect(r.status).to.equal(409);
    expect(r.data).to.include({ code: 'RESERVED_ZONE' });
    expect(await serial(primary!, CATALOG_ZONE)).to.not.equal(undefined);
  });

  it('deleting the zone unlists it before the response and removes it from both secondaries', async () => {
    const t0 = Date.now();
    const r = await axios.delete(`${api}/${ZONE}`);
    expect(r.data).to.include({ zone: ZONE, deleted: true });
    const member = await dig(primary!, `${memberLabel(ZONE)}.zones.${CATALOG_ZONE}`, 'PTR');
    expect(member.answers).to.deep.equal([]);
    for (const s of secondaries)
      await until(`${ZONE} gone from ${s.name}`, async () => (await serial(s, ZONE)) === undefined, 15000, s.log);
    latencies.push(Date.now() - t0);
    const probe = await createSoaProbe({ timeoutMs: 1000 }).serial(`127.0.0.2:${secondaries[0]!.layout.dnsPort}`, ZONE);
    expect(probe).to.deep.equal({ ok: false, message: 'not served (REFUSED)' });
  });

  it('the DNSZone hook pushes to the primary and its status shows both secondaries serving the same serial', async () => {
    const V = 'bindy.firestoned.io/v1beta1';
    const labels = (role: string) => ({ 'bindy.firestoned.io/cluster': 'live', 'bindy.firestoned.io/role': role });
    const instances: KubeObject[] = [
      {
        apiVersion: V,
        kind: 'Bind9Instance',
        metadata: { name: 'live-primary-0', namespace: 'dns', labels: labels('primary') },
        spec: { clusterRef: 'live', role: 'primary' },
        status: { endpoint: `http://127.0.0.1:${bindcar!.port}`, dnsEndpoint: `127.0.0.1:${primary!.layout.dnsPort}` },
      },
      ...secondaries.map((n, i) => ({
        apiVersion: V,
        kind: 'Bind9Instance',
        metadata: { name: `live-secondary-${i}`, namespace: 'dns', labels: labels('secondary') },
        spec: { clusterRef: 'live', role: 'secondary' as const },
        status: { dnsEndpoint: `${n.address}:${n.layout.dnsPort}` },
      })),
    ];
    const zone: KubeObject = {
      apiVersion: V,
      kind: 'DNSZone',
      metadata: {
        name: 'hooked',
        namespace: 'dns',
        generation: 1,
        uid: 'uid-hooked',
        creationTimestamp: '2026-11-01T00:00:00Z',
      },
      spec: {
        zoneName: 'hooked.test',
        clusterRef: 'live',
        soaRecord: { primaryNameServer: 'ns1.hooked.test', adminEmail: 'hostmaster.hooked.test' },
        nameServers: [{ hostname: 'ns1.hooked.test', ipv4Address: '192.0.2.53' }],
      },
    };
    const request = (): SyncRequest<DNSZone & KubeObject> => {
      const related: Record<string, Record<string, KubeObject>> = {
        [childKey('Bind9Cluster', V)]: {
          'dns/live': { apiVersion: V, kind: 'Bind9Cluster', metadata: { name: 'live', namespace: 'dns' }, spec: {} },
        },
        [childKey('Bind9Instance', V)]: Object.fromEntries(
          instances.map((o) => [objectKey('dns', o.metadata.name!), o]),
        ),
        [childKey('DNSZone', V)]: { 'dns/hooked': zone },
      };
      return {
        controller: {},
        parent: structuredClone(zone),
        children: {},
        related,
        finalizing: false,
      } as unknown as SyncRequest<DNSZone & KubeObject>;
    };
    const deps = {
      bindcar: createBindcarClient({
        token: staticToken(undefined),
        attempts: 1,
        connectTimeoutMs: 1000,
        requestTimeoutMs: 10000,
      }),
      recordStatus: recordingStatusWriter(),
      events: memoryEventRecorder(),
      soa: createSoaProbe({ timeoutMs: 1000 }),
      clock: () => '2026-11-22T05:00:00Z',
    };
    const cond = (r: SyncResponse, type: string) =>
      (r.status['conditions'] as { type: string; status: string; reason: string; message: string }[]).find(
        (c) => c.type === type,
      )!;
    const first = await syncDnsZone(request(), deps);
    expect(cond(first, 'Ready'), JSON.stringify(first.status)).to.include({ status: 'True', reason: 'Served' });
    const serialServed = first.status['serial'] as number;
    zone['status'] = first.status;
    for (const s of secondaries)
      await until(
        `hooked.test on ${s.name}`,
        async () => (await serial(s, 'hooked.test')) === serialServed,
        15000,
        s.log,
      );
    const second = await syncDnsZone(request(), deps);
    const listed = (second.status['instances'] as { name: string; serial?: number; ready: boolean }[]).map(
      (i) => `${i.name}:${i.serial}:${i.ready}`,
    );
    expect(listed).to.deep.equal([
      `live-primary-0:${serialServed}:true`,
      `live-secondary-0:${serialServed}:true`,
      `live-secondary-1:${serialServed}:true`,
    ]);
    expect(cond(second, 'Ready').message).to.match(new RegExp(`2/2 secondaries at serial ${serialServed}$`));
    expect(cond(second, 'Progressing')).to.include({ status: 'False' });
    expect(second.resyncAfterSeconds).to.equal(undefined);
    zone['status'] = second.status;
    const fin = await finalizeDnsZone({ ...request(), finalizing: true }, deps);
    expect(fin.finalized).to.equal(true);
  });
});
