/**
 * A zone's DNSSEC as named serves it: the state, the keys of the published DNSKEY RRset and the DS records (SHA-256)
 * the parent needs — `GET /api/v1/zones/{zone}/dnssec`, and the `dnssec` of a signed zone's PUT answer.
 *
 * Read from named, never from bindcar's memory: `rndc zonestatus` (whether named serves the zone secure),
 * `rndc dnssec -status` (the policy and each key's role and DS state, BIND 9 ARM "rndc dnssec") and the served
 * DNSKEY RRset (one query to named). The DS are computed from the served keys (dns/dnssec.ts), so they are exactly
 * what a validator starting from the parent's DS would check.
 */
import { validateCheckDsBody, type ZoneDnssec, type ZoneDnssecKey, type ZoneDnssecResult } from '../dns/contract.js';
import {
  DNSSEC_ALGORITHM_NAMES,
  dsOf,
  dsText,
  isKeySigningKey,
  keyTag,
  parseDnskeyRdata,
  signingPolicy,
  TYPE_DNSKEY,
  type Dnskey,
} from '../dns/dnssec.js';
import { HttpError, notFound } from './errors.js';
import { checkBody, type BindcarRoute, type RouteDeps } from './http.js';
import { RndcError } from './rndc.js';
import { zoneParam, type ZoneService } from './zones.js';

/** What `rndc dnssec -status` says: the policy and, per key tag, the role and named's key states. */
export interface DnssecStatus {
  policy?: string;
  keys: Map<number, NamedKeyState>;
}

/** One key as `rndc dnssec -status` lists it. */
interface NamedKeyState {
  role: ZoneDnssecKey['role'];
  dsState?: string;
  goal?: string;
  dnskeyState?: string;
}

/**
 * Parse `rndc dnssec -status` (BIND 9.18): a `dnssec-policy: NAME` line, then per key a `key: TAG (ALG), ROLE` line
 * followed by its state lines (`- ds: hidden`). "Zone does not have dnssec-policy" parses to no policy and no keys.
 */
export function parseDnssecStatus(text: string): DnssecStatus {
  const out: DnssecStatus = { keys: new Map() };
  let current: NamedKeyState | undefined;
  for (const line of text.split('\n')) {
    const p = /^dnssec-policy:\s*(\S+)/.exec(line);
    if (p) out.policy = p[1]!;
    const k = /^key:\s*(\d+)\s*\(([^)]*)\),\s*(KSK|ZSK|CSK)\b/.exec(line);
    if (k) {
      current = { role: k[3] as ZoneDnssecKey['role'] };
      out.keys.set(Number(k[1]), current);
      continue;
    }
    const state = /^\s*-\s*(ds|goal|dnskey):\s*(\S+)/.exec(line);
    if (state && current) {
      const field = state[1] === 'ds' ? 'dsState' : state[1] === 'goal' ? 'goal' : 'dnskeyState';
      current[field] = state[2]!;
    }
  }
  return out;
}

/**
 * Which key-signing keys' DS the parent should serve now, given named's states of the zone's keys. named rolls a KSK
 * by publishing the successor's DNSKEY first and swapping the DS once that DNSKEY is in every cache (BIND 9 ARM,
 * "dnssec-policy"; RFC 7583 §3.3.2, double-KSK): the successor (goal omnipresent) is the parent's only once its
 * DNSKEY is omnipresent, and the retiring key (goal hidden) until then. A key named says nothing about, or any key
 * outside a rollover, is the parent's.
 */
function dsWanted(states: Iterable<NamedKeyState>): (k: NamedKeyState | undefined) => boolean {
  const ksks = [...states].filter((x) => x.role !== 'ZSK');
  const retiring = ksks.some((x) => x.goal === 'hidden');
  const successorReady = ksks.some((x) => x.goal === 'omnipresent' && x.dnskeyState === 'omnipresent');
  return (k) => !k?.goal || !retiring || (k.goal === 'hidden' ? !successorReady : k.dnskeyState === 'omnipresent');
}

/**
 * The zone's DNSSEC from what named reports: `secure` (zonestatus), the `-status` text and the served DNSKEYs.
 * Pure: keys sorted by tag, DS sorted, so the same world gives the same answer byte for byte.
 */
export function zoneDnssecOf(
  zone: string,
  secure: boolean,
  status: DnssecStatus,
  served: readonly Dnskey[],
): ZoneDnssec {
  const keys: ZoneDnssecKey[] = served
    .map((k) => {
      const tag = keyTag(k);
      const named = status.keys.get(tag);
      const role: ZoneDnssecKey['role'] = named?.role ?? (isKeySigningKey(k) ? 'KSK' : 'ZSK');
      const name = DNSSEC_ALGORITHM_NAMES[k.algorithm];
      return {
        keyTag: tag,
        algorithm: k.algorithm,
        ...(name ? { algorithmName: name } : {}),
        role,
        ...(named?.dsState ? { dsState: named.dsState } : {}),
        ...(named?.goal ? { goal: named.goal } : {}),
        ...(named?.dnskeyState ? { dnskeyState: named.dnskeyState } : {}),
      };
    })
    .sort((a, b) => a.keyTag - b.keyTag || a.algorithm - b.algorithm);
  const wanted = dsWanted(served.flatMap((k) => status.keys.get(keyTag(k)) ?? []));
  const ds = [
    ...new Set(
      served
        .filter((k) => isKeySigningKey(k) && wanted(status.keys.get(keyTag(k))))
        .map((k) => dsText(zone, dsOf(zone, k))),
    ),
  ].sort();
  const policy = status.policy;
  const state: ZoneDnssec['state'] = !signingPolicy(policy)
    ? 'unsigned'
    : secure && ds.length > 0
      ? 'signed'
      : 'signing';
  return { state, ...(policy ? { policy } : {}), keys, ds };
}

/** Read the zone's DNSSEC from named (three questions); undefined when named does not have the zone. */
export async function readZoneDnssec(zones: ZoneService, zone: string): Promise<ZoneDnssec | undefined> {
  let zonestatus: string;
  try {
    zonestatus = await zones.deps.rndc.run(['zonestatus', zone]);
  } catch (e) {
    if (e instanceof RndcError && e.notFound) {
      zones.noteSigning(zone, false);
      return undefined;
    }
    throw e;
  }
  const secure = /^secure:\s*yes\b/m.test(zonestatus);
  let status: DnssecStatus = { keys: new Map() };
  try {
    status = parseDnssecStatus(await zones.deps.rndc.run(['dnssec', '-status', zone]));
  } catch (e) {
    // a zone without a policy: rndc fails with "Zone does not have dnssec-policy"; anything else is a failure
    if (!(e instanceof RndcError && /does not have dnssec-policy/i.test(e.stderr))) throw e;
  }
  const answer = await zones.timed('dnskey', () => zones.deps.dns.query(zone, TYPE_DNSKEY));
  const served = answer.an
    .filter((rr) => rr.type === TYPE_DNSKEY && rr.name === `${zone}.`)
    .flatMap((rr) => {
      const k = parseDnskeyRdata(rr.msg.subarray(rr.rdOff, rr.rdOff + rr.rdLen));
      return k ? [k] : [];
    });
  // named makes and publishes a policy zone's keys when it loads it; for a zone added at run time it was seen (about
  // one test run in twenty) to publish no DNSKEY for over 30 s, i.e. not before its next key check
  // (dnssec-loadkeys-interval, 60 min by default). `rndc loadkeys` runs the key manager for the zone now (BIND 9 ARM,
  // "rndc loadkeys"); harmless when the keys are simply still being made. Each read of a zone still signing asks.
  if (signingPolicy(status.policy) && served.length === 0)
    await zones.deps.rndc.run(['loadkeys', zone]).catch(() => undefined);
  const d = zoneDnssecOf(zone, secure, status, served);
  zones.noteSigning(zone, d.state === 'signing');
  return d;
}

/**
 * `GET /api/v1/zones/{zone}/dnssec` (404 when named does not have the zone) and `POST …/dnssec/checkds` (dns/contract.ts
 * `CheckDsBody`): named told that the parent publishes or withdrew a key's DS; 422 naming `keyTag` for a key it does
 * not serve.
 */
export function dnssecRoutes({ zones }: RouteDeps): BindcarRoute[] {
  return [
    {
      method: 'get',
      path: '/api/v1/zones/:zone/dnssec',
      auth: true,
      handle: async (req) => {
        const zone = zoneParam(req.zone);
        const d = await readZoneDnssec(zones, zone);
        if (!d) throw notFound(`zone ${zone}`);
        return { json: { zone, ...d } satisfies ZoneDnssecResult };
      },
    },
    {
      method: 'post',
      path: '/api/v1/zones/:zone/dnssec/checkds',
      auth: true,
      handle: async (req) => {
        const zone = zoneParam(req.zone);
        const body = checkBody(validateCheckDsBody, req.body, 'CheckDsBody');
        return zones.withZone(zone, async () => {
          const before = await readZoneDnssec(zones, zone);
          if (!before) throw notFound(`zone ${zone}`);
          if (!before.keys.some((k) => k.keyTag === body.keyTag))
            throw new HttpError(422, 'INVALID_SPEC', `zone ${zone} publishes no key with tag ${body.keyTag}`, [
              {
                field: 'keyTag',
                message: `not a key of the served DNSKEY RRset (${before.keys.map((k) => k.keyTag).join(', ') || 'none'})`,
              },
            ]);
          try {
            await zones.deps.rndc.run(['dnssec', '-checkds', '-key', String(body.keyTag), body.state, zone]);
          } catch (e) {
            throw zones.rndcFailure(e, `checkds ${body.state} for key ${body.keyTag} of zone ${zone}`);
          }
          return { json: { zone, ...(await readZoneDnssec(zones, zone))! } satisfies ZoneDnssecResult };
        });
      },
    },
  ];
}
