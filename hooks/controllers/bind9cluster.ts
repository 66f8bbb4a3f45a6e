/**
 * Bind9Cluster hook: the cluster's Bind9Instances and its shared transfer-key Secret; status counts the Ready
 * instances among the observed children. Pure: same request (and generator) ⇒ byte-identical response; the key
 * generator is only called when the observed Secret lacks the key.
 * Contract: Metacontroller CompositeController sync, hook v2 (https://metacontroller.github.io/metacontroller/api/compositecontroller.html).
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
import { API_VERSION, type Bind9Cluster, type Bind9ClusterStatus } from '../schema/generated.js';
import { clusterInstances, transferKeySecret, transferSecretName } from '../children/cluster.js';
import { clusterDisruptionBudgets } from '../children/policies.js';
import { parseKeyFile, resolveKey, secretText, type KeyGenerator } from '../children/keys.js';
import type { ClusterSpec } from '../children/instance-model.js';
import { isConditionTrue, parentValidator, previousConditions } from '../children/parent.js';
import type { HookRoute } from '../http.js';
import { validateBind9Cluster } from '../schema/validate.js';
import { infraDeps, type InfraPorts } from './bind9instance.js';
import { TRANSFER_KEY_FILE, TRANSFER_KEY_NAME } from '../pod-layout.js';

/** Child rules of the Bind9Cluster CompositeController (request keys). */
export const BIND9CLUSTER_CHILDREN = {
  instances: childKey('Bind9Instance', API_VERSION),
  secrets: childKey('Secret', 'v1'),
} as const;

export interface ClusterHookDeps {
  generateKey: KeyGenerator;
}

/** Desired children of a cluster-like parent (Bind9Cluster) and its status numbers, shared with the provider. */
export function clusterChildren(
  name: string,
  namespace: string | undefined,
  spec: ClusterSpec,
  children: SyncRequest['children'],
  deps: ClusterHookDeps,
): { children: KubeObject[]; desired: string[] } {
  const instances = clusterInstances(name, spec);
  const observedSecret = observedOf(children, 'Secret', 'v1', namespace, transferSecretName(name));
  const known = parseKeyFile(
    secretText(observedSecret?.['data'] as Record<string, string> | undefined, TRANSFER_KEY_FILE) ?? '',
  );
  const key = resolveKey(TRANSFER_KEY_NAME, 'hmac-sha256', known?.secret, deps.generateKey);
  const budgets = clusterDisruptionBudgets(
    name,
    spec,
    instances.map((i) => ({ role: i.spec.role, region: i.spec.region, replicas: i.spec.replicas ?? 1 })),
  );
  return {
    children: [
      ...(instances as unknown as KubeObject[]),
      transferKeySecret(name, key) as unknown as KubeObject,
      ...(budgets as unknown as KubeObject[]),
    ],
    desired: instances.map((i) => i.metadata.name),
  };
}

/**
 * Status of a cluster from its desired instance names and the observed Bind9Instances: counts, names, and
 * `Ready` (every desired instance observed and Ready) / `Progressing` (instances missing, extra or not ready).
 */
export function clusterStatus(
  desired: readonly string[],
  observed: Record<string, KubeObject>,
  previous: readonly Partial<Condition>[],
  now: string,
  generation: number | undefined,
): Bind9ClusterStatus {
  const byName = new Map(Object.values(observed).map((o) => [o.metadata.name ?? '', o]));
  const names = [...byName.keys()].sort();
  const ready = names.filter((n) => isConditionTrue(byName.get(n), 'Ready'));
  const missing = desired.filter((n) => !byName.has(n));
  const notReady = desired.filter((n) => byName.has(n) && !ready.includes(n));
  const extra = names.filter((n) => !desired.includes(n));
  let readyCond: ConditionInput;
  if (desired.length === 0) {
    readyCond = {
      type: 'Ready',
      status: 'False',
      reason: 'NoChildren',
      message: 'no instances requested (primary.replicas and secondary.replicas are 0)',
    };
  } else if (missing.length === 0 && notReady.length === 0) {
    readyCond = {
      type: 'Ready',
      status: 'True',
      reason: 'AllReady',
      message: `${desired.length}/${desired.length} instances ready`,
    };
  } else {
    const readyDesired = desired.filter((n) => ready.includes(n)).length;
    readyCond = {
      type: 'Ready',
      status: 'False',
      reason: readyDesired > 0 ? 'PartiallyReady' : 'NotReady',
      message: `${readyDesired}/${desired.length} instances ready${notReady.length ? `; not ready: ${notReady.join(', ')}` : ''}${missing.length ? `; not created yet: ${missing.join(', ')}` : ''}`,
    };
  }
  const busy = missing.length > 0 || notReady.length > 0 || extra.length > 0;
  const progressing: ConditionInput = busy
    ? {
        type: 'Progressing',
        status: 'True',
        reason: missing.length || extra.length ? 'InstancesScaling' : 'InstancesPending',
        message: [
          missing.length ? `creating ${missing.join(', ')}` : '',
          extra.length ? `removing ${extra.join(', ')}` : '',
          notReady.length ? `waiting for ${notReady.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; '),
      }
    : { type: 'Progressing', status: 'False', reason: 'Reconciled', message: 'all instances are up to date' };
  const status: Bind9ClusterStatus = {
    conditions: conditions([readyCond, progressing], previous as Partial<Condition>[], now, generation),
    instanceCount: names.length,
    readyInstances: ready.length,
    instances: names,
  };
  if (generation !== undefined) status.observedGeneration = generation;
  return status;
}

/**
 * Sync a Bind9Cluster: `<cluster>-primary-<i>` / `<cluster>-secondary-<i>` Bind9Instances plus the
 * `<cluster>-transfer-key` Secret; status from the observed instances.
 */
export function syncBind9Cluster(req: SyncRequest, deps: ClusterHookDeps): SyncResponse {
  const parent = req.parent as unknown as Bind9Cluster;
  const { name, namespace, generation } = parent.metadata;
  const { children, desired } = clusterChildren(name, namespace, parent.spec, req.children, deps);
  const status = clusterStatus(
    desired,
    req.children[BIND9CLUSTER_CHILDREN.instances] ?? {},
    previousConditions(req.parent) as Partial<Condition>[],
    requestClock(req),
    generation,
  );
  return { status: status as Record<string, unknown>, children };
}

/** Routes of the Bind9Cluster CompositeController. */
export function bind9ClusterRoutes(ports: InfraPorts): HookRoute[] {
  const { generateKey } = infraDeps(ports);
  return [
    {
      path: '/sync/bind9cluster',
      hook: 'sync',
      kind: 'Bind9Cluster',
      validateParent: parentValidator('Bind9Cluster', validateBind9Cluster),
      handle: (req: SyncRequest) => syncBind9Cluster(req, { generateKey }),
    },
  ];
}
