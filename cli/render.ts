/**
 * `bindy render`'s core: the zone files and named.conf files the hooks would produce for a folder, computed by the
 * hooks' own code — zones through desiredZone + renderZoneFile, instances by driving the infrastructure hooks'
 * routes (in-process, no network) with the local driver, exactly as Metacontroller would call them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import winston from 'winston';
import { renderZoneFile } from '../bindcar/zone-file.js';
import type { PutZoneBody } from '../dns/contract.js';
import { API_VERSION, RECORD_KINDS, type DNSRecord, type DNSZone } from '../hooks/schema/generated.js';
import { POD_LAYOUT } from '../hooks/render/named-conf.js';
import { hookRoutes } from '../hooks/routes.js';
import type { HookContext } from '../hooks/http.js';
import { desiredZone } from '../hooks/zone/desired.js';
import { selectRecords, zoneNameOwner } from '../hooks/zone/select.js';
import { LocalDriver } from '../local/driver.js';
import { kindOf, loadControllers, loadDecorators } from '../local/stack.js';
import { ObjectStore, type StoredObject } from '../local/store.js';

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

/** Zones of a set of objects, rendered like the DNSZone hook renders them. */
export function renderZones(
  objects: readonly StoredObject[],
  offline: OfflineContext = {},
): { zones: RenderedZone[]; problems: string[] } {
  const store = new ObjectStore();
  for (const o of withNamespace(objects)) store.put(o);
  const zones = store.list(API_VERSION, 'DNSZone') as unknown as DNSZone[];
  const out: RenderedZone[] = [];
  const problems: string[] = [];
  for (const zone of zones) {
    const source = `${zone.metadata.namespace}/${zone.metadata.name}`;
    const owner = zoneNameOwner(zone, zones);
    if (owner !== zone) {
      problems.push(
        `DNSZone ${source}: zone ${zone.spec.zoneName} is already claimed by ${owner.metadata.namespace}/${owner.metadata.name} (DuplicateZone); not rendered`,
      );
      continue;
    }
    const candidates = RECORD_KINDS.flatMap((k) =>
      store.list(API_VERSION, k.kind, zone.metadata.namespace),
    ) as unknown as DNSRecord[];
    const primaries = offline.primaryAddress
      ? [
          {
            name: 'offline-primary',
            namespace: zone.metadata.namespace ?? '',
            role: 'primary' as const,
            endpoint: undefined,
            dnsEndpoint: offline.primaryAddress.includes(':')
              ? `[${offline.primaryAddress}]:53`
              : `${offline.primaryAddress}:53`,
          },
        ]
      : [];
    const result = desiredZone(zone, selectRecords(zone, candidates), primaries);
    if ('invalid' in result) {
      const glue = !offline.primaryAddress && /no A\/AAAA \(glue\) record/.test(result.message);
      problems.push(`DNSZone ${source}: ${result.message}${glue ? `; ${PRIMARY_ADDRESS_HINT}` : ''}`);
      continue;
    }
    const serial = zone.spec.soaRecord?.serial ?? 1;
    out.push({
      zoneName: result.zoneName,
      source,
      serial,
      body: result.body,
      text: renderZoneFile(result.zoneName, result.body, serial),
      excluded: result.outcomes
        .filter((o) => !o.included)
        .map((o) => `${o.record.kind} ${o.record.metadata.name}: ${o.reason}: ${o.message}`),
    });
  }
  return { zones: out, problems };
}

/** named.conf and friends for every Bind9Instance, from the infrastructure hooks' own route handlers. */
export async function renderInstances(
  objects: readonly StoredObject[],
  root: string,
): Promise<{ instances: RenderedInstance[]; problems: string[] }> {
  const store = new ObjectStore();
  const silent = winston.createLogger({ silent: true });
  const routes = new Map(hookRoutes({ clock: () => '1970-01-01T00:00:00Z' }).map((r) => [r.path, r]));
  const problems: string[] = [];
  const driver = new LocalDriver({
    store,
    controllers: (await loadControllers(join(root, 'metacontroller'))).filter(
      (c) => c.spec.parentResource.resource !== 'dnszones',
    ),
    // the index labels: a secondary finds its cluster's primaries by them, hand-written instances included
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
  return { instances, problems };
}

/** Everything `bindy render` prints or writes. */
export async function renderFolder(
  objects: readonly StoredObject[],
  root: string,
  offline: OfflineContext = {},
): Promise<RenderResult> {
  const z = renderZones(objects, offline);
  const i = await renderInstances(objects, root);
  return { zones: z.zones, instances: i.instances, problems: [...z.problems, ...i.problems] };
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
