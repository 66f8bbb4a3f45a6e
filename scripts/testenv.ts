/**
 * A real Kubernetes control plane for the cluster tests: etcd and kube-apiserver built from pinned
 * Go modules (test/cluster/etcd, test/cluster/kube), started on loopback with throw-away
 * credentials, and stopped without leftovers.
 *
 *   npx tsx scripts/testenv.ts build   build once per machine into the cache (reused when present)
 *   npx tsx scripts/testenv.ts paths   print where the binaries are (exit 1 when not built)
 *   npx tsx scripts/testenv.ts start   start a control plane, print its kubeconfig, stop on Ctrl-C
 *
 * Environment: BINDY_TESTENV_CACHE (cache root; default ${XDG_CACHE_HOME:-~/.cache}/bindy-testenv),
 * GO (the go command; default /usr/local/go/bin/go, else `go` on PATH, else a pinned toolchain fetched
 * once from the Go module proxy into the cache), GOPROXY (first http(s) entry is used for that fetch).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { createServer } from 'node:net';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file lives in scripts/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The Go modules that pin what gets built, relative to the repository root. */
const MODULES = [
  { dir: 'test/cluster/etcd', packages: [{ pkg: '.', bin: 'etcd' }] },
  {
    dir: 'test/cluster/kube',
    packages: [
      { pkg: './cmd/kube-apiserver', bin: 'kube-apiserver' },
      { pkg: './cmd/kubectl', bin: 'kubectl' },
      { pkg: './cmd/testenv-pki', bin: 'testenv-pki' },
    ],
  },
] as const;

/** Names of the binaries in a testenv cache directory. */
export const BINARIES = ['etcd', 'kube-apiserver', 'kubectl', 'testenv-pki'] as const;

const LDFLAGS = '-s -w';

/** Paths of the built binaries. */
export interface TestEnvBinaries {
  readonly dir: string;
  readonly etcd: string;
  readonly kubeApiserver: string;
  readonly kubectl: string;
  /** writes the CA and serving certificate (Go standard library; no openssl needed) */
  readonly pki: string;
}

/** Result of one kubectl run. */
export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options for {@link TestEnv.kubectl}. */
export interface KubectlOptions {
  /** Text piped to kubectl's stdin (e.g. a manifest for `apply -f -`). */
  readonly stdin?: string;
  /** When false, a non-zero exit is returned instead of thrown. Default true. */
  readonly check?: boolean;
}

/** A running control plane. */
export interface TestEnv {
  /** Admin kubeconfig (token user, CA pinned) inside the temp dir. */
  readonly kubeconfigPath: string;
  /** https://127.0.0.1:<port> */
  readonly server: string;
  /** Bearer token of the admin user (group system:masters). */
  readonly token: string;
  /** PEM of the CA that signed the serving certificate. */
  readonly caPem: string;
  /** File holding caPem (for clients that take a CA file). */
  readonly caPath: string;
  /** Issuer set on ServiceAccount tokens (and the default API audience). */
  readonly serviceAccountIssuer: string;
  /** The temp dir holding certs, keys, data and logs; removed by stop(). */
  readonly dir: string;
  /** Process ids of etcd and kube-apiserver (each leads its own process group). */
  readonly pids: { readonly etcd: number; readonly kubeApiserver: number };
  readonly binaries: TestEnvBinaries;
  /** Runs the built kubectl against this control plane. Throws KubectlError on non-zero exit unless check is false. */
  kubectl(args: readonly string[], options?: KubectlOptions): Promise<KubectlResult>;
  /** Stops both processes (whole process groups) and removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** kubectl exited non-zero; carries the output so tests can assert on the message. */
export class KubectlError extends Error {
  readonly result: KubectlResult;
  constructor(args: readonly string[], result: KubectlResult) {
    super(`kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
    this.name = 'KubectlError';
    this.result = result;
  }
}

/**
 * Go toolchain fetched when the machine has none: the `golang.org/toolchain` module from the Go
 * module proxy (what the go command itself downloads for GOTOOLCHAIN switches), pinned by SHA-256.
 */
export const BOOTSTRAP_GO = {
  version: '1.26.8',
  sha256: {
    'linux-amd64': '30c2b1bf7dcc88d3eb0a1364e47ddd9128edb3110a30e8a0ef61cd5856b31de7',
  } as Readonly<Record<string, string>>,
} as const;

function bootstrapGoDir(): string {
  return join(cacheRoot(), `go${BOOTSTRAP_GO.version}`);
}

/**
 * The go command to build with: $GO if set, else the first that runs of /usr/local/go/bin/go,
 * `go` on PATH and a toolchain bootstrapped earlier into the cache. Undefined when there is none.
 */
export async function findGo(): Promise<string | undefined> {
  const candidates = process.env.GO
    ? [process.env.GO]
    : ['/usr/local/go/bin/go', 'go', join(bootstrapGoDir(), 'bin', 'go')];
  for (const go of candidates) {
    const r = await run(go, ['version']).catch(() => undefined);
    if (r?.code === 0) return go;
  }
  return undefined;
}

/** A working go command: found ({@link findGo}) or bootstrapped from the module proxy. */
export async function ensureGo(log: (line: string) => void = () => {}): Promise<string> {
  const found = await findGo();
  if (found) return found;
  if (process.env.GO) throw new Error(`GO=${process.env.GO} does not run`);
  return bootstrapGo(log);
}

function goProxy(): string {
  const first = (process.env.GOPROXY ?? '')
    .split(/[,|]/)
    .map((e) => e.trim())
    .find((e) => /^https?:\/\//.test(e));
  return (first ?? 'https://proxy.golang.org').replace(/\/+$/, '');
}

function download(url: string, redirects = 3): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const u = new URL(url);
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, { timeout: 60_000 }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location && redirects > 0) {
        res.resume();
        download(new URL(res.headers.location, url).toString(), redirects - 1).then(resolvePromise, reject);
        return;
      }
      if (status !== 200) {
        res.resume();
        reject(new Error(`GET ${url}: HTTP ${status}`));
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolvePromise(Buffer.concat(chunks)));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: timeout`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Extracts a (non-zip64) zip held in memory into dir, dropping `stripPrefix` from every name.
 * Names that would land outside dir are refused.
 */
export async function extractZip(zip: Buffer, dir: string, stripPrefix = ''): Promise<number> {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const root = resolve(dir);
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry ${n}`);
    const method = zip.readUInt16LE(p + 10);
    const compSize = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith('/')) continue;
    if (!name.startsWith(stripPrefix)) throw new Error(`zip entry ${name} outside ${stripPrefix}`);
    const target = resolve(root, name.slice(stripPrefix.length));
    if (!target.startsWith(root + '/')) throw new Error(`zip entry ${name} escapes the target dir`);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataStart, dataStart + compSize);
    const data = method === 0 ? raw : method === 8 ? inflateRawSync(raw) : undefined;
    if (!data) throw new Error(`zip entry ${name}: compression method ${method} not supported`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, data);
  }
  return count;
}

/** Downloads the pinned Go toolchain from the module proxy into the cache; returns its go command. */
export async function bootstrapGo(log: (line: string) => void = () => {}): Promise<string> {
  const platform = `${process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}`;
  const want = BOOTSTRAP_GO.sha256[platform];
  if (!want) throw new Error(`no Go toolchain found and none pinned for ${platform}: install Go >= 1.25 or set GO`);
  const mod = `v0.0.1-go${BOOTSTRAP_GO.version}.${platform}`;
  const url = `${goProxy()}/golang.org/toolchain/@v/${mod}.zip`;
  log(`testenv: no Go toolchain found; fetching ${url}`);
  const zip = await download(url);
  const got = createHash('sha256').update(zip).digest('hex');
  if (got !== want) throw new Error(`${url}: SHA-256 ${got}, expected ${want}`);
  await mkdir(cacheRoot(), { recursive: true });
  const staging = await mkdtemp(join(cacheRoot(), '.go-'));
  try {
    await extractZip(zip, staging, `golang.org/toolchain@${mod}/`);
    // module zips carry no file modes
    for (const sub of ['bin', join('pkg', 'tool')]) await chmodTree(join(staging, sub));
    const dir = bootstrapGoDir();
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    return join(dir, 'bin', 'go');
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

async function chmodTree(dir: string): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, e.name);
    if (e.isDirectory()) await chmodTree(path);
    else await chmod(path, 0o755);
  }
}

function run(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string } = {},
): Promise<KubectlResult> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      cmd,
      args,
      { cwd: opts.cwd, env: opts.env, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(new Error(`cannot run ${cmd}: ${err.message}`));
          return;
        }
        resolvePromise({ code: err ? Number(err.code) : 0, stdout, stderr });
      },
    );
    if (opts.stdin !== undefined) child.stdin?.end(opts.stdin);
  });
}

/** Version string of a go command (part of the cache key). */
async function goVersion(go: string): Promise<string> {
  const r = await run(go, ['version']);
  if (r.code !== 0) throw new Error(`${go} version failed: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * Cache key: a hash over every file of the pinned Go modules, the Go version and the build flags,
 * so a version bump (go.mod/go.sum) or a toolchain change builds afresh into a new directory.
 */
export async function cacheKey(go: string): Promise<string> {
  const h = createHash('sha256');
  h.update(`${await goVersion(go)}\n${process.platform}/${process.arch}\nldflags=${LDFLAGS} trimpath cgo=0\n`);
  for (const m of MODULES) {
    const dir = join(REPO_ROOT, m.dir);
    for (const file of await listFiles(dir)) {
      h.update(`${m.dir}/${file}\n`);
      h.update(await readFile(join(dir, file)));
    }
  }
  return h.digest('hex').slice(0, 16);
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(join(dir, prefix), { withFileTypes: true });
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

/** Root of the per-machine cache. */
export function cacheRoot(): string {
  if (process.env.BINDY_TESTENV_CACHE) return process.env.BINDY_TESTENV_CACHE;
  const xdg = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(xdg, 'bindy-testenv');
}

function binariesIn(dir: string): TestEnvBinaries {
  return {
    dir,
    etcd: join(dir, 'etcd'),
    kubeApiserver: join(dir, 'kube-apiserver'),
    kubectl: join(dir, 'kubectl'),
    pki: join(dir, 'testenv-pki'),
  };
}

/** The binaries for the current pins, or undefined when they have not been built on this machine. */
export async function findBinaries(go?: string): Promise<TestEnvBinaries | undefined> {
  const goCmd = go ?? (await findGo());
  if (!goCmd) return undefined;
  const dir = join(cacheRoot(), await cacheKey(goCmd));
  const complete = existsSync(join(dir, '.complete')) && BINARIES.every((b) => existsSync(join(dir, b)));
  return complete ? binariesIn(dir) : undefined;
}

/**
 * Builds etcd, kube-apiserver and kubectl into the cache unless they are already there.
 * Builds into a sibling temp dir and renames it into place, so an interrupted build is never reused.
 */
export async function buildTestEnv(log: (line: string) => void = () => {}): Promise<TestEnvBinaries> {
  const go = await ensureGo(log);
  const found = await findBinaries(go);
  if (found) {
    log(`testenv: reusing ${found.dir}`);
    return found;
  }
  const root = cacheRoot();
  const key = await cacheKey(go);
  await mkdir(root, { recursive: true });
  const staging = await mkdtemp(join(root, `.build-${key}-`));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CGO_ENABLED: '0',
    GOFLAGS: '-trimpath -buildvcs=false -mod=readonly',
  };
  try {
    for (const m of MODULES) {
      for (const p of m.packages) {
        const started = Date.now();
        log(`testenv: go build ${m.dir} ${p.pkg} -> ${p.bin}`);
        const ldflags = [LDFLAGS, ...(await versionLdflags(m.dir))].join(' ');
        const r = await run(go, ['build', `-ldflags=${ldflags}`, '-o', join(staging, p.bin), p.pkg], {
          cwd: join(REPO_ROOT, m.dir),
          env,
        });
        if (r.code !== 0) {
          throw new Error(`go build of ${p.bin} in ${m.dir} failed (exit ${r.code}):\n${r.stderr}`);
        }
        log(`testenv: built ${p.bin} in ${((Date.now() - started) / 1000).toFixed(0)}s`);
      }
    }
    await writeFile(join(staging, '.complete'), `${new Date().toISOString()}\n`);
    const dir = join(root, key);
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    return binariesIn(dir);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

/**
 * The `-X` flags that stamp the pinned Kubernetes version into the binaries (upstream's release
 * build does the same; without them they report v0.0.0-master). None for modules without it.
 */
export async function versionLdflags(moduleDir: string): Promise<string[]> {
  const gomod = await readFile(join(REPO_ROOT, moduleDir, 'go.mod'), 'utf8');
  const m = /^\s*(?:require\s+)?k8s\.io\/kubernetes\s+(v(\d+)\.(\d+)\.\d+)\s*$/m.exec(gomod);
  if (!m) return [];
  const [, version, major, minor] = m;
  const out: string[] = [];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    out.push(`-X ${pkg}.gitVersion=${version}`, `-X ${pkg}.gitMajor=${major}`, `-X ${pkg}.gitMinor=${minor}`);
    out.push(`-X ${pkg}.gitTreeState=clean`);
  }
  return out;
}

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => {
        if (addr && typeof addr === 'object') resolvePromise(addr.port);
        else reject(new Error('no port assigned'));
      });
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function httpGet(url: string, opts: { ca?: string; token?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolvePromise, reject) => {
    const u = new URL(url);
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(
      u,
      { method: 'GET', headers, ca: opts.ca, timeout: 5000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function tail(file: string, lines = 30): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Polls `probe` until it returns true; fails with `what`, the exit state and the log tail. */
async function waitFor(what: string, proc: Managed, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exited) {
      throw new Error(`${what}: process exited (${proc.exitInfo}); log tail:\n${await tail(proc.logPath)}`);
    }
    try {
      if (await probe()) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not ready within ${timeoutMs / 1000}s; log tail:\n${await tail(proc.logPath)}`);
    }
    await sleep(250);
  }
}

interface Managed {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly logPath: string;
  exited: boolean;
  exitInfo: string;
  readonly done: Promise<void>;
}

const live = new Set<Managed>();
/** Temp dirs of control planes not yet stopped. */
const liveDirs = new Set<string>();
let hooksInstalled = false;

/** Synchronous last-resort cleanup: SIGKILL every live process group, remove the temp dirs. */
function emergencyCleanup(): void {
  for (const m of live) killGroup(m.pid, 'SIGKILL');
  for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
  liveDirs.clear();
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // The children lead their own process groups (so they can be stopped as a whole), which also
  // means a Ctrl-C at the terminal does not reach them: clean up on exit and on fatal signals.
  process.on('exit', emergencyCleanup);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      emergencyCleanup();
      // Alone on this signal: restore the default and re-raise, so the process still dies of it.
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, onSignal);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSignal);
  }
}

/**
 * Reaps control planes whose owning process died without cleaning up (e.g. SIGKILL): a temp dir
 * with an owner.json whose owner pid is gone. Groups are killed only if their leader's command
 * line still names that dir (no accidents with reused pids).
 */
export function reapStale(root = tmpdir()): string[] {
  const reaped: string[] = [];
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => n.startsWith('bindy-testenv-'));
  } catch {
    return reaped;
  }
  for (const n of names) {
    const dir = join(root, n);
    let owner: { owner: number; pgids: number[] };
    try {
      owner = JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8')) as typeof owner;
    } catch {
      continue; // being created right now, or not ours
    }
    if (pidAlive(owner.owner)) continue;
    for (const pgid of owner.pgids) {
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${pgid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      if (cmdline.includes(dir)) killGroup(pgid, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
    reaped.push(dir);
  }
  return reaped;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function launch(bin: string, args: readonly string[], logPath: string): Managed {
  const fd = openSync(logPath, 'a');
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`cannot start ${bin}`);
  const m: Managed = {
    child,
    pid: child.pid,
    logPath,
    exited: false,
    exitInfo: '',
    done: new Promise((r) => {
      child.once('exit', (code, signal) => {
        m.exited = true;
        m.exitInfo = signal ? `signal ${signal}` : `exit ${code}`;
        live.delete(m);
        r();
      });
      child.once('error', (err) => {
        m.exited = true;
        m.exitInfo = err.message;
        live.delete(m);
        r();
      });
    }),
  };
  live.add(m);
  installExitHooks();
  return m;
}

/** SIGTERM the process group, SIGKILL it after graceMs, and wait for the leader to exit. */
async function terminate(m: Managed, graceMs = 10_000): Promise<void> {
  killGroup(m.pid, 'SIGTERM');
  const timer = setTimeout(() => killGroup(m.pid, 'SIGKILL'), graceMs);
  await m.done;
  clearTimeout(timer);
  killGroup(m.pid, 'SIGKILL'); // stragglers in the group, if any
}

/** A CA and a serving certificate for 127.0.0.1/localhost signed by it (valid one day). */
async function makeServingCert(
  pkiBin: string,
  dir: string,
): Promise<{ caPath: string; certPath: string; keyPath: string }> {
  const r = await run(pkiBin, [`-dir=${dir}`]);
  if (r.code !== 0) throw new Error(`testenv-pki failed (exit ${r.code}): ${r.stderr}`);
  return { caPath: join(dir, 'ca.crt'), certPath: join(dir, 'serving.crt'), keyPath: join(dir, 'serving.key') };
}

/** Options for {@link startTestEnv}. */
export interface StartOptions {
  /** Build when the cache is empty (default true; a cold build takes minutes). */
  readonly build?: boolean;
  /** `--authorization-mode` for kube-apiserver. Default RBAC. */
  readonly authorizationMode?: string;
  readonly log?: (line: string) => void;
}

/**
 * Starts etcd and kube-apiserver on loopback random ports with a fresh temp dir: self-signed CA and
 * serving cert, ServiceAccount signing key pair, a static admin token, RBAC authorization, and an
 * admin kubeconfig. Resolves once /readyz answers ok.
 */
export async function startTestEnv(options: StartOptions = {}): Promise<TestEnv> {
  // Ports are picked free and then handed over, so another process may take one in between.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      if (attempt >= 3 || !/address already in use/i.test(String(err))) throw err;
      options.log?.(`testenv: port taken meanwhile, retrying (${attempt})`);
    }
  }
}

async function startOnce(options: StartOptions): Promise<TestEnv> {
  const log = options.log ?? (() => {});
  const binaries =
    options.build === false
      ? await findBinaries().then((b) => {
          if (!b) throw new Error('testenv binaries not built: run `npx tsx scripts/testenv.ts build`');
          return b;
        })
      : await buildTestEnv(log);

  for (const d of reapStale()) log(`testenv: reaped stale ${d}`);
  const dir = await mkdtemp(join(tmpdir(), 'bindy-testenv-'));
  liveDirs.add(dir);
  installExitHooks();
  const started: Managed[] = [];
  const recordOwner = (): void =>
    writeFileSync(join(dir, 'owner.json'), JSON.stringify({ owner: process.pid, pgids: started.map((m) => m.pid) }));
  try {
    const [clientPort, peerPort, securePort] = await distinctPorts(3);
    const etcdUrl = `http://127.0.0.1:${clientPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const etcd = launch(
      binaries.etcd,
      [
        '--name=testenv',
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=testenv=${peerUrl}`,
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
      join(dir, 'etcd.log'),
    );
    started.push(etcd);
    recordOwner();
    await waitFor(
      'etcd',
      etcd,
      async () => {
        const r = await httpGet(`${etcdUrl}/health`);
        return r.status === 200 && /"health":\s*"true"/.test(r.body);
      },
      30_000,
    );
    log(`testenv: etcd ready on ${etcdUrl}`);

    const pki = join(dir, 'pki');
    await mkdir(pki);
    const { caPath, certPath, keyPath } = await makeServingCert(binaries.pki, pki);
    const sa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const saPub = join(pki, 'sa.pub');
    const saKey = join(pki, 'sa.key');
    await writeFile(saPub, sa.publicKey.export({ type: 'spki', format: 'pem' }));
    await writeFile(saKey, sa.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const token = randomBytes(24).toString('hex');
    const tokenFile = join(pki, 'tokens.csv');
    await writeFile(tokenFile, `${token},testenv-admin,testenv-admin-uid,"system:masters"\n`, { mode: 0o600 });
    const issuer = 'https://kubernetes.default.svc.cluster.local';

    const apiserver = launch(
      binaries.kubeApiserver,
      [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${securePort}`,
        `--cert-dir=${join(dir, 'apiserver-certs')}`,
        `--tls-cert-file=${certPath}`,
        `--tls-private-key-file=${keyPath}`,
        `--token-auth-file=${tokenFile}`,
        `--service-account-issuer=${issuer}`,
        `--service-account-key-file=${saPub}`,
        `--service-account-signing-key-file=${saKey}`,
        '--service-cluster-ip-range=10.0.0.0/24',
        // no "kubernetes" Endpoints for a loopback address (invalid there; nothing in-cluster needs it)
        '--endpoint-reconciler-type=none',
        `--authorization-mode=${options.authorizationMode ?? 'RBAC'}`,
        '--profiling=false',
        '--v=1',
      ],
      join(dir, 'kube-apiserver.log'),
    );
    started.push(apiserver);
    recordOwner();
    const caPem = await readFile(caPath, 'utf8');
    const server = `https://127.0.0.1:${securePort}`;
    await waitFor(
      'kube-apiserver',
      apiserver,
      async () => {
        const r = await httpGet(`${server}/readyz`, { ca: caPem, token });
        return r.status === 200 && r.body.trim() === 'ok';
      },
      120_000,
    );
    log(`testenv: kube-apiserver ready on ${server}`);

    const kubeconfigPath = join(dir, 'kubeconfig');
    await writeFile(kubeconfigPath, kubeconfig(server, caPath, token), { mode: 0o600 });

    let stopped: Promise<void> | undefined;
    const env: TestEnv = {
      kubeconfigPath,
      server,
      token,
      caPem,
      caPath,
      serviceAccountIssuer: issuer,
      dir,
      pids: { etcd: etcd.pid, kubeApiserver: apiserver.pid },
      binaries,
      async kubectl(args, opts = {}) {
        // discovery cache inside the temp dir: nothing left in ~/.kube, removed by stop()
        const r = await run(
          binaries.kubectl,
          ['--kubeconfig', kubeconfigPath, `--cache-dir=${join(dir, 'kube-cache')}`, ...args],
          {
            stdin: opts.stdin,
            env: { ...process.env, KUBECONFIG: kubeconfigPath },
          },
        );
        if (r.code !== 0 && opts.check !== false) throw new KubectlError(args, r);
        return r;
      },
      stop() {
        stopped ??= (async () => {
          await terminate(apiserver);
          await terminate(etcd);
          await rm(dir, { recursive: true, force: true });
          liveDirs.delete(dir);
        })();
        return stopped;
      },
    };
    return env;
  } catch (err) {
    for (const m of started.reverse()) await terminate(m, 2000);
    await rm(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
    throw err;
  }
}

async function distinctPorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

/** Admin kubeconfig text for a server, its CA file and a bearer token. */
export function kubeconfig(server: string, caPath: string, token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: testenv',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority: ${caPath}`,
    'users:',
    '- name: testenv-admin',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: testenv',
    '  context:',
    '    cluster: testenv',
    '    user: testenv-admin',
    'current-context: testenv',
    '',
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const cmd = argv[0];
  const log = (line: string): void => console.error(line);
  if (cmd === 'build') {
    const t0 = Date.now();
    const b = await buildTestEnv(log);
    console.log(`${b.dir} (${((Date.now() - t0) / 1000).toFixed(0)}s)`);
    return 0;
  }
  if (cmd === 'paths') {
    const b = await findBinaries();
    if (!b) {
      const go = await findGo();
      console.error(go ? `not built (cache ${join(cacheRoot(), await cacheKey(go))})` : 'not built (no Go toolchain)');
      return 1;
    }
    console.log(JSON.stringify(b, null, 2));
    return 0;
  }
  if (cmd === 'start') {
    const env = await startTestEnv({ log });
    console.log(`export KUBECONFIG=${env.kubeconfigPath}`);
    console.log(`# kubectl: ${env.binaries.kubectl}; Ctrl-C stops and cleans up`);
    // Runs until a signal: the exit hooks installed by startTestEnv kill both process groups and
    // remove the temp dir, then the process dies of the signal.
    await new Promise<never>(() => {});
    return 0;
  }
  console.error('usage: tsx scripts/testenv.ts build|paths|start');
  return 2;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
