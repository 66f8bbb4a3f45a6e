/**
 * Pure: where a zone may be served, beyond its current placement.
 *
 * The placement (clusterRef, bind9InstancesFrom) says where a zone should be served; it says nothing about where it
 * was pushed before a label edit, a clusterRef change or a deleted cluster moved it. `status.pushedTo` is that
 * memory: every Bind9Instance a PUT was sent to (a PUT that failed may still have created the zone), with the
 * bindcar endpoint used, kept until bindcar confirms the zone is gone there — a DELETE answered, or bindcar's own 404.
 * Nothing else counts as confirmed.
 *
 * Leftovers are remembered instances outside the placement. Sync removes the zone from them only once a current
 * primary accepted it in the same pass (make before break), and never while the zone is placed on no primary: losing
 * the placement by a label edit must not take the zone's DNS down silently, so the zone stays served there, and the
 * status says so (condition Orphaned, in status.ts), until it is placed again or deleted. Finalize deletes from the
 * current primaries and every remembered instance.
 *
 * A bindcar endpoint a current primary uses is never a leftover: several instances may share one bindcar (the local
 * stack resolves every instance to one named), and a DELETE there would remove what the placement just pushed.
 */
import type { DNSZoneStatus } from '../schema/generated.js';
import { instanceRef, type Placement, type PowerDnsKind } from './select.js';

export { instanceRef } from './select.js';

/**
 * An instance that may serve the zone, with the bindcar endpoint to remove it through; or a PowerDNS server
 * (`kind`), with its API's server URL.
 */
export interface ServedInstance {
  kind?: PowerDnsKind;
  name: string;
  /** '' for a ClusterPowerDNSServer. */
  namespace: string;
  endpoint: string;
}

/** Why the leftovers are kept this pass. */
export interface KeptLeftovers {
  /** Unplaced: the zone is placed on no primary; RemovalPending: removed once a current primary serves it. */
  reason: 'Unplaced' | 'RemovalPending';
  /** Unplaced: why nothing is placed (the block message); RemovalPending: what the removal waits for. */
  detail: string;
  instances: ServedInstance[];
}

export interface RemovalPlan {
  /** Remembered instances outside the placement, with the endpoint to use now (sorted by namespace/name). */
  leftovers: ServedInstance[];
  /** Remembered instances whose bindcar a current primary uses: the placement covers them, memory drops them. */
  covered: ServedInstance[];
  /** Set when the leftovers are not removed this pass; otherwise every leftover is removed now. */
  kept?: KeptLeftovers;
}

/** At most this many remembered instances (crds/dnszones.yaml status.pushedTo maxItems). */
export const MAX_PUSHED_TO = 256;

/** `items` sorted by {@link instanceRef}, one per instance (the first occurrence wins). */
function sortedUnique<T extends { kind?: string; namespace: string; name: string }>(items: readonly T[]): T[] {
  const seen = new Map<string, T>();
  for (const i of items) if (!seen.has(instanceRef(i))) seen.set(instanceRef(i), i);
  return [...seen.keys()].sort().map((k) => seen.get(k)!);
}

/**
 * The instances the observed status remembers: `status.pushedTo`, plus the `status.instances` entries that carry an
 * endpoint (primaries a PUT was sent to; a status written before `pushedTo` existed has only these). Sorted.
 */
export function rememberedInstances(status: DNSZoneStatus | undefined): ServedInstance[] {
  const entry = (i: { kind?: PowerDnsKind; name: string; namespace?: string; endpoint: string }): ServedInstance => ({
    ...(i.kind ? { kind: i.kind } : {}),
    name: i.name,
    namespace: i.namespace ?? '',
    endpoint: i.endpoint,
  });
  const fromInstances = (status?.instances ?? [])
    .filter((i): i is typeof i & { endpoint: string } => typeof i.endpoint === 'string' && i.endpoint.length > 0)
    .map(entry);
  const fromPushedTo = (status?.pushedTo ?? []).map(entry);
  return sortedUnique([...fromPushedTo, ...fromInstances]);
}

export interface RemovalPlanInput {
  remembered: readonly ServedInstance[];
  /** The current primaries (placement). */
  primaries: readonly Placement[];
  /** The endpoint an instance has now, when its Bind9Instance (or server) is visible in the request (placed or not). */
  liveEndpoint: (ref: { kind?: string; namespace: string; name: string }) => string | undefined;
  /** Why nothing is pushed this pass (see planZoneSync), if so. */
  block?: { reason: string; message: string };
  /** Whether a current primary accepted the zone in this pass. */
  served: boolean;
}

/** Which remembered instances to remove the zone from in this sync pass, which to keep, and why. */
export function removalPlan(input: RemovalPlanInput): RemovalPlan {
  const placed = new Set(input.primaries.map(instanceRef));
  const placedEndpoints = new Set(input.primaries.flatMap((p) => (p.endpoint ? [endpointKey(p, p.endpoint)] : [])));
  const leftovers: ServedInstance[] = [];
  const covered: ServedInstance[] = [];
  for (const r of input.remembered) {
    if (placed.has(instanceRef(r))) continue;
    const endpoint = input.liveEndpoint(r) ?? r.endpoint;
    const entry = { ...(r.kind ? { kind: r.kind } : {}), name: r.name, namespace: r.namespace, endpoint };
    (placedEndpoints.has(endpointKey(r, endpoint)) ? covered : leftovers).push(entry);
  }
  if (!leftovers.length) return { leftovers, covered };
  const b = input.block;
  if (b && (b.reason === 'NoPrimaries' || b.reason === 'ClusterNotFound'))
    return { leftovers, covered, kept: { reason: 'Unplaced', detail: b.message, instances: leftovers } };
  if (b)
    return {
      leftovers,
      covered,
      kept: { reason: 'RemovalPending', detail: `the zone is no longer blocked (${b.reason})`, instances: leftovers },
    };
  if (!input.served)
    return {
      leftovers,
      covered,
      kept: { reason: 'RemovalPending', detail: 'a current primary serves the zone', instances: leftovers },
    };
  return { leftovers, covered };
}

/**
 * The memory after a pass: every instance a PUT was sent to now (with that endpoint), plus every remembered instance
 * not confirmed gone and not covered by the placement (leftovers with their current endpoint). Sorted, at most
 * {@link MAX_PUSHED_TO}.
 * @param pushedNow instances a PUT was sent to in this pass
 * @param gone namespace/name of instances where bindcar confirmed the zone is gone
 */
export function nextPushedTo(
  remembered: readonly ServedInstance[],
  plan: Pick<RemovalPlan, 'leftovers' | 'covered'>,
  pushedNow: readonly ServedInstance[],
  gone: ReadonlySet<string>,
): ServedInstance[] {
  const dropped = new Set([...gone, ...plan.covered.map(instanceRef)]);
  return sortedUnique(
    [...pushedNow, ...plan.leftovers, ...remembered].filter((i) => !dropped.has(instanceRef(i))),
  ).slice(0, MAX_PUSHED_TO);
}

/**
 * Where finalize deletes the zone: every current primary and every remembered instance, one target per instance
 * (the current endpoint wins; a remembered one fills in while the instance status has none), sorted. Instances that
 * share a bindcar endpoint share one DELETE (see {@link byEndpoint}).
 */
export function deletionTargets(
  primaries: readonly Placement[],
  remembered: readonly ServedInstance[],
  liveEndpoint: (ref: { kind?: string; namespace: string; name: string }) => string | undefined,
): { kind?: PowerDnsKind; name: string; namespace: string; endpoint: string | undefined }[] {
  const byRef = new Map(remembered.map((r) => [instanceRef(r), r]));
  const current = primaries.map((p) => ({
    ...(p.kind ? { kind: p.kind } : {}),
    name: p.name,
    namespace: p.namespace,
    endpoint: p.endpoint ?? byRef.get(instanceRef(p))?.endpoint,
  }));
  const rest = remembered.map((r) => ({
    ...(r.kind ? { kind: r.kind } : {}),
    name: r.name,
    namespace: r.namespace,
    endpoint: liveEndpoint(r) ?? r.endpoint,
  }));
  return sortedUnique([...current, ...rest]);
}

/**
 * What makes two targets the same server: the bindcar URL, or for PowerDNS the API's server URL (a PowerDNSServer
 * and a ClusterPowerDNSServer may name one server). A bindcar URL and a PowerDNS URL never meet.
 */
export function endpointKey(t: { kind?: string }, endpoint: string): string {
  return `${t.kind ? 'powerdns' : 'bindcar'} ${endpoint}`;
}

/**
 * Targets grouped by endpoint (sorted by {@link endpointKey}), so one bindcar (or PowerDNS server) gets one DELETE
 * however many instances share it.
 */
export function byEndpoint<T extends { kind?: string; endpoint: string }>(targets: readonly T[]): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const t of targets) {
    const k = endpointKey(t, t.endpoint);
    const g = groups.get(k);
    if (g) g.push(t);
    else groups.set(k, [t]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => [g[0]!.endpoint, g] as [string, T[]]);
}
