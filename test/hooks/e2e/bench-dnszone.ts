/**
 * Benchmark of the DNSZone sync hook, request in → response out: the real hooks Express app in a child process
 * (so its peak RSS, /proc VmHWM, is the hook's own) with an instant in-memory bindcar port; N records in steady
 * state (record statuses already Served: no status writes), on a first sync (every status written, in-memory),
 * and the "parse floor" (the same body through a route that ignores it) to separate JSON parsing from zone logic.
 *   npx tsx test/hooks/e2e/bench-dnszone.ts [N ...]        (default 100 10000)
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import winston from 'winston';
import { createApp } from '../../../hooks/app.js';
import { hookRoutes } from '../../../hooks/routes.js';
import type { BindcarClient } from '../../../hooks/ports/bindcar.js';
import { world } from './bench-world.js';

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

if (process.argv[2] === 'server') {
  const bindcar: BindcarClient = {
    putZone: async (_e, zone, body) => ({
      ok: true,
      attempts: 1,
      result: { zone, serial: 1, changed: false, created: false, added: body.records.length * 0, removed: 0 },
    }),
    deleteZone: async () => ({ ok: true, gone: 'deleted', attempts: 1 }),
  };
  const zone = {
    bindcar,
    recordStatus: { patchStatus: async () => undefined },
    events: { record: async () => undefined },
  };
  const app = createApp({
    logger: winston.createLogger({ silent: true }),
    routes: hookRoutes({ clock: () => '2026-11-22T04:00:00Z', zone }),
  });
  process.on('SIGTERM', () => process.exit(0));
  const server = app.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
} else {
  const child = spawn(process.execPath, [...process.execArgv, import.meta.filename, 'server'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((r) =>
    child.stdout.once('data', (d: Buffer) => r(Number(d.toString().trim()))),
  );
  const url = `http://127.0.0.1:${port}/sync/dnszone`;
  const vm = (k: string) =>
    Number(
      /(\d+) kB/.exec(
        readFileSync(`/proc/${child.pid}/status`, 'utf8')
          .split('\n')
          .find((l) => l.startsWith(k)) ?? '',
      )?.[1] ?? 0,
    ) / 1024;
  /** CPU seconds (user+system) the hooks process has used: robust against a busy machine, unlike wall time. */
  const cpu = () => {
    const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  };
  const sizes = process.argv.slice(2).map(Number);
  console.log(`hooks process RSS at start: ${vm('VmRSS:').toFixed(0)} MB`);
  for (const n of sizes.length ? sizes : [100, 10000]) {
    for (const [label, served, path] of [
      ['steady state', true, '/sync/dnszone'],
      ['first sync  ', false, '/sync/dnszone'],
      ['parse floor ', true, '/customize/dnszone'],
    ] as const) {
      // "parse floor": the same steady-state body POSTed to the customize route, which reads only the parent:
      // what Express' JSON parsing of the request costs before any zone logic runs.
      const body = JSON.stringify(world(n, served));
      const runs = n >= 10000 ? 15 : 50;
      const times: number[] = [];
      const cpuTimes: number[] = [];
      for (let i = 0; i < runs + 3; i++) {
        const c = cpu();
        const t = performance.now();
        const r = await axios.post(url.replace('/sync/dnszone', path), body, {
          headers: { 'content-type': 'application/json' },
          maxBodyLength: Infinity,
        });
        if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
        if (i >= 3) {
          times.push(performance.now() - t);
          cpuTimes.push((cpu() - c) * 1000);
        }
      }
      console.log(
        `${n} records, ${label}: p50 ${pct(times, 50).toFixed(1)} ms, p95 ${pct(times, 95).toFixed(1)} ms, hooks CPU p50 ${pct(cpuTimes, 50).toFixed(0)} ms (${(body.length / 1e6).toFixed(1)} MB request); hooks peak RSS ${vm('VmHWM:').toFixed(0)} MB`,
      );
    }
  }
  child.kill();
}
