/**
 * Labels the infrastructure hooks put on what they create. Keys come from hooks/labels.ts (one spelling each);
 * user-supplied labels are applied first so they can never overwrite ours.
 */
import { LABELS, indexLabelValue } from '../labels.js';
import { labelValue } from './names.js';

export type Role = 'primary' | 'secondary';

/** app.kubernetes.io/name of every BIND9 pod and its objects. */
export const APP_NAME = 'bind9';
export const PART_OF = 'bindy';
export const MANAGED_BY = 'bindy-hooks';

/** Removes undefined values and returns a new object with keys sorted (stable JSON for golden files). */
export function cleanLabels(labels: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) {
    const v = labels[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * Labels of a Bind9Instance created by a Bind9Cluster: the role's user labels, then cluster/role/region. The cluster
 * and role values are exactly what the index decorator derives from the instance's spec (hooks/controllers/
 * index-labels.ts), so the two writers never disagree.
 */
export function instanceLabels(
  cluster: string,
  role: Role,
  region: string | undefined,
  user: Record<string, string | undefined> | undefined,
): Record<string, string> {
  return cleanLabels({
    ...(user ?? {}),
    [LABELS.partOf]: PART_OF,
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.cluster]: indexLabelValue(cluster),
    [LABELS.role]: role,
    [LABELS.region]: region,
  });
}

/** The pod selector of an instance's Deployment and Service; never changes for a given instance name. */
export function podSelector(instance: string): Record<string, string> {
  return { [LABELS.name]: APP_NAME, [LABELS.bind9Instance]: labelValue(instance) };
}

/**
 * Labels of the instance Service: only what the instance name determines. Metacontroller never updates the
 * Service (see instanceService in ./workload.ts), so nothing that can change (role, cluster, region) goes on it.
 */
export function serviceLabels(instance: string): Record<string, string> {
  return cleanLabels({
    ...podSelector(instance),
    [LABELS.instance]: labelValue(instance),
    [LABELS.component]: 'dns-server',
    [LABELS.partOf]: PART_OF,
    [LABELS.managedBy]: MANAGED_BY,
  });
}

/** Labels on every child of a Bind9Instance (and on its pods): the Service's, plus what may change. */
export function workloadLabels(
  instance: string,
  role: Role,
  cluster: string | undefined,
  region: string | undefined,
): Record<string, string> {
  return cleanLabels({
    ...serviceLabels(instance),
    [LABELS.cluster]: cluster === undefined ? undefined : indexLabelValue(cluster),
    [LABELS.role]: role,
    [LABELS.region]: region,
  });
}
