/**
 * Pure builders for the children of clusters: the Bind9Instances of a Bind9Cluster (primaries and secondaries,
 * secondaries spread over regions), the cluster-wide transfer-key Secret, and the Bind9Cluster a
 * ClusterBind9Provider materialises in its namespace.
 */
import type { V1Secret } from '@kubernetes/client-node';
import { LABELS, indexLabelValue } from '../labels.js';
import {
  API_VERSION,
  type Bind9Cluster,
  type Bind9ClusterSpec,
  type Bind9Instance,
  type Bind9InstanceSpec,
  type ClusterBind9Provider,
} from '../schema/generated.js';
import { DEFAULT_VERSION, roleConfig, type ClusterSpec } from './instance-model.js';
import { b64, renderKeyFile, type TsigKey } from './keys.js';
import { MANAGED_BY, PART_OF, cleanLabels, instanceLabels, type Role } from './labels.js';
import { childName } from './names.js';
import { TRANSFER_KEY_FILE } from '../pod-layout.js';

/** Name of a cluster's shared transfer-key Secret; instances relate it by this name (customize hook). */
export function transferSecretName(cluster: string): string {
  return childName(cluster, 'transfer-key');
}

/** Name of the i-th instance of a role: `<cluster>-primary-<i>` / `<cluster>-secondary-<i>` (≤ 63, hashed if long). */
export function instanceName(cluster: string, role: Role, index: number): string {
  return childName(cluster, `${role}-${index}`);
}

/**
 * The region of each secondary, by index. `zones` as region names: `secondary.replicas` (default: one per
 * region) dealt round-robin over the regions in the order given. `{region, replicas}` entries get exactly
 * `replicas`; entries without a count share what `secondary.replicas` leaves (one each when it is unset).
 * The result interleaves regions round-robin, so adding a replica appends an instance instead of renaming others.
 * Without zones: `secondary.replicas` (default 0) instances in `secondary.region` (or none).
 */
export function secondaryRegions(spec: ClusterSpec): (string | undefined)[] {
  const s = spec.secondary;
  const zones = s?.zones ?? [];
  if (zones.length === 0) return Array.from({ length: s?.replicas ?? 0 }, () => s?.region);
  const entries = zones.map((z) =>
    typeof z === 'string' ? { region: z, replicas: undefined } : { region: z.region, replicas: z.replicas },
  );
  const explicit = entries.reduce((n, e) => n + (e.replicas ?? 0), 0);
  const implicit = entries.filter((e) => e.replicas === undefined);
  const shared = s?.replicas === undefined ? implicit.length : Math.max(0, s.replicas - explicit);
  const quota = entries.map((e) => e.replicas ?? 0);
  let k = 0;
  entries.forEach((e, i) => {
    if (e.replicas !== undefined) return;
    const j = k++;
    quota[i] = Math.floor(shared / implicit.length) + (j < shared % implicit.length ? 1 : 0);
  });
  const out: string[] = [];
  for (let round = 0; out.length < quota.reduce((a, b) => a + b, 0); round++) {
    entries.forEach((e, i) => {
      if (round < quota[i]!) out.push(e.region);
    });
  }
  return out;
}

/** The instance spec a cluster hands down: role, region and the resolved cluster settings. */
function instanceSpec(cluster: string, spec: ClusterSpec, role: Role, region: string | undefined): Bind9InstanceSpec {
  const config = roleConfig(spec, role);
  const out: Bind9InstanceSpec = { clusterRef: cluster, role, replicas: 1, version: spec.version ?? DEFAULT_VERSION };
  if (region) out.region = region;
  if (spec.image) out.image = spec.image;
  if (Object.keys(config).length) out.config = config;
  if (spec.storage) out.storage = spec.storage;
  if (spec.rndcKey) out.rndcKey = spec.rndcKey;
  if (spec.configMapRefs) out.configMapRefs = spec.configMapRefs;
  return out;
}

/**
 * Desired Bind9Instances of a cluster: `primary.replicas` (default 1) primaries in `primary.region`, then the
 * secondaries of {@link secondaryRegions}. Each instance runs one pod (like the Rust bindy: cluster replicas
 * count instances); labels carry cluster, role, region and the role's user labels.
 */
export function clusterInstances(cluster: string, spec: ClusterSpec): Bind9Instance[] {
  const out: Bind9Instance[] = [];
  const build = (role: Role, index: number, region: string | undefined): Bind9Instance => ({
    apiVersion: API_VERSION,
    kind: 'Bind9Instance',
    metadata: {
      name: instanceName(cluster, role, index),
      labels: instanceLabels(cluster, role, region, role === 'primary' ? spec.primary?.labels : spec.secondary?.labels),
    },
    spec: instanceSpec(cluster, spec, role, region),
  });
  const primaries = spec.primary?.replicas ?? 1;
  for (let i = 0; i < primaries; i++) out.push(build('primary', i, spec.primary?.region));
  secondaryRegions(spec).forEach((region, i) => out.push(build('secondary', i, region)));
  return out;
}

/** The cluster-wide Secret with the `bindy-transfer` TSIG key every instance of the cluster shares. */
export function transferKeySecret(cluster: string, key: TsigKey): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: transferSecretName(cluster),
      labels: cleanLabels({
        [LABELS.partOf]: PART_OF,
        [LABELS.managedBy]: MANAGED_BY,
        [LABELS.cluster]: indexLabelValue(cluster),
      }),
    },
    type: 'Opaque',
    data: { [TRANSFER_KEY_FILE]: b64(renderKeyFile(key)) },
  };
}

/** The Bind9Cluster a ClusterBind9Provider materialises: same name, `spec.namespace`, same spec minus namespace. */
export function providerCluster(provider: ClusterBind9Provider): Bind9Cluster {
  const { namespace, ...rest } = provider.spec;
  const spec: Bind9ClusterSpec = rest;
  return {
    apiVersion: API_VERSION,
    kind: 'Bind9Cluster',
    metadata: {
      name: provider.metadata.name,
      namespace,
      labels: cleanLabels({
        [LABELS.partOf]: PART_OF,
        [LABELS.managedBy]: MANAGED_BY,
        [LABELS.cluster]: indexLabelValue(provider.metadata.name),
      }),
    },
    spec,
  };
}
