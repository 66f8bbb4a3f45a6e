/**
 * Apply a desired zone: the declarative API the DNSZone hook drives (`PUT`, `DELETE`,
 * `GET …/records` of `/api/v1/zones/{zone}`, body and results in dns/contract.ts).
 *
 * - New primary zone: validate → atomic zone-file write → `rndc addzone` (dynamic: allow-update for
 *   bindcar's key) → listed in the catalog before the response.
 * - Existing primary zone: diff against what named serves (zone-state.ts) → TSIG-signed RFC 2136
 *   UPDATE messages → IXFR read-back → verify that named serves the desired zone. named answers
 *   NOERROR to UPDATEs it partly ignores, so only the read-back proves the change.
 * - named refuses an UPDATE message as a whole (RFC 2136 §3.7: atomic). When it refuses one that passed the
 *   rules (dns/zone-rules.ts) — a named setting bindcar does not model — the change is applied again RRset by
 *   RRset, and the RRsets named refuses are answered in `refused`, so one RRset never blocks its zone. A new zone
 *   named will not load is created with its name servers only and then filled the same way, so the served result
 *   does not depend on whether the zone existed before.
 * - Zone options change through `rndc modzone`, only after they passed validation and only when
 *   they differ from what named has.
 * - Secondary zone: only its options (primaries, ACLs); its content is whatever it transfers.
 *
 * Serial consistency across primaries. Every primary of a cluster gets the same PUT body, but each
 * named numbers its own changes, so after a missed push or a restart two primaries can serve the
 * same content under different serials, and a secondary following both would see a "newer" serial
 * with older content. The body's `serial` is therefore a floor:
 *
 *     served = max(floor, current + 1)   when the content changed
 *     served = floor                     when only the floor is ahead of the current serial
 *     served = current                   otherwise (same content, floor not ahead: a no-op)
 *
 * The DNSZone hook sends `serial` = the highest serial any primary reported (observed status) and
 * re-PUTs primaries whose answer is lower until all agree; since the content is equal, the lagging
 * primary only bumps its SOA to the floor. Serials compare in RFC 1982 arithmetic.
 */
import { UpdateRejectedError } from './dns-client.js';
import { soaPrerequisite } from './dns-wire.js';
import {
  RECORD_TYPES,
  validatePatchRRsetsBody,
  validatePutZoneBody,
  type FieldError,
  type PatchRRsetsBody,
  type PutZoneBody,
  type PutZoneResult,
  type RefusedRRset,
  type ZoneRecord,
  type ZoneRecordsResult,
} from '../dns/contract.js';
import { createHash } from 'node:crypto';
import { HttpError, invalidSpec, namedFailed, notFound } from './errors.js';
import { checkBody, type BindcarRoute, type RouteDeps, type RouteRequest } from './http.js';
import { absoluteOwner, relativeOwner } from '../dns/names.js';
import { parseRecord, type Rdata } from '../dns/rdata.js';
import { RndcError } from './rndc.js';
import { orderRRsets, rrsetKey, sameRRset, type RRset } from '../dns/rrset.js';
import type { DesiredZone } from '../dns/zone-model.js';
import { renderDesiredZone } from './zone-file.js';
import { deletedRecords, guardVerdict, recordCount } from './deletion-guard.js';
import { readZoneDnssec } from './dnssec.js';
import { signingPolicy } from '../dns/dnssec.js';
import { checkDnssecKeys } from '../dns/dnssec-keys.js';
import type { ZoneOwner } from './zone-store.js';
import {
  applyTransfer,
  diffZone,
  managedView,
  mismatches,
  servedFromDesired,
  serialGt,
  withUnmanaged,
  type ServedZone,
} from './zone-state.js';
import { zoneParam, type ZoneService } from './zones.js';

/**
 * A PUT of the very bytes (`digest`, their SHA-256) this process applied last, when nothing has changed the zone
 * since ({@link unchangedPut}): its answer and whether the zone is signed; else undefined and the body goes to
 * {@link putZone}. Called before the body is parsed: parsing and validating it again would only find what is known.
 */
export async function samePut(
  zones: ZoneService,
  zoneRaw: string,
  digest: string,
): Promise<{ answer: PutZoneResult; signing: boolean } | undefined> {
  const zone = zones.writable(zoneParam(zoneRaw));
  const put = zones.entry(zone).applied?.put;
  if (put?.digest !== digest) return undefined;
  const answer = await zones.withZone(zone, () => unchangedPut(zones, zone, digest));
  return answer && { answer, signing: put.signing };
}

/**
 * `PUT /api/v1/zones/{zone}`: make named serve exactly `body`.
 * Same body twice ⇒ `changed: false` and the serial stays.
 * @param digest the SHA-256 of the body's bytes, when the caller has them: kept with the result, so the same bytes
 *   again are answered by {@link samePut}
 */
export async function putZone(
  zones: ZoneService,
  zoneRaw: string,
  body: PutZoneBody,
  digest?: string,
): Promise<PutZoneResult> {
  const zone = zones.writable(zoneParam(zoneRaw));
  const { desired, config, warnings } = zones.validate(zone, body);
  const keyErrors = checkDnssecKeys(zone, body.dnssecKeys ?? []);
  if (keyErrors.length)
    throw invalidSpec(`the DNSSEC keys for zone ${zone} are invalid: ${keyErrors[0]!.message}`, keyErrors);
  return zones.withZone(zone, async () => {
    if (body.type === 'secondary') return putSecondary(zones, zone, config);
    const entry = zones.entry(zone);
    entry.applied = undefined;
    const r = await putPrimary(zones, zone, body, desired, config);
    const answer = warnings.length ? { ...r, warnings } : r;
    // a base for changed-RRsets PATCHes: named serves exactly this body (nothing refused, no records of others)
    if (!r.refused?.length && !desired.unmanaged && entry.served?.serial === r.serial)
      entry.applied = {
        serial: r.serial,
        records: recordCount(desired.rrsets),
        defaultTtl: desired.defaultTtl,
        ...(digest !== undefined
          ? { put: { digest, config, answer: answeredAgain(answer), signing: signingPolicy(body.dnssecPolicy) } }
          : {}),
      };
    return answer;
  });
}

/**
 * The answer the same body gets once it is applied: nothing changes, nothing is created, adopted or acknowledged;
 * the serial, the guard's record count and the warnings are those of the body.
 */
function answeredAgain(r: PutZoneResult): PutZoneResult {
  const { adopted: _adopted, acknowledged: _acknowledged, ...rest } = r;
  return { ...rest, changed: false, created: false, added: 0, removed: 0 };
}

/**
 * A PUT of the body this process applied last (the same SHA-256), when nothing has changed the zone since: named
 * still serves the serial that PUT left (every UPDATE, PATCH or re-creation moves it, and each of them clears
 * `entry.applied`), the zone options are still those it applied (the upstream API can change them alone) and its
 * zone file is there. Then parsing, validating and diffing the body again — most of the PUT, ≈ 5 µs per record —
 * would only find what is known, and one SOA query replaces them. Anything else: undefined, and the full PUT runs.
 * Call inside the zone's lock.
 */
async function unchangedPut(zones: ZoneService, zone: string, digest: string): Promise<PutZoneResult | undefined> {
  const entry = zones.entry(zone);
  const applied = entry.applied;
  const put = applied?.put;
  if (!applied || !put || put.digest !== digest || entry.config !== put.config) return undefined;
  const soa = await zones.timed('soa', () => zones.deps.dns.soa(zone));
  if (!soa.served || soa.soa.serial !== applied.serial || !(await zones.deps.store.exists(zone))) return undefined;
  return { ...put.answer };
}

/**
 * `PATCH /api/v1/zones/{zone}/rrsets`: apply only the RRsets that changed since the last full PUT — the cost follows
 * the change, not the zone (no body of the whole zone to parse, validate or diff). The precondition makes it exactly
 * the full PUT's result: this process set the zone with a PUT (or PATCH) at `ifSerial`, and named still serves
 * `ifSerial` (every other change moves the serial), so the served zone is the caller's last body and replacing these
 * RRsets yields its new one. Anything else — bindcar restarted, the zone changed underneath, an UPDATE named refuses,
 * a read-back that differs — is 409 `PRECONDITION_FAILED` (or the error) and the caller sends the full PUT, the
 * source of truth. Each record is checked by the one record grammar and the rules local to its owner (CNAME alone,
 * not at the apex, `max-records-per-type`); the rules across owners were run on the whole zone by the caller (the
 * DNSZone hook runs the same rule set before every push), and the read-back proves what named serves.
 */
export function patchRRsets(zones: ZoneService, zoneRaw: string, body: PatchRRsetsBody): Promise<PutZoneResult> {
  const zone = zones.writable(zoneParam(zoneRaw));
  const changes = changedRRsets(zone, body, zones.maxRecordsPerType);
  return zones.withZone(zone, async () => {
    const { dns } = zones.deps;
    const entry = zones.entry(zone);
    const applied = entry.applied;
    const served = entry.served;
    const stale = (why: string) =>
      new HttpError(409, 'PRECONDITION_FAILED', `zone ${zone}: ${why}; send the full zone (PUT)`, [
        { field: 'ifSerial', message: why },
      ]);
    if (!applied || !served) throw stale('bindcar has not set this zone since it started');
    if (applied.serial !== body.ifSerial || served.serial !== body.ifSerial)
      throw stale(`bindcar last set serial ${applied.serial}, not ${body.ifSerial}`);
    const servesIfSerial = async () => {
      const soa = await zones.timed('soa', () => dns.soa(zone));
      if (!soa.served || soa.soa.serial !== body.ifSerial)
        throw stale(`named serves serial ${soa.served ? soa.soa.serial : 'none'}, not ${body.ifSerial}`);
    };
    ownerRules(zone, changes, served);
    // the change as a zone of only the RRsets it touches: diff, guard and read-back look at nothing else
    const before = new Map<string, RRset>();
    const want = new Map<string, RRset>();
    for (const [k, s] of changes) {
      const have = served.rrsets.get(k);
      if (have) before.set(k, have);
      if (s) want.set(k, s);
    }
    const desired: DesiredZone = { zone, defaultTtl: applied.defaultTtl, soa: served.soa, rrsets: want };
    const scope: ServedZone = { ...served, rrsets: before };
    const records = applied.records + recordCount(want) - recordCount(before);
    const guarded = body.deletionGuard
      ? guardChange(zone, body, desired, scope, {
          served: applied.records,
          after: records,
        })
      : {};
    const floor = body.serial ?? undefined;
    const diff = diffZone(desired, scope, floor);
    if (diff.messages.length === 0) {
      await servesIfSerial();
      return { zone, serial: served.serial, changed: false, created: false, added: 0, removed: 0, ...guarded };
    }
    entry.applied = undefined; // until this change is verified
    // the precondition travels inside the UPDATE: named applies it only while it serves the SOA of `ifSerial`
    // (one round trip less than asking first, and nothing can change the zone between the question and the change)
    const prerequisite = soaPrerequisite(zone, { ...served.soa, serial: body.ifSerial });
    try {
      await zones.timed('update', () => dns.update(zone, diff.messages, undefined, [prerequisite]));
    } catch (e) {
      if (e instanceof UpdateRejectedError)
        throw stale(
          e.rcode === 'NXRRSET'
            ? `named no longer serves serial ${body.ifSerial} (its SOA changed)`
            : `named refused the change (${e.rcode})`,
        );
      throw e;
    }
    const msgs = await zones.timed('ixfr', () => dns.transfer(zone, served.serial));
    let after: ReturnType<typeof applyTransfer>;
    try {
      after = applyTransfer(zone, served, msgs, true);
    } catch (e) {
      entry.served = undefined;
      throw e;
    }
    entry.served = after;
    const checked = after.touched ? new Set([...diff.keys, ...after.touched]) : undefined;
    const missing = checked ? mismatches(desired, after, 20, checked) : ['the read-back was a full transfer'];
    if (missing.length) throw stale(`named does not serve the change as sent: ${missing.slice(0, 3).join('; ')}`);
    entry.applied = { serial: after.serial, records, defaultTtl: applied.defaultTtl };
    return {
      zone,
      serial: after.serial,
      changed: true,
      created: false,
      added: diff.added,
      removed: diff.removed,
      ...guarded,
    };
  });
}

/**
 * The PATCH's RRsets, canonical (dns/rdata.ts `parseRecord`, absolute owner; lowest TTL; sorted unique data):
 * key → RRset, or null for a deletion. Entries naming one owner+type merge. 422 naming `rrsets/i/records/j/…`.
 */
function changedRRsets(zone: string, body: PatchRRsetsBody, maxPerType: number): Map<string, RRset | null> {
  const errors: FieldError[] = [];
  const out = new Map<string, RRset | null>();
  body.rrsets.forEach((e, i): void => {
    const owner = absoluteOwner(zone, e.name);
    if (!owner.ok) {
      errors.push({ field: `rrsets/${i}/name`, message: owner.reason });
      return;
    }
    const k = rrsetKey(owner.name, e.type);
    const acc = new Map<string, Rdata>();
    let ttl = Infinity;
    e.records.forEach((r, j) => {
      const c = parseRecord(zone, { name: e.name, type: e.type, ttl: r.ttl, data: r.data });
      if (!c.ok) {
        errors.push({ field: `rrsets/${i}/records/${j}/${c.field}`, message: c.message });
        return;
      }
      acc.set(c.value.data, c.value.rdata);
      ttl = Math.min(ttl, r.ttl);
    });
    const prev = out.get(k);
    if (prev) {
      prev.data.forEach((d, j) => acc.set(d, prev.rdata![j]!));
      ttl = Math.min(ttl, prev.ttl);
    }
    if (acc.size === 0) {
      if (!prev) out.set(k, null);
      return;
    }
    if (acc.size > maxPerType) {
      errors.push({
        field: `rrsets/${i}/records`,
        message: `more than ${maxPerType} records (max-records-per-type)`,
      });
      return;
    }
    const data = [...acc.keys()].sort();
    out.set(k, { owner: owner.name, type: e.type, ttl, data, rdata: data.map((d) => acc.get(d)!) });
  });
  if (errors.length)
    throw invalidSpec(
      `the change of zone ${zone} is invalid: ${errors
        .slice(0, 5)
        .map((e) => `${e.field}: ${e.message}`)
        .join('; ')}`,
      errors,
    );
  return out;
}

/** The rules local to an owner, on the served zone after the change: a CNAME alone at its owner, never at the apex; the apex NS through PUT. */
function ownerRules(zone: string, changes: ReadonlyMap<string, RRset | null>, served: ServedZone): void {
  const after = (owner: string, type: string) => {
    const k = rrsetKey(owner, type);
    return changes.has(k) ? changes.get(k) : served.rrsets.get(k);
  };
  const errors: FieldError[] = [];
  for (const [k, s] of changes) {
    const [owner, type] = k.split(' ') as [string, string];
    if (owner === `${zone}.` && (type === 'NS' || (type === 'CNAME' && s)))
      errors.push({ field: 'rrsets', message: `${k}: the apex ${type} changes through the full PUT` });
    if (!s) continue;
    if (type === 'CNAME' && (s.data.length > 1 || RECORD_TYPES.some((t) => t !== 'CNAME' && after(owner, t))))
      errors.push({ field: 'rrsets', message: `${k}: a CNAME must be alone at its owner (RFC 1034 §3.6.2)` });
    if (type !== 'CNAME' && after(owner, 'CNAME'))
      errors.push({ field: 'rrsets', message: `${k}: ${owner} holds a CNAME (RFC 1034 §3.6.2)` });
  }
  if (errors.length) throw invalidSpec(`the change of zone ${zone} is invalid: ${errors[0]!.message}`, errors);
}

/**
 * Create a primary zone from scratch: its zone file, then `rndc addzone`. A zone named refused is
 * not left behind (`GET /api/v1/zones` lists the zone directory). Call inside the zone's lock.
 */
export async function createPrimary(
  zones: ZoneService,
  zone: string,
  desired: DesiredZone,
  config: string,
  serial: number,
  marker?: ZoneOwner,
): Promise<PutZoneResult> {
  const { store } = zones.deps;
  const entry = zones.entry(zone);
  await store.write(zone, renderDesiredZone(desired, serial));
  try {
    await zones.addZone(zone, config, 'primary');
  } catch (e) {
    if (!(await zones.zoneStatus(zone).catch(() => undefined))) await store.remove(zone);
    // named refused to load the whole zone (rndc's answer, as zones.rndcFailure words it): start from its name
    // servers and add the rest by UPDATE
    if (!(e instanceof HttpError && e.code === 'RNDC_FAILED')) throw e;
    const bare = nameServersOnly(desired);
    if (bare.rrsets.size === desired.rrsets.size) throw e;
    await createPrimary(zones, zone, bare, config, serial, marker);
    const { after, refused, diff } = await applyDiff(zones, zone, desired, entry.served!);
    return {
      zone,
      serial: after.serial,
      changed: true,
      created: true,
      added: diff.added,
      removed: 0,
      ...refusedOf(refused),
    };
  }
  entry.config = config;
  entry.served = servedFromDesired(desired, serial);
  if (marker) await store.setOwner(zone, marker);
  let added = 0;
  for (const s of desired.rrsets.values()) added += s.data.length;
  return { zone, serial, changed: true, created: true, added, removed: 0 };
}

/** The zone with only its apex NS RRset and the glue of its in-zone name servers. */
function nameServersOnly(desired: DesiredZone): DesiredZone {
  const apexNs = desired.rrsets.get(rrsetKey(`${desired.zone}.`, 'NS'));
  const hosts = new Set(apexNs?.data ?? []);
  const rrsets = new Map(
    [...desired.rrsets].filter(
      ([, s]) => s === apexNs || ((s.type === 'A' || s.type === 'AAAA') && hosts.has(s.owner)),
    ),
  );
  return { ...desired, rrsets };
}

const refusedOf = (refused: RefusedRRset[]) => (refused.length ? { refused } : {});

/**
 * Send the diff desired → served (what bindcar manages of it: zone-state.ts `managedView`) as UPDATEs; when named
 * refuses one, apply the change again one RRset at a time (removals first, so a name can change type) and collect the
 * RRsets it refuses. Then read back and verify everything but those.
 */
async function applyDiff(
  zones: ZoneService,
  zone: string,
  desired: DesiredZone,
  served: ServedZone,
  floor?: number,
): Promise<{ after: ServedZone; refused: RefusedRRset[]; diff: ReturnType<typeof diffZone> }> {
  const { dns } = zones.deps;
  const entry = zones.entry(zone);
  const diff = diffZone(desired, managedView(desired, served), floor);
  const refused: RefusedRRset[] = [];
  try {
    await zones.timed('update', () => dns.update(zone, diff.messages));
  } catch (e) {
    entry.served = served; // serial check on the next request catches partial application
    if (!(e instanceof UpdateRejectedError)) throw e;
    const soa = await zones.timed('soa', () => dns.soa(zone));
    let now = managedView(desired, await zones.readServed(zone, entry, soa.served ? soa.soa.serial : served.serial));
    const keys = [...new Set([...desired.rrsets.keys(), ...now.rrsets.keys()])].filter(
      (k) => !sameOrBoth(desired.rrsets.get(k), now.rrsets.get(k)),
    );
    keys.sort((a, b) => Number(desired.rrsets.has(a)) - Number(desired.rrsets.has(b)));
    for (const k of keys) {
      const want = desired.rrsets.get(k);
      const one = new Map(now.rrsets);
      if (want) one.set(k, want);
      else one.delete(k);
      const step = diffZone({ ...desired, rrsets: one }, now);
      if (step.messages.length === 0) continue;
      try {
        await zones.timed('update', () => dns.update(zone, step.messages));
        now = { ...now, soa: desired.soa, rrsets: one };
      } catch (err) {
        if (!(err instanceof UpdateRejectedError)) throw err;
        const s = want ?? now.rrsets.get(k)!;
        refused.push({ owner: s.owner, type: s.type, rcode: err.rcode });
      }
    }
    if (floor !== undefined) {
      const bump = diffZone({ ...desired, rrsets: now.rrsets }, now, floor);
      if (bump.messages.length) await zones.timed('update', () => dns.update(zone, bump.messages));
    }
  }
  const msgs = await zones.timed('ixfr', () => dns.transfer(zone, served.serial));
  let after: ReturnType<typeof applyTransfer>;
  try {
    after = applyTransfer(zone, served, msgs, served === entry.served);
  } catch (e) {
    entry.served = undefined;
    throw e;
  }
  entry.served = after;
  const skip = new Set(refused.map((r) => rrsetKey(r.owner, r.type)));
  // Verify what the diff changed plus whatever the IXFR says changed (full AXFR: everything).
  const checked = after.touched ? new Set([...diff.keys, ...after.touched]) : undefined;
  const missing = mismatches(desired, managedView(desired, after), 20, checked, skip);
  if (missing.length)
    throw namedFailed(
      'UPDATE_NOT_APPLIED',
      `named accepted the UPDATE for ${zone} but does not serve the desired zone`,
      {
        mismatches: missing,
      },
    );
  return { after, refused, diff };
}

const sameOrBoth = (a: RRset | undefined, b: RRset | undefined) => (a && b ? sameRRset(a, b) : a === b);

async function putPrimary(
  zones: ZoneService,
  zone: string,
  body: PutZoneBody,
  desired: DesiredZone,
  config: string,
): Promise<PutZoneResult> {
  const { dns, rndc, store } = zones.deps;
  const entry = zones.entry(zone);
  const soa = await zones.timed('soa', () => dns.soa(zone));
  const floor = body.serial ?? undefined;
  const fileExists = await store.exists(zone);
  const claim = await claimZone(zones, zone, body, soa.served, fileExists);
  if (!soa.served || !fileExists) {
    // New zone, a zone named could not load, a wiped zone directory or an adopted zone: (re)create it completely,
    // keeping what named served of the records bindcar leaves alone.
    let serial = floor ?? 1;
    const prev = soa.served ? soa.soa.serial : entry.served?.serial;
    if (prev !== undefined && !serialGt(serial, prev)) serial = (prev + 1) >>> 0;
    let content = desired;
    let guarded = body.deletionGuard ? { records: recordCount(desired.rrsets) } : {};
    if (soa.served) {
      const served = await zones.readServed(zone, entry, soa.soa.serial);
      guarded = guardChange(zone, body, desired, managedView(desired, served));
      content = withUnmanaged(desired, served);
      await rndc.run(['delzone', zone]).catch((e: unknown) => {
        if (!(e instanceof RndcError && e.notFound)) throw zones.rndcFailure(e, `deleting zone ${zone}`);
      });
    }
    entry.served = undefined;
    // named does not have the zone (a new zone, or a named that lost its directory): start from the keys the caller
    // kept, so the zone is signed with the keys a parent's DS names instead of new ones
    if (!soa.served && body.dnssecKeys?.length && signingPolicy(body.dnssecPolicy))
      await store.writeKeys(zone, body.dnssecKeys);
    return {
      ...(await createPrimary(zones, zone, content, config, serial, claim.marker)),
      ...claim.result,
      ...guarded,
    };
  }

  // an options-only change (dnssec-policy, ACLs) is a change too: named's config moved
  const configChanged = await zones.ensureConfig(zone, entry, config);
  await zones.listed(zone, 'primary');
  const served = await zones.readServed(zone, entry, soa.soa.serial);
  const view = managedView(desired, served);
  if (diffZone(desired, view, floor).messages.length === 0) {
    if (claim.marker) await store.setOwner(zone, claim.marker);
    return {
      zone,
      serial: served.serial,
      changed: configChanged,
      created: false,
      added: 0,
      removed: 0,
      ...claim.result,
      ...(body.deletionGuard ? { records: recordCount(view.rrsets) } : {}),
    };
  }
  const guarded = guardChange(zone, body, desired, view);
  const { after, refused, diff } = await applyDiff(zones, zone, desired, served, floor);
  if (claim.marker) await store.setOwner(zone, claim.marker);
  return {
    zone,
    serial: after.serial,
    changed: true,
    created: false,
    added: diff.added,
    removed: diff.removed,
    ...refusedOf(refused),
    ...claim.result,
    ...guarded,
  };
}

/**
 * Whose zone this is. A body with an `owner` may change a zone only a declarative PUT created (for any DNSZone: one
 * DNSZone hands a zone name to another when it is deleted, the hooks decide which one holds it) — or, with `adopt`,
 * a zone named serves that nothing of bindy's created: a zone of named.conf, one made through the upstream API or by
 * another tool. Zones bindcar made before it kept owner markers (their file is in its directory, or its catalog lists
 * them) count as its own. A body without an owner (upstream clients) is not checked and changes no marker.
 * @returns the marker to write once the change is applied, and what the answer says about the take-over
 */
async function claimZone(
  zones: ZoneService,
  zone: string,
  body: PutZoneBody,
  served: boolean,
  fileExists: boolean,
): Promise<{ marker?: ZoneOwner; result: Pick<PutZoneResult, 'adopted'> }> {
  if (body.owner === undefined) return { result: {} };
  const marker: ZoneOwner = { via: 'put', owner: body.owner };
  if (!served) return { marker, result: {} };
  const current = await zones.deps.store.owner(zone);
  if (current?.via === 'put')
    return current.owner === body.owner
      ? { result: {} }
      : { marker, result: { adopted: current.owner ? { from: current.owner } : {} } };
  if (!current && (fileExists || zones.deps.catalog?.list().includes(zone))) return { marker, result: {} };
  if (!body.adopt) {
    const what = current ? 'it was created through the upstream API' : 'it is a zone of named.conf or another tool';
    throw new HttpError(
      409,
      'ZONE_NOT_OWNED',
      `zone ${zone} is served by named but bindy did not create it (${what}); set adopt to replace its content with this body`,
      [{ field: 'adopt', message: 'must be true to take over a zone bindy did not create' }],
    );
  }
  return { marker, result: { adopted: {} } };
}

/**
 * The deletion guard on the change `view` → `desired` (deletion-guard.ts): 409 `DELETIONS_HELD` when it holds it;
 * else what the answer says about it (the RRs managed afterwards; whether a token let it through).
 */
function guardChange(
  zone: string,
  body: Pick<PutZoneBody, 'deletionGuard'>,
  desired: DesiredZone,
  view: ServedZone,
  counts?: { served: number; after: number },
): Pick<PutZoneResult, 'records' | 'acknowledged'> {
  if (!body.deletionGuard) return {};
  const records = counts?.after ?? recordCount(desired.rrsets);
  const change = deletedRecords(desired.rrsets, view.rrsets);
  // a PATCH's zones hold only the RRsets it changes; the guard counts against the whole zone
  if (counts) change.served = counts.served;
  const verdict = guardVerdict(body.deletionGuard, change, records);
  const held = verdict.held;
  if (held)
    throw new HttpError(
      409,
      'DELETIONS_HELD',
      `the change would delete ${held.deletes} of the ${held.served} records zone ${zone} serves, above ${held.limit}; nothing was applied (acknowledge with token ${held.token})`,
      held,
    );
  return { records, ...(verdict.acknowledged ? { acknowledged: true as const } : {}) };
}

async function putSecondary(zones: ZoneService, zone: string, config: string): Promise<PutZoneResult> {
  const { dns, store } = zones.deps;
  const entry = zones.entry(zone);
  const status = await zones.zoneStatus(zone);
  if (!status) {
    await store.remove(zone);
    await zones.addZone(zone, config, 'secondary');
    entry.config = config;
    return { zone, serial: 0, changed: true, created: true, added: 0, removed: 0 };
  }
  const changed = await zones.ensureConfig(zone, entry, config);
  await zones.listed(zone, 'secondary');
  const soa = await zones.timed('soa', () => dns.soa(zone));
  return { zone, serial: soa.served ? soa.soa.serial : 0, changed, created: false, added: 0, removed: 0 };
}

/** `DELETE /api/v1/zones/{zone}`: delzone and remove its files; 404 when named does not have it. */
export function deleteZone(zones: ZoneService, zoneRaw: string): Promise<{ zone: string; deleted: true }> {
  const zone = zones.writable(zoneParam(zoneRaw));
  const { catalog, rndc, store } = zones.deps;
  return zones.withZone(zone, async () => {
    try {
      await rndc.run(['delzone', zone]);
    } catch (e) {
      if (e instanceof RndcError && e.notFound) {
        // named lost the zone but its file remains: clean up what a later create would trip over
        if (await store.exists(zone)) {
          await store.remove(zone);
          zones.forget(zone);
          await catalog?.remove(zone);
          return { zone, deleted: true as const };
        }
        throw notFound(`zone ${zone}`);
      }
      throw zones.rndcFailure(e, `deleting zone ${zone}`);
    }
    await store.remove(zone);
    zones.forget(zone);
    await catalog?.remove(zone);
    await zones.deps.onZoneDeleted?.(zone);
    return { zone, deleted: true as const };
  });
}

/** `GET /api/v1/zones/{zone}/records`: what named serves (AXFR/IXFR via the cache). */
export function getRecords(zones: ZoneService, zoneRaw: string): Promise<ZoneRecordsResult> {
  const zone = zoneParam(zoneRaw);
  return zones.withZone(zone, async () => {
    const soa = await zones.timed('soa', () => zones.deps.dns.soa(zone));
    if (!soa.served) throw notFound(`zone ${zone}`);
    const served = await zones.readServed(zone, zones.entry(zone), soa.soa.serial);
    const records: ZoneRecord[] = [];
    for (const s of orderRRsets(served.rrsets.values()))
      for (const d of s.data) records.push({ name: relativeOwner(zone, s.owner), type: s.type, ttl: s.ttl, data: d });
    return { zone, serial: served.serial, records };
  });
}

/**
 * The PUT itself: the very bytes this process applied last are answered unparsed ({@link samePut}), anything else is
 * checked and applied ({@link putZone}); with whether a dnssec-policy signs the zone, whether it is a primary and the
 * body's record count (for the log; a body answered unparsed changed nothing).
 */
async function applyPut(
  zones: ZoneService,
  req: RouteRequest,
): Promise<{ r: PutZoneResult; signing: boolean; primary: boolean; records?: number }> {
  const digest = req.raw ? createHash('sha256').update(req.raw).digest('hex') : undefined;
  const same = digest !== undefined ? await samePut(zones, req.zone, digest) : undefined;
  // only a primary's PUT is kept for samePut
  if (same) return { r: same.answer, signing: same.signing, primary: true };
  const body = checkBody(validatePutZoneBody, req.body, 'PutZoneBody');
  return {
    r: await putZone(zones, req.zone, body, digest),
    signing: signingPolicy(body.dnssecPolicy),
    primary: body.type === 'primary',
    records: body.records.length,
  };
}

/** The declarative routes. */
export function applyZoneRoutes({ zones, metrics, logger }: RouteDeps): BindcarRoute[] {
  return [
    {
      method: 'put',
      path: '/api/v1/zones/:zone',
      auth: true,
      handle: async (req) => {
        const started = process.hrtime.bigint();
        const { r, signing, primary, records } = await applyPut(zones, req);
        metrics.zoneOperations.inc({ operation: r.created ? 'create' : r.changed ? 'update' : 'noop', result: 'ok' });
        if (signing) {
          // the push succeeded whatever this says: a failed read only leaves `dnssec` out
          const d = await readZoneDnssec(zones, r.zone).catch((e: unknown) => {
            logger.warn('zone DNSSEC not read', { zone: r.zone, error: (e as Error).message });
            return undefined;
          });
          if (d) r.dnssec = d;
        }
        if (r.changed)
          logger.info('zone applied', {
            ...r,
            records,
            ms: Number(process.hrtime.bigint() - started) / 1e6,
          });
        // after the log line: private keys are never logged. The files of the keys named publishes (those `dnssec`
        // lists), not a listing of the zone directory, which holds every zone's files.
        if (r.dnssec && primary) {
          const keys = await zones.deps.store.readKeys(r.zone, r.dnssec.keys).catch((e: unknown) => {
            logger.warn('zone DNSSEC keys not read', { zone: r.zone, error: (e as Error).message });
            return undefined;
          });
          if (keys) r.dnssecKeys = keys;
        }
        return { status: r.created ? 201 : 200, json: r };
      },
    },
    {
      method: 'patch',
      path: '/api/v1/zones/:zone/rrsets',
      auth: true,
      handle: async (req) => {
        const body = checkBody(validatePatchRRsetsBody, req.body, 'PatchRRsetsBody');
        const r = await patchRRsets(zones, req.zone, body);
        metrics.zoneOperations.inc({ operation: r.changed ? 'patch' : 'noop', result: 'ok' });
        return { json: r };
      },
    },
    {
      method: 'delete',
      path: '/api/v1/zones/:zone',
      auth: true,
      handle: async (req) => {
        const r = await deleteZone(zones, req.zone);
        metrics.zoneOperations.inc({ operation: 'delete', result: 'ok' });
        return { json: { success: true, message: `Zone ${r.zone} deleted`, ...r } };
      },
    },
    {
      method: 'get',
      path: '/api/v1/zones/:zone/records',
      auth: true,
      handle: async (req) => ({ json: await getRecords(zones, req.zone) }),
    },
  ];
}
