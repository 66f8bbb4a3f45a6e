/**
 * The single-machine stack behind `bindy up` / `npm start`: a real named on loopback, bindcar and the hooks
 * in-process, and the local driver feeding the hooks the same requests Metacontroller would. Bind9Instances resolve
 * to the local named through their `spec.external` endpoint (a bindcar outside any cluster). Production runs on
 * Kubernetes + Metacontroller; this is for trying bindy out and for checking a GitOps folder end to end.
 */
import { createSoaProbe } from '../hooks/ports/soa.js';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import winston from 'winston';
import { parseConfig } from '../bindcar/config.js';
import { startBindcar, type RunningBindcar } from '../bindcar/server.js';
import { memoryEventRecorder, type ZoneEvent } from '../hooks/ports/events.js';
import { createBindcarClient, staticToken, type BindcarClient } from '../hooks/ports/bindcar.js';
import type { PutZoneBody } from '../dns/contract.js';
import type { RecordStatusWriter } from '../hooks/ports/records.js';
import { API_VERSION, KINDS } from '../hooks/schema/generated.js';
import { startHooks, systemClock } from '../hooks/server.js';
import { PACKAGE_ROOT } from '../cli/package-root.js';
import {
  LocalDriver,
  type CompositeController,
  type DecoratorController,
  type ResourceRef,
  type RoundResult,
} from './driver.js';
import { bindcarEnv, startNamed, type NamedInstance } from './named.js';
import { ObjectStore, type StoredObject } from './store.js';
import { isSourceObject } from '../hooks/sources/source.js';
import { startPdns, type PdnsInstance } from './pdns.js';
import { createPowerDnsClient, decodeSecretData, powerDnsBackend, type SecretReader } from '../hooks/ports/powerdns.js';
import type { PdnsChange } from '../dns/powerdns.js';
import type { PowerDnsSpec } from '../hooks/zone/select.js';

/** The exact command that installs what the local stack needs on Debian/Ubuntu. */
export const INSTALL_HINT = 'sudo apt-get install -y bind9 bind9-utils bind9-dnsutils';

const CORE_KINDS: Record<string, string> = {
  'v1/configmaps': 'ConfigMap',
  'v1/secrets': 'Secret',
  'v1/services': 'Service',
  'v1/serviceaccounts': 'ServiceAccount',
  'v1/persistentvolumeclaims': 'PersistentVolumeClaim',
  'apps/v1/deployments': 'Deployment',
  'networking.k8s.io/v1/networkpolicies': 'NetworkPolicy',
  'networking.k8s.io/v1/ingresses': 'Ingress',
  'gateway.networking.k8s.io/v1/gateways': 'Gateway',
  'gateway.networking.k8s.io/v1/httproutes': 'HTTPRoute',
  'gateway.networking.k8s.io/v1/grpcroutes': 'GRPCRoute',
  'gateway.networking.k8s.io/v1/tlsroutes': 'TLSRoute',
  'policy/v1/poddisruptionbudgets': 'PodDisruptionBudget',
};

/** Plural resource → Kind for our CRDs and the core kinds the controllers name. */
export function kindOf(ref: ResourceRef): string {
  if (ref.apiVersion === API_VERSION) {
    const k = KINDS.find((x) => x.plural === ref.resource);
    if (k) return k.kind;
  }
  const core = CORE_KINDS[`${ref.apiVersion}/${ref.resource}`];
  if (!core) throw new Error(`unknown resource ${ref.apiVersion} ${ref.resource}`);
  return core;
}

/** The CompositeControllers of metacontroller/*.yaml, in dependency order (providers → clusters → instances → zones). */
export async function loadControllers(dir: string): Promise<CompositeController[]> {
  const order = [
    'clusterbind9providers',
    'bind9clusters',
    'bind9instances',
    'powerdnsservers',
    'clusterpowerdnsservers',
    'dnszones',
  ];
  const out: CompositeController[] = [];
  for (const f of (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort()) {
    const doc = parse(await readFile(join(dir, f), 'utf8')) as CompositeController | null;
    if (doc?.kind === 'CompositeController') out.push(doc);
  }
  return out.sort(
    (a, b) => order.indexOf(a.spec.parentResource.resource) - order.indexOf(b.spec.parentResource.resource),
  );
}

/** The DecoratorControllers of metacontroller/*.yaml (the index labels), sorted by file name. */
export async function loadDecorators(dir: string): Promise<DecoratorController[]> {
  const out: DecoratorController[] = [];
  for (const f of (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort()) {
    const doc = parse(await readFile(join(dir, f), 'utf8')) as DecoratorController | null;
    if (doc?.kind === 'DecoratorController') out.push(doc);
  }
  return out;
}

/** Verifies named and its tools are installed; the message carries the install command. */
export function checkBindInstalled(): string | undefined {
  for (const bin of ['named', 'rndc', 'named-checkconf']) {
    try {
      execFileSync('which', [bin], { stdio: 'ignore' });
    } catch {
      return `${bin} was not found in PATH. bindy's local mode runs a real BIND 9; install it with:\n  ${INSTALL_HINT}`;
    }
  }
  return undefined;
}

export interface StackOptions {
  dnsPort: number;
  /** Keep state here instead of a temp dir (kept on stop). */
  stateDir?: string;
  /** Repository root (for metacontroller/); default: this package. */
  root?: string;
  /** Quiet loggers for the embedded services (the CLI prints its own summary). */
  logLevel?: string;
  /** Sees every zone body the DNSZone hook pushes, before it is sent (the body is the hook's, not a copy). */
  onPush?: (zone: string, body: PutZoneBody) => void;
  /** Zone-hook timing overrides (tests shorten them). */
  zoneOptions?: { degradedResyncSeconds?: number; deletionGraceSeconds?: number; deletionRetrySeconds?: number };
  /**
   * Serve the zones from a local pdns_server too (local/pdns.ts): the stack adds a ClusterPowerDNSServer
   * {@link LOCAL_POWERDNS} (its API key in a Secret of {@link LOCAL_NAMESPACE}), every DNSZone without a PowerDNS
   * placement names it in spec.powerDnsServerRef, and every PowerDNS server of the folder resolves to that
   * pdns_server, as every Bind9Instance resolves to the local named.
   */
  powerdns?: { dnsPort?: number; apiPort?: number; noCache?: boolean };
  /** Sees every PATCH the PowerDNS port sends (tests count them). */
  onPowerDnsPatch?: (zone: string, changes: readonly PdnsChange[]) => void;
}

/** The ClusterPowerDNSServer `bindy up --powerdns` adds, and where its API key Secret lives. */
export const LOCAL_POWERDNS = 'local-powerdns';
export const LOCAL_NAMESPACE = 'bindy-system';

export interface LocalStack {
  /** Where named keeps its files; removed on stop unless it was given. */
  stateDir: string;
  store: ObjectStore;
  driver: LocalDriver;
  named: NamedInstance;
  /** The running bindcar (undefined while stopped by {@link stopBindcar}). */
  bindcar: RunningBindcar | undefined;
  bindcarUrl: string;
  /** The hooks service (its /metrics among them). */
  hooksUrl: string;
  /** The bearer token bindcar takes (the hooks send it). */
  bindcarToken: string;
  /** The local pdns_server, with the `powerdns` option. */
  pdns?: PdnsInstance;
  events: ZoneEvent[];
  /** Loads a folder's objects (default namespace "default"), deleting those that disappeared, then reconciles. */
  apply(objects: StoredObject[]): Promise<RoundResult>;
  /** Reconciles again (resync). */
  reconcile(): Promise<RoundResult>;
  /** Stops bindcar (named keeps serving what it has): what an unreachable instance looks like to the hooks. */
  stopBindcar(): Promise<void>;
  /** Starts bindcar again on the same address. */
  startBindcar(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts named, bindcar and the hooks on loopback and returns the driver around them. */
export async function startLocalStack(opts: StackOptions): Promise<LocalStack> {
  const root = opts.root ?? PACKAGE_ROOT;
  const ownState = opts.stateDir === undefined;
  const stateDir = opts.stateDir ?? (await mkdtemp(join(tmpdir(), 'bindy-local-')));
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    if (ownState) await rm(stateDir, { recursive: true, force: true });
  };
  try {
    const logger = winston.createLogger({
      level: opts.logLevel ?? 'warn',
      transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn'] })],
      format: winston.format.simple(),
    });
    const namedDir = join(stateDir, 'named');
    await mkdir(namedDir, { recursive: true });
    const named = await startNamed({ dir: namedDir, dnsPort: opts.dnsPort });
    cleanups.push(() => named.stop());

    const token = randomBytes(24).toString('hex');
    const parsed = parseConfig({ ...bindcarEnv(named, token), BIND_ZONE_DIR: namedDir });
    if (!parsed.ok) throw new Error(`bindcar configuration: ${parsed.errors.join('; ')}`);
    let bindcar: RunningBindcar | undefined = await startBindcar(parsed.config, logger);
    // A restart keeps the address the instances were given.
    const bindcarConfig = { ...parsed.config, port: bindcar.port };
    cleanups.push(async () => {
      await bindcar?.shutdown();
      bindcar = undefined;
    });
    const bindcarUrl = `http://127.0.0.1:${bindcar.port}`;

    const pdns = opts.powerdns
      ? await startPdns({
          ...(opts.powerdns.dnsPort ? { dnsPort: opts.powerdns.dnsPort } : {}),
          ...(opts.powerdns.apiPort ? { apiPort: opts.powerdns.apiPort } : {}),
          ...(opts.powerdns.noCache ? { noCache: true } : {}),
          dir: join(stateDir, 'pdns'),
        })
      : undefined;
    if (pdns) cleanups.push(() => pdns.stop());

    const store = new ObjectStore();
    const events = memoryEventRecorder();
    // the hooks read Secrets (a PowerDNS server's API key) from the store, as they read them from the apiserver
    const storeSecrets: SecretReader = async (namespace, name) => {
      const o = store.get('v1', 'Secret', namespace, name);
      if (!o) return undefined;
      const data = decodeSecretData(o['data'] as Record<string, string> | undefined);
      for (const [k, v] of Object.entries((o['stringData'] as Record<string, string> | undefined) ?? {})) data[k] = v;
      return data;
    };
    const powerdnsClient = createPowerDnsClient({
      attempts: 2,
      backoffMs: 100,
      ...(opts.onPowerDnsPatch ? { onPatch: opts.onPowerDnsPatch } : {}),
    });
    /** What the stack adds to every folder it applies with the powerdns option. */
    const injected: StoredObject[] = pdns
      ? [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: `${LOCAL_POWERDNS}-api-key`, namespace: LOCAL_NAMESPACE },
            data: { 'api-key': Buffer.from(pdns.apiKey).toString('base64') },
          } as StoredObject,
          {
            apiVersion: API_VERSION,
            kind: 'ClusterPowerDNSServer',
            metadata: { name: LOCAL_POWERDNS },
            spec: {
              apiUrl: pdns.apiUrl,
              serverId: 'localhost',
              apiKeySecretRef: { name: `${LOCAL_POWERDNS}-api-key`, key: 'api-key', namespace: LOCAL_NAMESPACE },
              zoneKind: 'Native',
              soaEditApi: 'OFF',
              dnsAddress: `127.0.0.1:${pdns.dnsPort}`,
            },
          },
        ]
      : [];
    const recordStatus: RecordStatusWriter = {
      async patchStatus(ref, status) {
        const obj = store.get(API_VERSION, ref.kind, ref.namespace, ref.name);
        if (!obj)
          throw Object.assign(new Error(`${ref.kind} ${ref.namespace}/${ref.name} not found`), { statusCode: 404 });
        // a JSON merge patch (RFC 7386), as the apiserver applies it: objects merge key by key, null removes
        const merge = (base: unknown, patch: unknown): unknown => {
          if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
          const out: Record<string, unknown> =
            typeof base === 'object' && base !== null && !Array.isArray(base) ? { ...(base as object) } : {};
          for (const [k, v] of Object.entries(patch)) {
            if (v === null) delete out[k];
            else out[k] = merge(out[k], v);
          }
          return out;
        };
        store.setStatus(obj, merge(obj.status ?? {}, status) as Record<string, unknown>);
      },
    };
    const hooks = await startHooks({
      port: 0,
      address: '127.0.0.1',
      logger,
      ports: {
        clock: systemClock,
        zone: {
          bindcar: observed(
            createBindcarClient({
              token: staticToken(token),
              connectTimeoutMs: 2000,
              requestTimeoutMs: 30000,
              attempts: 2,
              skipUnchangedForMs: 600000,
            }),
            opts.onPush,
          ),
          recordStatus,
          events,
          // secondaries are answered by the same named: their serials are reported as in a cluster
          soa: createSoaProbe(),
          options: opts.zoneOptions ?? {},
          powerdns: powerDnsBackend({
            client: powerdnsClient,
            secrets: storeSecrets,
            // a server the zone no longer names (to remove the zone there), as the hooks get it from the apiserver
            servers: async (ref) =>
              store.get(API_VERSION, ref.kind, ref.kind === 'PowerDNSServer' ? ref.namespace : undefined, ref.name)
                ?.spec as PowerDnsSpec | undefined,
            secretTtlMs: 0,
          }),
        },
        powerdnsClient,
      },
    });
    cleanups.push(() => hooks.close());
    const hooksUrl = `http://127.0.0.1:${hooks.port}`;

    const driver = new LocalDriver({
      store,
      controllers: await loadControllers(join(root, 'metacontroller')),
      // the Gateway API sources too: locally there is no discovery for a missing CRD to stop them
      decorators: [
        ...(await loadDecorators(join(root, 'metacontroller'))),
        ...(await loadDecorators(join(root, 'metacontroller/gateway-api'))),
      ],
      statusFromManifest: isSourceObject,
      kindOf,
      now: systemClock,
      post: async (path, body) => {
        const res = await fetch(`${hooksUrl}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const text = await res.text();
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${text}`);
        return JSON.parse(text) as unknown;
      },
      // Every Bind9Instance is served by the local named through its external bindcar endpoint; with the powerdns
      // option every PowerDNS server is the local pdns_server, and every zone is placed on it too.
      localize: (o) => {
        if (o.apiVersion !== API_VERSION) return o;
        if (o.kind === 'Bind9Instance')
          return {
            ...o,
            spec: { ...(o.spec as object), external: { bindcarUrl, dnsAddress: `127.0.0.1:${named.dnsPort}` } },
          };
        if (!pdns) return o;
        if ((o.kind === 'PowerDNSServer' || o.kind === 'ClusterPowerDNSServer') && o.metadata.name !== LOCAL_POWERDNS) {
          // the local pdns_server, no TLS, its key (a PowerDNSServer's Secret is in its namespace: apply adds one)
          const { tls: _tls, ...spec } = o.spec as { tls?: unknown };
          return {
            ...o,
            spec: {
              ...spec,
              apiUrl: pdns.apiUrl,
              serverId: 'localhost',
              apiKeySecretRef:
                o.kind === 'PowerDNSServer'
                  ? { name: `${LOCAL_POWERDNS}-api-key`, key: 'api-key' }
                  : { name: `${LOCAL_POWERDNS}-api-key`, key: 'api-key', namespace: LOCAL_NAMESPACE },
              dnsAddress: `127.0.0.1:${pdns.dnsPort}`,
            },
          };
        }
        if (o.kind === 'DNSZone') {
          const spec = o.spec as { powerDnsServerRef?: string; powerDnsServersFrom?: unknown[] };
          if (spec.powerDnsServerRef === undefined && !spec.powerDnsServersFrom?.length)
            return { ...o, spec: { ...spec, powerDnsServerRef: LOCAL_POWERDNS } };
        }
        return o;
      },
    });

    let loaded: StoredObject[] = [];
    return {
      stateDir,
      store,
      driver,
      named,
      get bindcar() {
        return bindcar;
      },
      bindcarUrl,
      bindcarToken: token,
      ...(pdns ? { pdns } : {}),
      hooksUrl,
      events: events.events,
      async apply(objects) {
        const withNs: StoredObject[] = objects.map((o) => ({
          ...o,
          metadata: {
            ...o.metadata,
            namespace: o.metadata.namespace ?? (isClusterScoped(o.kind) ? undefined : 'default'),
          },
        }));
        for (const o of withNs) if (o.metadata.namespace === undefined) delete o.metadata.namespace;
        const added = [...injected];
        // a PowerDNSServer of the folder resolves to the local pdns_server: its key Secret in its namespace
        for (const o of withNs)
          if (pdns && o.kind === 'PowerDNSServer' && o.apiVersion === API_VERSION)
            added.push({ ...injected[0]!, metadata: { ...injected[0]!.metadata, namespace: o.metadata.namespace } });
        for (const i of added)
          if (
            !withNs.some(
              (o) =>
                o.kind === i.kind &&
                o.metadata.name === i.metadata.name &&
                o.metadata.namespace === i.metadata.namespace,
            )
          )
            withNs.push(i);
        driver.applyManifests(withNs, loaded);
        loaded = withNs;
        return driver.reconcileAll();
      },
      reconcile: () => driver.reconcileAll(),
      async stopBindcar() {
        await bindcar?.shutdown();
        bindcar = undefined;
      },
      async startBindcar() {
        bindcar ??= await startBindcar(bindcarConfig, logger);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The bindcar client, telling `onPush` of each PUT body first. */
function observed(client: BindcarClient, onPush: StackOptions['onPush']): BindcarClient {
  if (!onPush) return client;
  return {
    putZone: (endpoint, zone, body) => {
      onPush(zone, body);
      return client.putZone(endpoint, zone, body);
    },
    deleteZone: (endpoint, zone) => client.deleteZone(endpoint, zone),
  };
}

function isClusterScoped(kind: string): boolean {
  return KINDS.some((k) => k.kind === kind && k.scope === 'Cluster');
}
