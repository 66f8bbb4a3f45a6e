/**
 * `bindy plan`'s core: per zone, the RRsets to add, remove and change to go from what a bindcar serves to what the
 * manifests declare. Both sides pass through the one zone model (dns/zone-model.ts), so the plan shows
 * exactly what a PUT would change — no false diffs from spelling (case, trailing dots, IPv6 forms, TXT splits).
 */
import type { ZoneRecordsResult } from '../dns/contract.js';
import { rrsetKey, type RRset } from '../dns/rrset.js';
import { desiredZone as bindcarModel } from '../dns/zone-model.js';
import type { RenderedZone } from './render.js';

export interface RRsetChange {
  owner: string;
  type: string;
  from?: { ttl: number; data: string[] };
  to?: { ttl: number; data: string[] };
}

export interface ZonePlan {
  zone: string;
  source: string;
  /** create: the server does not serve the zone yet. */
  action: 'create' | 'update' | 'none';
  add: RRsetChange[];
  remove: RRsetChange[];
  change: RRsetChange[];
}

const absolute = (zone: string, name: string) =>
  name === '@' ? `${zone}.` : name.endsWith('.') ? name.toLowerCase() : `${name.toLowerCase()}.${zone}.`;

/** The plan for one zone; `served` is undefined when the bindcar does not serve it. */
export function planZone(rendered: RenderedZone, served: ZoneRecordsResult | undefined): ZonePlan {
  const model = bindcarModel(rendered.zoneName, rendered.body, Number.MAX_SAFE_INTEGER);
  if (!model.ok)
    throw new Error(`zone ${rendered.zoneName}: ${model.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  const want = model.zone.rrsets;
  const plan: ZonePlan = {
    zone: rendered.zoneName,
    source: rendered.source,
    action: served ? 'none' : 'create',
    add: [],
    remove: [],
    change: [],
  };
  const have = new Map<string, RRset>();
  const unmanaged = model.zone.unmanaged;
  for (const r of served?.records ?? []) {
    const owner = absolute(rendered.zoneName, r.name);
    // records the zone leaves to others: a PUT neither deletes nor compares them
    if (unmanaged && unmanaged(owner, r.type, r.data) >= 0) continue;
    const key = rrsetKey(owner, r.type);
    const set = have.get(key) ?? { owner, type: r.type, ttl: r.ttl, data: [] };
    set.data.push(r.data);
    set.ttl = Math.min(set.ttl, r.ttl);
    have.set(key, set);
  }
  for (const set of have.values()) set.data.sort();
  for (const key of [...new Set([...want.keys(), ...have.keys()])].sort()) {
    const w = want.get(key);
    const h = have.get(key);
    const side = (s: RRset) => ({ ttl: s.ttl, data: [...s.data] });
    if (w && !h) plan.add.push({ owner: w.owner, type: w.type, to: side(w) });
    else if (h && !w) plan.remove.push({ owner: h.owner, type: h.type, from: side(h) });
    else if (w && h && (w.ttl !== h.ttl || w.data.join('\n') !== h.data.join('\n')))
      plan.change.push({ owner: w.owner, type: w.type, from: side(h), to: side(w) });
  }
  if (served && (plan.add.length || plan.remove.length || plan.change.length)) plan.action = 'update';
  return plan;
}

/** The plan as terminal lines (`+` add, `-` remove, `~` change). */
export function planLines(plan: ZonePlan): string[] {
  const head =
    plan.action === 'create'
      ? `zone ${plan.zone} (${plan.source}): not served yet; would be created with ${plan.add.length} RRsets`
      : plan.action === 'none'
        ? `zone ${plan.zone} (${plan.source}): no changes`
        : `zone ${plan.zone} (${plan.source}): ${plan.add.length} to add, ${plan.remove.length} to remove, ${plan.change.length} to change`;
  const lines = [head];
  const rr = (c: RRsetChange, s: { ttl: number; data: string[] }) =>
    s.data.map((d) => `${c.owner} ${s.ttl} ${c.type} ${d}`);
  for (const c of plan.add) for (const l of rr(c, c.to!)) lines.push(`  + ${l}`);
  for (const c of plan.remove) for (const l of rr(c, c.from!)) lines.push(`  - ${l}`);
  for (const c of plan.change) {
    lines.push(`  ~ ${c.owner} ${c.type}`);
    for (const l of rr(c, c.from!)) lines.push(`    - ${l}`);
    for (const l of rr(c, c.to!)) lines.push(`    + ${l}`);
  }
  return lines;
}
