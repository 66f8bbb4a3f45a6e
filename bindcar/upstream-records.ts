/**
 * Upstream compatibility, record routes: `POST`, `PUT` and `DELETE /api/v1/zones/{zone}/records`
 * add, replace and remove single records the way upstream bindcar's clients send them (`name`,
 * `type`, `value`, `ttl?`, `priority?`; PUT: `currentValue`, `newValue`).
 *
 * Each call is one atomic, TSIG-signed RFC 2136 UPDATE built from canonical data, inside the zone's
 * lock, and then a read-back. named answers NOERROR to an UPDATE it partly or wholly ignores
 * (RFC 2136 §3.4.2.2: a CNAME beside other data, other data beside a CNAME), so success here means
 * "named serves the outcome", not "named accepted the message":
 * - 404 when named does not serve the zone, or an `intent.mustExist` RR (update's currentValue);
 * - 422 for a CNAME at the apex (it always has SOA and NS, RFC 1034 §3.6.2);
 * - 409 CNAME_CONFLICT when the owner already has data the add cannot sit beside;
 * - 409 UPDATE_IGNORED when the read-back does not show every add and removal.
 */
import {
  validateAddRecordRequest,
  validateRemoveRecordRequest,
  validateUpdateRecordRequest,
  type ZoneRecord,
} from '../dns/contract.js';
import { UpdateRejectedError } from './dns-client.js';
import { updateOpWire, type UpdateOp } from './dns-wire.js';
import { HttpError, invalidSpec, namedFailed, notFound } from './errors.js';
import { checkBody, type BindcarRoute, type RouteDeps } from './http.js';
import { absoluteOwner } from '../dns/names.js';
import { canonicalRecord, isRecordType } from '../dns/rdata.js';
import { rrsetKey } from '../dns/rrset.js';
import { upstreamData } from './upstream.js';
import type { ServedZone } from './zone-state.js';
import { zoneParam, type ZoneService } from './zones.js';

/** An UPDATE operation on one record or RRset (the record routes never touch the SOA). */
export type RecordOp = Exclude<UpdateOp, { op: 'soa' }>;

/** What an upstream record route expects named to serve afterwards, and what must be served before. */
export interface RecordIntent {
  /** RRs that must already be served (an update's `currentValue`), with the request field naming each */
  mustExist?: { owner: string; type: string; data: string; field: string }[];
}

/** One upstream record in canonical form with its absolute owner; 422 naming `field` for bad data. */
function recordOf(
  zone: string,
  field: string,
  r: { name: string; type: string; ttl?: number | null },
  value: string,
  priority?: number | null,
): ZoneRecord & { owner: string } {
  const type = r.type.toUpperCase();
  const c = canonicalRecord(zone, {
    name: r.name,
    type,
    ttl: r.ttl ?? 3600,
    data: upstreamData(type, value, priority),
  });
  if (!c.ok) {
    const f = c.field === 'data' ? field : c.field;
    throw invalidSpec(`${f}: ${c.message}`, [{ field: f, message: c.message }]);
  }
  const owner = absoluteOwner(zone, c.value.name);
  if (!owner.ok) throw invalidSpec(`name: ${owner.reason}`, [{ field: 'name', message: owner.reason }]);
  return { ...c.value, owner: owner.name };
}

/** One atomic UPDATE of `ops` on `zone`, then the read-back (see the module comment for the answers). */
export function updateRecords(
  zones: ZoneService,
  zoneRaw: string,
  ops: RecordOp[],
  intent: RecordIntent = {},
): Promise<{ zone: string; serial: number; changed: boolean }> {
  const zone = zones.writable(zoneParam(zoneRaw));
  const { dns } = zones.deps;
  return zones.withZone(zone, async () => {
    const soa = await zones.timed('soa', () => dns.soa(zone));
    if (!soa.served) throw notFound(`zone ${zone}`);
    const entry = zones.entry(zone);
    const before = await zones.readServed(zone, entry, soa.soa.serial);
    const has = (z: ServedZone, owner: string, type: string, data?: string): boolean => {
      const set = z.rrsets.get(rrsetKey(owner, type));
      return !!set && (data === undefined || set.data.includes(data));
    };
    for (const m of intent.mustExist ?? [])
      if (!has(before, m.owner, m.type, m.data))
        throw new HttpError(404, 'RECORD_NOT_FOUND', `${m.field}: named serves no ${m.type} ${m.data} at ${m.owner}`, [
          { field: m.field, message: `no ${m.type} record with this value at ${m.owner}` },
        ]);
    const removedTypes = new Set(ops.filter((o) => o.op !== 'add').map((o) => rrsetKey(o.owner, o.type)));
    for (const o of ops) {
      if (o.op !== 'add') continue;
      if (o.type === 'CNAME' && o.owner === `${zone}.`)
        throw invalidSpec('name: a CNAME cannot be at the zone apex, which has SOA and NS (RFC 1034 §3.6.2)', [
          { field: 'name', message: 'a CNAME cannot be at the zone apex' },
        ]);
      const others = [...before.rrsets.values()]
        .filter((r) => r.owner === o.owner && !removedTypes.has(rrsetKey(r.owner, r.type)))
        .map((r) => r.type)
        .filter((t) => (o.type === 'CNAME' ? t !== 'CNAME' : t === 'CNAME'));
      if (others.length)
        throw new HttpError(
          409,
          'CNAME_CONFLICT',
          `type: ${o.owner} already has ${others.join(', ')} data; a CNAME cannot share its owner with other data (RFC 1034 §3.6.2) — remove it first`,
          [{ field: 'type', message: `conflicts with the ${others.join(', ')} data at ${o.owner}` }],
        );
    }
    try {
      await zones.timed('update', () => dns.update(zone, [ops.map((o) => updateOpWire(zone, o))]));
    } catch (e) {
      if (e instanceof UpdateRejectedError) throw namedFailed('UPDATE_REJECTED', e.message, { rcode: e.rcode }, e);
      throw e;
    }
    const now = await zones.timed('soa', () => dns.soa(zone));
    if (!now.served) throw notFound(`zone ${zone}`);
    const after = await zones.readServed(zone, entry, now.soa.serial);
    const ignored = ops
      .filter((o) =>
        o.op === 'add'
          ? !has(after, o.owner, o.type, o.data)
          : o.op === 'deleteRR'
            ? has(after, o.owner, o.type, o.data)
            : has(after, o.owner, o.type),
      )
      .map((o) => ({ op: o.op, owner: o.owner, type: o.type, ...('data' in o ? { data: o.data } : {}) }));
    if (ignored.length)
      throw new HttpError(
        409,
        'UPDATE_IGNORED',
        `named accepted the UPDATE for ${zone} but ignored ${ignored.map((i) => `${i.op} ${i.owner} ${i.type}`).join(', ')}`,
        { ignored, serial: after.serial },
      );
    return { zone, serial: after.serial, changed: after.serial !== before.serial };
  });
}

/** Upstream's answer to a record add or update. */
function recordAnswer(
  message: string,
  zone: string,
  rec: { name: string; type: string; data: string; ttl: number },
  serial: number,
) {
  return {
    success: true,
    message,
    details: { zone, record: { name: rec.name, type: rec.type, value: rec.data, ttl: rec.ttl } },
    serial,
  };
}

/** The upstream record routes. */
export function upstreamRecordRoutes({ zones, metrics }: RouteDeps): BindcarRoute[] {
  return [
    {
      method: 'post',
      path: '/api/v1/zones/:zone/records',
      auth: true,
      handle: async (req) => {
        const zone = zoneParam(req.zone);
        const b = checkBody(validateAddRecordRequest, req.body, 'AddRecordRequest');
        const rec = recordOf(zone, 'value', b, b.value, b.priority);
        const r = await updateRecords(zones, zone, [
          { op: 'add', owner: rec.owner, type: rec.type, ttl: rec.ttl, data: rec.data },
        ]);
        metrics.zoneOperations.inc({ operation: 'record_add', result: 'ok' });
        return { status: 201, json: recordAnswer('Record added', zone, rec, r.serial) };
      },
    },
    {
      method: 'put',
      path: '/api/v1/zones/:zone/records',
      auth: true,
      handle: async (req) => {
        const zone = zoneParam(req.zone);
        const b = checkBody(validateUpdateRecordRequest, req.body, 'UpdateRecordRequest');
        const cur = recordOf(zone, 'currentValue', b, b.currentValue, b.priority);
        const next = recordOf(zone, 'newValue', b, b.newValue, b.priority);
        const ops: RecordOp[] = [
          { op: 'deleteRR', owner: cur.owner, type: cur.type, data: cur.data },
          { op: 'add', owner: next.owner, type: next.type, ttl: next.ttl, data: next.data },
        ];
        // an update replaces a value that exists; it never silently becomes an add
        const r = await updateRecords(zones, zone, ops, {
          mustExist: [{ owner: cur.owner, type: cur.type, data: cur.data, field: 'currentValue' }],
        });
        metrics.zoneOperations.inc({ operation: 'record_update', result: 'ok' });
        return { json: recordAnswer('Record updated', zone, next, r.serial) };
      },
    },
    {
      method: 'delete',
      path: '/api/v1/zones/:zone/records',
      auth: true,
      handle: async (req) => {
        const zone = zoneParam(req.zone);
        const b = checkBody(validateRemoveRecordRequest, req.body, 'RemoveRecordRequest');
        const type = b.type.toUpperCase();
        if (!isRecordType(type))
          throw invalidSpec(`type: "${b.type}" is not supported`, [
            { field: 'type', message: 'unsupported record type' },
          ]);
        let op: RecordOp;
        if (b.value != null) {
          const rec = recordOf(zone, 'value', { name: b.name, type }, b.value);
          op = { op: 'deleteRR', owner: rec.owner, type: rec.type, data: rec.data };
        } else {
          const owner = absoluteOwner(zone, b.name);
          if (!owner.ok) throw invalidSpec(`name: ${owner.reason}`, [{ field: 'name', message: owner.reason }]);
          if (owner.name === `${zone}.` && type === 'NS')
            throw invalidSpec('name: the apex NS RRset cannot be removed', [
              { field: 'name', message: 'apex NS cannot be removed' },
            ]);
          op = { op: 'deleteRRset', owner: owner.name, type };
        }
        const r = await updateRecords(zones, zone, [op]);
        metrics.zoneOperations.inc({ operation: 'record_remove', result: 'ok' });
        return { json: { success: true, message: 'Record removed', serial: r.serial } };
      },
    },
  ];
}
