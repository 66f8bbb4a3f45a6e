/**
 * The production-loop scenario table (test/scenarios/production-loop.ts) through the local runtime behind
 * `npm start`: the same rows the real Metacontroller runs in `npm run test:cluster`, against a real named.
 */
import { API_VERSION } from '../../hooks/schema/generated.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { freePort } from '../../local/named.js';
import type { StoredObject } from '../../local/store.js';
import { SCENARIOS } from '../scenarios/production-loop.js';
import { answerData, bindcarApiAt, forgetZoneOn, type LoopDriver, type LoopObject } from '../scenarios/loop-driver.js';
import { pollUntil } from '../support/poll.js';

const key = (o: { kind: string; metadata: { namespace?: string; name?: string } }) =>
  `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** The scenario driver over the local stack: the folder it reconciles is the list of applied objects. */
function localDriver(stack: LocalStack, namespace: string, objects: Map<string, StoredObject>): LoopDriver {
  const sync = async () => {
    await stack.apply([...objects.values()]);
  };
  return {
    name: 'local',
    namespace,
    external: { bindcarUrl: stack.bindcarUrl, dnsAddress: `127.0.0.1:${stack.named.dnsPort}` },
    async apply(...objs: LoopObject[]) {
      for (const o of objs) {
        const stored = { ...o, metadata: { namespace, ...o.metadata } } as StoredObject;
        // `kubectl apply` leaves the status subresource alone (a load balancer's addresses stay)
        const before = objects.get(key(stored));
        if (before?.status !== undefined && stored.status === undefined) stored.status = before.status;
        objects.set(key(stored), stored);
      }
      await sync();
    },
    async setLoadBalancer(kind, name, ingress) {
      const k = key({ kind, metadata: { namespace, name } });
      const o = objects.get(k);
      if (!o) throw new Error(`${kind} ${namespace}/${name} not found`);
      objects.set(k, { ...o, status: { ...(o.status ?? {}), loadBalancer: { ingress } } });
      await sync();
    },
    async remove(kind, name) {
      objects.delete(key({ kind, metadata: { namespace, name } }));
      await sync();
    },
    async get(kind, name) {
      const apiVersion =
        kind === 'Ingress' ? 'networking.k8s.io/v1' : kind === 'Service' || kind === 'Secret' ? 'v1' : API_VERSION;
      return stack.store.get(apiVersion, kind, namespace, name) as LoopObject | undefined;
    },
    dig: async (name, type) => answerData(await stack.named.query(name, type), type),
    bindcarApi: bindcarApiAt(stack.bindcarUrl, stack.bindcarToken),
    forgetZone: (zone) => forgetZoneOn(stack.named, zone),
    stopBindcar: () => stack.stopBindcar(),
    startBindcar: () => stack.startBindcar(),
    eventually: (check, timeoutMs = 20_000) =>
      pollUntil(check, {
        timeoutMs,
        intervalMs: 100,
        step: async () => {
          await stack.reconcile();
        },
      }),
  };
}

describe('production-loop scenarios through the local runtime (npm start)', function () {
  this.timeout(120_000);
  let stack: LocalStack;
  // One folder for all rows (each row in its own namespace), as `bindy up -f DIR` reconciles one folder.
  const objects = new Map<string, StoredObject>();

  before(async () => {
    stack = await startLocalStack({
      dnsPort: await freePort(),
      logLevel: 'error',
      zoneOptions: { degradedResyncSeconds: 1, deletionRetrySeconds: 1 },
    });
  });
  after(async () => {
    await stack?.stop();
  });

  SCENARIOS.forEach((s, i) => {
    (s.needs === 'workloads' ? it.skip : it)(s.name, async () => {
      await s.run(localDriver(stack, `loop-local-${i}`, objects));
    });
  });
});
