/**
 * A real `named` (Debian bind9) on 127.0.0.1 ports with its own directory: the local stack (`bindy up`), the
 * benchmarks and the tests (test/support/named.ts re-exports this module) all start named through it.
 *
 * Used by the bindcar suite, the zone-hooks e2e tests and the benchmarks. Every instance gets
 *  - a controls channel on `rndcPort` keyed with `rndc-key` (hmac-sha256) and an `rndc.conf` for `rndc -c`;
 *  - a TSIG key `bindcar-update` (hmac-sha256) for DNS UPDATE / AXFR (`updateKey`);
 *  - `allow-new-zones yes`, `recursion no`, `notify explicit` (never notifies hosts on the internet).
 * `stop()` kills named and removes the directory; `kill()` + `start()` simulate a crash and restart
 * with the same directory (named keeps added zones in its `.nzd`).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/** A TSIG key as named.conf knows it. */
export interface TsigKey {
  name: string;
  algorithm: 'hmac-sha256';
  /** base64 */
  secret: string;
}

export interface StartNamedOptions {
  /** Fixed DNS port (UDP+TCP); default: a free high port. */
  dnsPort?: number;
  /** Fixed rndc controls port; default: a free high port. */
  rndcPort?: number;
  /** Extra statements appended inside `options { … }`. */
  extraOptions?: string;
  /** Extra top-level named.conf text (zones, keys, acls…). */
  extraConfig?: string;
  /**
   * Replace the generated named.conf entirely. Receives the context (dir, ports, keys) and must
   * return the full config; it must keep the controls channel and listen-on ports to be usable.
   */
  namedConf?: (ctx: NamedConfContext) => string;
  /**
   * Use this named.conf template file instead (e.g. the one the hooks render). Placeholders:
   * `@DIR@`, `@DNS_PORT@`, `@RNDC_PORT@`, `@RNDC_KEY_SECRET@`, `@UPDATE_KEY_NAME@`,
   * `@UPDATE_KEY_SECRET@`, and `@HARNESS@` (the rndc + update key stanzas and the controls channel).
   */
  configFile?: string;
  /** Use this directory instead of a fresh temp dir (not removed by stop()). */
  dir?: string;
  /** Readiness timeout in ms (default 15000). */
  readyTimeoutMs?: number;
}

export interface NamedConfContext {
  dir: string;
  dnsPort: number;
  rndcPort: number;
  rndcKey: TsigKey;
  updateKey: TsigKey;
}

/** One answer RR as dig prints it, lowercase owner, presentation rdata. */
export interface DigAnswer {
  name: string;
  ttl: number;
  type: string;
  data: string;
}

export interface DigResult {
  rcode: string;
  aa: boolean;
  answers: DigAnswer[];
}

export interface NamedInstance {
  readonly dnsPort: number;
  readonly rndcPort: number;
  readonly dir: string;
  /** Path of an rndc.conf usable as `rndc -c <rndcConf>` (server/port/key filled in). */
  readonly rndcConf: string;
  readonly rndcKey: TsigKey;
  readonly updateKey: TsigKey;
  readonly confPath: string;
  readonly logPath: string;
  /** Query named with dig (an oracle independent of bindcar's own DNS code). */
  query(name: string, type: string): Promise<DigResult>;
  /** The served SOA serial of `zone`, or undefined when named does not answer authoritatively. */
  soaSerial(zone: string): Promise<number | undefined>;
  /** Run `rndc -c rndcConf …args`; resolves with stdout, rejects on non-zero exit. */
  rndc(...args: string[]): Promise<string>;
  /** SIGKILL named (simulated crash), keeping the directory. */
  kill(): Promise<void>;
  /** Start named again with the same config and directory; waits until ready. */
  start(): Promise<void>;
  /**
   * SIGSTOP named (it hangs: connections open, nothing answers) — for timeout tests. Resolves once the kernel
   * reports it stopped: the signal is delivered asynchronously, and a thread still running could answer one more.
   */
  pause(): Promise<void>;
  /** SIGCONT a paused named. */
  resume(): void;
  /** Whether the named process is running. */
  running(): boolean;
  /** Kill named and remove the directory (unless a `dir` was given). */
  stop(): Promise<void>;
}

function newKey(name: string): TsigKey {
  return { name, algorithm: 'hmac-sha256', secret: randomBytes(32).toString('base64') };
}

/** A port that is free for both TCP and UDP on 127.0.0.1. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    if (await udpFree(port)) return port;
  }
  throw new Error('no free port found for TCP+UDP');
}

function udpFree(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function tcpFree(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Whether `port` on 127.0.0.1 is free for both TCP and UDP (what named needs for DNS). */
export async function portFree(port: number): Promise<boolean> {
  return (await tcpFree(port)) && (await udpFree(port));
}

function keyStanza(k: TsigKey): string {
  return `key "${k.name}" {\n  algorithm ${k.algorithm};\n  secret "${k.secret}";\n};\n`;
}

/** The default named.conf of the harness. */
export function defaultNamedConf(ctx: NamedConfContext, extraOptions = '', extraConfig = ''): string {
  return `${keyStanza(ctx.rndcKey)}${keyStanza(ctx.updateKey)}
controls {
  inet 127.0.0.1 port ${ctx.rndcPort} allow { 127.0.0.1; } keys { "${ctx.rndcKey.name}"; };
};
options {
  directory "${ctx.dir}";
  pid-file "${ctx.dir}/named.pid";
  session-keyfile "${ctx.dir}/session.key";
  managed-keys-directory "${ctx.dir}";
  listen-on port ${ctx.dnsPort} { 127.0.0.1; };
  listen-on-v6 { none; };
  allow-new-zones yes;
  recursion no;
  notify explicit;
  dnssec-validation no;
  minimal-responses yes;
  ${extraOptions}
};
logging {
  channel main { file "${ctx.dir}/named.log" versions 2 size 20m; severity info; print-time yes; print-category yes; };
  category default { main; };
  category update { main; };
  category update-security { main; };
  category lame-servers { null; };
};
${extraConfig}
`;
}

/** The key stanzas and controls channel every harness named needs. */
export function harnessStanzas(ctx: NamedConfContext): string {
  return `${keyStanza(ctx.rndcKey)}${keyStanza(ctx.updateKey)}controls {\n  inet 127.0.0.1 port ${ctx.rndcPort} allow { 127.0.0.1; } keys { "${ctx.rndcKey.name}"; };\n};\n`;
}

/** Fill the placeholders of a named.conf template (see `StartNamedOptions.configFile`). */
export function fillTemplate(template: string, ctx: NamedConfContext): string {
  return template
    .replaceAll('@HARNESS@', harnessStanzas(ctx))
    .replaceAll('@DIR@', ctx.dir)
    .replaceAll('@DNS_PORT@', String(ctx.dnsPort))
    .replaceAll('@RNDC_PORT@', String(ctx.rndcPort))
    .replaceAll('@RNDC_KEY_SECRET@', ctx.rndcKey.secret)
    .replaceAll('@UPDATE_KEY_NAME@', ctx.updateKey.name)
    .replaceAll('@UPDATE_KEY_SECRET@', ctx.updateKey.secret);
}

/** Parse `dig +noall +comments +answer` output. */
/** One non-recursive question to the server on 127.0.0.1:`port`, by dig (named's and pdns_server's harnesses). */
export async function digAt(port: number, name: string, type: string): Promise<DigResult> {
  const { stdout } = await execFileP(
    'dig',
    ['@127.0.0.1', '-p', String(port), '+norec', '+time=2', '+tries=2', '+noall', '+comments', '+answer', name, type],
    { timeout: 10000 },
  );
  return parseDig(stdout);
}

export function parseDig(out: string): DigResult {
  let rcode = 'UNKNOWN';
  let aa = false;
  const answers: DigAnswer[] = [];
  for (const line of out.split('\n')) {
    const h = /->>HEADER<<- opcode: \w+, status: (\w+)/.exec(line);
    if (h) {
      rcode = h[1] ?? rcode;
      continue;
    }
    const f = /^;; flags: ([^;]*);/.exec(line);
    if (f) {
      aa = (f[1] ?? '').split(' ').includes('aa');
      continue;
    }
    if (line.startsWith(';') || line.trim() === '') continue;
    const m = /^(\S+)\s+(\d+)\s+IN\s+(\S+)\s+(.*)$/.exec(line);
    if (m) answers.push({ name: m[1]!.toLowerCase(), ttl: Number(m[2]), type: m[3]!, data: m[4]!.trim() });
  }
  return { rcode, aa, answers };
}

/**
 * Start a real named and wait until both rndc and DNS answer.
 * @returns a handle; call `stop()` in an `after` hook.
 */
export async function startNamed(opts: StartNamedOptions = {}): Promise<NamedInstance> {
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'named-test-')));
  const dnsPort = opts.dnsPort ?? (await freePort());
  const rndcPort = opts.rndcPort ?? (await freePort());
  const rndcKey = newKey('rndc-key');
  const updateKey = newKey('bindcar-update');
  const ctx: NamedConfContext = { dir, dnsPort, rndcPort, rndcKey, updateKey };
  const confPath = join(dir, 'named.conf');
  const rndcConf = join(dir, 'rndc.conf');
  const logPath = join(dir, 'named.log');
  const conf = opts.configFile
    ? fillTemplate(await readFile(opts.configFile, 'utf8'), ctx)
    : opts.namedConf
      ? opts.namedConf(ctx)
      : defaultNamedConf(ctx, opts.extraOptions, opts.extraConfig);
  await writeFile(confPath, conf, { mode: 0o600 });
  await writeFile(
    rndcConf,
    `${keyStanza(rndcKey)}options {\n  default-key "${rndcKey.name}";\n  default-server 127.0.0.1;\n  default-port ${rndcPort};\n};\n`,
    { mode: 0o600 },
  );
  await execFileP('named-checkconf', [confPath]).catch((e: { stderr?: string; stdout?: string }) => {
    throw new Error(`named-checkconf rejected the harness config: ${e.stdout ?? ''}${e.stderr ?? ''}`);
  });

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let stderr = '';
  const readyTimeoutMs = opts.readyTimeoutMs ?? 15000;

  const rndc = async (...args: string[]): Promise<string> => {
    const { stdout } = await execFileP('rndc', ['-c', rndcConf, ...args], { timeout: 10000 });
    return stdout;
  };

  const query = (name: string, type: string): Promise<DigResult> => digAt(dnsPort, name, type);

  const soaSerial = async (zone: string): Promise<number | undefined> => {
    const r = await query(zone, 'SOA');
    const soa = r.answers.find((a) => a.type === 'SOA');
    if (r.rcode !== 'NOERROR' || !r.aa || !soa) return undefined;
    return Number(soa.data.split(/\s+/)[2]);
  };

  const start = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) throw new Error('named already running');
    stderr = '';
    const c = spawn('named', ['-f', '-c', confPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = c;
    c.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    exited = new Promise((resolve) => c.once('exit', () => resolve()));
    const deadline = Date.now() + readyTimeoutMs;
    let lastErr: unknown;
    while (Date.now() < deadline) {
      if (c.exitCode !== null || c.signalCode !== null) {
        const log = await readFile(logPath, 'utf8').catch(() => '');
        throw new Error(`named exited during startup: ${stderr}\n${log.slice(-3000)}`);
      }
      try {
        await rndc('status');
        const r = await query('version.bind', 'TXT');
        if (r.rcode !== 'UNKNOWN') return;
      } catch (e) {
        lastErr = e;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`named not ready after ${readyTimeoutMs} ms: ${String(lastErr)} ${stderr}`);
  };

  const kill = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };

  await start();

  return {
    dnsPort,
    rndcPort,
    dir,
    rndcConf,
    rndcKey,
    updateKey,
    confPath,
    logPath,
    query,
    soaSerial,
    rndc,
    kill,
    start,
    pause: async () => {
      if (!child?.pid) return;
      child.kill('SIGSTOP');
      // /proc/<pid>/stat field 3 is the state: T once stopped (bounded: 2 s)
      for (let i = 0; i < 200; i++) {
        const stat = await readFile(`/proc/${child.pid}/stat`, 'utf8').catch(() => '');
        if (/^\d+ \(.*\) T /.test(stat)) return;
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    resume: () => {
      child?.kill('SIGCONT');
    },
    running: () => !!child && child.exitCode === null && child.signalCode === null,
    stop: async () => {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        const t = setTimeout(() => child?.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(t);
      }
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The environment (bindcar/config.ts names) of a bindcar that drives `named` from 127.0.0.1 with bearer-token auth:
 * the one description of "bindcar next to this named" for the local stack, the tests and the benchmarks.
 */
export function bindcarEnv(named: NamedInstance, token: string, port = 0): Record<string, string> {
  return {
    API_PORT: String(port),
    BIND_API_ADDRESS: '127.0.0.1',
    BIND_ZONE_DIR: named.dir,
    RNDC_CONF: named.rndcConf,
    NAMED_DNS_ADDRESS: '127.0.0.1',
    NAMED_DNS_PORT: String(named.dnsPort),
    BINDCAR_UPDATE_KEY_NAME: named.updateKey.name,
    BINDCAR_UPDATE_KEY_SECRET: named.updateKey.secret,
    BINDCAR_AUTH_MODE: 'token',
    BIND_API_TOKEN: token,
  };
}
