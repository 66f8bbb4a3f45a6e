/** `bindy up [-f DIR] [--dns-port N] [--once]`: the local stack, reconciling a folder and watching it (npm start). */
import { watch, type FSWatcher } from 'node:fs';
import { API_VERSION, RECORD_KINDS } from '../../hooks/schema/generated.js';
import { portFree } from '../../local/named.js';
import { checkBindInstalled, startLocalStack, type LocalStack } from '../../local/stack.js';
import { checkPdnsInstalled } from '../../local/pdns.js';
import type { StoredObject } from '../../local/store.js';
import { isSourceObject } from '../../hooks/sources/source.js';
import { isBindyObject, readManifests } from '../manifests.js';
import type { CommandResult, Io } from './types.js';
import { validateDocs } from './validate.js';

export const UP_HELP = `Usage: bindy up [-f DIR] [--dns-port PORT] [--state-dir DIR] [--once] [--powerdns]

Runs bindy on this machine: a real BIND 9 named on 127.0.0.1, bindcar and the hooks,
driven like Metacontroller drives them in a cluster. Applies the bindy objects in DIR
(default: examples), serves DNS on 127.0.0.1:PORT (default 5353), then watches DIR and
re-applies on every change. Ctrl-C stops everything and removes the temporary state.
This is a single-machine mode for trying bindy and checking a GitOps folder; production
runs on Kubernetes with Metacontroller.

  -f, --file DIR     folder of manifests (subfolders are not read)
  --dns-port PORT    DNS port on 127.0.0.1 (default 5353)
  --state-dir DIR    keep named's state here instead of a temporary directory
  --once             apply once, print the result and stop (no watching); exits 1 when a file
                     was rejected, a hook failed or a zone or record is not Ready
  --powerdns         serve every zone from a local PowerDNS Authoritative (pdns_server) as well:
                     a ClusterPowerDNSServer "local-powerdns" is added, every DNSZone without a
                     PowerDNS placement names it, and every PowerDNS server of DIR is that one
  --powerdns-dns-port PORT   its DNS port on 127.0.0.1 (default 5354)
  --powerdns-api-port PORT   its HTTP API port on 127.0.0.1 (default 8081)
`;

interface UpArgs {
  dir: string;
  dnsPort: number;
  stateDir?: string;
  once: boolean;
  /** Serve the zones from a local pdns_server too, on these ports. */
  powerdns?: { dnsPort: number; apiPort: number };
}

const condition = (o: StoredObject, type: string) =>
  (
    (o.status?.['conditions'] as { type: string; status: string; reason?: string; message?: string }[] | undefined) ??
    []
  ).find((c) => c.type === type);

/**
 * Loads the folder: valid bindy objects and annotated Ingresses/Services (sources, whose status.loadBalancer as
 * written stands in for a load balancer) to apply, plus the problems found (invalid objects are not applied).
 */
export function loadFolder(dir: string): { objects: StoredObject[]; problems: string[] } {
  const docs = readManifests(dir);
  const report = validateDocs(docs);
  const bad = new Set(report.errors.map((e) => `${e.file}#${e.doc}`));
  const problems = report.errors.map(
    (e) =>
      `${e.file}#${e.doc}${e.object ? ` ${e.object}` : ''}: ${e.field ? `${e.field}: ` : ''}${e.message} (not applied)`,
  );
  const objects = docs
    .filter((d) => !bad.has(`${d.file}#${d.index + 1}`) && (isBindyObject(d.object) || isSourceObject(d.object)))
    .map((d) => d.object as StoredObject);
  return { objects, problems };
}

/** Zones and records whose Ready condition is not True (what `up --once` exits 1 for). */
export function notReadyObjects(stack: LocalStack): string[] {
  const out: string[] = [];
  for (const kind of ['DNSZone', ...RECORD_KINDS.map((k) => k.kind)]) {
    for (const o of stack.store.list(API_VERSION, kind))
      if (condition(o, 'Ready')?.status !== 'True') out.push(`${kind} ${o.metadata.namespace}/${o.metadata.name}`);
  }
  return out;
}

/** A terminal summary of zones and records, with conflicts and other failures spelled out. */
export function summary(stack: LocalStack, dnsPort: number): string[] {
  const lines: string[] = [];
  const zones = stack.store.list(API_VERSION, 'DNSZone');
  let digName: string | undefined;
  for (const z of zones) {
    const spec = z.spec as { zoneName: string };
    const ready = condition(z, 'Ready');
    lines.push(
      `zone ${spec.zoneName} (${z.metadata.namespace}/${z.metadata.name}): serial ${String(z.status?.['serial'] ?? '—')}, ${String(z.status?.['recordCount'] ?? 0)} records, Ready=${ready?.status ?? 'Unknown'}${ready && ready.status !== 'True' ? ` (${ready.reason}: ${ready.message})` : ''}`,
    );
  }
  for (const { kind } of RECORD_KINDS) {
    for (const r of stack.store.list(API_VERSION, kind)) {
      const ready = condition(r, 'Ready');
      const fqdn = (r.status?.['fqdn'] as string | undefined) ?? '';
      if (ready?.status === 'True') {
        if (!digName && kind === 'ARecord' && fqdn) digName = fqdn;
        lines.push(`  ${kind} ${r.metadata.namespace}/${r.metadata.name} ${fqdn} Ready`);
      } else {
        lines.push(
          `  ${kind} ${r.metadata.namespace}/${r.metadata.name} ${fqdn} NOT READY: ${ready ? `${ready.reason}: ${ready.message}` : 'not selected by any zone'}`,
        );
      }
    }
  }
  for (const e of stack.events.splice(0))
    lines.push(`event ${e.type} ${e.reason} ${e.regarding.kind}/${e.regarding.name}: ${e.message}`);
  // named serves the zones placed on a Bind9Instance; with --powerdns, pdns_server those placed on a PowerDNS server
  const placedOn = (bind: boolean) =>
    zones.some((z) =>
      ((z.status?.['instances'] as { kind?: string }[] | undefined) ?? []).some((i) => (i.kind === undefined) === bind),
    );
  const digs = [
    ...(placedOn(true) || !stack.pdns ? [`dig @127.0.0.1 -p ${dnsPort} ${digName} A +short`] : []),
    ...(stack.pdns && placedOn(false)
      ? [`dig @127.0.0.1 -p ${stack.pdns.dnsPort} ${digName} A +short   (PowerDNS)`]
      : []),
  ];
  if (digName) digs.forEach((d, i) => lines.push(`${i === 0 ? 'try: ' : '     '}${d}`));
  return lines;
}

export async function runUp(args: UpArgs, io: Io): Promise<CommandResult> {
  const missing = checkBindInstalled();
  if (missing) {
    io.err(missing);
    return { code: 1 };
  }
  if (!(await portFree(args.dnsPort))) {
    io.err(
      `127.0.0.1:${args.dnsPort} is already in use (another DNS server, or an mDNS responder on 5353?); pick another port with --dns-port PORT`,
    );
    return { code: 1 };
  }
  if (args.powerdns) {
    const missingPdns = checkPdnsInstalled();
    if (missingPdns) {
      io.err(missingPdns);
      return { code: 1 };
    }
    for (const [flag, p] of [
      ['--powerdns-dns-port', args.powerdns.dnsPort],
      ['--powerdns-api-port', args.powerdns.apiPort],
    ] as const)
      if (!(await portFree(p))) {
        io.err(`127.0.0.1:${p} is already in use; pick another port with ${flag} PORT`);
        return { code: 1 };
      }
  }
  io.err(
    `bindy up: starting named on 127.0.0.1:${args.dnsPort}${args.powerdns ? `, pdns_server on 127.0.0.1:${args.powerdns.dnsPort} (API ${args.powerdns.apiPort})` : ''}, bindcar and the hooks…`,
  );
  let stack: LocalStack;
  try {
    stack = await startLocalStack({
      dnsPort: args.dnsPort,
      ...(args.stateDir ? { stateDir: args.stateDir } : {}),
      ...(args.powerdns ? { powerdns: args.powerdns } : {}),
    });
  } catch (err) {
    io.err(`bindy up: could not start the local stack: ${(err as Error).message}`);
    return { code: 1 };
  }
  io.err(`state: ${stack.stateDir}${args.stateDir ? '' : ' (temporary)'}`);
  let resyncTimer: NodeJS.Timeout | undefined;
  /** Something of the last pass failed (unreadable folder, rejected file, hook error): `--once` exits 1. */
  let failed = false;
  let running: Promise<unknown> = Promise.resolve();
  const applyFolder = (why: string) =>
    (running = running.then(async () => {
      const started = Date.now();
      let folder;
      try {
        folder = loadFolder(args.dir);
      } catch (err) {
        io.err(`cannot read ${args.dir}: ${(err as Error).message}`);
        failed = true;
        return;
      }
      for (const p of folder.problems) io.err(`rejected: ${p}`);
      if (folder.problems.length) failed = true;
      const result = await stack.apply(folder.objects);
      if (result.errors) failed = true;
      io.out(
        `applied ${args.dir} (${why}): ${folder.objects.length} objects in ${Date.now() - started} ms${result.errors ? `, ${result.errors} hook errors` : ''}`,
      );
      for (const l of summary(stack, args.dnsPort)) io.out(l);
      scheduleResync(result.resyncAfterSeconds);
    }));
  const scheduleResync = (seconds: number | undefined) => {
    if (resyncTimer) clearTimeout(resyncTimer);
    if (args.once || seconds === undefined) return;
    resyncTimer = setTimeout(() => {
      running = running.then(async () => {
        const r = await stack.reconcile();
        for (const l of summary(stack, args.dnsPort)) io.out(l);
        scheduleResync(r.resyncAfterSeconds);
      });
    }, seconds * 1000);
  };
  const driverErrors: string[] = [];
  (stack.driver as unknown as { deps: { onError?: unknown } }).deps.onError ??= (
    p: StoredObject,
    hook: string,
    err: unknown,
  ) => driverErrors.push(`${hook} ${p.kind}/${p.metadata.name}: ${(err as Error).message}`);
  await applyFolder('initial');
  for (const e of driverErrors.splice(0)) io.err(`hook error: ${e}`);
  if (args.once) {
    const notReady = notReadyObjects(stack);
    if (notReady.length) io.err(`not ready: ${notReady.join(', ')}`);
    await stack.stop();
    return { code: failed || notReady.length ? 1 : 0 };
  }
  let watcher: FSWatcher | undefined;
  let debounce: NodeJS.Timeout | undefined;
  watcher = watch(args.dir, () => {
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => void applyFolder('change'), 150);
  });
  io.err(`watching ${args.dir} for changes; Ctrl-C to stop`);
  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  watcher.close();
  watcher = undefined;
  if (debounce) clearTimeout(debounce);
  if (resyncTimer) clearTimeout(resyncTimer);
  await running.catch(() => undefined);
  await stack.stop();
  io.err(
    `bindy up: stopped; named${args.powerdns ? ', pdns_server' : ''}, bindcar and the hooks are down and the temporary state is removed`,
  );
  return { code: 0 };
}
