/**
 * Pure: a DNSZone, the records it selected and the instances it is placed on → the complete desired zone as
 * bindcar's `PutZoneBody`, plus one outcome per record (in the zone, or why not) and the conflicts.
 *
 * Defaults when the DNSZone leaves them out (also in the CRD descriptions):
 *   $TTL                3600
 *   SOA MNAME           ns1.<zone>.            RNAME  hostmaster.<zone>.
 *                       (a reverse zone: its first name server, and hostmaster.<that server's domain>. — a name under
 *                       in-addr.arpa is nobody's host or mailbox, and an RFC 2317 name is not even a host name)
 *   SOA timers          refresh 3600, retry 600, expire 604800, minimum (negative TTL) 300; SOA TTL = $TTL
 *   apex NS             `spec.nameServers`; when absent, the SOA MNAME alone. An in-zone name server without an
 *                       address (neither in nameServers nor from an A/AAAA record CR) gets glue from the IP
 *                       literals of the primaries' DNS endpoints, so a zone from the seed example loads.
 * The rules a zone's content must meet are dns/zone-rules.ts `checkZone`, the same bindcar applies to the PUT: the CRs
 * go in oldest first (creationTimestamp, then namespace/name), so of two conflicting CRs the older keeps the name, and
 * each CR a rule leaves out gets the rule's finding as its outcome (a conflict, or an invalid record). Same
 * owner+type from several CRs merge (lowest TTL wins). Records are ordered by RFC 4034 canonical owner order, type,
 * data (dns/rrset.ts).
 */
import { splitHostPort } from '../../dns/address.js';
import type { PutZoneBody, SoaSpec, ZoneNameServer, ZoneRecord } from '../../dns/contract.js';
import { absoluteTarget, canonicalZoneName, relativeOwner, soaRname } from '../../dns/names.js';
import { canonicalIPv4, canonicalIPv6 } from '../../dns/rdata.js';
import { isReverseZone } from '../../dns/reverse.js';
import { orderRRsets, rrsetKey } from '../../dns/rrset.js';
import { DEFAULT_MAX_RECORDS_PER_TYPE } from '../../dns/zone-model.js';
import { checkZone, CONFLICT_RULES, type Contribution, type RuleId, type ZoneFinding } from '../../dns/zone-rules.js';
import type { DNSRecord, DNSZone } from '../schema/generated.js';
import { ANNOTATIONS } from '../labels.js';
import { dataField, recordRRs } from './records.js';
import { ptrRequested, type AutomaticPtr, type PtrOutcome } from './ptr.js';
import { byAge, type Placement } from './select.js';
import { SOURCE_REF_ANNOTATION, isSourceRecord } from '../sources/source.js';

export const ZONE_DEFAULTS = {
  ttl: 3600,
  refresh: 3600,
  retry: 600,
  expire: 604800,
  negativeTtl: 300,
  /** spec.deletionGuard when the zone sets none of its limits */
  maxDeletePercent: 30,
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
  // the zone's spec.unmanagedRecords leave the record's data to others
  | 'Unmanaged'
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
  /** Served, but likely wrong: why (dns/zone-rules.ts warnings), naming the field. */
  warning?: string;
  /** Served, and asks for its PTRs (hooks/zone/ptr.ts): written to its status.ptrRequested. */
  ptrRequested?: true;
}

/** A record excluded because of an RRset conflict (DNSZone `status.conflicts`). */
export interface ZoneConflict {
  kind: string;
  name: string;
  reason:
    | Extract<
        RuleId,
        'CNAMEAtApex' | 'CNAMEAndOtherData' | 'MultipleCNAME' | 'MultipleDNAME' | 'BelowDNAME' | 'SVCBMixedModes'
      >
    // automatic PTR: two names claim one address (hooks/zone/ptr.ts)
    | 'PTRConflict';
  message: string;
}

export interface DesiredZoneResult {
  /** Canonical zone name (lowercase ASCII, no trailing dot). */
  zoneName: string;
  body: PutZoneBody;
  outcomes: RecordOutcome[];
  conflicts: ZoneConflict[];
  /** A reverse zone: what it made of each record asking for PTRs in its range (their status.ptr entries). */
  ptrs: PtrOutcome[];
}

/** The zone itself is unusable (bad zone name, SOA or name servers): nothing can be pushed. */
export interface InvalidZone {
  invalid: true;
  zoneName?: string;
  message: string;
}

const recName = (r: DNSRecord) => `${r.kind} ${r.metadata.name}`;

/** The IP literal of a DNS endpoint (`10.0.0.2:53`, `[2001:db8::2]:53`, or a bare address), when it is one. */
function endpointAddress(dnsEndpoint: string): { v4?: string; v6?: string } {
  const { host } = splitHostPort(dnsEndpoint);
  return { v4: canonicalIPv4(host), v6: canonicalIPv6(host) };
}

/** A zone-level finding (PUT body terms) → the DNSZone field a user can fix. */
function specPath(path: ZoneFinding['path']): string {
  const [part, i, key] = path;
  if (part === 'unmanagedRecords') return `spec.unmanagedRecords[${i}]${key === undefined ? '' : `.${key}`}`;
  if (part === 'soa') return i === 'rname' ? 'spec.soaRecord.adminEmail' : 'spec.soaRecord.primaryNameServer';
  if (i === undefined) return 'spec.nameServers';
  if (key === undefined) return `spec.nameServers[${i}]`;
  return `spec.nameServers[${i}].${key === 'hostname' ? 'hostname' : key === 'ipv4Addresses' ? 'ipv4Address' : 'ipv6Address'}`;
}

/**
 * What the body says about records and zones bindy does not own: the unmanaged-record rules, the deletion guard
 * (spec.deletionGuard, else the default; acknowledged by the allow-deletions annotation), who declares the zone and
 * whether it may take over one bindy did not create (dns/contract.ts `PutZoneBody`).
 */
function ownership(zone: DNSZone): Pick<PutZoneBody, 'unmanagedRecords' | 'deletionGuard' | 'owner' | 'adopt'> {
  const g = zone.spec.deletionGuard;
  const acknowledged = zone.metadata.annotations?.[ANNOTATIONS.allowDeletions];
  const limits =
    g?.maxDeletes !== undefined || g?.maxDeletePercent !== undefined
      ? {
          ...(g.maxDeletes !== undefined ? { maxDeletes: g.maxDeletes } : {}),
          ...(g.maxDeletePercent !== undefined ? { maxDeletePercent: g.maxDeletePercent } : {}),
        }
      : { maxDeletePercent: ZONE_DEFAULTS.maxDeletePercent };
  return {
    ...(zone.spec.unmanagedRecords?.length ? { unmanagedRecords: zone.spec.unmanagedRecords } : {}),
    deletionGuard: {
      ...limits,
      ...(g?.minRecords !== undefined ? { minRecords: g.minRecords } : {}),
      ...(acknowledged ? { acknowledged: acknowledged.slice(0, 64) } : {}),
    },
    owner: `${zone.metadata.namespace ?? ''}/${zone.metadata.name}`,
    ...(zone.spec.adoptExisting ? { adopt: true } : {}),
  };
}

/**
 * Build the desired zone.
 * @param zone the DNSZone (already schema-valid)
 * @param records the records it selected (see `selectRecords`), any order
 * @param instances where it is placed (primaries' DNS endpoints feed default glue)
 * @param defaults the placement's defaults: `dnssecPolicy` from the cluster's `global.dnssec` when the zone sets none;
 *   `nameServers`, the apex NS its PowerDNS servers give a zone without spec.nameServers (the first is the default
 *   SOA MNAME)
 * @param automatic a reverse zone's automatic PTRs (hooks/zone/ptr.ts `automaticPtrs`): after every CR, so an explicit
 *   record at a PTR's name wins (the PTR is Shadowed), and the rules leave out a PTR before any CR
 */
export function desiredZone(
  zone: DNSZone,
  records: readonly DNSRecord[],
  instances: readonly Placement[],
  defaults: { dnssecPolicy?: string; nameServers?: readonly string[] } = {},
  automatic: { ptrs: readonly AutomaticPtr[]; conflicts: readonly PtrOutcome[] } = { ptrs: [], conflicts: [] },
): DesiredZoneResult | InvalidZone {
  const zn = canonicalZoneName(zone.spec.zoneName);
  if (!zn.ok) return { invalid: true, message: `spec.zoneName: ${zn.reason}` };
  const z = zn.name;
  const ttl = zone.spec.ttl ?? ZONE_DEFAULTS.ttl;
  const soa = zone.spec.soaRecord;
  const defaultNs = zone.spec.nameServers?.length ? undefined : defaults.nameServers?.[0];
  const reverseNs = isReverseZone(z) ? (zone.spec.nameServers?.[0]?.hostname ?? defaultNs) : undefined;
  const mname = absoluteTarget(soa?.primaryNameServer ?? soa?.primaryNs ?? reverseNs ?? defaultNs ?? `ns1.${z}`, z);
  if (!mname.ok) return { invalid: true, zoneName: z, message: `spec.soaRecord.primaryNameServer: ${mname.reason}` };

  // one outcome per record, in age order (slot i = the i-th oldest record)
  const ordered = byAge(records);
  const slots: (RecordOutcome | undefined)[] = new Array<RecordOutcome | undefined>(ordered.length);
  const conflicts: ZoneConflict[] = [];
  const reject = (i: number, reason: RecordReason, message: string, fqdn?: string) => {
    slots[i] = { record: ordered[i]!, included: false, reason, message, ...(fqdn ? { fqdn } : {}) };
  };

  // every record → its contribution (owner, type, canonical data), or rejected by the record grammar
  const contributions: Contribution[] = [];
  const slotOf: number[] = [];
  const rrs = ordered.map((rec) => recordRRs(z, rec, ttl));
  // A record an Ingress or Service made (hooks/sources/source.ts) never overwrites one declared by hand: at an owner a
  // hand-declared record holds, the source's record is left out whatever the ages (the source reports it).
  const handOwners = new Set<string>();
  rrs.forEach((r, i) => {
    if (r.ok && !isSourceRecord(ordered[i]!)) handOwners.add(r.fqdn);
  });
  for (let i = 0; i < ordered.length; i++) {
    const r = rrs[i]!;
    if (!r.ok) {
      reject(i, r.reason, r.message, r.fqdn);
      continue;
    }
    if (handOwners.has(r.fqdn) && isSourceRecord(ordered[i]!)) {
      const via = ordered[i]!.metadata.annotations?.[SOURCE_REF_ANNOTATION] ?? 'a source';
      reject(
        i,
        'Conflict',
        `${r.fqdn} is declared by hand in zone ${z}: the record from ${via} yields (a source never overwrites a hand-declared record)`,
        r.fqdn,
      );
      continue;
    }
    contributions.push({ owner: r.fqdn, type: r.rrs[0]!.type, ttl: r.rrs[0]!.ttl, data: r.rrs.map((rr) => rr.data) });
    slotOf.push(i);
  }

  // automatic PTRs last: an explicit record at the name wins, and a rule leaves out a PTR before a CR
  const explicitOwners = new Set(contributions.map((c) => c.owner));
  const autoAt = new Map<number, AutomaticPtr>(); // contribution index → its automatic PTR
  const shadowed: AutomaticPtr[] = [];
  for (const a of automatic.ptrs) {
    if (explicitOwners.has(a.owner)) {
      shadowed.push(a);
      continue;
    }
    autoAt.set(contributions.length, a);
    contributions.push({ owner: a.owner, type: 'PTR', ttl, data: [a.target] });
  }
  const isAuto = (k: number) => autoAt.has(k);

  // name servers from the zone spec; without any, the PowerDNS servers' defaults, else the SOA MNAME, glued to the
  // primaries' DNS addresses
  const nsSpec: readonly { hostname: string; ipv4Address?: string; ipv6Address?: string }[] = zone.spec.nameServers
    ?.length
    ? zone.spec.nameServers
    : defaults.nameServers?.length
      ? defaults.nameServers.map((hostname) => ({ hostname }))
      : [{ hostname: mname.name }];
  const nameServers: ZoneNameServer[] = [];
  for (const [i, ns] of nsSpec.entries()) {
    const h = absoluteTarget(ns.hostname, z);
    if (!h.ok) return { invalid: true, zoneName: z, message: `spec.nameServers[${i}].hostname: ${h.reason}` };
    nameServers.push({
      hostname: h.name,
      ...(ns.ipv4Address ? { ipv4Addresses: [ns.ipv4Address] } : {}),
      ...(ns.ipv6Address ? { ipv6Addresses: [ns.ipv6Address] } : {}),
    });
  }
  const primaryAddresses = instances
    .filter((i) => i.role === 'primary' && i.dnsEndpoint)
    .map((i) => endpointAddress(i.dnsEndpoint!));
  const distinct = (list: (string | undefined)[]) => [...new Set(list.filter((a): a is string => !!a))].sort();

  const soaSpec: SoaSpec = {
    mname: mname.name,
    rname: soaRname(
      soa?.adminEmail ?? `hostmaster.${reverseNs ? mname.name.slice(mname.name.indexOf('.') + 1) : `${z}.`}`,
    ),
    refresh: soa?.refresh ?? ZONE_DEFAULTS.refresh,
    retry: soa?.retry ?? ZONE_DEFAULTS.retry,
    expire: soa?.expire ?? ZONE_DEFAULTS.expire,
    minimum: soa?.negativeTtl ?? ZONE_DEFAULTS.negativeTtl,
    ...(soa?.ttl !== undefined ? { ttl: soa.ttl } : {}),
  };
  const checked = checkZone({
    zone: z,
    type: 'primary',
    ttl,
    soa: soaSpec,
    nameServers,
    contributions,
    maxPerType: DEFAULT_MAX_RECORDS_PER_TYPE,
    ...(zone.spec.unmanagedRecords?.length ? { unmanaged: zone.spec.unmanagedRecords } : {}),
    ...(zone.spec.nameServers?.length
      ? {}
      : {
          fallbackGlue: {
            ipv4Addresses: distinct(primaryAddresses.map((a) => a.v4)),
            ipv6Addresses: distinct(primaryAddresses.map((a) => a.v6)),
          },
        }),
    describe: (source) =>
      source === 'zone'
        ? `DNSZone ${zone.metadata.name}`
        : isAuto(source)
          ? `the automatic PTR of ${recName(autoAt.get(source)!.record)}`
          : `the older ${recName(ordered[slotOf[source]!]!)}`,
  });
  if (checked.zoneFindings.length)
    return {
      invalid: true,
      zoneName: z,
      message: checked.zoneFindings.map((f) => `${specPath(f.path)}: ${f.message}`).join('; '),
    };
  const autoLeftOut = new Map<number, string>();
  for (const f of checked.findings) {
    if (isAuto(f.index)) {
      autoLeftOut.set(f.index, f.message);
      continue;
    }
    const i = slotOf[f.index]!;
    const record = ordered[i]!;
    const fqdn = contributions[f.index]!.owner;
    if (CONFLICT_RULES.has(f.rule)) {
      conflicts.push({
        kind: record.kind,
        name: record.metadata.name,
        reason: f.rule as ZoneConflict['reason'],
        message: f.message,
      });
      reject(i, 'Conflict', f.message, fqdn);
    } else if (f.rule === 'Unmanaged') reject(i, 'Unmanaged', f.message, fqdn);
    else reject(i, 'InvalidRecord', f.about === 'data' ? `${dataField(record)}: ${f.message}` : f.message, fqdn);
  }

  const warned = new Map<number, string[]>();
  for (const w of checked.warnings) {
    if (isAuto(w.index)) continue;
    const record = ordered[slotOf[w.index]!]!;
    const field = w.about === 'data' ? dataField(record) : w.about === 'ttl' ? 'spec.ttl' : 'spec.name';
    const text = `${field}: ${w.message}`;
    warned.set(w.index, [...(warned.get(w.index) ?? []), text]);
  }
  // The body's records: the accepted CRs' data, per RRset at the TTL the zone serves it with. checkZone's RRsets
  // hold exactly that, except where the zone's own name servers and glue share an RRset with CRs: only those few
  // are rebuilt from the CRs (no second set per RRset for a 10k-record zone).
  const seeded = new Set<string>();
  for (const ns of checked.nameServers) {
    seeded.add(rrsetKey(`${z}.`, 'NS'));
    if (ns.ipv4Addresses) seeded.add(rrsetKey(ns.hostname, 'A'));
    if (ns.ipv6Addresses) seeded.add(rrsetKey(ns.hostname, 'AAAA'));
  }
  const fromCrs = new Map<string, Set<string>>(); // seeded RRset → the CRs' data in it
  const contributed = new Set<string>();
  contributions.forEach((c, k) => {
    if (!checked.accepted[k]) return;
    const key = rrsetKey(c.owner, c.type);
    contributed.add(key);
    if (seeded.has(key)) {
      const data = fromCrs.get(key) ?? new Set<string>();
      for (const d of c.data) data.add(d);
      fromCrs.set(key, data);
    }
    if (isAuto(k)) return;
    const i = slotOf[k]!;
    const record = ordered[i]!;
    const warning = warned.get(k)?.join('; ');
    slots[i] = {
      record,
      included: true,
      reason: 'Served',
      message: `served as ${c.owner} in zone ${z}${warning ? `; warning: ${warning}` : ''}`,
      fqdn: c.owner,
      ...(warning ? { warning } : {}),
      ...(ptrRequested(zone, record, c.owner) ? { ptrRequested: true as const } : {}),
    };
  });
  const ptrs = ptrOutcomes(z, autoAt, autoLeftOut, shadowed, automatic.conflicts);
  for (const o of automatic.conflicts)
    conflicts.push({ kind: o.record.kind, name: o.record.metadata.name, reason: 'PTRConflict', message: o.message });
  const body: PutZoneBody = {
    type: 'primary',
    ttl,
    soa: soaSpec,
    ...(soa?.serial !== undefined ? { serial: soa.serial } : {}),
    nameServers: checked.nameServers,
    records: orderRRsets(
      [...checked.rrsets.values()].filter((s) => contributed.has(rrsetKey(s.owner, s.type))),
    ).flatMap((s) => {
      const mine = fromCrs.get(rrsetKey(s.owner, s.type));
      const data = mine ? [...mine].sort() : s.data;
      return data.map((d): ZoneRecord => ({ name: relativeOwner(z, s.owner), type: s.type, ttl: s.ttl, data: d }));
    }),
    ...((zone.spec.dnssecPolicy ?? defaults.dnssecPolicy)
      ? { dnssecPolicy: zone.spec.dnssecPolicy ?? defaults.dnssecPolicy }
      : {}),
    ...ownership(zone),
  };
  const outcomes = slots.filter((o): o is RecordOutcome => o !== undefined);
  conflicts.sort((a, b) =>
    a.kind + '/' + a.name < b.kind + '/' + b.name ? -1 : a.kind + '/' + a.name > b.kind + '/' + b.name ? 1 : 0,
  );
  return { zoneName: z, body, outcomes, conflicts, ptrs };
}

/**
 * One outcome per record asking for PTRs in this reverse zone: Conflict (another name holds an address), else
 * Shadowed (an explicit record holds a PTR's name, or a rule left the PTR out), else Served — listing the addresses
 * concerned and, for the others, what was served.
 */
function ptrOutcomes(
  zone: string,
  autoAt: ReadonlyMap<number, AutomaticPtr>,
  leftOut: ReadonlyMap<number, string>,
  shadowed: readonly AutomaticPtr[],
  conflicts: readonly PtrOutcome[],
): PtrOutcome[] {
  type Acc = { record: AutomaticPtr['record']; served: string[]; shadowed: string[]; why: string[] };
  const by = new Map<string, Acc>();
  const acc = (r: AutomaticPtr['record']) => {
    const k = `${r.kind}/${r.metadata.namespace ?? ''}/${r.metadata.name}`;
    let a = by.get(k);
    if (!a) by.set(k, (a = { record: r, served: [], shadowed: [], why: [] }));
    return a;
  };
  for (const [k, p] of autoAt) {
    const why = leftOut.get(k);
    if (why === undefined) acc(p.record).served.push(p.address);
    else {
      const a = acc(p.record);
      a.shadowed.push(p.address);
      a.why.push(why);
    }
  }
  for (const p of shadowed) {
    const a = acc(p.record);
    a.shadowed.push(p.address);
    a.why.push(`an explicit record holds ${p.owner}`);
  }
  const out: PtrOutcome[] = [];
  const conflicted = new Set(conflicts.map((c) => c.record));
  for (const c of conflicts) out.push(c);
  for (const a of by.values()) {
    if (conflicted.has(a.record)) continue;
    const served = a.served.length ? `PTR of ${a.served.join(', ')} served in ${zone}` : '';
    if (a.shadowed.length)
      out.push({
        record: a.record,
        state: 'Shadowed',
        addresses: a.shadowed,
        message: `${a.why.join('; ')}: no automatic PTR for ${a.shadowed.join(', ')}${served ? `; ${served}` : ''}`,
      });
    else out.push({ record: a.record, state: 'Served', addresses: a.served, message: served });
  }
  return out;
}
