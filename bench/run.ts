/**
 * `npm run bench`: bindy's speed, measured against raw BIND in the same run on the same machine.
 * Starts a real named, bindcar and the hooks (compiled, as separate processes so their RSS is their own), runs each
 * scenario with warm-up and repetitions, prints a table (p50, p95, max, RSS, ratio to the raw baseline) and writes
 * bench/results/latest.json and latest.md. BENCH_REPS (default 20) and BENCH_ZONES (default 1000) scale it;
 * BENCH_ONLY=P1,P3 runs a subset; BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") is passed to the
 * bindcar and hooks processes for profiling.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import axios from 'axios';
import type { PutZoneBody } from '../dns/contract.js';
import { bindcarEnv, freePort, startNamed } from '../local/named.js';
import type { DNSRecord, DNSZone } from '../hooks/schema/generated.js';
import { desiredZone } from '../hooks/zone/desired.js';
import { recordStatus } from '../hooks/zone/status.js';
import { untilAnswer } from './dns.js';
import { renderTable, sample, summarize, timed, type Row } from './stats.js';

const run = promisify(execFile);
const REPS = Number(process.env['BENCH_REPS'] ?? 20);
const ZONES = Number(process.env['BENCH_ZONES'] ?? 1000);
const TOKEN = 'bench-token-0123456789abcdef';
const ONLY = process.env['BENCH_ONLY']?.split(',').map((s) => s.trim().toUpperCase());
const want = (id: string) => !ONLY || ONLY.includes(id);
const V = 'bindy.firestoned.io/v1beta1';

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function startProcess(script: string, env: Record<string, string>, healthUrl: string): Promise<ChildProcess> {
  const nodeArgs = process.env['BENCH_NODE_ARGS']?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const end = Date.now() + 20000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    if (
      await axios
        .get(healthUrl, { timeout: 500, validateStatus: () => true })
        .then((r) => r.status === 200)
        .catch(() => false)
    )
      return child;
    if (Date.now() > end) throw new Error(`${script} did not become healthy`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const soa = {
  mname: 'ns1.bench.example.',
  rname: 'hostmaster.bench.example.',
  refresh: 3600,
  retry: 600,
  expire: 604800,
  minimum: 300,
};

/** A zone body with `n` A records h0…h(n-1). */
function zoneBody(n: number, first = '10.0.0.1'): PutZoneBody {
  const records = Array.from({ length: n }, (_, i) => ({
    name: `h${i}`,
    type: 'A' as const,
    ttl: 300,
    data: i === 0 ? first : `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  }));
  return { type: 'primary', ttl: 300, soa, nameServers: [{ hostname: 'ns1.bench.example.' }], records };
}

/** The same zone as a master file (for the raw baselines). */
function zoneFile(zone: string, n: number, first = '10.0.0.1'): string {
  const lines = [
    `$ORIGIN ${zone}.`,
    '$TTL 300',
    `@ SOA ns1.bench.example. hostmaster.bench.example. 1 3600 600 604800 300`,
    '@ NS ns1.bench.example.',
  ];
  for (const r of zoneBody(n, first).records) lines.push(`${r.name} ${r.ttl} A ${r.data}`);
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  // P7: a secondary consumes bindcar's catalog zone and is NOTIFYed (TSIG) by the primary, as rendered for pods.
  const p7 = {
    primaryPort: await freePort(),
    secondaryPort: await freePort(),
    key: `key "bench-transfer" { algorithm hmac-sha256; secret "${randomBytes(32).toString('base64')}"; };`,
  };
  const named = await startNamed({
    dnsPort: p7.primaryPort,
    extraOptions: `max-records-per-type 0; notify-delay 0; also-notify { 127.0.0.1 port ${p7.secondaryPort} key "bench-transfer"; };`,
    extraConfig: p7.key,
  });
  const p7primaries = `{ 127.0.0.1 port ${p7.primaryPort} key "bench-transfer"; }`;
  const secondary = await startNamed({
    dnsPort: p7.secondaryPort,
    extraOptions: `catalog-zones { zone "catalog.bindy.invalid" default-primaries ${p7primaries} min-update-interval 1; };`,
    extraConfig: `${p7.key}\nzone "catalog.bindy.invalid" { type secondary; file "catalog.db"; primaries ${p7primaries}; min-retry-time 5; max-retry-time 30; };`,
  });
  const bindcarPort = await freePort();
  const hooksPort = await freePort();
  const bindcarUrl = `http://127.0.0.1:${bindcarPort}`;
  const bindcar = await startProcess(
    'dist/bindcar/server.js',
    {
      ...bindcarEnv(named, TOKEN, bindcarPort),
      BINDCAR_MAX_RECORDS_PER_TYPE: '100000',
      BINDCAR_TRANSFER_KEY_NAME: 'bench-transfer',
      NODE_OPTIONS: '--max-semi-space-size=8', // as the bindcar image sets it (Dockerfile)
      LOG_LEVEL: 'warn',
    },
    `${bindcarUrl}/healthz`,
  );
  const hooks = await startProcess(
    'dist/hooks/server.js',
    { HOOKS_PORT: String(hooksPort), HOOKS_ADDRESS: '127.0.0.1', BINDCAR_TOKEN: TOKEN, LOG_LEVEL: 'warn' },
    `http://127.0.0.1:${hooksPort}/healthz`,
  );
  const api = axios.create({
    baseURL: `${bindcarUrl}/api/v1`,
    headers: { authorization: `Bearer ${TOKEN}` },
    maxBodyLength: Infinity,
    maxContentLength: Infinity,
  });
  const rows: Row[] = [];
  const put = (zone: string, body: PutZoneBody) => api.put(`/zones/${zone}`, body);
  const rawAdd = async (zone: string, text: string, update = false) => {
    const file = join(named.dir, `${zone}.raw`);
    writeFileSync(file, text);
    await named.rndc(
      'addzone',
      zone,
      `{ type primary; file "${file}";${update ? ` allow-update { key "${named.updateKey.name}"; };` : ''} };`,
    );
  };
  try {
    // P1: zone with 10 records → first correct answer.
    if (want('P1')) {
      const p1 = await sample(REPS, 3, async (i) => {
        const z = `p1-${i + 10}.bench.example`;
        await put(z, zoneBody(10, '10.1.1.1'));
        await untilAnswer(named.dnsPort, `h0.${z}`, '10.1.1.1');
      });
      const p1raw = await sample(REPS, 3, async (i) => {
        const z = `p1raw-${i + 10}.bench.example`;
        await rawAdd(z, zoneFile(z, 10, '10.1.1.1'));
        await untilAnswer(named.dnsPort, `h0.${z}`, '10.1.1.1');
      });
      rows.push({
        id: 'P1',
        scenario: 'zone with 10 records: PUT → first answer',
        result: summarize(p1),
        baseline: summarize(p1raw),
        target: 'p50 ≤ 25 ms',
        met: summarize(p1).p50 <= 25,
      });
    }

    // P2: one-record change in a 10,000-record zone → answer.
    if (want('P2')) {
      const big = 'p2.bench.example';
      await put(big, zoneBody(10000));
      const p2 = await sample(REPS, 3, async (i) => {
        const ip = `10.2.${(i + 10) & 255}.${(i + 100) & 255}`;
        await put(big, zoneBody(10000, ip));
        await untilAnswer(named.dnsPort, `h0.${big}`, ip);
      });
      const bigRaw = 'p2raw.bench.example';
      await rawAdd(bigRaw, zoneFile(bigRaw, 10000), true);
      const p2raw = await sample(REPS, 3, async (i) => {
        const ip = `10.3.${(i + 10) & 255}.${(i + 100) & 255}`;
        const script = `server 127.0.0.1 ${named.dnsPort}\nzone ${bigRaw}\nupdate delete h0.${bigRaw} A\nupdate add h0.${bigRaw} 300 A ${ip}\nsend\n`;
        await new Promise<void>((resolve, reject) => {
          const c = execFile(
            'nsupdate',
            ['-y', `hmac-sha256:${named.updateKey.name}:${named.updateKey.secret}`],
            (err) => (err ? reject(err) : resolve()),
          );
          c.stdin?.end(script);
        });
        await untilAnswer(named.dnsPort, `h0.${bigRaw}`, ip);
      });
      rows.push({
        id: 'P2',
        scenario: '1-record change in a 10,000-record zone: full PUT → answer',
        result: summarize(p2),
        baseline: summarize(p2raw),
        target: 'p50 ≤ 30 ms',
        met: summarize(p2).p50 <= 30,
      });
    }

    // P3 + P6 (hooks): DNSZone sync hook request in → response out, steady state, with a real bindcar behind it.
    for (const n of want('P3') || want('P6') ? [100, 10000] : []) {
      const req = syncRequest(`p3-${n}.bench.example`, n, bindcarUrl);
      const post = () => axios.post(`http://127.0.0.1:${hooksPort}/sync/dnszone`, req, { maxBodyLength: Infinity });
      await post();
      let peak = 0;
      const samples = await sample(REPS, 3, async () => {
        await post();
        peak = Math.max(peak, rssMb(hooks.pid as number));
      });
      const s = summarize(samples);
      const target = n === 100 ? 20 : 150;
      rows.push({
        id: 'P3',
        scenario: `DNSZone sync hook, ${n} records (request → response)`,
        result: s,
        rssMb: peak,
        target: `p50 ≤ ${target} ms`,
        met: s.p50 <= target,
      });
      if (n === 10000)
        rows.push({
          id: 'P6',
          scenario: 'hooks RSS during the 10,000-record sync',
          result: summarize([]),
          rssMb: peak,
          target: '≤ 200 MB',
          met: peak <= 200,
        });
    }

    // P4 + P6 (bindcar): ZONES zones created one after another; raw: ZONES × rndc addzone.
    if (want('P4') || want('P6')) {
      const p4 = await timed(async () => {
        for (let i = 0; i < ZONES; i++) await put(`z${i}.p4.bench.example`, zoneBody(5));
      });
      const p4raw = await timed(async () => {
        for (let i = 0; i < ZONES; i++)
          await rawAdd(`z${i}.p4raw.bench.example`, zoneFile(`z${i}.p4raw.bench.example`, 5));
      });
      rows.push({
        id: 'P4',
        scenario: `${ZONES} zones created one after another (total ms)`,
        result: summarize([p4]),
        baseline: summarize([p4raw]),
        target: '≤ 2× raw',
        met: p4 <= 2 * p4raw,
      });
      const bindcarRss = rssMb(bindcar.pid as number);
      rows.push({
        id: 'P6',
        scenario: `bindcar RSS after ${ZONES + 2 * REPS + 10} zones`,
        result: summarize([]),
        rssMb: bindcarRss,
        target: '≤ 100 MB',
        met: bindcarRss <= 100,
      });
    }

    // P5: 100,000-record zone created → served.
    if (want('P5')) {
      const p5 = await sample(Math.max(1, Math.min(3, REPS)), 0, async (i) => {
        await put(`p5-${i}.bench.example`, zoneBody(100000, '10.5.5.5'));
        await untilAnswer(named.dnsPort, `h0.p5-${i}.bench.example`, '10.5.5.5', 60000);
      });
      const p5raw = await sample(Math.max(1, Math.min(3, REPS)), 0, async (i) => {
        const z = `p5raw-${i}.bench.example`;
        await rawAdd(z, zoneFile(z, 100000, '10.5.5.5'));
        await untilAnswer(named.dnsPort, `h0.${z}`, '10.5.5.5', 60000);
      });
      rows.push({
        id: 'P5',
        scenario: '100,000-record zone: PUT → served',
        result: summarize(p5),
        baseline: summarize(p5raw),
        target: 'p50 ≤ 2000 ms',
        met: summarize(p5).p50 <= 2000,
      });
    }

    // P7: change on the primary (PUT) → answer on a secondary that only knows the catalog (NOTIFY + IXFR).
    const z7 = 'p7.bench.example';
    await put(z7, zoneBody(100, '10.7.0.1'));
    await untilAnswer(secondary.dnsPort, `h0.${z7}`, '10.7.0.1', 30000);
    const p7s = await sample(REPS, 3, async (i) => {
      const ip = `10.7.${(i + 10) & 255}.${(i + 100) & 255}`;
      await put(z7, zoneBody(100, ip));
      await untilAnswer(secondary.dnsPort, `h0.${z7}`, ip);
    });
    rows.push({
      id: 'P7',
      scenario: '1-record change: PUT on the primary → answer on a catalog secondary',
      result: summarize(p7s),
      target: 'p50 ≤ 1000 ms',
      met: summarize(p7s).p50 <= 1000,
    });
  } finally {
    await secondary.stop();
    bindcar.kill('SIGTERM');
    hooks.kill('SIGTERM');
    await named.stop();
  }
  const table = renderTable(rows);
  const meta = `node ${process.version}, ${(await run('named', ['-v'])).stdout.trim()}, reps ${REPS}, ${new Date().toISOString()}`;
  console.log(`\n${table}\n\n${meta}`);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/latest.json', JSON.stringify({ meta, rows }, null, 2));
  writeFileSync('bench/results/latest.md', `${table}\n\n${meta}\n`);
}

/** A Metacontroller-shaped DNSZone sync request with `n` ARecords already carrying their steady-state status. */
function syncRequest(zoneName: string, n: number, bindcarUrl: string) {
  const ns = 'bench';
  const meta = (name: string, i: number) => ({
    name,
    namespace: ns,
    uid: `uid-${name}`,
    generation: 1,
    creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString().replace('.000', ''),
  });
  const zone = {
    apiVersion: V,
    kind: 'DNSZone',
    metadata: meta('zone', 0),
    spec: {
      zoneName,
      clusterRef: 'dns',
      ttl: 300,
      soaRecord: { primaryNameServer: 'ns1.bench.example.', adminEmail: 'hostmaster.bench.example.' },
      nameServers: [{ hostname: 'ns1.bench.example.' }],
    },
  } as unknown as DNSZone;
  const records = Array.from({ length: n }, (_, i) => ({
    apiVersion: V,
    kind: 'ARecord',
    metadata: meta(`r${i}`, i + 1),
    spec: { zoneRef: 'zone', name: `h${i}`, ipv4Address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
  })) as unknown as DNSRecord[];
  const result = desiredZone(zone, records, []);
  if ('invalid' in result) throw new Error(result.message);
  for (const o of result.outcomes)
    (o.record as { status?: unknown }).status = recordStatus(o, result.zoneName, '2026-01-01T00:00:00Z');
  const instance = {
    apiVersion: V,
    kind: 'Bind9Instance',
    metadata: {
      ...meta('dns-primary-0', 0),
      labels: { 'bindy.firestoned.io/cluster': 'dns', 'bindy.firestoned.io/role': 'primary' },
    },
    spec: { clusterRef: 'dns', role: 'primary', external: { bindcarUrl } },
    status: {
      endpoint: bindcarUrl,
      role: 'primary',
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'External',
          message: 'external',
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
      ],
    },
  };
  const cluster = { apiVersion: V, kind: 'Bind9Cluster', metadata: meta('dns', 0), spec: {} };
  return {
    controller: {
      apiVersion: 'metacontroller.k8s.io/v1alpha1',
      kind: 'CompositeController',
      metadata: { name: 'bindy-dnszone' },
    },
    parent: zone,
    children: {},
    related: {
      [`Bind9Cluster.${V}`]: { [`${ns}/dns`]: cluster },
      [`Bind9Instance.${V}`]: { [`${ns}/dns-primary-0`]: instance },
      [`DNSZone.${V}`]: { [`${ns}/zone`]: zone },
      [`ARecord.${V}`]: Object.fromEntries(records.map((r) => [`${ns}/${r.metadata.name}`, r])),
    },
    finalizing: false,
  };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
