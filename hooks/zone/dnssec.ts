/**
 * Pure: what a DNSZone says about its DNSSEC, and the Secret that keeps its keys.
 *
 * Keys that survive. named keeps a zone's DNSSEC keys (dns/dnssec-keys.ts) in its key directory, the instance's zone
 * directory (hooks/pod-layout.ts cacheDir), and makes new ones when a zone with a policy has none (BIND 9 ARM,
 * "dnssec-policy"). On `storage.storageType: emptyDir` a pod restart loses that directory, and new keys would no
 * longer match the DS at the parent: every validating resolver would answer SERVFAIL for the zone. So each push of a
 * signed zone answers with the key files named keeps (bindcar's PUT `dnssecKeys`), the zone keeps them in a Secret of
 * its own (a child: Metacontroller writes it, and deletes it with the zone), and every push carries them back: a
 * named that lost the zone (and with it the keys) gets them before it loads the zone again, so it signs on with the
 * keys the parent's DS names. A parent DNSZone serves a child's DS only once that Secret holds every key the DS come
 * from (status.dnssec.keysSecret). The trade-off against a volume: the private keys are in a Kubernetes Secret (who
 * may read Secrets of the namespace may read them), and a key named makes between two syncs (a rollover's successor,
 * pre-published days ahead by the policy's timings) is kept at the next sync, not at once.
 *
 * Status. Each push of a signed zone answers with what that primary's named serves (bindcar/dnssec.ts); the zone's
 * status.dnssec is the union over the primaries that answered this pass — or, when none did (a failed push, the
 * changed-RRsets path, which does not read DNSSEC), what the status said before: it changes only when named reports
 * something else.
 */
import type { DnssecKeyFiles, PutZoneBody, ZoneDnssec, ZoneRecord } from '../../dns/contract.js';
import { canonicalZoneName } from '../../dns/names.js';
import { ANNOTATIONS, LABELS } from '../labels.js';
import { signingPolicy } from '../../dns/dnssec.js';
import { checkDnssecKeys, KEY_FILE_EXTENSIONS, type KeyFileExtension } from '../../dns/dnssec-keys.js';
import type { DNSZone, DNSZoneStatus } from '../schema/generated.js';
import { observedOf, type KubeObject, type ObjectMap } from '../metacontroller.js';
import { childName } from '../children/names.js';
import { b64, secretText } from '../children/keys.js';
import { MANAGED_BY, PART_OF } from '../children/labels.js';
import { refOf, relatedZones, type Placement } from './select.js';
import type { InstancePush } from './status.js';

export type DnssecStatus = NonNullable<DNSZoneStatus['dnssec']>;

/**
 * Whether a zone's keys survive a primary that loses its directory: its Secret holds the key behind every DS it
 * lists (see the top comment) — a DS handed to a parent before would break the chain at the next pod restart on
 * emptyDir.
 */
const keysKept = (z: DNSZone): boolean => z.status?.dnssec?.keysSecret !== undefined;

// ---------------------------------------------------------------- keys kept in a Secret

/** The name of the DNSZone's Secret child that keeps its keys. */
export function dnssecKeysSecretName(zone: DNSZone): string {
  return childName(zone.metadata.name, 'dnssec-keys');
}

/** The Secret's type: says what it holds to whoever lists Secrets. */
export const DNSSEC_KEYS_SECRET_TYPE = 'bindy.firestoned.io/dnssec-keys';

/** Secret data key of one key file: `<algorithm>-<key tag>.<key|private|state>` (a data key allows no '+'). */
const dataKey = (k: { algorithm: number; keyTag: number }, ext: KeyFileExtension) =>
  `${k.algorithm}-${k.keyTag}.${ext}`;

/**
 * The keys the request's Secret child holds, each checked as bindcar checks them (dns/dnssec-keys.ts); what is not a
 * key of the zone is left out and described in `problems` (a push that reports the keys writes the Secret anew).
 */
export function keptDnssecKeys(
  zone: DNSZone,
  zoneName: string,
  children: ObjectMap,
): { keys: DnssecKeyFiles[]; problems: string[] } {
  const name = dnssecKeysSecretName(zone);
  const secret = observedOf(children, 'Secret', 'v1', zone.metadata.namespace, name);
  const data = (secret?.['data'] ?? {}) as Record<string, string>;
  const byKey = new Map<
    string,
    { algorithm: number; keyTag: number; files: Partial<Record<KeyFileExtension, string>> }
  >();
  for (const k of Object.keys(data).sort()) {
    const m = /^(\d{1,3})-(\d{1,5})\.(key|private|state)$/.exec(k);
    if (!m) continue;
    const id = `${m[1]}-${m[2]}`;
    const entry = byKey.get(id) ?? { algorithm: Number(m[1]), keyTag: Number(m[2]), files: {} };
    const text = secretText(data, k);
    if (text !== undefined) entry.files[m[3] as KeyFileExtension] = text;
    byKey.set(id, entry);
  }
  const candidates: DnssecKeyFiles[] = [...byKey.values()].flatMap(({ algorithm, keyTag, files }) =>
    files.key !== undefined && files.private !== undefined
      ? [{ algorithm, keyTag, key: files.key, private: files.private, ...(files.state ? { state: files.state } : {}) }]
      : [],
  );
  const problems: string[] = [];
  const keys = candidates.filter((k) => {
    const errors = checkDnssecKeys(zoneName, [k], `Secret ${name} key ${k.keyTag}`);
    problems.push(...errors.map((e) => `${e.field}: ${e.message}`));
    return errors.length === 0;
  });
  return { keys: keys.sort((a, b) => a.keyTag - b.keyTag || a.algorithm - b.algorithm), problems };
}

/**
 * The keys to keep after a pass of a zone a policy signs: those the first primary (in placement order) whose named
 * reported any, else the kept ones — a failed push, a primary still making its keys, a changed-RRsets push (no keys
 * read) never drop a key.
 */
export function keysToKeep(
  pushes: readonly InstancePush[],
  kept: readonly DnssecKeyFiles[],
): readonly DnssecKeyFiles[] {
  for (const p of pushes) if (p.outcome.state === 'served' && p.outcome.dnssecKeys?.length) return p.outcome.dnssecKeys;
  return kept;
}

/** The Secret child that keeps `keys` (undefined when there are none). */
export function dnssecKeysSecret(
  zone: DNSZone,
  zoneName: string,
  keys: readonly DnssecKeyFiles[],
): KubeObject | undefined {
  if (!keys.length) return undefined;
  const data: Record<string, string> = {};
  for (const k of [...keys].sort((a, b) => a.keyTag - b.keyTag || a.algorithm - b.algorithm))
    for (const ext of KEY_FILE_EXTENSIONS) {
      const text = ext === 'key' ? k.key : ext === 'private' ? k.private : k.state;
      if (text !== undefined) data[dataKey(k, ext)] = b64(text);
    }
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: dnssecKeysSecretName(zone),
      labels: { [LABELS.partOf]: PART_OF, [LABELS.managedBy]: MANAGED_BY },
      annotations: { [ANNOTATIONS.dnssecKeysOf]: zoneName },
    },
    type: DNSSEC_KEYS_SECRET_TYPE,
    data,
  } as KubeObject;
}

/** The key a DS line (`zone. IN DS tag alg type digest`) points at, as `algorithm/tag`. */
function dsKeyOf(line: string): string {
  const [, , , tag, algorithm] = line.split(/\s+/);
  return `${Number(algorithm)}/${Number(tag)}`;
}

/** Sorted, without duplicates. */
function uniq<T extends string | number>(xs: readonly T[]): T[] {
  return [...new Set(xs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The status.dnssec of a pass: see the top comment. Undefined for a zone never signed. */
export function zoneDnssecStatus(
  zone: DNSZone,
  policy: string | undefined,
  pushes: readonly InstancePush[],
  kept: readonly DnssecKeyFiles[],
): DnssecStatus | undefined {
  const observed = zone.status?.dnssec;
  if (!signingPolicy(policy)) return observed ? { state: 'unsigned', keyTags: [], ds: [] } : undefined;
  const reports: ZoneDnssec[] = pushes.flatMap((p) =>
    p.outcome.state === 'served' && p.outcome.dnssec ? [p.outcome.dnssec] : [],
  );
  if (!reports.length) return observed ?? { state: 'signing', policy, keyTags: [], ds: [] };
  const keyTags = uniq(reports.flatMap((r) => r.keys.map((k) => k.keyTag))).slice(0, 64);
  const state: DnssecStatus['state'] = reports.some((r) => r.state === 'signing')
    ? 'signing'
    : reports.every((r) => r.state === 'signed')
      ? 'signed'
      : 'unsigned';
  // While a named signs, the DS it reports are on their way (a named that lost its directory loading the kept keys
  // again reports none for a moment): the DS the parent needs change once every primary signs, so a restart never
  // tells the parent to drop the DS it still needs and then to add them back (DSChanged, dnssecEvents)
  const reported = uniq(reports.flatMap((r) => r.ds)).slice(0, 64);
  const ds = state === 'signing' && observed?.ds.length ? observed.ds : reported;
  // the Secret holds the key behind every DS the parent needs (a ZSK named makes anew breaks no chain)
  const inSecret = new Set(kept.map((k) => `${k.algorithm}/${k.keyTag}`));
  const stored = ds.length > 0 && ds.every((l) => inSecret.has(dsKeyOf(l)));
  const keys = reports.flatMap((r) => r.keys);
  const signing = keys.filter((k) => k.role !== 'ZSK');
  const algorithms = uniq(signing.map((k) => k.algorithm));
  const sets = uniq(reports.map((r) => r.keys.map((k) => k.keyTag).join(',')));
  return {
    state,
    policy: reports[0]!.policy ?? policy,
    ...(algorithms.length ? { algorithm: algorithms[0]! } : {}),
    keyTags,
    ds,
    ...(stored ? { keysSecret: dnssecKeysSecretName(zone) } : {}),
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
 * parent's own NSRecord is the user's statement of that delegation. A child's first DS is served once its keys are kept
 * (status.dnssec.keysSecret); from then on the parent follows the child's DS through its key rollovers, so a successor
 * key the child's Secret has not caught up with yet never leaves the child without a DS at its parent. Sorted by
 * child, so the body is byte-stable.
 */
export function childDsRecords(
  parent: DNSZone,
  parentName: string,
  body: PutZoneBody,
  related: ObjectMap,
): { records: ZoneRecord[]; childDS: ChildDs[] } {
  const ns = parent.metadata.namespace ?? '';
  const handedOver = new Set((parent.status?.childDS ?? []).map((c) => c.zoneName));
  const children = relatedZones(related)
    .filter(
      (z) =>
        (z.metadata.namespace ?? '') === ns &&
        z.spec.dnssecParentRef === parent.metadata.name &&
        refOf(z) !== refOf(parent) &&
        !z.metadata.deletionTimestamp &&
        (z.status?.dnssec?.ds.length ?? 0) > 0,
    )
    .flatMap((z) => {
      const n = canonicalZoneName(z.spec.zoneName);
      return n.ok && n.name.endsWith(`.${parentName}`) && (keysKept(z) || handedOver.has(n.name))
        ? [{ zoneName: n.name, ds: z.status!.dnssec!.ds }]
        : [];
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
      const line = d.ds.find((l) => dsKeyOf(l) === `${k.algorithm}/${k.keyTag}`);
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
