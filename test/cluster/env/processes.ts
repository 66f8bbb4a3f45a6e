/**
 * Processes of the cluster test environment: each child leads its own process group (so it can be stopped as a
 * whole), logs to a file, is killed with everything else on exit or a fatal signal, and is reaped by the next run
 * when its owner died without cleaning up.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollUntil } from '../../support/poll.js';

/** Result of one command run to completion. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (no shell); a non-zero exit is a result, not an error. */
export function run(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string } = {},
): Promise<RunResult> {
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

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function httpGet(
  url: string,
  opts: { ca?: string; token?: string } = {},
): Promise<{ status: number; body: string }> {
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

export async function tail(file: string, lines = 30): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Polls `probe` until it returns true; fails with `what`, the exit state and the log tail. */
export async function waitFor(
  what: string,
  proc: Managed,
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const exited = async () => {
    if (proc.exited)
      throw new Error(`${what}: process exited (${proc.exitInfo}); log tail:\n${await tail(proc.logPath)}`);
  };
  try {
    await pollUntil(
      async () => {
        if (!(await probe().catch(() => false))) throw new Error('not ready');
      },
      { timeoutMs, intervalMs: 250, step: exited },
    );
  } catch (err) {
    if (proc.exited) throw err;
    throw new Error(`${what}: not ready within ${timeoutMs / 1000}s; log tail:\n${await tail(proc.logPath)}`);
  }
}

export interface Managed {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly logPath: string;
  exited: boolean;
  exitInfo: string;
  readonly done: Promise<void>;
}

const live = new Set<Managed>();
/** Temp dirs of running environments, removed by the last-resort cleanup. */
const liveDirs = new Set<string>();

/** Registers a temp dir for removal on exit or a fatal signal (until {@link untrackDir}). */
export function trackDir(dir: string): void {
  liveDirs.add(dir);
  installExitHooks();
}

export function untrackDir(dir: string): void {
  liveDirs.delete(dir);
}
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

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export function launch(
  bin: string,
  args: readonly string[],
  logPath: string,
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Managed {
  const fd = openSync(logPath, 'a');
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', fd, fd], cwd: opts.cwd, env: opts.env });
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
export async function terminate(m: Managed, graceMs = 10_000): Promise<void> {
  killGroup(m.pid, 'SIGTERM');
  const timer = setTimeout(() => killGroup(m.pid, 'SIGKILL'), graceMs);
  await m.done;
  clearTimeout(timer);
  killGroup(m.pid, 'SIGKILL'); // stragglers in the group, if any
}

export async function distinctPorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}
