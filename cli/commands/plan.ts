/** `bindy plan -f DIR --bindcar URL [--token T] [--output json]`: what applying DIR would change on a server. */
import axios from 'axios';
import type { ZoneRecordsResult } from '../../dns/contract.js';
import type { StoredObject } from '../../local/store.js';
import { isBindyObject, readManifests } from '../manifests.js';
import { planLines, planZone, type ZonePlan } from '../plan.js';
import { renderZones } from '../render.js';
import type { CommandResult, Io } from './types.js';
import { validateDocs } from './validate.js';

export const PLAN_HELP = `Usage: bindy plan -f DIR --bindcar URL [--token T] [--primary-address ADDR] [--output json]

Compares the zones declared in DIR with what the bindcar at URL serves and prints, per
zone, the RRsets a sync would add (+), remove (-) and change (~). Useful in CI on a DNS
pull request. The token may also come from $BINDCAR_TOKEN.
Exit code: 0 no changes, 2 changes, 1 error.

  -f, --file DIR           folder of manifests
  --bindcar URL            the bindcar to compare with
  --token T                its bearer token (or $BINDCAR_TOKEN)
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

export async function runPlan(
  args: { dir?: string; bindcar?: string; token?: string; json: boolean; primaryAddress?: string },
  io: Io,
): Promise<CommandResult> {
  if (!args.dir) return io.usageError('plan: -f DIR is required', PLAN_HELP);
  if (!args.bindcar) return io.usageError('plan: --bindcar URL is required', PLAN_HELP);
  if (!/^https?:\/\/[^\s/]+/.test(args.bindcar))
    return io.usageError(`plan: --bindcar must be an http(s) URL, got "${args.bindcar}"`, PLAN_HELP);
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
    for (const z of zones) plans.push(planZone(z, await fetchServed(args.bindcar, z.zoneName, args.token)));
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
