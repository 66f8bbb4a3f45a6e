/**
 * The scenario driver (test/scenarios/loop-driver.ts) over the real thing: kubectl against the test apiserver,
 * Metacontroller reconciling, dig against the named behind the external instance.
 */
import { KINDS } from '../../../hooks/schema/generated.js';
import {
  answerData,
  bindcarApiAt,
  forgetZoneOn,
  type LoopDriver,
  type LoopObject,
} from '../../scenarios/loop-driver.js';
import { pollUntil } from '../../support/poll.js';
import type { ProductionLoop } from './harness.js';

const GROUP = 'bindy.firestoned.io';
const CORE: Record<string, string> = {
  Deployment: 'deployments.apps',
  Service: 'services',
  ConfigMap: 'configmaps',
  Secret: 'secrets',
  ServiceAccount: 'serviceaccounts',
  PersistentVolumeClaim: 'persistentvolumeclaims',
  NetworkPolicy: 'networkpolicies.networking.k8s.io',
  Ingress: 'ingresses.networking.k8s.io',
  PodDisruptionBudget: 'poddisruptionbudgets.policy',
  Event: 'events',
};

/** `kubectl` resource name of a kind (bindy kinds fully qualified, so short names never collide). */
export function resourceOf(kind: string): string {
  const k = KINDS.find((x) => x.kind === kind);
  if (k) return `${k.plural}.${GROUP}`;
  const core = CORE[kind];
  if (!core) throw new Error(`no resource known for kind ${kind}`);
  return core;
}

/** Namespaced bindy kinds, children first, so a cleanup deletes leaves before parents. */
export const NAMESPACED_BINDY_RESOURCES = KINDS.filter((k) => k.scope === 'Namespaced')
  .map((k) => `${k.plural}.${GROUP}`)
  .sort((a, b) => Number(a.startsWith('bind9')) - Number(b.startsWith('bind9')));

export function kubeDriver(loop: ProductionLoop, namespace: string): LoopDriver {
  const k = loop.env.kubectl.bind(loop.env);
  return {
    name: 'metacontroller',
    namespace,
    external: loop.external,
    async apply(...objects: LoopObject[]) {
      const docs = objects.map((o) => ({ ...o, metadata: { namespace, ...o.metadata } }));
      // What a user types: a client-side `kubectl apply` of the manifests.
      await k(['apply', '-f', '-'], { stdin: docs.map((d) => JSON.stringify(d)).join('\n') });
    },
    async setLoadBalancer(kind, name, ingress) {
      const patch = JSON.stringify({ status: { loadBalancer: { ingress } } });
      await k(['patch', resourceOf(kind), name, '-n', namespace, '--subresource=status', '--type=merge', '-p', patch]);
    },
    async remove(kind, name) {
      await k(['delete', resourceOf(kind), name, '-n', namespace, '--wait=false', '--ignore-not-found']);
    },
    async get(kind, name) {
      const r = await k(['get', resourceOf(kind), name, '-n', namespace, '-o', 'json'], { check: false });
      if (r.code !== 0) {
        if (/NotFound/.test(r.stderr)) return undefined;
        throw new Error(r.stderr);
      }
      return JSON.parse(r.stdout) as LoopObject;
    },
    dig: async (name, type) => answerData(await loop.named.query(name, type), type),
    bindcarApi: bindcarApiAt(loop.external.bindcarUrl, loop.bindcarToken),
    forgetZone: (zone) => forgetZoneOn(loop.named, zone),
    stopBindcar: () => loop.stopBindcar(),
    startBindcar: () => loop.startBindcar(),
    eventually: (check, timeoutMs = 20_000) => pollUntil(check, { timeoutMs, intervalMs: 200 }),
  };
}
