/**
 * Effect port: writes a record CR's status (`Ready`, `zone`, `fqdn`, observedGeneration). The DNSZone hook is the
 * one writer of record statuses and calls this only for records whose computed status differs from the observed
 * one, so a steady state costs no API calls.
 */
import type { Condition } from '../conditions.js';
import { API_GROUP, RECORD_KINDS, type RecordKind } from '../schema/generated.js';
import { keepAliveKubeConfig } from './kube-client.js';

/** The record whose status is written. */
export interface RecordRef {
  kind: RecordKind;
  namespace: string;
  name: string;
}

/** The complete status the hook wants on a record (`zone`/`fqdn` null → removed). */
export interface RecordStatusPatch {
  conditions: Condition[];
  observedGeneration?: number;
  zone: string | null;
  fqdn: string | null;
  /** A/AAAA records: served and asking for PTRs (hooks/zone/ptr.ts); null removes it. */
  ptrRequested?: true | null;
}

/**
 * A reverse zone's own entry of an A/AAAA record's `status.ptr` (null removes it): a merge patch touches only that key,
 * so the record's zone and every reverse zone write their parts of one status without overwriting each other.
 */
export interface PtrStatusPatch {
  ptr: Record<string, { state: string; addresses: string[]; message: string } | null>;
}

export interface RecordStatusWriter {
  /** Merge-patches `status` (RFC 7386) through the `/status` subresource. Rejects on failure. */
  patchStatus(ref: RecordRef, status: RecordStatusPatch | PtrStatusPatch): Promise<void>;
}

const PLURAL: Readonly<Record<string, string>> = Object.fromEntries(RECORD_KINDS.map((k) => [k.kind, k.plural]));

/** The record's resource plural (`ARecord` → `arecords`). */
export function recordPlural(kind: RecordKind): string {
  return PLURAL[kind]!;
}

/**
 * The Kubernetes implementation: client-node 1.4.0 `CustomObjectsApi.patchNamespacedCustomObjectStatus` with
 * `application/merge-patch+json`. client-node is loaded on first use only.
 * @param kubeconfig a kubeconfig file (default: $KUBECONFIG, ~/.kube/config, else in-cluster)
 */
export function kubeRecordStatusWriter(fieldManager = 'bindy-hooks', kubeconfig?: string): RecordStatusWriter {
  let api: Promise<{ patch: (ref: RecordRef, body: unknown) => Promise<unknown> }> | undefined;
  const load = async () => {
    const k8s = await import('@kubernetes/client-node');
    const kc = keepAliveKubeConfig(k8s, kubeconfig);
    const client = kc.makeApiClient(k8s.CustomObjectsApi);
    return {
      patch: (ref: RecordRef, body: unknown) =>
        client.patchNamespacedCustomObjectStatus(
          {
            group: API_GROUP,
            version: 'v1beta1',
            namespace: ref.namespace,
            plural: recordPlural(ref.kind),
            name: ref.name,
            body,
            fieldManager,
          },
          k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
        ),
    };
  };
  return {
    async patchStatus(ref, status) {
      api ??= load();
      await (await api).patch(ref, { status });
    },
  };
}

/**
 * An in-memory RecordStatusWriter (local mode without an apiserver, tests): keeps the latest status per record,
 * keyed `Kind/namespace/name`.
 */
export function memoryRecordStatusWriter(): RecordStatusWriter & {
  statuses: Map<string, RecordStatusPatch | PtrStatusPatch>;
} {
  const statuses = new Map<string, RecordStatusPatch | PtrStatusPatch>();
  return {
    statuses,
    async patchStatus(ref, status) {
      statuses.set(`${ref.kind}/${ref.namespace}/${ref.name}`, status);
    },
  };
}
