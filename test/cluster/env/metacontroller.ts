/**
 * The real Metacontroller for the production-loop tests, built from source: it is not on the Go module proxy (its
 * go.mod says `module metacontroller`), its dependencies are. The pinned source is the v4.17.2 tarball that the
 * project keeps beside the repository (`../shared/metacontroller/`); BINDY_METACONTROLLER_SOURCE points at another
 * tarball or an unpacked checkout. Built once per machine into the test-env cache, keyed by the source's content,
 * the Go version and the flags; its CRDs come from the same source (manifests/production/metacontroller-crds-v1.yaml).
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildIntoCache, listFiles, REPO_ROOT, cacheRoot } from './cache.js';
import { ensureGo, findGo, goVersion } from './go.js';
import { distinctPorts, httpGet, launch, run, terminate, waitFor, type Managed } from './processes.js';

/** The pinned release and the tarball the project keeps for it. */
export const METACONTROLLER = {
  version: 'v4.17.2',
  tarball: 'metacontroller-v4.17.2.tar.gz',
  sha256: '71242194978649546c50f6970bc117b883699a46c66f4eb16298bcdbb8b722a3',
} as const;

/** Where the pinned tarball is expected when BINDY_METACONTROLLER_SOURCE is not set. */
export const DEFAULT_METACONTROLLER_SOURCE = resolve(
  REPO_ROOT,
  '..',
  'shared',
  'metacontroller',
  METACONTROLLER.tarball,
);

const CRDS_IN_SOURCE = 'manifests/production/metacontroller-crds-v1.yaml';
const FLAGS = '-trimpath -buildvcs=false -mod=readonly cgo=0 ldflags=-s -w';

export interface MetacontrollerBinaries {
  readonly dir: string;
  /** The metacontroller executable. */
  readonly metacontroller: string;
  /** Its CustomResourceDefinitions (CompositeController, DecoratorController, ControllerRevision). */
  readonly crds: string;
}

type Source = { kind: 'tarball' | 'dir'; path: string };

/** The configured source, or a message naming what to provide. */
export function metacontrollerSource(): { ok: true; source: Source } | { ok: false; reason: string } {
  const configured = process.env.BINDY_METACONTROLLER_SOURCE;
  const path = resolve(configured ?? DEFAULT_METACONTROLLER_SOURCE);
  if (!existsSync(path)) {
    return {
      ok: false,
      reason:
        `Metacontroller source not found at ${path}${configured ? ' (BINDY_METACONTROLLER_SOURCE)' : ''}. ` +
        `The production-loop tests build the real Metacontroller ${METACONTROLLER.version} from source (it is not on ` +
        `the Go module proxy): put its source tarball ${METACONTROLLER.tarball} (SHA-256 ${METACONTROLLER.sha256}) at ` +
        `${DEFAULT_METACONTROLLER_SOURCE}, or set BINDY_METACONTROLLER_SOURCE to a source tarball or an unpacked ` +
        `checkout of github.com/metacontroller/metacontroller at ${METACONTROLLER.version}.`,
    };
  }
  return { ok: true, source: { kind: statSync(path).isDirectory() ? 'dir' : 'tarball', path } };
}

/** Content identity of the source: the tarball's SHA-256, or a hash over a checkout's Go files and CRDs. */
async function sourceDigest(source: Source): Promise<string> {
  const h = createHash('sha256');
  if (source.kind === 'tarball') return h.update(await readFile(source.path)).digest('hex');
  for (const f of await listFiles(source.path)) {
    if (!/(\.go|go\.mod|go\.sum)$/.test(f) && f !== CRDS_IN_SOURCE) continue;
    if (f.startsWith('.git/') || f.includes('/testdata/')) continue;
    h.update(`${f}\n`).update(await readFile(join(source.path, f)));
  }
  return h.digest('hex');
}

async function cacheDirFor(go: string, source: Source): Promise<string> {
  const h = createHash('sha256');
  h.update(`${await goVersion(go)}\n${process.platform}/${process.arch}\n${FLAGS}\n${await sourceDigest(source)}\n`);
  return join(cacheRoot(), `metacontroller-${h.digest('hex').slice(0, 16)}`);
}

function binariesIn(dir: string): MetacontrollerBinaries {
  return { dir, metacontroller: join(dir, 'metacontroller'), crds: join(dir, 'metacontroller-crds-v1.yaml') };
}

function complete(dir: string): boolean {
  return existsSync(join(dir, '.complete')) && existsSync(join(dir, 'metacontroller'));
}

/** The built Metacontroller for the configured source, or why there is none. */
export async function findMetacontroller(): Promise<
  { ok: true; binaries: MetacontrollerBinaries } | { ok: false; reason: string }
> {
  const src = metacontrollerSource();
  if (!src.ok) return src;
  const go = await findGo();
  if (!go)
    return { ok: false, reason: 'Metacontroller not built (no Go toolchain): run `npx tsx scripts/testenv.ts build`' };
  const dir = await cacheDirFor(go, src.source);
  return complete(dir)
    ? { ok: true, binaries: binariesIn(dir) }
    : { ok: false, reason: `Metacontroller not built (cache ${dir}): run \`npx tsx scripts/testenv.ts build\`` };
}

/** Builds Metacontroller into the cache unless it is there; throws naming what to provide when the source is absent. */
export async function buildMetacontroller(log: (line: string) => void = () => {}): Promise<MetacontrollerBinaries> {
  const src = metacontrollerSource();
  if (!src.ok) throw new Error(src.reason);
  const { source } = src;
  if (source.kind === 'tarball' && source.path === DEFAULT_METACONTROLLER_SOURCE) {
    const got = createHash('sha256')
      .update(await readFile(source.path))
      .digest('hex');
    if (got !== METACONTROLLER.sha256)
      throw new Error(`${source.path}: SHA-256 ${got}, expected ${METACONTROLLER.sha256} (${METACONTROLLER.version})`);
  }
  const go = await ensureGo(log);
  const dir = await cacheDirFor(go, source);
  if (complete(dir)) {
    log(`testenv: reusing ${dir}`);
    return binariesIn(dir);
  }
  await buildIntoCache(dir, async (staging) => {
    let tree = source.path;
    if (source.kind === 'tarball') {
      const unpacked = join(staging, 'src');
      await mkdir(unpacked);
      const r = await run('tar', ['-xzf', source.path, '-C', unpacked]);
      if (r.code !== 0) throw new Error(`cannot unpack ${source.path}: ${r.stderr.trim()}`);
      const top = (await readdir(unpacked, { withFileTypes: true })).filter((e) => e.isDirectory());
      if (top.length !== 1) throw new Error(`${source.path}: expected one top-level directory`);
      tree = join(unpacked, top[0]!.name);
    }
    const started = Date.now();
    log(`testenv: go build metacontroller from ${source.path}`);
    const r = await run(
      go,
      [
        'build',
        `-ldflags=-s -w -X main.version=${METACONTROLLER.version}`,
        '-o',
        join(staging, 'metacontroller'),
        './pkg/cmd/metacontroller',
      ],
      { cwd: tree, env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-trimpath -buildvcs=false -mod=readonly' } },
    );
    if (r.code !== 0) throw new Error(`go build of metacontroller failed (exit ${r.code}):\n${r.stderr}`);
    log(`testenv: built metacontroller in ${((Date.now() - started) / 1000).toFixed(0)}s`);
    await copyFile(join(tree, CRDS_IN_SOURCE), join(staging, 'metacontroller-crds-v1.yaml'));
    await rm(join(staging, 'src'), { recursive: true, force: true });
  });
  return binariesIn(dir);
}

/** Metacontroller's two ways of updating children (`--apply-strategy`). */
export type ApplyStrategy = 'dynamic-apply' | 'server-side-apply';

export interface RunningMetacontroller {
  readonly pid: number;
  readonly logPath: string;
  /** The last lines of its log that mention an error, for failure messages. */
  logExcerpt(lines?: number): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts Metacontroller out of cluster against a kubeconfig, with the flags the shipped manifests set (`args`), the
 * given apply strategy, and health/metrics on free loopback ports. Resolves once its readiness probe answers.
 */
export async function startMetacontroller(opts: {
  binaries: MetacontrollerBinaries;
  kubeconfigPath: string;
  applyStrategy: ApplyStrategy;
  /** Flags from the shipped Metacontroller manifest (without --apply-strategy, addresses or logging). */
  args?: readonly string[];
  logPath: string;
}): Promise<RunningMetacontroller> {
  const [health, metrics] = await distinctPorts(2);
  const proc: Managed = launch(
    opts.binaries.metacontroller,
    [
      `--kubeconfig=${opts.kubeconfigPath}`,
      `--apply-strategy=${opts.applyStrategy}`,
      `--health-probe-bind-address=127.0.0.1:${health}`,
      `--metrics-address=127.0.0.1:${metrics}`,
      '--zap-encoder=json',
      '--zap-log-level=4',
      ...(opts.args ?? []),
    ],
    opts.logPath,
  );
  await waitFor(
    'metacontroller',
    proc,
    async () => (await httpGet(`http://127.0.0.1:${health}/readyz`)).status === 200,
    60_000,
  );
  return {
    pid: proc.pid,
    logPath: opts.logPath,
    async logExcerpt(lines = 40) {
      const text = await readFile(opts.logPath, 'utf8').catch(() => '');
      const hits = text.split('\n').filter((l) => /"level":"error"|SyncError|failed|invalid/i.test(l));
      return hits.slice(-lines).join('\n') || '(no errors in the Metacontroller log)';
    },
    stop: () => terminate(proc),
  };
}
