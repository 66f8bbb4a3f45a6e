/**
 * Pure: an annotated Ingress, LoadBalancer Service or Gateway API route (a "source") and the DNSZone it names → the
 * ARecord, AAAARecord and CNAMERecord objects that publish it, plus the problems that kept any host out.
 *
 *   hostnames  Ingress: every `spec.rules[].host` (https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-v1/),
 *              plus the comma-separated `bindy.firestoned.io/hostname` annotation; Service: the annotation only
 *              (a Service has no host of its own); HTTPRoute, GRPCRoute, TLSRoute: `spec.hostnames[]` plus the
 *              annotation (https://gateway-api.sigs.k8s.io/reference/spec/). Only hosts inside the zone's
 *              `spec.zoneName`; a leading `*` label (a wildcard host) is kept as the record's wildcard owner.
 *   addresses  Ingress, Service: `status.loadBalancer.ingress[]` (filled by whatever implements the load balancer),
 *              each `ip` an address, each `hostname` a name; a route: `status.addresses[]` of the Gateways its
 *              `spec.parentRefs` name (type IPAddress, the default: an address; Hostname: a name). Addresses give A
 *              and AAAA records; when there is none, the first name becomes a CNAME target (RFC 1034 §3.6.2: a
 *              CNAME owner has no other data, hence one target and never at the apex).
 *   ttl        `bindy.firestoned.io/ttl`, seconds (RFC 2181 §8: 0 … 2^31-1); default the zone's $TTL.
 *
 * The records live in the source's namespace (a Kubernetes owner reference never crosses namespaces) and name the
 * zone by `spec.zoneRef`; they carry the {@link SOURCE_LABEL} label, by which the zone lets a record declared by
 * hand win over any source record at the same owner (hooks/zone/desired.ts). Names, order and content depend only
 * on the input, so the same request gives a byte-identical answer.
 */
import { createHash } from 'node:crypto';
import { absoluteOwner, canonicalZoneName, checkAbsoluteName, relativeOwner } from '../../dns/names.js';
import { isDnsSubdomain } from '../children/names.js';
import { selectorMatches, type KubeObject, type LabelSelector } from '../metacontroller.js';
import { API_VERSION, type DNSZone } from '../schema/generated.js';
import { canonicalIPv4, canonicalIPv6 } from '../../dns/rdata-base.js';

/** The annotations a source is configured by, and the one bindy writes back on it. */
export const SOURCE_ANNOTATIONS = {
  /** The DNSZone (same namespace) the source's records go to; its presence selects the source. */
  zone: 'bindy.firestoned.io/zone',
  /** Extra hostnames (comma-separated); the only hostnames of a Service. */
  hostname: 'bindy.firestoned.io/hostname',
  /** TTL in seconds for every record of the source. */
  ttl: 'bindy.firestoned.io/ttl',
  /** Written by bindy: JSON `{records, problems}` — what the source publishes and why anything is left out. */
  report: 'bindy.firestoned.io/dns',
} as const;

/** Label on every record a source made: `<Kind>.<name>` of the source, as a label value. */
export const SOURCE_LABEL = 'bindy.firestoned.io/source';

/** Annotation on every record a source made: `<Kind>/<namespace>/<name>` of the source (the label may be hashed). */
export const SOURCE_REF_ANNOTATION = 'bindy.firestoned.io/source-ref';

/** Whether a record CR was made by a source (it carries {@link SOURCE_LABEL}); any other record was declared by hand. */
export function isSourceRecord(rec: { metadata: { labels?: Record<string, string | undefined> } }): boolean {
  return rec.metadata.labels?.[SOURCE_LABEL] !== undefined;
}

/** The Gateway API group and version of the routes and Gateways bindy reads. */
export const GATEWAY_API_VERSION = 'gateway.networking.k8s.io/v1';

/** The kinds that can be sources (metacontroller/sources.yaml), with the `Kind.apiVersion` their requests use. */
export const CORE_SOURCE_KINDS = [
  { kind: 'Ingress', apiVersion: 'networking.k8s.io/v1', resource: 'ingresses', prefix: 'ing' },
  { kind: 'Service', apiVersion: 'v1', resource: 'services', prefix: 'svc' },
] as const;

/** The Gateway API routes that can be sources (metacontroller/gateway-api/sources-gateway-api.yaml). */
export const ROUTE_SOURCE_KINDS = [
  { kind: 'HTTPRoute', apiVersion: GATEWAY_API_VERSION, resource: 'httproutes', prefix: 'http' },
  { kind: 'GRPCRoute', apiVersion: GATEWAY_API_VERSION, resource: 'grpcroutes', prefix: 'grpc' },
  { kind: 'TLSRoute', apiVersion: GATEWAY_API_VERSION, resource: 'tlsroutes', prefix: 'tls' },
] as const;

export const SOURCE_KINDS = [...CORE_SOURCE_KINDS, ...ROUTE_SOURCE_KINDS] as const;

/** Whether `source` is a Gateway API route (its addresses are its Gateways'). */
export function isRoute(source: KubeObject): boolean {
  return ROUTE_SOURCE_KINDS.some((k) => k.kind === source.kind && k.apiVersion === source.apiVersion);
}

/** A route's parent Gateways (`spec.parentRefs` of kind Gateway), as namespace and name, in order. */
export function routeGatewayRefs(route: KubeObject): { index: number; namespace: string; name: string }[] {
  const refs = isObj(route['spec']) ? route['spec']['parentRefs'] : undefined;
  if (!Array.isArray(refs)) return [];
  const out: { index: number; namespace: string; name: string }[] = [];
  refs.forEach((r, index) => {
    if (!isObj(r) || typeof r['name'] !== 'string') return;
    if ((r['group'] ?? 'gateway.networking.k8s.io') !== 'gateway.networking.k8s.io') return;
    if ((r['kind'] ?? 'Gateway') !== 'Gateway') return;
    const namespace = typeof r['namespace'] === 'string' ? r['namespace'] : (route.metadata.namespace ?? '');
    out.push({ index, namespace, name: r['name'] });
  });
  return out;
}

/**
 * Whether `o` is an object a sources DecoratorController decorates (an Ingress, Service or route carrying the zone
 * annotation), or a Gateway (a route's addresses come from it).
 */
export function isSourceObject(o: unknown): o is KubeObject {
  if (!isObj(o) || !isObj(o['metadata'])) return false;
  if (o['kind'] === 'Gateway' && o['apiVersion'] === GATEWAY_API_VERSION) return true;
  const annotations = o['metadata']['annotations'];
  return (
    SOURCE_KINDS.some((k) => k.kind === o['kind'] && k.apiVersion === o['apiVersion']) &&
    isObj(annotations) &&
    typeof annotations[SOURCE_ANNOTATIONS.zone] === 'string'
  );
}

/** The record kinds a source produces (the DecoratorController's attachments). */
export const SOURCE_RECORD_KINDS = [
  { kind: 'AAAARecord', resource: 'aaaarecords' },
  { kind: 'ARecord', resource: 'arecords' },
  { kind: 'CNAMERecord', resource: 'cnamerecords' },
] as const;

/** Why a host (or the whole source) is not published; `field` names where the problem is. */
export interface SourceProblem {
  field: string;
  reason: string;
  message: string;
}

export interface SourceRecords {
  /** The desired records, sorted by kind then name. */
  records: KubeObject[];
  problems: SourceProblem[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const MAX_TTL = 2147483647;
const ANNOTATION = (key: string) => `metadata.annotations["${key}"]`;

/** The DNSZone name a source's annotation gives (undefined when absent: not a source). */
export function sourceZoneName(source: KubeObject): string | undefined {
  const v = source.metadata.annotations?.[SOURCE_ANNOTATIONS.zone];
  return v === undefined ? undefined : v.trim();
}

/** Whether `zone` lets `source` publish records (spec.sources; default: every source of its namespace). */
export function zoneAccepts(zone: DNSZone, source: KubeObject): SourceProblem | undefined {
  const s = zone.spec.sources;
  const policy = s?.policy ?? 'Namespace';
  const who = `DNSZone ${zone.metadata.name}`;
  if ((zone.metadata.namespace ?? '') !== (source.metadata.namespace ?? ''))
    return {
      field: ANNOTATION(SOURCE_ANNOTATIONS.zone),
      reason: 'NotAccepted',
      message: `${who} is in another namespace`,
    };
  if (policy === 'None')
    return {
      field: ANNOTATION(SOURCE_ANNOTATIONS.zone),
      reason: 'NotAccepted',
      message: `${who} accepts no sources (spec.sources.policy: None)`,
    };
  if (policy === 'Selector' && !selectorMatches((s?.selector ?? {}) as LabelSelector, source.metadata.labels))
    return {
      field: 'metadata.labels',
      reason: 'NotAccepted',
      message: `${who} accepts only sources matching spec.sources.selector, and this one's labels do not`,
    };
  return undefined;
}

/** A hostname as written → lowercase, no trailing dot. */
const cleanHost = (h: string) => h.trim().toLowerCase().replace(/\.$/, '');

interface Host {
  host: string;
  field: string;
}

/** The hostnames a source names, each with the field it came from (first mention wins), in order of mention. */
function hostsOf(source: KubeObject): Host[] {
  const out: Host[] = [];
  if (source.kind === 'Ingress') {
    const rules = isObj(source['spec']) ? source['spec']['rules'] : undefined;
    if (Array.isArray(rules)) {
      rules.forEach((r, i) => {
        if (isObj(r) && typeof r['host'] === 'string' && r['host'].length > 0)
          out.push({ host: cleanHost(r['host']), field: `spec.rules[${i}].host` });
      });
    }
  } else if (isRoute(source)) {
    const names = isObj(source['spec']) ? source['spec']['hostnames'] : undefined;
    if (Array.isArray(names)) {
      names.forEach((h, i) => {
        if (typeof h === 'string' && h.length > 0) out.push({ host: cleanHost(h), field: `spec.hostnames[${i}]` });
      });
    }
  }
  const extra = source.metadata.annotations?.[SOURCE_ANNOTATIONS.hostname];
  if (extra !== undefined) {
    for (const h of extra.split(',')) {
      if (h.trim().length > 0) out.push({ host: cleanHost(h), field: ANNOTATION(SOURCE_ANNOTATIONS.hostname) });
    }
  }
  const seen = new Set<string>();
  return out.filter((h) => (seen.has(h.host) ? false : (seen.add(h.host), true)));
}

interface Addresses {
  v4: string[];
  v6: string[];
  /** Load-balancer hostnames (absolute, trailing dot), in status order. */
  names: string[];
}

/** Collects addresses and names; every address and name is read here, the same for load balancers and Gateways. */
class AddressSet {
  private readonly v4 = new Set<string>();
  private readonly v6 = new Set<string>();
  private readonly names: string[] = [];
  private readonly problems: SourceProblem[];
  constructor(problems: SourceProblem[]) {
    this.problems = problems;
  }

  /** An IP address as written (IPv4 dotted quad or RFC 4291 text); anything else is a problem at `field`. */
  ip(value: string, field: string): void {
    const a4 = canonicalIPv4(value);
    const a6 = a4 === undefined ? canonicalIPv6(value) : undefined;
    if (a4 !== undefined) this.v4.add(a4);
    else if (a6 !== undefined) this.v6.add(a6);
    else
      this.problems.push({ field, reason: 'InvalidAddress', message: `${JSON.stringify(value)} is not an IP address` });
  }

  /** A host name (a CNAME target when there is no address); an invalid one is a problem at `field`. */
  name(value: string, field: string): void {
    const n = checkAbsoluteName(`${cleanHost(value)}.`, true);
    if (n.ok) this.names.push(n.name);
    else this.problems.push({ field, reason: 'InvalidAddress', message: n.reason });
  }

  /** Addresses sorted and distinct, names in the order they came. */
  result(): Addresses {
    return { v4: [...this.v4].sort(), v6: [...this.v6].sort(), names: this.names };
  }
}

/** `status.loadBalancer.ingress[]` → addresses (sorted, distinct) and hostnames; bad entries become problems. */
function addressesOf(source: KubeObject, problems: SourceProblem[]): Addresses {
  const status = isObj(source['status']) ? source['status'] : {};
  const lb = isObj(status['loadBalancer']) ? status['loadBalancer'] : {};
  const entries = Array.isArray(lb['ingress']) ? lb['ingress'] : [];
  const out = new AddressSet(problems);
  entries.forEach((e, i) => {
    if (!isObj(e)) return;
    const field = `status.loadBalancer.ingress[${i}]`;
    if (typeof e['ip'] === 'string' && e['ip'].length > 0) out.ip(e['ip'], `${field}.ip`);
    else if (typeof e['hostname'] === 'string' && e['hostname'].length > 0)
      out.name(e['hostname'], `${field}.hostname`);
  });
  return out.result();
}

/** A route's addresses: `status.addresses[]` of its parent Gateways (in `gateways`); a missing Gateway is a problem. */
function routeAddressesOf(route: KubeObject, gateways: readonly KubeObject[], problems: SourceProblem[]): Addresses {
  const out = new AddressSet(problems);
  for (const ref of routeGatewayRefs(route)) {
    const gw = gateways.find(
      (g) => g.kind === 'Gateway' && g.metadata.name === ref.name && (g.metadata.namespace ?? '') === ref.namespace,
    );
    if (!gw) {
      problems.push({
        field: `spec.parentRefs[${ref.index}]`,
        reason: 'GatewayNotFound',
        message: `no Gateway ${ref.namespace}/${ref.name}`,
      });
      continue;
    }
    const status = isObj(gw['status']) ? gw['status'] : {};
    const addresses = Array.isArray(status['addresses']) ? status['addresses'] : [];
    addresses.forEach((a, i) => {
      if (!isObj(a) || typeof a['value'] !== 'string') return;
      const field = `Gateway ${ref.namespace}/${ref.name} status.addresses[${i}]`;
      // type defaults to IPAddress (Gateway API GatewayStatusAddress); other types (NamedAddress, …) name no host
      const type = a['type'] ?? 'IPAddress';
      if (type === 'IPAddress') out.ip(a['value'], field);
      else if (type === 'Hostname') out.name(a['value'], field);
    });
  }
  return out.result();
}

/** The TTL annotation → seconds, undefined when absent; a problem when it is not an integer in range. */
function ttlOf(source: KubeObject): { ttl?: number; problem?: SourceProblem } {
  const raw = source.metadata.annotations?.[SOURCE_ANNOTATIONS.ttl];
  if (raw === undefined) return {};
  const t = raw.trim();
  if (/^\d{1,10}$/.test(t) && Number(t) <= MAX_TTL) return { ttl: Number(t) };
  return {
    problem: {
      field: ANNOTATION(SOURCE_ANNOTATIONS.ttl),
      reason: 'InvalidTTL',
      message: `${JSON.stringify(raw)} is not a TTL: seconds, an integer from 0 to ${MAX_TTL} (RFC 2181 §8)`,
    },
  };
}

/** The source-kind entry of `source`. */
function kindOf(source: KubeObject) {
  const k = SOURCE_KINDS.find((x) => x.kind === source.kind);
  if (!k) throw new Error(`${source.kind} is not a source kind`);
  return k;
}

/**
 * The object name of the record for `host`: `<ing|svc|http|grpc|tls>-<source name, shortened>-<hash8>` — readable, at most 63
 * characters (a DNS-1123 label, so it is a valid name for every kind), and distinct per source kind, source and host.
 */
export function sourceRecordName(source: KubeObject, host: string): string {
  const k = kindOf(source);
  const name = source.metadata.name ?? '';
  const hash = createHash('sha256').update(`${k.kind}\0${name}\0${host}`).digest('hex').slice(0, 8);
  const head = `${k.prefix}-${name}`
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 63 - 9)
    .replace(/-+$/, '');
  return `${head}-${hash}`;
}

/** The label value naming a source: `<Kind>.<name>` when it fits a label value, else a stable hash of it. */
export function sourceLabelValue(source: KubeObject): string {
  const v = `${source.kind}.${source.metadata.name ?? ''}`;
  if (v.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(v)) return v;
  return `sha224_${createHash('sha224').update(v).digest('hex')}`;
}

/**
 * The records `source` publishes in `zone` (undefined: the DNSZone named by the annotation was not found), and the
 * problems that kept hosts out. A problem with the whole source (a bad TTL, a Service that is not a load balancer,
 * a zone that refuses it) publishes nothing: the annotation says what to fix.
 */
export function sourceRecords(
  source: KubeObject,
  zone: DNSZone | undefined,
  gateways: readonly KubeObject[] = [],
): SourceRecords {
  const problems: SourceProblem[] = [];
  const done = (): SourceRecords => ({ records: [], problems });
  const zoneName = sourceZoneName(source);
  if (zoneName === undefined) return done();
  const zoneField = ANNOTATION(SOURCE_ANNOTATIONS.zone);
  if (!isDnsSubdomain(zoneName)) {
    problems.push({
      field: zoneField,
      reason: 'InvalidZoneRef',
      message: `${JSON.stringify(zoneName)} is not a DNSZone name`,
    });
    return done();
  }
  const ttl = ttlOf(source);
  if (ttl.problem) problems.push(ttl.problem);
  if (source.kind === 'Service') {
    const type = isObj(source['spec']) ? source['spec']['type'] : undefined;
    if (type !== 'LoadBalancer')
      problems.push({
        field: 'spec.type',
        reason: 'NotLoadBalancer',
        message: `only a Service of type LoadBalancer has addresses to publish (this one is ${JSON.stringify(type ?? 'ClusterIP')})`,
      });
  }
  if (!zone || zone.metadata.deletionTimestamp) {
    problems.push({
      field: zoneField,
      reason: 'ZoneNotFound',
      message: `no DNSZone ${zoneName} in namespace ${source.metadata.namespace ?? ''}`,
    });
    return done();
  }
  const refused = zoneAccepts(zone, source);
  if (refused) problems.push(refused);
  const zn = canonicalZoneName(zone.spec.zoneName);
  if (!zn.ok) {
    problems.push({
      field: zoneField,
      reason: 'InvalidZone',
      message: `DNSZone ${zoneName} spec.zoneName: ${zn.reason}`,
    });
    return done();
  }
  if (problems.length) return done();
  const z = zn.name;

  const hosts = hostsOf(source);
  if (hosts.length === 0) {
    problems.push({
      field:
        source.kind === 'Ingress'
          ? 'spec.rules[].host'
          : isRoute(source)
            ? 'spec.hostnames'
            : ANNOTATION(SOURCE_ANNOTATIONS.hostname),
      reason: 'NoHostname',
      message: `no hostname: ${source.kind === 'Ingress' ? 'set spec.rules[].host or' : isRoute(source) ? 'set spec.hostnames or' : 'set'} the ${SOURCE_ANNOTATIONS.hostname} annotation`,
    });
    return done();
  }
  const addr = isRoute(source) ? routeAddressesOf(source, gateways, problems) : addressesOf(source, problems);
  const hasAddress = addr.v4.length + addr.v6.length + addr.names.length > 0;
  if (!hasAddress) {
    problems.push({
      field: isRoute(source) ? 'spec.parentRefs' : 'status.loadBalancer.ingress',
      reason: 'NoAddress',
      message: isRoute(source)
        ? "no address yet: the records appear when a parent Gateway's status.addresses has one"
        : 'no address yet: the records appear when the load balancer writes status.loadBalancer.ingress',
    });
  }
  const records: KubeObject[] = [];
  const base = (kind: string, host: string, owner: string) => ({
    apiVersion: API_VERSION,
    kind,
    metadata: {
      name: sourceRecordName(source, host),
      namespace: source.metadata.namespace ?? '',
      labels: { [SOURCE_LABEL]: sourceLabelValue(source) },
      annotations: {
        [SOURCE_REF_ANNOTATION]: `${source.kind}/${source.metadata.namespace ?? ''}/${source.metadata.name ?? ''}`,
      },
    },
    spec: { zoneRef: zoneName, name: owner, ...(ttl.ttl === undefined ? {} : { ttl: ttl.ttl }) },
  });
  for (const h of hosts) {
    const abs = absoluteOwner(z, `${h.host}.`, true);
    if (!abs.ok) {
      problems.push({
        field: h.field,
        reason: abs.reason.includes('not inside zone') ? 'OutsideZone' : 'InvalidHostname',
        message: `${h.host}: ${abs.reason}`,
      });
      continue;
    }
    if (!hasAddress) continue;
    const owner = relativeOwner(z, abs.name);
    if (addr.v4.length) {
      const r = base('ARecord', h.host, owner);
      records.push({ ...r, spec: { ...r.spec, ipv4Addresses: addr.v4 } });
    }
    if (addr.v6.length) {
      const r = base('AAAARecord', h.host, owner);
      records.push({ ...r, spec: { ...r.spec, ipv6Addresses: addr.v6 } });
    }
    if (!addr.v4.length && !addr.v6.length && addr.names.length) {
      if (owner === '@') {
        problems.push({
          field: h.field,
          reason: 'CNAMEAtApex',
          message: `${h.host} is the zone apex, where a CNAME cannot be (RFC 1034 §3.6.2); the load balancer has only a hostname`,
        });
        continue;
      }
      const r = base('CNAMERecord', h.host, owner);
      records.push({ ...r, spec: { ...r.spec, target: addr.names[0]! } });
    }
  }
  records.sort((a, b) =>
    a.kind !== b.kind
      ? a.kind < b.kind
        ? -1
        : 1
      : a.metadata.name! < b.metadata.name!
        ? -1
        : a.metadata.name! > b.metadata.name!
          ? 1
          : 0,
  );
  return { records, problems };
}

/** Why an observed record of the source is not served, from the Ready condition its zone wrote (none: served or not yet seen). */
export function recordProblem(rec: KubeObject): SourceProblem | undefined {
  const status = isObj(rec['status']) ? rec['status'] : {};
  const conds = Array.isArray(status['conditions']) ? status['conditions'] : [];
  const ready = conds.find((c) => isObj(c) && c['type'] === 'Ready') as Record<string, unknown> | undefined;
  if (!ready || ready['status'] !== 'False') return undefined;
  if (isObj(status) && status['observedGeneration'] !== rec.metadata.generation) return undefined;
  return {
    field: `${rec.kind}/${rec.metadata.name ?? ''}`,
    reason: typeof ready['reason'] === 'string' ? ready['reason'] : 'NotReady',
    message: typeof ready['message'] === 'string' ? ready['message'] : 'the zone does not serve it',
  };
}
