/**
 * Pure selection from a Metacontroller request's `related` objects: which records belong to a zone, which
 * Bind9Instances serve it, and which DNSZone owns a zone name when several claim it. Every list comes back in a
 * deterministic order (oldest first, ties by namespace/name, then kind).
 */
import { defaultDnssecPolicy } from '../children/instance-model.js';
import {
  API_VERSION,
  RECORD_KINDS,
  type Bind9Cluster,
  type Bind9Instance,
  type ClusterBind9Provider,
  type ClusterPowerDNSServer,
  type DNSRecord,
  type DNSZone,
  type PowerDNSServer,
  type PowerDNSServerSpec,
} from '../schema/generated.js';
import { LABELS } from '../labels.js';
import { objectsOf, selectorMatches, type LabelSelector, type ObjectMap } from '../metacontroller.js';
import { canonicalZoneName } from '../../dns/names.js';

interface Aged {
  kind: string;
  metadata: { name: string; namespace?: string; creationTimestamp?: string };
}

/** Sort key order: creationTimestamp (missing sorts last), then namespace/name, then kind. */
export function olderFirst(a: Aged, b: Aged): number {
  const ta = a.metadata.creationTimestamp ? Date.parse(a.metadata.creationTimestamp) : Infinity;
  const tb = b.metadata.creationTimestamp ? Date.parse(b.metadata.creationTimestamp) : Infinity;
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0;
}

/** `items` sorted like {@link olderFirst}, computing each sort key once (large zones sort 10k records). */
export function byAge<T extends Aged>(items: readonly T[]): T[] {
  const keyed = items.map((item) => ({
    item,
    t: timeKey(item.metadata.creationTimestamp),
    k: `${item.metadata.namespace ?? ''}/${item.metadata.name}`,
  }));
  keyed.sort((a, b) => {
    if (a.t !== b.t) return a.t < b.t ? -1 : 1;
    if (a.k !== b.k) return a.k < b.k ? -1 : 1;
    return a.item.kind < b.item.kind ? -1 : a.item.kind > b.item.kind ? 1 : 0;
  });
  return keyed.map((x) => x.item);
}

const RFC3339_SECONDS_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/**
 * A string that sorts like the instant: the apiserver's own `2026-01-02T03:04:05Z` form as is (no Date.parse for
 * 10k records), anything else normalised to it; missing or unparsable sorts last.
 */
function timeKey(t: string | undefined): string {
  if (!t) return '\uffff';
  if (RFC3339_SECONDS_UTC.test(t)) return t;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? '\uffff' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `namespace/name` of an object. */
export function refOf(o: Aged): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** Objects of one bindy kind from `related`, sorted by key. */
export function relatedOf<T>(related: ObjectMap, kind: string): T[] {
  return objectsOf(related, kind, API_VERSION) as unknown as T[];
}

/** Every record CR in `related`, all kinds, in kind then key order. */
export function relatedRecords(related: ObjectMap): DNSRecord[] {
  const out: DNSRecord[] = [];
  for (const k of RECORD_KINDS) out.push(...relatedOf<DNSRecord>(related, k.kind));
  return out;
}

/** The DNSZones in `related` (every namespace), sorted by key. */
export function relatedZones(related: ObjectMap): DNSZone[] {
  return relatedOf<DNSZone>(related, 'DNSZone');
}

/**
 * Whether `zone` selects `rec`: same namespace, and either `spec.zoneRef` names the zone, or the record has no
 * zoneRef and one of `spec.recordsFrom` selects its labels. A record whose zoneRef names another zone is never
 * pulled in by a selector: an explicit reference wins, so one record never has two status writers.
 */
export function zoneSelects(zone: DNSZone, rec: DNSRecord): boolean {
  if ((rec.metadata.namespace ?? '') !== (zone.metadata.namespace ?? '')) return false;
  if (rec.metadata.deletionTimestamp) return false;
  const ref = rec.spec.zoneRef;
  if (ref !== undefined) return ref === zone.metadata.name;
  return (zone.spec.recordsFrom ?? []).some((t) =>
    selectorMatches(t.selector as LabelSelector, rec.metadata.labels as Record<string, string>),
  );
}

/** The records `zone` selects, oldest first. */
export function selectRecords(zone: DNSZone, records: readonly DNSRecord[]): DNSRecord[] {
  return byAge(records.filter((r) => zoneSelects(zone, r)));
}

/**
 * The one zone that writes a record's status: among the live `zones` (same namespace) selecting it, the oldest.
 * Records are selected by several zones only through overlapping `recordsFrom` selectors.
 */
export function statusOwner(zones: readonly DNSZone[], rec: DNSRecord): DNSZone | undefined {
  return zones.filter((z) => !z.metadata.deletionTimestamp && zoneSelects(z, rec)).sort(olderFirst)[0];
}

/**
 * The DNSZone that owns `zone`'s zone name among every live DNSZone (all namespaces): the oldest claimant. Returns
 * `zone` itself when it is the owner (or the only claimant).
 */
export function zoneNameOwner(zone: DNSZone, zones: readonly DNSZone[]): DNSZone {
  const name = canonicalZoneName(zone.spec.zoneName);
  if (!name.ok) return zone;
  const claimants = zones.filter((z) => {
    if (refOf(z) === refOf(zone)) return false;
    if (z.metadata.deletionTimestamp) return false;
    const n = canonicalZoneName(z.spec.zoneName);
    return n.ok && n.name === name.name;
  });
  return [zone, ...claimants].sort(olderFirst)[0]!;
}

/** The PowerDNS server kinds a zone is placed on beside Bind9Instances. */
export type PowerDnsKind = 'PowerDNSServer' | 'ClusterPowerDNSServer';

/** A Bind9Instance (or a PowerDNS server) the zone is placed on, with what the push needs. */
export interface Placement {
  /** Absent for a Bind9Instance; a PowerDNS server's kind otherwise (always a primary). */
  kind?: PowerDnsKind;
  name: string;
  /** '' for a ClusterPowerDNSServer. */
  namespace: string;
  role: 'primary' | 'secondary';
  /**
   * bindcar base URL from the instance status (or its external endpoint); undefined until it is known. For a
   * PowerDNS server: its API's server URL (`<apiUrl>/api/v1/servers/<serverId>`).
   */
  endpoint: string | undefined;
  /** The instance's DNS endpoint (`host:port`), used for default glue. */
  dnsEndpoint: string | undefined;
  /** A PowerDNS server's spec (how to reach it and how it keeps zones). */
  powerdns?: PowerDnsSpec;
}

/** A PowerDNSServer's or ClusterPowerDNSServer's spec (the cluster kind names its Secrets' namespace). */
export type PowerDnsSpec = PowerDNSServerSpec & {
  apiKeySecretRef: { namespace?: string };
  tls?: { caSecretRef?: { namespace?: string } };
};

/**
 * How status messages and memory name an instance: `namespace/name` for a Bind9Instance, `PowerDNSServer
 * namespace/name` or `ClusterPowerDNSServer name` for a PowerDNS server.
 */
export const instanceRef = (i: { kind?: string; namespace?: string; name: string }): string =>
  i.kind ? `${i.kind} ${i.namespace ? `${i.namespace}/` : ''}${i.name}` : `${i.namespace ?? ''}/${i.name}`;

/** A PowerDNS server's API URL for one server id, as Placement.endpoint holds it. */
export function powerDnsServerUrl(spec: Pick<PowerDNSServerSpec, 'apiUrl' | 'serverId'>): string {
  return `${spec.apiUrl.replace(/\/+$/, '')}/api/v1/servers/${encodeURIComponent(spec.serverId ?? 'localhost')}`;
}

/** Where a zone goes, and why when it goes nowhere. */
export interface PlacementResult {
  instances: Placement[];
  /** The dnssec-policy the zone's cluster (or provider) gives its zones by default (`global.dnssec`), if any. */
  dnssecPolicy?: string;
  /** Set when `clusterRef` names neither a Bind9Cluster in the namespace nor a ClusterBind9Provider. */
  missingCluster?: string;
  /** Set when `powerDnsServerRef` names neither a PowerDNSServer in the namespace nor a ClusterPowerDNSServer. */
  missingPowerDns?: string;
  /** The apex NS the PowerDNS servers of the placement give zones without spec.nameServers, in placement order. */
  nameServers?: string[];
}

function roleOf(i: Bind9Instance): 'primary' | 'secondary' {
  return i.spec.role ?? i.status?.role ?? (i.metadata.labels?.[LABELS.role] === 'secondary' ? 'secondary' : 'primary');
}

/** An instance's bindcar base URL: its status endpoint, else its external bindcarUrl; undefined until known. */
export function endpointOf(i: Bind9Instance): string | undefined {
  return i.status?.endpoint ?? i.spec.external?.bindcarUrl;
}

/**
 * The Bind9Instances serving `zone`, sorted by namespace/name:
 *  - `clusterRef` → the Bind9Cluster of that name in the zone's namespace: the instances there whose
 *    `spec.clusterRef` names it; else the ClusterBind9Provider of that name: the instances in the provider's
 *    `spec.namespace` whose `spec.clusterRef` names it (the provider's Bind9Cluster has the provider's name). The
 *    cluster index label only brings candidates into `related` (one value may stand for several namespaces, and a
 *    hand-set label is wrong until the decorator corrects it); the spec decides. Cluster-made and hand-written
 *    instances are alike;
 *  - plus every instance of the zone's namespace matched by a `bind9InstancesFrom` selector.
 * Instances being deleted are left out.
 */
export function placement(zone: DNSZone, related: ObjectMap): PlacementResult {
  const ns = zone.metadata.namespace ?? '';
  const all = relatedOf<Bind9Instance>(related, 'Bind9Instance').filter((i) => !i.metadata.deletionTimestamp);
  const chosen = new Map<string, Bind9Instance>();
  let missingCluster: string | undefined;
  let dnssecPolicy: string | undefined;
  const ref = zone.spec.clusterRef;
  if (ref) {
    const cluster = relatedOf<Bind9Cluster>(related, 'Bind9Cluster').find(
      (c) => c.metadata.name === ref && (c.metadata.namespace ?? '') === ns,
    );
    const provider = relatedOf<ClusterBind9Provider>(related, 'ClusterBind9Provider').find(
      (p) => p.metadata.name === ref,
    );
    const where = cluster ? ns : provider ? provider.spec.namespace : undefined;
    dnssecPolicy = defaultDnssecPolicy((cluster ?? provider)?.spec.global);
    if (where === undefined) missingCluster = ref;
    else {
      for (const i of all) {
        if ((i.metadata.namespace ?? '') === where && i.spec.clusterRef === ref) chosen.set(refOf(i), i);
      }
    }
  }
  for (const term of zone.spec.bind9InstancesFrom ?? []) {
    for (const i of all) {
      if (
        (i.metadata.namespace ?? '') === ns &&
        selectorMatches(term.selector as LabelSelector, i.metadata.labels as Record<string, string>)
      ) {
        chosen.set(refOf(i), i);
      }
    }
  }
  const instances: Placement[] = [...chosen.keys()].sort().map((k) => {
    const i = chosen.get(k)!;
    return {
      name: i.metadata.name,
      namespace: i.metadata.namespace ?? '',
      role: roleOf(i),
      endpoint: endpointOf(i),
      dnsEndpoint: i.status?.dnsEndpoint ?? i.spec.external?.dnsAddress,
    };
  });
  const pdns = powerDnsPlacement(zone, related);
  const nameServers = [...new Set(pdns.servers.flatMap((p) => p.powerdns?.nameservers ?? []))];
  return {
    instances: [...instances, ...pdns.servers],
    ...(missingCluster === undefined ? {} : { missingCluster }),
    ...(pdns.missing === undefined ? {} : { missingPowerDns: pdns.missing }),
    ...(dnssecPolicy === undefined ? {} : { dnssecPolicy }),
    ...(nameServers.length ? { nameServers } : {}),
  };
}

/** A PowerDNS server as a placement (a primary). */
export function powerDnsPlacementOf(s: PowerDNSServer | ClusterPowerDNSServer): Placement {
  return {
    kind: s.kind,
    name: s.metadata.name,
    namespace: s.kind === 'PowerDNSServer' ? (s.metadata.namespace ?? '') : '',
    role: 'primary',
    endpoint: powerDnsServerUrl(s.spec),
    dnsEndpoint: s.spec.dnsAddress,
    powerdns: s.spec,
  };
}

/**
 * The PowerDNS servers serving `zone`: `powerDnsServerRef` → the PowerDNSServer of that name in the zone's
 * namespace, else the ClusterPowerDNSServer of that name; plus every PowerDNSServer of the namespace a
 * `powerDnsServersFrom` selector matches. Sorted by kind, namespace and name; servers being deleted are left out.
 */
export function powerDnsPlacement(zone: DNSZone, related: ObjectMap): { servers: Placement[]; missing?: string } {
  const ns = zone.metadata.namespace ?? '';
  const live = <T extends { metadata: { deletionTimestamp?: string } }>(xs: T[]) =>
    xs.filter((x) => !x.metadata.deletionTimestamp);
  const namespaced = live(relatedOf<PowerDNSServer>(related, 'PowerDNSServer')).filter(
    (s) => (s.metadata.namespace ?? '') === ns,
  );
  const clustered = live(relatedOf<ClusterPowerDNSServer>(related, 'ClusterPowerDNSServer'));
  const chosen = new Map<string, Placement>();
  let missing: string | undefined;
  const ref = zone.spec.powerDnsServerRef;
  if (ref) {
    const s = namespaced.find((x) => x.metadata.name === ref) ?? clustered.find((x) => x.metadata.name === ref);
    if (s) {
      const p = powerDnsPlacementOf(s);
      chosen.set(instanceRef(p), p);
    } else missing = ref;
  }
  for (const term of zone.spec.powerDnsServersFrom ?? []) {
    for (const s of namespaced) {
      if (selectorMatches(term.selector as LabelSelector, s.metadata.labels as Record<string, string>)) {
        const p = powerDnsPlacementOf(s);
        chosen.set(instanceRef(p), p);
      }
    }
  }
  const servers = [...chosen.keys()].sort().map((k) => chosen.get(k)!);
  return { servers, ...(missing === undefined ? {} : { missing }) };
}
