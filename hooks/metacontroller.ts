/**
 * Metacontroller hook contract, version v2 (https://metacontroller.github.io/metacontroller/api/hook.html).
 * Child and related maps are keyed `Kind.apiVersion`, then `namespace/name` (or `name` when cluster-scoped).
 */

/** The object metadata we read from incoming JSON (timestamps stay strings, unlike client-node's V1ObjectMeta). */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  managedFields?: { time?: string }[];
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** `Kind.apiVersion` → object key → object. */
export type ObjectMap = Record<string, Record<string, KubeObject>>;

export interface SyncRequest<P extends KubeObject = KubeObject> {
  controller: KubeObject;
  parent: P;
  children: ObjectMap;
  related: ObjectMap;
  finalizing: boolean;
}

export interface SyncResponse {
  status: Record<string, unknown>;
  children: KubeObject[];
  resyncAfterSeconds?: number;
  finalized?: boolean;
}

export interface CustomizeRequest<P extends KubeObject = KubeObject> {
  controller: KubeObject;
  parent: P;
}

/**
 * A DecoratorController sync request (hook v2): the decorated object is `object`, its children are `attachments`.
 * https://metacontroller.github.io/metacontroller/api/decoratorcontroller.html#sync-hook-request
 */
export interface DecoratorRequest<P extends KubeObject = KubeObject> {
  controller: KubeObject;
  object: P;
  attachments: ObjectMap;
  related: ObjectMap;
  finalizing: boolean;
}

/**
 * A DecoratorController sync response (hook v2, decoded strictly: no other top-level fields). A label whose value is
 * null is removed; labels not named are left alone. `status: null` leaves the object's status as it is.
 */
export interface DecoratorResponse {
  labels: Record<string, string | null>;
  /** Like labels: null removes the annotation, annotations not named are left alone. */
  annotations?: Record<string, string | null>;
  status: null;
  attachments: KubeObject[];
  /** Finalize hook only: the finalizer may go (the observed attachments are gone). */
  finalized?: boolean;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface RelatedResourceRule {
  apiVersion: string;
  resource: string;
  namespace?: string;
  names?: string[];
  labelSelector?: LabelSelector;
}

export interface CustomizeResponse {
  relatedResources: RelatedResourceRule[];
}

/** The one way to spell a child-map key: `childKey('Deployment', 'apps/v1')` → `'Deployment.apps/v1'`. */
export function childKey(kind: string, apiVersion: string): string {
  return `${kind}.${apiVersion}`;
}

/** The map key of an object: `namespace/name`, or `name` for cluster-scoped objects (hook v2). */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** Objects of one kind from a children/related map, sorted by key so callers iterate deterministically. */
export function objectsOf<T extends KubeObject = KubeObject>(map: ObjectMap, kind: string, apiVersion: string): T[] {
  const group = map[childKey(kind, apiVersion)] ?? {};
  return Object.keys(group)
    .sort()
    .map((key) => group[key] as T);
}

/** One observed object by kind and key, or undefined. */
export function observedOf<T extends KubeObject = KubeObject>(
  map: ObjectMap,
  kind: string,
  apiVersion: string,
  namespace: string | undefined,
  name: string,
): T | undefined {
  return map[childKey(kind, apiVersion)]?.[objectKey(namespace, name)] as T | undefined;
}

/**
 * The newest timestamp the request carries (creation, deletion and managedFields times of the parent, its children
 * and related objects). Pure hooks use it as "now" for condition transitions: it is the time of the latest change
 * in the world that the request reflects, so the same request always yields the same status (no hot loop).
 */
export function requestClock(req: Pick<SyncRequest, 'parent' | 'children' | 'related'>): string {
  let newest = '';
  const visit = (meta: ObjectMeta | undefined) => {
    if (!meta) return;
    for (const t of [
      meta.creationTimestamp,
      meta.deletionTimestamp,
      ...(meta.managedFields ?? []).map((f) => f.time),
    ]) {
      if (t && Date.parse(t) > (newest ? Date.parse(newest) : -Infinity)) newest = t;
    }
  };
  visit(req.parent.metadata);
  for (const map of [req.children, req.related]) {
    for (const group of Object.values(map)) for (const obj of Object.values(group)) visit(obj.metadata);
  }
  return newest ? new Date(Date.parse(newest)).toISOString().replace(/\.\d{3}Z$/, 'Z') : '1970-01-01T00:00:00Z';
}

/** True when the object carries every matchLabels pair and satisfies every matchExpression. */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const have = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (have[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const present = Object.prototype.hasOwnProperty.call(have, e.key);
    const value = have[e.key];
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!present || !values.includes(value as string)) return false;
        break;
      case 'NotIn':
        if (present && values.includes(value as string)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
