/**
 * The scale scenario of the production loop: `zones` DNSZones × `perZone` ARecords applied at once to one namespace
 * (one external instance), measured from Metacontroller's side (the counting proxy in front of the hooks) and from
 * the apiserver's (a watch on the namespace's zones, records and instances):
 *  - time to every zone answering (dig) and to every record Ready for its generation;
 *  - DNSZone syncs per zone while settling, each attributed to the object events that preceded it (what re-enqueued
 *    the zone: its creation, its labels, a record's labels or status, the instance, or nothing — a resync or a
 *    requeue), so a change to the relations can be judged by the syncs it removes;
 *  - hook request bytes (sync + customize of the DNSZone controller, and the index-label decorator's) against the
 *    bytes of the namespace's zones and records themselves (as `kubectl get -o json` shows them);
 *  - hooks CPU; one record change (answer latency, zones re-synced and how often); a DNSZone created and one
 *    changed (syncs of other zones); an idle window (syncs per minute).
 * The production-loop suite runs it at a small size (BINDY_SCALE_ZONES, default 50); scripts/scale-loop.ts runs it
 * at any size, once per Metacontroller flag set.
 */
import { writeFileSync } from 'node:fs';
import { LABELS, ZONE_KEY_PREFIX, zoneKey, zoneNameIndexValue } from '../../../hooks/labels.js';
import { PTR_LABELS } from '../../../hooks/zone/ptr.js';
import { query } from '../../../bench/dns.js';
import type { LoopObject } from '../../scenarios/loop-driver.js';
import { pollUntil } from '../../support/poll.js';
import type { ProductionLoop } from './harness.js';
import { kubeDriver, resourceOf } from './kube-driver.js';

const V = 'bindy.firestoned.io/v1beta1';
const ZONE_SYNC = '/sync/dnszone';
const ZONE_HOOKS = [ZONE_SYNC, '/customize/dnszone'];
const DECORATOR_HOOK = '/sync/index-labels';

export interface ScaleOptions {
  zones: number;
  perZone: number;
  /** Idle window after the changes, in ms (0: none). */
  idleMs?: number;
  /** Prints progress lines (the standalone script). */
  log?: (line: string) => void;
  /** What instanceSyncedMs counts from (ms epoch; default: Metacontroller ready). */
  since?: number;
  /** kubectl processes applying the objects in parallel (default 4). */
  applyStreams?: number;
  /** Writes every hook call and object event of the run (ms from the apply) to this JSON file, for analysis. */
  dump?: string;
}

/** What one scale run measured. */
export interface ScaleFigures {
  zones: number;
  perZone: number;
  /** The instance applied first: ms from Metacontroller ready (or from `since`) until it was synced and labelled. */
  instanceSyncedMs: number;
  /** kubectl apply of every object, ms from the start. */
  applied: number;
  /** Every zone answering its first record, ms from the start. */
  answered: number;
  /** Median zone's first answer, ms. */
  answeredMedian: number;
  /** Every record Ready=True for its generation, ms from the start. */
  ready: number;
  syncsTotal: number;
  syncsMax: number;
  /** DNSZone syncs while settling that resent the zone's previous request byte for byte. */
  syncsRepeated: number;
  /** How many zones were synced n times, by n. */
  syncHistogram: Record<number, number>;
  /** DNSZone sync + customize request bytes while settling. */
  zoneHookBytes: number;
  /** Index-label decorator request bytes while settling. */
  decoratorBytes: number;
  decoratorCalls: number;
  /** Bytes of the namespace's zones and records as the apiserver serves them (JSON, managedFields included). */
  objectBytes: number;
  /** The same without managedFields (what `kubectl get -o json` shows). */
  objectBytesShown: number;
  hooksCpuSeconds: number;
  /** CPU seconds each process used while settling (ProductionLoop.cpuSeconds). */
  cpu: Record<'hooks' | 'metacontroller' | 'apiserver' | 'etcd' | 'named' | 'test', number>;
  /**
   * Label writes while settling, by kind: objects whose labels changed after they were created (the index-label
   * decorator's writes; none for records when the admission webhook labels them as they are created).
   */
  labelWrites: Record<'record' | 'zone', number>;
  /** Syncs by the event classes that preceded them (a sync counts under each class of its window). */
  causes: Record<string, number>;
  /** Syncs by the exact set of event classes that preceded them. */
  causeSets: Record<string, number>;
  /** One record's address changed: ms until named answers it, and the zone syncs after it (zone → count). */
  change: { ms: number; syncs: Record<string, number>; timeline: string[] };
  /** A new DNSZone (with one record) created: syncs of the other zones. */
  created: { ms: number; otherSyncs: Record<string, number>; ownSyncs: number };
  /** One DNSZone's spec changed (its TTL): syncs of the other zones. */
  zoneChanged: { otherSyncs: Record<string, number>; ownSyncs: number };
  /** Idle window: its length and the DNSZone syncs in it. */
  /** An idle window: DNSZone syncs in it, and how many resent that zone's last request byte for byte. */
  idle?: { ms: number; syncs: number; repeated: number };
}

interface Seen {
  labels: string;
  status: string;
  generation: number | undefined;
  finalizers: string;
  annotations: string;
  spec: string;
  obj: LoopObject;
}

interface ObjEvent {
  t: number;
  kind: string;
  name: string;
  classes: string[];
  /** Labels before and after (a rule matches either). */
  before?: Record<string, string>;
  after: Record<string, string>;
}

const short = (kind: string) => (kind === 'DNSZone' ? 'zone' : kind === 'Bind9Instance' ? 'instance' : 'record');

function seenOf(o: LoopObject): Seen {
  const md = o.metadata as LoopObject['metadata'] & {
    finalizers?: string[];
    annotations?: Record<string, string>;
  };
  return {
    labels: JSON.stringify(md.labels ?? {}),
    status: JSON.stringify(o.status ?? {}),
    generation: md.generation,
    finalizers: JSON.stringify(md.finalizers ?? []),
    annotations: JSON.stringify(md.annotations ?? {}),
    spec: JSON.stringify(o.spec ?? {}),
    obj: o,
  };
}

/** What changed between two versions of an object, as event classes (`record:labels`, `zone:status`, …). */
function classesOf(kind: string, before: Seen | undefined, after: Seen, type: string): string[] {
  const k = short(kind);
  if (type === 'ADDED') return [`${k}:created`];
  if (type === 'DELETED') return [`${k}:deleted`];
  if (!before) return [`${k}:modified`];
  const out: string[] = [];
  if (before.spec !== after.spec || before.generation !== after.generation) out.push(`${k}:spec`);
  if (before.labels !== after.labels) {
    // which label keys changed: zone keys as zone=<value>, automatic PTR's per-address and per-zone keys as their
    // prefix (ptr, ptr-zone: one class, not one per address), others by their last segment (status-zone, …)
    const b = JSON.parse(before.labels) as Record<string, string>;
    const a = JSON.parse(after.labels) as Record<string, string>;
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((x) => a[x] !== b[x]);
    const shown = keys.map((x) =>
      x.startsWith(ZONE_KEY_PREFIX)
        ? `zone=${a[x] ?? 'removed'}`
        : x.startsWith(PTR_LABELS.addressPrefix)
          ? 'ptr'
          : x.startsWith(PTR_LABELS.statusZonePrefix)
            ? 'ptr-zone'
            : x.slice(x.lastIndexOf('/') + 1),
    );
    out.push(`${k}:labels(${[...new Set(shown)].sort().join(',')})`);
  }
  if (before.status !== after.status) out.push(`${k}:status`);
  if (before.finalizers !== after.finalizers) out.push(`${k}:finalizers`);
  if (before.annotations !== after.annotations) out.push(`${k}:annotations`);
  return out.length ? out : [`${k}:metadata`];
}

/** Watches the namespace's zones, records and instances; keeps every event with what changed. */
async function watchNamespace(loop: ProductionLoop, ns: string) {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(loop.env.kubeconfigPath);
  const watch = new k8s.Watch(kc);
  const events: ObjEvent[] = [];
  const state = new Map<string, Seen>();
  const aborts: AbortController[] = [];
  const kinds = ['DNSZone', 'Bind9Instance', 'ARecord'];
  for (const kind of kinds) {
    const plural = resourceOf(kind).split('.')[0]!;
    aborts.push(
      await watch.watch(
        `/apis/bindy.firestoned.io/v1beta1/namespaces/${ns}/${plural}`,
        {},
        (type: string, o: LoopObject) => {
          const key = `${kind}/${o.metadata.name}`;
          const before = state.get(key);
          const after = seenOf(o);
          if (type === 'DELETED') state.delete(key);
          else state.set(key, after);
          events.push({
            t: Date.now(),
            kind,
            name: o.metadata.name,
            classes: classesOf(kind, before, after, type),
            ...(before ? { before: before.obj.metadata.labels ?? {} } : {}),
            after: o.metadata.labels ?? {},
          });
        },
        () => undefined,
      ),
    );
  }
  const api = kc.makeApiClient(k8s.CustomObjectsApi);
  return {
    events,
    state,
    /** Merge-patches one object of the namespace. */
    patch: (plural: string, name: string, body: unknown) =>
      api.patchNamespacedCustomObject(
        { group: 'bindy.firestoned.io', version: 'v1beta1', namespace: ns, plural, name, body },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      ),
    /** Current objects of a kind. */
    objects: (kind: string) => [...state.entries()].filter(([k]) => k.startsWith(`${kind}/`)).map(([, s]) => s.obj),
    stop: () => aborts.forEach((a) => a.abort()),
  };
}

/** The classes of events that can enqueue zone `zone` (name) with zone name `zoneName`: its own, its records', the instance's. */
function relevantTo(e: ObjEvent, zone: string, zoneName: string): boolean {
  if (e.kind === 'Bind9Instance') return true;
  if (e.kind === 'DNSZone') return e.name === zone;
  const key = zoneKey(zone);
  const zn = zoneNameIndexValue(zoneName);
  const hit = (l: Record<string, string> | undefined) =>
    !!l && (l[key] !== undefined || (zn !== undefined && l[LABELS.statusZone] === zn));
  return hit(e.before) || hit(e.after);
}

/** Which event classes preceded each sync of each zone (since that zone's previous sync). */
function attribute(
  syncs: readonly { t: number; parent: string }[],
  events: readonly ObjEvent[],
  zoneNames: ReadonlyMap<string, string>,
): { causes: Record<string, number>; causeSets: Record<string, number> } {
  const causes: Record<string, number> = {};
  const causeSets: Record<string, number> = {};
  const byZone = new Map<string, number[]>();
  for (const s of syncs) byZone.set(s.parent, [...(byZone.get(s.parent) ?? []), s.t]);
  for (const [parent, times] of byZone) {
    const zn = zoneNames.get(parent) ?? '';
    const name = parent.slice(parent.indexOf('/') + 1);
    // from the zone's creation on (what happened before cannot have enqueued it)
    const born = events.find((e) => e.kind === 'DNSZone' && e.name === name && e.classes.includes('zone:created'));
    const mine = events.filter((e) => relevantTo(e, name, zn) && (!born || e.t >= born.t));
    let prev = -Infinity;
    for (const t of times) {
      const set = new Set<string>();
      for (const e of mine) if (e.t > prev && e.t <= t) e.classes.forEach((c) => set.add(c));
      const sorted = [...set].sort();
      const key = sorted.length ? sorted.join('+') : '(none: resync or requeue)';
      causeSets[key] = (causeSets[key] ?? 0) + 1;
      for (const c of sorted.length ? sorted : ['(none: resync or requeue)']) causes[c] = (causes[c] ?? 0) + 1;
      prev = t;
    }
  }
  return { causes, causeSets };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the scale scenario in namespace `ns` (which must exist). */
export async function runScale(loop: ProductionLoop, ns: string, opts: ScaleOptions): Promise<ScaleFigures> {
  const { zones, perZone } = opts;
  const log = opts.log ?? (() => undefined);
  const d = kubeDriver(loop, ns);
  const docs: LoopObject[] = [
    {
      apiVersion: V,
      kind: 'Bind9Instance',
      metadata: { name: 'ext', namespace: ns, labels: { 'loop.bindy.test/placement': 'scale' } },
      spec: { clusterRef: 'loop', role: 'primary', external: { ...loop.external } },
    },
  ];
  const zone = (z: number | string, ttl?: number): LoopObject => ({
    apiVersion: V,
    kind: 'DNSZone',
    metadata: { name: `z${z}`, namespace: ns },
    spec: {
      zoneName: `z${z}.scale.test`,
      ...(ttl ? { ttl } : {}),
      bind9InstancesFrom: [{ selector: { matchLabels: { 'loop.bindy.test/placement': 'scale' } } }],
    },
  });
  const record = (z: number | string, r: number, address: string): LoopObject => ({
    apiVersion: V,
    kind: 'ARecord',
    metadata: { name: `z${z}-r${r}`, namespace: ns },
    spec: { zoneRef: `z${z}`, name: `r${r}`, ipv4Address: address },
  });
  const zoneNames = new Map<string, string>();
  for (let z = 0; z < zones; z++) {
    docs.push(zone(z));
    zoneNames.set(`${ns}/z${z}`, `z${z}.scale.test`);
    for (let r = 0; r < perZone; r++) docs.push(record(z, r, `10.${(z >> 8) & 255}.${z & 255}.${r + 1}`));
  }
  // in-process DNS queries: a dig process per poll and zone would load the machine being measured
  const answer = (name: string) => query(loop.named.dnsPort, name, 'A', 500).catch(() => [] as string[]);
  const w = await watchNamespace(loop, ns);
  try {
    let mark = loop.traffic.log.length;
    const zoneSyncs = (from: number, to = loop.traffic.log.length) =>
      loop.traffic.log
        .slice(from, to)
        .filter((c) => c.path === ZONE_SYNC && c.parent.startsWith(`${ns}/`))
        .map((c) => ({ t: c.t, parent: c.parent, repeated: c.repeated }));
    const perZoneCounts = (from: number, to?: number) => {
      const m: Record<string, number> = {};
      for (const s of zoneSyncs(from, to)) m[s.parent] = (m[s.parent] ?? 0) + 1;
      return m;
    };
    // The instance first, as in a running cluster: zones are added to instances that already serve.
    await loop.env.kubectl(['apply', '--server-side', '--field-manager=scale-test', '-f', '-'], {
      stdin: JSON.stringify(docs[0]),
    });
    await pollUntil(
      async () => {
        const i = w.objects('Bind9Instance')[0];
        if (!i?.status || !i.metadata.labels?.[LABELS.cluster]) throw new Error('instance ext not synced yet');
      },
      { timeoutMs: 120_000, intervalMs: 100 },
    ).catch(async (err: Error) => {
      // Tell a watch that stopped delivering from an instance that was never synced (seen once per full run).
      const r = await loop.env.kubectl(['get', resourceOf('Bind9Instance'), 'ext', '-n', ns, '-o', 'json'], {
        check: false,
      });
      const o = r.code === 0 ? (JSON.parse(r.stdout) as LoopObject) : undefined;
      err.message += `; watch saw ${w.events.length} events; the apiserver has ${
        o
          ? `status ${o.status ? 'set' : 'unset'}, cluster label ${o.metadata.labels?.[LABELS.cluster] ?? 'unset'}`
          : `no instance (${r.stderr.trim()})`
      }`;
      throw err;
    });
    const instanceSyncedMs = Date.now() - (opts.since ?? loop.metacontrollerReadyAt);
    log(
      `instance ext synced ${instanceSyncedMs} ms after ${opts.since ? 'the CRDs were applied' : 'Metacontroller started'}`,
    );
    await sleep(1000);
    mark = loop.traffic.log.length;
    const cpu0 = await loop.cpuSeconds();
    const t0 = Date.now();
    // "Applied at once": in parallel streams (one kubectl sends one object at a time; a GitOps tool applies in
    // parallel too), each zone with its records in its stream, zone first as a user writes them.
    const streams = Math.max(1, Math.min(opts.applyStreams ?? 4, zones));
    const chunks: LoopObject[][] = Array.from({ length: streams }, () => []);
    for (let i = 1; i < docs.length; i++) chunks[Math.floor((i - 1) / (perZone + 1)) % streams]!.push(docs[i]!);
    await Promise.all(
      chunks.map((chunk) =>
        loop.env.kubectl(['apply', '--server-side', '--field-manager=scale-test', '-f', '-'], {
          stdin: chunk.map((o) => JSON.stringify(o)).join('\n'),
        }),
      ),
    );
    const applied = Date.now() - t0;
    log(`applied ${docs.length} objects in ${applied} ms`);
    const firstAnswer = new Map<number, number>();
    await pollUntil(
      async () => {
        for (let z = 0; z < zones; z++) {
          if (firstAnswer.has(z)) continue;
          const a = await answer(`r0.z${z}.scale.test`);
          if (a.length) firstAnswer.set(z, Date.now() - t0);
        }
        if (firstAnswer.size < zones) throw new Error(`${zones - firstAnswer.size}/${zones} zones not answering`);
      },
      { timeoutMs: 15 * 60_000, intervalMs: 250 },
    );
    const answered = Math.max(...firstAnswer.values());
    const answeredMedian = [...firstAnswer.values()].sort((a, b) => a - b)[Math.floor(zones / 2)]!;
    log(`all ${zones} zones answer at ${answered} ms`);
    const notReady = () =>
      w.objects('ARecord').filter((o) => {
        const c = o.status?.conditions?.find((x) => x.type === 'Ready');
        return !(c?.status === 'True' && c.observedGeneration === o.metadata.generation);
      }).length;
    await pollUntil(
      async () => {
        const n = notReady();
        if (w.objects('ARecord').length < zones * perZone || n)
          throw new Error(`${n}/${w.objects('ARecord').length} records not Ready`);
      },
      { timeoutMs: 15 * 60_000, intervalMs: 100 },
    );
    const ready = Date.now() - t0;
    log(`all ${zones * perZone} records Ready at ${ready} ms`);
    // Settled: no DNSZone sync of this namespace for 5 s (the status writes' echoes and label updates done).
    for (let last = -1, quietSince = Date.now(), end = Date.now() + 5 * 60_000; Date.now() < end;) {
      const now = zoneSyncs(mark).length;
      if (now !== last) [last, quietSince] = [now, Date.now()];
      else if (Date.now() - quietSince >= 5000) break;
      await sleep(250);
    }
    const settled = loop.traffic.log.length;
    const settleCalls = loop.traffic.log.slice(mark, settled);
    const bytesOf = (paths: readonly string[]) =>
      settleCalls.filter((c) => paths.includes(c.path)).reduce((a, c) => a + c.bytes, 0);
    const counts = Object.values(perZoneCounts(mark, settled));
    const syncHistogram: Record<number, number> = {};
    for (const n of counts) syncHistogram[n] = (syncHistogram[n] ?? 0) + 1;
    const settledObjects = [...w.objects('DNSZone'), ...w.objects('ARecord')];
    const objectBytes = settledObjects.reduce((a, o) => a + JSON.stringify(o).length, 0);
    const objectBytesShown = settledObjects.reduce(
      (a, o) => a + JSON.stringify({ ...o, metadata: { ...o.metadata, managedFields: undefined } }).length,
      0,
    );
    const cpu1 = await loop.cpuSeconds();
    const cpu = Object.fromEntries(
      Object.entries(cpu1).map(([k, v]) => [k, Math.round((v - cpu0[k as keyof typeof cpu0]) * 10) / 10]),
    ) as ScaleFigures['cpu'];
    const hooksCpuSeconds = cpu.hooks;
    const { causes, causeSets } = attribute(zoneSyncs(mark, settled), w.events, zoneNames);
    const settledAt = Date.now();
    const labelWrites = { record: 0, zone: 0 };
    for (const e of w.events) {
      if (e.t < t0 || e.t > settledAt) continue;
      for (const k of ['record', 'zone'] as const)
        if (e.classes.some((c) => c.startsWith(`${k}:labels`))) labelWrites[k]++;
    }

    // One record change (a merge patch straight to the apiserver, so kubectl's own start-up is not counted): its
    // zone re-syncs, no other zone does.
    const c0 = loop.traffic.log.length;
    const t1 = Date.now();
    await w.patch('arecords', 'z0-r0', { spec: { ipv4Address: '10.255.255.254' } });
    await pollUntil(
      async () => {
        const a = await answer('r0.z0.scale.test');
        if (a[0] !== '10.255.255.254') throw new Error(`r0.z0 answers ${JSON.stringify(a)}`);
      },
      { timeoutMs: 60_000, intervalMs: 20 },
    );
    const changeMs = Date.now() - t1;
    await sleep(3000);
    const change = {
      ms: changeMs,
      syncs: perZoneCounts(c0),
      // when each sync after the change arrived and how long it took (ms after the apply started)
      timeline: loop.traffic.log
        .slice(c0)
        .filter((c) => c.parent.startsWith(`${ns}/`))
        .map((c) => `${c.path} ${c.parent} +${c.t - t1} (${c.ms ?? '?'} ms)`),
    };
    log(`one record change: answer ${changeMs} ms, hook calls ${JSON.stringify(change.timeline)}`);

    // A new DNSZone with one record: no other zone re-syncs.
    const c1 = loop.traffic.log.length;
    const t2 = Date.now();
    await d.apply(zone('new'), record('new', 0, '10.254.0.1'));
    await pollUntil(
      async () => {
        if (!(await answer('r0.znew.scale.test')).length) throw new Error('znew not answering');
      },
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    const createdMs = Date.now() - t2;
    await sleep(3000);
    const afterCreate = perZoneCounts(c1);
    const created = {
      ms: createdMs,
      ownSyncs: afterCreate[`${ns}/znew`] ?? 0,
      otherSyncs: Object.fromEntries(Object.entries(afterCreate).filter(([k]) => k !== `${ns}/znew`)),
    };
    log(`a zone created: answers after ${createdMs} ms, syncs ${JSON.stringify(afterCreate)}`);

    // One DNSZone's spec changed: no other zone re-syncs.
    const c2 = loop.traffic.log.length;
    await d.apply(zone(1, 7200));
    await pollUntil(
      async () => {
        const z = await d.get('DNSZone', 'z1');
        if (z?.status?.['observedGeneration'] !== z?.metadata.generation) throw new Error('z1 not synced');
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    await sleep(3000);
    const afterChange = perZoneCounts(c2);
    const zoneChanged = {
      ownSyncs: afterChange[`${ns}/z1`] ?? 0,
      otherSyncs: Object.fromEntries(Object.entries(afterChange).filter(([k]) => k !== `${ns}/z1`)),
    };
    log(`a zone changed: syncs ${JSON.stringify(afterChange)}`);

    if (opts.dump)
      writeFileSync(
        opts.dump,
        JSON.stringify({
          calls: loop.traffic.log.slice(mark).map((c) => ({ ...c, t: c.t - t0 })),
          events: w.events.map((e) => ({ t: e.t - t0, kind: e.kind, name: e.name, classes: e.classes })),
        }),
      );
    let idle: ScaleFigures['idle'];
    if (opts.idleMs) {
      const c3 = loop.traffic.log.length;
      await sleep(opts.idleMs);
      const quiet = zoneSyncs(c3);
      idle = { ms: opts.idleMs, syncs: quiet.length, repeated: quiet.filter((c) => c.repeated).length };
      log(`idle ${opts.idleMs} ms: ${idle.syncs} DNSZone syncs`);
    }
    return {
      zones,
      perZone,
      instanceSyncedMs,
      applied,
      answered,
      answeredMedian,
      ready,
      syncsTotal: counts.reduce((a, b) => a + b, 0),
      syncsMax: Math.max(...counts),
      syncsRepeated: settleCalls.filter((c) => c.path === ZONE_SYNC && c.repeated).length,
      syncHistogram,
      zoneHookBytes: bytesOf(ZONE_HOOKS),
      decoratorBytes: bytesOf([DECORATOR_HOOK]),
      decoratorCalls: settleCalls.filter((c) => c.path === DECORATOR_HOOK).length,
      objectBytes,
      objectBytesShown,
      hooksCpuSeconds,
      cpu,
      labelWrites,
      causes,
      causeSets,
      change,
      created,
      zoneChanged,
      ...(idle ? { idle } : {}),
    };
  } finally {
    w.stop();
  }
}

/** One line of figures (the suite prints it; the script prints it per flag set). */
export function describeScale(f: ScaleFigures): string {
  const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;
  return (
    `${f.zones} zones × ${f.perZone} records (instance synced ${f.instanceSyncedMs} ms after start): kubectl apply ${f.applied} ms, all answer ${f.answered} ms ` +
    `(median ${f.answeredMedian} ms), all Ready ${f.ready} ms; DNSZone syncs ${f.syncsTotal} (max ${f.syncsMax}/zone, ` +
    `${f.syncsRepeated} resending the zone's last request byte for byte, ` +
    `zones by syncs ${JSON.stringify(f.syncHistogram)}); DNSZone hook request bytes ${mb(f.zoneHookBytes)} ` +
    `(objects ${mb(f.objectBytes)}: ${(f.zoneHookBytes / f.objectBytes).toFixed(2)}×; without managedFields ` +
    `${mb(f.objectBytesShown)}: ${(f.zoneHookBytes / f.objectBytesShown).toFixed(2)}×), decorator ${f.decoratorCalls} calls ` +
    `${mb(f.decoratorBytes)}, label writes ${JSON.stringify(f.labelWrites)}; CPU s ${JSON.stringify(f.cpu)}; syncs by preceding events ` +
    `${JSON.stringify(f.causeSets)}; one record change → answer ${f.change.ms} ms, syncs ${JSON.stringify(f.change.syncs)}; ` +
    `a new zone → answer ${f.created.ms} ms, its syncs ${f.created.ownSyncs}, other zones' ${JSON.stringify(f.created.otherSyncs)}; ` +
    `a zone changed → its syncs ${f.zoneChanged.ownSyncs}, other zones' ${JSON.stringify(f.zoneChanged.otherSyncs)}` +
    (f.idle
      ? `; idle ${f.idle.ms / 1000} s → ${f.idle.syncs} DNSZone syncs (${f.idle.repeated} byte for byte as before)`
      : '')
  );
}
