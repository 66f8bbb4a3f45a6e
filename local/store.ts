/**
 * An in-memory stand-in for the Kubernetes API that the local driver applies hook responses to. It assigns what the
 * apiserver would (uid, generation bumped on spec changes, creationTimestamp, resourceVersion) so the hooks see the
 * same object shapes as in a cluster.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../hooks/metacontroller.js';

export interface StoredObject extends KubeObject {
  spec?: unknown;
  status?: Record<string, unknown>;
}

const keyOf = (apiVersion: string, kind: string, namespace: string | undefined, name: string) =>
  `${apiVersion}|${kind}|${namespace ?? ''}|${name}`;

export class ObjectStore {
  private readonly objects = new Map<string, StoredObject>();
  private version = 0;
  /** Creation clock: starts at a fixed instant and ticks one second per created object, so "oldest wins" follows load order. */
  private clock = Date.parse('2026-01-01T00:00:00Z');

  /** Every object, sorted by key. */
  all(): StoredObject[] {
    return [...this.objects.keys()].sort().map((k) => this.objects.get(k) as StoredObject);
  }

  list(apiVersion: string, kind: string, namespace?: string): StoredObject[] {
    return this.all().filter(
      (o) =>
        o.apiVersion === apiVersion &&
        o.kind === kind &&
        (namespace === undefined || o.metadata.namespace === namespace),
    );
  }

  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): StoredObject | undefined {
    return this.objects.get(keyOf(apiVersion, kind, namespace, name));
  }

  /**
   * Creates or updates an object (desired fields only; status is kept unless `withStatus`). Returns true when
   * anything stored changed.
   */
  put(obj: StoredObject, opts: { withStatus?: boolean } = {}): boolean {
    const { apiVersion, kind } = obj;
    const name = obj.metadata.name as string;
    const key = keyOf(apiVersion, kind, obj.metadata.namespace, name);
    const old = this.objects.get(key);
    const next: StoredObject = structuredClone(obj);
    if (old) {
      next.metadata = {
        ...next.metadata,
        uid: old.metadata.uid,
        creationTimestamp: old.metadata.creationTimestamp,
        generation: old.metadata.generation,
        ...(old.metadata.deletionTimestamp ? { deletionTimestamp: old.metadata.deletionTimestamp } : {}),
        ...((next.metadata.ownerReferences ?? old.metadata.ownerReferences)
          ? { ownerReferences: next.metadata.ownerReferences ?? old.metadata.ownerReferences }
          : {}),
      };
      if (JSON.stringify(old.spec) !== JSON.stringify(next.spec))
        next.metadata.generation = (old.metadata.generation ?? 1) + 1;
      if (!opts.withStatus && old.status !== undefined) next.status = old.status;
      else if (!opts.withStatus) delete next.status;
      const { resourceVersion: _a, ...oldMeta } = old.metadata;
      const { resourceVersion: _b, ...newMeta } = next.metadata;
      const same = JSON.stringify({ ...old, metadata: oldMeta }) === JSON.stringify({ ...next, metadata: newMeta });
      if (same) return false;
    } else {
      this.clock += 1000;
      next.metadata = {
        ...next.metadata,
        // New per creation, like the apiserver's: a recreated object is another object (Metacontroller caches
        // customize rules per uid and generation, and a recreated object starts again at generation 1).
        uid: createHash('sha256')
          .update(`${key}@${this.clock}`)
          .digest('hex')
          .slice(0, 32)
          .replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-'),
        creationTimestamp: new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        generation: 1,
      };
      if (!opts.withStatus) delete next.status;
    }
    next.metadata.resourceVersion = String(++this.version);
    this.objects.set(key, next);
    return true;
  }

  /** Replaces an object's status; true when it changed. */
  setStatus(obj: Pick<StoredObject, 'apiVersion' | 'kind' | 'metadata'>, status: Record<string, unknown>): boolean {
    const stored = this.get(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name as string);
    if (!stored || JSON.stringify(stored.status) === JSON.stringify(status)) return false;
    stored.status = structuredClone(status);
    stored.metadata.resourceVersion = String(++this.version);
    return true;
  }

  /**
   * Replaces an object's labels and/or annotations (a metadata-only update: the generation stays, like the
   * apiserver's); true when anything changed.
   */
  setMetadata(
    obj: Pick<StoredObject, 'apiVersion' | 'kind' | 'metadata'>,
    meta: { labels?: Record<string, string> | undefined; annotations?: Record<string, string> | undefined },
  ): boolean {
    const stored = this.get(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name as string);
    if (!stored) return false;
    let changed = false;
    for (const field of ['labels', 'annotations'] as const) {
      const next = meta[field];
      if (next === undefined || JSON.stringify(stored.metadata[field] ?? {}) === JSON.stringify(next)) continue;
      if (Object.keys(next).length) stored.metadata[field] = structuredClone(next);
      else delete stored.metadata[field];
      changed = true;
    }
    if (changed) stored.metadata.resourceVersion = String(++this.version);
    return changed;
  }

  /** Marks an object as being deleted (it stays until `remove`, like an object with finalizers). */
  markDeleted(obj: StoredObject, now: string): boolean {
    const stored = this.get(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name as string);
    if (!stored || stored.metadata.deletionTimestamp) return false;
    stored.metadata.deletionTimestamp = now;
    stored.metadata.resourceVersion = String(++this.version);
    return true;
  }

  /** Removes an object and, like the garbage collector, everything it owns (recursively). */
  remove(obj: Pick<StoredObject, 'apiVersion' | 'kind' | 'metadata'>): boolean {
    const key = keyOf(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name as string);
    const stored = this.objects.get(key);
    if (!stored) return false;
    this.objects.delete(key);
    for (const owned of this.ownedBy(stored.metadata.uid as string)) this.remove(owned);
    return true;
  }

  /** Objects whose controller ownerReference points at `uid`. */
  ownedBy(uid: string): StoredObject[] {
    return this.all().filter((o) => o.metadata.ownerReferences?.some((r) => r.uid === uid && r.controller));
  }
}
