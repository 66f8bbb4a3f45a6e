/**
 * Pure builders for the children of one Bind9Instance: ConfigMap, Secret, ServiceAccount, Deployment, Service
 * and (when storage asks for it) a PersistentVolumeClaim. Client-node types are used type-only, for what we build.
 * Children carry no namespace, uid or ownerReferences: Metacontroller fills those in.
 */
import { createHash } from 'node:crypto';
import type {
  V1ConfigMap,
  V1Container,
  V1Deployment,
  V1PersistentVolumeClaim,
  V1Secret,
  V1Service,
  V1ServiceAccount,
  V1Volume,
} from '@kubernetes/client-node';
import { ANNOTATIONS } from '../labels.js';
import type { InstanceModel, ServiceSettings } from './instance-model.js';

import { podSelector, serviceLabels, workloadLabels } from './labels.js';
import { childName } from './names.js';
import { CATALOG_ZONE, POD_LAYOUT, RNDC_KEY_FILE, RNDC_KEY_NAME, TRANSFER_KEY_NAME } from '../pod-layout.js';

/** Options of the hooks service that shape workloads (set at the composition root, never read from env here). */
export interface WorkloadOptions {
  /** bindcar sidecar image. */
  bindcarImage: string;
  /** Namespace of the hooks service: its ServiceAccount is the only caller bindcar accepts. */
  hooksNamespace: string;
  /** ServiceAccount name of the hooks service. */
  hooksServiceAccount: string;
  /** Labels of the hooks' pods: the instances' NetworkPolicy admits bindcar's API from them only. */
  hooksPodLabels: Record<string, string>;
}

export const BINDCAR_PORT = 8080;
export const DNS_PORT = 53;
/** UID/GID of `bind` in the ISC image; bindcar runs as the same user so both can write the zone directory. */
export const BIND_UID = 101;

/** Names of an instance's children (all DNS-1035 labels ≤ 63). */
export function workloadNames(instance: string) {
  return {
    configMap: childName(instance, 'config'),
    secret: childName(instance, 'keys'),
    serviceAccount: childName(instance, 'bindcar'),
    deployment: childName(instance),
    service: childName(instance),
    pvc: childName(instance, 'data'),
  };
}

/** The ConfigMap with named.conf and rndc.conf. */
export function instanceConfigMap(m: InstanceModel, data: Record<string, string>): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: workloadNames(m.name).configMap, labels: workloadLabels(m.name, m.role, m.clusterRef, m.region) },
    data: sortRecord(data),
  };
}

/** The keys Secret (`data`, base64: Metacontroller cannot diff `stringData`). */
export function instanceSecret(m: InstanceModel, data: Record<string, string>): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: workloadNames(m.name).secret, labels: workloadLabels(m.name, m.role, m.clusterRef, m.region) },
    type: 'Opaque',
    data: sortRecord(data),
  };
}

/** bindcar's identity for Kubernetes TokenReview calls. */
export function instanceServiceAccount(m: InstanceModel): V1ServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: workloadNames(m.name).serviceAccount,
      labels: workloadLabels(m.name, m.role, m.clusterRef, m.region),
    },
    automountServiceAccountToken: true,
  };
}

/**
 * sha256 over the ConfigMap data and the Secret data, in sorted key order: a changed config or key changes the
 * pod-template annotation and rolls the pods (subPath mounts are never refreshed in place).
 */
export function configHash(configData: Record<string, string>, secretData: Record<string, string>): string {
  const h = createHash('sha256');
  for (const [label, data] of [
    ['config', configData],
    ['keys', secretData],
  ] as const) {
    for (const k of Object.keys(data).sort()) h.update(`${label}\0${k}\0${data[k]}\0`);
  }
  return h.digest('hex');
}

function sortRecord(r: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k]!;
  return out;
}

const containerSecurity = {
  runAsNonRoot: true,
  runAsUser: BIND_UID,
  runAsGroup: BIND_UID,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * The instance Deployment: `named` (ISC image) + `bindcar` sidecar sharing the zone directory. A primary always
 * runs one pod (strategy Recreate: never two writers on one zone directory); a secondary runs `replicas` pods,
 * each an independent named with its own emptyDir (a PVC is shared by all pods of the instance: keep such
 * secondaries at one replica, or use a ReadWriteMany class).
 */
export function instanceDeployment(m: InstanceModel, hash: string, opts: WorkloadOptions): V1Deployment {
  const names = workloadNames(m.name);
  const labels = workloadLabels(m.name, m.role, m.clusterRef, m.region);
  const L = POD_LAYOUT;
  const cfgMount = (file: string, from: string) => ({
    name: from,
    mountPath: `${L.confDir}/${file}`,
    subPath: file,
    readOnly: true,
  });
  const namedMounts = [
    m.configMapRefs.namedConf ? cfgMount('named.conf', 'user-named-conf') : cfgMount('named.conf', 'config'),
    ...(m.configMapRefs.namedConfOptions ? [cfgMount('named.conf.options', 'user-named-conf-options')] : []),
    { name: 'keys', mountPath: L.keysDir, readOnly: true },
    { name: 'cache', mountPath: L.cacheDir },
    { name: 'run', mountPath: L.runDir },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  const named: V1Container = {
    name: 'named',
    image: m.image,
    imagePullPolicy: m.imagePullPolicy,
    command: ['/usr/sbin/named'],
    args: ['-g', '-c', `${L.confDir}/named.conf`],
    env: [{ name: 'TZ', value: 'UTC' }],
    // One entry per port number: Metacontroller's dynamic-apply merges this list keyed by containerPort
    // (pkg/dynamic/apply/apply.go), so a second 5353 entry (TCP beside UDP) would collapse and make every update
    // a "Duplicate value" error. The list is informational (Kubernetes: not listing a port does not keep it from
    // being exposed); named serves TCP on the same port, and the Service targets both by number.
    ports: [{ name: 'dns', containerPort: L.dnsPort, protocol: 'UDP' }],
    livenessProbe: {
      tcpSocket: { port: L.dnsPort },
      initialDelaySeconds: 10,
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
    },
    resources: { requests: { cpu: '50m', memory: '64Mi' } },
    securityContext: containerSecurity,
    volumeMounts: namedMounts,
  };
  const bindcar: V1Container = {
    name: 'bindcar',
    image: opts.bindcarImage,
    imagePullPolicy: 'IfNotPresent',
    env: [
      // bindcar's configuration (bindcar/config.ts; upstream bindcar's names where one exists).
      { name: 'API_PORT', value: String(BINDCAR_PORT) },
      { name: 'BIND_API_ADDRESS', value: '0.0.0.0' },
      { name: 'BIND_ZONE_DIR', value: L.cacheDir },
      { name: 'RNDC_CONF', value: `${L.confDir}/rndc.conf` },
      { name: 'NAMED_DNS_ADDRESS', value: '127.0.0.1' },
      { name: 'NAMED_DNS_PORT', value: String(L.dnsPort) },
      { name: 'BINDCAR_UPDATE_KEY_FILE', value: `${L.keysDir}/${RNDC_KEY_FILE}` },
      { name: 'BINDCAR_UPDATE_KEY_NAME', value: RNDC_KEY_NAME },
      // Secondaries transfer every zone (and the catalog) with the cluster's transfer key.
      { name: 'BINDCAR_TRANSFER_KEY_NAME', value: TRANSFER_KEY_NAME },
      // Primaries maintain the catalog; a secondary's named consumes it (named.conf), so its bindcar must not.
      { name: 'BINDCAR_CATALOG_ZONE', value: m.role === 'primary' ? CATALOG_ZONE : 'none' },
      { name: 'BINDCAR_AUTH_MODE', value: 'tokenreview' },
      { name: 'BIND_TOKEN_AUDIENCES', value: 'bindcar' },
      {
        name: 'BIND_ALLOWED_SERVICE_ACCOUNTS',
        value: `system:serviceaccount:${opts.hooksNamespace}:${opts.hooksServiceAccount}`,
      },
    ],
    ports: [{ name: 'http', containerPort: BINDCAR_PORT, protocol: 'TCP' }],
    readinessProbe: {
      httpGet: { path: '/readyz', port: BINDCAR_PORT },
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 3,
    },
    livenessProbe: {
      httpGet: { path: '/healthz', port: BINDCAR_PORT },
      initialDelaySeconds: 5,
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
    },
    resources: { requests: { cpu: '20m', memory: '64Mi' } },
    securityContext: containerSecurity,
    volumeMounts: [
      cfgMount('rndc.conf', 'config'),
      { name: 'keys', mountPath: L.keysDir, readOnly: true },
      { name: 'cache', mountPath: L.cacheDir },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  };
  const volumes: V1Volume[] = [
    { name: 'config', configMap: { name: names.configMap } },
    { name: 'keys', secret: { secretName: names.secret, defaultMode: 0o440 } },
    m.storage.storageType === 'persistentVolumeClaim'
      ? { name: 'cache', persistentVolumeClaim: { claimName: names.pvc } }
      : { name: 'cache', emptyDir: {} },
    { name: 'run', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
    { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
    ...(m.configMapRefs.namedConf ? [{ name: 'user-named-conf', configMap: { name: m.configMapRefs.namedConf } }] : []),
    ...(m.configMapRefs.namedConfOptions
      ? [{ name: 'user-named-conf-options', configMap: { name: m.configMapRefs.namedConfOptions } }]
      : []),
  ];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: names.deployment, labels },
    spec: {
      replicas: m.replicas,
      selector: { matchLabels: podSelector(m.name) },
      // Recreate for primaries (never two writers of one zone directory) and for PVC-backed instances (a
      // ReadWriteOnce claim cannot be attached to a surge pod on another node).
      strategy:
        m.role === 'primary' || m.storage.storageType === 'persistentVolumeClaim'
          ? { type: 'Recreate' }
          : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels, annotations: { [ANNOTATIONS.configHash]: hash } },
        spec: {
          serviceAccountName: names.serviceAccount,
          automountServiceAccountToken: true,
          enableServiceLinks: false,
          // Deduplicated: the list is keyed by name (dynamic-apply's guess, and the server-side apply list map).
          ...(m.imagePullSecrets.length
            ? { imagePullSecrets: [...new Set(m.imagePullSecrets)].map((name) => ({ name })) }
            : {}),
          securityContext: {
            runAsNonRoot: true,
            runAsUser: BIND_UID,
            runAsGroup: BIND_UID,
            fsGroup: BIND_UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          ...(m.region
            ? {
                affinity: {
                  nodeAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: {
                      nodeSelectorTerms: [
                        {
                          matchExpressions: [
                            { key: 'topology.kubernetes.io/region', operator: 'In', values: [m.region] },
                          ],
                        },
                      ],
                    },
                  },
                },
              }
            : {}),
          terminationGracePeriodSeconds: 30,
          containers: [named, bindcar],
          volumes,
        },
      },
    },
  };
}

/**
 * The instance Service: DNS 53→5353 over UDP and TCP on one ClusterIP (named.conf lists that address, from
 * `status.dnsEndpoint`, for SOA queries and NOTIFY over UDP and for transfers over TCP), bindcar on 8080.
 *
 * It is created once and never updated: its port list holds 53/UDP and 53/TCP, and Metacontroller's dynamic-apply
 * merges a list of objects keyed by the first conventional key every item has — `port` here, which the apiserver
 * requires on every item — so any update of it would collapse the two and be rejected (pkg/dynamic/apply/apply.go).
 * metacontroller/bind9instance.yaml therefore gives Services `updateStrategy: OnDelete`, and the content depends
 * only on the instance name and the role's `service` settings of its cluster, which take effect when the Service
 * is created (a later change is reported by the instance status, see `serviceDrift`). targetPorts are numbers:
 * the container declares 5353 once, and a named targetPort resolves only to a container port of the same protocol.
 */
export function instanceService(instance: string, settings: ServiceSettings): V1Service {
  const annotations = Object.keys(settings.annotations).length ? { annotations: { ...settings.annotations } } : {};
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: workloadNames(instance).service, labels: serviceLabels(instance), ...annotations },
    spec: {
      type: settings.type,
      selector: podSelector(instance),
      ports: [
        { name: 'dns-udp', port: DNS_PORT, targetPort: POD_LAYOUT.dnsPort, protocol: 'UDP' },
        { name: 'dns-tcp', port: DNS_PORT, targetPort: POD_LAYOUT.dnsPort, protocol: 'TCP' },
        { name: 'http', port: BINDCAR_PORT, targetPort: BINDCAR_PORT, protocol: 'TCP' },
      ],
    },
  };
}

/** True when `observed` holds everything `desired` sets (objects: key by key; arrays: item by item, same length). */
function holds(desired: unknown, observed: unknown): boolean {
  if (Array.isArray(desired)) {
    return (
      Array.isArray(observed) && observed.length === desired.length && desired.every((d, i) => holds(d, observed[i]))
    );
  }
  if (desired !== null && typeof desired === 'object') {
    if (observed === null || typeof observed !== 'object' || Array.isArray(observed)) return false;
    const o = observed as Record<string, unknown>;
    return Object.entries(desired).every(([k, v]) => holds(v, o[k]));
  }
  return desired === observed;
}

/**
 * The fields the observed instance Service lacks or holds differently from {@link instanceService} (`spec.type`,
 * `metadata.annotations`, …), sorted; empty when it matches or is not observed. Metacontroller never updates the
 * Service, so this is how a changed `service` setting (or a Service built by an older release) becomes visible.
 * Fields the apiserver or other controllers add (clusterIP, nodePorts, extra annotations) are not differences —
 * which also means an annotation dropped from the settings goes unnoticed (ours cannot be told from others').
 */
export function serviceDrift(
  desired: V1Service,
  observed: { metadata?: unknown; spec?: unknown } | undefined,
): string[] {
  if (!observed) return [];
  const om = (observed.metadata ?? {}) as Record<string, unknown>;
  const os = (observed.spec ?? {}) as Record<string, unknown>;
  const out: string[] = [];
  for (const k of ['labels', 'annotations'] as const) {
    if (!holds(desired.metadata?.[k] ?? {}, om[k] ?? {})) out.push(`metadata.${k}`);
  }
  for (const [k, v] of Object.entries(desired.spec ?? {})) if (!holds(v, os[k])) out.push(`spec.${k}`);
  return out.sort();
}

/** The zone-data PVC, only when `storage.storageType` is persistentVolumeClaim. */
export function instancePvc(m: InstanceModel): V1PersistentVolumeClaim | undefined {
  if (m.storage.storageType !== 'persistentVolumeClaim') return undefined;
  const p = m.storage.persistentVolumeClaim ?? {};
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: workloadNames(m.name).pvc, labels: workloadLabels(m.name, m.role, m.clusterRef, m.region) },
    spec: {
      accessModes: p.accessModes?.length ? [...p.accessModes] : ['ReadWriteOnce'],
      ...(p.storageClassName ? { storageClassName: p.storageClassName } : {}),
      resources: { requests: { storage: p.size ?? '1Gi' } },
    },
  };
}
