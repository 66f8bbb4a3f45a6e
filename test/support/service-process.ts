/**
 * A service (hooks or bindcar) as a real process, started the two ways it runs: from its sources through tsx, and
 * from the bundle the image runs (test/support/bundles.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Service } from '../../scripts/bundle.js';
import { serviceBundles } from './bundles.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** The node arguments that start `service`, labelled: from its sources, then from its bundle. */
export function serviceLaunches(service: Service): [string, () => Promise<string[]>][] {
  return [
    [`${service}/server.ts`, async () => ['--import', 'tsx', join(ROOT, service, 'server.ts')]],
    [`the ${service} bundle`, async () => [(await serviceBundles())[service]]],
  ];
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
  const listening = new RegExp(`"message":"${service} listening"[^\\n]*"port":(\\d+)`);
  let out = '';
  const port = new Promise<number>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = listening.exec(out);
      if (m) resolve(Number(m[1]));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', () => reject(new Error(`${service} exited: ${out}`)));
  });
  port.catch(() => undefined);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out: () => out, exit, port };
}
