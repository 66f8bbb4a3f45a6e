/**
 * The production loop's scale scenario at any size, outside mocha: a fresh control plane (the cached test env,
 * `npx tsx scripts/testenv.ts build` first), the real Metacontroller, the hooks and a real named + bindcar, then
 * test/cluster/production-loop/scale.ts once per Metacontroller flag set.
 *
 *   npx tsx scripts/scale-loop.ts                         # 200 zones × 5 records, shipped flags, server-side-apply
 *   SCALE_ZONES=1000 npx tsx scripts/scale-loop.ts
 *   SCALE_STRATEGY=dynamic-apply SCALE_IDLE_SECONDS=330 npx tsx scripts/scale-loop.ts
 *   SCALE_FLAGS='--workers=5 --client-go-qps=5' npx tsx scripts/scale-loop.ts
 *       (these flags replace the shipped flags of the same name; the rest stay as shipped)
 *   SCALE_ADMISSION=1 npx tsx scripts/scale-loop.ts      # with the index labels at admission (manifests/overlays/admission)
 *
 * Each run starts its own control plane, so no run inherits another's objects or informers; Metacontroller logs at
 * info as shipped (SCALE_MC_LOG_LEVEL=4 for the suite's verbosity). The figures go to stdout as one line and, with
 * SCALE_JSON=file, as JSON; SCALE_CRDS_AFTER_START=1 installs bindy's CRDs only after Metacontroller is up (a first
 * install: what --discovery-interval delays); the Metacontroller and hooks logs stay in SCALE_LOG_DIR (default /tmp/scale-loop-<time>)
 * with every hook call and object event (calls-and-events.json). SCALE_HOOKS_NODE_ARGS="--cpu-prof
 * --cpu-prof-dir=DIR" profiles the hooks.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestEnv } from '../test/cluster/env/control-plane.js';
import type { ApplyStrategy } from '../test/cluster/env/metacontroller.js';
import { startProductionLoop } from '../test/cluster/production-loop/harness.js';
import { metacontrollerArgs } from '../test/cluster/production-loop/shipped.js';
import { describeScale, runScale } from '../test/cluster/production-loop/scale.js';
import { ensureMetacontrollerCrds } from '../test/cluster/shared.js';
import { ensureCrds, ensureNamespace, markClusterRun, setClusterEnv } from '../test/cluster/support.js';

const zones = Number(process.env['SCALE_ZONES'] ?? 200);
const perZone = Number(process.env['SCALE_RECORDS'] ?? 5);
const strategy = (process.env['SCALE_STRATEGY'] ?? 'server-side-apply') as ApplyStrategy;
const idleMs = Number(process.env['SCALE_IDLE_SECONDS'] ?? 60) * 1000;
const flags = (process.env['SCALE_FLAGS'] ?? '').split(/\s+/).filter(Boolean);
const logLevel = process.env['SCALE_MC_LOG_LEVEL'] ?? 'info';

/** The shipped args with `override`'s flags replacing those of the same name. */
function withFlags(shipped: readonly string[], override: readonly string[]): string[] {
  const name = (a: string) => a.split('=')[0]!;
  const replaced = new Set(override.map(name));
  return [...shipped.filter((a) => !replaced.has(name(a))), ...override];
}

async function main(): Promise<void> {
  markClusterRun();
  const args = withFlags(await metacontrollerArgs(), [...flags, `--zap-log-level=${logLevel}`]);
  const env = await startTestEnv({ log: (line) => console.error(line) });
  setClusterEnv(env);
  const logDir = process.env['SCALE_LOG_DIR'] ?? `/tmp/scale-loop-${Date.now()}`;
  mkdirSync(logDir, { recursive: true });
  try {
    // SCALE_CRDS_AFTER_START=1: a first install — Metacontroller runs before bindy's CRDs exist and finds them by
    // discovery (--discovery-interval); the instance's sync time then counts from the CRDs' apply.
    const crdsAfterStart = process.env['SCALE_CRDS_AFTER_START'] === '1';
    if (!crdsAfterStart) await ensureCrds();
    await ensureMetacontrollerCrds();
    const hooksNodeArgs = (process.env['SCALE_HOOKS_NODE_ARGS'] ?? '').split(/\s+/).filter(Boolean);
    const admission = process.env['SCALE_ADMISSION'] === '1';
    const loop = await startProductionLoop(env, strategy, {
      metacontrollerArgs: args,
      logDir,
      hooksNodeArgs,
      admission,
    });
    try {
      let since: number | undefined;
      if (crdsAfterStart) {
        since = Date.now();
        await ensureCrds();
      }
      await ensureNamespace('scale');
      console.error(
        `scale-loop: ${zones} × ${perZone}, ${strategy}${admission ? ', index labels at admission' : ''}, metacontroller ${args.join(' ')} (logs ${logDir})`,
      );
      const figures = await runScale(loop, 'scale', {
        zones,
        perZone,
        idleMs,
        log: (l) => console.error(`scale-loop: ${l}`),
        dump: join(logDir, 'calls-and-events.json'),
        ...(since ? { since } : {}),
      });
      console.log(`${strategy}${admission ? ' + admission' : ''} ${args.join(' ')}: ${describeScale(figures)}`);
      if (process.env['SCALE_JSON'])
        writeFileSync(
          process.env['SCALE_JSON'],
          `${JSON.stringify({ strategy, admission, args, figures }, null, 2)}\n`,
        );
    } finally {
      await loop.stop();
    }
  } finally {
    setClusterEnv(undefined);
    await env.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
