/**
 * Pure: automatic PTR (opt-in). An ARecord/AAAARecord asks for the PTRs of its addresses with `spec.ptr: true`, or
 * through its DNSZone's `spec.ptr` (the record's own field wins); the forward zone, which serves the record, writes
 * `status.ptrRequested` (and `status.fqdn`, the PTR's target) when it serves the record's current generation. A
 * reverse DNSZone of the same namespace then maintains each covered address's PTR:
 *
 *  - scope: the records of its namespace (the trust boundary zoneRef has too); an address goes to the most specific
 *    reverse zone of the namespace covering it (a /24 leaves an RFC 2317 classless child's range to the child);
 *  - the owner is the address's reverse name, or its last octet in a classless zone (dns/reverse.ts `ptrOwner`); a
 *    wildcard owner asks for nothing (`*.x` is no host);
 *  - an explicit record at that name (a PTRRecord, the CNAME of an RFC 2317 parent) wins: the PTR is Shadowed;
 *  - two names claiming one address: the older record (creationTimestamp, then namespace/name) keeps it, the other is
 *    told Conflict — on the record (`status.ptr[<reverse zone>]`, written by the reverse zone alone) and in the
 *    reverse zone's `status.conflicts`;
 *  - deleting the A record, changing its address or turning `ptr` off removes the PTR at the reverse zone's next sync.
 *
 * How the reverse zone learns about the records — Metacontroller relates objects by label or name only — is the index
 * labels below: `ptrIndexLabels` (for the index-label decorator) puts one label per indexed prefix of each address on
 * an A/AAAA record (`ptr.bindy.firestoned.io/v4-192.0.2: "true"`), one per reverse zone that wrote its status.ptr
 * (`ptr-zone.bindy.firestoned.io/<zone>`), and `bindy.firestoned.io/reverse-zone: "true"` on reverse DNSZones;
 * `ptrRelatedRules` (for the DNSZone customize hook) relates exactly those. One record's change re-syncs the reverse
 * zones of its addresses, never every zone of the namespace.
 */
import { canonicalZoneName } from '../../dns/names.js';
import {
  addressIndexKeys,
  covers,
  narrower,
  ptrOwner,
  reverseZoneIndexKey,
  reverseZoneRange,
  type ReverseRange,
} from '../../dns/reverse.js';
import { indexLabelValue, zoneNameIndexValue } from '../labels.js';
import type { KubeObject, ObjectMap, RelatedResourceRule } from '../metacontroller.js';
import { API_VERSION, type AAAARecord, type ARecord, type DNSRecord, type DNSZone } from '../schema/generated.js';
import { byAge, refOf, relatedOf, relatedZones } from './select.js';

/** Index label keys of automatic PTR (their values are always "true"). */
export const PTR_LABELS = {
  /** `ptr.bindy.firestoned.io/<prefix key>` on an A/AAAA record: an address of it lies in that prefix. */
  addressPrefix: 'ptr.bindy.firestoned.io/',
  /** `ptr-zone.bindy.firestoned.io/<zone index value>` on an A/AAAA record: that reverse zone wrote its status.ptr. */
  statusZonePrefix: 'ptr-zone.bindy.firestoned.io/',
  /** On a DNSZone under in-addr.arpa or ip6.arpa: "true" (reverse zones find the more specific ones). */
  reverseZone: 'bindy.firestoned.io/reverse-zone',
} as const;

type AddressRecord = ARecord | AAAARecord;

const isAddressRecord = (r: { kind: string }): r is AddressRecord => r.kind === 'ARecord' || r.kind === 'AAAARecord';

/** The addresses a record's spec lists (either spelling). */
export function recordAddresses(rec: AddressRecord): string[] {
  if (rec.kind === 'ARecord') return rec.spec.ipv4Addresses ?? (rec.spec.ipv4Address ? [rec.spec.ipv4Address] : []);
  return rec.spec.ipv6Addresses ?? (rec.spec.ipv6Address ? [rec.spec.ipv6Address] : []);
}

/** Forward side: whether a record its zone serves asks for its PTRs (`spec.ptr`, else the zone's `spec.ptr`). */
export function ptrRequested(zone: DNSZone, rec: DNSRecord, fqdn: string | undefined): boolean {
  if (!isAddressRecord(rec) || !fqdn || fqdn.startsWith('*.')) return false;
  return rec.spec.ptr ?? zone.spec.ptr ?? false;
}

// ---------------------------------------------------------------- index labels and relations

/**
 * The automatic-PTR index labels `obj` must carry (key → "true", or null to remove one it carries): for the
 * index-label decorator, beside hooks/controllers/index-labels.ts `indexLabels`. Byte-stable (sorted keys).
 */
export function ptrIndexLabels(obj: KubeObject): Record<string, string | null> {
  const labels: Record<string, string | null> = {};
  for (const k of Object.keys(obj.metadata.labels ?? {}))
    if (k.startsWith(PTR_LABELS.addressPrefix) || k.startsWith(PTR_LABELS.statusZonePrefix)) labels[k] = null;
  if (isAddressRecord(obj as { kind: string })) {
    const rec = obj as unknown as AddressRecord;
    // every address, requested or not: a reverse zone must see a record that stopped asking, to drop its PTR
    for (const a of recordAddresses(rec))
      for (const key of addressIndexKeys(a) ?? []) labels[PTR_LABELS.addressPrefix + key] = 'true';
    for (const z of Object.keys(rec.status?.ptr ?? {})) {
      const v = zoneNameIndexValue(z);
      if (v) labels[PTR_LABELS.statusZonePrefix + v] = 'true';
    }
  } else if (obj.kind === 'DNSZone') {
    const name = canonicalZoneName(String((obj['spec'] as { zoneName?: unknown } | undefined)?.zoneName ?? ''));
    labels[PTR_LABELS.reverseZone] = name.ok && reverseZoneRange(name.name) ? 'true' : null;
  }
  return Object.fromEntries(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]!]),
  );
}

/**
 * The related-resource rules a reverse DNSZone adds (for the DNSZone customize hook): the A or AAAA records of its
 * namespace with an address in its range (by the prefix label), the records whose status.ptr it wrote, and the other
 * reverse zones of the namespace (the most specific zone takes an address). None for a forward zone.
 */
export function ptrRelatedRules(zone: DNSZone): RelatedResourceRule[] {
  const name = canonicalZoneName(zone.spec.zoneName);
  const key = name.ok ? reverseZoneIndexKey(name.name) : undefined;
  if (!name.ok || !key) return [];
  const ns = zone.metadata.namespace ?? '';
  const resource = reverseZoneRange(name.name)!.family === 4 ? 'arecords' : 'aaaarecords';
  const exists = (k: string) => ({ matchExpressions: [{ key: k, operator: 'Exists' }] });
  const written = exists(PTR_LABELS.statusZonePrefix + indexLabelValue(name.name));
  return [
    { apiVersion: API_VERSION, resource, namespace: ns, labelSelector: exists(PTR_LABELS.addressPrefix + key) },
    { apiVersion: API_VERSION, resource: 'arecords', namespace: ns, labelSelector: written },
    { apiVersion: API_VERSION, resource: 'aaaarecords', namespace: ns, labelSelector: written },
    {
      apiVersion: API_VERSION,
      resource: 'dnszones',
      namespace: ns,
      labelSelector: { matchLabels: { [PTR_LABELS.reverseZone]: 'true' } },
    },
  ];
}

// ---------------------------------------------------------------- the reverse zone's PTRs

/** One automatic PTR the reverse zone would serve. */
export interface AutomaticPtr {
  /** Absolute owner (the address's reverse name, or its last octet under a classless zone). */
  owner: string;
  /** The record's FQDN (its status.fqdn). */
  target: string;
  address: string;
  record: AddressRecord;
}

/** What a reverse zone made of one record's PTRs (its `status.ptr[<zone>]`). */
export interface PtrOutcome {
  record: AddressRecord;
  state: 'Served' | 'Conflict' | 'Shadowed';
  addresses: string[];
  message: string;
}

/** A record's PTR requests as a reverse zone may use them: served as it is now, asking, with its FQDN. */
function servedRequest(rec: AddressRecord): string | undefined {
  const s = rec.status;
  const gen = rec.metadata.generation;
  const ready = s?.conditions?.find((c) => c.type === 'Ready');
  if (rec.metadata.deletionTimestamp || s?.ptrRequested !== true || !s.fqdn || s.fqdn.startsWith('*.'))
    return undefined;
  if (ready?.status !== 'True' || ready.observedGeneration !== gen || s.observedGeneration !== gen) return undefined;
  return s.fqdn;
}

/**
 * The automatic PTRs reverse zone `zone` (canonical `zoneName`) serves from the related A/AAAA records, and the
 * conflicts among them (two names for one address: the older record keeps it). Addresses a more specific reverse zone
 * of the namespace covers are left to it.
 */
export function automaticPtrs(
  zone: DNSZone,
  zoneName: string,
  related: ObjectMap,
): { ptrs: AutomaticPtr[]; conflicts: PtrOutcome[] } {
  const range = reverseZoneRange(zoneName);
  if (!range) return { ptrs: [], conflicts: [] };
  const ns = zone.metadata.namespace ?? '';
  const inner: ReverseRange[] = relatedZones(related)
    .filter((z) => (z.metadata.namespace ?? '') === ns && refOf(z) !== refOf(zone) && !z.metadata.deletionTimestamp)
    .flatMap((z) => {
      const n = canonicalZoneName(z.spec.zoneName);
      const r = n.ok ? reverseZoneRange(n.name) : undefined;
      return r && narrower(r, range) ? [r] : [];
    });
  const records = byAge(
    [...relatedOf<ARecord>(related, 'ARecord'), ...relatedOf<AAAARecord>(related, 'AAAARecord')].filter(
      (r) => (r.metadata.namespace ?? '') === ns,
    ),
  ) as AddressRecord[];
  const byOwner = new Map<string, AutomaticPtr>();
  const lost = new Map<AddressRecord, { addresses: string[]; winners: Set<string> }>();
  for (const record of records) {
    const target = servedRequest(record);
    if (!target) continue;
    for (const address of recordAddresses(record)) {
      if (!covers(range, address) || inner.some((r) => covers(r, address))) continue;
      const owner = ptrOwner(zoneName, address);
      if (!owner) continue;
      const kept = byOwner.get(owner);
      if (!kept) byOwner.set(owner, { owner, target, address, record });
      else if (kept.target !== target) {
        const l = lost.get(record) ?? { addresses: [], winners: new Set<string>() };
        l.addresses.push(address);
        l.winners.add(`${kept.record.kind} ${kept.record.metadata.name} (${kept.target})`);
        lost.set(record, l);
      }
    }
  }
  const conflicts: PtrOutcome[] = [...lost].map(([record, l]) => ({
    record,
    state: 'Conflict',
    addresses: l.addresses,
    message: `the PTR of ${l.addresses.join(', ')} already names the older ${[...l.winners].join(', ')}; one address has one name`,
  }));
  return { ptrs: [...byOwner.values()], conflicts };
}

/** The `status.ptr[<zone>]` entry an outcome writes. */
export function ptrStatusEntry(o: PtrOutcome): { state: PtrOutcome['state']; addresses: string[]; message: string } {
  return { state: o.state, addresses: [...o.addresses].sort(), message: o.message };
}

/**
 * The `status.ptr` patches a reverse zone writes after a pass: its entry on every record it has an outcome for, and
 * null on the records whose entry it wrote but that have none now (the record stopped asking, moved, or lost its
 * address); only where the observed entry differs.
 */
export function ptrStatusPatches(
  zoneName: string,
  outcomes: readonly PtrOutcome[],
  related: ObjectMap,
): { record: AddressRecord; ptr: Record<string, ReturnType<typeof ptrStatusEntry> | null> }[] {
  const out: { record: AddressRecord; ptr: Record<string, ReturnType<typeof ptrStatusEntry> | null> }[] = [];
  const seen = new Set<string>();
  for (const o of outcomes) {
    const key = `${o.record.kind}/${refOf(o.record)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const want = ptrStatusEntry(o);
    const have = o.record.status?.ptr?.[zoneName];
    if (JSON.stringify(have ?? null) !== JSON.stringify(want))
      out.push({ record: o.record, ptr: { [zoneName]: want } });
  }
  const all = [...relatedOf<ARecord>(related, 'ARecord'), ...relatedOf<AAAARecord>(related, 'AAAARecord')];
  for (const r of all) {
    if (seen.has(`${r.kind}/${refOf(r)}`) || r.metadata.deletionTimestamp) continue;
    if (r.status?.ptr?.[zoneName] !== undefined) out.push({ record: r, ptr: { [zoneName]: null } });
  }
  return out;
}
