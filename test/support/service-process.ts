/**
 * A service (hooks or bindcar) as a real process, started the two ways it runs: from its sources through tsx, and
 * from the bundle the image runs (test/support/bundles.ts), with the V8 options the image or Deployment sets.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { CodeCacheUse } from '../../dns/code-cache.js';
import { SERVICE_NODE_OPTIONS, type Service } from '../../scripts/bundle.js';
import { serviceBundles } from './bundles.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** One way to start a service. */
export interface ServiceLaunch {
  what: string;
  /** node's arguments */
  argv(): Promise<string[]>;
  /** what it adds to the environment */
  env: Record<string, string>;
  /** what its "listening" line says of the code cache (dns/code-cache.ts); undefined: it says nothing */
  codeCache?: CodeCacheUse;
}

/** The ways `service` starts: from its sources, then from its bundle. */
export function serviceLaunches(service: Service): ServiceLaunch[] {
  return [
    { what: `${service}/server.ts`, argv: async () => ['--import', 'tsx', join(ROOT, service, 'server.ts')], env: {} },
    {
      what: `the ${service} bundle`,
      argv: async () => [(await serviceBundles())[service]],
      env: { NODE_OPTIONS: SERVICE_NODE_OPTIONS[service] },
      codeCache: 'used',
    },
  ];
}

/** The JSON log line "<service> listening" in `out`, parsed; undefined before the whole line came. */
export function listeningLine(service: Service, out: string): Record<string, unknown> | undefined {
  const line = out
    .split('\n')
    .slice(0, -1)
    .find((l) => l.includes(`"message":"${service} listening"`));
  return line === undefined ? undefined : (JSON.parse(line) as Record<string, unknown>);
}

export interface ServiceProcess {
  child: ChildProcess;
  /** everything it wrote so far, stdout and stderr */
  out(): string;
  exit: Promise<number | null>;
  /** the port its JSON log line "<service> listening" names; rejects when it exits first */
  port: Promise<number>;
}

/** Starts node `argv` from the repository root with only PATH and `env` in its environment. */
export function startServiceProcess(service: Service, argv: string[], env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, argv, {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const port = new Promise<number>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      out += d.toString();
      const line = listeningLine(service, out);
      if (line) resolve(Number(line['port']));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', () => reject(new Error(`${service} exited: ${out}`)));
  });
  port.catch(() => undefined);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out: () => out, exit, port };
}
