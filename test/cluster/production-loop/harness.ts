/**
 * The production loop on one machine: the real Metacontroller (built from source) watching a real kube-apiserver,
 * calling the hooks service (its own process, started from the bundle the image runs (scripts/bundle.ts),
 * authenticated as the `bindy-hooks` ServiceAccount under the RBAC of manifests/base, not as admin), which pushes
 * zones to a real named + bindcar declared as an `external` Bind9Instance. The CompositeControllers of
 * metacontroller/ are applied unchanged but for the webhook target, which points at the hooks' loopback port instead
 * of the in-cluster Service. With `admission`, the MutatingWebhookConfiguration of manifests/overlays/admission is
 * applied too, pointed at the hooks' TLS port (a certificate from the control plane's own PKI tool).
 */
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import winston from 'winston';
import { parseConfig } from '../../../bindcar/config.js';
import { startBindcar, type RunningBindcar } from '../../../bindcar/server.js';
import { bindcarEnv, freePort, startNamed, type NamedInstance } from '../../support/named.js';
import { REPO_ROOT } from '../env/cache.js';
import { kubeconfig, makeServingCert, type TestEnv } from '../env/control-plane.js';
import {
  buildMetacontroller,
  startMetacontroller,
  type ApplyStrategy,
  type RunningMetacontroller,
} from '../env/metacontroller.js';
import { httpGet, launch, terminate, waitFor, type Managed } from '../env/processes.js';
import { metacontrollerArgs } from './shipped.js';
import { SERVICE_NODE_OPTIONS } from '../../../scripts/bundle.js';
import { serviceBundles } from '../../support/bundles.js';

/** A Kubernetes object as the tests write it. */
export interface KubeObj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
}

export interface ProductionLoop {
  readonly env: TestEnv;
  readonly strategy: ApplyStrategy;
  /** When Metacontroller answered its readiness probe (ms since the epoch). */
  readonly metacontrollerReadyAt: number;
  readonly named: NamedInstance;
  /** The bindcar every external instance of the tests names. */
  readonly external: { bindcarUrl: string; dnsAddress: string };
  /** The bearer token that bindcar takes. */
  readonly bindcarToken: string;
  /** Hook calls answered so far, by `<hook>/<kind>` (from the hooks' /metrics). */
  hookCalls(): Promise<Record<string, number>>;
  /** The URL Metacontroller reaches the hooks at (the counting proxy in front of them). */
  readonly hooksUrl: string;
  /** What Metacontroller sent the hooks, counted by a proxy in front of them. */
  readonly traffic: HookTraffic;
  /** CPU seconds (user + system) the hooks process has used so far. */
  hooksCpuSeconds(): Promise<number>;
  /**
   * CPU seconds used so far by each process of the loop: the hooks, Metacontroller, kube-apiserver, etcd, named,
   * and this test process (bindcar, the counting proxy and the test's own watches and digs run in it).
   */
  cpuSeconds(): Promise<Record<'hooks' | 'metacontroller' | 'apiserver' | 'etcd' | 'named' | 'test', number>>;
  /** Stops bindcar (named keeps serving) and starts it again on the same port. */
  stopBindcar(): Promise<void>;
  startBindcar(): Promise<void>;
  /** Error lines of the Metacontroller log, for failure messages. */
  metacontrollerLog(): Promise<string>;
  stop(): Promise<void>;
}

/** Calls and request bytes per hook path, and calls per parent (`<path> <namespace>/<name>`). */
export interface HookTraffic {
  readonly calls: Map<string, number>;
  readonly bytes: Map<string, number>;
  readonly perParent: Map<string, number>;
  /**
   * Every call in arrival order: when it arrived (ms epoch), its path, parent (`namespace/name`), request bytes, and
   * whether they are byte for byte the previous request of that path and parent (what hooks/request-body.ts reuses).
   */
  readonly log: { t: number; path: string; parent: string; bytes: number; repeated: boolean; ms?: number }[];
}

/**
 * A pass-through HTTP proxy in front of the hooks that counts what Metacontroller sends: the hooks stay exactly as in
 * production, and the counts are Metacontroller's view (retries and timeouts included).
 */
async function countingProxy(target: number): Promise<{ port: number; traffic: HookTraffic; close(): Promise<void> }> {
  const traffic: HookTraffic = { calls: new Map(), bytes: new Map(), perParent: new Map(), log: [] };
  const bump = (m: Map<string, number>, k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n);
  const lastBody = new Map<string, Buffer>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = req.url ?? '/';
      let entry: HookTraffic['log'][number] | undefined;
      if (req.method === 'POST') {
        bump(traffic.calls, path);
        bump(traffic.bytes, path, body.length);
        try {
          const md = JSON.parse(body.toString('utf8')) as {
            parent?: { metadata?: { namespace?: string; name?: string } };
            object?: { metadata?: { namespace?: string; name?: string } };
          };
          const p = md.parent?.metadata ?? md.object?.metadata;
          const parent = p ? `${p.namespace ?? ''}/${p.name ?? ''}` : '';
          const key = `${path} ${parent}`;
          if (p) bump(traffic.perParent, key);
          const repeated = lastBody.get(key)?.equals(body) ?? false;
          lastBody.set(key, body);
          entry = { t: Date.now(), path, parent, bytes: body.length, repeated };
          traffic.log.push(entry);
        } catch {
          // not JSON: forwarded as is, the hooks answer it
        }
      }
      const fwd = httpRequest(
        { host: '127.0.0.1', port: target, method: req.method, path, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
          r.on('end', () => {
            if (entry) entry.ms = Date.now() - entry.t;
          });
        },
      );
      fwd.on('error', (err) => {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'PROXY', message: err.message }));
      });
      fwd.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    traffic,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The Metacontroller controller objects of metacontroller/ with their webhooks pointed at `hooksUrl`. */
export async function controllersFor(hooksUrl: string): Promise<string> {
  const dir = join(REPO_ROOT, 'metacontroller');
  const out: string[] = [];
  for (const f of (await readdir(dir)).filter((n) => n.endsWith('.yaml')).sort())
    out.push(await controllerFileFor(join(dir, f), hooksUrl));
  return out.filter((x) => x.length > 0).join('---\n');
}

/** The controller objects of one YAML file with their webhooks pointed at `hooksUrl` ('' when it has none). */
export async function controllerFileFor(file: string, hooksUrl: string): Promise<string> {
  const out: string[] = [];
  for (const doc of parseAllDocuments(await readFile(file, 'utf8'))) {
    const obj = doc.toJS() as KubeObj | null;
    if (!obj || !/^(Composite|Decorator)Controller$/.test(obj.kind)) continue;
    const hooks = (obj['spec'] as { hooks: Record<string, { webhook: Record<string, unknown> }> }).hooks;
    for (const hook of Object.values(hooks)) {
      const w = hook.webhook;
      if (!w['service']) continue;
      w['url'] = `${hooksUrl}${String(w['path'] ?? '')}`;
      delete w['service'];
      delete w['path'];
    }
    out.push(stringify(obj));
  }
  return out.join('---\n');
}

/** The ServiceAccount, ClusterRoles and bindings of manifests/base (what the hooks run as in production). */
export async function productionRbac(env: TestEnv): Promise<string> {
  const built = (await env.kubectl(['kustomize', join(REPO_ROOT, 'manifests/base')])).stdout;
  const keep = new Set(['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);
  return parseAllDocuments(built)
    .map((d) => d.toJS() as KubeObj | null)
    .filter((o): o is KubeObj => !!o && keep.has(o.kind))
    .map((o) => stringify(o))
    .join('---\n');
}

/** The ClusterRoles and ClusterRoleBindings of a multi-document YAML. */
export function clusterScoped(yaml: string): string {
  return parseAllDocuments(yaml)
    .map((d) => d.toJS() as KubeObj | null)
    .filter((o): o is KubeObj => !!o && /^ClusterRole(Binding)?$/.test(o.kind))
    .map((o) => stringify(o))
    .join('---\n');
}

/** CPU seconds (user + system) a process has used: /proc/<pid>/stat fields 14 and 15, in clock ticks (100/s). */
async function processCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  if (!stat) return NaN;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Whether the apiserver calls the webhook yet: a server-side dry run of a record comes back with its index label. */
async function admissionServed(env: TestEnv): Promise<boolean> {
  const probe = {
    apiVersion: 'bindy.firestoned.io/v1beta1',
    kind: 'ARecord',
    metadata: { name: 'admission-probe', namespace: 'default' },
    spec: { zoneRef: 'probe', name: 'probe', ipv4Address: '192.0.2.1' },
  };
  const r = await env.kubectl(['create', '--dry-run=server', '-o', 'json', '-f', '-'], {
    stdin: JSON.stringify(probe),
    check: false,
  });
  if (r.code !== 0) return false;
  const labels = (JSON.parse(r.stdout) as { metadata: { labels?: Record<string, string> } }).metadata.labels ?? {};
  return Object.values(labels).includes('ref');
}

async function applyYaml(env: TestEnv, yaml: string): Promise<void> {
  await env.kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=bindy-loop-test', '-f', '-'], {
    stdin: yaml,
  });
}

/** What a run may change about the loop (scripts/scale-loop.ts measures Metacontroller flags with it). */
export interface LoopOptions {
  /** Metacontroller args instead of the shipped ones (manifests/metacontroller), e.g. to measure one flag. */
  metacontrollerArgs?: readonly string[];
  /** Where the Metacontroller and hooks logs go (default: the run's temp dir, removed on stop). */
  logDir?: string;
  /** Extra node arguments for the hooks process (e.g. --cpu-prof --cpu-prof-dir=DIR to profile it). */
  hooksNodeArgs?: readonly string[];
  /** Index labels at admission too (manifests/overlays/admission): the hooks serve TLS and the apiserver calls them. */
  admission?: boolean;
}

/** The MutatingWebhookConfiguration of manifests/overlays/admission with its webhook pointed at `baseUrl`. */
async function admissionWebhookFor(baseUrl: string, caPem: string): Promise<string> {
  const text = await readFile(join(REPO_ROOT, 'manifests', 'overlays', 'admission', 'webhook.yaml'), 'utf8');
  const obj = parseAllDocuments(text)[0]!.toJS() as {
    metadata: { annotations?: Record<string, string> };
    webhooks: { clientConfig: { service?: { path?: string }; url?: string; caBundle?: string } }[];
  };
  // the CA comes with the URL here, not from cert-manager's injector
  delete obj.metadata.annotations;
  for (const w of obj.webhooks) {
    w.clientConfig = {
      url: `${baseUrl}${w.clientConfig.service?.path ?? ''}`,
      caBundle: Buffer.from(caPem).toString('base64'),
    };
  }
  return stringify(obj);
}

/**
 * Starts named + bindcar, the hooks (as the bindy-hooks ServiceAccount) and Metacontroller with `strategy`, and
 * applies the controllers. The CRDs (bindy's and Metacontroller's) must already be installed.
 */
export async function startProductionLoop(
  env: TestEnv,
  strategy: ApplyStrategy,
  options: LoopOptions = {},
): Promise<ProductionLoop> {
  const dir = await mkdtemp(join(tmpdir(), 'bindy-loop-'));
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    cleanups.length = 0;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const mc = await buildMetacontroller();
    const rbac = await productionRbac(env);
    await applyYaml(env, rbac);
    // The cluster-wide grants (e.g. TokenReview for every ServiceAccount) would change what other cluster tests see.
    cleanups.push(async () => {
      await env.kubectl(['delete', '--ignore-not-found', '-f', '-'], { stdin: clusterScoped(rbac), check: false });
    });
    const saToken = (
      await env.kubectl(['create', 'token', 'bindy-hooks', '-n', 'bindy-system', '--duration=2h'])
    ).stdout.trim();
    const saKubeconfig = join(dir, 'hooks.kubeconfig');
    await writeFile(saKubeconfig, kubeconfig(env.server, env.caPath, saToken), { mode: 0o600 });

    const named = await startNamed({});
    cleanups.push(() => named.stop());
    const token = randomBytes(24).toString('hex');
    const bindcarPort = await freePort();
    const parsed = parseConfig(bindcarEnv(named, token, bindcarPort));
    if (!parsed.ok) throw new Error(`bindcar configuration: ${parsed.errors.join('; ')}`);
    const logger = winston.createLogger({ silent: true });
    let bindcar: RunningBindcar | undefined = await startBindcar(parsed.config, logger);
    cleanups.push(async () => {
      await bindcar?.shutdown();
      bindcar = undefined;
    });

    const hooksPort = await freePort();
    const admission = options.admission
      ? await (async () => {
          const pki = join(dir, 'admission-pki');
          await mkdir(pki);
          return { ...(await makeServingCert(env.binaries.pki, pki)), port: await freePort() };
        })()
      : undefined;
    const hooks: Managed = launch(
      process.execPath,
      [...(options.hooksNodeArgs ?? []), (await serviceBundles()).hooks],
      join(options.logDir ?? dir, 'hooks.log'),
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          KUBECONFIG: saKubeconfig,
          NODE_OPTIONS: SERVICE_NODE_OPTIONS.hooks, // as the Deployment sets it, so the bundle runs from its code cache
          HOOKS_ADDRESS: '127.0.0.1',
          HOOKS_PORT: String(hooksPort),
          BINDY_BINDCAR_TOKEN: token,
          // The seed's zones sit on instances no bindcar answers for (no pods here): their deletion is released after
          // this grace instead of 10 min, so a run can clean up. The bindcar-down row is back well within it.
          BINDY_ZONE_DELETION_GRACE_SECONDS: '30',
          LOG_LEVEL: 'info',
          ...(admission
            ? {
                HOOKS_TLS_CERT_FILE: admission.certPath,
                HOOKS_TLS_KEY_FILE: admission.keyPath,
                HOOKS_TLS_PORT: String(admission.port),
              }
            : {}),
        },
      },
    );
    cleanups.push(() => terminate(hooks));
    const hooksUrl = `http://127.0.0.1:${hooksPort}`;
    await waitFor('hooks', hooks, async () => (await httpGet(`${hooksUrl}/healthz`)).status === 200, 60_000);
    const proxy = await countingProxy(hooksPort);
    cleanups.push(() => proxy.close());
    if (admission) {
      const webhook = await admissionWebhookFor(
        `https://127.0.0.1:${admission.port}`,
        await readFile(admission.caPath, 'utf8'),
      );
      // cluster-scoped: it would label the objects of every later test file, so it goes with the loop
      cleanups.push(async () => {
        await env.kubectl(['delete', '--ignore-not-found', '-f', '-'], { stdin: webhook, check: false });
      });
      await applyYaml(env, webhook);
      await waitFor('the admission webhook', hooks, () => admissionServed(env), 30_000);
    }

    // The controllers first: objects left by an earlier run (or another test file) still name that run's dead hooks
    // URL, and a Metacontroller that starts on them and is updated while its informers sync can keep the old URL
    // (seen: the index-label decorator calling a closed port, so a hand-written instance was never labelled).
    await applyYaml(env, await controllersFor(`http://127.0.0.1:${proxy.port}`));
    const metacontroller: RunningMetacontroller = await startMetacontroller({
      binaries: mc,
      kubeconfigPath: env.kubeconfigPath,
      applyStrategy: strategy,
      args: options.metacontrollerArgs ?? (await metacontrollerArgs()),
      logPath: join(options.logDir ?? dir, 'metacontroller.log'),
    });
    cleanups.push(() => metacontroller.stop());
    const metacontrollerReadyAt = Date.now();

    return {
      env,
      strategy,
      metacontrollerReadyAt,
      named,
      external: { bindcarUrl: `http://127.0.0.1:${bindcarPort}`, dnsAddress: `127.0.0.1:${named.dnsPort}` },
      bindcarToken: token,
      async hookCalls() {
        const text = (await httpGet(`${hooksUrl}/metrics`)).body;
        const out: Record<string, number> = {};
        for (const m of text.matchAll(/^bindy_hook_requests_total\{([^}]*)\} (\d+)/gm)) {
          const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
          const key = `${labels['hook']}/${labels['kind']}`;
          out[key] = (out[key] ?? 0) + Number(m[2]);
        }
        return out;
      },
      traffic: proxy.traffic,
      hooksUrl: `http://127.0.0.1:${proxy.port}`,
      hooksCpuSeconds: () => processCpuSeconds(hooks.pid),
      async cpuSeconds() {
        const own = process.cpuUsage();
        return {
          hooks: await processCpuSeconds(hooks.pid),
          metacontroller: await processCpuSeconds(metacontroller.pid),
          apiserver: await processCpuSeconds(env.pids.kubeApiserver),
          etcd: await processCpuSeconds(env.pids.etcd),
          named: await processCpuSeconds(
            Number((await readFile(join(named.dir, 'named.pid'), 'utf8').catch(() => '0')).trim()),
          ),
          test: (own.user + own.system) / 1e6,
        };
      },
      async stopBindcar() {
        await bindcar?.shutdown();
        bindcar = undefined;
      },
      async startBindcar() {
        bindcar ??= await startBindcar(parsed.config, logger);
      },
      metacontrollerLog: () => metacontroller.logExcerpt(),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
