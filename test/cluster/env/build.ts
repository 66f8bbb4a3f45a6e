/**
 * The pinned control-plane binaries (etcd, kube-apiserver, kubectl, testenv-pki) built from the Go modules under
 * test/cluster/etcd and test/cluster/kube into a per-machine cache keyed by their content.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildIntoCache, cacheRoot, listFiles, REPO_ROOT } from './cache.js';
import { ensureGo, findGo, goVersion } from './go.js';
import { run } from './processes.js';

/** The Go modules that pin what gets built, relative to the repository root. */
const MODULES = [
  { dir: 'test/cluster/etcd', packages: [{ pkg: '.', bin: 'etcd' }] },
  {
    dir: 'test/cluster/kube',
    packages: [
      { pkg: './cmd/kube-apiserver', bin: 'kube-apiserver' },
      { pkg: './cmd/kubectl', bin: 'kubectl' },
      { pkg: './cmd/testenv-pki', bin: 'testenv-pki' },
    ],
  },
] as const;

/** Names of the binaries in a testenv cache directory. */
export const BINARIES = ['etcd', 'kube-apiserver', 'kubectl', 'testenv-pki'] as const;

const LDFLAGS = '-s -w';

/** Paths of the built binaries. */
export interface TestEnvBinaries {
  readonly dir: string;
  readonly etcd: string;
  readonly kubeApiserver: string;
  readonly kubectl: string;
  /** writes the CA and serving certificate (Go standard library; no openssl needed) */
  readonly pki: string;
}

/**
 * Cache key: a hash over every file of the pinned Go modules, the Go version and the build flags,
 * so a version bump (go.mod/go.sum) or a toolchain change builds afresh into a new directory.
 */
export async function cacheKey(go: string): Promise<string> {
  const h = createHash('sha256');
  h.update(`${await goVersion(go)}\n${process.platform}/${process.arch}\nldflags=${LDFLAGS} trimpath cgo=0\n`);
  for (const m of MODULES) {
    const dir = join(REPO_ROOT, m.dir);
    for (const file of await listFiles(dir)) {
      h.update(`${m.dir}/${file}\n`);
      h.update(await readFile(join(dir, file)));
    }
  }
  return h.digest('hex').slice(0, 16);
}

function binariesIn(dir: string): TestEnvBinaries {
  return {
    dir,
    etcd: join(dir, 'etcd'),
    kubeApiserver: join(dir, 'kube-apiserver'),
    kubectl: join(dir, 'kubectl'),
    pki: join(dir, 'testenv-pki'),
  };
}

/** The binaries for the current pins, or undefined when they have not been built on this machine. */
export async function findBinaries(go?: string): Promise<TestEnvBinaries | undefined> {
  const goCmd = go ?? (await findGo());
  if (!goCmd) return undefined;
  const dir = join(cacheRoot(), await cacheKey(goCmd));
  const complete = existsSync(join(dir, '.complete')) && BINARIES.every((b) => existsSync(join(dir, b)));
  return complete ? binariesIn(dir) : undefined;
}

/**
 * Builds etcd, kube-apiserver and kubectl into the cache unless they are already there.
 * Builds into a sibling temp dir and renames it into place, so an interrupted build is never reused.
 */
export async function buildTestEnv(log: (line: string) => void = () => {}): Promise<TestEnvBinaries> {
  const go = await ensureGo(log);
  const found = await findBinaries(go);
  if (found) {
    log(`testenv: reusing ${found.dir}`);
    return found;
  }
  const dir = join(cacheRoot(), await cacheKey(go));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CGO_ENABLED: '0',
    GOFLAGS: '-trimpath -buildvcs=false -mod=readonly',
  };
  await buildIntoCache(dir, async (staging) => {
    for (const m of MODULES) {
      for (const p of m.packages) {
        const started = Date.now();
        log(`testenv: go build ${m.dir} ${p.pkg} -> ${p.bin}`);
        const ldflags = [LDFLAGS, ...(await versionLdflags(m.dir))].join(' ');
        const r = await run(go, ['build', `-ldflags=${ldflags}`, '-o', join(staging, p.bin), p.pkg], {
          cwd: join(REPO_ROOT, m.dir),
          env,
        });
        if (r.code !== 0) {
          throw new Error(`go build of ${p.bin} in ${m.dir} failed (exit ${r.code}):\n${r.stderr}`);
        }
        log(`testenv: built ${p.bin} in ${((Date.now() - started) / 1000).toFixed(0)}s`);
      }
    }
  });
  return binariesIn(dir);
}

/**
 * The `-X` flags that stamp the pinned Kubernetes version into the binaries (upstream's release
 * build does the same; without them they report v0.0.0-master). None for modules without it.
 */
export async function versionLdflags(moduleDir: string): Promise<string[]> {
  const gomod = await readFile(join(REPO_ROOT, moduleDir, 'go.mod'), 'utf8');
  const m = /^\s*(?:require\s+)?k8s\.io\/kubernetes\s+(v(\d+)\.(\d+)\.\d+)\s*$/m.exec(gomod);
  if (!m) return [];
  const [, version, major, minor] = m;
  const out: string[] = [];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    out.push(`-X ${pkg}.gitVersion=${version}`, `-X ${pkg}.gitMajor=${major}`, `-X ${pkg}.gitMinor=${minor}`);
    out.push(`-X ${pkg}.gitTreeState=clean`);
  }
  return out;
}
