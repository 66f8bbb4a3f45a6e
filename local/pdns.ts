/**
 * A real PowerDNS Authoritative server (Debian's `pdns-server` + `pdns-backend-sqlite3`) on 127.0.0.1 ports with
 * its own config directory and sqlite database: the tests, the benchmarks and `bindy up --powerdns` start it here.
 *
 * The recipe (settings: https://doc.powerdns.com/authoritative/settings.html): its own `--config-dir`, because Debian's
 * /etc/powerdns/pdns.conf includes pdns.d/bind.conf and would put a bind backend in front of sqlite; a database made
 * from the schema the package ships; the API on loopback with a key; `webserver-max-bodysize` raised from the 2 MB
 * default (a 10k-RRset PATCH is 1.3 MB, a 100k-record zone's POST 13 MB); no security-poll lookup; `primary=yes` so
 * Master zones send NOTIFY; `dname-processing=yes`, without which PowerDNS serves a DNAME but synthesises no CNAME
 * below it (BIND does, RFC 6672 §3.3). Caches keep PowerDNS's defaults unless `noCache`: bindy flushes a zone's cache when it
 * creates one, and a PATCH flushes its own zone.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { digAt, freePort, type DigResult } from './named.js';

const execFileP = promisify(execFile);

/** The exact command that installs what a local PowerDNS needs on Debian/Ubuntu. */
export const PDNS_INSTALL_HINT = 'sudo apt-get install -y pdns-server pdns-backend-sqlite3 sqlite3';

/** Where Debian's pdns-backend-sqlite3 ships the schema. */
const SCHEMA = '/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql';

export interface StartPdnsOptions {
  /** Fixed DNS port (UDP+TCP); default: a free high port. */
  dnsPort?: number;
  /** Fixed API (webserver) port; default: a free high port. */
  apiPort?: number;
  /** The API key; default: random. */
  apiKey?: string;
  /** Use this directory (kept on stop) instead of a fresh temp dir. */
  dir?: string;
  /** cache-ttl, query-cache-ttl and negquery-cache-ttl 0. */
  noCache?: boolean;
  /** More `--setting=value` arguments (they override the config file). */
  args?: string[];
  /** Readiness timeout in ms (default 15000). */
  readyTimeoutMs?: number;
}

export interface PdnsInstance {
  readonly dnsPort: number;
  readonly apiPort: number;
  readonly apiKey: string;
  /** `http://127.0.0.1:<apiPort>`: a PowerDNSServer's spec.apiUrl. */
  readonly apiUrl: string;
  /** `<apiUrl>/api/v1/servers/localhost`. */
  readonly serverUrl: string;
  readonly dir: string;
  /** Query it with dig (an oracle independent of bindy's DNS code). */
  query(name: string, type: string): Promise<DigResult>;
  /** The served SOA serial of `zone`, or undefined when it does not answer authoritatively. */
  soaSerial(zone: string): Promise<number | undefined>;
  /** SIGKILL pdns_server (the API goes down; the database stays). */
  kill(): Promise<void>;
  /** Start it again with the same config and database; waits until the API answers. */
  start(): Promise<void>;
  running(): boolean;
  /** Stop it and remove the directory (unless a `dir` was given). */
  stop(): Promise<void>;
}

/** Why a local PowerDNS cannot start here (the install command included), or undefined. */
export function checkPdnsInstalled(): string | undefined {
  const missing = ['/usr/sbin/pdns_server', SCHEMA].filter((p) => !existsSync(p));
  if (missing.length)
    return `PowerDNS is not installed (${missing.join(', ')} missing); install it with:\n  ${PDNS_INSTALL_HINT}`;
  return undefined;
}

/** Starts pdns_server and waits until its API answers. */
export async function startPdns(opts: StartPdnsOptions = {}): Promise<PdnsInstance> {
  const problem = checkPdnsInstalled();
  if (problem) throw new Error(problem);
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'pdns-test-')));
  const dnsPort = opts.dnsPort ?? (await freePort());
  const apiPort = opts.apiPort ?? (await freePort());
  const apiKey = opts.apiKey ?? randomBytes(16).toString('hex');
  const conf = join(dir, 'conf');
  const run = join(dir, 'run');
  const db = join(dir, 'pdns.sqlite3');
  await mkdir(conf, { recursive: true });
  await mkdir(run, { recursive: true });
  if (!existsSync(db)) {
    await execFileP('sqlite3', [db, `.read ${SCHEMA}`]).catch((e: { message?: string }) => {
      throw new Error(`creating ${db} with sqlite3 failed (${e.message}); install it with:\n  ${PDNS_INSTALL_HINT}`);
    });
  }
  const settings = [
    'launch=gsqlite3',
    `gsqlite3-database=${db}`,
    'gsqlite3-dnssec=yes',
    'local-address=127.0.0.1',
    `local-port=${dnsPort}`,
    `socket-dir=${run}`,
    'guardian=no',
    'daemon=no',
    'write-pid=no',
    'disable-syslog=yes',
    'api=yes',
    `api-key=${apiKey}`,
    'webserver=yes',
    'webserver-address=127.0.0.1',
    `webserver-port=${apiPort}`,
    'webserver-allow-from=127.0.0.0/8',
    'webserver-max-bodysize=256',
    'security-poll-suffix=',
    'primary=yes',
    // answer below a DNAME with the synthesised CNAME, as BIND does (RFC 6672 §3.3; PowerDNS's default is off)
    'dname-processing=yes',
    'loglevel=4',
    ...(opts.noCache ? ['cache-ttl=0', 'query-cache-ttl=0', 'negquery-cache-ttl=0'] : []),
  ];
  await writeFile(join(conf, 'pdns.conf'), `${settings.join('\n')}\n`, { mode: 0o600 });
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const serverUrl = `${apiUrl}/api/v1/servers/localhost`;
  const logPath = join(dir, 'pdns.log');
  const readyTimeoutMs = opts.readyTimeoutMs ?? 15000;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let log = '';
  const alive = () => !!child && child.exitCode === null && child.signalCode === null;

  const start = async (): Promise<void> => {
    if (alive()) throw new Error('pdns_server already running');
    log = '';
    const c = spawn('/usr/sbin/pdns_server', [`--config-dir=${conf}`, ...(opts.args ?? [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = c;
    const keep = (d: Buffer) => {
      log = (log + d.toString()).slice(-8000);
    };
    c.stdout?.on('data', keep);
    c.stderr?.on('data', keep);
    exited = new Promise((resolve) =>
      c.once('exit', () => {
        void writeFile(logPath, log).catch(() => undefined);
        resolve();
      }),
    );
    const deadline = Date.now() + readyTimeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      if (c.exitCode !== null || c.signalCode !== null) throw new Error(`pdns_server exited during startup:\n${log}`);
      try {
        const r = await fetch(serverUrl, { headers: { 'X-API-Key': apiKey }, signal: AbortSignal.timeout(1000) });
        if (r.status === 200) return;
        last = `HTTP ${r.status}`;
      } catch (e) {
        last = (e as Error).message;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`pdns_server not ready after ${readyTimeoutMs} ms (${last}):\n${log}`);
  };

  const query = (name: string, type: string): Promise<DigResult> => digAt(dnsPort, name, type);

  const kill = async () => {
    if (alive()) {
      child!.kill('SIGKILL');
      await exited;
    }
  };

  await start();
  return {
    dnsPort,
    apiPort,
    apiKey,
    apiUrl,
    serverUrl,
    dir,
    query,
    async soaSerial(zone) {
      const r = await query(zone, 'SOA');
      const soa = r.answers.find((a) => a.type === 'SOA');
      if (r.rcode !== 'NOERROR' || !r.aa || !soa) return undefined;
      return Number(soa.data.split(/\s+/)[2]);
    },
    kill,
    start,
    running: alive,
    async stop() {
      if (alive()) {
        child!.kill('SIGTERM');
        const t = setTimeout(() => child?.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(t);
      }
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The pdns log of a stopped or crashed instance, when there is one (for test failures). */
export async function pdnsLog(dir: string): Promise<string> {
  return readFile(join(dir, 'pdns.log'), 'utf8').catch(() => '');
}
