/**
 * The two service processes as single files, what the images run (Dockerfile): `dist/bundle/hooks.cjs` and
 * `dist/bundle/bindcar.cjs`. Node spends most of a service's start finding, reading and linking modules one by one
 * (≈ 200 of them: express, winston, prom-client and the service's own); one file read and compiled once starts in
 * about 0.6× the time (bench rows T-bindcar, T-hooks). Each of those files is a small launcher (dns/code-cache.ts)
 * that runs the service's bundle, `<service>.bundle.cjs`, from the V8 code cache this script writes beside it, so
 * that what a start compiles is read instead.
 *
 * The packages a service loads on first use stay outside (`LAZY_PACKAGES`): bundled, the 15 MB of client-node
 * would be read and parsed at every start, which is what loading them lazily avoids (hooks/ports/kube-client.ts,
 * dns/lazy-validator.ts). A bundle finds them in the node_modules above it, as the sources do.
 *
 * `npm run build` runs this after tsc; npm test (test/hooks/server.test.ts, test/bindcar/server.test.ts) and the
 * production-loop harness build the same bundles and start them.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeCacheFile, WRITE_CODE_CACHE_ENV } from '../dns/code-cache.js';
import { isEntryPoint } from '../dns/entry-point.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The service entry points (each starts itself when it is the script node runs: dns/entry-point.ts). */
export const SERVICES = { hooks: 'hooks/server.ts', bindcar: 'bindcar/server.ts' } as const;
export type Service = keyof typeof SERVICES;

/** Loaded on first use by the services, so not read at their start. */
export const LAZY_PACKAGES = ['@kubernetes/client-node', 'axios', 'ajv'];

/**
 * The V8 options each service runs with, as its image (Dockerfile, bindcar) or its Deployment (manifests/base/hooks.yaml,
 * the hooks) sets them in NODE_OPTIONS; test/manifests checks both. The code cache is written under the same options,
 * since V8 turns a cache down that other code-generation flags wrote (dns/code-cache.ts).
 */
export const SERVICE_NODE_OPTIONS: Record<Service, string> = {
  // V8 sizes its heap from the machine, not the container: the cap keeps a 50,000-record sync under the 512Mi limit
  hooks: '--max-old-space-size=384',
  // 8 MB semi-spaces instead of 16 keep the sidecar small with many zones, for ≈ 10 % on the largest creations
  bindcar: '--max-semi-space-size=8',
};

/**
 * A bundle is CommonJS, because only a script compiled through `vm.Script` can be run from a code cache in Node 20.
 * Its modules' `import.meta.url` (entry-point checks, createRequire) is the bundle's own URL.
 */
const URL_BANNER = "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;";

/** Each service's launcher in `dir` (`<dir>/<service>.cjs`: what node runs); its bundle is `bundleOf` it. */
const bundlesIn = (dir: string) =>
  Object.fromEntries(Object.keys(SERVICES).map((s) => [s, join(dir, `${s}.cjs`)])) as Record<Service, string>;
/** The service's bundle beside its launcher. */
export const bundleOf = (launcher: string): string => launcher.replace(/\.cjs$/, '.bundle.cjs');

const DIST_BUNDLE_DIR = join(ROOT, 'dist', 'bundle');
/** Where `npm run build` writes the launchers: what the images run and the bench starts. */
export const DIST_BUNDLES = bundlesIn(DIST_BUNDLE_DIR);

/**
 * Builds the bundle of the module at `entry` beside `launcher` (bundleOf), the launcher that runs it from its code
 * cache, and that cache, written by node under `nodeOptions` (the options the service will run with).
 */
export async function bundleService(entry: string, launcher: string, nodeOptions: string): Promise<void> {
  const bundle = bundleOf(launcher);
  const common = {
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // less to read and parse at every start; identifiers are kept, so a stack trace still names the functions
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  } as const;
  await build({
    ...common,
    entryPoints: [entry],
    outfile: bundle,
    external: LAZY_PACKAGES,
    // `import()` becomes `require()` (which loads ES modules since Node 20.19): Node 20 loses a script's dynamic-import
    // callback when the script comes from a code cache (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING)
    supported: { 'dynamic-import': false },
    define: { 'import.meta.url': '__bundleUrl' },
    banner: { js: URL_BANNER },
  });
  await build({
    ...common,
    stdin: {
      contents: `import { launch } from './dns/code-cache.ts';\nlaunch(require('node:path').join(__dirname, ${JSON.stringify(basename(bundle))}));`,
      resolveDir: ROOT,
      loader: 'ts',
      sourcefile: basename(launcher),
    },
    outfile: launcher,
  });
  try {
    execFileSync(process.execPath, [launcher], {
      env: { ...process.env, NODE_OPTIONS: nodeOptions, [WRITE_CODE_CACHE_ENV]: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 60_000,
    });
  } catch (e) {
    throw new Error(
      `${launcher}: the run that writes its code cache failed: ${String((e as { stderr?: Buffer }).stderr ?? e)}`,
    );
  }
  if (!existsSync(codeCacheFile(bundle))) throw new Error(`no code cache written for ${bundle}`);
}

/** Builds each service's launcher, bundle and code cache in `outDir`; resolves to the launchers' paths. */
export async function bundleServices(outDir: string): Promise<Record<Service, string>> {
  const out = bundlesIn(outDir);
  for (const [service, entry] of Object.entries(SERVICES) as [Service, string][])
    await bundleService(entry, out[service], SERVICE_NODE_OPTIONS[service]);
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
