/**
 * Pure: the DNSZone hook's plan for one sync pass — which records the zone selects, where it is placed, the desired
 * zone (hooks/zone/desired.ts) with each record's outcome, and what blocks a push. hooks/controllers/dnszone.ts runs
 * the effects after it; `bindy render`, `plan` and `validate` call it on the request the local driver builds, so they
 * say what the hook would push.
 */
import type { DNSZone } from '../schema/generated.js';
import type { KubeObject, SyncRequest } from '../metacontroller.js';
import { canonicalZoneName, resolveOwner } from '../../dns/names.js';
import { desiredZone, type DesiredZoneResult, type RecordOutcome } from './desired.js';
import {
  placement,
  refOf,
  relatedRecords,
  relatedZones,
  selectRecords,
  statusOwner,
  zoneNameOwner,
  type Placement,
} from './select.js';
import type { ZoneBlock } from './status.js';
import type { PlacementResult } from './select.js';
import { automaticPtrs, ptrStatusPatches } from './ptr.js';
import { childDsRecords, type ChildDs } from './dnssec.js';

/** What one sync pass pushes where, or why not. */
export interface ZonePlan {
  zone: DNSZone;
  desired?: DesiredZoneResult;
  /** Why no desired zone could be built from the spec (reported as the block unless placement blocks first). */
  invalidZone?: string;
  block?: ZoneBlock;
  primaries: Placement[];
  /** Outcomes whose status this zone writes (the zone is the records' status owner). */
  outcomes: RecordOutcome[];
  /** A reverse zone: the `status.ptr` entries it writes on A/AAAA records (hooks/zone/ptr.ts), after a push. */
  ptrStatus?: ReturnType<typeof ptrStatusPatches>;
  /** The DS RRsets this zone serves for child zones that opted in (hooks/zone/dnssec.ts `childDsRecords`). */
  childDS?: ChildDs[];
}

/**
 * Pure: plans one sync pass from the request.
 * @param offline `bindy render`/`plan` only: the DNS endpoint the zone's primaries answer on, which only a running
 *   cluster knows (their Service IPs); it is their address in default glue, and never changes the placement.
 */
export function planZoneSync(
  req: SyncRequest<DNSZone & KubeObject>,
  offline?: { primaryDnsEndpoint: string },
): ZonePlan {
  const zone = req.parent as DNSZone;
  const zones = relatedZones(req.related);
  const records = relatedRecords(req.related);
  const selected = selectRecords(zone, records);
  const candidates = zones.some((z) => refOf(z) === refOf(zone)) ? zones : [...zones, zone];
  const owned = (o: RecordOutcome) => {
    // A zoneRef names one zone of the namespace: only selector-picked records can have several selecting zones.
    if (o.record.spec.zoneRef === zone.metadata.name) return true;
    const owner = statusOwner(candidates, o.record);
    return !owner || refOf(owner) === refOf(zone);
  };
  const place = placement(zone, req.related);
  const primaries = place.instances.filter((i) => i.role === 'primary');
  // Records this zone once served but no zone selects any more (zoneRef changed, label removed): say so, rather
  // than leave a stale Served.
  const cz = canonicalZoneName(zone.spec.zoneName);
  const chosen = new Set(selected);
  const orphans: RecordOutcome[] = records
    .filter(
      (r) =>
        !chosen.has(r) &&
        !r.metadata.deletionTimestamp &&
        cz.ok &&
        r.status?.zone === cz.name &&
        (r.metadata.namespace ?? '') === (zone.metadata.namespace ?? ''),
    )
    .filter(
      (r) =>
        r.status?.conditions?.find((c) => c.type === 'Ready')?.reason !== 'NotSelected' && !statusOwner(candidates, r),
    )
    .map((record) => ({
      record,
      included: false,
      reason: 'NotSelected',
      message: 'no DNSZone selects this record (zoneRef or recordsFrom)',
    }));

  const winner = zoneNameOwner(zone, zones);
  if (refOf(winner) !== refOf(zone)) {
    const message = `zone name ${zone.spec.zoneName} is already claimed by the older DNSZone ${refOf(winner)}`;
    const outcomes = selected.map((record) => ({ record, included: false, reason: 'DuplicateZone' as const, message }));
    return {
      zone,
      block: { reason: 'DuplicateZone', message },
      primaries,
      outcomes: [...outcomes.filter(owned), ...orphans],
    };
  }
  // Placed nowhere: that is the reason to report (and the status names where the zone is still served), even when
  // the desired zone cannot be built without primaries (default glue needs their addresses).
  const placementBlock: ZoneBlock | undefined = primaries.length > 0 ? undefined : unplaced(zone, place);
  const glueFrom = offline
    ? [
        ...place.instances.map((i) => (i.role === 'primary' ? { ...i, dnsEndpoint: offline.primaryDnsEndpoint } : i)),
        ...(primaries.length
          ? []
          : [
              {
                name: 'offline-primary',
                namespace: zone.metadata.namespace ?? '',
                role: 'primary' as const,
                endpoint: undefined,
                dnsEndpoint: offline.primaryDnsEndpoint,
              },
            ]),
      ]
    : place.instances;
  const automatic = cz.ok ? automaticPtrs(zone, cz.name, req.related) : undefined;
  const desired = desiredZone(
    zone,
    selected,
    glueFrom,
    {
      ...(place.dnssecPolicy ? { dnssecPolicy: place.dnssecPolicy } : {}),
      ...(place.nameServers ? { nameServers: place.nameServers } : {}),
    },
    automatic,
  );
  if ('invalid' in desired) {
    // No desired zone: the selected records would be in it, so they learn why it is not pushed (ZoneNotReady, see
    // passOutcome) rather than nothing.
    const block = placementBlock ?? { reason: 'InvalidSpec' as const, message: desired.message };
    const outcomes: RecordOutcome[] = selected.map((record) => {
      const owner = cz.ok ? resolveOwner(cz.name, record.spec.name ?? record.metadata.name) : undefined;
      return {
        record,
        included: true,
        reason: 'ZoneNotReady' as const,
        message: block.message,
        ...(owner?.ok ? { fqdn: owner.name } : {}),
      };
    });
    return {
      zone,
      block,
      invalidZone: desired.message,
      primaries,
      outcomes: [...outcomes.filter(owned), ...orphans],
    };
  }
  const ptrStatus = ptrStatusPatches(desired.zoneName, desired.ptrs, req.related);
  // the DS of child zones that name this one in spec.dnssecParentRef, at their delegations (hooks/zone/dnssec.ts)
  const handoff = childDsRecords(zone, desired.zoneName, desired.body, req.related);
  const base = {
    zone,
    desired: handoff.records.length
      ? { ...desired, body: { ...desired.body, records: [...desired.body.records, ...handoff.records] } }
      : desired,
    ...(handoff.childDS.length ? { childDS: handoff.childDS } : {}),
    outcomes: [...desired.outcomes.filter(owned), ...orphans],
    ...(ptrStatus.length ? { ptrStatus } : {}),
  };
  if (placementBlock) return { ...base, primaries, block: placementBlock };
  return { ...base, primaries };
}

/**
 * Why a zone placed on no primary is not pushed: ClusterNotFound when a reference names nothing and no selector could
 * place it (WaitingForCluster), else NoPrimaries. The wording names only the placement fields the zone uses.
 */
function unplaced(zone: DNSZone, place: PlacementResult): ZoneBlock {
  const ns = zone.metadata.namespace ?? '';
  const selectors = !!zone.spec.bind9InstancesFrom?.length || !!zone.spec.powerDnsServersFrom?.length;
  const missing = [
    ...(place.missingCluster !== undefined
      ? [
          `clusterRef ${place.missingCluster} names neither a Bind9Cluster in namespace ${ns} nor a ClusterBind9Provider`,
        ]
      : []),
    ...(place.missingPowerDns !== undefined
      ? [
          `powerDnsServerRef ${place.missingPowerDns} names neither a PowerDNSServer in namespace ${ns} nor a ClusterPowerDNSServer`,
        ]
      : []),
  ];
  if (missing.length && !selectors) return { reason: 'ClusterNotFound', message: missing.join('; ') };
  const pdns = zone.spec.powerDnsServerRef !== undefined || !!zone.spec.powerDnsServersFrom?.length;
  return {
    reason: 'NoPrimaries',
    message: pdns
      ? 'no primary Bind9Instance or PowerDNS server is selected by clusterRef, bind9InstancesFrom, powerDnsServerRef or powerDnsServersFrom'
      : 'no primary Bind9Instance is selected by clusterRef or bind9InstancesFrom',
  };
}
