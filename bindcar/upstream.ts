/**
 * Upstream compatibility: the zone-level routes that exist so clients of upstream bindcar keep
 * working — create a zone from upstream's `CreateZoneRequest`, list and inspect zones, replace
 * their ACLs, and the zone-scoped rndc commands. Their bodies are upstream's (dns/contract.ts);
 * the work underneath is bindy's own: a create goes through the same validation, zone-file write
 * and `rndc addzone` as a declarative PUT (apply-zone.ts), every write takes the zone's lock, and
 * named's refusals are the same 4xx/502s. The record routes are upstream-records.ts.
 */
import {
  validateCreateZoneRequest,
  validateModifyZoneRequest,
  type CreateZoneRequest,
  type PutZoneBody,
  type PutZoneResult,
  type ZoneRecord,
} from '../dns/contract.js';
import { addressFamily } from '../dns/address.js';
import { createPrimary } from './apply-zone.js';
import { conflict, HttpError, invalidSpec, notFound } from './errors.js';
import { checkBody, type BindcarRoute, type RouteDeps } from './http.js';
import { RndcError } from './rndc.js';
import {
  normalizeZoneConfig,
  parseZoneConfig,
  renderZoneConfig,
  zoneOptionErrors,
  type ZoneOptions,
} from './zone-config.js';
import { zoneParam, type ZoneInfo, type ZoneService } from './zones.js';

/** The zone-scoped rndc commands upstream exposes as `POST /api/v1/zones/{zone}/<command>`. */
const COMMANDS = ['reload', 'freeze', 'thaw', 'notify', 'retransfer'] as const;

const withDot = (s: string): string => (s.endsWith('.') ? s : `${s}.`);

/** Upstream `value` (+ `priority` for MX/SRV) → presentation data. */
export function upstreamData(type: string, value: string, priority?: number | null): string {
  return (type === 'MX' || type === 'SRV') && priority != null ? `${priority} ${value}` : value;
}

/** Convert an upstream CreateZoneRequest into a PUT body plus extra zone options. */
export function fromUpstreamCreate(req: CreateZoneRequest): { body: PutZoneBody; extra: Partial<ZoneOptions> } {
  const c = req.zoneConfig;
  const ips = new Map<string, string>();
  for (const [k, v] of Object.entries(c.nameServerIps)) ips.set(withDot(k.toLowerCase()), v);
  const body: PutZoneBody = {
    type: req.zoneType,
    ttl: c.ttl,
    soa: {
      mname: withDot(c.soa.primaryNs),
      rname: c.soa.adminEmail.includes('@') ? c.soa.adminEmail : withDot(c.soa.adminEmail),
      refresh: c.soa.refresh ?? 3600,
      retry: c.soa.retry ?? 600,
      expire: c.soa.expire ?? 604800,
      minimum: c.soa.negativeTtl ?? 86400,
    },
    nameServers: c.nameServers.map((h) => {
      const host = withDot(h);
      const ip = ips.get(host.toLowerCase());
      return ip === undefined
        ? { hostname: host }
        : addressFamily(ip) === 6
          ? { hostname: host, ipv6Addresses: [ip] }
          : { hostname: host, ipv4Addresses: [ip] };
    }),
    records: (c.records ?? []).map((r) => {
      const type = r.type.toUpperCase();
      return {
        name: r.name,
        type: type as ZoneRecord['type'],
        ttl: r.ttl ?? c.ttl,
        data: upstreamData(type, r.value, r.priority),
      };
    }),
  };
  if (c.soa.serial != null) body.serial = c.soa.serial;
  if (c.alsoNotify) body.alsoNotify = c.alsoNotify;
  if (c.allowTransfer) body.allowTransfer = c.allowTransfer;
  if (c.primaries) body.primaries = c.primaries;
  if (c.dnssecPolicy) body.dnssecPolicy = c.dnssecPolicy;
  const extra: Partial<ZoneOptions> = {};
  if (c.inlineSigning != null) extra.inlineSigning = c.inlineSigning;
  if (req.updateKeyName != null) extra.allowUpdate = [`key ${req.updateKeyName}`];
  return { body, extra };
}

/**
 * Upstream `POST /api/v1/zones`: create only. 409 when the zone exists — checked before any
 * file is touched (upstream clobbered the live file and journal first).
 */
export function createZone(
  zones: ZoneService,
  zoneRaw: string,
  body: PutZoneBody,
  extra: Partial<ZoneOptions> = {},
): Promise<PutZoneResult> {
  const zone = zones.writable(zoneParam(zoneRaw));
  const { desired, config } = zones.validate(zone, body, extra);
  return zones.withZone(zone, async () => {
    if ((await zones.deps.store.exists(zone)) || (await zones.zoneStatus(zone)))
      throw conflict(`zone ${zone} already exists`);
    if (body.type === 'secondary') {
      await zones.addZone(zone, config, 'secondary');
      zones.entry(zone).config = config;
      return { zone, serial: 0, changed: true, created: true, added: 0, removed: 0 };
    }
    return createPrimary(zones, zone, desired, config, body.serial ?? 1, { via: 'upstream' });
  });
}

/** `GET /api/v1/zones/{zone}` from `rndc zonestatus`; 404 when named does not have it. */
export async function getZone(zones: ZoneService, zoneRaw: string): Promise<ZoneInfo> {
  const zone = zoneParam(zoneRaw);
  const s = await zones.zoneStatus(zone);
  if (!s) throw notFound(`zone ${zone}`);
  return s;
}

/** Raw `rndc zonestatus` text (upstream `/status`). */
export async function zoneStatusText(zones: ZoneService, zoneRaw: string): Promise<string> {
  const zone = zoneParam(zoneRaw);
  try {
    return await zones.deps.rndc.run(['zonestatus', zone]);
  } catch (e) {
    if (e instanceof RndcError && e.notFound) throw notFound(`zone ${zone}`);
    throw zones.rndcFailure(e, `zonestatus ${zone}`);
  }
}

/** A zone-scoped rndc command (reload, freeze, thaw, notify, retransfer); 404 for unknown zones. */
export function zoneCommand(
  zones: ZoneService,
  zoneRaw: string,
  command: 'reload' | 'freeze' | 'thaw' | 'notify' | 'retransfer' | 'sync',
): Promise<string> {
  const zone = zoneParam(zoneRaw);
  return zones.withZone(zone, async () => {
    try {
      const out = await zones.deps.rndc.run([command, zone]);
      return out.trim();
    } catch (e) {
      if (e instanceof RndcError && e.notFound) throw notFound(`zone ${zone}`);
      // e.g. `reload` of a dynamic zone, `retransfer` of a primary: the zone's state forbids it
      if (e instanceof RndcError && /dynamic zone|inappropriate zone type|not frozen|already frozen/i.test(e.stderr))
        throw new HttpError(409, 'ZONE_STATE', `named refused ${command} ${zone}: ${e.stderr}`, { stderr: e.stderr });
      throw zones.rndcFailure(e, `${command} ${zone}`);
    }
  });
}

/**
 * `PATCH /api/v1/zones/{zone}`: replace also-notify / allow-transfer / allow-update lists of a
 * zone bindcar manages, via modzone after validation.
 */
export function patchZone(
  zones: ZoneService,
  zoneRaw: string,
  patch: { alsoNotify?: string[] | null; allowTransfer?: string[] | null; allowUpdate?: string[] | null },
): Promise<{ zone: string; changed: boolean }> {
  const zone = zones.writable(zoneParam(zoneRaw));
  const errors = [...zoneOptionErrors(patch), ...zones.unknownNameErrors(patch)];
  if (patch.alsoNotify == null && patch.allowTransfer == null && patch.allowUpdate == null)
    errors.push({ field: '(body)', message: 'give at least one of alsoNotify, allowTransfer, allowUpdate' });
  if (errors.length)
    throw invalidSpec(`invalid zone options: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, errors);
  const { rndc, updateKeyName, transferKeyName } = zones.deps;
  return zones.withZone(zone, async () => {
    let current: string;
    try {
      current = await rndc.run(['showzone', zone]);
    } catch (e) {
      if (e instanceof RndcError && e.notFound) throw notFound(`zone ${zone}`);
      throw zones.rndcFailure(e, `showzone ${zone}`);
    }
    const opts = parseZoneConfig(normalizeZoneConfig(current), updateKeyName, transferKeyName);
    if (!opts)
      throw new HttpError(
        409,
        'NOT_MANAGED',
        `zone ${zone} has options bindcar did not write; refusing to rewrite them`,
      );
    const next: ZoneOptions = { ...opts };
    if (patch.alsoNotify != null) next.alsoNotify = patch.alsoNotify;
    if (patch.allowTransfer != null) next.allowTransfer = patch.allowTransfer;
    if (patch.allowUpdate != null) next.allowUpdate = patch.allowUpdate;
    const reErr = zoneOptionErrors(next);
    if (reErr.length)
      throw new HttpError(409, 'NOT_MANAGED', `zone ${zone} has options bindcar cannot re-render`, reErr);
    const config = renderZoneConfig(next);
    const entry = zones.entry(zone);
    entry.config = current;
    const changed = await zones.ensureConfig(zone, entry, config);
    return { zone, changed };
  });
}

/** The upstream zone-level routes (the record routes are upstream-records.ts). */
export function upstreamRoutes({ zones, rndc, metrics }: RouteDeps): BindcarRoute[] {
  return [
    {
      method: 'get',
      path: '/api/v1/server/status',
      auth: true,
      handle: async () => ({ json: { status: (await rndc.run(['status'])).trim() } }),
    },
    {
      method: 'get',
      path: '/api/v1/zones',
      auth: true,
      handle: async () => {
        const list = await zones.deps.store.list();
        metrics.zonesManaged.set(list.length);
        return { json: { zones: list, count: list.length } };
      },
    },
    {
      method: 'post',
      path: '/api/v1/zones',
      auth: true,
      handle: async (req) => {
        const body = checkBody(validateCreateZoneRequest, req.body, 'CreateZoneRequest');
        const { body: put, extra } = fromUpstreamCreate(body);
        const r = await createZone(zones, body.zoneName, put, extra);
        metrics.zoneOperations.inc({ operation: 'create', result: 'ok' });
        return { status: 201, json: { success: true, message: `Zone ${r.zone} created`, details: r, ...r } };
      },
    },
    {
      method: 'get',
      path: '/api/v1/zones/:zone',
      auth: true,
      handle: async (req) => ({ json: await getZone(zones, req.zone) }),
    },
    {
      method: 'patch',
      path: '/api/v1/zones/:zone',
      auth: true,
      handle: async (req) => {
        const body = checkBody(validateModifyZoneRequest, req.body, 'ModifyZoneRequest');
        const r = await patchZone(zones, req.zone, body);
        metrics.zoneOperations.inc({ operation: 'modify', result: 'ok' });
        return { json: { success: true, message: `Zone ${r.zone} ${r.changed ? 'modified' : 'unchanged'}`, ...r } };
      },
    },
    {
      method: 'get',
      path: '/api/v1/zones/:zone/status',
      auth: true,
      handle: async (req) => {
        const text = await zoneStatusText(zones, req.zone);
        return { json: { success: true, message: `Zone ${zoneParam(req.zone)} status`, details: text.trim() } };
      },
    },
    ...COMMANDS.map((cmd): BindcarRoute => ({
      method: 'post',
      path: `/api/v1/zones/:zone/${cmd}`,
      auth: true,
      handle: async (req) => {
        const out = await zoneCommand(zones, req.zone, cmd);
        metrics.zoneOperations.inc({ operation: cmd, result: 'ok' });
        return { json: { success: true, message: `${cmd} ${zoneParam(req.zone)}`, details: out } };
      },
    })),
  ];
}
