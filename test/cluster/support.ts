/**
 * Shared helpers for the cluster tests: the running control plane, idempotent installs, and the
 * pure classification of example documents.
 */
import { execFileSync } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './env/cache.js';
import type { TestEnv } from './env/control-plane.js';

export { REPO_ROOT };

let current: TestEnv | undefined;
const RUN_FLAG = 'BINDY_CLUSTER_RUN';

/** Called by setup.ts (loaded only by test/cluster/.mocharc.json). */
export function markClusterRun(): void {
  process.env[RUN_FLAG] = '1';
}

/** True under `npm run test:cluster`; false when another mocha config happens to load these files. */
export function isClusterRun(): boolean {
  return process.env[RUN_FLAG] === '1';
}

/**
 * `describe` under `npm run test:cluster`, `describe.skip` otherwise: the suites need the control
 * plane that test/cluster/setup.ts starts, so they show as pending when loaded by the unit config.
 */
export function describeCluster(title: string, fn: (this: Mocha.Suite) => void): Mocha.Suite | void {
  return isClusterRun() ? describe(title, fn) : describe.skip(title, fn);
}

/** Sets (or clears, returning the old one) the control plane of this run. */
export function setClusterEnv(env: TestEnv | undefined): TestEnv | undefined {
  const old = current;
  current = env;
  return old;
}

/** The running control plane; throws outside a cluster run. */
export function clusterEnv(): TestEnv {
  if (!current) throw new Error('no testenv: run via `npm run test:cluster`');
  return current;
}

/** True when any process of the process group is alive (pgrep -g). */
export function processGroupAlive(pgid: number): boolean {
  try {
    return execFileSync('pgrep', ['-g', String(pgid)], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false; // pgrep exits 1 when nothing matches
  }
}

/** Polls until no process of the groups is left (SIGKILL and reaping are asynchronous). */
export async function waitGroupsGone(pgids: readonly number[], timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = pgids.filter((g) => processGroupAlive(g));
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Files (not directories) directly inside dir with one of the extensions, repo-relative, sorted. */
export function filesIn(dir: string, exts: readonly string[] = ['.yaml', '.yml', '.json']): string[] {
  const abs = join(REPO_ROOT, dir);
  let names: string[];
  try {
    names = readdirSync(abs);
  } catch {
    return [];
  }
  return names
    .filter((n) => exts.some((e) => n.endsWith(e)) && statSync(join(abs, n)).isFile())
    .sort()
    .map((n) => relative(REPO_ROOT, join(abs, n)));
}

/** One YAML document of a file, with its position. */
export interface Doc {
  readonly file: string;
  readonly index: number;
  readonly value: unknown;
  readonly text: string;
}

/** Parses every non-empty YAML document of a repo-relative file; throws on a syntax error. */
export function readDocs(file: string): Doc[] {
  const text = readFileSync(join(REPO_ROOT, file), 'utf8');
  const out: Doc[] = [];
  parseAllDocuments(text).forEach((d, index) => {
    if (d.errors.length > 0) throw new Error(`${file} document ${index}: ${d.errors[0]?.message}`);
    const value: unknown = d.toJS();
    if (value === null || value === undefined) return;
    out.push({ file, index, value, text: d.toString() });
  });
  return out;
}

/** Whether a document is a Kubernetes object to apply, or why not. */
export type Classification =
  | { readonly apply: true; readonly kind: string; readonly name: string; readonly namespace?: string }
  | { readonly apply: false; readonly reason: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Pure: a document is applied when it is a mapping with string apiVersion and kind and a
 * metadata.name; anything else (e.g. a ConfigHub config block) is skipped with the reason.
 */
export function classifyDoc(value: unknown): Classification {
  if (!isRecord(value)) return { apply: false, reason: 'not a mapping' };
  const keys = Object.keys(value).join(', ');
  if (typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') {
    return { apply: false, reason: `not a Kubernetes object: no apiVersion/kind (top-level keys: ${keys})` };
  }
  const md = value.metadata;
  if (!isRecord(md) || typeof md.name !== 'string' || md.name === '') {
    return { apply: false, reason: `${value.kind} without metadata.name` };
  }
  return typeof md.namespace === 'string'
    ? { apply: true, kind: value.kind, name: md.name, namespace: md.namespace }
    : { apply: true, kind: value.kind, name: md.name };
}

/** A CustomResourceDefinition as far as these tests read it. */
export interface Crd {
  readonly file: string;
  readonly name: string;
  readonly group: string;
  readonly plural: string;
  readonly kind: string;
  readonly scope: string;
  readonly shortNames: readonly string[];
  readonly versions: readonly {
    readonly name: string;
    readonly served: boolean;
    readonly storage: boolean;
    readonly columns: readonly { readonly name: string; readonly priority: number }[];
  }[];
}

/** Every CustomResourceDefinition in crds/. */
export function loadCrds(dir = 'crds'): Crd[] {
  const out: Crd[] = [];
  for (const file of filesIn(dir)) {
    for (const d of readDocs(file)) {
      const v = d.value as {
        kind?: string;
        metadata?: { name?: string };
        spec?: {
          group?: string;
          scope?: string;
          names?: { plural?: string; kind?: string; shortNames?: string[] };
          versions?: {
            name: string;
            served?: boolean;
            storage?: boolean;
            additionalPrinterColumns?: { name: string; priority?: number }[];
          }[];
        };
      };
      if (v.kind !== 'CustomResourceDefinition') continue;
      out.push({
        file,
        name: v.metadata?.name ?? '',
        group: v.spec?.group ?? '',
        plural: v.spec?.names?.plural ?? '',
        kind: v.spec?.names?.kind ?? '',
        scope: v.spec?.scope ?? '',
        shortNames: v.spec?.names?.shortNames ?? [],
        versions: (v.spec?.versions ?? []).map((ver) => ({
          name: ver.name,
          served: ver.served ?? false,
          storage: ver.storage ?? false,
          columns: (ver.additionalPrinterColumns ?? []).map((c) => ({ name: c.name, priority: c.priority ?? 0 })),
        })),
      });
    }
  }
  return out;
}

const once = new Map<string, Promise<void>>();

/** Runs an install step once per run (memoized by key); later callers await the same promise. */
export function installOnce(key: string, step: () => Promise<void>): Promise<void> {
  let p = once.get(key);
  if (!p) {
    p = step();
    once.set(key, p);
  }
  return p;
}

/**
 * Installs every CRD in crds/ (server-side apply) and waits until each is Established and served.
 * Only the CustomResourceDefinition documents are sent (crds/ may also hold a kustomization.yaml).
 */
export function ensureCrds(): Promise<void> {
  return installOnce('crds', async () => {
    const env = clusterEnv();
    const crds = loadCrds();
    if (crds.length === 0) throw new Error('no CustomResourceDefinition in crds/');
    const files = [...new Set(crds.map((c) => c.file))].flatMap((f) => ['-f', join(REPO_ROOT, f)]);
    await env.kubectl(['apply', '--server-side', '--field-manager=bindy-cluster-test', ...files]);
    await env.kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...crds.map((c) => `crd/${c.name}`)]);
    await waitServed(crds);
  });
}

/**
 * Established is not the end: discovery and the resource's storage catch up asynchronously (kubectl
 * then says "doesn't have a resource type", a LIST answers 429 "storage is (re)initializing").
 * Polls until discovery lists every plural and every served version answers a LIST with 200.
 */
export async function waitServed(crds: readonly Crd[], timeoutMs = 60_000): Promise<void> {
  const env = clusterEnv();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const missing: string[] = [];
    const found = new Set(
      (await env.kubectl(['api-resources', '-o', 'name', '--cached=false'], { check: false })).stdout.split('\n'),
    );
    for (const crd of crds) {
      if (!found.has(`${crd.plural}.${crd.group}`)) missing.push(`${crd.plural}.${crd.group} not in discovery`);
      for (const v of crd.versions.filter((x) => x.served)) {
        const r = await apiRequest(`/apis/${crd.group}/${v.name}/${crd.plural}?limit=1`);
        if (r.status !== 200) missing.push(`${crd.plural}.${crd.group}/${v.name} LIST → ${r.status}`);
      }
    }
    if (missing.length === 0) return;
    if (Date.now() > deadline) throw new Error(`CRDs not served within ${timeoutMs / 1000}s: ${missing.join('; ')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Creates a namespace unless it exists. */
export async function ensureNamespace(name: string): Promise<void> {
  return installOnce(`ns/${name}`, async () => {
    const env = clusterEnv();
    const r = await env.kubectl(['create', 'namespace', name], { check: false });
    if (r.code !== 0 && !/AlreadyExists/.test(r.stderr)) throw new Error(r.stderr);
  });
}

/** Response of {@link apiRequest}. */
export interface ApiResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * One HTTPS request to the test apiserver, trusting only its CA. The token defaults to the admin's;
 * pass `token: ''` for an anonymous request.
 */
export async function apiRequest(
  path: string,
  opts: { method?: string; token?: string; body?: unknown; accept?: string } = {},
): Promise<ApiResponse> {
  // Like client-go: a 429 (e.g. "storage is (re)initializing" right after a CRD is established)
  // is retried after its Retry-After, a bounded number of times.
  for (let attempt = 1; ; attempt++) {
    const r = await apiRequestOnce(path, opts);
    if (r.status !== 429 || attempt >= 20) return r;
    await new Promise((res) => setTimeout(res, 1000));
  }
}

function apiRequestOnce(
  path: string,
  opts: { method?: string; token?: string; body?: unknown; accept?: string },
): Promise<ApiResponse> {
  const env = clusterEnv();
  const token = opts.token ?? env.token;
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = { accept: opts.accept ?? 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolvePromise, reject) => {
    const req = httpsRequest(
      new URL(path, env.server),
      { method: opts.method ?? 'GET', headers, ca: env.caPem, timeout: 15_000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${path}`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** A ServiceAccount token from the TokenRequest API (`kubectl create token`). */
export async function serviceAccountToken(
  namespace: string,
  serviceAccount: string,
  audiences: readonly string[] = [],
): Promise<string> {
  const env = clusterEnv();
  const args = ['create', 'token', serviceAccount, '-n', namespace, '--duration=10m'];
  for (const a of audiences) args.push(`--audience=${a}`);
  return (await env.kubectl(args)).stdout.trim();
}

/** Creates a ServiceAccount unless it exists (the namespace too). */
export async function ensureServiceAccount(namespace: string, name: string): Promise<void> {
  await ensureNamespace(namespace);
  return installOnce(`sa/${namespace}/${name}`, async () => {
    const r = await clusterEnv().kubectl(['create', 'serviceaccount', name, '-n', namespace], { check: false });
    // kubectl says "AlreadyExists" or "already exists" depending on the path; either way it is there (the
    // production-loop suite creates bindy-hooks with the manifests' RBAC).
    if (r.code !== 0 && !/AlreadyExists|already exists/.test(r.stderr)) throw new Error(r.stderr);
  });
}
