/**
 * DNSZone hooks (CompositeController, hook v2, no children).
 *
 *   customize → related, by name or index label only: the Bind9Cluster / ClusterBind9Provider named by clusterRef,
 *               Bind9Instances (cluster label, bind9InstancesFrom), the records that name, select or were served by
 *               the zone, and the other DNSZones claiming its zone name. Rules depend only on the parent spec.
 *   sync      → pure plan (hooks/zone/plan.ts: selection, desired zone, conflicts) → PUT to every primary in parallel → DELETE from
 *               remembered instances no longer placed (hooks/zone/served.ts) → status, record statuses (only those
 *               that changed), events (only on changes).
 *   finalize  → DELETE from every current primary and every instance status.pushedTo remembers; only an answered
 *               DELETE or bindcar's 404 means gone; unreachable ones block deletion (DeletionBlocked, short resync)
 *               until the grace period since deletionTimestamp has passed.
 *
 * The pure decisions live in hooks/zone/; this module runs the effects after them, through the ports.
 */
import {
  API_VERSION,
  RECORD_KINDS,
  type Bind9Instance,
  type ClusterPowerDNSServer,
  type DNSRecord,
  type DNSZone,
  type PowerDNSServer,
} from '../schema/generated.js';
import type { PowerDnsTarget } from '../ports/powerdns.js';
import type { BindcarFailure } from '../ports/bindcar.js';
import { validateObject } from '../schema/cel.js';
import { conditions, type ConditionInput } from '../conditions.js';
import { invalidSpec } from '../errors.js';
import type { HookContext, HookRoute } from '../http.js';
import { LABELS, indexLabelValue, zoneKey, zoneNameIndexValue, zoneObjectValue } from '../labels.js';
import type {
  CustomizeRequest,
  CustomizeResponse,
  KubeObject,
  RelatedResourceRule,
  SyncRequest,
  SyncResponse,
} from '../metacontroller.js';
import type { Clock } from '../ports/clock.js';
import type { HookPorts } from '../ports/hook-ports.js';
import { DEFAULT_ZONE_HOOK_OPTIONS, type ZoneHookOptions, type ZonePorts } from '../ports/zone.js';
import { recordPlural, type RecordStatusPatch } from '../ports/records.js';
import type { DesiredZoneResult, RecordOutcome } from '../zone/desired.js';
import { planZoneSync, type ZonePlan } from '../zone/plan.js';
import { canonicalZoneName } from '../../dns/names.js';
import {
  endpointOf,
  placement,
  powerDnsPlacementOf,
  refOf,
  relatedOf,
  relatedRecords,
  relatedZones,
  selectRecords,
  statusOwner,
  type Placement,
  type PowerDnsKind,
} from '../zone/select.js';
import {
  byEndpoint,
  deletionTargets,
  instanceRef,
  nextPushedTo,
  rememberedInstances,
  removalPlan,
  type ServedInstance,
} from '../zone/served.js';
import {
  clip,
  heldPush,
  passMetrics,
  passOutcome,
  recordStatusUpdate,
  withRefused,
  zoneEvents,
  zoneStatus,
  type InstancePush,
  type RecordPass,
} from '../zone/status.js';
import { laggingPrimaries, probeSecondaries, serialFloor, withSecondaries } from '../zone/secondaries.js';
import { guardBaseline, nextBaseline } from '../zone/deletion-baseline.js';
import { ptrRelatedRules } from '../zone/ptr.js';
import {
  checkDsSteps,
  dnssecEvents,
  dnssecKeysSecret,
  keptDnssecKeys,
  keysToKeep,
  zoneDnssecStatus,
  type CheckDsStep,
} from '../zone/dnssec.js';
import { signingPolicy } from '../../dns/dnssec.js';

/** How soon a zone named is still signing is synced again, to report its DS. */
const DNSSEC_SIGNING_RESYNC_SECONDS = 5;

/**
 * The related-resource rules of a DNSZone (hook v2). Every rule selects by name or by an index label the
 * `bindy-index-labels` decorator maintains (hooks/controllers/index-labels.ts), never every object of a namespace,
 * because Metacontroller re-syncs each parent whose rules match a changed object:
 *  - the Bind9Cluster (namespace) / ClusterBind9Provider named by clusterRef, and the instances of either by the
 *    cluster label (a provider's instances live in its spec.namespace, which the rules cannot know: any namespace);
 *  - the instances `bind9InstancesFrom` selects in the namespace;
 *  - per record kind, in the namespace, one rule: the records carrying this zone's key (zone.bindy.firestoned.io/
 *    <name>: `ref` when their zoneRef names it, `left` when they named it until a zone writes their status again —
 *    the zone tells them NotSelected); with recordsFrom also what each term selects and the records whose status
 *    this zone's name last wrote (status-zone label: a record a label edit moved out of a selector). Metacontroller
 *    matches every event against every rule of every zone, so the rule count per zone is kept low;
 *  - DNSZones of any namespace claiming the same zone name, except this one (zone-object NotIn: its own status write
 *    does not re-sync it), for duplicate detection; with recordsFrom also the other recordsFrom zones of the
 *    namespace, whose selectors may pick the same record (one status writer per record);
 *  - a reverse zone (in-addr.arpa/ip6.arpa): the A/AAAA records of the namespace with an address in its range, those
 *    whose status.ptr it wrote, and the other reverse zones of the namespace (automatic PTR, hooks/zone/ptr.ts).
 * Only a user's own empty selector term selects a whole namespace. The rules depend on the name, namespace, uid and
 * spec only: Metacontroller caches them per uid and generation.
 */
export function customizeDnsZone(req: CustomizeRequest<DNSZone & KubeObject>): CustomizeResponse {
  const zone = req.parent;
  const ns = zone.metadata.namespace ?? '';
  const rules: RelatedResourceRule[] = [];
  const ref = zone.spec.clusterRef;
  if (ref) {
    rules.push({ apiVersion: API_VERSION, resource: 'bind9clusters', namespace: ns, names: [ref] });
    rules.push({ apiVersion: API_VERSION, resource: 'clusterbind9providers', names: [ref] });
    rules.push({
      apiVersion: API_VERSION,
      resource: 'bind9instances',
      labelSelector: { matchLabels: { [LABELS.cluster]: indexLabelValue(ref) } },
    });
  }
  for (const term of zone.spec.bind9InstancesFrom ?? []) {
    rules.push({
      apiVersion: API_VERSION,
      resource: 'bind9instances',
      namespace: ns,
      labelSelector: term.selector as RelatedResourceRule['labelSelector'],
    });
  }
  // PowerDNS servers: the one powerDnsServerRef names (in the namespace, else cluster-scoped) and those the
  // powerDnsServersFrom selectors pick in the namespace
  const pdnsRef = zone.spec.powerDnsServerRef;
  if (pdnsRef) {
    rules.push({ apiVersion: API_VERSION, resource: 'powerdnsservers', namespace: ns, names: [pdnsRef] });
    rules.push({ apiVersion: API_VERSION, resource: 'clusterpowerdnsservers', names: [pdnsRef] });
  }
  for (const term of zone.spec.powerDnsServersFrom ?? []) {
    rules.push({
      apiVersion: API_VERSION,
      resource: 'powerdnsservers',
      namespace: ns,
      labelSelector: term.selector as RelatedResourceRule['labelSelector'],
    });
  }
  const zoneName = zoneNameIndexValue(zone.spec.zoneName);
  const from = zone.spec.recordsFrom ?? [];
  const recordSelectors: NonNullable<RelatedResourceRule['labelSelector']>[] = [
    { matchExpressions: [{ key: zoneKey(zone.metadata.name), operator: 'Exists' }] },
    ...(zoneName && from.length ? [{ matchLabels: { [LABELS.statusZone]: zoneName } }] : []),
    ...from.map((t) => t.selector as NonNullable<RelatedResourceRule['labelSelector']>),
  ];
  for (const k of RECORD_KINDS) {
    for (const labelSelector of recordSelectors)
      rules.push({ apiVersion: API_VERSION, resource: k.plural, namespace: ns, labelSelector });
  }
  const notSelf = {
    matchExpressions: [
      { key: LABELS.zoneObject, operator: 'NotIn', values: [zoneObjectValue(ns, zone.metadata.name)] },
    ],
  };
  if (zoneName) {
    rules.push({
      apiVersion: API_VERSION,
      resource: 'dnszones',
      labelSelector: { matchLabels: { [LABELS.zoneName]: zoneName }, ...notSelf },
    });
  }
  // the child zones whose DS this zone serves (spec.dnssecParentRef names it: hooks/zone/dnssec.ts), and the parent
  // that serves this zone's DS (its status.childDS says when named may be told they are published)
  rules.push({
    apiVersion: API_VERSION,
    resource: 'dnszones',
    namespace: ns,
    labelSelector: { matchLabels: { [LABELS.dsParent]: indexLabelValue(zone.metadata.name) } },
  });
  if (zone.spec.dnssecParentRef)
    rules.push({ apiVersion: API_VERSION, resource: 'dnszones', namespace: ns, names: [zone.spec.dnssecParentRef] });
  if (zone.spec.recordsFrom?.length) {
    rules.push({
      apiVersion: API_VERSION,
      resource: 'dnszones',
      namespace: ns,
      labelSelector: { matchLabels: { [LABELS.recordsFrom]: 'true' }, ...notSelf },
    });
  }
  // a reverse zone: the A/AAAA records with an address in its range, and the other reverse zones (hooks/zone/ptr.ts)
  rules.push(...ptrRelatedRules(zone));
  return { relatedResources: rules };
}

/** Everything the sync and finalize hooks need besides the request. */
export interface DnsZoneDeps extends ZonePorts {
  clock: Clock;
  log?: HookContext['log'];
}

function opts(deps: DnsZoneDeps): ZoneHookOptions {
  return { ...DEFAULT_ZONE_HOOK_OPTIONS, ...(deps.options ?? {}) };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The zone as the metrics name it. */
const zoneRef = (zone: DNSZone) => ({ namespace: zone.metadata.namespace ?? '', name: zone.metadata.name });

/** Parent reference for events. */
function regarding(zone: DNSZone) {
  return {
    apiVersion: API_VERSION,
    kind: 'DNSZone',
    namespace: zone.metadata.namespace ?? '',
    name: zone.metadata.name,
    ...(zone.metadata.uid ? { uid: zone.metadata.uid } : {}),
  };
}

async function emit(
  deps: DnsZoneDeps,
  zone: DNSZone,
  events: { type: 'Normal' | 'Warning'; reason: string; message: string }[],
): Promise<void> {
  await Promise.all(
    events.map((e) =>
      deps.events.record({ regarding: regarding(zone), ...e }).catch((err: unknown) => {
        deps.log?.warn('event not recorded', { reason: e.reason, error: (err as Error).message });
      }),
    ),
  );
}

/**
 * Writes the record statuses that differ from the observed ones. Every outcome gets a status from the first pass:
 * records in the zone say Served only when a primary accepted it in this pass, else why not (`passOutcome`), and a
 * record already Ready=True for its current generation is left as it is (`recordStatusUpdate`).
 * @returns the resyncAfterSeconds the remaining writes need (over the per-pass budget, or failed), else undefined.
 */
async function writeRecordStatuses(
  deps: DnsZoneDeps,
  plan: ZonePlan,
  zoneName: string,
  pass: RecordPass,
  now: string,
): Promise<number | undefined> {
  const o = opts(deps);
  const served = pass.served;
  const todo: { record: DNSRecord; status: RecordStatusPatch }[] = [];
  for (const outcome of plan.outcomes) {
    const status = recordStatusUpdate(passOutcome(outcome, pass), zoneName, now);
    if (status) todo.push({ record: outcome.record, status });
  }
  const batch = todo.slice(0, o.maxRecordWritesPerSync);
  let failed = 0;
  await pool(batch, o.recordWriteConcurrency, async ({ record, status }) => {
    try {
      await deps.recordStatus.patchStatus(
        { kind: record.kind, namespace: record.metadata.namespace ?? '', name: record.metadata.name },
        status,
      );
    } catch (err) {
      failed++;
      deps.log?.warn('record status not written', {
        kind: record.kind,
        plural: recordPlural(record.kind),
        name: record.metadata.name,
        error: (err as Error).message,
      });
    }
  });
  // A reverse zone's status.ptr entries (hooks/zone/ptr.ts), once a primary serves what they say; merge patches of
  // one key each, within what is left of the per-pass budget.
  const ptr = served ? (plan.ptrStatus ?? []).slice(0, Math.max(0, o.maxRecordWritesPerSync - batch.length)) : [];
  await pool(ptr, o.recordWriteConcurrency, async ({ record, ptr: entry }) => {
    try {
      await deps.recordStatus.patchStatus(
        { kind: record.kind, namespace: record.metadata.namespace ?? '', name: record.metadata.name },
        { ptr: entry },
      );
    } catch (err) {
      failed++;
      deps.log?.warn('record status.ptr not written', {
        kind: record.kind,
        name: record.metadata.name,
        error: (err as Error).message,
      });
    }
  });
  const more = todo.length > batch.length || (served && ptr.length < (plan.ptrStatus?.length ?? 0));
  // more to write: come back at once; a write failed (RBAC, apiserver down): come back on the degraded cadence
  return more ? 2 : failed > 0 ? o.degradedResyncSeconds : undefined;
}

/** The PowerDNS servers of the request (placed or not), by {@link instanceRef}. */
function relatedPowerDns(req: SyncRequest): Map<string, Placement> {
  const m = new Map<string, Placement>();
  for (const s of [
    ...relatedOf<PowerDNSServer>(req.related, 'PowerDNSServer'),
    ...relatedOf<ClusterPowerDNSServer>(req.related, 'ClusterPowerDNSServer'),
  ]) {
    const p = powerDnsPlacementOf(s);
    m.set(instanceRef(p), p);
  }
  return m;
}

/**
 * The endpoint each Bind9Instance (bindcar URL) or PowerDNS server (API server URL) of the request has now, placed or
 * not, by {@link instanceRef}.
 */
function liveEndpoints(
  req: SyncRequest,
): (ref: { kind?: string; namespace: string; name: string }) => string | undefined {
  const m = new Map<string, string | undefined>();
  for (const i of relatedOf<Bind9Instance>(req.related, 'Bind9Instance')) m.set(refOf(i), endpointOf(i));
  for (const [k, p] of relatedPowerDns(req)) m.set(k, p.endpoint);
  return (ref) => m.get(instanceRef(ref));
}

/** A placement or remembered server as the PowerDNS port's target (its spec when the request carries it). */
function powerDnsTarget(
  t: { kind?: PowerDnsKind; namespace: string; name: string },
  known: ReadonlyMap<string, Placement>,
): PowerDnsTarget {
  const spec = known.get(instanceRef(t))?.powerdns;
  return { kind: t.kind!, namespace: t.namespace, name: t.name, ...(spec ? { spec } : {}) };
}

const NO_POWERDNS: { ok: false; error: BindcarFailure } = {
  ok: false,
  error: {
    kind: 'invalid',
    message: 'the hooks have no PowerDNS client (hooks/ports/zone.ts zonePortsFromEnv builds one)',
    attempts: 0,
  },
};

/**
 * One DELETE per bindcar endpoint (or PowerDNS server); each instance behind it shares the answer. A PowerDNS zone is
 * deleted only where this DNSZone (`owner`) created it.
 */
async function deleteFrom<T extends { kind?: PowerDnsKind; namespace: string; name: string; endpoint: string }>(
  deps: DnsZoneDeps,
  targets: readonly T[],
  zoneName: string,
  owner: string,
  known: ReadonlyMap<string, Placement>,
): Promise<{ target: T; gone: boolean; message: string }[]> {
  const groups = await Promise.all(
    byEndpoint(targets).map(async ([endpoint, group]) => {
      const first = group[0]!;
      const r = first.kind
        ? deps.powerdns
          ? await deps.powerdns.deleteZone(powerDnsTarget(first, known), zoneName, owner)
          : NO_POWERDNS
        : await deps.bindcar.deleteZone(endpoint, zoneName);
      return group.map((target) =>
        r.ok ? { target, gone: true, message: r.gone } : { target, gone: false, message: r.error.message },
      );
    }),
  );
  return groups.flat();
}

/** Runs the checkds steps (one call each, in order); each success or failure becomes an event. */
async function runCheckDs(
  deps: DnsZoneDeps,
  zoneName: string | undefined,
  steps: readonly CheckDsStep[],
): Promise<{ type: 'Normal' | 'Warning'; reason: string; message: string }[]> {
  const out: { type: 'Normal' | 'Warning'; reason: string; message: string }[] = [];
  if (!zoneName || !deps.bindcar.checkDs) return out;
  for (const s of steps) {
    if (!s.instance.endpoint) continue;
    const r = await deps.bindcar.checkDs(s.instance.endpoint, zoneName, { keyTag: s.keyTag, state: s.state });
    out.push(
      r.ok
        ? {
            type: 'Normal',
            reason: s.state === 'published' ? 'DSPublished' : 'DSWithdrawn',
            message: `named on ${instanceRef(s.instance)} told the DS of key ${s.keyTag} of zone ${zoneName} is ${s.state} at the parent`,
          }
        : {
            type: 'Warning',
            reason: 'CheckDSFailed',
            message: `telling named on ${instanceRef(s.instance)} the DS of key ${s.keyTag} is ${s.state}: ${r.error.message}`,
          },
    );
  }
  return out;
}

/** Sync: push the desired zone to every primary and report. */
export async function syncDnsZone(req: SyncRequest<DNSZone & KubeObject>, deps: DnsZoneDeps): Promise<SyncResponse> {
  const plan = deps.plans ? deps.plans.plan(req, () => planZoneSync(req)) : planZoneSync(req);
  const zone = plan.zone;
  const cz = canonicalZoneName(zone.spec.zoneName);
  const zoneName = plan.desired?.zoneName ?? (cz.ok ? cz.name : zone.spec.zoneName);
  let pushes: InstancePush[] = [];
  const known = relatedPowerDns(req);
  const owner = `${zone.metadata.namespace ?? ''}/${zone.metadata.name}`;
  // the keys the zone's Secret keeps (hooks/zone/dnssec.ts): every push to a BIND primary carries them back, so a named
  // that lost the zone signs it with them again
  const kept = keptDnssecKeys(zone, zoneName, req.children);
  if (kept.problems.length)
    deps.log?.warn('DNSSEC keys Secret holds files that are not keys', { problems: kept.problems });
  const signed = signingPolicy(plan.desired?.body.dnssecPolicy);
  if (!plan.block && plan.desired) {
    // Serial consistency (hooks/zone/secondaries.ts): the highest serial any primary reported is the floor, and
    // primaries that answer lower are pushed once more with the highest answer, so all serve one serial.
    const floor = serialFloor(zone, plan.primaries, plan.desired.body.serial ?? undefined);
    // the deletion guard counts from what the zone served lately (hooks/zone/deletion-baseline.ts)
    const baseline = guardBaseline(zone, deps.clock());
    const planned = plan.desired.body;
    const body = {
      ...planned,
      ...(floor !== undefined ? { serial: floor } : {}),
      ...(planned.deletionGuard && baseline !== undefined
        ? { deletionGuard: { ...planned.deletionGuard, baseline } }
        : {}),
    };
    const push = async (instance: Placement, body: DesiredZoneResult['body']): Promise<InstancePush> => {
      if (!instance.endpoint)
        return { instance, outcome: { state: 'pending', message: 'no bindcar endpoint in the instance status yet' } };
      const r = instance.kind
        ? deps.powerdns
          ? await deps.powerdns.putZone(powerDnsTarget(instance, known), plan.desired!.zoneName, body)
          : NO_POWERDNS
        : await deps.bindcar.putZone(
            instance.endpoint,
            plan.desired!.zoneName,
            signed && kept.keys.length ? { ...body, dnssecKeys: kept.keys } : body,
          );
      if (r.ok)
        return {
          instance,
          outcome: {
            state: 'served',
            serial: r.result.serial,
            ...(r.result.refused?.length ? { refused: r.result.refused } : {}),
            ...(r.result.adopted ? { adopted: r.result.adopted } : {}),
            ...(r.result.records !== undefined ? { records: r.result.records } : {}),
            ...(r.result.acknowledged ? { acknowledged: true } : {}),
            ...(r.result.dnssec ? { dnssec: r.result.dnssec } : {}),
            ...(r.result.dnssecKeys ? { dnssecKeys: r.result.dnssecKeys } : {}),
          },
        };
      const held = heldPush(plan.desired!.zoneName, r.error);
      return {
        instance,
        // A rejected request (4xx) will be rejected again until something changes: retry slowly.
        outcome: {
          state: 'failed',
          message: held?.message ?? r.error.message,
          kind: r.error.kind,
          ...(held ? { held: held.held } : {}),
          ...(r.error.retryAfterSeconds !== undefined
            ? { retryAfterSeconds: r.error.retryAfterSeconds }
            : r.error.kind === 'rejected'
              ? { retryAfterSeconds: 60 }
              : {}),
        },
      };
    };
    pushes = await Promise.all(plan.primaries.map((instance) => push(instance, body)));
    const served = pushes.map((p) => ({ p, serial: p.outcome.state === 'served' ? p.outcome.serial : undefined }));
    const { floor: top, lagging } = laggingPrimaries(served);
    if (top !== undefined && lagging.length) {
      const again = await Promise.all(lagging.map(({ p }) => push(p.instance, { ...body, serial: top })));
      pushes = pushes.map((p) => again.find((a) => a.instance === p.instance) ?? p);
    }
  }
  // Where the zone was pushed before (status.pushedTo): leftovers outside the placement are removed once a current
  // primary serves it, and kept (and reported) otherwise — hooks/zone/served.ts.
  const remembered = rememberedInstances(zone.status);
  const removal = removalPlan({
    remembered,
    primaries: plan.primaries,
    liveEndpoint: liveEndpoints(req),
    served: pushes.some((p) => p.outcome.state === 'served'),
    ...(plan.block ? { block: plan.block } : {}),
  });
  const removed = removal.kept ? [] : await deleteFrom(deps, removal.leftovers, zoneName, owner, known);
  const pushedNow: ServedInstance[] = pushes.flatMap((p) =>
    p.instance.endpoint
      ? [
          {
            ...(p.instance.kind ? { kind: p.instance.kind } : {}),
            name: p.instance.name,
            namespace: p.instance.namespace,
            endpoint: p.instance.endpoint,
          },
        ]
      : [],
  );
  const gone = new Set(removed.filter((r) => r.gone).map((r) => instanceRef(r.target)));
  const failedRemovals = removed.filter((r) => !r.gone).map((r) => ({ instance: r.target, message: r.message }));
  const now = deps.clock();
  const result = zoneStatus({
    zone,
    now,
    pushes,
    degradedResyncSeconds: opts(deps).degradedResyncSeconds,
    pushedTo: nextPushedTo(remembered, removal, pushedNow, gone),
    deletionBaseline: nextBaseline(
      zone,
      pushes.flatMap((p) => (p.outcome.state === 'served' ? [p.outcome] : [])),
      now,
    ),
    orphans: { ...(removal.kept ? { kept: removal.kept } : {}), failed: failedRemovals },
    ...(plan.desired ? { desired: plan.desired } : {}),
    ...(plan.block ? { block: plan.block } : {}),
  });
  // status.dnssec: what the primaries' named serve (hooks/zone/dnssec.ts); a blocked pass keeps what was reported
  const dnssec =
    plan.desired && !plan.block
      ? zoneDnssecStatus(zone, plan.desired.body.dnssecPolicy, pushes, kept.keys)
      : zone.status?.dnssec;
  if (dnssec) result.status.dnssec = dnssec;
  // the keys Secret: what named reported this pass, else what it kept; a pass that pushed nothing keeps it, and it
  // goes once the zone is pushed with no policy signing it
  const pushedUnsigned = !plan.block && plan.desired && !signed;
  const keysSecret = dnssecKeysSecret(zone, zoneName, pushedUnsigned ? [] : keysToKeep(pushes, kept.keys));
  // parent handoff: the child DS this zone served in this pass, else what it said before
  const servedNow = pushes.some((p) => p.outcome.state === 'served');
  const childDS = servedNow && !plan.block ? plan.childDS : zone.status?.childDS;
  if (childDS?.length) result.status.childDS = childDS;
  // named told once the parent (or the user) confirms a key's DS, so its rollovers proceed
  const checkDs = await runCheckDs(deps, plan.desired?.zoneName, checkDsSteps(zone, pushes, req.related));
  // named signs in the background: come back soon to report the DS once it serves the zone signed (only when a
  // bindcar said so: one that does not report DNSSEC would otherwise be re-pushed every few seconds)
  if (pushes.some((p) => p.outcome.state === 'served' && p.outcome.dnssec?.state === 'signing'))
    result.resyncAfterSeconds = Math.min(result.resyncAfterSeconds ?? Infinity, DNSSEC_SIGNING_RESYNC_SECONDS);
  const adoptions = pushes.flatMap((p) =>
    p.outcome.state === 'served' && p.outcome.adopted
      ? [
          {
            type: 'Normal' as const,
            reason: 'ZoneAdopted',
            message: `zone ${zoneName} on ${instanceRef(p.instance)} taken over from ${p.outcome.adopted.from ? `DNSZone ${p.outcome.adopted.from}` : 'data bindy did not create (spec.adoptExisting)'}`,
          },
        ]
      : [],
  );
  const removals = removed
    .filter((r) => r.gone)
    .map((r) => ({
      type: 'Normal' as const,
      reason: 'ZoneRemoved',
      message: `zone ${zoneName} removed from ${instanceRef(r.target)}, which is no longer in its placement`,
    }));
  // Secondaries follow the catalog zone; with an SOA probe port the status says which serial each one serves.
  let secondariesBehind: number | undefined;
  const secondaries =
    plan.desired && !plan.block ? placement(zone, req.related).instances.filter((i) => i.role === 'secondary') : [];
  if (plan.desired && !plan.block && !secondaries.length) secondariesBehind = 0;
  if (deps.soa && plan.desired && !plan.block && secondaries.length) {
    const states = await probeSecondaries(deps.soa, secondaries, plan.desired.zoneName);
    if (result.status.serial !== undefined)
      secondariesBehind = states.filter((s) => s.serial !== result.status.serial).length;
    const w = withSecondaries(result.status, states, zone.status?.conditions, now, zone.metadata.generation);
    result.status = w.status;
    if (w.resyncAfterSeconds !== undefined)
      result.resyncAfterSeconds = Math.min(result.resyncAfterSeconds ?? Infinity, w.resyncAfterSeconds);
  }
  const outcomes = withRefused(plan.outcomes, pushes);
  const again = await writeRecordStatuses(deps, { ...plan, outcomes }, zoneName, result.records, now);
  deps.metrics?.synced(
    zoneRef(zone),
    passMetrics(result.status, outcomes, result.records, pushes, secondariesBehind, now),
    Date.parse(now) / 1000,
  );
  await emit(deps, zone, [
    ...zoneEvents(zone, result.status),
    ...dnssecEvents(zone, result.status.dnssec),
    ...checkDs,
    ...adoptions,
    ...removals,
  ]);
  let resync = result.resyncAfterSeconds;
  if (again !== undefined) resync = Math.min(resync ?? Infinity, again);
  return {
    status: result.status as Record<string, unknown>,
    children: keysSecret ? [keysSecret] : [],
    ...(resync !== undefined ? { resyncAfterSeconds: resync } : {}),
  };
}

/** The record pass of a finalize: nothing is served any more (its outcomes are ZoneDeleted, which it leaves alone). */
const DELETED: RecordPass = { served: false, reason: 'ZoneNotReady', message: 'the zone is being deleted' };

/**
 * Finalize: remove the zone from every current primary and every instance `status.pushedTo` remembers (a zone that
 * lost its placement before it was deleted is still served there), or block (bounded by the grace period).
 */
export async function finalizeDnsZone(
  req: SyncRequest<DNSZone & KubeObject>,
  deps: DnsZoneDeps,
): Promise<SyncResponse> {
  const zone = req.parent as DNSZone;
  const o = opts(deps);
  const now = deps.clock();
  const gen = zone.metadata.generation;
  // No schema validation here: a parent that no longer validates must still be deletable.
  const rawName = typeof zone.spec?.zoneName === 'string' ? zone.spec.zoneName : '';
  const zn = canonicalZoneName(rawName);
  // what is still not confirmed gone; starts as everything remembered, narrowed once the DELETEs have answered
  let remaining: ServedInstance[] = rememberedInstances(zone.status);
  // the keys Secret stays while the zone may still be served somewhere (a blocked deletion), and goes with the zone
  const keys = zn.ok ? dnssecKeysSecret(zone, zn.name, keptDnssecKeys(zone, zn.name, req.children).keys) : undefined;
  const finish = (wanted: ConditionInput[], extra: Partial<SyncResponse>): SyncResponse => ({
    status: {
      ...(zone.status ?? {}),
      pushedTo: remaining,
      conditions: conditions(
        wanted.map((w) => ({ ...w, message: clip(w.message, 32768) })),
        zone.status?.conditions,
        now,
        gen,
      ),
      ...(gen !== undefined ? { observedGeneration: gen } : {}),
    },
    children: keys && !extra.finalized ? [keys] : [],
    ...extra,
  });
  /** Releases the finalizer; the zone's records learn that it is gone (they would otherwise still say Served). */
  const release = async (reason: string, message: string): Promise<SyncResponse> => {
    const zones = relatedZones(req.related);
    const others = zones.filter((z) => refOf(z) !== refOf(zone));
    const outcomes: RecordOutcome[] = zone.spec
      ? selectRecords(zone, relatedRecords(req.related))
          .filter((r) => r.spec.zoneRef === zone.metadata.name || !statusOwner(others, r))
          .map((record) => ({
            record,
            included: false,
            reason: 'ZoneDeleted' as const,
            message: `DNSZone ${refOf(zone)} was deleted`,
          }))
      : [];
    await writeRecordStatuses(deps, { zone, primaries: [], outcomes }, zn.ok ? zn.name : rawName, DELETED, now);
    deps.metrics?.released(zoneRef(zone));
    return finish([{ type: 'Ready', status: 'False', reason, message }], { finalized: true });
  };
  // Another live DNSZone claims the same name: it serves the zone now; deleting it from bindcar would break it.
  const others = relatedZones(req.related).filter((z) => refOf(z) !== refOf(zone) && !z.metadata.deletionTimestamp);
  const claimant = zn.ok
    ? others.find((z) => {
        const n = canonicalZoneName(z.spec.zoneName);
        return n.ok && n.name === zn.name;
      })
    : undefined;
  if (!zn.ok) return release('Deleted', `spec.zoneName: ${zn.reason}; nothing was ever pushed`);
  if (claimant) return release('Deleted', `zone ${zn.name} stays: DNSZone ${refOf(claimant)} claims it`);
  const primaries = placement(zone, req.related).instances.filter((i) => i.role === 'primary');
  const targets = deletionTargets(primaries, remaining, liveEndpoints(req));
  const reachable = targets.filter((t): t is typeof t & { endpoint: string } => t.endpoint !== undefined);
  const deleted = await deleteFrom(
    deps,
    reachable,
    zn.name,
    `${zone.metadata.namespace ?? ''}/${zone.metadata.name}`,
    relatedPowerDns(req),
  );
  const results = [
    ...deleted.map((d) => ({ i: d.target, gone: d.gone, message: d.message })),
    ...targets
      .filter((t) => t.endpoint === undefined)
      .map((i) => ({ i, gone: false, message: 'no bindcar endpoint in the instance status' })),
  ].sort((a, b) => (instanceRef(a.i) < instanceRef(b.i) ? -1 : 1));
  const blocked = results.filter((r) => !r.gone);
  remaining = nextPushedTo(
    remaining,
    { leftovers: [], covered: [] },
    [],
    new Set(results.filter((r) => r.gone).map((r) => instanceRef(r.i))),
  );
  if (results.length === 0) return release('Deleted', `zone ${zn.name} was pushed to no instance; nothing to remove`);
  if (blocked.length === 0)
    return release('Deleted', `zone ${zn.name} removed from ${results.map((r) => instanceRef(r.i)).join(', ')}`);
  const detail = blocked.map((r) => `${instanceRef(r.i)}: ${r.message}`).join('; ');
  const since = zone.metadata.deletionTimestamp ? Date.parse(zone.metadata.deletionTimestamp) : Date.parse(now);
  const elapsed = (Date.parse(now) - since) / 1000;
  if (elapsed >= o.deletionGraceSeconds) {
    const message = `released after ${o.deletionGraceSeconds}s grace; zone ${zn.name} may remain on: ${detail}`;
    await emit(deps, zone, [{ type: 'Warning', reason: 'DeletionReleased', message }]);
    return release('DeletionReleased', message);
  }
  const message = `zone ${zn.name} not yet removed from ${blocked.length}/${results.length} instances: ${detail}`;
  deps.metrics?.deletionBlocked(zoneRef(zone), elapsed, Date.parse(now) / 1000);
  const wasBlocked = zone.status?.conditions?.find((c) => c.type === 'DeletionBlocked')?.status === 'True';
  if (!wasBlocked) await emit(deps, zone, [{ type: 'Warning', reason: 'DeletionBlocked', message }]);
  return finish(
    [
      { type: 'Ready', status: 'False', reason: 'Deleting', message },
      { type: 'DeletionBlocked', status: 'True', reason: 'PrimaryUnreachable', message },
    ],
    { finalized: false, resyncAfterSeconds: o.deletionRetrySeconds },
  );
}

/** A finalize call for a zone that is not being deleted: the sync (validated like one), never `finalized`. */
async function syncLiveZone(req: SyncRequest<DNSZone & KubeObject>, deps: DnsZoneDeps): Promise<SyncResponse> {
  validateZone(req.parent);
  return syncDnsZone({ ...req, finalizing: false }, deps);
}

/** Per-zone serialisation: Metacontroller may retry a timed-out call while the first still runs. */
const inFlight = new Map<string, Promise<unknown>>();
async function serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = inFlight.get(key) ?? Promise.resolve();
  const run = prev.catch(() => undefined).then(fn);
  inFlight.set(key, run);
  try {
    return await run;
  } finally {
    if (inFlight.get(key) === run) inFlight.delete(key);
  }
}

function validateZone(parent: KubeObject): void {
  const errs = validateObject(parent);
  if (errs.length) {
    throw invalidSpec(
      `DNSZone ${parent.metadata.namespace ?? ''}/${parent.metadata.name} is invalid: ${errs.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
      errs,
    );
  }
}

/**
 * The DNSZone routes. The sync and finalize hooks run their effects through `ports.zone` (hooks/server.ts builds them
 * from the environment); without them only customize answers — what `bindy render`, which plans but never pushes,
 * needs.
 */
export function dnsZoneRoutes(ports: HookPorts): HookRoute[] {
  const deps = (ctx: HookContext): DnsZoneDeps => {
    if (!ports.zone) throw new Error('the DNSZone sync hook has no zone ports (bindcar client, status writer, events)');
    return { ...ports.zone, clock: ports.clock, log: ctx.log };
  };
  const key = (req: SyncRequest) => `${req.parent.metadata.namespace ?? ''}/${req.parent.metadata.name ?? ''}`;
  return [
    {
      path: '/customize/dnszone',
      hook: 'customize',
      kind: 'DNSZone',
      validateParent: validateZone,
      handle: (body: CustomizeRequest<DNSZone & KubeObject>) => customizeDnsZone(body),
    },
    {
      path: '/sync/dnszone',
      hook: 'sync',
      kind: 'DNSZone',
      validateParent: validateZone,
      handle: (body: SyncRequest<DNSZone & KubeObject>, ctx: HookContext) =>
        serialised(key(body), () =>
          body.finalizing ? finalizeDnsZone(body, deps(ctx)) : syncDnsZone(body, deps(ctx)),
        ),
    },
    {
      path: '/finalize/dnszone',
      hook: 'finalize',
      kind: 'DNSZone',
      handle: (body: SyncRequest<DNSZone & KubeObject>, ctx: HookContext) =>
        serialised(key(body), () =>
          // Metacontroller also finalizes a live zone that no longer matches the controller's label selector (its
          // index label was removed by hand, metacontroller/dnszone.yaml): keep serving it, keep the finalizer, and
          // let the decorator put the label back. Only a deletionTimestamp deletes.
          body.parent.metadata.deletionTimestamp || !body.parent.spec
            ? finalizeDnsZone(body, deps(ctx))
            : syncLiveZone(body, deps(ctx)),
        ),
    },
  ];
}
