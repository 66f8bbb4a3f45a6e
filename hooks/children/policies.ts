/**
 * Pure builders for what keeps a cluster's DNS pods safe next to other workloads: a NetworkPolicy per Bind9Instance
 * (the instance hook's child) and a PodDisruptionBudget per role and region of a cluster (the cluster hook's child).
 * Both are switched off per cluster (`spec.networkPolicy.enabled`, `spec.podDisruptionBudget.enabled`).
 *
 * Written for both Metacontroller apply strategies: dynamic-apply merges a list of objects by the first of
 * containerPort, port, mountPath, name, … that every item has (pkg/dynamic/apply/apply.go, detectListMapKey), so
 * each ingress rule admits one port of one protocol — a rule listing 53/UDP and 53/TCP would collapse into one.
 * Ingress rules and peers carry none of those keys and are replaced as a whole.
 */
import type { V1NetworkPolicy, V1NetworkPolicyPeer, V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { Bind9ClusterSpec } from '../schema/generated.js';
import { LABELS, indexLabelValue } from '../labels.js';
import { POD_LAYOUT } from '../pod-layout.js';
import type { ClusterSpec, InstanceModel } from './instance-model.js';
import { APP_NAME, MANAGED_BY, PART_OF, cleanLabels, podSelector, workloadLabels, type Role } from './labels.js';
import { childName } from './names.js';

export type NetworkPolicySettings = NonNullable<Bind9ClusterSpec['networkPolicy']>;

/** Who the hooks are: bindcar's API admits only their pods (WorkloadOptions, set at the composition root). */
export interface HooksPeer {
  namespace: string;
  podLabels: Record<string, string>;
}

/** bindcar's port in the pod (API and /metrics). */
const BINDCAR_POD_PORT = 8080;

/** The NetworkPolicy of one instance's pods; undefined when its cluster switched them off. */
export function instanceNetworkPolicy(m: InstanceModel, hooks: HooksPeer): V1NetworkPolicy | undefined {
  const np = m.networkPolicy;
  if (np.enabled === false) return undefined;
  const dns = POD_LAYOUT.dnsPort;
  const peers = (list: NetworkPolicySettings['dnsFrom']): V1NetworkPolicyPeer[] =>
    (list ?? []).map((p) => structuredClone(p) as V1NetworkPolicyPeer);
  // the cluster's own instances: secondaries transfer from primaries (TCP), primaries NOTIFY secondaries (UDP)
  const cluster: V1NetworkPolicyPeer[] = [
    { podSelector: { matchLabels: { [LABELS.name]: APP_NAME, [LABELS.cluster]: indexLabelValue(m.clusterRef) } } },
  ];
  const dnsFrom = np.dnsFrom === undefined ? undefined : [...cluster, ...peers(np.dnsFrom)];
  // `from` as the API spells it: client-node's V1NetworkPolicyIngressRule names it `_from` (for its own serializer),
  // so the rules are plain objects
  const rule = (protocol: 'UDP' | 'TCP', port: number, from: V1NetworkPolicyPeer[] | undefined) => ({
    ...(from ? { from } : {}),
    ports: [{ protocol, port }],
  });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: childName(m.name), labels: workloadLabels(m.name, m.role, m.clusterRef, m.region) },
    spec: {
      podSelector: { matchLabels: podSelector(m.name) },
      policyTypes: ['Ingress'],
      ingress: [
        rule('UDP', dns, dnsFrom),
        rule('TCP', dns, dnsFrom),
        rule('TCP', BINDCAR_POD_PORT, [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': hooks.namespace } },
            podSelector: { matchLabels: { ...hooks.podLabels } },
          },
          ...peers(np.bindcarFrom),
        ]),
      ],
    },
  };
}

/** One budget's group: the pods of a cluster's instances of one role in one region. */
interface PodGroup {
  role: Role;
  region: string | undefined;
  pods: number;
}

/**
 * The PodDisruptionBudgets of a cluster: one per role and region holding at least two pods (`minAvailable: 1`), so a
 * drain keeps one of them serving; none when the cluster switched them off.
 * @param instances the cluster's instances: role, region and pods (replicas) of each
 */
export function clusterDisruptionBudgets(
  cluster: string,
  spec: ClusterSpec,
  instances: readonly { role: Role; region: string | undefined; replicas: number }[],
): V1PodDisruptionBudget[] {
  if (spec.podDisruptionBudget?.enabled === false) return [];
  const groups = new Map<string, PodGroup>();
  for (const i of instances) {
    const key = `${i.role}/${i.region ?? ''}`;
    const g = groups.get(key) ?? { role: i.role, region: i.region, pods: 0 };
    g.pods += i.replicas;
    groups.set(key, g);
  }
  return [...groups.values()]
    .filter((g) => g.pods >= 2)
    .sort((a, b) => (`${a.role}/${a.region ?? ''}` < `${b.role}/${b.region ?? ''}` ? -1 : 1))
    .map((g) => {
      const selector = cleanLabels({
        [LABELS.name]: APP_NAME,
        [LABELS.cluster]: indexLabelValue(cluster),
        [LABELS.role]: g.role,
        [LABELS.region]: g.region,
      });
      return {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: {
          name: childName(cluster, g.role, ...(g.region ? [g.region] : [])),
          labels: cleanLabels({
            [LABELS.partOf]: PART_OF,
            [LABELS.managedBy]: MANAGED_BY,
            [LABELS.cluster]: indexLabelValue(cluster),
            [LABELS.role]: g.role,
            [LABELS.region]: g.region,
          }),
        },
        spec: { minAvailable: 1, selector: { matchLabels: selector } },
      };
    });
}
