/**
 * A service bundle (scripts/bundle.ts) run with the V8 code cache `npm run build` wrote beside it. Compiling the
 * bundle's 1.5–1.9 MB and the library functions its start runs is a quarter of a service's start; with their
 * bytecode read from the cache instead, bindcar and the hooks answer /healthz 60–70 ms sooner (bench rows
 * T-bindcar, T-hooks). Node 20 has no compile cache of its own for this (`module.enableCompileCache` is Node 22),
 * and its startup snapshot cannot hold `node:http`, so the cache is the one `vm.Script` produces
 * (https://nodejs.org/api/vm.html#scriptcreatecacheddata).
 *
 * The build writes the cache after the bundle's `warmUp` ran (a start on a loopback port and one /healthz), so the
 * functions a start runs are in it as well, not only those its modules run as they load.
 *
 * V8 accepts a cache only from the same V8 version run with the same code-generation flags, so the build writes it
 * with the very `NODE_OPTIONS` the service ships with (SERVICE_NODE_OPTIONS in scripts/bundle.ts). A cache that is
 * missing or rejected (another node, other flags) costs only the time: the bundle compiles as without one, and the
 * service's "listening" log line says which it was (`codeCache`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** How a start used the code cache: read, turned down by V8, or not there. */
export type CodeCacheUse = 'used' | 'rejected' | 'absent';

/** What a bundled service's `main` is told by the launcher that ran it. */
export interface Launch {
  codeCache: CodeCacheUse;
}

/** A service bundle's exports (hooks/server.ts, bindcar/server.ts). */
interface ServiceExports {
  main(launch: Launch): Promise<void>;
  /** starts the service on a loopback port, asks it once (warmUpRequest), stops it */
  warmUp(): Promise<void>;
}

/** A warm-up's one request: GET /healthz on 127.0.0.1:`port`; rejects unless it answers 200. */
export function warmUpRequest(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      res.once('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`/healthz: ${res.statusCode}`))));
    }).once('error', reject);
  });
}

/** The cache file of the bundle at `codeFile`. */
export const codeCacheFile = (codeFile: string): string => `${codeFile}.v8-cache`;

/** Set (to 1) in the environment of the build's run that writes the cache instead of starting the service. */
export const WRITE_CODE_CACHE_ENV = 'BINDY_WRITE_CODE_CACHE';

function readIfThere(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Compiles the CommonJS bundle at `codeFile` (with `cachedData` when given) and runs its top level. */
function load(codeFile: string, cachedData: Buffer | undefined): { script: Script; exports: ServiceExports } {
  const script = new Script(Module.wrap(readFileSync(codeFile, 'utf8')), {
    filename: codeFile,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} as ServiceExports };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(codeFile), module, codeFile, dirname(codeFile));
  return { script, exports: module.exports };
}

/**
 * The launcher's whole work: run the bundle at `codeFile` from its cache and start the service, or, in the build's
 * run (WRITE_CODE_CACHE_ENV), load it, warm it up and write the cache of what that compiled, then exit.
 */
export function launch(codeFile: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env[WRITE_CODE_CACHE_ENV] === '1') {
    const { script, exports } = load(codeFile, undefined);
    exports.warmUp().then(
      () => {
        writeFileSync(codeCacheFile(codeFile), script.createCachedData());
        process.exit(0);
      },
      (e: unknown) => {
        console.error(`warm-up before the code cache failed: ${(e as Error).stack ?? String(e)}`);
        process.exit(1);
      },
    );
    return;
  }
  const cachedData = readIfThere(codeCacheFile(codeFile));
  const { script, exports } = load(codeFile, cachedData);
  const codeCache: CodeCacheUse = !cachedData ? 'absent' : script.cachedDataRejected ? 'rejected' : 'used';
  void exports.main({ codeCache });
}
