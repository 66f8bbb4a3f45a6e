/**
 * The index labels (DecoratorController `bindy-index-labels`, hook v2, no attachments).
 *
 * Metacontroller selects related objects only by label selector or by name, but records point at their zone by
 * `spec.zoneRef`, zones find same-name zones by `spec.zoneName` and instances name their cluster by
 * `spec.clusterRef`. This decorator mirrors those fields into labels on every record, DNSZone and Bind9Instance so
 * the customize hooks can relate exactly the objects that matter (hooks/controllers/dnszone.ts,
 * hooks/controllers/bind9instance.ts), and a change to one record re-syncs one zone:
 *
 *   record        zone.bindy.firestoned.io/<zone>  ref: spec.zoneRef names DNSZone <zone> (indexLabelValue of it);
 *                                                  left: it named <zone> before, and no zone has written its status
 *                                                  for the current generation yet (<zone> must tell it NotSelected)
 *                 bindy.firestoned.io/status-zone  zoneNameIndexValue(status.zone) (the zone that wrote its status),
 *                                                  on records without a zoneRef (recordsFrom selectors pick them)
 *   DNSZone       bindy.firestoned.io/zone-name    zoneNameIndexValue(spec.zoneName)
 *                 bindy.firestoned.io/zone-object  zoneObjectValue(metadata.namespace, metadata.name)
 *                 bindy.firestoned.io/zone-uid     removed (what zone-object replaced)
 *                 bindy.firestoned.io/records-from "true" when spec.recordsFrom has a term
 *                 bindy.firestoned.io/ds-parent    indexLabelValue(spec.dnssecParentRef) (its parent serves its DS)
 *   Bind9Instance bindy.firestoned.io/cluster      indexLabelValue(spec.clusterRef)  (what the Bind9Cluster hook sets)
 *                 bindy.firestoned.io/role         spec.role                         (what the Bind9Cluster hook sets)
 *   A/AAAA, DNSZone  automatic PTR's labels (ptr.…/<prefix>, ptr-zone.…/<zone>, reverse-zone): hooks/zone/ptr.ts
 *
 * Why one key per zone: Metacontroller matches every related-object event against every rule of every parent
 * (pkg/controller/common/customize/manager.go findRelatedParents, a label selector parsed per match), so the rules per
 * zone multiply its CPU by the number of zones. With `ref` and `left` under one key a zone relates the records that
 * name it and those that just left it with one `Exists` rule per record kind (8, where a zone-ref label and a
 * status-zone label took 16): at 200 zones Metacontroller used half the CPU and settled in far fewer syncs. And a
 * record's first status write changes no label (its zone relates it by its key already), so it costs no label
 * write and no second re-sync of its zone. A record without a zoneRef carries status-zone whenever its status names
 * a zone, because a label edit (no new generation) can move it out of a selector; a record with one keeps
 * status-zone only while its status is stale (it was picked by a selector before it got its zoneRef).
 *
 * The answer names every index label of the kind: its value, or null (removed) when the field is unset, so a label
 * set by hand is corrected on the next sync. The hook is pure and reads only those fields and the object's own
 * index labels: it does not validate the rest of the object (an invalid record must still reach its zone, which
 * reports it), and the same object always gets the byte-identical answer.
 * https://metacontroller.github.io/metacontroller/api/decoratorcontroller.html
 */
import { RECORD_KINDS } from '../schema/generated.js';
import type { HookRoute } from '../http.js';
import { LABELS, ZONE_KEY_PREFIX, indexLabelValue, zoneKey, zoneNameIndexValue, zoneObjectValue } from '../labels.js';
import type { DecoratorRequest, DecoratorResponse, KubeObject } from '../metacontroller.js';
import { ptrIndexLabels } from '../zone/ptr.js';

/** The kinds the decorator labels, in the order of metacontroller/index-labels.yaml. */
export const INDEXED_KINDS: readonly string[] = [...RECORD_KINDS.map((k) => k.kind), 'DNSZone', 'Bind9Instance'];

const RECORD_KIND_NAMES = new Set<string>(RECORD_KINDS.map((k) => k.kind));

const field = (o: unknown, key: string): unknown =>
  typeof o === 'object' && o !== null && !Array.isArray(o) ? (o as Record<string, unknown>)[key] : undefined;

const name = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? indexLabelValue(v) : null);

/** The label key of the single zone-ref index label of earlier versions; removed wherever it is found. */
const LEGACY_ZONE_REF = 'bindy.firestoned.io/zone-ref';

/** A record's index labels (see the top of this module). */
function recordLabels(rec: KubeObject): Record<string, string | null> {
  const have = rec.metadata.labels ?? {};
  const status = rec['status'];
  const zoneRef = field(rec['spec'], 'zoneRef');
  const ref = typeof zoneRef === 'string' && zoneRef.length > 0 ? zoneKey(zoneRef) : undefined;
  const written = zoneNameIndexValue(field(status, 'zone'));
  // a zone wrote the status after the latest spec change (a zoneRef move is one): nobody needs to be told any more
  const stale = written !== undefined && field(status, 'observedGeneration') !== rec.metadata.generation;
  const out: Record<string, string | null> = { [LEGACY_ZONE_REF]: null };
  for (const [k, v] of Object.entries(have)) {
    if (!k.startsWith(ZONE_KEY_PREFIX) || k === ref) continue;
    out[k] = stale && (v === 'ref' || v === 'left') ? 'left' : null;
  }
  if (ref) out[ref] = 'ref';
  out[LABELS.statusZone] =
    written === undefined ? null : !ref || (stale && have[LABELS.statusZone] !== undefined) ? written : null;
  return out;
}

/**
 * The index labels `obj` must carry: key → value, or null when the label must be absent. Keys are sorted, so the
 * answer is byte-stable. Throws for a kind that has no index labels.
 */
export function indexLabels(obj: KubeObject): Record<string, string | null> {
  const spec = obj['spec'];
  let labels: Record<string, string | null>;
  if (RECORD_KIND_NAMES.has(obj.kind)) {
    labels = recordLabels(obj);
  } else if (obj.kind === 'DNSZone') {
    const from = field(spec, 'recordsFrom');
    labels = {
      [LABELS.zoneName]: zoneNameIndexValue(field(spec, 'zoneName')) ?? null,
      [LABELS.zoneObject]: obj.metadata.name ? zoneObjectValue(obj.metadata.namespace ?? '', obj.metadata.name) : null,
      [LABELS.legacyZoneUid]: null,
      [LABELS.recordsFrom]: Array.isArray(from) && from.length > 0 ? 'true' : null,
      [LABELS.dsParent]: name(field(spec, 'dnssecParentRef')),
    };
  } else if (obj.kind === 'Bind9Instance') {
    const role = field(spec, 'role');
    labels = {
      [LABELS.cluster]: name(field(spec, 'clusterRef')),
      [LABELS.role]: role === 'primary' || role === 'secondary' ? role : null,
    };
  } else {
    throw new Error(`${obj.kind} has no index labels`);
  }
  // automatic PTR's labels (address prefixes on A/AAAA records, reverse-zone on DNSZones): hooks/zone/ptr.ts
  labels = { ...labels, ...ptrIndexLabels(obj) };
  return Object.fromEntries(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]!]),
  );
}

/** Decorator sync: the object's index labels; status untouched, no attachments. */
export function syncIndexLabels(req: DecoratorRequest): DecoratorResponse {
  return { labels: indexLabels(req.object), status: null, attachments: [] };
}

/** The decorator's route (`/sync/index-labels`). */
export function indexLabelRoutes(): HookRoute[] {
  return [
    {
      path: '/sync/index-labels',
      hook: 'decorate',
      kind: 'IndexLabels',
      kinds: INDEXED_KINDS,
      handle: (body: DecoratorRequest) => syncIndexLabels(body),
    },
  ];
}
