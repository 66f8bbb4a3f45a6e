/**
 * Pure: what named serves (from AXFR/IXFR) as RRsets, the diff desired → served as RFC 2136 update
 * operations chunked under the 64 KiB message limit, and the post-update verification.
 *
 * Only bindcar's record types are compared; DNSSEC-maintained types (RRSIG, NSEC, NSEC3,
 * NSEC3PARAM, DNSKEY, CDS, CDNSKEY, TYPE65534) and other types named may carry are ignored, so a
 * signed zone never looks "changed" and bindcar never fights BIND's signer.
 */
import type { RecordType } from '../dns/contract.js';
import {
  decodeSoa,
  presentRdata,
  TYPE_SOA,
  updateOpWire,
  updateOverhead,
  type Message,
  type UpdateOp,
  type WireRR,
} from './dns-wire.js';
import { typeName } from '../dns/rdata.js';
import { rrsetKey, sameRRset, type RRset } from '../dns/rrset.js';
import type { DesiredZone } from '../dns/zone-model.js';
import { sameSoa, type SoaFields } from '../dns/zone-rules.js';

export interface ServedZone {
  zone: string;
  serial: number;
  soa: SoaFields;
  rrsets: Map<string, RRset>;
  /**
   * In a {@link managedView}: the RRsets that also hold unmanaged RRs, which the diff changes RR by RR so that a
   * replacement never deletes them.
   */
  partial?: ReadonlySet<string>;
}

/** Largest UPDATE we build, leaving room for the TSIG RR under the 65,535-octet TCP message limit. */
export const MAX_UPDATE_BYTES = 60000;

function ours(rr: WireRR): RecordType | undefined {
  const t = typeName(rr.type);
  return t && t !== 'SOA' ? t : undefined;
}

function soaFieldsOf(rr: WireRR): { serial: number; soa: SoaFields } {
  const s = decodeSoa(rr);
  return {
    serial: s.serial,
    soa: {
      mname: s.mname,
      rname: s.rname,
      refresh: s.refresh,
      retry: s.retry,
      expire: s.expire,
      minimum: s.minimum,
      ttl: rr.ttl,
    },
  };
}

/**
 * Add one RR. `owned` holds keys whose RRset objects belong to this map (copy-on-write: RRsets
 * shared with the base zone are copied before their first change).
 */
function addRR(
  sets: Map<string, RRset>,
  owner: string,
  type: RecordType,
  ttl: number,
  data: string,
  owned?: Set<string>,
  inPlace = false,
): void {
  const k = rrsetKey(owner, type);
  let s = sets.get(k);
  if (!s) {
    sets.set(k, { owner, type, ttl, data: [data] });
    owned?.add(k);
    return;
  }
  if (owned && !owned.has(k) && !inPlace) {
    s = { ...s, data: [...s.data] };
    sets.set(k, s);
  }
  owned?.add(k);
  if (inPlace && s.rdata) delete s.rdata; // the structured rdata would no longer match `data`
  s.ttl = ttl;
  if (!s.data.includes(data)) {
    s.data.push(data);
    s.data.sort();
  }
}

function delRR(sets: Map<string, RRset>, owner: string, type: RecordType, data: string, owned: Set<string>): void {
  const k = rrsetKey(owner, type);
  const s = sets.get(k);
  if (!s) return;
  const data2 = s.data.filter((d) => d !== data);
  if (data2.length === 0) sets.delete(k);
  else sets.set(k, { ...s, data: data2 });
  owned.add(k);
}

function cloneSets(m: Map<string, RRset>): Map<string, RRset> {
  const out = new Map<string, RRset>();
  for (const [k, v] of m) out.set(k, { ...v, data: [...v.data] });
  return out;
}

/**
 * Apply an AXFR or IXFR answer (all messages) to `base` (the zone at `fromSerial`; ignored for a
 * full transfer). Handles the three IXFR forms of RFC 1995 §4: up to date (one SOA), incremental
 * (SOA-delimited difference sequences) and full (AXFR-style).
 *
 * `inPlace`: an incremental transfer changes `base`'s map and RRsets instead of a copy — the cost of a change
 * then follows the change, not the zone (copying a 100k-entry map cost more than the 2-RR IXFR it applied). Only
 * for a base nobody else holds (the zone cache's own entry); if this throws, the base is half-applied and must be
 * dropped.
 * @returns the served zone after the transfer
 */
export function applyTransfer(
  zone: string,
  base: ServedZone | undefined,
  messages: readonly Message[],
  inPlace = false,
): ServedZone & { touched?: Set<string> } {
  const rrs = messages.flatMap((m) => m.an);
  const first = rrs[0];
  if (!first || first.type !== TYPE_SOA) throw new Error(`zone transfer of ${zone} did not start with an SOA`);
  const head = soaFieldsOf(first);
  if (rrs.length === 1) {
    if (!base || base.serial !== head.serial)
      throw new Error(`zone transfer of ${zone} returned only an SOA (serial ${head.serial})`);
    return { ...base, serial: head.serial, soa: head.soa };
  }
  const incremental = base !== undefined && rrs[1]!.type === TYPE_SOA;
  if (!incremental) {
    const sets = new Map<string, RRset>();
    for (let i = 1; i < rrs.length - 1; i++) {
      const rr = rrs[i]!;
      const t = ours(rr);
      if (!t) continue;
      const d = presentRdata(rr);
      if (d !== undefined) addRR(sets, rr.name, t, rr.ttl, d);
    }
    return { zone, serial: head.serial, soa: head.soa, rrsets: sets };
  }
  const sets = inPlace ? base.rrsets : new Map(base.rrsets);
  const touched = new Set<string>();
  // SOA(new) [SOA(old) deletions… SOA(next) additions…]* SOA(new)
  let adding = true; // the first SOA (old serial) opens a deletion list
  for (let i = 1; i < rrs.length - 1; i++) {
    const rr = rrs[i]!;
    if (rr.type === TYPE_SOA) {
      adding = !adding;
      continue;
    }
    const t = ours(rr);
    if (!t) continue;
    const d = presentRdata(rr);
    if (d === undefined) continue;
    if (adding) addRR(sets, rr.name, t, rr.ttl, d, touched, inPlace);
    else delRR(sets, rr.name, t, d, touched);
  }
  if (inPlace) {
    // whoever still holds the base sees the zone it now describes (its map moved on with it)
    base.serial = head.serial;
    base.soa = head.soa;
  }
  return { zone, serial: head.serial, soa: head.soa, rrsets: sets, touched };
}

/**
 * What bindcar manages of a served zone: every RR the desired zone's unmanaged-record rules match is left out
 * (dns/unmanaged.ts), so the diff, the deletion guard and the read-back never see it. The zone itself when there are
 * no rules.
 */
export function managedView(desired: DesiredZone, served: ServedZone): ServedZone {
  const match = desired.unmanaged;
  if (!match) return served;
  const rrsets = new Map<string, RRset>();
  const partial = new Set<string>();
  for (const [k, s] of served.rrsets) {
    const managed = s.data.filter((d) => match(s.owner, s.type, d) < 0);
    if (managed.length === s.data.length) rrsets.set(k, s);
    else {
      partial.add(k);
      if (managed.length) rrsets.set(k, { owner: s.owner, type: s.type, ttl: s.ttl, data: managed });
    }
  }
  return { ...served, rrsets, partial };
}

/** `desired` plus the served RRs its unmanaged-record rules match: what a zone rebuilt from a file must hold. */
export function withUnmanaged(desired: DesiredZone, served: ServedZone): DesiredZone {
  const match = desired.unmanaged;
  if (!match) return desired;
  const rrsets = new Map(desired.rrsets);
  for (const [k, s] of served.rrsets) {
    const kept = s.data.filter((d) => match(s.owner, s.type, d) >= 0);
    if (!kept.length) continue;
    const want = rrsets.get(k);
    rrsets.set(k, {
      owner: s.owner,
      type: s.type,
      ttl: want?.ttl ?? s.ttl,
      data: [...new Set([...(want?.data ?? []), ...kept])].sort(),
    });
  }
  return { ...desired, rrsets };
}

/** A served zone equal to a freshly loaded desired zone (used right after addzone). */
export function servedFromDesired(d: DesiredZone, serial: number): ServedZone {
  return { zone: d.zone, serial, soa: { ...d.soa }, rrsets: cloneSets(d.rrsets) };
}

/** RFC 1982 serial comparison: a > b. */
export function serialGt(a: number, b: number): boolean {
  return a !== b && ((a > b && a - b < 2 ** 31) || (a < b && b - a > 2 ** 31));
}

export interface ZoneDiff {
  /** one array of encoded update RRs per UPDATE message */
  messages: Buffer[][];
  added: number;
  removed: number;
  /** the serial named will serve after applying every message */
  expectedSerial: number;
  /** RRsets whose content differs (for logs) */
  changedRRsets: number;
  /** keys of the RRsets the diff changes */
  keys: string[];
}

/** The op adding the `i`-th RR of `want`, with its structured rdata when the RRset carries it. */
function addOp(want: RRset, i: number): UpdateOp {
  const rdata = want.rdata?.[i];
  return {
    op: 'add',
    owner: want.owner,
    type: want.type,
    ttl: want.ttl,
    data: want.data[i]!,
    ...(rdata ? { rdata } : {}),
  };
}

/**
 * Diff desired vs served and build the UPDATE messages: per owner+type RRset replacement
 * (delete RRset + add) — except the apex NS RRset, which named refuses to delete as a whole
 * (RFC 2136 §3.4.2.4: a delete of the last apex NS is ignored), so it is changed RR by RR, its deletions placed after every
 * addition. All changes of one owner go in one message, deletions before additions. The SOA is sent only when its fields change or `floorSerial` is
 * above what named would otherwise serve.
 */

export function diffZone(desired: DesiredZone, served: ServedZone, floorSerial?: number | null): ZoneDiff {
  const zone = desired.zone;
  const apexNs = rrsetKey(`${zone}.`, 'NS');
  type Group = { dels: UpdateOp[]; adds: UpdateOp[]; late: UpdateOp[] };
  const byOwner = new Map<string, Group>();
  const group = (owner: string): Group => {
    let g = byOwner.get(owner);
    if (!g) byOwner.set(owner, (g = { dels: [], adds: [], late: [] }));
    return g;
  };
  let added = 0;
  let removed = 0;
  let changedRRsets = 0;
  const keys: string[] = [];
  const countDiff = (want: RRset | undefined, have: RRset | undefined): void => {
    const w = new Set(want ? want.data.map((d) => `${want.ttl} ${d}`) : []);
    const h = new Set(have ? have.data.map((d) => `${have.ttl} ${d}`) : []);
    for (const x of w) if (!h.has(x)) added++;
    for (const x of h) if (!w.has(x)) removed++;
  };
  for (const [k, want] of desired.rrsets) {
    const have = served.rrsets.get(k);
    if (have && sameRRset(want, have)) continue;
    changedRRsets++;
    keys.push(k);
    countDiff(want, have);
    const g = group(want.owner);
    if (have && (k === apexNs || served.partial?.has(k))) {
      // RR by RR: the apex NS after the additions, since named ignores deleting the last apex NS (RFC 2136
      // §3.4.2.4); an RRset holding unmanaged RRs, which deleting the RRset would take along
      for (const d of have.data)
        if (!want.data.includes(d)) g.late.push({ op: 'deleteRR', owner: want.owner, type: want.type, data: d });
      want.data.forEach((d, i) => {
        if (want.ttl !== have.ttl || !have.data.includes(d)) g.adds.push(addOp(want, i));
      });
    } else {
      if (have) g.dels.push({ op: 'deleteRRset', owner: want.owner, type: want.type });
      want.data.forEach((_, i) => g.adds.push(addOp(want, i)));
    }
  }
  for (const [k, have] of served.rrsets) {
    if (desired.rrsets.has(k)) continue;
    changedRRsets++;
    keys.push(k);
    countDiff(undefined, have);
    if (k === apexNs) {
      // never delete all apex NS (named ignores it); desired always has apex NS for primaries
      continue;
    }
    if (served.partial?.has(k))
      for (const d of have.data)
        group(have.owner).dels.push({ op: 'deleteRR', owner: have.owner, type: have.type, data: d });
    else group(have.owner).dels.push({ op: 'deleteRRset', owner: have.owner, type: have.type });
  }

  const budget = MAX_UPDATE_BYTES - updateOverhead(zone) - 200; // 200: room for an SOA RR
  const messages: Buffer[][] = [];
  let curDels: Buffer[] = [];
  let curAdds: Buffer[] = [];
  let curLate: Buffer[] = [];
  let size = 0;
  const flush = (): void => {
    if (curDels.length || curAdds.length || curLate.length) messages.push([...curDels, ...curAdds, ...curLate]);
    curDels = [];
    curAdds = [];
    curLate = [];
    size = 0;
  };
  // The apex and the hosts of its NS RRs go first, together: named's post-update sanity check
  // rejects a message leaving an in-zone NS without an address.
  const nsHosts = new Set<string>([
    `${zone}.`,
    ...(desired.rrsets.get(apexNs)?.data ?? []),
    ...(served.rrsets.get(apexNs)?.data ?? []),
  ]);
  const owners = [...byOwner.keys()].sort((a, b) => {
    const pa = nsHosts.has(a) ? 0 : 1;
    const pb = nsHosts.has(b) ? 0 : 1;
    return pa !== pb ? pa - pb : a < b ? -1 : a > b ? 1 : 0;
  });
  for (const o of owners) {
    const g = byOwner.get(o)!;
    const dels = g.dels.map((u) => updateOpWire(zone, u));
    const adds = g.adds.map((u) => updateOpWire(zone, u));
    const late = g.late.map((u) => updateOpWire(zone, u));
    const n = [...dels, ...adds, ...late].reduce((s, b) => s + b.length, 0);
    if (size + n > budget && size > 0) flush();
    if (n > budget) {
      // One owner's changes exceed a message (many large RRsets): split them in order. Each RRset
      // is bounded by validation, so every piece fits.
      for (const b of [...dels, ...adds, ...late]) {
        if (size + b.length > budget && size > 0) flush();
        curAdds.push(b);
        size += b.length;
      }
      flush();
      continue;
    }
    curDels.push(...dels);
    curAdds.push(...adds);
    curLate.push(...late);
    size += n;
  }
  flush();

  const soaChanged = !sameSoa(desired.soa, served.soa);
  let expectedSerial = (served.serial + messages.length) >>> 0;
  const floor = floorSerial ?? undefined;
  const floorApplies = floor !== undefined && serialGt(floor, expectedSerial);
  if (soaChanged || floorApplies) {
    const target = floorApplies ? floor! : messages.length ? expectedSerial : (served.serial + 1) >>> 0;
    const soaOp = updateOpWire(zone, { op: 'soa', ttl: desired.soa.ttl, soa: { ...desired.soa, serial: target } });
    if (messages.length === 0) messages.push([soaOp]);
    else messages[messages.length - 1]!.push(soaOp);
    expectedSerial = target;
  }
  return { messages, added, removed, expectedSerial, changedRRsets, keys };
}

/**
 * Compare what named serves with the desired zone after an update; returns human-readable
 * mismatches (empty when named applied everything). named answers NOERROR yet ignores e.g. a CNAME
 * beside other data, so this is the only proof an update took effect.
 */
export function mismatches(
  desired: DesiredZone,
  served: ServedZone,
  limit = 20,
  only?: Iterable<string>,
  skip: ReadonlySet<string> = new Set(),
): string[] {
  const out: string[] = [];
  if (!sameSoa(desired.soa, served.soa))
    out.push(`SOA is ${JSON.stringify(served.soa)}, wanted ${JSON.stringify(desired.soa)}`);
  if (only) {
    // Only these RRsets can differ: everything else was equal before the update and untouched by it.
    for (const k of only) {
      if (out.length >= limit) break;
      if (skip.has(k)) continue;
      const want = desired.rrsets.get(k);
      const have = served.rrsets.get(k);
      if (want && !have) out.push(`${k} is missing`);
      else if (!want && have) out.push(`${k} is served but not desired`);
      else if (want && have && !sameRRset(want, have))
        out.push(`${k} is ${have.ttl} [${have.data.join(' | ')}], wanted ${want.ttl} [${want.data.join(' | ')}]`);
    }
    return out;
  }
  for (const [k, want] of desired.rrsets) {
    if (out.length >= limit) return out;
    if (skip.has(k)) continue;
    const have = served.rrsets.get(k);
    if (!have) out.push(`${k} is missing`);
    else if (!sameRRset(want, have))
      out.push(`${k} is ${have.ttl} [${have.data.join(' | ')}], wanted ${want.ttl} [${want.data.join(' | ')}]`);
  }
  for (const k of served.rrsets.keys()) {
    if (out.length >= limit) return out;
    if (skip.has(k)) continue;
    if (!desired.rrsets.has(k)) out.push(`${k} is served but not desired`);
  }
  return out;
}
