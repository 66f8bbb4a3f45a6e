/**
 * The index labels at admission: a mutating admission webhook (manifests/overlays/admission) that gives a record,
 * DNSZone or Bind9Instance the index labels of hooks/controllers/index-labels.ts in the very write that creates or
 * changes it.
 *
 * Without it the decorator `bindy-index-labels` writes them one sync later, through Metacontroller's client and its
 * rate limit (`--client-go-qps`): with 200 zones × 5 records applied at once those label writes were 1,200 of the
 * ≈ 1,800 writes Metacontroller needed to settle, and each one was another event matched against every zone's rules
 * (README, "Metacontroller at scale"). With the labels already right when the object is stored, the decorator finds
 * nothing to write. It still runs, so labels that depend on a status (`left`, status-zone, written through the status
 * subresource, which this webhook does not see) and every object written while the webhook was unreachable get their
 * labels as before: the webhook is registered with `failurePolicy: Ignore` and never refuses an object.
 *
 * The answer is a JSON Patch (RFC 6902) of `metadata.labels` only, computed by the same `indexLabels` the decorator
 * answers with, so both always agree. https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/
 */
import { isDeepStrictEqual } from 'node:util';
import { badRequest } from '../errors.js';
import { isObject } from '../http.js';
import type { KubeObject } from '../metacontroller.js';
import { INDEXED_KINDS, indexLabels } from './index-labels.js';

/** The path the MutatingWebhookConfiguration calls. */
export const INDEX_LABEL_ADMISSION_PATH = '/admit/index-labels';

const ADMISSION_VERSION = 'admission.k8s.io/v1';
const INDEXED = new Set(INDEXED_KINDS);

type PatchOp = { op: 'add'; path: string; value: unknown } | { op: 'remove'; path: string };

/** An AdmissionReview answer (admission.k8s.io/v1). */
export interface AdmissionReviewResponse {
  apiVersion: typeof ADMISSION_VERSION;
  kind: 'AdmissionReview';
  response: { uid: string; allowed: true; patchType?: 'JSONPatch'; patch?: string };
}

/** A JSON Pointer token (RFC 6901 §3): label keys hold `/`. */
const pointerToken = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** The JSON Patch that makes `obj`'s labels carry its index labels (empty when they already do). */
function indexLabelPatch(obj: KubeObject): PatchOp[] {
  const want = indexLabels(obj);
  const have = obj.metadata.labels;
  if (!isObject(have)) {
    const set = Object.fromEntries(Object.entries(want).filter((e): e is [string, string] => e[1] !== null));
    return Object.keys(set).length ? [{ op: 'add', path: '/metadata/labels', value: set }] : [];
  }
  const ops: PatchOp[] = [];
  for (const [key, value] of Object.entries(want)) {
    const path = `/metadata/labels/${pointerToken(key)}`;
    if (value === null) {
      if (Object.hasOwn(have, key)) ops.push({ op: 'remove', path });
    } else if (have[key] !== value) ops.push({ op: 'add', path, value });
  }
  return ops;
}

/**
 * The object as the apiserver will store it, which is what the decorator later labels: mutating admission runs before
 * the custom resource strategy, which then drops the status of a create, keeps the stored status on an update (the
 * status subresource writes it), and sets `metadata.generation` (1 on create, +1 when anything but metadata and status
 * changed). A record's `left` label depends on both (a zoneRef move is a new generation its status does not cover yet).
 * https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#status-subresource
 */
function asStored(obj: Record<string, unknown>, old: Record<string, unknown> | undefined): KubeObject {
  const metadata = obj['metadata'] as KubeObject['metadata'];
  const { status: _ignored, ...rest } = obj;
  if (!old) return { ...rest, metadata: { ...metadata, generation: 1 } } as unknown as KubeObject;
  const content = (o: Record<string, unknown>) => {
    const { metadata: _m, status: _s, ...c } = o;
    return c;
  };
  const before = (isObject(old['metadata']) ? old['metadata']['generation'] : undefined) as number | undefined;
  const generation =
    before === undefined ? undefined : isDeepStrictEqual(content(obj), content(old)) ? before : before + 1;
  return {
    ...rest,
    ...(old['status'] !== undefined ? { status: old['status'] } : {}),
    metadata: { ...metadata, ...(generation !== undefined ? { generation } : {}) },
  } as unknown as KubeObject;
}

/**
 * Pure: an AdmissionReview request → its answer. Always allowed; a patch only for a created or updated object of an
 * indexed kind whose labels differ. Throws `badRequest` naming the field when the body is not an AdmissionReview.
 */
export function admitIndexLabels(body: unknown): AdmissionReviewResponse {
  if (!isObject(body)) throw badRequest('request body must be a JSON object (an AdmissionReview)');
  if (body['apiVersion'] !== ADMISSION_VERSION || body['kind'] !== 'AdmissionReview')
    throw badRequest(
      `apiVersion/kind: expected ${ADMISSION_VERSION} AdmissionReview, got ${JSON.stringify(body['apiVersion'])} ${JSON.stringify(body['kind'])}`,
    );
  const request = body['request'];
  if (!isObject(request)) throw badRequest('request: required object is missing');
  const uid = request['uid'];
  if (typeof uid !== 'string' || uid.length === 0) throw badRequest('request.uid: required string is missing');
  const allowed: AdmissionReviewResponse = {
    apiVersion: ADMISSION_VERSION,
    kind: 'AdmissionReview',
    response: { uid, allowed: true },
  };
  const operation = request['operation'];
  if (operation !== 'CREATE' && operation !== 'UPDATE') return allowed;
  const obj = request['object'];
  if (!isObject(obj)) throw badRequest(`request.object: required object is missing for ${operation}`);
  // a kind the webhook is not registered for, or an object without metadata: nothing to label, never refused
  if (!INDEXED.has(obj['kind'] as string) || !isObject(obj['metadata'])) return allowed;
  const old = request['oldObject'];
  if (operation === 'UPDATE' && !isObject(old))
    throw badRequest('request.oldObject: required object is missing for UPDATE');
  const ops = indexLabelPatch(asStored(obj, operation === 'UPDATE' ? (old as Record<string, unknown>) : undefined));
  if (ops.length === 0) return allowed;
  return {
    ...allowed,
    response: {
      uid,
      allowed: true,
      patchType: 'JSONPatch',
      patch: Buffer.from(JSON.stringify(ops)).toString('base64'),
    },
  };
}
