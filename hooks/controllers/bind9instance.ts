/**
 * Bind9Instance hooks. customize: relate the instance's cluster (Bind9Cluster in the namespace, or a
 * ClusterBind9Provider), the cluster's transfer-key Secret, a user rndc Secret, and for secondaries the cluster's
 * primary Bind9Instances. sync: ConfigMap (named.conf, rndc.conf), keys Secret, ServiceAccount, Deployment,
 * Service and optional PVC — or no workload at all for `spec.external`; status from the observed children.
 * Pure: same request (and generator) ⇒ byte-identical response; keys are generated only when nothing observed
 * holds them. https://metacontroller.github.io/metacontroller/api/customize.html
 */
import type { V1Service } from '@kubernetes/client-node';
import { conditions, type Condition, type ConditionInput } from '../conditions.js';
import { unavailable } from '../errors.js';
import { ANNOTATIONS, LABELS, indexLabelValue } from '../labels.js';
import {
  childKey,
  objectsOf,
  observedOf,
  requestClock,
  selectorMatches,
  type CustomizeRequest,
  type CustomizeResponse,
  type KubeObject,
  type SyncRequest,
  type SyncResponse,
} from '../metacontroller.js';
import {
  API_VERSION,
  type Bind9Cluster,
  type Bind9Instance,
  type Bind9InstanceStatus,
  type ClusterBind9Provider,
} from '../schema/generated.js';
import { transferSecretName } from '../children/cluster.js';
import { instanceModel, type InstanceModel } from '../children/instance-model.js';
import {
  b64,
  parseKeyFile,
  renderKeyFile,
  resolveKey,
  secretText,
  randomKey,
  type KeyGenerator,
  type TsigAlgorithm,
} from '../children/keys.js';
import { parentValidator, previousConditions, withSpecErrors } from '../children/parent.js';
import type { HookRoute } from '../http.js';
import { validateBind9Instance } from '../schema/validate.js';
import {
  BINDCAR_PORT,
  DNS_PORT,
  configHash,
  instanceConfigMap,
  instanceDeployment,
  instancePvc,
  instanceSecret,
  instanceService,
  instanceServiceAccount,
  serviceDrift,
  workloadNames,
  type WorkloadOptions,
} from '../children/workload.js';
import { instanceNetworkPolicy } from '../children/policies.js';
import { renderNamedConf, type PrimaryServer } from '../render/named-conf.js';
import { canonicalIP, hostPort } from '../../dns/address.js';
import { renderRndcConf } from '../render/rndc-conf.js';
import { RNDC_KEY_FILE, RNDC_KEY_NAME, TRANSFER_KEY_FILE, TRANSFER_KEY_NAME } from '../pod-layout.js';

/** Child rules of the Bind9Instance CompositeController (request keys). */
export const BIND9INSTANCE_CHILDREN = {
  configMaps: childKey('ConfigMap', 'v1'),
  secrets: childKey('Secret', 'v1'),
  serviceAccounts: childKey('ServiceAccount', 'v1'),
  deployments: childKey('Deployment', 'apps/v1'),
  services: childKey('Service', 'v1'),
  pvcs: childKey('PersistentVolumeClaim', 'v1'),
} as const;

export interface InstanceHookDeps extends WorkloadOptions {
  generateKey: KeyGenerator;
}

/** Retry delay when a referenced Secret has not been observed yet. */
const WAIT_SECONDS = 5;

/**
 * Related objects of an instance. Rules depend on the spec only (Metacontroller caches them per generation). The
 * cluster's other instances are selected by the cluster and role index labels, which the index decorator sets on
 * every instance from its spec (hooks/controllers/index-labels.ts), so hand-written instances take part too.
 */
export function customizeBind9Instance(req: CustomizeRequest): CustomizeResponse {
  const parent = req.parent as unknown as Bind9Instance;
  const ns = parent.metadata.namespace ?? '';
  const ref = parent.spec.clusterRef;
  const secrets = [
    transferSecretName(ref),
    ...(parent.spec.rndcKey?.secretRef ? [parent.spec.rndcKey.secretRef.name] : []),
  ];
  const rules: CustomizeResponse['relatedResources'] = [
    { apiVersion: API_VERSION, resource: 'bind9clusters', namespace: ns, names: [ref] },
    { apiVersion: API_VERSION, resource: 'clusterbind9providers', names: [ref] },
    { apiVersion: 'v1', resource: 'secrets', namespace: ns, names: [...new Set(secrets)].sort() },
  ];
  // Secondaries transfer from the cluster's primaries; primaries notify the cluster's secondaries.
  rules.push({
    apiVersion: API_VERSION,
    resource: 'bind9instances',
    namespace: ns,
    labelSelector: { matchLabels: parent.spec.role === 'secondary' ? primarySelector(ref) : secondarySelector(ref) },
  });
  return { relatedResources: rules };
}

/** Labels that select the primary instances of cluster `ref`. */
export function primarySelector(ref: string): Record<string, string> {
  return { [LABELS.cluster]: indexLabelValue(ref), [LABELS.role]: 'primary' };
}

/** Labels that select the secondary instances of cluster `ref`. */
export function secondarySelector(ref: string): Record<string, string> {
  return { [LABELS.cluster]: indexLabelValue(ref), [LABELS.role]: 'secondary' };
}

/** Parses `ip:port` / `[v6]:port`; undefined unless the host is an IP address (named's primaries need one). */
export function parseDnsEndpoint(endpoint: string | undefined): PrimaryServer | undefined {
  const hp = endpoint ? hostPort(endpoint) : undefined;
  return hp && canonicalIP(hp.host) ? { address: hp.host, port: hp.port } : undefined;
}

/** The related cluster of an instance: Bind9Cluster in its namespace first, else the ClusterBind9Provider. */
function relatedCluster(req: SyncRequest, parent: Bind9Instance) {
  const ns = parent.metadata.namespace;
  const ref = parent.spec.clusterRef;
  const c = observedOf(req.related, 'Bind9Cluster', API_VERSION, ns, ref) as unknown as Bind9Cluster | undefined;
  if (c) return { kind: 'Bind9Cluster' as const, spec: c.spec };
  const p = observedOf(req.related, 'ClusterBind9Provider', API_VERSION, undefined, ref) as unknown as
    ClusterBind9Provider | undefined;
  if (p) return { kind: 'ClusterBind9Provider' as const, spec: p.spec };
  return undefined;
}

/** The primaries a secondary transfers from: the Service addresses its cluster's primaries report. */
function primaryServers(req: SyncRequest, m: InstanceModel): { servers: PrimaryServer[]; names: string[] } {
  if (m.role !== 'secondary') return { servers: [], names: [] };
  const selector = { matchLabels: primarySelector(m.clusterRef) };
  const servers: PrimaryServer[] = [];
  const names: string[] = [];
  for (const p of objectsOf(req.related, 'Bind9Instance', API_VERSION)) {
    if (p.metadata.namespace !== m.namespace || !selectorMatches(selector, p.metadata.labels)) continue;
    const server = parseDnsEndpoint((p['status'] as Bind9InstanceStatus | undefined)?.dnsEndpoint);
    names.push(p.metadata.name ?? '');
    const region = (p['spec'] as { region?: string } | undefined)?.region ?? p.metadata.labels?.[LABELS.region];
    if (server) servers.push(region ? { ...server, region } : server);
  }
  return { servers, names };
}

/** The secondaries a primary notifies: the DNS addresses its cluster's secondaries report (sorted by the renderer). */
function secondaryServers(req: SyncRequest, m: InstanceModel): PrimaryServer[] {
  if (m.role !== 'primary') return [];
  const selector = { matchLabels: secondarySelector(m.clusterRef) };
  const out: PrimaryServer[] = [];
  for (const s of objectsOf(req.related, 'Bind9Instance', API_VERSION)) {
    if (s.metadata.namespace !== m.namespace || !selectorMatches(selector, s.metadata.labels)) continue;
    const server = parseDnsEndpoint((s['status'] as Bind9InstanceStatus | undefined)?.dnsEndpoint);
    if (server) out.push(server);
  }
  return out;
}

interface Keys {
  rndc: { algorithm: TsigAlgorithm; secret: string };
  transfer: string;
}

/**
 * The transfer key of the instance's Bind9Cluster, from the cluster's shared Secret, or why the instance waits for
 * it (the Secret not observed yet); undefined for an instance of no Bind9Cluster (it keeps a key of its own).
 */
function clusterTransferKey(req: SyncRequest, m: InstanceModel): { secret: string } | { wait: string } | undefined {
  if (m.clusterKind !== 'Bind9Cluster') return undefined;
  const shared = observedOf(req.related, 'Secret', 'v1', m.namespace, transferSecretName(m.clusterRef));
  const key = parseKeyFile(secretText(shared?.['data'] as Record<string, string> | undefined, TRANSFER_KEY_FILE) ?? '');
  return key?.secret
    ? { secret: key.secret }
    : {
        wait: `Secret ${m.namespace}/${transferSecretName(m.clusterRef)} (transfer key of Bind9Cluster ${m.clusterRef}) not observed yet`,
      };
}

/** Whether Metacontroller observed any child of the instance. */
const hasChildren = (req: SyncRequest): boolean => Object.values(req.children).some((g) => Object.keys(g).length > 0);

/**
 * The instance's keys. rndc: a user Secret (`rndcKey.secretRef`, keys `secret` and optional `algorithm`) or the
 * observed keys Secret, else generated. transfer: the cluster's shared Secret when the instance belongs to a
 * Bind9Cluster (waiting for it rather than inventing a key secondaries would not share), else the observed
 * one, else generated. `shared` is {@link clusterTransferKey} of the instance.
 */
function instanceKeys(
  req: SyncRequest,
  m: InstanceModel,
  deps: InstanceHookDeps,
  shared: ReturnType<typeof clusterTransferKey>,
): Keys {
  const observed = observedOf(req.children, 'Secret', 'v1', m.namespace, workloadNames(m.name).secret);
  const own = observed?.['data'] as Record<string, string> | undefined;
  let rndcKnown: string | undefined;
  let algorithm = m.rndcAlgorithm;
  if (m.rndcSecretRef) {
    const user = observedOf(req.related, 'Secret', 'v1', m.namespace, m.rndcSecretRef);
    const data = user?.['data'] as Record<string, string> | undefined;
    rndcKnown = secretText(data, 'secret')?.trim();
    if (!rndcKnown) {
      throw unavailable(
        `spec.rndcKey.secretRef: Secret ${m.namespace}/${m.rndcSecretRef} not found or has no "secret" key`,
        WAIT_SECONDS,
      );
    }
    const alg = secretText(data, 'algorithm')?.trim();
    if (alg && /^hmac-sha(224|256|384|512)$/.test(alg)) algorithm = alg as TsigAlgorithm;
  } else {
    rndcKnown = parseKeyFile(secretText(own, RNDC_KEY_FILE) ?? '')?.secret;
  }
  const rndc = resolveKey(RNDC_KEY_NAME, algorithm, rndcKnown, deps.generateKey);
  let transferKnown: string | undefined;
  if (shared) {
    if ('wait' in shared) throw unavailable(shared.wait, WAIT_SECONDS);
    transferKnown = shared.secret;
  } else {
    transferKnown = parseKeyFile(secretText(own, TRANSFER_KEY_FILE) ?? '')?.secret;
  }
  const transfer = resolveKey(TRANSFER_KEY_NAME, 'hmac-sha256', transferKnown, deps.generateKey);
  return { rndc: { algorithm: rndc.algorithm, secret: rndc.secret }, transfer: transfer.secret };
}

interface DeploymentStatus {
  replicas?: number;
  readyReplicas?: number;
  updatedReplicas?: number;
  observedGeneration?: number;
}

function instanceStatus(
  req: SyncRequest,
  m: InstanceModel,
  hash: string | undefined,
  primaries: { servers: PrimaryServer[]; names: string[] },
  service: V1Service | undefined,
  waitingForTransferKey?: string,
): Bind9InstanceStatus {
  const generation = req.parent.metadata.generation;
  const prev = previousConditions(req.parent) as Partial<Condition>[];
  const now = requestClock(req);
  const wanted: ConditionInput[] = [];
  const status: Bind9InstanceStatus = { role: m.role };
  if (m.external) {
    status.readyReplicas = 0;
    status.endpoint = m.external.bindcarUrl.replace(/\/+$/, '');
    if (m.external.dnsAddress) status.dnsEndpoint = m.external.dnsAddress;
    wanted.push(
      {
        type: 'Ready',
        status: 'True',
        reason: 'External',
        message: `external bindcar at ${status.endpoint} (no workload managed)`,
      },
      { type: 'Progressing', status: 'False', reason: 'External', message: 'nothing to roll out' },
    );
  } else {
    const names = workloadNames(m.name);
    const dep = observedOf(req.children, 'Deployment', 'apps/v1', m.namespace, names.deployment);
    const svc = observedOf(req.children, 'Service', 'v1', m.namespace, names.service);
    const ds = (dep?.['status'] ?? {}) as DeploymentStatus;
    const readyReplicas = ds.readyReplicas ?? 0;
    const clusterIP = (svc?.['spec'] as { clusterIP?: string } | undefined)?.clusterIP;
    status.readyReplicas = readyReplicas;
    status.endpoint = `http://${names.service}.${m.namespace}.svc:${BINDCAR_PORT}`;
    status.dnsEndpoint =
      clusterIP && canonicalIP(clusterIP)
        ? `${clusterIP.includes(':') ? `[${clusterIP}]` : clusterIP}:${DNS_PORT}`
        : `${names.service}.${m.namespace}.svc:${DNS_PORT}`;
    const observedHash = ((
      dep?.['spec'] as { template?: { metadata?: { annotations?: Record<string, string> } } } | undefined
    )?.template?.metadata?.annotations ?? {})[ANNOTATIONS.configHash];
    const depCurrent = dep !== undefined && (ds.observedGeneration ?? 0) >= (dep.metadata.generation ?? 0);
    const rolledOut =
      depCurrent &&
      observedHash === hash &&
      (ds.updatedReplicas ?? 0) >= m.replicas &&
      (ds.replicas ?? 0) <= m.replicas;
    if (!dep) {
      wanted.push({
        type: 'Ready',
        status: 'False',
        reason: 'DeploymentPending',
        message: `Deployment ${names.deployment} not created yet`,
      });
    } else if (m.replicas === 0) {
      wanted.push({ type: 'Ready', status: 'False', reason: 'ScaledToZero', message: 'replicas is 0' });
    } else if (readyReplicas >= m.replicas) {
      wanted.push({
        type: 'Ready',
        status: 'True',
        reason: 'Ready',
        message: `${readyReplicas}/${m.replicas} pods ready`,
      });
    } else {
      wanted.push({
        type: 'Ready',
        status: 'False',
        reason: 'PodsNotReady',
        message: `${readyReplicas}/${m.replicas} pods ready`,
      });
    }
    if (waitingForTransferKey) {
      wanted.push({
        type: 'Progressing',
        status: 'True',
        reason: 'WaitingForTransferKey',
        message: waitingForTransferKey,
      });
    } else if (m.role === 'secondary' && primaries.servers.length === 0) {
      wanted.push({
        type: 'Progressing',
        status: 'True',
        reason: 'WaitingForPrimaries',
        message: primaries.names.length
          ? `primaries ${primaries.names.join(', ')} have no Service address yet`
          : `no primary Bind9Instance of cluster ${m.clusterRef} observed yet`,
      });
    } else if (!dep || !rolledOut) {
      wanted.push({
        type: 'Progressing',
        status: 'True',
        reason: 'RollingOut',
        message: dep ? `rolling out configuration ${hash?.slice(0, 12)}` : 'creating the Deployment',
      });
    } else {
      wanted.push({
        type: 'Progressing',
        status: 'False',
        reason: 'RolledOut',
        message: `configuration ${hash?.slice(0, 12)} is rolled out`,
      });
    }
    const drift = service ? serviceDrift(service, svc) : [];
    if (drift.length) {
      wanted.push({
        type: 'Degraded',
        status: 'True',
        reason: 'ServiceOutdated',
        message:
          `Service ${m.namespace}/${names.service} differs from the desired one in ${drift.join(', ')}: ` +
          'Metacontroller never updates an instance Service (updateStrategy OnDelete in ' +
          'metacontroller/bind9instance.yaml); delete the Service to have it recreated (its ClusterIP changes and ' +
          "the cluster's other instances follow the new status.dnsEndpoint)",
      });
    }
  }
  const out: Bind9InstanceStatus = { conditions: conditions(wanted, prev, now, generation), ...status };
  if (generation !== undefined) out.observedGeneration = generation;
  return out;
}

/**
 * Sync a Bind9Instance. External instances get no children; the others get ConfigMap, keys Secret,
 * ServiceAccount, Deployment, Service and (storageType persistentVolumeClaim) a PVC.
 */
export function syncBind9Instance(req: SyncRequest, deps: InstanceHookDeps): SyncResponse {
  const parent = req.parent as unknown as Bind9Instance;
  const m = instanceModel(parent, relatedCluster(req, parent));
  const primaries = primaryServers(req, m);
  if (m.external) {
    return { status: instanceStatus(req, m, undefined, primaries, undefined) as Record<string, unknown>, children: [] };
  }
  // The cluster's transfer key not observed yet on a first sync (its Secret and this instance are created together, and
  // Metacontroller may sync the instance first): nothing exists to keep, so the complete answer is "nothing yet",
  // said in the status, instead of an error that would read as a SyncError event on every first apply. With children
  // already there, instanceKeys' 503 keeps them as they are.
  const transfer = clusterTransferKey(req, m);
  if (transfer && 'wait' in transfer && !hasChildren(req)) {
    return {
      status: instanceStatus(req, m, undefined, primaries, undefined, transfer.wait) as Record<string, unknown>,
      children: [],
      resyncAfterSeconds: WAIT_SECONDS,
    };
  }
  const keys = instanceKeys(req, m, deps, transfer);
  const what = `Bind9Instance ${m.namespace}/${m.name}`;
  const namedConf = withSpecErrors(what, () =>
    renderNamedConf({
      instance: `${m.namespace}/${m.name}`,
      role: m.role,
      config: m.config,
      acls: m.acls,
      primaries: primaries.servers,
      secondaries: secondaryServers(req, m),
      ...(m.region ? { region: m.region } : {}),
      optionsFromFile: m.configMapRefs.namedConfOptions !== undefined,
    }),
  );
  const configData = { 'named.conf': namedConf, 'rndc.conf': renderRndcConf() };
  const secretData = {
    [RNDC_KEY_FILE]: b64(renderKeyFile({ name: RNDC_KEY_NAME, ...keys.rndc })),
    [TRANSFER_KEY_FILE]: b64(
      renderKeyFile({ name: TRANSFER_KEY_NAME, algorithm: 'hmac-sha256', secret: keys.transfer }),
    ),
  };
  const hash = configHash(configData, secretData);
  const pvc = instancePvc(m);
  const service = instanceService(m.name, m.service);
  const policy = instanceNetworkPolicy(m, { namespace: deps.hooksNamespace, podLabels: deps.hooksPodLabels });
  const children = [
    instanceConfigMap(m, configData),
    instanceSecret(m, secretData),
    instanceServiceAccount(m),
    instanceDeployment(m, hash, deps),
    service,
    ...(pvc ? [pvc] : []),
    ...(policy ? [policy] : []),
  ] as unknown as KubeObject[];
  return { status: instanceStatus(req, m, hash, primaries, service) as Record<string, unknown>, children };
}

/** The hooks' pod labels in manifests/base/hooks.yaml (BINDY_HOOKS_POD_LABELS overrides them). */
export const DEFAULT_HOOKS_POD_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/name': 'bindy-hooks' };

/** Default bindcar image: our image at this package's version (kept equal to package.json by a test). */
export const DEFAULT_BINDCAR_IMAGE = 'ghcr.io/firestoned/bindy-bindcar:0.1.0';

/**
 * Ports/options the infrastructure routes read from the composition root (hooks/server.ts sets them from its
 * environment): `generateKey` (default: node:crypto), `bindcarImage`, `hooksNamespace` (default bindy-system),
 * `hooksServiceAccount` (default bindy-hooks), `hooksPodLabels` (default {@link DEFAULT_HOOKS_POD_LABELS}).
 */
export interface InfraPorts {
  generateKey?: KeyGenerator;
  bindcarImage?: string;
  hooksNamespace?: string;
  hooksServiceAccount?: string;
  hooksPodLabels?: Record<string, string>;
}

/** Resolves {@link InfraPorts} (as found on HookPorts) into the instance hook's dependencies, with the defaults. */
export function infraDeps(ports: InfraPorts): InstanceHookDeps {
  return {
    generateKey: ports.generateKey ?? randomKey,
    bindcarImage: ports.bindcarImage || DEFAULT_BINDCAR_IMAGE,
    hooksNamespace: ports.hooksNamespace || 'bindy-system',
    hooksServiceAccount: ports.hooksServiceAccount || 'bindy-hooks',
    hooksPodLabels: ports.hooksPodLabels ?? DEFAULT_HOOKS_POD_LABELS,
  };
}

/** Routes of the Bind9Instance CompositeController (sync + customize). */
export function bind9InstanceRoutes(ports: InfraPorts): HookRoute[] {
  const deps = infraDeps(ports);
  const validateParent = parentValidator('Bind9Instance', validateBind9Instance);
  return [
    {
      path: '/sync/bind9instance',
      hook: 'sync',
      kind: 'Bind9Instance',
      validateParent,
      handle: (req: SyncRequest) => syncBind9Instance(req, deps),
    },
    {
      path: '/customize/bind9instance',
      hook: 'customize',
      kind: 'Bind9Instance',
      validateParent,
      handle: (req: CustomizeRequest) => customizeBind9Instance(req),
    },
  ];
}
