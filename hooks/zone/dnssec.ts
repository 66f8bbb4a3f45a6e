/**
 * Pure: what a DNSZone says about its DNSSEC, and when a signed zone refuses to run.
 *
 * Keys that survive. named keeps a zone's DNSSEC keys (K<zone>+<alg>+<tag>.key/.private/.state) in its key-directory,
 * the instance's zone directory (hooks/pod-layout.ts cacheDir), and makes new ones at startup when they are missing
 * (BIND 9 ARM, "dnssec-policy"). On `storage.storageType: emptyDir` every pod restart therefore publishes new keys
 * and a DS the parent holds no longer matches any of them: every validating resolver answers SERVFAIL for the zone.
 * The danger starts only once a DS is published, and the seed's own cluster (global.dnssec on default storage) must
 * keep serving, so such a zone is served and signed but Degraded (DnssecKeysNotPersistent, naming the field): the
 * DS in its status is not one to hand to a parent yet. A PersistentVolumeClaim keeps the directory and so the keys. External instances (spec.external) keep whatever
 * their operator gives them and are trusted. Keeping the keys in a Kubernetes Secret instead would need the hooks to
 * read private keys out of named and write them back before it starts, and to follow every rollover named makes;
 * the volume already does that (README "DNSSEC").
 *
 * Status. Each push of a signed zone answers with what that primary's named serves (bindcar/dnssec.ts); the zone's
 * status.dnssec is the union over the primaries that answered this pass — or, when none did (a failed push, the
 * changed-RRsets path, which does not read DNSSEC), what the status said before: it changes only when named reports
 * something else.
 */
import type { PutZoneBody, ZoneDnssec, ZoneRecord } from '../../dns/contract.js';
import { canonicalZoneName } from '../../dns/names.js';
import { ANNOTATIONS } from '../labels.js';
import { signingPolicy } from '../../dns/dnssec.js';
import type { Bind9Cluster, Bind9Instance, ClusterBind9Provider, DNSZone, DNSZoneStatus } from '../schema/generated.js';
import type { ObjectMap } from '../metacontroller.js';
import { refOf, relatedOf, relatedZones, type Placement } from './select.js';
import type { InstancePush, ZoneWarning } from './status.js';

export type DnssecStatus = NonNullable<DNSZoneStatus['dnssec']>;

/** The storage an instance's zone directory lives on: its own spec, else its cluster's, else emptyDir. */
function storageOf(i: Bind9Instance, related: ObjectMap): 'emptyDir' | 'persistentVolumeClaim' | 'external' {
  if (i.spec.external) return 'external';
  if (i.spec.storage?.storageType) return i.spec.storage.storageType;
  const ns = i.metadata.namespace ?? '';
  const cluster =
    relatedOf<Bind9Cluster>(related, 'Bind9Cluster').find(
      (c) => c.metadata.name === i.spec.clusterRef && (c.metadata.namespace ?? '') === ns,
    ) ??
    relatedOf<ClusterBind9Provider>(related, 'ClusterBind9Provider').find((p) => p.metadata.name === i.spec.clusterRef);
  return cluster?.spec.storage?.storageType ?? 'emptyDir';
}

/**
 * The warning of a signed zone placed on primaries whose zone directory does not survive a restart (see the top
 * comment); undefined when the zone is unsigned or every primary keeps its keys.
 */
export function keyLossWarning(
  zone: DNSZone,
  policy: string | undefined,
  primaries: readonly Placement[],
  related: ObjectMap,
): ZoneWarning | undefined {
  if (!signingPolicy(policy)) return undefined;
  const instances = new Map(relatedOf<Bind9Instance>(related, 'Bind9Instance').map((i) => [refOf(i), i]));
  const losing = primaries.filter((p) => {
    const i = instances.get(`${p.namespace}/${p.name}`);
    return i !== undefined && storageOf(i, related) === 'emptyDir';
  });
  if (!losing.length) return undefined;
  const where = zone.spec.dnssecPolicy
    ? `spec.dnssecPolicy ${policy}`
    : `its cluster's global.dnssec (policy ${policy})`;
  return {
    reason: 'DnssecKeysNotPersistent',
    message: `${where} signs this zone, but primary ${losing.map((p) => `Bind9Instance ${p.namespace}/${p.name}`).join(', ')} keeps named's keys on spec.storage.storageType emptyDir, which loses them at every pod restart (new keys would no longer match a DS at the parent: validating resolvers would fail the zone); the zone is served, but its DS goes to no parent DNSZone (spec.dnssecParentRef) and should go to no registrar before storage.storageType is persistentVolumeClaim on the Bind9Cluster or Bind9Instance (or set spec.dnssecPolicy: none)`,
  };
}

/**
 * Whether a zone's primaries keep named's keys across restarts: not while it says DnssecKeysNotPersistent (see
 * {@link keyLossWarning}) — a DS handed to a parent then would break the chain at the next pod restart.
 */
const keysKept = (z: DNSZone): boolean =>
  !z.status?.conditions?.some(
    (c) => c.type === 'Degraded' && c.status === 'True' && c.reason === 'DnssecKeysNotPersistent',
  );

/** Sorted, without duplicates. */
function uniq<T extends string | number>(xs: readonly T[]): T[] {
  return [...new Set(xs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The status.dnssec of a pass: see the top comment. Undefined for a zone never signed. */
export function zoneDnssecStatus(
  zone: DNSZone,
  policy: string | undefined,
  pushes: readonly InstancePush[],
): DnssecStatus | undefined {
  const observed = zone.status?.dnssec;
  if (!signingPolicy(policy)) return observed ? { state: 'unsigned', keyTags: [], ds: [] } : undefined;
  const reports: ZoneDnssec[] = pushes.flatMap((p) =>
    p.outcome.state === 'served' && p.outcome.dnssec ? [p.outcome.dnssec] : [],
  );
  if (!reports.length) return observed ?? { state: 'signing', policy, keyTags: [], ds: [] };
  const state: DnssecStatus['state'] = reports.some((r) => r.state === 'signing')
    ? 'signing'
    : reports.every((r) => r.state === 'signed')
      ? 'signed'
      : 'unsigned';
  const keys = reports.flatMap((r) => r.keys);
  const signing = keys.filter((k) => k.role !== 'ZSK');
  const algorithms = uniq(signing.map((k) => k.algorithm));
  const sets = uniq(reports.map((r) => r.keys.map((k) => k.keyTag).join(',')));
  return {
    state,
    policy: reports[0]!.policy ?? policy,
    ...(algorithms.length ? { algorithm: algorithms[0]! } : {}),
    keyTags: uniq(keys.map((k) => k.keyTag)).slice(0, 64),
    ds: uniq(reports.flatMap((r) => r.ds)).slice(0, 64),
    ...(sets.length > 1
      ? {
          message: `the ${reports.length} primaries publish different DNSKEY sets (key tags ${sets.join(' / ')}): each named signs with keys of its own; resolvers that mix their answers fail validation (RFC 8901 §2). Serve a signed zone from one primary`,
        }
      : {}),
  };
}

/** A Normal event when the DS the parent needs changed (first signed, rolled, or gone). */
export function dnssecEvents(
  zone: DNSZone,
  next: DnssecStatus | undefined,
): { type: 'Normal' | 'Warning'; reason: string; message: string }[] {
  const was = zone.status?.dnssec?.ds ?? [];
  const now = next?.ds ?? [];
  if (was.join('\n') === now.join('\n')) return [];
  return [
    {
      type: 'Normal',
      reason: 'DSChanged',
      message: now.length
        ? `zone ${zone.spec.zoneName}: the parent zone (or registrar) needs these DS records now: ${now.join('; ')}${was.length ? ` (was: ${was.join('; ')})` : ''}`
        : `zone ${zone.spec.zoneName} has no DS for its parent any more (was: ${was.join('; ')}): remove them from the parent`,
    },
  ];
}

// ---------------------------------------------------------------- parent handoff

/** One child zone's DS as the parent serves it (status.childDS). */
export type ChildDs = NonNullable<DNSZoneStatus['childDS']>[number];

/** The DS lines' RDATA (`tag alg type digest`) for a zone file or UPDATE. */
function dsRdata(line: string): string {
  return line.split(/\s+/).slice(3).join(' ');
}

/**
 * The DS RRsets parent zone `parentName` serves for the child DNSZones that opted in (spec.dnssecParentRef names the
 * parent, same namespace, zone strictly below the parent's, not being deleted) and have DS in their status: one RR per
 * DS line at the child's name, with the TTL of the delegating NS RRset (RFC 4035 §2.4). A child the parent does not
 * delegate to (no NS RRset at its name in `body`) gets none: a DS is only valid at a delegation (RFC 4034 §5), and the
 * parent's own NSRecord is the user's statement of that delegation. Sorted by child, so the body is byte-stable.
 */
export function childDsRecords(
  parent: DNSZone,
  parentName: string,
  body: PutZoneBody,
  related: ObjectMap,
): { records: ZoneRecord[]; childDS: ChildDs[] } {
  const ns = parent.metadata.namespace ?? '';
  const children = relatedZones(related)
    .filter(
      (z) =>
        (z.metadata.namespace ?? '') === ns &&
        z.spec.dnssecParentRef === parent.metadata.name &&
        refOf(z) !== refOf(parent) &&
        !z.metadata.deletionTimestamp &&
        (z.status?.dnssec?.ds.length ?? 0) > 0 &&
        keysKept(z),
    )
    .flatMap((z) => {
      const n = canonicalZoneName(z.spec.zoneName);
      return n.ok && n.name.endsWith(`.${parentName}`) ? [{ zoneName: n.name, ds: z.status!.dnssec!.ds }] : [];
    })
    .sort((a, b) => (a.zoneName < b.zoneName ? -1 : a.zoneName > b.zoneName ? 1 : 0));
  const records: ZoneRecord[] = [];
  const childDS: ChildDs[] = [];
  const seen = new Set<string>();
  for (const c of children) {
    if (seen.has(c.zoneName)) continue; // two DNSZones claiming one name: the duplicate rule reports it there
    seen.add(c.zoneName);
    const owner = c.zoneName.slice(0, -(parentName.length + 1));
    const nsSet = body.records.filter((r) => r.type === 'NS' && r.name.toLowerCase() === owner);
    if (!nsSet.length) continue;
    const ttl = Math.min(...nsSet.map((r) => r.ttl));
    const have = new Set(
      body.records.filter((r) => r.type === 'DS' && r.name.toLowerCase() === owner).map((r) => r.data),
    );
    const ds = uniq(c.ds);
    for (const line of ds)
      if (!have.has(dsRdata(line))) records.push({ name: owner, type: 'DS', ttl, data: dsRdata(line) });
    childDS.push({ zoneName: c.zoneName, ds });
  }
  return { records, childDS };
}

/** What named is told about one key of a primary (`rndc dnssec -checkds`). */
export interface CheckDsStep {
  instance: Placement;
  keyTag: number;
  state: 'published' | 'withdrawn';
}

/** named's DS states once it was told the DS is at the parent (BIND 9 ARM, dnssec-policy key states). */
const DS_PUBLISHED_STATES = ['rumoured', 'omnipresent'];

/**
 * The checkds steps of a pass: for each primary that reported its keys, each key-signing key whose DS the parent
 * serves (its DNSZone's status.childDS entry for this zone) or the user confirmed (annotation ds-published: key tags
 * or `all`) while named still thinks it hidden → published; with a parent served by bindy, a key named thinks
 * published whose DS the parent no longer serves → withdrawn. Named's answer moves the key's state, so each step runs
 * once.
 */
export function checkDsSteps(zone: DNSZone, pushes: readonly InstancePush[], related: ObjectMap): CheckDsStep[] {
  const ns = zone.metadata.namespace ?? '';
  const cz = canonicalZoneName(zone.spec.zoneName);
  const parent = zone.spec.dnssecParentRef
    ? relatedZones(related).find(
        (z) => z.metadata.name === zone.spec.dnssecParentRef && (z.metadata.namespace ?? '') === ns,
      )
    : undefined;
  const atParent = cz.ok ? parent?.status?.childDS?.find((c) => c.zoneName === cz.name) : undefined;
  const confirmed = (zone.metadata.annotations?.[ANNOTATIONS.dsPublished] ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const steps: CheckDsStep[] = [];
  for (const p of pushes) {
    if (p.outcome.state !== 'served' || !p.outcome.dnssec) continue;
    const d = p.outcome.dnssec;
    for (const k of d.keys) {
      if (k.role === 'ZSK' || !k.dsState) continue;
      const line = d.ds.find((l) => {
        const [, , , tag, alg] = l.split(/\s+/);
        return Number(tag) === k.keyTag && Number(alg) === k.algorithm;
      });
      if (!line) continue;
      const published =
        (atParent?.ds.includes(line) ?? false) || confirmed.includes('all') || confirmed.includes(String(k.keyTag));
      if (published && k.dsState === 'hidden')
        steps.push({ instance: p.instance, keyTag: k.keyTag, state: 'published' });
      else if (atParent && !published && DS_PUBLISHED_STATES.includes(k.dsState))
        steps.push({ instance: p.instance, keyTag: k.keyTag, state: 'withdrawn' });
    }
  }
  return steps;
}
