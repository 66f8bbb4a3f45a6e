/**
 * ClusterBind9Provider hook: a cluster-scoped parent that materialises a Bind9Cluster of the same name in
 * `spec.namespace` (cluster-scoped parents may own namespaced children; the namespace is set explicitly).
 * Status mirrors the observed Bind9Cluster. Pure: same request ⇒ byte-identical response.
 */
import { conditions, type Condition, type ConditionInput } from '../conditions.js';
import {
  childKey,
  observedOf,
  requestClock,
  type KubeObject,
  type SyncRequest,
  type SyncResponse,
} from '../metacontroller.js';
import {
  API_VERSION,
  type Bind9ClusterStatus,
  type ClusterBind9Provider,
  type ClusterBind9ProviderStatus,
} from '../schema/generated.js';
import { providerCluster } from '../children/cluster.js';
import { parentValidator, previousConditions } from '../children/parent.js';
import type { HookRoute } from '../http.js';
import { validateClusterBind9Provider } from '../schema/validate.js';

/** Child rules of the ClusterBind9Provider CompositeController (request keys). */
export const CLUSTERBIND9PROVIDER_CHILDREN = {
  clusters: childKey('Bind9Cluster', API_VERSION),
} as const;

/**
 * Sync a ClusterBind9Provider: one Bind9Cluster `<name>` in `spec.namespace`; `Ready` follows the cluster's
 * own Ready condition once the cluster has reported on its current generation.
 */
export function syncClusterBind9Provider(req: SyncRequest): SyncResponse {
  const parent = req.parent as unknown as ClusterBind9Provider;
  const { name, generation } = parent.metadata;
  const cluster = providerCluster(parent);
  const observed = observedOf(req.children, 'Bind9Cluster', API_VERSION, cluster.metadata.namespace, name);
  const cs = observed?.['status'] as Bind9ClusterStatus | undefined;
  const current =
    observed !== undefined &&
    cs?.observedGeneration !== undefined &&
    cs.observedGeneration >= (observed.metadata.generation ?? 0);
  const childReady = cs?.conditions?.find((c) => c.type === 'Ready');
  const where = `Bind9Cluster ${cluster.metadata.namespace}/${name}`;
  let ready: ConditionInput;
  let progressing: ConditionInput;
  if (!observed) {
    ready = { type: 'Ready', status: 'False', reason: 'ClusterPending', message: `${where} not created yet` };
    progressing = { type: 'Progressing', status: 'True', reason: 'CreatingCluster', message: `creating ${where}` };
  } else if (!current || !childReady) {
    ready = {
      type: 'Ready',
      status: 'False',
      reason: 'ClusterPending',
      message: `${where} has not reported on its current spec yet`,
    };
    progressing = {
      type: 'Progressing',
      status: 'True',
      reason: 'ClusterProgressing',
      message: `waiting for ${where}`,
    };
  } else {
    ready = {
      type: 'Ready',
      status: childReady.status,
      reason: childReady.reason,
      message: `${where}: ${childReady.message}`,
    };
    const cp = cs?.conditions?.find((c) => c.type === 'Progressing');
    progressing = cp
      ? { type: 'Progressing', status: cp.status, reason: cp.reason, message: `${where}: ${cp.message}` }
      : { type: 'Progressing', status: 'False', reason: 'Reconciled', message: `${where} is up to date` };
  }
  const status: ClusterBind9ProviderStatus = {
    conditions: conditions(
      [ready, progressing],
      previousConditions(req.parent) as Partial<Condition>[],
      requestClock(req),
      generation,
    ),
    instanceCount: cs?.instanceCount ?? 0,
    readyInstances: cs?.readyInstances ?? 0,
    instances: [...(cs?.instances ?? [])],
  };
  if (generation !== undefined) status.observedGeneration = generation;
  return { status: status as Record<string, unknown>, children: [cluster as unknown as KubeObject] };
}

/** Routes of the ClusterBind9Provider CompositeController. */
export function clusterBind9ProviderRoutes(): HookRoute[] {
  return [
    {
      path: '/sync/clusterbind9provider',
      hook: 'sync',
      kind: 'ClusterBind9Provider',
      validateParent: parentValidator('ClusterBind9Provider', validateClusterBind9Provider),
      handle: (req: SyncRequest) => syncClusterBind9Provider(req),
    },
  ];
}
