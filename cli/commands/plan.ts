/**
 * `bindy plan -f DIR (--bindcar URL [--token T] | --powerdns-api URL --api-key KEY) [--output json]`: what applying DIR
 * would change on a server.
 */
import axios from 'axios';
import type { RecordType, ZoneRecordsResult } from '../../dns/contract.js';
import { createPowerDnsClient, type PowerDnsConnection } from '../../hooks/ports/powerdns.js';
import { powerDnsServerUrl } from '../../hooks/zone/select.js';
import type { StoredObject } from '../../local/store.js';
import { isBindyObject, readManifests } from '../manifests.js';
import { planLines, planZone, type ZonePlan } from '../plan.js';
import { renderZones } from '../render.js';
import type { CommandResult, Io } from './types.js';
import { validateDocs } from './validate.js';

export const PLAN_HELP = `Usage: bindy plan -f DIR (--bindcar URL [--token T] | --powerdns-api URL [--api-key KEY] [--server-id ID])
                  [--primary-address ADDR] [--output json]

Compares the zones declared in DIR with what the bindcar (or the PowerDNS server) at URL
serves and prints, per zone, the RRsets a sync would add (+), remove (-) and change (~).
Useful in CI on a DNS pull request. The token may also come from $BINDCAR_TOKEN, the
PowerDNS API key from $PDNS_API_KEY.
Exit code: 0 no changes, 2 changes, 1 error.

  -f, --file DIR           folder of manifests
  --bindcar URL            the bindcar to compare with
  --token T                its bearer token (or $BINDCAR_TOKEN)
  --powerdns-api URL       the PowerDNS API to compare with (a PowerDNSServer's spec.apiUrl)
  --api-key KEY            its API key (or $PDNS_API_KEY)
  --server-id ID           its server id (default localhost)
  --primary-address ADDR   the DNS address of the zones' primaries, for default name-server glue
  --output json            print the plan as JSON
`;

/** Fetches what a bindcar serves for a zone; undefined when it answers 404 (not served). */
export async function fetchServed(
  url: string,
  zone: string,
  token: string | undefined,
): Promise<ZoneRecordsResult | undefined> {
  const res = await axios.get<ZoneRecordsResult>(
    `${url.replace(/\/+$/, '')}/api/v1/zones/${encodeURIComponent(zone)}/records`,
    {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      timeout: 30000,
      validateStatus: () => true,
      maxContentLength: 512 << 20,
    },
  );
  if (res.status === 404) return undefined;
  if (res.status !== 200) {
    const body = res.data as unknown as { code?: string; message?: string };
    throw new Error(`bindcar answered ${res.status} for ${zone}: ${body?.message ?? JSON.stringify(res.data)}`);
  }
  return res.data;
}

/**
 * Fetches what a PowerDNS server serves for a zone, in the records form of bindcar's read-back (absolute owners,
 * canonical data; a record its grammar cannot read, or a disabled one, as PowerDNS holds it); undefined when the
 * server does not have the zone.
 */
export async function fetchPowerDns(conn: PowerDnsConnection, zone: string): Promise<ZoneRecordsResult | undefined> {
  const r = await createPowerDnsClient({ attempts: 2 }).readZone(conn, zone);
  if (!r.ok) throw new Error(`PowerDNS: ${r.error.message}`);
  if (!r.zone) return undefined;
  const records: ZoneRecordsResult['records'] = [];
  for (const s of r.zone.served.rrsets.values())
    for (const data of s.data) records.push({ name: s.owner, type: s.type, ttl: s.ttl, data });
  for (const s of r.zone.served.unreadable.values())
    for (const rec of s.records)
      records.push({ name: s.name.toLowerCase(), type: s.type as RecordType, ttl: s.ttl, data: rec.content });
  return { zone, serial: r.zone.served.serial, records };
}

export async function runPlan(
  args: {
    dir?: string;
    bindcar?: string;
    token?: string;
    powerdns?: string;
    apiKey?: string;
    serverId?: string;
    json: boolean;
    primaryAddress?: string;
  },
  io: Io,
): Promise<CommandResult> {
  if (!args.dir) return io.usageError('plan: -f DIR is required', PLAN_HELP);
  if (args.bindcar && args.powerdns)
    return io.usageError('plan: --bindcar and --powerdns-api exclude each other', PLAN_HELP);
  const url = args.bindcar ?? args.powerdns;
  const flag = args.powerdns ? '--powerdns-api' : '--bindcar';
  if (!url) return io.usageError('plan: --bindcar URL or --powerdns-api URL is required', PLAN_HELP);
  if (!/^https?:\/\/[^\s/]+/.test(url))
    return io.usageError(`plan: ${flag} must be an http(s) URL, got "${url}"`, PLAN_HELP);
  if (args.powerdns && !args.apiKey)
    return io.usageError('plan: --powerdns-api needs --api-key KEY (or $PDNS_API_KEY)', PLAN_HELP);
  const conn: PowerDnsConnection | undefined = args.powerdns
    ? {
        serverUrl: powerDnsServerUrl({ apiUrl: args.powerdns, serverId: args.serverId ?? 'localhost' }),
        apiKey: args.apiKey!,
        keySource: '--api-key',
      }
    : undefined;
  const served = (zone: string) => (conn ? fetchPowerDns(conn, zone) : fetchServed(url, zone, args.token));
  const docs = readManifests(args.dir);
  const report = validateDocs(docs);
  if (report.errors.length > 0) {
    for (const e of report.errors)
      io.err(
        `error: ${e.file}#${e.doc}${e.object ? ` ${e.object}` : ''}: ${e.field ? `${e.field}: ` : ''}${e.message}`,
      );
    return { code: 1 };
  }
  const { zones, problems } = await renderZones(
    docs.filter((d) => isBindyObject(d.object)).map((d) => d.object as StoredObject),
    undefined,
    args.primaryAddress ? { primaryAddress: args.primaryAddress } : {},
  );
  for (const p of problems) io.err(`error: ${p}`);
  const plans: ZonePlan[] = [];
  try {
    for (const z of zones) plans.push(planZone(z, await served(z.zoneName)));
  } catch (err) {
    io.err(`error: ${(err as Error).message}`);
    return { code: 1 };
  }
  const changed = plans.some((p) => p.action !== 'none');
  if (args.json) io.out(JSON.stringify({ changed, zones: plans, problems }, null, 2));
  else for (const p of plans) for (const l of planLines(p)) io.out(l);
  if (problems.length > 0) return { code: 1 };
  return { code: changed ? 2 : 0 };
}
