/**
 * The rndc seam: `execFile('rndc', argv)` with an argv array (never a shell string) and
 * a timeout. ENOENT → "rndc not found in PATH"; a refused/unreachable control channel →
 * `NamedUnavailableError` (503); a timeout → `NamedTimeoutError` (504); any other non-zero exit →
 * `RndcError` with the exit code and trimmed stderr.
 */
import { execFile as nodeExecFile } from 'node:child_process';
import { NamedTimeoutError, NamedUnavailableError } from './errors.js';
import { rndcZoneArg } from './zone-config.js';

export type ExecFileFn = (
  file: string,
  args: readonly string[],
  options: { timeout: number; maxBuffer: number; env?: NodeJS.ProcessEnv },
  callback: (
    error: (Error & { code?: number | string; killed?: boolean; signal?: string | null }) | null,
    stdout: string,
    stderr: string,
  ) => void,
) => unknown;

export class RndcError extends Error {
  readonly exitCode: number | string | undefined;
  readonly stderr: string;
  readonly command: string;
  constructor(command: string, exitCode: number | string | undefined, stderr: string, options?: { cause?: unknown }) {
    super(`rndc ${command} failed: ${stderr || `exit ${String(exitCode)}`}`, options);
    this.name = 'RndcError';
    this.exitCode = exitCode;
    this.stderr = stderr;
    this.command = command;
  }
  /** rndc said the zone does not exist. */
  get notFound(): boolean {
    return /not found|no matching zone/i.test(this.stderr);
  }
  /** rndc said the zone already exists. */
  get alreadyExists(): boolean {
    return /already exists/i.test(this.stderr);
  }
}

export interface RndcOptions {
  /** rndc binary (default "rndc", found on PATH). */
  bin?: string;
  /** `-c` config file. */
  confPath?: string;
  /** `-s` server. */
  server?: string;
  /** `-p` port. */
  port?: number;
  timeoutMs?: number;
  execFile?: ExecFileFn;
  /** called with (command, seconds, ok) after each run, for metrics */
  observe?: (command: string, seconds: number, ok: boolean) => void;
}

export interface Rndc {
  /** Run `rndc [global flags] ...args`; resolves with stdout. */
  run(args: readonly string[], timeoutMs?: number): Promise<string>;
}

/** Build the rndc runner. */
export function createRndc(opts: RndcOptions = {}): Rndc {
  const exec = opts.execFile ?? (nodeExecFile as unknown as ExecFileFn);
  const bin = opts.bin ?? 'rndc';
  const base: string[] = [];
  if (opts.confPath) base.push('-c', opts.confPath);
  if (opts.server) base.push('-s', opts.server);
  if (opts.port !== undefined) base.push('-p', String(opts.port));
  const defaultTimeout = opts.timeoutMs ?? 10000;
  return {
    run(args, timeoutMs = defaultTimeout) {
      const command = args[0] ?? '';
      const started = process.hrtime.bigint();
      return new Promise<string>((resolve, reject) => {
        exec(bin, [...base, ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
          const secs = Number(process.hrtime.bigint() - started) / 1e9;
          opts.observe?.(command, secs, !err);
          if (!err) return resolve(String(stdout));
          const se = String(stderr ?? '').trim();
          if (err.code === 'ENOENT')
            return reject(new NamedUnavailableError(`${bin} not found in PATH (install bind9-utils)`, { cause: err }));
          if (err.killed || err.signal === 'SIGTERM')
            return reject(
              new NamedTimeoutError(`rndc ${command} did not finish within ${timeoutMs} ms`, { cause: err }),
            );
          if (/connection refused|timed out|connect failed|end of file|connection reset/i.test(se))
            return reject(new NamedUnavailableError(`named control channel unavailable: ${se}`, { cause: err }));
          reject(new RndcError(command, err.code, se, { cause: err }));
        });
      });
    },
  };
}

/**
 * `rndc addzone`, and when named answers that the zone already exists — configured (its .nzd
 * survived a restart) but not served from bindcar's file — `rndc delzone` and add it again.
 * `refused` maps the first addzone's other failures (default: rethrown as they are).
 */
export async function addZoneReplacing(
  rndc: Rndc,
  zone: string,
  config: string,
  refused: (e: unknown) => unknown = (e) => e,
): Promise<void> {
  try {
    await rndc.run(['addzone', rndcZoneArg(zone), config]);
  } catch (e) {
    if (!(e instanceof RndcError && e.alreadyExists)) throw refused(e);
    await rndc.run(['delzone', zone]).catch((d: unknown) => {
      if (!(d instanceof RndcError && d.notFound)) throw d;
    });
    await rndc.run(['addzone', rndcZoneArg(zone), config]);
  }
}
