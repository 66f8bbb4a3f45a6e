/**
 * CLI of the cluster test environment (test/cluster/env/): a real kube-apiserver + etcd and the real Metacontroller,
 * built from pinned sources into a per-machine cache.
 *
 *   npx tsx scripts/testenv.ts build   build once per machine into the cache (reused when present)
 *   npx tsx scripts/testenv.ts paths   print where the binaries are (exit 1 when not built)
 *   npx tsx scripts/testenv.ts start   start a control plane, print its kubeconfig, stop on Ctrl-C
 *
 * Environment: BINDY_TESTENV_CACHE (cache root; default ${XDG_CACHE_HOME:-~/.cache}/bindy-testenv),
 * GO (the go command; default /usr/local/go/bin/go, else `go` on PATH, else a pinned toolchain fetched
 * once from the Go module proxy into the cache), GOPROXY (first http(s) entry is used for that fetch),
 * BINDY_METACONTROLLER_SOURCE (Metacontroller source tarball or checkout; see test/cluster/env/metacontroller.ts).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTestEnv, cacheKey, findBinaries } from '../test/cluster/env/build.js';
import { cacheRoot } from '../test/cluster/env/cache.js';
import { startTestEnv } from '../test/cluster/env/control-plane.js';
import { findGo } from '../test/cluster/env/go.js';
import { buildMetacontroller, findMetacontroller } from '../test/cluster/env/metacontroller.js';
import { buildMonitoringCrds } from '../test/cluster/env/monitoring-crds.js';
import { join } from 'node:path';

async function main(argv: readonly string[]): Promise<number> {
  const cmd = argv[0];
  const log = (line: string): void => console.error(line);
  if (cmd === 'build') {
    const t0 = Date.now();
    const b = await buildTestEnv(log);
    console.log(`${b.dir} (${((Date.now() - t0) / 1000).toFixed(0)}s)`);
    const t1 = Date.now();
    const mc = await buildMetacontroller(log);
    console.log(`${mc.dir} (${((Date.now() - t1) / 1000).toFixed(0)}s)`);
    const t2 = Date.now();
    const crds = await buildMonitoringCrds(log);
    console.log(`${crds} (${((Date.now() - t2) / 1000).toFixed(0)}s)`);
    return 0;
  }
  if (cmd === 'paths') {
    const b = await findBinaries();
    const mc = await findMetacontroller();
    if (!b || !mc.ok) {
      const go = await findGo();
      if (!b)
        console.error(
          go ? `not built (cache ${join(cacheRoot(), await cacheKey(go))})` : 'not built (no Go toolchain)',
        );
      if (!mc.ok) console.error(mc.reason);
      return 1;
    }
    console.log(JSON.stringify({ ...b, metacontroller: mc.binaries }, null, 2));
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
