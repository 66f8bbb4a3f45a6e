/**
 * Each zone's last plan (hooks/zone/plan.ts), used again while a sync request carries the very objects it was made
 * from. The apiserver gives every write of an object a new `metadata.resourceVersion`, so the parent and every related
 * object at the versions of last time are the same content, and `planZoneSync` — a pure function of the request — would
 * return the same plan. Metacontroller's periodic resync of a zone nothing touched then costs one pass over the
 * request's versions instead of selecting, validating and building the zone again (npm run bench, rows H-*).
 *
 * The kept plans hold the records of the requests they were made from, so they are bounded by those requests' object
 * count; the least recently synced zone goes first. A request with an object that has no resourceVersion is planned
 * every time. The very request object of last time (a kept body) is known without reading its versions again.
 */
import { createHash } from 'node:crypto';
import type { DNSZone } from '../schema/generated.js';
import type { KubeObject, SyncRequest } from '../metacontroller.js';
import type { ZonePlan } from './plan.js';

/** How many related objects the kept plans may have been made from, together, by default. */
export const DEFAULT_PLAN_MEMO_OBJECTS = 12000;

/** The versions a request's plan depends on, as one digest, with the object count; undefined when one has none. */
export function planInputs(req: SyncRequest<DNSZone & KubeObject>): { digest: string; objects: number } | undefined {
  const parentVersion = req.parent.metadata.resourceVersion;
  if (!parentVersion) return undefined;
  const hash = createHash('sha256').update(parentVersion);
  let objects = 1;
  for (const [group, members] of Object.entries(req.related)) {
    // group and object keys never hold a space or a newline (kind.group/version, namespace/name)
    hash.update(`\n${group}`);
    for (const [key, o] of Object.entries(members)) {
      const v = o.metadata?.resourceVersion;
      if (!v) return undefined;
      hash.update(` ${key} ${v}`);
      objects++;
    }
  }
  return { digest: hash.digest('base64'), objects };
}

export interface PlanMemo {
  /** The plan `make` returns for `req`, or the one it returned for a request with the same versions. */
  plan(req: SyncRequest<DNSZone & KubeObject>, make: () => ZonePlan): ZonePlan;
}

/** A memo of at most `maxObjects` related objects' worth of plans (0: none kept). */
export function planMemo(maxObjects = DEFAULT_PLAN_MEMO_OBJECTS): PlanMemo {
  const kept = new Map<string, { digest: string; objects: number; plan: ZonePlan; req: object }>();
  let total = 0;
  const forget = (uid: string) => {
    const e = kept.get(uid);
    if (e) total -= e.objects;
    kept.delete(uid);
  };
  return {
    plan(req, make) {
      const uid = req.parent.metadata.uid;
      if (!uid) return make();
      const last = kept.get(uid);
      // the very request of last time (a body the hooks kept parsed, hooks/request-body.ts): the same versions
      const inputs = last?.req === req ? last : planInputs(req);
      if (!inputs) return make();
      forget(uid);
      // kept again as the most recent, whether used again or made afresh
      const entry = last?.digest === inputs.digest ? { ...last, req } : { ...inputs, plan: make(), req };
      if (entry.objects > maxObjects) return entry.plan;
      for (const [oldest] of kept) {
        if (total + entry.objects <= maxObjects) break;
        forget(oldest);
      }
      kept.set(uid, entry);
      total += entry.objects;
      return entry.plan;
    },
  };
}
