/**
 * The index labels (DecoratorController `bindy-index-labels`, hook v2, no attachments).
 *
 * Metacontroller selects related objects only by label selector or by name, but records point at their zone by
 * `spec.zoneRef`, zones find same-name zones by `spec.zoneName` and instances name their cluster by
 * `spec.clusterRef`. This decorator mirrors those fields into labels on every record, DNSZone and Bind9Instance so
 * the customize hooks can relate exactly the objects that matter (hooks/controllers/dnszone.ts,
 * hooks/controllers/bind9instance.ts), and a change to one record re-syncs one zone:
 *
 *   record        bindy.firestoned.io/zone-ref     indexLabelValue(spec.zoneRef)
 *                 bindy.firestoned.io/status-zone  zoneNameIndexValue(status.zone)   (the zone that wrote its status),
 *                                                  only while that zone may no longer see the record otherwise (below)
 *   DNSZone       bindy.firestoned.io/zone-name    zoneNameIndexValue(spec.zoneName)
 *                 bindy.firestoned.io/zone-uid     metadata.uid
 *                 bindy.firestoned.io/records-from "true" when spec.recordsFrom has a term
 *   Bind9Instance bindy.firestoned.io/cluster      indexLabelValue(spec.clusterRef)  (what the Bind9Cluster hook sets)
 *                 bindy.firestoned.io/role         spec.role                         (what the Bind9Cluster hook sets)
 *
 * status-zone lets the zone that wrote a record's status find the record after it left (zoneRef changed, labels no
 * longer selected, the zone's selectors changed) and tell it NotSelected. A record with a zoneRef is related by its
 * zone-ref label already, so it carries status-zone only from the moment its zoneRef moves (the zone-ref label
 * differs from spec.zoneRef) until a zone wrote its status for the current generation: the first status write of a
 * new record changes no label, so it costs no label write and no second re-sync of its zone (each label write is a
 * related-object event to Metacontroller). A record picked by recordsFrom selectors only carries it whenever its
 * status names a zone, because a label edit (no new generation) can move it.
 *
 * The answer names every index label of the kind: its value, or null (removed) when the field is unset, so a label
 * set by hand is corrected on the next sync. The hook is pure and reads only those fields: it does not validate the
 * rest of the object (an invalid record must still reach its zone, which reports it), and the same object always
 * gets the byte-identical answer. https://metacontroller.github.io/metacontroller/api/decoratorcontroller.html
 */
import { RECORD_KINDS } from '../schema/generated.js';
import type { HookRoute } from '../http.js';
import { LABELS, indexLabelValue, zoneNameIndexValue } from '../labels.js';
import type { DecoratorRequest, DecoratorResponse, KubeObject } from '../metacontroller.js';

/** The kinds the decorator labels, in the order of metacontroller/index-labels.yaml. */
export const INDEXED_KINDS: readonly string[] = [...RECORD_KINDS.map((k) => k.kind), 'DNSZone', 'Bind9Instance'];

const RECORD_KIND_NAMES = new Set<string>(RECORD_KINDS.map((k) => k.kind));

const field = (o: unknown, key: string): unknown =>
  typeof o === 'object' && o !== null && !Array.isArray(o) ? (o as Record<string, unknown>)[key] : undefined;

const name = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? indexLabelValue(v) : null);

/** A record's status-zone label (see the top of this module): the zone its status names, while that zone needs it. */
function statusZoneLabel(rec: KubeObject, ref: string | null): string | null {
  const status = rec['status'];
  const written = zoneNameIndexValue(field(status, 'zone'));
  if (written === undefined) return null;
  if (ref === null) return written;
  const have = rec.metadata.labels ?? {};
  const moved = have[LABELS.zoneRef] !== ref;
  const current = field(status, 'observedGeneration') === rec.metadata.generation;
  return !current && (moved || have[LABELS.statusZone] !== undefined) ? written : null;
}

/**
 * The index labels `obj` must carry: key → value, or null when the label must be absent. Keys are sorted, so the
 * answer is byte-stable. Throws for a kind that has no index labels.
 */
export function indexLabels(obj: KubeObject): Record<string, string | null> {
  const spec = obj['spec'];
  let labels: Record<string, string | null>;
  if (RECORD_KIND_NAMES.has(obj.kind)) {
    const ref = name(field(spec, 'zoneRef'));
    labels = { [LABELS.zoneRef]: ref, [LABELS.statusZone]: statusZoneLabel(obj, ref) };
  } else if (obj.kind === 'DNSZone') {
    const from = field(spec, 'recordsFrom');
    labels = {
      [LABELS.zoneName]: zoneNameIndexValue(field(spec, 'zoneName')) ?? null,
      [LABELS.zoneUid]: name(obj.metadata.uid),
      [LABELS.recordsFrom]: Array.isArray(from) && from.length > 0 ? 'true' : null,
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
