/**
 * The two service processes as single files: `dist/bundle/hooks.mjs` and `dist/bundle/bindcar.mjs` (what the images
 * run, Dockerfile). Node spends most of a service's start finding, reading and linking modules one by one (≈ 200
 * of them: express, winston, prom-client and the service's own); one file read and compiled once starts in about
 * 0.6× the time (bench rows T-bindcar, T-hooks).
 *
 * The packages a service loads on first use stay outside (`LAZY_PACKAGES`): bundled, the 15 MB of client-node
 * would be read and parsed at every start, which is what loading them lazily avoids (hooks/ports/kube-client.ts,
 * dns/lazy-validator.ts). A bundle finds them in the node_modules above it, as the sources do.
 *
 * `npm run build` runs this after tsc; npm test (test/hooks/server.test.ts, test/bindcar/server.test.ts) and the
 * production-loop harness build the same bundles and start them.
 */
import { build } from 'esbuild';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isEntryPoint } from '../dns/entry-point.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The service entry points (each starts itself when it is the script node runs: dns/entry-point.ts). */
export const SERVICES = { hooks: 'hooks/server.ts', bindcar: 'bindcar/server.ts' } as const;
export type Service = keyof typeof SERVICES;

/** Loaded on first use by the services, so not read at their start. */
export const LAZY_PACKAGES = ['@kubernetes/client-node', 'axios', 'ajv'];

/**
 * The CommonJS packages inside an ES module bundle call `require`; an ES module has none, so the bundle makes one
 * for its own location (https://esbuild.github.io/api/#banner).
 */
const REQUIRE_BANNER =
  "import { createRequire as __bundleRequire } from 'node:module';\nconst require = __bundleRequire(import.meta.url);";

/** Each service's bundle in `dir`: `<dir>/<service>.mjs`. */
const bundlesIn = (dir: string) =>
  Object.fromEntries(Object.keys(SERVICES).map((s) => [s, join(dir, `${s}.mjs`)])) as Record<Service, string>;

const DIST_BUNDLE_DIR = join(ROOT, 'dist', 'bundle');
/** Where `npm run build` writes the bundles: what the images run and the bench starts. */
export const DIST_BUNDLES = bundlesIn(DIST_BUNDLE_DIR);

/** Builds each service's bundle in `outDir`; resolves to their paths. */
export async function bundleServices(outDir: string): Promise<Record<Service, string>> {
  const out = bundlesIn(outDir);
  for (const [service, entry] of Object.entries(SERVICES) as [Service, string][]) {
    const outfile = out[service];
    await build({
      absWorkingDir: ROOT,
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // less to read and parse at every start; identifiers are kept, so a stack trace still names the functions
      minifyWhitespace: true,
      minifySyntax: true,
      external: LAZY_PACKAGES,
      banner: { js: REQUIRE_BANNER },
      logLevel: 'warning',
    });
  }
  return out;
}

// no top-level await: tests import this module, and a module graph with one cannot be require()d, so mocha would load
// those tests as ES modules, with instances of their modules apart from those its root hooks set (test/cluster/setup.ts)
if (isEntryPoint(import.meta.url))
  bundleServices(DIST_BUNDLE_DIR).then(
    (paths) => Object.values(paths).forEach((p) => console.log(p)),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
