/**
 * `bindy render`'s core: the zone files and named.conf files the hooks would produce for a folder, computed by the
 * hooks' own code — instances by driving the infrastructure hooks' routes (in-process, no network) with the local
 * driver exactly as Metacontroller would call them, zones by the DNSZone hook's own plan from the request
 * Metacontroller would send it. So a rendered zone is the body the hook would push (cluster defaults and glue
 * included), and `bindy validate` and `bindy plan`, which use it, say what the stack would do.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import winston from 'winston';
import { renderZoneFile } from '../bindcar/zone-file.js';
import type { PutZoneBody } from '../dns/contract.js';
import { planZoneSync } from '../hooks/zone/plan.js';
import { recordStatus } from '../hooks/zone/status.js';
import { canonicalZoneName } from '../dns/names.js';
import { reverseZoneRange } from '../dns/reverse.js';
import type { KubeObject, SyncRequest } from '../hooks/metacontroller.js';
import { API_VERSION, type DNSZone } from '../hooks/schema/generated.js';

import { hookRoutes } from '../hooks/routes.js';
import type { HookContext } from '../hooks/http.js';
import { LocalDriver, type CompositeController } from '../local/driver.js';
import { kindOf, loadControllers, loadDecorators } from '../local/stack.js';
import { ObjectStore, type StoredObject } from '../local/store.js';
import { PACKAGE_ROOT } from './package-root.js';
import { POD_LAYOUT } from '../hooks/pod-layout.js';

const run = promisify(execFile);

export interface RenderedZone {
  zoneName: string;
  /** namespace/name of the DNSZone. */
  source: string;
  serial: number;
  body: PutZoneBody;
  text: string;
  /** Records left out, with the reason (conflicts, out of zone, invalid data). */
  excluded: string[];
  /** The same by record, plus the served records' warnings (reason `Warning`): what their statuses would say. */
  findings: { kind: string; namespace: string; name: string; reason: string; message: string }[];
}

export interface RenderedInstance {
  /** namespace/name of the Bind9Instance. */
  source: string;
  /** ConfigMap files (named.conf, rndc.conf, …) and the key files of the instance Secret. */
  files: Record<string, string>;
  keys: Record<string, string>;
}

export interface RenderResult {
  zones: RenderedZone[];
  instances: RenderedInstance[];
  problems: string[];
}

const withNamespace = (objects: readonly StoredObject[]) =>
  objects.map((o) =>
    o.metadata.namespace || o.kind === 'ClusterBind9Provider'
      ? o
      : { ...o, metadata: { ...o.metadata, namespace: 'default' } },
  );

/** What a folder alone cannot say: the DNS address the primaries have in the cluster (default glue comes from it). */
export interface OfflineContext {
  /** `--primary-address`: the address (IPv4 or IPv6) a zone's primaries answer DNS on. */
  primaryAddress?: string;
}

/** The hint every offline command gives when a zone needs its primaries' address for glue. */
export const PRIMARY_ADDRESS_HINT =
  "the glue comes from the primaries' DNS address, which exists only in a running cluster or under `bindy up`: " +
  'give it with --primary-address ADDR, or list the name server with an address in spec.nameServers';

/** A folder reconciled the way Metacontroller would: the infrastructure hooks' children and the index labels. */
interface ReconciledFolder {
  store: ObjectStore;
  driver: LocalDriver;
  zoneController: CompositeController | undefined;
  problems: string[];
}

/**
 * Drives the hooks' own route handlers (in-process, no network) over the folder with the local driver: every
 * controller of metacontroller/ but the DNSZone one (its sync pushes; render only plans), and the index-label
 * decorator, so zones find their instances and records exactly as in a cluster.
 */
async function reconcileFolder(objects: readonly StoredObject[], root: string): Promise<ReconciledFolder> {
  const store = new ObjectStore();
  const silent = winston.createLogger({ silent: true });
  const routes = new Map(hookRoutes({ clock: () => '1970-01-01T00:00:00Z' }).map((r) => [r.path, r]));
  const problems: string[] = [];
  const controllers = await loadControllers(join(root, 'metacontroller'));
  const isZone = (c: CompositeController) => c.spec.parentResource.resource === 'dnszones';
  const driver = new LocalDriver({
    store,
    controllers: controllers.filter((c) => !isZone(c)),
    decorators: await loadDecorators(join(root, 'metacontroller')),
    kindOf,
    now: () => '1970-01-01T00:00:00Z',
    post: async (path, body) => {
      const route = routes.get(path);
      if (!route) throw new Error(`no hook route ${path}`);
      route.validateParent?.((body as { parent: StoredObject }).parent);
      return route.handle(body as never, { log: silent } as HookContext);
    },
    onError: (p, hook, err) =>
      problems.push(`${hook} ${p.kind} ${p.metadata.namespace ?? ''}/${p.metadata.name}: ${(err as Error).message}`),
  });
  driver.applyManifests(withNamespace(objects), []);
  await driver.reconcileAll();
  return { store, driver, zoneController: controllers.find(isZone), problems };
}

/**
 * Zones of a reconciled folder: each DNSZone planned by the DNSZone hook's own plan (`planZoneSync`) from the
 * request Metacontroller would send, so the body is the one the hook would push.
 */
async function planZones(folder: ReconciledFolder, offline: OfflineContext): Promise<ZonesResult> {
  const { store, driver, zoneController } = folder;
  const assumed = offline.primaryAddress
    ? {
        primaryDnsEndpoint: offline.primaryAddress.includes(':')
          ? `[${offline.primaryAddress}]:53`
          : `${offline.primaryAddress}:53`,
      }
    : undefined;
  const out: RenderedZone[] = [];
  const problems: string[] = [];
  if (!zoneController) return { zones: out, problems: ['metacontroller/ has no DNSZone CompositeController'] };
  // Reverse zones last: their automatic PTRs come from what the forward zones would write on their A/AAAA records
  // once served (status.ptrRequested, hooks/zone/ptr.ts), which the folder does not hold.
  const zones = store.list(API_VERSION, 'DNSZone') as unknown as DNSZone[];
  const isReverse = (z: DNSZone) => {
    const n = canonicalZoneName(z.spec.zoneName);
    return n.ok && reverseZoneRange(n.name) !== undefined;
  };
  for (const zone of [...zones.filter((z) => !isReverse(z)), ...zones.filter(isReverse)]) {
    const source = `${zone.metadata.namespace}/${zone.metadata.name}`;
    const request = await driver.syncRequest(zoneController, zone as unknown as StoredObject);
    const plan = planZoneSync(request as unknown as SyncRequest<DNSZone & KubeObject>, assumed);
    if (plan.desired) {
      for (const o of plan.outcomes)
        if (o.ptrRequested)
          store.setStatus(o.record as unknown as StoredObject, {
            ...(o.record.status ?? {}),
            ...recordStatus(o, plan.desired.zoneName, '1970-01-01T00:00:00Z'),
          });
    }
    const left = plan.outcomes.filter((o) => !o.included);
    if (!plan.desired) {
      const message = plan.invalidZone ?? plan.block?.message ?? 'no desired zone';
      // default glue (and so --primary-address) applies only to a zone that lists no name servers
      const glue =
        !offline.primaryAddress && !zone.spec.nameServers?.length && /no A\/AAAA \(glue\) record/.test(message);
      problems.push(`DNSZone ${source}: ${message}${glue ? `; ${PRIMARY_ADDRESS_HINT}` : ''}; not rendered`);
      continue;
    }
    const { zoneName, body } = plan.desired;
    const serial = zone.spec.soaRecord?.serial ?? 1;
    out.push({
      zoneName,
      source,
      serial,
      body,
      text: renderZoneFile(zoneName, body, serial),
      excluded: left.map((o) => `${o.record.kind} ${o.record.metadata.name}: ${o.reason}: ${o.message}`),
      findings: [
        ...left.map((o) => ({ record: o.record, reason: o.reason, message: o.message })),
        ...plan.outcomes.flatMap((o) =>
          o.warning ? [{ record: o.record, reason: 'Warning', message: o.warning }] : [],
        ),
      ].map((f) => ({
        kind: f.record.kind,
        namespace: f.record.metadata.namespace ?? '',
        name: f.record.metadata.name,
        reason: f.reason,
        message: f.message,
      })),
    });
  }
  const order = new Map(zones.map((z, i) => [`${z.metadata.namespace}/${z.metadata.name}`, i]));
  out.sort((a, b) => order.get(a.source)! - order.get(b.source)!);
  return { zones: out, problems };
}

interface ZonesResult {
  zones: RenderedZone[];
  problems: string[];
}

/** Zones of a set of objects, planned as the DNSZone hook plans them (see `planZones`). */
export async function renderZones(
  objects: readonly StoredObject[],
  root: string = PACKAGE_ROOT,
  offline: OfflineContext = {},
): Promise<ZonesResult> {
  const folder = await reconcileFolder(objects, root);
  const z = await planZones(folder, offline);
  return { zones: z.zones, problems: [...folder.problems, ...z.problems] };
}

/** named.conf and friends of every Bind9Instance the hooks made or were given (external ones have none). */
function instancesOf(store: ObjectStore): RenderedInstance[] {
  const instances: RenderedInstance[] = [];
  for (const inst of store.list(API_VERSION, 'Bind9Instance')) {
    const owned = store.ownedBy(inst.metadata.uid as string);
    const cm = owned.find((o) => o.kind === 'ConfigMap') as
      (StoredObject & { data?: Record<string, string> }) | undefined;
    if (!cm) continue; // external instances have no workload
    const secret = owned.find((o) => o.kind === 'Secret') as
      (StoredObject & { data?: Record<string, string> }) | undefined;
    const keys = Object.fromEntries(
      Object.entries(secret?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    );
    instances.push({ source: `${inst.metadata.namespace}/${inst.metadata.name}`, files: { ...(cm.data ?? {}) }, keys });
  }
  return instances;
}

/** Everything `bindy render` prints or writes. */
export async function renderFolder(
  objects: readonly StoredObject[],
  root: string,
  offline: OfflineContext = {},
): Promise<RenderResult> {
  const folder = await reconcileFolder(objects, root);
  const instances = instancesOf(folder.store);
  const z = await planZones(folder, offline);
  return { zones: z.zones, instances, problems: [...folder.problems, ...z.problems] };
}

/** What a failed BIND tool said (its stdout carries the findings, stderr the usage errors). */
function toolOutput(err: unknown): string {
  const e = err as { stdout?: string; stderr?: string; message: string };
  return (e.stdout || e.stderr || e.message).trim();
}

/** `named-checkzone -k fail -i full` on a rendered zone (what named enforces at load); undefined when it passes. */
export async function checkZone(zone: RenderedZone): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'bindy-check-'));
  try {
    const file = join(dir, 'zone');
    await writeFile(file, zone.text);
    await run('named-checkzone', ['-q', '-k', 'fail', '-i', 'full', zone.zoneName, file], { timeout: 60000 });
    return undefined;
  } catch (err) {
    return toolOutput(err);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `named-checkconf` on an instance's named.conf exactly as rendered, chrooted (`-t`) into a temp tree that holds the
 * ConfigMap and Secret files at the pod's paths; undefined when it passes.
 */
export async function checkNamedConf(instance: RenderedInstance): Promise<string | undefined> {
  const root = await mkdtemp(join(tmpdir(), 'bindy-check-'));
  const at = (podPath: string) => join(root, podPath);
  try {
    for (const d of [POD_LAYOUT.confDir, POD_LAYOUT.keysDir, POD_LAYOUT.cacheDir, POD_LAYOUT.runDir])
      await mkdir(at(d), { recursive: true });
    for (const [name, text] of Object.entries(instance.files))
      await writeFile(join(at(POD_LAYOUT.confDir), name), text);
    for (const [name, text] of Object.entries(instance.keys)) await writeFile(join(at(POD_LAYOUT.keysDir), name), text);
    await run('named-checkconf', ['-t', root, `${POD_LAYOUT.confDir}/named.conf`], { timeout: 60000 });
    return undefined;
  } catch (err) {
    return toolOutput(err);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
