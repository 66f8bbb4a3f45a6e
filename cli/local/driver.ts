/**
 * The local Metacontroller stand-in behind `bindy up` / `npm start`. It reads the CompositeController objects from
 * metacontroller/*.yaml, builds the same hook requests Metacontroller would (controller, parent, children keyed
 * `Kind.apiVersion` then `namespace/name`, related from the customize rules, finalizing) and applies the responses
 * to an in-memory ObjectStore: desired children created/updated/deleted, status replaced, finalizers honoured.
 */
import {
  childKey,
  objectKey,
  selectorMatches,
  type KubeObject,
  type ObjectMap,
  type RelatedResourceRule,
} from '../../hooks/metacontroller.js';
import type { ObjectStore, StoredObject } from './store.js';

export interface ResourceRef {
  apiVersion: string;
  resource: string;
}

/** The parts of a CompositeController the driver needs. */
export interface CompositeController extends KubeObject {
  spec: {
    parentResource: ResourceRef;
    childResources?: ResourceRef[];
    hooks: {
      sync?: { webhook: { url?: string; path?: string } };
      finalize?: { webhook: { url?: string; path?: string } };
      customize?: { webhook: { url?: string; path?: string } };
    };
    resyncPeriodSeconds?: number;
  };
}

export interface DriverDeps {
  store: ObjectStore;
  controllers: readonly CompositeController[];
  /** `resource` (plural) → Kind for an apiVersion, e.g. ('apps/v1', 'deployments') → 'Deployment'. */
  kindOf: (ref: ResourceRef) => string;
  /** POSTs a hook request to the path of the hook URL and returns the parsed 200 body (throws otherwise). */
  post: (path: string, body: unknown) => Promise<unknown>;
  /** Adjusts objects before they are stored (local mode points Bind9Instances at the local bindcar). */
  localize?: (obj: StoredObject) => StoredObject;
  /** Wall clock for deletionTimestamp. */
  now: () => string;
  /** Reports hook failures; the driver carries on with other parents. */
  onError?: (parent: StoredObject, hook: string, err: unknown) => void;
}

export interface RoundResult {
  rounds: number;
  /** Smallest resyncAfterSeconds any hook asked for, if any. */
  resyncAfterSeconds?: number;
  errors: number;
}

const hookPath = (hook: { webhook: { url?: string; path?: string } } | undefined): string | undefined =>
  hook ? (hook.webhook.url ? new URL(hook.webhook.url).pathname : hook.webhook.path) : undefined;

export class LocalDriver {
  private readonly deps: DriverDeps;
  private readonly customizeCache = new Map<string, RelatedResourceRule[]>();

  constructor(deps: DriverDeps) {
    this.deps = deps;
  }

  /** Stores user objects (from Git); objects of those kinds previously loaded but now absent are deleted. */
  applyManifests(objects: readonly StoredObject[], previous: readonly StoredObject[]): void {
    const { store } = this.deps;
    const wanted = new Set(
      objects.map((o) => `${o.apiVersion}|${o.kind}|${o.metadata.namespace ?? ''}|${o.metadata.name}`),
    );
    for (const o of objects) store.put(this.localize(o));
    for (const o of previous) {
      if (wanted.has(`${o.apiVersion}|${o.kind}|${o.metadata.namespace ?? ''}|${o.metadata.name}`)) continue;
      const stored = store.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name as string);
      if (!stored) continue;
      if (this.controllerFor(stored)?.spec.hooks.finalize) store.markDeleted(stored, this.deps.now());
      else store.remove(stored);
    }
  }

  /** Syncs every parent until a whole round changes nothing (bounded). */
  async reconcileAll(maxRounds = 10): Promise<RoundResult> {
    const result: RoundResult = { rounds: 0, errors: 0 };
    for (let round = 0; round < maxRounds; round++) {
      result.rounds++;
      const before = this.fingerprint();
      for (const cc of this.deps.controllers) {
        const { apiVersion, resource } = cc.spec.parentResource;
        const kind = this.deps.kindOf({ apiVersion, resource });
        for (const parent of this.deps.store.list(apiVersion, kind)) {
          try {
            const resync = await this.reconcile(cc, parent);
            if (resync !== undefined && resync > 0) {
              result.resyncAfterSeconds = Math.min(result.resyncAfterSeconds ?? Infinity, resync);
            }
          } catch (err) {
            result.errors++;
            this.deps.onError?.(parent, cc.metadata.name ?? kind, err);
          }
        }
      }
      if (this.fingerprint() === before) break;
    }
    return result;
  }

  private fingerprint(): string {
    return this.deps.store
      .all()
      .map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}@${o.metadata.resourceVersion}`)
      .join(',');
  }

  private localize(o: StoredObject): StoredObject {
    return this.deps.localize ? this.deps.localize(o) : o;
  }

  private controllerFor(obj: StoredObject): CompositeController | undefined {
    return this.deps.controllers.find(
      (cc) =>
        cc.spec.parentResource.apiVersion === obj.apiVersion && this.deps.kindOf(cc.spec.parentResource) === obj.kind,
    );
  }

  /** One Metacontroller pass over one parent; returns resyncAfterSeconds. */
  private async reconcile(cc: CompositeController, parent: StoredObject): Promise<number | undefined> {
    const { store, kindOf, post } = this.deps;
    const finalizing = Boolean(parent.metadata.deletionTimestamp);
    const hook = finalizing ? cc.spec.hooks.finalize : cc.spec.hooks.sync;
    const path = hookPath(hook);
    if (!path) {
      if (finalizing) store.remove(parent);
      return undefined;
    }
    const related = await this.related(cc, parent);
    const children: ObjectMap = {};
    const owned = store.ownedBy(parent.metadata.uid as string);
    for (const ref of cc.spec.childResources ?? []) {
      const kind = kindOf(ref);
      const group: Record<string, KubeObject> = {};
      for (const c of owned)
        if (c.apiVersion === ref.apiVersion && c.kind === kind)
          group[objectKey(c.metadata.namespace, c.metadata.name as string)] = c;
      children[childKey(kind, ref.apiVersion)] = group;
    }
    const response = (await post(path, { controller: cc, parent, children, related, finalizing })) as {
      status?: Record<string, unknown> | null;
      children?: KubeObject[] | null;
      resyncAfterSeconds?: number;
      finalized?: boolean;
    };

    // Children: create/update every desired one, delete observed ones that are no longer desired.
    const desired = response.children ?? [];
    const keep = new Set<string>();
    for (const child of desired) {
      const obj: StoredObject = structuredClone(child) as StoredObject;
      obj.metadata.namespace ??= parent.metadata.namespace;
      obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'controller-uid': parent.metadata.uid as string };
      obj.metadata.ownerReferences = [
        {
          apiVersion: parent.apiVersion,
          kind: parent.kind,
          name: parent.metadata.name as string,
          uid: parent.metadata.uid as string,
          controller: true,
          blockOwnerDeletion: true,
        },
      ];
      keep.add(`${obj.apiVersion}|${obj.kind}|${obj.metadata.namespace ?? ''}|${obj.metadata.name}`);
      store.put(this.localize(obj));
    }
    for (const c of owned) {
      if (!keep.has(`${c.apiVersion}|${c.kind}|${c.metadata.namespace ?? ''}|${c.metadata.name}`)) store.remove(c);
    }
    store.setStatus(parent, { ...(response.status ?? {}), observedGeneration: parent.metadata.generation });
    if (finalizing && response.finalized) store.remove(parent);
    return response.resyncAfterSeconds;
  }

  private async related(cc: CompositeController, parent: StoredObject): Promise<ObjectMap> {
    const path = hookPath(cc.spec.hooks.customize);
    if (!path) return {};
    const cacheKey = `${parent.metadata.uid}@${parent.metadata.generation}`;
    let rules = this.customizeCache.get(cacheKey);
    if (!rules) {
      const res = (await this.deps.post(path, { controller: cc, parent })) as {
        relatedResources?: RelatedResourceRule[];
      };
      rules = res.relatedResources ?? [];
      this.customizeCache.set(cacheKey, rules);
    }
    const related: ObjectMap = {};
    for (const rule of rules) {
      const kind = this.deps.kindOf(rule);
      const group = (related[childKey(kind, rule.apiVersion)] ??= {});
      for (const o of this.deps.store.list(rule.apiVersion, kind)) {
        if (rule.namespace !== undefined && o.metadata.namespace !== rule.namespace) continue;
        if (rule.names && !rule.names.includes(o.metadata.name as string)) continue;
        if (rule.labelSelector && !selectorMatches(rule.labelSelector, o.metadata.labels)) continue;
        group[objectKey(o.metadata.namespace, o.metadata.name as string)] = o;
      }
    }
    return related;
  }
}
