/**
 * Effect port: Kubernetes Events on the DNSZone (push failures, conflicts, deletion released after the grace
 * period). The hook emits an event when the situation changes (a condition flips or the conflict set changes), not
 * on every sync, so a stuck zone does not flood the API server.
 */
import { createHash } from 'node:crypto';
import type { Clock } from './clock.js';
import { keepAliveKubeConfig } from './kube-client.js';

export interface EventRegarding {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid?: string;
}

export interface ZoneEvent {
  regarding: EventRegarding;
  type: 'Normal' | 'Warning';
  /** CamelCase, e.g. PushFailed, RecordConflict, DeletionReleased. */
  reason: string;
  message: string;
}

export interface EventRecorder {
  /** Records an event; failures are the caller's to log (events are best effort). */
  record(event: ZoneEvent): Promise<void>;
}

/** An EventRecorder that keeps events in memory (tests, local mode). */
export function memoryEventRecorder(): EventRecorder & { events: ZoneEvent[] } {
  const events: ZoneEvent[] = [];
  return {
    events,
    async record(e) {
      events.push(e);
    },
  };
}

/**
 * The Kubernetes implementation (core/v1 Events, client-node loaded on first use). The event name is derived from
 * the object and reason+message, so a repeat becomes a patch of `count`/`lastTimestamp` of the same Event.
 */
export function kubeEventRecorder(clock: Clock, component = 'bindy-hooks', kubeconfig?: string): EventRecorder {
  let api:
    | Promise<{
        create: (ns: string, body: unknown) => Promise<unknown>;
        read: (ns: string, name: string) => Promise<{ count?: number }>;
        patch: (ns: string, name: string, body: unknown) => Promise<unknown>;
      }>
    | undefined;
  const load = async () => {
    const k8s = await import('@kubernetes/client-node');
    const kc = keepAliveKubeConfig(k8s, kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    return {
      create: (namespace: string, body: unknown) => core.createNamespacedEvent({ namespace, body: body as never }),
      read: (namespace: string, name: string) => core.readNamespacedEvent({ namespace, name }),
      patch: (namespace: string, name: string, body: unknown) =>
        core.patchNamespacedEvent(
          { namespace, name, body },
          k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
        ),
    };
  };
  return {
    async record(e) {
      api ??= load();
      const a = await api;
      const now = clock();
      const hash = createHash('sha256')
        .update(`${e.regarding.uid ?? ''}\0${e.type}\0${e.reason}\0${e.message}`)
        .digest('hex')
        .slice(0, 16);
      const name = `${e.regarding.name}.${hash}`;
      try {
        await a.create(e.regarding.namespace, {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name, namespace: e.regarding.namespace },
          involvedObject: e.regarding,
          type: e.type,
          reason: e.reason,
          message: e.message.slice(0, 1024),
          source: { component },
          reportingComponent: component,
          reportingInstance: component,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        });
      } catch (err) {
        if ((err as { code?: number }).code !== 409) throw err;
        const old = await a.read(e.regarding.namespace, name);
        await a.patch(e.regarding.namespace, name, { count: (old.count ?? 1) + 1, lastTimestamp: now });
      }
    },
  };
}
