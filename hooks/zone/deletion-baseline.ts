/**
 * Pure: the deletion guard's memory across syncs (DNSZone `status.deletionBaseline`). bindcar holds a PUT that
 * deletes too much (bindcar/deletion-guard.ts), but a GitOps prune deletes records one by one and Metacontroller
 * syncs the zone for each, so every PUT deletes only a few. The zone therefore remembers the most records it served
 * lately and sends that count as the guard's `baseline`: deletions within `spec.deletionGuard.windowSeconds` count
 * from it, together.
 *
 * The baseline changes only when the served count does (statuses change only when the world changes): it rises with
 * the count, and falls to it when a deletion went through after the window, or was acknowledged.
 */
import type { DNSZone, DNSZoneStatus } from '../schema/generated.js';

export type DeletionBaseline = NonNullable<DNSZoneStatus['deletionBaseline']>;

/** `spec.deletionGuard.windowSeconds` when the zone sets none. */
export const DEFAULT_GUARD_WINDOW_SECONDS = 600;

const expired = (zone: DNSZone, b: DeletionBaseline, now: string): boolean =>
  Date.parse(now) - Date.parse(b.since) >=
  (zone.spec.deletionGuard?.windowSeconds ?? DEFAULT_GUARD_WINDOW_SECONDS) * 1000;

/** The baseline to send with a push at `now`: the remembered count while its window lasts. */
export function guardBaseline(zone: DNSZone, now: string): number | undefined {
  const b = zone.status?.deletionBaseline;
  return b && !expired(zone, b, now) ? b.records : undefined;
}

/**
 * The baseline after a pass whose served pushes answered `records` (what bindcar manages now; undefined when no
 * primary accepted the zone) and whether a token let a held deletion through.
 */
export function nextBaseline(
  zone: DNSZone,
  served: { records?: number; acknowledged?: boolean }[],
  now: string,
): DeletionBaseline | undefined {
  const b = zone.status?.deletionBaseline;
  const counts = served.flatMap((s) => (s.records === undefined ? [] : [s.records]));
  if (!counts.length) return b;
  const records = Math.min(...counts);
  if (b && records === b.records) return b;
  if (!b || records > b.records || served.some((s) => s.acknowledged) || expired(zone, b, now))
    return { records, since: now };
  return b;
}
