/** Label and annotation keys shared by every hook (one spelling each), and the value scheme of the index labels. */
import { createHash } from 'node:crypto';
import { canonicalZoneName } from '../dns/names.js';

export const LABELS = {
  partOf: 'app.kubernetes.io/part-of',
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  managedBy: 'app.kubernetes.io/managed-by',
  /**
   * Index label on Bind9Instances (and their children): the Bind9Cluster (or ClusterBind9Provider) they belong to,
   * `indexLabelValue(spec.clusterRef)`. Set by the Bind9Cluster hook on the instances it makes and by the index
   * decorator on every instance, with the same value.
   */
  cluster: 'bindy.firestoned.io/cluster',
  /** Index label on Bind9Instances (and their children): primary | secondary (`spec.role`). */
  role: 'bindy.firestoned.io/role',
  /** On Bind9Instances: the region they are placed in, when any. */
  region: 'bindy.firestoned.io/region',
  /** On an instance's children: the Bind9Instance name. */
  bind9Instance: 'bindy.firestoned.io/instance',
  /**
   * Index label on records picked by `recordsFrom` selectors (and, for a while, on records leaving such a zone): the
   * zone that last wrote the record's status, `zoneNameIndexValue(status.zone)`.
   */
  statusZone: 'bindy.firestoned.io/status-zone',
  /** Index label on DNSZones: `zoneNameIndexValue(spec.zoneName)` (duplicate zone names relate each other). */
  zoneName: 'bindy.firestoned.io/zone-name',
  /**
   * Index label on DNSZones: `zoneObjectValue(namespace, name)`, so a zone relates same-name zones except itself. Known
   * when the object is created (the uid is not, at admission: hooks/controllers/index-label-admission.ts), so a zone
   * can be synced from its first write; the DNSZone controller syncs only zones carrying it (metacontroller/dnszone.yaml).
   */
  zoneObject: 'bindy.firestoned.io/zone-object',
  /** The label `zoneObject` replaced (it held `metadata.uid`, which admission does not see); removed wherever found. */
  legacyZoneUid: 'bindy.firestoned.io/zone-uid',
  /** Index label on DNSZones with `spec.recordsFrom`: "true" (their selectors may overlap within a namespace). */
  recordsFrom: 'bindy.firestoned.io/records-from',
  /** Index label on DNSZones with `spec.dnssecParentRef`: indexLabelValue of it (the parent relates its children). */
  dsParent: 'bindy.firestoned.io/ds-parent',
} as const;

/**
 * The prefix of the per-zone index label keys on records: `zone.bindy.firestoned.io/<indexLabelValue(DNSZone name)>`
 * is `ref` on the records whose spec.zoneRef names that DNSZone, and `left` on a record that named it before, until
 * a zone wrote the record's status for its current generation. One key per zone, so a DNSZone relates both kinds of
 * record with one `Exists` rule per record kind (hooks/controllers/dnszone.ts).
 */
export const ZONE_KEY_PREFIX = 'zone.bindy.firestoned.io/';

/** The value of a DNSZone's `zone-object` label: `<namespace>.<name>` (a namespace holds no dot), digested if long. */
export function zoneObjectValue(namespace: string, name: string): string {
  return indexLabelValue(`${namespace}.${name}`);
}

/** The per-zone index label key of DNSZone `name` (see {@link ZONE_KEY_PREFIX}). */
export function zoneKey(name: string): string {
  return ZONE_KEY_PREFIX + indexLabelValue(name);
}

export const ANNOTATIONS = {
  /** Pod-template annotation: hash of the rendered configuration, so a config change rolls the pods. */
  configHash: 'bindy.firestoned.io/config-hash',
  /**
   * On a DNSZone: the token of a push its deletion guard held (status names it), which lets exactly that deletion
   * through (dns/contract.ts `DeletionGuard`).
   */
  allowDeletions: 'bindy.firestoned.io/allow-deletions',
  /**
   * On a signed DNSZone: the key tags (comma-separated, or `all`) whose DS the user confirms the parent or registrar
   * publishes; named is told (`rndc dnssec -checkds published`), so its KSK rollovers can proceed (hooks/zone/dnssec.ts).
   */
  dsPublished: 'bindy.firestoned.io/ds-published',
  /** On a DNSZone's keys Secret (hooks/zone/dnssec.ts): the zone whose DNSSEC keys it holds, for whoever lists it. */
  dnssecKeysOf: 'bindy.firestoned.io/dnssec-keys-of',
} as const;

export const GROUP = 'bindy.firestoned.io';

/** The prefix of a hashed index value; a literal index value never contains '_', so none can look like one. */
export const INDEX_DIGEST_PREFIX = 'sha224_';

/** Object names and canonical zone names that can be a label value as they are. */
const LITERAL = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * The value of an index label for a name (an object name or a canonical zone name): the name itself when it is at
 * most 63 characters of lowercase letters, digits, '-' and '.' with alphanumeric ends, else `sha224_` followed by
 * the lowercase hex SHA-224 of the name (63 characters; `printf %s NAME | sha224sum`). Both forms are valid label
 * values (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set), and
 * distinct names give distinct values: a literal never contains '_'.
 */
export function indexLabelValue(name: string): string {
  if (name.length <= 63 && LITERAL.test(name)) return name;
  return INDEX_DIGEST_PREFIX + createHash('sha224').update(name).digest('hex');
}

/**
 * The index value of a zone name as written (`spec.zoneName`, a record's `status.zone`): `indexLabelValue` of its
 * canonical form (lowercase ASCII, no trailing dot), so `Example.COM.` and `example.com` share one value; undefined
 * when the name is not a valid zone name (such a zone is never served, so there is nothing to relate).
 */
export function zoneNameIndexValue(zoneName: unknown): string | undefined {
  if (typeof zoneName !== 'string') return undefined;
  const c = canonicalZoneName(zoneName);
  return c.ok ? indexLabelValue(c.name) : undefined;
}
