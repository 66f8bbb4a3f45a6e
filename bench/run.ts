/**
 * `npm run bench`: bindy's speed against the physical limits of the same named, in one run on one machine.
 *
 * Baselines are spawn-free and independent of the product code they are compared with: one TSIG-signed UPDATE over a
 * kept-alive TCP connection (bench/raw-dns.ts), `addzone` over a kept-alive control channel (bench/raw-control.ts),
 * `JSON.parse` of the hook's own request. Product processes (bindcar, hooks) run compiled, as separate processes, so
 * their RSS is their own. No secondary is attached while the change and creation tables run (a secondary would
 * transfer the product's zones and not the baseline's); the primary → secondary table has its own pair of named.
 * Every table is printed with the load average at its start and end: this is a shared 2-core machine, so repeat a
 * run before trusting a figure.
 *
 * Knobs: BENCH_REPS (20), BENCH_SIZES (records per zone, "100,1000,10000,50000,100000"), BENCH_ZONES (zone counts,
 * "1,1000,2000"), BENCH_PDNS_SIZES (records per zone on PowerDNS, "100,1000,10000"), BENCH_HOOK_SIZES (records of the
 * DNSZone sync hook's zone, "10000,50000"), BENCH_ONLY (sections:
 * CHANGE,ZONES,HOOKS,P7,PROC,PDNS), BENCH_NODE_ARGS (passed to bindcar and hooks,
 * e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"). Writes bench/results/latest.{json,md}.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import axios, { type AxiosInstance } from 'axios';
import type { PutZoneBody } from '../dns/contract.js';
import { bindcarEnv, freePort, startNamed, type NamedInstance } from '../local/named.js';
import { startPdns } from '../local/pdns.js';
import { createPowerDnsClient } from '../hooks/ports/powerdns.js';
import type { DNSRecord, DNSZone } from '../hooks/schema/generated.js';
import { desiredZone } from '../hooks/zone/desired.js';
import { recordStatus } from '../hooks/zone/status.js';
import { CATALOG_MIN_UPDATE_INTERVAL, NAMED_RATE_OPTIONS } from '../hooks/render/named-conf.js';
import { DIST_BUNDLES as BUNDLES, SERVICE_NODE_OPTIONS } from '../scripts/bundle.js';
import { untilAnswer } from './dns.js';
import { RawControl } from './raw-control.js';
import { RawUpdater } from './raw-dns.js';
import { renderSection, sample, summarize, timed, type Row, type Section, type Summary } from './stats.js';

const run = promisify(execFile);
const REPS = Number(process.env['BENCH_REPS'] ?? 20);
const list = (v: string | undefined, d: string) => (v ?? d).split(',').map((s) => Number(s.trim()));
const SIZES = list(process.env['BENCH_SIZES'], '100,1000,10000,50000,100000');
// creation is to stay flat up to 20,000 zones; bindcar's memory target is the one at 2,000
const ZONE_COUNTS = list(process.env['BENCH_ZONES'], '1,1000,2000,10000,20000');
const PDNS_SIZES = list(process.env['BENCH_PDNS_SIZES'], '100,1000,10000');
const HOOK_SIZES = list(process.env['BENCH_HOOK_SIZES'], '10000,50000');
const TOKEN = 'bench-token-0123456789abcdef';
const ONLY = process.env['BENCH_ONLY']?.split(',').map((s) => s.trim().toUpperCase());
const want = (id: string) => !ONLY || ONLY.includes(id);
const V = 'bindy.firestoned.io/v1beta1';
const noKeepAlive = new HttpAgent({ keepAlive: false });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
const namedPid = (n: NamedInstance) => Number(readFileSync(join(n.dir, 'named.pid'), 'utf8').trim());

/** Spawns a compiled service (node `script` `args`) and resolves once `healthUrl` answers 200, with the time that took. */
async function startProcess(
  script: string,
  env: Record<string, string>,
  healthUrl: string,
  args: string[] = [],
): Promise<{ child: ChildProcess; readyMs: number }> {
  const nodeArgs = process.env['BENCH_NODE_ARGS']?.split(' ').filter(Boolean) ?? [];
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const end = Date.now() + 20000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    const ok = await axios
      .get(healthUrl, { timeout: 500, validateStatus: () => true })
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return { child, readyMs: Number(process.hrtime.bigint() - t0) / 1e6 };
    if (Date.now() > end) throw new Error(`${script} did not become healthy`);
    await sleep(2);
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
const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

/** A zone body with `n` A records h0…h(n-1); h0 carries `first`. */
function zoneBody(n: number, first = '10.0.0.1'): PutZoneBody {
  const records = Array.from({ length: n }, (_, i) => ({
    name: `h${i}`,
    type: 'A' as const,
    ttl: 300,
    data: i === 0 ? first : ip(i),
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
  for (let i = 0; i < n; i++) lines.push(`h${i} 300 A ${i === 0 ? first : ip(i)}`);
  return `${lines.join('\n')}\n`;
}

const ratioOf = (a: Summary, b: Summary) => a.p50 / b.p50;
/** A row whose target is a ratio of p50 to its baseline's p50. */
function ratioRow(id: string, scenario: string, result: Summary, baseline: Summary, max?: number): Row {
  return {
    id,
    scenario,
    result,
    baseline,
    target: max === undefined ? '—' : `≤ ${max}× raw`,
    ...(max === undefined ? {} : { met: ratioOf(result, baseline) <= max }),
  };
}
const none = summarize([]);

/** bindcar's histogram sums and counts (seconds; `/metrics`), by series: what a bench row's requests spent inside it. */
async function bindcarSeconds(url: string): Promise<Map<string, number>> {
  const text = (await axios.get<string>(`${url}/metrics`, { responseType: 'text' })).data;
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^(bindcar_\w+_seconds_(?:sum|count))(\{[^}]*\})? (\S+)$/gm))
    out.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  return out;
}

const PATCH_SERIES = '{method="PATCH",route="/api/v1/zones/:zone/rrsets"}';
const DNS_OP = (op: string) => `bindcar_dns_operation_duration_seconds_sum{operation="${op}",result="ok"}`;

/**
 * Where the PATCHes between two `/metrics` readings spent their time, per PATCH (mean ms): bindcar's handler, and
 * within it the UPDATE and the IXFR read-back; what the PATCH → answer p50 holds beyond the handler is HTTP and the
 * answering query.
 */
function patchSplit(before: Map<string, number>, after: Map<string, number>): { handler: number; text: string } {
  const delta = (k: string) => (after.get(k) ?? 0) - (before.get(k) ?? 0);
  const count = delta(`bindcar_http_request_duration_seconds_count${PATCH_SERIES}`);
  const ms = (k: string) => (count > 0 ? (delta(k) * 1000) / count : NaN);
  const handler = ms(`bindcar_http_request_duration_seconds_sum${PATCH_SERIES}`);
  const update = ms(DNS_OP('update'));
  const ixfr = ms(DNS_OP('ixfr'));
  const f = (v: number) => v.toFixed(2);
  return {
    handler,
    text: `UPDATE ${f(update)}, IXFR read-back ${f(ixfr)}, the rest of the handler ${f(handler - update - ixfr)}`,
  };
}

/** A bindcar driving `named`, started as its own process. */
async function startBindcar(named: NamedInstance, extra: Record<string, string> = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { child, readyMs } = await startProcess(
    BUNDLES.bindcar,
    {
      ...bindcarEnv(named, TOKEN, port),
      BINDCAR_MAX_RECORDS_PER_TYPE: '100000',
      NODE_OPTIONS: SERVICE_NODE_OPTIONS.bindcar, // as the bindcar image sets it (Dockerfile)
      LOG_LEVEL: 'warn',
      ...extra,
    },
    `${url}/healthz`,
  );
  const api: AxiosInstance = axios.create({
    baseURL: `${url}/api/v1`,
    headers: { authorization: `Bearer ${TOKEN}` },
    maxBodyLength: Infinity,
    maxContentLength: Infinity,
  });
  return { child, readyMs, url, api, put: (zone: string, body: PutZoneBody) => api.put(`/zones/${zone}`, body) };
}

/** A raw zone: the file, then `addzone` over the kept-alive control channel. */
async function rawAdd(ctl: RawControl, named: NamedInstance, zone: string, text: string, opts = ''): Promise<void> {
  const file = join(named.dir, `${zone}.raw`);
  writeFileSync(file, text);
  await ctl.run(`addzone ${zone} { type primary; file "${file}";${opts} };`);
}

async function section(title: string, body: (rows: Row[]) => Promise<void>): Promise<Section> {
  const loadBefore = loadavg();
  const rows: Row[] = [];
  console.error(`— ${title}`);
  await body(rows);
  const s = { title, rows, loadBefore, loadAfter: loadavg() };
  console.error(renderSection(s));
  return s;
}

/** Changes and creation of one zone of growing size, against one UPDATE and a file + addzone. */
async function changeSection(rows: Row[]): Promise<void> {
  const named = await startNamed({ extraOptions: 'max-records-per-type 0;' });
  const bindcar = await startBindcar(named);
  const ctl = new RawControl(named.rndcPort, named.rndcKey.secret);
  const upd = new RawUpdater(named.dnsPort, named.updateKey);
  const allowUpdate = ` allow-update { key "${named.updateKey.name}"; };`;
  try {
    for (const n of SIZES) {
      const reps = n >= 50000 ? Math.min(REPS, 10) : REPS;
      const createReps = n >= 50000 ? 2 : 3;
      const label = n.toLocaleString('en');
      // creation, which also leaves one zone of each kind to change
      const bindcarBefore = rssMb(bindcar.child.pid!);
      const namedBefore = rssMb(namedPid(named));
      const create = await sample(createReps, 0, async (i) => {
        const z = `c${i}-${n}.bench.example`;
        await bindcar.put(z, zoneBody(n, '10.250.0.1'));
        await untilAnswer(named.dnsPort, `h0.${z}`, '10.250.0.1', 60000);
      });
      await sleep(300);
      const bindcarGrew = (rssMb(bindcar.child.pid!) - bindcarBefore) / createReps;
      const namedGrew = (rssMb(namedPid(named)) - namedBefore) / createReps;
      const createRaw = await sample(createReps, 0, async (i) => {
        const z = `r${i}-${n}.bench.example`;
        await rawAdd(ctl, named, z, zoneFile(z, n, '10.250.0.1'), allowUpdate);
        await untilAnswer(named.dnsPort, `h0.${z}`, '10.250.0.1', 60000);
      });
      rows.push(
        ratioRow(
          `C-${n}`,
          `${label}-record zone created: PUT → answer vs file + addzone`,
          summarize(create),
          summarize(createRaw),
          n === 100000 ? 1.5 : undefined,
        ),
      );
      if (n >= 10000)
        rows.push({
          id: `M-${n}`,
          scenario: `memory per ${label}-record zone: bindcar RSS growth (named's growth as baseline, MB)`,
          result: summarize([bindcarGrew]),
          baseline: summarize([namedGrew]),
          target: n === 100000 ? '≤ 2× raw' : '—',
          // a growth ≤ 0 is V8 returning memory during the measure, not a zone that costs nothing: not met
          ...(n === 100000 ? { met: bindcarGrew > 0 && bindcarGrew <= 2 * namedGrew } : {}),
        });
      // one-record change
      const z = `c0-${n}.bench.example`;
      const zr = `r0-${n}.bench.example`;
      const change = await sample(reps, 3, async (i) => {
        const a = `10.251.${(i + 10) & 255}.${(i + 100) & 255}`;
        await bindcar.put(z, zoneBody(n, a));
        await untilAnswer(named.dnsPort, `h0.${z}`, a);
      });
      const changeRaw = await sample(reps, 3, async (i) => {
        const a = `10.252.${(i + 10) & 255}.${(i + 100) & 255}`;
        const rc = await upd.update(zr, [{ op: 'replaceA', name: `h0.${zr}`, ttl: 300, address: a }]);
        if (rc !== 0) throw new Error(`raw UPDATE answered rcode ${rc}`);
        await untilAnswer(named.dnsPort, `h0.${zr}`, a);
      });
      const target = n === 100 || n === 10000 || n === 100000 ? 3 : undefined;
      rows.push(
        ratioRow(
          `U-${n}`,
          `1-record change in ${label} records: full PUT → answer vs 1 UPDATE`,
          summarize(change),
          summarize(changeRaw),
          target,
        ),
      );
      // the changed-RRsets path the hooks' client takes when only records changed (serial precondition)
      let serial = (await bindcar.put(z, zoneBody(n, '10.254.0.1'))).data.serial as number;
      const metricsBefore = await bindcarSeconds(bindcar.url);
      const patched = await sample(reps, 3, async (i) => {
        const a = `10.254.${(i + 10) & 255}.${(i + 100) & 255}`;
        const r = await bindcar.api.patch(`/zones/${z}/rrsets`, {
          ifSerial: serial,
          rrsets: [{ name: 'h0', type: 'A', records: [{ ttl: 300, data: a }] }],
        });
        serial = r.data.serial as number;
        await untilAnswer(named.dnsPort, `h0.${z}`, a);
      });
      rows.push(
        ratioRow(
          `P-${n}`,
          `1-record change in ${label} records: changed-RRsets PATCH → answer vs 1 UPDATE`,
          summarize(patched),
          summarize(changeRaw),
          target,
        ),
      );
      const split = patchSplit(metricsBefore, await bindcarSeconds(bindcar.url));
      rows.push({
        id: `P-${n}-split`,
        scenario: `where each P-${n} PATCH went (mean ms, bindcar's /metrics, warm-ups included): bindcar's handler = ${split.text}; the rest of the P-${n} p50 is HTTP and the answering query`,
        result: summarize([split.handler]),
        target: '—',
      });
      const body = zoneBody(n, '10.253.0.1');
      await bindcar.put(z, body);
      const same = await sample(reps, 2, () => bindcar.put(z, body));
      rows.push(
        ratioRow(
          `S-${n}`,
          `same body again in ${label} records: PUT → 200 vs 1 UPDATE`,
          summarize(same),
          summarize(changeRaw),
        ),
      );
    }
  } finally {
    upd.close();
    ctl.close();
    bindcar.child.kill('SIGTERM');
    await named.stop();
  }
}

const IDLE_SETTLE_MS = 5000;

/** Creation of a small zone as the number of zones grows, against addzone over a kept-alive control channel. */
async function zonesSection(rows: Row[]): Promise<void> {
  const named = await startNamed();
  const bindcar = await startBindcar(named);
  const ctl = new RawControl(named.rndcPort, named.rndcKey.secret);
  try {
    // idle means after what a start leaves to do in the background (the catalog zone, created or read back once named
    // answers: bindcar/server.ts), not the moment /healthz first answers
    await sleep(IDLE_SETTLE_MS);
    const idle = rssMb(bindcar.child.pid!);
    rows.push({
      id: 'R-idle',
      scenario: `bindcar RSS idle (${IDLE_SETTLE_MS / 1000} s after startup, catalog only)`,
      result: none,
      rssMb: idle,
      target: '≤ 50 MB',
      met: idle <= 50,
      baseline: none,
    });
    let have = 0;
    let haveRaw = 0;
    let first: Summary | undefined;
    let firstRaw: Summary | undefined;
    for (const count of ZONE_COUNTS) {
      for (; have < count - 1; have++) await bindcar.put(`f${have}.zones.bench.example`, zoneBody(5));
      for (; haveRaw < count - 1; haveRaw++)
        await rawAdd(ctl, named, `f${haveRaw}.raw.bench.example`, zoneFile(`f${haveRaw}.raw.bench.example`, 5));
      const reps = Math.min(REPS, 20);
      const p = summarize(
        await sample(reps, 2, async (i) => {
          const z = `n${i + 2}-${count}.zones.bench.example`;
          await bindcar.put(z, zoneBody(10, '10.1.1.1'));
          await untilAnswer(named.dnsPort, `h0.${z}`, '10.1.1.1');
        }),
      );
      const r = summarize(
        await sample(reps, 2, async (i) => {
          const z = `n${i + 2}-${count}.raw.bench.example`;
          await rawAdd(ctl, named, z, zoneFile(z, 10, '10.1.1.1'));
          await untilAnswer(named.dnsPort, `h0.${z}`, '10.1.1.1');
        }),
      );
      have += reps + 2;
      haveRaw += reps + 2;
      first ??= p;
      firstRaw ??= r;
      rows.push(ratioRow(`Z-${count}`, `10-record zone created with ${count} zones served: PUT → answer`, p, r, 2));
      if (count !== ZONE_COUNTS[0])
        rows.push({
          id: `F-${count}`,
          scenario: `creation stays flat: p50 at ${count} zones vs at ${ZONE_COUNTS[0]} (raw: its own growth)`,
          result: p,
          baseline: first,
          target: `≤ 1.5× raw, raw ${(r.p50 / firstRaw.p50).toFixed(2)}×`,
          met: p.p50 / first.p50 <= 1.5,
        });
      const rss = rssMb(bindcar.child.pid!);
      rows.push({
        id: `R-${have}`,
        scenario: `bindcar RSS with ${have} zones`,
        result: none,
        rssMb: rss,
        target: count === 2000 ? '≤ 80 MB' : '—',
        ...(count === 2000 ? { met: rss <= 80 } : {}),
      });
    }
  } finally {
    ctl.close();
    bindcar.child.kill('SIGTERM');
    await named.stop();
  }
}

/** The DNSZone sync hook with nothing changed, against parsing its own request; a real bindcar behind it. */
async function hooksSection(rows: Row[]): Promise<void> {
  const named = await startNamed();
  const bindcar = await startBindcar(named);
  const start = async (skipMs: number) => {
    const port = await freePort();
    const { child } = await startProcess(
      BUNDLES.hooks,
      {
        HOOKS_PORT: String(port),
        HOOKS_ADDRESS: '127.0.0.1',
        BINDCAR_TOKEN: TOKEN,
        LOG_LEVEL: 'warn',
        NODE_OPTIONS: SERVICE_NODE_OPTIONS.hooks,
        BINDY_BINDCAR_SKIP_UNCHANGED_MS: String(skipMs),
        HOOKS_BODY_LIMIT: '256mb',
      },
      `http://127.0.0.1:${port}/healthz`,
    );
    return { child, url: `http://127.0.0.1:${port}/sync/dnszone` };
  };
  // the default (an unchanged zone is checked with one GET) and with the skip window expired (a full PUT)
  const skipping = await start(600000);
  const putting = await start(0);
  // what every H row pays before any hook code runs: the request crossing loopback HTTP into another node process
  const drainPort = await freePort();
  const drainUrl = `http://127.0.0.1:${drainPort}/`;
  const drain = await startProcess('-e', {}, drainUrl, [
    `require('http').createServer((q, s) => q.resume().on('end', () => s.end('{}'))).listen(${drainPort}, '127.0.0.1')`,
  ]);
  try {
    for (const n of HOOK_SIZES) {
      const request = syncRequest(`h-${n}.bench.example`, n, bindcar.url);
      const text = JSON.stringify(request);
      // the same zone, one record's status written since (its resourceVersion moved): bytes the hooks have not seen,
      // so neither the kept body nor the kept plan can be used — a fresh version for every post
      const posts = Math.min(REPS, n >= 50000 ? 10 : REPS) + 3;
      const moved = Array.from({ length: posts }, (_, v) => {
        request.related[`ARecord.${V}`]['bench/r0']!.metadata.resourceVersion = `moved-${v}`;
        return JSON.stringify(request);
      });
      const parse = summarize(await sample(REPS, 2, async () => JSON.parse(text)));
      const mb = (Buffer.byteLength(text) / 2 ** 20).toFixed(1);
      const wire = summarize(
        await sample(REPS, 2, () =>
          axios.post(drainUrl, text, {
            maxBodyLength: Infinity,
            headers: { 'content-type': 'application/json' },
            httpAgent: noKeepAlive,
          }),
        ),
      );
      rows.push(
        ratioRow(
          `H-${n}-wire`,
          `the same ${mb} MB POSTed to a node process that only reads it (the transfer each H-${n} row includes); raw: JSON.parse of it`,
          wire,
          parse,
        ),
      );
      for (const [what, h, bodies] of [
        ['nothing changed (the same bytes: kept body and plan; skip window: one GET)', skipping, [text]],
        ['nothing changed (the same bytes; full PUT of the unchanged zone)', putting, [text]],
        [
          "nothing changed but one record's resourceVersion (new bytes: parsed and planned afresh; skip window)",
          skipping,
          moved,
        ],
      ] as const) {
        let sent = 0;
        const post = () =>
          axios.post(h.url, bodies[sent++ % bodies.length], {
            maxBodyLength: Infinity,
            headers: { 'content-type': 'application/json' },
            // a fresh connection each time: a kept-alive one the server closes while a 28 MB body is written is an EPIPE
            httpAgent: noKeepAlive,
          });
        await post();
        let peak = 0;
        const s = summarize(
          await sample(posts - 3, 2, async () => {
            await post();
            peak = Math.max(peak, rssMb(h.child.pid!));
          }),
        );
        rows.push({
          ...ratioRow(
            `H-${n}`,
            `sync hook, ${n} records, ${what}; raw: JSON.parse of its ${mb} MB request`,
            s,
            parse,
            1.5,
          ),
          rssMb: peak,
        });
        if (n === 50000)
          rows.push({
            id: 'H-rss',
            scenario: `hooks RSS peak during the 50,000-record sync, ${what}`,
            result: none,
            rssMb: peak,
            target: '≤ 150 MB',
            met: peak <= 150,
          });
      }
    }
  } finally {
    skipping.child.kill('SIGTERM');
    putting.child.kill('SIGTERM');
    drain.child.kill('SIGTERM');
    bindcar.child.kill('SIGTERM');
    await named.stop();
  }
}

/**
 * Primary → secondary: a change through bindcar on the primary vs a raw UPDATE of a raw zone on the same primary,
 * each read on the same secondary (catalog member vs a configured secondary zone). Both named get the rate options
 * the Bind9Instance hook renders. Isolated (one change, then quiet) and back to back.
 */
async function p7Section(rows: Row[]): Promise<void> {
  const primaryPort = await freePort();
  const secondaryPort = await freePort();
  const key = `key "bench-transfer" { algorithm hmac-sha256; secret "${randomBytes(32).toString('base64')}"; };`;
  const primaries = `{ 127.0.0.1 port ${primaryPort} key "bench-transfer"; }`;
  const primary = await startNamed({
    dnsPort: primaryPort,
    extraOptions: `max-records-per-type 0; notify-delay 0; ${NAMED_RATE_OPTIONS.primary.join(' ')} also-notify { 127.0.0.1 port ${secondaryPort} key "bench-transfer"; }; allow-transfer { key "bench-transfer"; key "bindcar-update"; };`,
    extraConfig: key,
  });
  const bindcar = await startBindcar(primary, { BINDCAR_TRANSFER_KEY_NAME: 'bench-transfer' });
  const ctl = new RawControl(primary.rndcPort, primary.rndcKey.secret);
  const upd = new RawUpdater(primary.dnsPort, primary.updateKey);
  const z = 'p7.bench.example';
  const zr = 'p7raw.bench.example';
  await bindcar.put(z, zoneBody(100, '10.7.0.1'));
  await rawAdd(ctl, primary, zr, zoneFile(zr, 100, '10.7.0.1'), ` allow-update { key "${primary.updateKey.name}"; };`);
  // started once the catalog and the raw zone exist, so its first transfers do not wait for a retry timer
  const secondary = await startNamed({
    dnsPort: secondaryPort,
    extraOptions: `${NAMED_RATE_OPTIONS.secondary.join(' ')} catalog-zones { zone "catalog.bindy.invalid" default-primaries ${primaries} min-update-interval ${CATALOG_MIN_UPDATE_INTERVAL}; };`,
    extraConfig: `${key}\nzone "catalog.bindy.invalid" { type secondary; file "catalog.db"; primaries ${primaries}; min-retry-time 5; max-retry-time 30; };\nzone "p7raw.bench.example" { type secondary; file "p7raw.db"; primaries ${primaries}; };`,
  });
  try {
    await untilAnswer(secondary.dnsPort, `h0.${z}`, '10.7.0.1', 30000);
    await untilAnswer(secondary.dnsPort, `h0.${zr}`, '10.7.0.1', 30000);
    const viaBindy = (tag: number) => async (i: number) => {
      const a = `10.${tag}.${(i + 10) & 255}.${(i + 100) & 255}`;
      await bindcar.put(z, zoneBody(100, a));
      await untilAnswer(secondary.dnsPort, `h0.${z}`, a);
    };
    const viaRaw = (tag: number) => async (i: number) => {
      const a = `10.${tag}.${(i + 10) & 255}.${(i + 100) & 255}`;
      await upd.update(zr, [{ op: 'replaceA', name: `h0.${zr}`, ttl: 300, address: a }]);
      await untilAnswer(secondary.dnsPort, `h0.${zr}`, a);
    };
    const quiet = (fn: (i: number) => Promise<void>) => async (i: number) => {
      await sleep(1100); // past the rate limiters' 500 ms tick and the SOA query of the last change
      const t = await timed(() => fn(i));
      return t;
    };
    const isoReps = Math.min(REPS, 8);
    const iso = summarize(await isolated(isoReps, quiet(viaBindy(71))));
    const isoRaw = summarize(await isolated(isoReps, quiet(viaRaw(72))));
    rows.push(ratioRow('P7-iso', '1-record change, isolated: primary → answer on the secondary', iso, isoRaw));
    const b2b = summarize(await sample(REPS, 3, viaBindy(73)));
    const b2bRaw = summarize(await sample(REPS, 3, viaRaw(74)));
    rows.push({
      ...ratioRow('P7-b2b', '1-record changes back to back: primary → answer on the secondary', b2b, b2bRaw),
      target: 'p50 ≤ 20 ms',
      met: b2b.p50 <= 20,
    });
    const created = summarize(
      await isolated(Math.min(REPS, 5), async (i) =>
        timed(async () => {
          const zn = `new${i}.p7.bench.example`;
          await bindcar.put(zn, zoneBody(10, '10.7.7.7'));
          await untilAnswer(secondary.dnsPort, `h0.${zn}`, '10.7.7.7', 30000);
        }),
      ),
    );
    rows.push({
      id: 'P7-new',
      scenario: 'new 10-record zone: PUT on the primary → answer on the catalog secondary',
      result: created,
      target: 'p50 ≤ 1000 ms',
      met: created.p50 <= 1000,
    });
  } finally {
    upd.close();
    ctl.close();
    bindcar.child.kill('SIGTERM');
    await secondary.stop();
    await primary.stop();
  }
}

/**
 * PowerDNS through bindy's PowerDNS port (hooks/ports/powerdns.ts: the whole desired zone in, GET → plan → one PATCH
 * of what differs) against the API used directly by hand (one POST of the zone, one PATCH of the one RRset, one GET),
 * on the same pdns_server in the same run, each until the answer carries the change.
 */
async function pdnsSection(rows: Row[]): Promise<void> {
  const pdns = await startPdns();
  const client = createPowerDnsClient();
  const conn = { serverUrl: pdns.serverUrl, apiKey: pdns.apiKey };
  const opts = { kind: 'Native' as const, soaEditApi: 'OFF' as const };
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${pdns.serverUrl}${path}`, {
      method,
      headers: { 'X-API-Key': pdns.apiKey, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    if (r.status >= 300) throw new Error(`${method} ${path}: HTTP ${r.status} ${text.slice(0, 200)}`);
    return text;
  };
  const rawZone = (zone: string, n: number, first: string) => ({
    name: `${zone}.`,
    kind: 'Native',
    nameservers: [],
    soa_edit_api: 'OFF',
    rrsets: [
      {
        name: `${zone}.`,
        type: 'SOA',
        ttl: 300,
        records: [{ content: 'ns1.bench.example. hostmaster.bench.example. 1 3600 600 604800 300', disabled: false }],
      },
      { name: `${zone}.`, type: 'NS', ttl: 300, records: [{ content: 'ns1.bench.example.', disabled: false }] },
      ...Array.from({ length: n }, (_, i) => ({
        name: `h${i}.${zone}.`,
        type: 'A',
        ttl: 300,
        records: [{ content: i === 0 ? first : ip(i), disabled: false }],
      })),
    ],
  });
  try {
    for (const n of PDNS_SIZES) {
      const label = n.toLocaleString('en');
      const createReps = n >= 10000 ? 2 : 3;
      const create = await sample(createReps, 0, async (i) => {
        const z = `c${i}-${n}.pdns.bench.example`;
        const r = await client.putZone(conn, opts, z, zoneBody(n, '10.240.0.1'));
        if (!r.ok) throw new Error(r.error.message);
        await untilAnswer(pdns.dnsPort, `h0.${z}`, '10.240.0.1', 60000);
      });
      const createRaw = await sample(createReps, 0, async (i) => {
        const z = `r${i}-${n}.pdns.bench.example`;
        await api('POST', '/zones', rawZone(z, n, '10.240.0.1'));
        await untilAnswer(pdns.dnsPort, `h0.${z}`, '10.240.0.1', 60000);
      });
      rows.push(
        ratioRow(
          `PD-C-${n}`,
          `PowerDNS: ${label}-record zone created: bindy's POST (+ cache flush) → answer vs one POST by hand`,
          summarize(create),
          summarize(createRaw),
        ),
      );
      const z = `c0-${n}.pdns.bench.example`;
      const zr = `r0-${n}.pdns.bench.example`;
      const change = await sample(REPS, 3, async (i) => {
        const a = `10.241.${(i + 10) & 255}.${(i + 100) & 255}`;
        const r = await client.putZone(conn, opts, z, zoneBody(n, a));
        if (!r.ok) throw new Error(r.error.message);
        await untilAnswer(pdns.dnsPort, `h0.${z}`, a);
      });
      const changeRaw = await sample(REPS, 3, async (i) => {
        const a = `10.242.${(i + 10) & 255}.${(i + 100) & 255}`;
        await api('PATCH', `/zones/${zr}.`, {
          rrsets: [
            {
              name: `h0.${zr}.`,
              type: 'A',
              ttl: 300,
              changetype: 'REPLACE',
              records: [{ content: a, disabled: false }],
            },
          ],
        });
        await untilAnswer(pdns.dnsPort, `h0.${zr}`, a);
      });
      rows.push(
        ratioRow(
          `PD-U-${n}`,
          `PowerDNS: 1-record change in ${label} records: bindy (whole zone in: GET, diff, one PATCH) → answer vs one PATCH by hand`,
          summarize(change),
          summarize(changeRaw),
        ),
      );
      const body = zoneBody(n, '10.243.0.1');
      await client.putZone(conn, opts, z, body);
      const same = await sample(REPS, 2, async () => {
        const r = await client.putZone(conn, opts, z, body);
        if (!r.ok || r.result.changed) throw new Error('the same zone again changed something');
      });
      const get = await sample(REPS, 2, () => api('GET', `/zones/${zr}.`));
      rows.push(
        ratioRow(
          `PD-S-${n}`,
          `PowerDNS: the same ${label}-record zone again (no PATCH) vs one GET of the zone by hand`,
          summarize(same),
          summarize(get),
        ),
      );
    }
  } finally {
    await pdns.stop();
  }
}

/** `reps` samples of a function that times itself (its own waits excluded). */
async function isolated(reps: number, fn: (i: number) => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < reps; i++) out.push(await fn(i));
  return out;
}

/** Startup → healthy of bindcar and the hooks, against named's own startup. */
async function procSection(rows: Row[]): Promise<void> {
  const named = await startNamed();
  try {
    const b: number[] = [];
    const h: number[] = [];
    for (let i = 0; i < 5; i++) {
      const bc = await startBindcar(named);
      b.push(bc.readyMs);
      bc.child.kill('SIGTERM');
      await new Promise((r) => bc.child.once('exit', r));
      const port = await freePort();
      const hk = await startProcess(
        BUNDLES.hooks,
        {
          HOOKS_PORT: String(port),
          HOOKS_ADDRESS: '127.0.0.1',
          BINDCAR_TOKEN: TOKEN,
          LOG_LEVEL: 'warn',
          NODE_OPTIONS: SERVICE_NODE_OPTIONS.hooks,
        },
        `http://127.0.0.1:${port}/healthz`,
      );
      h.push(hk.readyMs);
      hk.child.kill('SIGTERM');
      await new Promise((r) => hk.child.once('exit', r));
    }
    const nodeBare = summarize(
      await sample(5, 1, () => run(process.execPath, ['-e', '0'])), // the floor any Node service pays
    );
    rows.push({
      ...ratioRow(
        'T-bindcar',
        'bindcar start (its bundle from its code cache, as the image runs it) → /healthz 200; raw: node -e 0',
        summarize(b),
        nodeBare,
      ),
      target: '≤ 200 ms',
      met: summarize(b).p50 <= 200,
    });
    rows.push({
      ...ratioRow(
        'T-hooks',
        'hooks start (its bundle from its code cache, as the image runs it) → /healthz 200; raw: node -e 0',
        summarize(h),
        nodeBare,
      ),
      target: '≤ 200 ms',
      met: summarize(h).p50 <= 200,
    });
  } finally {
    await named.stop();
  }
}

async function main(): Promise<void> {
  const sections: Section[] = [];
  if (want('PROC')) sections.push(await section('Startup', procSection));
  if (want('CHANGE'))
    sections.push(await section('One zone of growing size: creation, one-record change, same body', changeSection));
  if (want('ZONES')) sections.push(await section('Many zones: creation of a small zone, bindcar memory', zonesSection));
  if (want('HOOKS')) sections.push(await section('DNSZone sync hook, nothing changed', hooksSection));
  if (want('P7')) sections.push(await section('Primary → secondary', p7Section));
  if (want('PDNS')) sections.push(await section('PowerDNS: through bindy vs the API by hand', pdnsSection));
  const meta = `node ${process.version}, ${(await run('named', ['-v'])).stdout.trim()}, reps ${REPS}, ${new Date().toISOString()}`;
  const text = sections.map(renderSection).join('\n\n');
  console.log(`\n${text}\n\n${meta}`);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/latest.json', JSON.stringify({ meta, sections }, null, 2));
  writeFileSync('bench/results/latest.md', `${text}\n\n${meta}\n`);
}

/** A Metacontroller-shaped DNSZone sync request with `n` ARecords already carrying their steady-state status. */
function syncRequest(zoneName: string, n: number, bindcarUrl: string) {
  const ns = 'bench';
  const meta = (name: string, i: number) => ({
    name,
    namespace: ns,
    uid: `uid-${name}`,
    resourceVersion: String(1000 + i),
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
    spec: { zoneRef: 'zone', name: `h${i}`, ipv4Address: ip(i) },
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
