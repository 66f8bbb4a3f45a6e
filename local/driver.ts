/**
 * The local Metacontroller stand-in behind `bindy up` / `npm start`. It reads the CompositeController and
 * DecoratorController objects from metacontroller/*.yaml, builds the same hook requests Metacontroller would
 * (controller, parent, children keyed `Kind.apiVersion` then `namespace/name`, related from the customize rules,
 * finalizing) and applies the responses to an in-memory ObjectStore: desired children created/updated/deleted,
 * status replaced, finalizers honoured, decorator labels, annotations and attachments set. Each round first lets every DecoratorController label
 * the objects that changed since it last saw them, so the CompositeControllers' customize rules select by those
 * labels exactly as in a cluster (local/related.ts). Responses are decoded strictly, like Metacontroller does
 * for hook v2: an unknown top-level field is an error.
 */
import {
  childKey,
  objectKey,
  selectorMatches,
  type KubeObject,
  type LabelSelector,
  type ObjectMap,
  type RelatedResourceRule,
} from '../hooks/metacontroller.js';
import { checkSelector, labelKeyProblem, labelValueProblem, ruleSelects } from './related.js';
import type { ObjectStore, StoredObject } from './store.js';

export interface ResourceRef {
  apiVersion: string;
  resource: string;
}

type Hook = { webhook: { url?: string; path?: string } };

/** The parts of a CompositeController the driver needs. */
export interface CompositeController extends KubeObject {
  spec: {
    /** labelSelector: only matching parents are synced (a non-matching one that was synced is finalized). */
    parentResource: ResourceRef & { labelSelector?: LabelSelector };
    childResources?: ResourceRef[];
    hooks: {
      sync?: Hook;
      finalize?: Hook;
      customize?: Hook;
    };
    resyncPeriodSeconds?: number;
  };
}

/** The parts of a DecoratorController the driver needs (sync, finalize and customize hooks, attachments). */
export interface DecoratorController extends KubeObject {
  spec: {
    resources: (ResourceRef & {
      labelSelector?: LabelSelector;
      annotationSelector?: {
        matchAnnotations?: Record<string, string>;
        matchExpressions?: LabelSelector['matchExpressions'];
      };
      ignoreStatusChanges?: boolean;
    })[];
    attachments?: ResourceRef[];
    hooks: { sync?: Hook; finalize?: Hook; customize?: Hook };
    resyncPeriodSeconds?: number;
  };
}

export interface DriverDeps {
  store: ObjectStore;
  controllers: readonly CompositeController[];
  /** DecoratorControllers; they label objects before the CompositeControllers see them. */
  decorators?: readonly DecoratorController[];
  /** `resource` (plural) → Kind for an apiVersion, e.g. ('apps/v1', 'deployments') → 'Deployment'. */
  kindOf: (ref: ResourceRef) => string;
  /** POSTs a hook request to the path of the hook URL and returns the parsed 200 body (throws otherwise). */
  post: (path: string, body: unknown) => Promise<unknown>;
  /** Adjusts objects before they are stored (local mode points Bind9Instances at the local bindcar). */
  localize?: (obj: StoredObject) => StoredObject;
  /** Wall clock for deletionTimestamp. */
  now: () => string;
  /**
   * Objects whose status the manifest itself gives (Ingresses, Services, Gateways: the folder is their whole world,
   * and nothing else would write the load balancer's addresses); other objects' status is the controllers'.
   */
  statusFromManifest?: (obj: StoredObject) => boolean;
  /** Reports hook failures; the driver carries on with other parents. */
  onError?: (parent: StoredObject, hook: string, err: unknown) => void;
}

export interface RoundResult {
  rounds: number;
  /** Smallest resyncAfterSeconds any hook asked for, if any. */
  resyncAfterSeconds?: number;
  errors: number;
}

const hookPath = (hook: Hook | undefined): string | undefined =>
  hook ? (hook.webhook.url ? new URL(hook.webhook.url).pathname : hook.webhook.path) : undefined;

/** Metacontroller decodes v2 responses strictly (pkg/hooks/webhook.go): a field it does not know is an error. */
function strict<T>(path: string, body: unknown, fields: readonly string[]): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error(`${path} answered no object`);
  const unknown = Object.keys(body).filter((k) => !fields.includes(k));
  if (unknown.length) throw new Error(`${path} answered unknown field(s) ${unknown.join(', ')} (hook v2 is strict)`);
  return body as T;
}

const COMPOSITE_FIELDS = ['status', 'children', 'resyncAfterSeconds', 'finalized'] as const;
const DECORATOR_FIELDS = ['labels', 'annotations', 'status', 'attachments', 'resyncAfterSeconds', 'finalized'] as const;

/** Metacontroller's updateStringMap: null removes a key, a value sets it; returns the new map, or undefined if same. */
export function updateStringMap(
  have: Record<string, string> | undefined,
  updates: Record<string, string | null> | null | undefined,
): Record<string, string> | undefined {
  const out = { ...(have ?? {}) };
  let changed = false;
  for (const [k, v] of Object.entries(updates ?? {})) {
    if (v === null) {
      if (k in out) {
        delete out[k];
        changed = true;
      }
    } else if (out[k] !== v) {
      out[k] = v;
      changed = true;
    }
  }
  return changed ? out : undefined;
}

export class LocalDriver {
  private readonly deps: DriverDeps;
  private readonly customizeCache = new Map<string, RelatedResourceRule[]>();
  /** Per decorator and object: what the decorator last saw (resourceVersion, or spec/metadata with ignoreStatusChanges). */
  private readonly decorated = new Map<string, string>();
  /** Parents (uid) that carry Metacontroller's finalizer: synced once by a controller with a finalize hook. */
  private readonly finalizers = new Set<string>();
  /** `<decorator>|<uid>` of objects that carry a decorator's finalizer (it has a finalize hook and synced them). */
  private readonly decoratorFinalizers = new Set<string>();

  constructor(deps: DriverDeps) {
    this.deps = deps;
    for (const dc of deps.decorators ?? []) {
      const name = dc.metadata.name ?? 'DecoratorController';
      if (!dc.spec.hooks.sync) throw new Error(`${name}: no sync hook`);
      for (const r of dc.spec.resources) {
        if (r.labelSelector) checkSelector(r.labelSelector);
        if (r.annotationSelector)
          checkSelector({
            ...(r.annotationSelector.matchAnnotations ? { matchLabels: r.annotationSelector.matchAnnotations } : {}),
            ...(r.annotationSelector.matchExpressions
              ? { matchExpressions: r.annotationSelector.matchExpressions }
              : {}),
          });
      }
    }
  }

  /** Stores user objects (from Git); objects of those kinds previously loaded but now absent are deleted. */
  applyManifests(objects: readonly StoredObject[], previous: readonly StoredObject[]): void {
    const { store } = this.deps;
    const wanted = new Set(
      objects.map((o) => `${o.apiVersion}|${o.kind}|${o.metadata.namespace ?? ''}|${o.metadata.name}`),
    );
    const key = (o: StoredObject) => `${o.apiVersion}|${o.kind}|${o.metadata.namespace ?? ''}|${o.metadata.name}`;
    const before = new Map(previous.map((o) => [key(o), o]));
    for (const o of objects)
      store.put(this.localize(this.withKeptLabels(o, before.get(key(o)))), {
        withStatus: this.deps.statusFromManifest?.(o) ?? false,
      });
    for (const o of previous) {
      if (wanted.has(`${o.apiVersion}|${o.kind}|${o.metadata.namespace ?? ''}|${o.metadata.name}`)) continue;
      const stored = store.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name as string);
      if (!stored) continue;
      const held = (this.deps.decorators ?? []).some((dc) =>
        this.decoratorFinalizers.has(`${dc.metadata.name}|${stored.metadata.uid}`),
      );
      if (
        held ||
        (this.controllerFor(stored)?.spec.hooks.finalize && this.finalizers.has(stored.metadata.uid as string))
      )
        store.markDeleted(stored, this.deps.now());
      else store.remove(stored);
    }
  }

  /**
   * What `kubectl apply` stores for a manifest: its labels over the stored object's, less the labels the previous
   * manifest had and this one dropped. Labels others set (the index decorator's) stay, as in a cluster: the
   * decorator reads its own earlier labels (a record's zone key tells which zone it leaves).
   */
  private withKeptLabels(o: StoredObject, previous: StoredObject | undefined): StoredObject {
    const stored = this.deps.store.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name as string);
    if (!stored?.metadata.labels) return o;
    const mine = o.metadata.labels ?? {};
    const kept = Object.entries(stored.metadata.labels).filter(
      ([k]) => !(k in mine) && !(previous?.metadata.labels && k in previous.metadata.labels),
    );
    if (kept.length === 0) return o;
    return { ...o, metadata: { ...o.metadata, labels: { ...Object.fromEntries(kept), ...mine } } };
  }

  /** Syncs every parent until a whole round changes nothing (bounded). */
  async reconcileAll(maxRounds = 10): Promise<RoundResult> {
    const result: RoundResult = { rounds: 0, errors: 0 };
    for (let round = 0; round < maxRounds; round++) {
      result.rounds++;
      const before = this.fingerprint();
      for (const dc of this.deps.decorators ?? []) {
        const resync = await this.decorateAll(dc, result);
        if (resync !== undefined && resync > 0)
          result.resyncAfterSeconds = Math.min(result.resyncAfterSeconds ?? Infinity, resync);
      }
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

  /**
   * The sync (or finalize) request Metacontroller would send for `parent` now: its children by the controller's
   * childResources, its related objects by the controller's customize hook. `bindy render` plans zones from it.
   */
  async syncRequest(cc: CompositeController, parent: StoredObject): Promise<Record<string, unknown>> {
    const { store, kindOf } = this.deps;
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
    return { controller: cc, parent, children, related, finalizing: this.finalizing(cc, parent) };
  }

  /** Whether `parent` matches the controller's parentResource.labelSelector (no selector: every parent). */
  private selected(cc: CompositeController, parent: StoredObject): boolean {
    const sel = cc.spec.parentResource.labelSelector;
    return !sel || selectorMatches(sel, parent.metadata.labels);
  }

  /**
   * Metacontroller's choice of the finalize hook (pkg/controller/composite/hooks.go shouldCallFinalizeHook): the parent
   * is being deleted, or it no longer matches the parent selector while it carries the finalizer.
   */
  private finalizing(cc: CompositeController, parent: StoredObject): boolean {
    if (!cc.spec.hooks.finalize) return Boolean(parent.metadata.deletionTimestamp);
    return Boolean(parent.metadata.deletionTimestamp) || !this.selected(cc, parent);
  }

  /** One Metacontroller pass over one parent; returns resyncAfterSeconds. */
  private async reconcile(cc: CompositeController, parent: StoredObject): Promise<number | undefined> {
    const { store, post } = this.deps;
    const uid = parent.metadata.uid as string;
    // A parent the selector does not pick and that carries no finalizer is none of this controller's business (a
    // deleted one goes at once: nothing held it).
    if (!this.selected(cc, parent) && !this.finalizers.has(uid)) {
      if (parent.metadata.deletionTimestamp) store.remove(parent);
      return undefined;
    }
    const finalizing = this.finalizing(cc, parent);
    const hook = finalizing ? cc.spec.hooks.finalize : cc.spec.hooks.sync;
    const path = hookPath(hook);
    if (!path) {
      if (finalizing) store.remove(parent);
      return undefined;
    }
    if (cc.spec.hooks.finalize && !parent.metadata.deletionTimestamp) this.finalizers.add(uid);
    const request = await this.syncRequest(cc, parent);
    const response = strict<{
      status?: Record<string, unknown> | null;
      children?: KubeObject[] | null;
      resyncAfterSeconds?: number;
      finalized?: boolean;
    }>(path, await post(path, request), COMPOSITE_FIELDS);

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
    for (const c of store.ownedBy(parent.metadata.uid as string)) {
      if (!keep.has(`${c.apiVersion}|${c.kind}|${c.metadata.namespace ?? ''}|${c.metadata.name}`)) store.remove(c);
    }
    store.setStatus(parent, { ...(response.status ?? {}), observedGeneration: parent.metadata.generation });
    if (finalizing && response.finalized) {
      this.finalizers.delete(uid);
      if (parent.metadata.deletionTimestamp) store.remove(parent);
    }
    return response.resyncAfterSeconds;
  }

  /** Whether a decorator resource rule covers `obj` (its labelSelector and annotationSelector match). */
  private decorates(rule: DecoratorController['spec']['resources'][number], obj: StoredObject): boolean {
    if (rule.labelSelector && !selectorMatches(rule.labelSelector, obj.metadata.labels)) return false;
    const a = rule.annotationSelector;
    if (
      a &&
      !selectorMatches(
        {
          ...(a.matchAnnotations ? { matchLabels: a.matchAnnotations } : {}),
          ...(a.matchExpressions ? { matchExpressions: a.matchExpressions } : {}),
        },
        obj.metadata.annotations,
      )
    )
      return false;
    return true;
  }

  /**
   * One DecoratorController over every object it covers that changed since it last saw it (Metacontroller syncs on
   * every update event; with ignoreStatusChanges only when generation, labels, annotations or deletion changed).
   */
  private async decorateAll(dc: DecoratorController, result: RoundResult): Promise<number | undefined> {
    let resync: number | undefined;
    for (const rule of dc.spec.resources) {
      const kind = this.deps.kindOf(rule);
      for (const obj of this.deps.store.list(rule.apiVersion, kind)) {
        const key = `${dc.metadata.name}|${obj.metadata.uid}`;
        // Metacontroller's rule (pkg/controller/decorator/controller.go): an object that stops matching is still
        // synced (finalized) while it carries the decorator's finalizer.
        if (!this.decorates(rule, obj) && !this.decoratorFinalizers.has(key)) continue;
        // A change of an attachment (its status, written by its zone) re-syncs the object, as Metacontroller's
        // attachment informers do.
        const attached = (o: StoredObject) =>
          this.attachmentsOf(dc, o)
            .map((c) => `${c.kind}/${c.metadata.name}@${c.metadata.resourceVersion}`)
            .join(',');
        const seen = (o: StoredObject) =>
          (rule.ignoreStatusChanges
            ? JSON.stringify([
                o.metadata.generation,
                o.metadata.labels,
                o.metadata.annotations,
                o.metadata.deletionTimestamp,
              ])
            : (o.metadata.resourceVersion ?? '')) + `|${attached(o)}`;
        if (this.decorated.get(key) === seen(obj)) continue;
        try {
          const r = await this.decorate(dc, obj);
          if (r !== undefined && r > 0) resync = Math.min(resync ?? Infinity, r);
          const now = this.deps.store.get(
            obj.apiVersion,
            obj.kind,
            obj.metadata.namespace,
            obj.metadata.name as string,
          );
          // still being finalized (its attachments were just deleted): synced again, as their deletion events would
          if (
            now &&
            this.decoratorFinalizers.has(key) &&
            (now.metadata.deletionTimestamp || !this.decorates(rule, now))
          )
            this.decorated.delete(key);
          else if (now) this.decorated.set(key, seen(now));
        } catch (err) {
          result.errors++;
          this.deps.onError?.(obj, dc.metadata.name ?? 'DecoratorController', err);
        }
      }
    }
    return resync;
  }

  /** The objects `dc` attached to `object` (controller ownerReference, of its attachment kinds). */
  private attachmentsOf(dc: DecoratorController, object: StoredObject): StoredObject[] {
    const kinds = new Set((dc.spec.attachments ?? []).map((r) => `${r.apiVersion}|${this.deps.kindOf(r)}`));
    if (kinds.size === 0) return [];
    return this.deps.store
      .ownedBy(object.metadata.uid as string)
      .filter((c) => kinds.has(`${c.apiVersion}|${c.kind}`))
      .sort((a, b) => (`${a.kind}/${a.metadata.name}` < `${b.kind}/${b.metadata.name}` ? -1 : 1));
  }

  /**
   * One decorator sync (or finalize: the object is being deleted or stopped matching, and the decorator has a
   * finalize hook): labels and annotations set (null removes), status replaced unless null, attachments created,
   * updated and deleted, the finalizer released when the finalize hook says finalized.
   */
  private async decorate(dc: DecoratorController, object: StoredObject): Promise<number | undefined> {
    const name = dc.metadata.name ?? 'DecoratorController';
    const key = `${name}|${object.metadata.uid}`;
    const matches = dc.spec.resources.some(
      (r) => r.apiVersion === object.apiVersion && this.deps.kindOf(r) === object.kind && this.decorates(r, object),
    );
    const finalizing = Boolean(dc.spec.hooks.finalize) && (Boolean(object.metadata.deletionTimestamp) || !matches);
    const path = hookPath(finalizing ? dc.spec.hooks.finalize : dc.spec.hooks.sync)!;
    if (dc.spec.hooks.finalize && !object.metadata.deletionTimestamp && matches) this.decoratorFinalizers.add(key);
    const related = await this.related(dc, object);
    const observed = this.attachmentsOf(dc, object);
    const attachments: ObjectMap = {};
    for (const ref of dc.spec.attachments ?? []) attachments[childKey(this.deps.kindOf(ref), ref.apiVersion)] = {};
    for (const c of observed)
      attachments[childKey(c.kind, c.apiVersion)]![objectKey(c.metadata.namespace, c.metadata.name as string)] = c;
    const response = strict<{
      labels?: Record<string, string | null> | null;
      annotations?: Record<string, string | null> | null;
      status?: Record<string, unknown> | null;
      attachments?: KubeObject[] | null;
      resyncAfterSeconds?: number;
      finalized?: boolean;
    }>(
      path,
      await this.deps.post(path, { controller: dc, object, attachments, related, finalizing }),
      DECORATOR_FIELDS,
    );
    const declared = new Set((dc.spec.attachments ?? []).map((r) => `${r.apiVersion}|${this.deps.kindOf(r)}`));
    for (const a of response.attachments ?? []) {
      if (!declared.has(`${a.apiVersion}|${a.kind}`))
        throw new Error(`${path} answered a ${a.kind}, which is no attachment kind`);
    }
    // The apiserver refuses an update with an invalid label, so Metacontroller's Update would fail the same way.
    for (const [k, v] of Object.entries(response.labels ?? {})) {
      const p = labelKeyProblem(k) ?? (v === null ? undefined : labelValueProblem(k, v));
      if (p) throw new Error(`${path} answered an invalid ${p}`);
    }
    const labels = updateStringMap(object.metadata.labels, response.labels);
    const annotations = updateStringMap(object.metadata.annotations, response.annotations);
    if (labels || annotations) this.deps.store.setMetadata(object, { labels, annotations });
    if (response.status !== undefined && response.status !== null) this.deps.store.setStatus(object, response.status);
    // Attachments are managed while the object lives, or while it is finalized (Metacontroller's ShouldFinalize).
    if (!object.metadata.deletionTimestamp || finalizing) {
      const keep = new Set<string>();
      for (const a of response.attachments ?? []) {
        const obj = structuredClone(a) as StoredObject;
        obj.metadata.namespace ??= object.metadata.namespace;
        // Metacontroller applies attachments (a merge with what it applied before), so the labels and annotations
        // others set on them (the index decorator's zone key) stay.
        const stored = this.deps.store.get(
          obj.apiVersion,
          obj.kind,
          obj.metadata.namespace,
          obj.metadata.name as string,
        );
        if (stored?.metadata.labels)
          obj.metadata.labels = { ...stored.metadata.labels, ...(obj.metadata.labels ?? {}) };
        obj.metadata.annotations = {
          ...(stored?.metadata.annotations ?? {}),
          ...(obj.metadata.annotations ?? {}),
          'metacontroller.k8s.io/decorator-controller': name,
        };
        obj.metadata.ownerReferences = [
          {
            apiVersion: object.apiVersion,
            kind: object.kind,
            name: object.metadata.name as string,
            uid: object.metadata.uid as string,
            controller: true,
            blockOwnerDeletion: true,
          },
        ];
        keep.add(`${obj.apiVersion}|${obj.kind}|${obj.metadata.namespace ?? ''}|${obj.metadata.name}`);
        this.deps.store.put(obj);
      }
      for (const c of observed)
        if (!keep.has(`${c.apiVersion}|${c.kind}|${c.metadata.namespace ?? ''}|${c.metadata.name}`))
          this.deps.store.remove(c);
    }
    if (finalizing && response.finalized) {
      this.decoratorFinalizers.delete(key);
      if (object.metadata.deletionTimestamp) this.deps.store.remove(object);
    }
    return response.resyncAfterSeconds;
  }

  private async related(cc: CompositeController | DecoratorController, parent: StoredObject): Promise<ObjectMap> {
    const path = hookPath(cc.spec.hooks.customize);
    if (!path) return {};
    // Metacontroller caches the rules per parent uid and generation (one cache per controller).
    const cacheKey = `${cc.kind}/${cc.metadata.name}|${parent.metadata.uid}@${parent.metadata.generation}`;
    let rules = this.customizeCache.get(cacheKey);
    if (!rules) {
      const res = strict<{ relatedResources?: RelatedResourceRule[] }>(
        path,
        await this.deps.post(path, { controller: cc, parent }),
        ['relatedResources'],
      );
      rules = res.relatedResources ?? [];
      this.customizeCache.set(cacheKey, rules);
    }
    const related: ObjectMap = {};
    for (const rule of rules) {
      const kind = this.deps.kindOf(rule);
      const group = (related[childKey(kind, rule.apiVersion)] ??= {});
      for (const o of this.deps.store.list(rule.apiVersion, kind)) {
        // cluster-scoped objects are stored without a namespace
        if (ruleSelects(rule, o, o.metadata.namespace !== undefined))
          group[objectKey(o.metadata.namespace, o.metadata.name as string)] = o;
      }
    }
    return related;
  }
}
