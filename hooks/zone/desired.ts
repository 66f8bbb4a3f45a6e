/**
 * Pure: a DNSZone, the records it selected and the instances it is placed on → the complete desired zone as
 * bindcar's `PutZoneBody`, plus one outcome per record (in the zone, or why not) and the conflicts.
 *
 * Defaults when the DNSZone leaves them out (also in the CRD descriptions):
 *   $TTL                3600
 *   SOA MNAME           ns1.<zone>.            RNAME  hostmaster.<zone>.
 *   SOA timers          refresh 3600, retry 600, expire 604800, minimum (negative TTL) 300; SOA TTL = $TTL
 *   apex NS             `spec.nameServers`; when absent, the SOA MNAME alone. An in-zone name server without an
 *                       address (neither in nameServers nor from an A/AAAA record CR) gets glue from the IP
 *                       literals of the primaries' DNS endpoints, so a zone from the seed example loads.
 * RRset rules (RFC 2181 §5, RFC 1034 §3.6.2): same owner+type from several CRs merge (lowest TTL wins — bindcar applies it per
 * RRset); a CNAME beside other data, at the apex or twice at one owner → the oldest CR (creationTimestamp, then
 * namespace/name) wins and the others are reported as conflicts. Everything is ordered deterministically:
 * records by RFC 4034 canonical owner order, type, data.
 */
import type { PutZoneBody, ZoneNameServer, ZoneRecord } from '../../dns/contract.js';
import { absoluteTarget, canonicalZoneName, inZone, relativeOwner, soaRname } from '../../dns/names.js';
import { canonicalIPv4, canonicalIPv6 } from '../../dns/rdata.js';
import {
  canonicalOrderKey,
  DEFAULT_MAX_RECORDS_PER_TYPE,
  desiredZone as bindcarDesiredZone,
} from '../../dns/zone-model.js';
import type { DNSRecord, DNSZone } from '../schema/generated.js';
import { recordRRs, RR_TYPE_OF } from './records.js';
import { byAge, type Placement } from './select.js';

export const ZONE_DEFAULTS = {
  ttl: 3600,
  refresh: 3600,
  retry: 600,
  expire: 604800,
  negativeTtl: 300,
} as const;

/** Why a selected record is or is not served. */
export type RecordReason =
  | 'Served'
  | 'Conflict'
  | 'OutOfZone'
  | 'InvalidRecord'
  | 'DuplicateZone'
  | 'ZoneDeleted'
  | 'NotSelected'
  // the record would be in the zone, but the zone was not pushed (hooks/zone/status.ts `passOutcome`)
  | 'Pending'
  | 'PushFailed'
  | 'ZoneNotReady';

export interface RecordOutcome {
  record: DNSRecord;
  included: boolean;
  reason: RecordReason;
  message: string;
  /** Absolute owner name, when it could be resolved. */
  fqdn?: string;
}

/** A record excluded because of an RRset conflict (DNSZone `status.conflicts`). */
export interface ZoneConflict {
  kind: string;
  name: string;
  reason: 'CNAMEAtApex' | 'CNAMEAndOtherData' | 'MultipleCNAME';
  message: string;
}

export interface DesiredZoneResult {
  /** Canonical zone name (lowercase ASCII, no trailing dot). */
  zoneName: string;
  body: PutZoneBody;
  outcomes: RecordOutcome[];
  conflicts: ZoneConflict[];
}

/** The zone itself is unusable (bad zone name, SOA or name servers): nothing can be pushed. */
export interface InvalidZone {
  invalid: true;
  zoneName?: string;
  message: string;
}

const recName = (r: DNSRecord) => `${r.kind} ${r.metadata.name}`;

function hostOf(dnsEndpoint: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(dnsEndpoint);
  if (v6) return v6[1]!;
  const i = dnsEndpoint.lastIndexOf(':');
  return i > 0 && dnsEndpoint.indexOf(':') === i ? dnsEndpoint.slice(0, i) : dnsEndpoint;
}

interface Candidate {
  record: DNSRecord;
  fqdn: string;
  rrs: ZoneRecord[];
  /** Age rank (0 = oldest). */
  i: number;
}

/**
 * Build the desired zone.
 * @param zone the DNSZone (already schema-valid)
 * @param records the records it selected (see `selectRecords`), any order
 * @param instances where it is placed (primaries' DNS endpoints feed default glue)
 * @param defaults the cluster's defaults: `dnssecPolicy` from its `global.dnssec` when the zone sets none
 */
export function desiredZone(
  zone: DNSZone,
  records: readonly DNSRecord[],
  instances: readonly Placement[],
  defaults: { dnssecPolicy?: string } = {},
): DesiredZoneResult | InvalidZone {
  const zn = canonicalZoneName(zone.spec.zoneName);
  if (!zn.ok) return { invalid: true, message: `spec.zoneName: ${zn.reason}` };
  const z = zn.name;
  const apex = `${z}.`;
  const ttl = zone.spec.ttl ?? ZONE_DEFAULTS.ttl;
  const soa = zone.spec.soaRecord;
  const mname = absoluteTarget(soa?.primaryNameServer ?? soa?.primaryNs ?? `ns1.${z}`);
  if (!mname.ok) return { invalid: true, zoneName: z, message: `spec.soaRecord.primaryNameServer: ${mname.reason}` };

  // one outcome per record, in age order (slot i = the i-th oldest record)
  const ordered = byAge(records);
  const slots: (RecordOutcome | undefined)[] = new Array<RecordOutcome | undefined>(ordered.length);
  const conflicts: ZoneConflict[] = [];
  const reject = (c: { record: DNSRecord; fqdn?: string; i: number }, reason: RecordReason, message: string) => {
    slots[c.i] = { record: c.record, included: false, reason, message, ...(c.fqdn ? { fqdn: c.fqdn } : {}) };
  };

  // 1. every record → canonical RRs, or rejected
  let candidates: Candidate[] = [];
  for (let i = 0; i < ordered.length; i++) {
    const record = ordered[i]!;
    const r = recordRRs(z, record, ttl);
    if (r.ok) candidates.push({ record, fqdn: r.fqdn, rrs: r.rrs, i });
    else reject({ record, i, ...(r.fqdn ? { fqdn: r.fqdn } : {}) }, r.reason, r.message);
  }

  // 2. name servers (+ glue) from the zone spec
  const nsSpec = zone.spec.nameServers?.length ? zone.spec.nameServers : [{ hostname: mname.name }];
  const nameServers: ZoneNameServer[] = [];
  for (const [i, ns] of nsSpec.entries()) {
    const h = absoluteTarget(ns.hostname);
    if (!h.ok) return { invalid: true, zoneName: z, message: `spec.nameServers[${i}].hostname: ${h.reason}` };
    const entry: ZoneNameServer = { hostname: h.name };
    const v4 = 'ipv4Address' in ns && ns.ipv4Address ? [ns.ipv4Address] : [];
    const v6 = 'ipv6Address' in ns && ns.ipv6Address ? [ns.ipv6Address] : [];
    if (v4.length) entry.ipv4Addresses = v4;
    if (v6.length) entry.ipv6Addresses = v6;
    nameServers.push(entry);
  }
  const glueOwners = new Set(
    nameServers.filter((n) => inZone(n.hostname, z) && (n.ipv4Addresses || n.ipv6Addresses)).map((n) => n.hostname),
  );

  // 3. CNAME rules: per owner, oldest CR wins
  const byOwner = new Map<string, Candidate[]>();
  for (const c of candidates) if (c.record.kind === 'CNAMERecord') byOwner.set(c.fqdn, []);
  if (byOwner.size) {
    for (const c of candidates) byOwner.get(c.fqdn)?.push(c);
  }
  const losers = new Set<Candidate>();
  for (const [owner, list] of byOwner) {
    const cnames = list.filter((c) => c.record.kind === 'CNAMERecord');
    if (cnames.length === 0) continue;
    const lose = (c: Candidate, reason: ZoneConflict['reason'], message: string) => {
      losers.add(c);
      conflicts.push({ kind: c.record.kind, name: c.record.metadata.name, reason, message });
      reject(c, 'Conflict', message);
    };
    if (owner === apex) {
      for (const c of cnames)
        lose(c, 'CNAMEAtApex', `a CNAME is not allowed at the zone apex ${owner} (it would sit beside SOA and NS)`);
      continue;
    }
    if (glueOwners.has(owner)) {
      for (const c of cnames)
        lose(
          c,
          'CNAMEAndOtherData',
          `${owner} holds name-server glue from DNSZone ${zone.metadata.name}; a CNAME must be alone at its name`,
        );
      continue;
    }
    const winner = list[0]!; // list is oldest first
    for (const c of list.slice(1)) {
      if (winner.record.kind === 'CNAMERecord') {
        lose(
          c,
          c.record.kind === 'CNAMERecord' ? 'MultipleCNAME' : 'CNAMEAndOtherData',
          c.record.kind === 'CNAMERecord'
            ? `${owner} already has a CNAME from the older ${recName(winner.record)}; only one CNAME is allowed per name`
            : `${owner} is a CNAME (from the older ${recName(winner.record)}); a CNAME must be alone at its name`,
        );
      } else if (c.record.kind === 'CNAMERecord') {
        lose(
          c,
          'CNAMEAndOtherData',
          `${owner} already has ${RR_TYPE_OF[winner.record.kind]} data (from the older ${recName(winner.record)}); a CNAME must be alone at its name`,
        );
      }
    }
  }
  candidates = candidates.filter((c) => !losers.has(c));

  // 4. targets that cannot work: NS/MX/SRV pointing at an in-zone CNAME (RFC 2181 §10.3), in-zone NS without address
  const cnameOwners = new Set(candidates.filter((c) => c.record.kind === 'CNAMERecord').map((c) => c.fqdn));
  const addressOwners = new Set([
    ...glueOwners,
    ...candidates.filter((c) => c.record.kind === 'ARecord' || c.record.kind === 'AAAARecord').map((c) => c.fqdn),
  ]);
  // default glue for the SOA-MNAME name server when nothing else gives it an address
  const primaryIps = instances.filter((i) => i.role === 'primary' && i.dnsEndpoint).map((i) => hostOf(i.dnsEndpoint!));
  for (const ns of nameServers) {
    if (!inZone(ns.hostname, z) || addressOwners.has(ns.hostname) || zone.spec.nameServers?.length) continue;
    const v4 = [...new Set(primaryIps.map(canonicalIPv4).filter((a): a is string => !!a))].sort();
    const v6 = [...new Set(primaryIps.map(canonicalIPv6).filter((a): a is string => !!a))].sort();
    if (v4.length) ns.ipv4Addresses = v4;
    if (v6.length) ns.ipv6Addresses = v6;
    if (v4.length || v6.length) addressOwners.add(ns.hostname);
  }
  candidates = candidates.filter((c) => {
    for (const rr of c.rrs) {
      if (rr.type !== 'NS' && rr.type !== 'MX' && rr.type !== 'SRV') continue;
      const target = rr.data.slice(rr.data.lastIndexOf(' ') + 1);
      if (cnameOwners.has(target)) {
        reject(c, 'InvalidRecord', `${rr.type} target ${target} is a CNAME in this zone (RFC 2181 §10.3)`);
        return false;
      }
      if (rr.type === 'NS' && inZone(target, z) && !addressOwners.has(target)) {
        reject(c, 'InvalidRecord', `spec.nameserver: ${target} is inside the zone but has no A/AAAA record`);
        return false;
      }
    }
    return true;
  });

  const body: PutZoneBody = {
    type: 'primary',
    ttl,
    soa: {
      mname: mname.name,
      rname: soaRname(soa?.adminEmail ?? `hostmaster.${z}.`),
      refresh: soa?.refresh ?? ZONE_DEFAULTS.refresh,
      retry: soa?.retry ?? ZONE_DEFAULTS.retry,
      expire: soa?.expire ?? ZONE_DEFAULTS.expire,
      minimum: soa?.negativeTtl ?? ZONE_DEFAULTS.negativeTtl,
      ...(soa?.ttl !== undefined ? { ttl: soa.ttl } : {}),
    },
    ...(soa?.serial !== undefined ? { serial: soa.serial } : {}),
    nameServers,
    records: [],
    ...((zone.spec.dnssecPolicy ?? defaults.dnssecPolicy)
      ? { dnssecPolicy: zone.spec.dnssecPolicy ?? defaults.dnssecPolicy }
      : {}),
  };

  // 5. named's max-records-per-type: the CRs that would push an RRset over the limit are left out, newest first
  const sets = new Map<string, Map<string, RRsetDraft>>(); // owner → type → RRset
  candidates = candidates.filter((c) => {
    let byType = sets.get(c.fqdn);
    if (!byType) sets.set(c.fqdn, (byType = new Map()));
    const touched: RRsetDraft[] = [];
    const added: [RRsetDraft, string][] = [];
    for (const rr of c.rrs) {
      let set = byType.get(rr.type);
      if (!set) byType.set(rr.type, (set = { owner: c.fqdn, order: '', type: rr.type, ttl: rr.ttl, data: new Set() }));
      touched.push(set);
      if (set.data.has(rr.data)) continue;
      set.data.add(rr.data);
      added.push([set, rr.data]);
      if (set.data.size > DEFAULT_MAX_RECORDS_PER_TYPE) {
        for (const [st, d] of added) st.data.delete(d);
        reject(
          c,
          'InvalidRecord',
          `${c.fqdn} ${rr.type} would have more than ${DEFAULT_MAX_RECORDS_PER_TYPE} records; named accepts at most ${DEFAULT_MAX_RECORDS_PER_TYPE} per RRset`,
        );
        return false;
      }
    }
    for (let k = 0; k < touched.length; k++) touched[k]!.ttl = Math.min(touched[k]!.ttl, c.rrs[k]!.ttl);
    return true;
  });

  // 6. the zone-level parts (SOA, name servers and their glue) through bindcar's model; records are already
  //    canonical and every cross-record rule bindcar enforces is applied above (the golden tests render every case
  //    through bindcar's full validation to keep the two in step).
  const nsHosts = new Set(nameServers.filter((n) => inZone(n.hostname, z)).map((n) => relativeOwner(z, n.hostname)));
  const rrs = orderedRecords(z, sets);
  const glue = nsHosts.size ? rrs.filter((r) => (r.type === 'A' || r.type === 'AAAA') && nsHosts.has(r.name)) : [];
  const check = bindcarDesiredZone(z, { ...body, records: glue });
  if (!check.ok)
    return {
      invalid: true,
      zoneName: z,
      message: check.errors.map((e) => `${specField(e.field)}: ${e.message}`).join('; '),
    };
  body.records = rrs;

  for (const c of candidates) {
    slots[c.i] = {
      record: c.record,
      included: true,
      reason: 'Served',
      message: `served as ${c.fqdn} in zone ${z}`,
      fqdn: c.fqdn,
    };
  }
  const outcomes = slots.filter((o): o is RecordOutcome => o !== undefined);
  conflicts.sort((a, b) =>
    a.kind + '/' + a.name < b.kind + '/' + b.name ? -1 : a.kind + '/' + a.name > b.kind + '/' + b.name ? 1 : 0,
  );
  return { zoneName: z, body, outcomes, conflicts };
}

/** An RRset being built: absolute owner, its canonical sort key, lowest TTL so far, distinct data. */
interface RRsetDraft {
  owner: string;
  order: string;
  type: ZoneRecord['type'];
  ttl: number;
  data: Set<string>;
}

/**
 * One body record per distinct (owner, type, data), every RR of an RRset carrying the RRset's lowest TTL, sorted
 * by canonical owner (RFC 4034 §6.1), type, data. Empty RRsets (all CRs left out) are skipped.
 */
function orderedRecords(zone: string, sets: ReadonlyMap<string, ReadonlyMap<string, RRsetDraft>>): ZoneRecord[] {
  const list: RRsetDraft[] = [];
  for (const byType of sets.values()) for (const s of byType.values()) if (s.data.size > 0) list.push(s);
  for (const s of list) s.order = canonicalOrderKey(s.owner);
  list.sort((a, b) => {
    if (a.order !== b.order) return a.order < b.order ? -1 : 1;
    return a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
  });
  const records: ZoneRecord[] = [];
  for (const s of list) {
    const name = relativeOwner(zone, s.owner);
    for (const d of [...s.data].sort()) records.push({ name, type: s.type, ttl: s.ttl, data: d });
  }
  return records;
}

/** bindcar body field (`nameServers/0/hostname`, `soa/mname`) → the DNSZone field a user can fix. */
function specField(field: string): string {
  return field
    .replace(/^nameServers\/(\d+)/, 'spec.nameServers[$1]')
    .replace(/^nameServers$/, 'spec.nameServers')
    .replace(/^soa\/mname/, 'spec.soaRecord.primaryNameServer')
    .replace(/^soa\/rname/, 'spec.soaRecord.adminEmail')
    .replace(/^soa\//, 'spec.soaRecord.')
    .replace(/\//g, '.');
}
