/**
 * The effective settings of one Bind9Instance: its own spec, falling back field by field to its cluster's spec
 * (Bind9Cluster in the namespace, else ClusterBind9Provider). Instance `config` fields override the cluster's
 * `global` ones, and the role's `allowTransfer` sits in between, as in the Rust bindy.
 */
import type {
  Acls,
  Bind9ClusterSpec,
  Bind9Config,
  Bind9Instance,
  ClusterBind9ProviderSpec,
  ConfigMapRefs,
  ExternalBindcar,
  StorageConfig,
} from '../schema/generated.js';
import type { TsigAlgorithm } from './keys.js';
import type { Role } from './labels.js';

export const DEFAULT_VERSION = '9.18';
export const BIND9_IMAGE_REPOSITORY = 'internetsystemsconsortium/bind9';

export type ClusterSpec = Bind9ClusterSpec | ClusterBind9ProviderSpec;

export interface ServiceSettings {
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  annotations: Record<string, string>;
}

export interface InstanceModel {
  name: string;
  namespace: string;
  role: Role;
  /** Pods of the Deployment: always 1 for a primary (the zone hook writes each primary pod on its own). */
  replicas: number;
  region: string | undefined;
  clusterRef: string;
  /** Which kind the clusterRef resolved to, when found. */
  clusterKind: 'Bind9Cluster' | 'ClusterBind9Provider' | undefined;
  version: string;
  image: string;
  imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  imagePullSecrets: string[];
  config: Bind9Config;
  acls: Acls;
  storage: StorageConfig;
  rndcAlgorithm: TsigAlgorithm;
  rndcSecretRef: string | undefined;
  configMapRefs: ConfigMapRefs;
  service: ServiceSettings;
  /** The cluster's `networkPolicy` (hooks/children/policies.ts); {} without a cluster. */
  networkPolicy: NonNullable<Bind9ClusterSpec['networkPolicy']>;
  external: ExternalBindcar | undefined;
}

/** Field-wise merge of named options: later layers win for every field they set. */
export function mergeConfig(...layers: (Bind9Config | undefined)[]): Bind9Config {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer ?? {})) if (v !== undefined) out[k] = v;
  }
  return sortKeys(out) as Bind9Config;
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}

/** The cluster-level config an instance of `role` inherits: `global` plus the role's `allowTransfer`. */
export function roleConfig(spec: ClusterSpec | undefined, role: Role): Bind9Config {
  const roleSpec = role === 'primary' ? spec?.primary : spec?.secondary;
  return mergeConfig(spec?.global, roleSpec?.allowTransfer ? { allowTransfer: roleSpec.allowTransfer } : undefined);
}

/**
 * Resolves an instance against its cluster spec (undefined when the cluster is not found: the instance then runs
 * on its own spec and defaults).
 */
export function instanceModel(
  instance: Bind9Instance,
  cluster: { kind: 'Bind9Cluster' | 'ClusterBind9Provider'; spec: ClusterSpec } | undefined,
): InstanceModel {
  const spec = instance.spec;
  const cs = cluster?.spec;
  const role = spec.role;
  const roleSpec = role === 'primary' ? cs?.primary : cs?.secondary;
  const version = spec.version ?? cs?.version ?? DEFAULT_VERSION;
  const image = spec.image ?? cs?.image;
  const storage = spec.storage ?? cs?.storage ?? {};
  const rndcKey = spec.rndcKey ?? cs?.rndcKey;
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(roleSpec?.service?.annotations ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (v !== undefined) annotations[k] = v;
  }
  return {
    name: instance.metadata.name,
    namespace: instance.metadata.namespace ?? '',
    role,
    replicas: role === 'primary' ? Math.min(1, spec.replicas ?? 1) : (spec.replicas ?? 1),
    region: spec.region,
    clusterRef: spec.clusterRef,
    clusterKind: cluster?.kind,
    version,
    image: image?.image ?? `${BIND9_IMAGE_REPOSITORY}:${version}`,
    imagePullPolicy: image?.imagePullPolicy ?? 'IfNotPresent',
    imagePullSecrets: [...(image?.imagePullSecrets ?? [])],
    config: mergeConfig(roleConfig(cs, role), spec.config),
    acls: cs?.acls ?? {},
    storage: {
      storageType: storage.storageType ?? 'emptyDir',
      ...(storage.persistentVolumeClaim ? { persistentVolumeClaim: storage.persistentVolumeClaim } : {}),
    },
    rndcAlgorithm: rndcKey?.algorithm ?? 'hmac-sha256',
    rndcSecretRef: rndcKey?.secretRef?.name,
    configMapRefs: spec.configMapRefs ?? cs?.configMapRefs ?? {},
    service: { type: roleSpec?.service?.type ?? 'ClusterIP', annotations },
    networkPolicy: cs?.networkPolicy ?? {},
    external: spec.external,
  };
}

/**
 * The dnssec-policy zones of a cluster get by default: `dnssec: true` → "default"; the object form's
 * `signing: {enabled: true, policy?}` → that policy ("default" when unnamed); otherwise none (unsigned).
 */
export function defaultDnssecPolicy(config: Bind9Config | undefined): string | undefined {
  const d = config?.dnssec;
  if (typeof d === 'boolean') return d ? 'default' : undefined;
  return d?.signing?.enabled ? (d.signing.policy ?? 'default') : undefined;
}
