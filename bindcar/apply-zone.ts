/**
 * Apply a desired zone: the declarative API the DNSZone hook drives (`PUT`, `DELETE`,
 * `GET …/records` of `/api/v1/zones/{zone}`, body and results in dns/contract.ts).
 *
 * - New primary zone: validate → atomic zone-file write → `rndc addzone` (dynamic: allow-update for
 *   bindcar's key) → listed in the catalog before the response.
 * - Existing primary zone: diff against what named serves (zone-state.ts) → TSIG-signed RFC 2136
 *   UPDATE messages → IXFR read-back → verify that named serves the desired zone. named answers
 *   NOERROR to UPDATEs it partly ignores, so only the read-back proves the change.
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
import {
  validatePutZoneBody,
  type PutZoneBody,
  type PutZoneResult,
  type ZoneRecord,
  type ZoneRecordsResult,
} from '../dns/contract.js';
import { namedFailed, notFound } from './errors.js';
import { checkBody, type BindcarRoute, type RouteDeps } from './http.js';
import { relativeOwner } from '../dns/names.js';
import { RndcError } from './rndc.js';
import { orderRRsets } from '../dns/rrset.js';
import type { DesiredZone } from '../dns/zone-model.js';
import { renderDesiredZone } from './zone-file.js';
import { applyTransfer, diffZone, mismatches, servedFromDesired, serialGt } from './zone-state.js';
import { zoneParam, type ZoneService } from './zones.js';

/**
 * `PUT /api/v1/zones/{zone}`: make named serve exactly `body`.
 * Same body twice ⇒ `changed: false` and the serial stays.
 */
export function putZone(zones: ZoneService, zoneRaw: string, body: PutZoneBody): Promise<PutZoneResult> {
  const zone = zones.writable(zoneParam(zoneRaw));
  const { desired, config } = zones.validate(zone, body);
  return zones.withZone(zone, () =>
    body.type === 'secondary' ? putSecondary(zones, zone, config) : putPrimary(zones, zone, body, desired, config),
  );
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
): Promise<PutZoneResult> {
  const { store } = zones.deps;
  const entry = zones.entry(zone);
  await store.write(zone, renderDesiredZone(desired, serial));
  try {
    await zones.addZone(zone, config, 'primary');
  } catch (e) {
    if (!(await zones.zoneStatus(zone).catch(() => undefined))) await store.remove(zone);
    throw e;
  }
  entry.config = config;
  entry.served = servedFromDesired(desired, serial);
  let added = 0;
  for (const s of desired.rrsets.values()) added += s.data.length;
  return { zone, serial, changed: true, created: true, added, removed: 0 };
}

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
  if (!soa.served || !fileExists) {
    // New zone, a zone named could not load, or a wiped zone directory: (re)create it completely.
    let serial = floor ?? 1;
    const prev = soa.served ? soa.soa.serial : entry.served?.serial;
    if (prev !== undefined && !serialGt(serial, prev)) serial = (prev + 1) >>> 0;
    if (soa.served) {
      await rndc.run(['delzone', zone]).catch((e: unknown) => {
        if (!(e instanceof RndcError && e.notFound)) throw zones.rndcFailure(e, `deleting zone ${zone}`);
      });
    }
    entry.served = undefined;
    return createPrimary(zones, zone, desired, config, serial);
  }

  // an options-only change (dnssec-policy, ACLs) is a change too: named's config moved
  const configChanged = await zones.ensureConfig(zone, entry, config);
  await zones.listed(zone, 'primary');
  const served = await zones.readServed(zone, entry, soa.soa.serial);
  const diff = diffZone(desired, served, floor);
  if (diff.messages.length === 0)
    return { zone, serial: served.serial, changed: configChanged, created: false, added: 0, removed: 0 };
  try {
    await zones.timed('update', () => dns.update(zone, diff.messages));
  } catch (e) {
    entry.served = served; // serial check on the next request catches partial application
    if (e instanceof UpdateRejectedError) throw namedFailed('UPDATE_REJECTED', e.message, { rcode: e.rcode }, e);
    throw e;
  }
  const after = applyTransfer(zone, served, await zones.timed('ixfr', () => dns.transfer(zone, served.serial)));
  entry.served = after;
  // Verify what the diff changed plus whatever the IXFR says changed (full AXFR: everything).
  const missing = after.touched
    ? mismatches(desired, after, 20, new Set([...diff.keys, ...after.touched]))
    : mismatches(desired, after);
  if (missing.length)
    throw namedFailed(
      'UPDATE_NOT_APPLIED',
      `named accepted the UPDATE for ${zone} but does not serve the desired zone`,
      {
        mismatches: missing,
      },
    );
  return { zone, serial: after.serial, changed: true, created: false, added: diff.added, removed: diff.removed };
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

/** The declarative routes. */
export function applyZoneRoutes({ zones, metrics, logger }: RouteDeps): BindcarRoute[] {
  return [
    {
      method: 'put',
      path: '/api/v1/zones/:zone',
      auth: true,
      handle: async (req) => {
        const body = checkBody(validatePutZoneBody, req.body, 'PutZoneBody');
        const started = process.hrtime.bigint();
        const r = await putZone(zones, req.zone, body);
        metrics.zoneOperations.inc({ operation: r.created ? 'create' : r.changed ? 'update' : 'noop', result: 'ok' });
        if (r.changed)
          logger.info('zone applied', {
            ...r,
            records: body.records.length,
            ms: Number(process.hrtime.bigint() - started) / 1e6,
          });
        return { status: r.created ? 201 : 200, json: r };
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
