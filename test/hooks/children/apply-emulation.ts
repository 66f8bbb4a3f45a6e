/**
 * How Metacontroller updates a child, emulated in plain TypeScript so tests can check every child the hooks return
 * without a cluster:
 *
 * - dynamic-apply (the default `--apply-strategy`): a line-by-line port of pkg/dynamic/apply/apply.go of
 *   Metacontroller v4.17.2 (`Merge`, `detectListMapKey`, `knownMergeKeys`). A list of objects is merged as a map
 *   keyed by the first known key that every item of the observed, last-applied and desired lists has; two items
 *   with the same value under that key collapse in the map, and rebuilding the list emits the merged item once per
 *   observed item — the "Duplicate value" the apiserver then rejects.
 * - server-side apply: the list-map keys the Kubernetes API declares (`+listType=map`, `+listMapKey`, in
 *   k8s.io/api core/v1 types.go) for the lists our children use; two items with the same key tuple are an error.
 *
 * The observed side is what the apiserver returns, i.e. with its defaults filled in: {@link withApiserverDefaults}
 * adds the ones of the kinds the hooks build.
 */

/** Key names dynamic-apply guesses as merge keys, highest precedence first (apply.go, knownMergeKeys). */
export const KNOWN_MERGE_KEYS = ['containerPort', 'port', 'mountPath', 'name', 'uid', 'ip', 'path'] as const;

type Json = unknown;
type JsonObject = Record<string, Json>;

function isObject(v: Json): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Go's `fmt.Sprintf("%v", val)` for the scalar values a merge key holds (apply.go, stringMergeKey). */
export function stringMergeKey(v: Json): string {
  return typeof v === 'string' ? v : String(v);
}

/**
 * apply.go detectListMapKey: the first of {@link KNOWN_MERGE_KEYS} that every item of every list has, or '' when
 * some item is not an object or no known key is common.
 */
export function detectListMapKey(...lists: (Json[] | undefined)[]): string {
  let common: Set<string> | undefined;
  for (const list of lists) {
    for (const item of list ?? []) {
      if (!isObject(item)) return '';
      if (common === undefined) {
        common = new Set(Object.keys(item));
        continue;
      }
      for (const k of [...common]) if (!(k in item)) common.delete(k);
    }
  }
  return KNOWN_MERGE_KEYS.find((k) => common?.has(k)) ?? '';
}

/** apply.go Merge: the observed object with the change from lastApplied to desired applied (a new object). */
export function dynamicMerge(
  observed: JsonObject,
  lastApplied: JsonObject | undefined,
  desired: JsonObject,
): JsonObject {
  return merge(structuredClone(observed), lastApplied, desired) as JsonObject;
}

function merge(destination: Json, lastApplied: Json, desired: Json): Json {
  if (isObject(destination)) {
    return mergeObject(
      destination,
      isObject(lastApplied) ? lastApplied : undefined,
      isObject(desired) ? desired : undefined,
    );
  }
  if (Array.isArray(destination)) {
    return mergeArray(
      destination,
      Array.isArray(lastApplied) ? lastApplied : undefined,
      Array.isArray(desired) ? desired : undefined,
    );
  }
  return desired;
}

function mergeObject(
  destination: JsonObject,
  lastApplied: JsonObject | undefined,
  desired: JsonObject | undefined,
): Json {
  for (const k of Object.keys(lastApplied ?? {})) if (!desired || !(k in desired)) delete destination[k];
  for (const [k, v] of Object.entries(desired ?? {})) destination[k] = merge(destination[k], lastApplied?.[k], v);
  return destination;
}

function mergeArray(destination: Json[], lastApplied: Json[] | undefined, desired: Json[] | undefined): Json {
  const key = detectListMapKey(destination, lastApplied, desired);
  if (key) return mergeListMap(key, destination, lastApplied, desired);
  return desired;
}

function makeListMap(key: string, list: Json[] | undefined): JsonObject {
  const out: JsonObject = {};
  for (const item of list ?? []) out[stringMergeKey((item as JsonObject)[key])] = item;
  return out;
}

function mergeListMap(key: string, destination: Json[], lastApplied: Json[] | undefined, desired: Json[] | undefined) {
  const destMap = makeListMap(key, destination);
  mergeObject(destMap, makeListMap(key, lastApplied), makeListMap(key, desired));
  const out: Json[] = [];
  const added = new Set<string>();
  // As apply.go: every observed item whose key survived is appended (again, for a duplicated key) …
  for (const item of destination) {
    const k = stringMergeKey((item as JsonObject)[key]);
    if (k in destMap) {
      out.push(destMap[k]);
      added.add(k);
    }
  }
  // … then the desired items not seen yet.
  for (const item of desired ?? []) {
    const k = stringMergeKey((item as JsonObject)[key]);
    if (!added.has(k)) {
      out.push(destMap[k]);
      added.add(k);
    }
  }
  return out;
}

/** One list that dynamic-apply (or server-side apply) cannot merge: where, by which key, and the shared value. */
export interface ListMapFinding {
  /** Field path, list items named by their merge key, e.g. `spec.template.spec.containers[name=named].ports`. */
  path: string;
  key: string;
  value: string;
}

/** Values that occur more than once under `key` in `list`, in first-seen order. */
function duplicated(list: Json[] | undefined, key: (item: JsonObject) => string): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const item of list ?? []) {
    const k = key(item as JsonObject);
    if (seen.has(k)) dup.add(k);
    seen.add(k);
  }
  return [...dup];
}

/**
 * Every list dynamic-apply would merge as a list map (following Merge's own recursion: into the fields of desired,
 * into list-map items, never into replaced arrays) where two items of the observed, last-applied or desired list
 * share the value of the detected key. Sorted and deduplicated.
 */
export function dynamicApplyFindings(observed: JsonObject, lastApplied: JsonObject | undefined, desired: JsonObject) {
  const out = new Map<string, ListMapFinding>();
  const visit = (path: string, dest: Json, last: Json, des: Json): void => {
    if (isObject(dest)) {
      const l = isObject(last) ? last : undefined;
      for (const [k, v] of Object.entries(isObject(des) ? des : {}))
        visit(path ? `${path}.${k}` : k, dest[k], l?.[k], v);
      return;
    }
    if (!Array.isArray(dest)) return;
    const lists = [dest, Array.isArray(last) ? last : undefined, Array.isArray(des) ? des : undefined];
    const key = detectListMapKey(...lists);
    if (!key) return;
    for (const list of lists) {
      for (const value of duplicated(list, (i) => stringMergeKey(i[key]))) {
        out.set(`${path}\0${key}\0${value}`, { path, key, value });
      }
    }
    const byKey = (list: Json[] | undefined) => makeListMap(key, list);
    const [d, l, s] = lists.map(byKey) as [JsonObject, JsonObject, JsonObject];
    for (const [k, v] of Object.entries(s)) visit(`${path}[${key}=${k}]`, d[k], l[k], v);
  };
  visit('', observed, lastApplied, desired);
  return [...out.values()].sort((a, b) => (a.path + a.value < b.path + b.value ? -1 : 1));
}

/** Server-side apply list-map keys (k8s.io/api core/v1 types.go, `+listMapKey`) of the lists our children use. */
const SSA_LIST_MAP_KEYS: Record<string, { keys: string[]; defaults?: Record<string, string> }> = {
  'Service:spec.ports': { keys: ['port', 'protocol'], defaults: { protocol: 'TCP' } },
  'Deployment:spec.template.spec.containers': { keys: ['name'] },
  'Deployment:spec.template.spec.containers[].ports': {
    keys: ['containerPort', 'protocol'],
    defaults: { protocol: 'TCP' },
  },
  'Deployment:spec.template.spec.containers[].env': { keys: ['name'] },
  'Deployment:spec.template.spec.containers[].volumeMounts': { keys: ['mountPath'] },
  'Deployment:spec.template.spec.volumes': { keys: ['name'] },
  'Deployment:spec.template.spec.imagePullSecrets': { keys: ['name'] },
};

/** Lists of `obj` whose items share a server-side apply list-map key tuple (the apiserver rejects the apply). */
export function serverSideApplyFindings(obj: JsonObject): ListMapFinding[] {
  const out: ListMapFinding[] = [];
  const visit = (pattern: string, path: string, v: Json): void => {
    if (Array.isArray(v)) {
      const rule = SSA_LIST_MAP_KEYS[`${String(obj['kind'])}:${pattern}`];
      if (rule) {
        const tuple = (i: JsonObject) => rule.keys.map((k) => stringMergeKey(i[k] ?? rule.defaults?.[k])).join('/');
        for (const value of duplicated(v, tuple)) out.push({ path, key: rule.keys.join('+'), value });
      }
      v.forEach((item, i) => visit(`${pattern}[]`, `${path}[${i}]`, item));
    } else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) visit(pattern ? `${pattern}.${k}` : k, path ? `${path}.${k}` : k, x);
    }
  };
  visit('', '', obj);
  return out;
}

/**
 * `obj` as the apiserver would return it: the defaults it fills in for the kinds the hooks build (Service ports
 * get protocol and targetPort, container ports get protocol, …). Kinds without defaults that matter come back as
 * they are. A new object.
 */
export function withApiserverDefaults(obj: JsonObject): JsonObject {
  const o = structuredClone(obj) as any;
  const dflt = (target: any, values: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(values)) if (target[k] === undefined) target[k] = v;
  };
  switch (o.kind) {
    case 'Service': {
      const spec = (o.spec ??= {});
      dflt(spec, {
        type: 'ClusterIP',
        sessionAffinity: 'None',
        clusterIP: '10.96.0.10',
        clusterIPs: ['10.96.0.10'],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        internalTrafficPolicy: 'Cluster',
      });
      (spec.ports ?? []).forEach((p: any, i: number) => {
        dflt(p, { protocol: 'TCP', targetPort: p.port });
        if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') dflt(p, { nodePort: 30000 + i });
      });
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') dflt(spec, { externalTrafficPolicy: 'Cluster' });
      break;
    }
    case 'Deployment': {
      const spec = (o.spec ??= {});
      dflt(spec, { revisionHistoryLimit: 10, progressDeadlineSeconds: 600 });
      if (spec.strategy?.type === 'RollingUpdate')
        dflt(spec.strategy, { rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
      const pod = (spec.template ??= {}).spec ?? {};
      dflt(pod, { restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler' });
      for (const c of pod.containers ?? []) {
        dflt(c, { terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' });
        for (const p of c.ports ?? []) dflt(p, { protocol: 'TCP' });
        for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe].filter(Boolean)) {
          dflt(probe, { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
          if (probe.httpGet) dflt(probe.httpGet, { scheme: 'HTTP' });
        }
      }
      for (const v of pod.volumes ?? []) {
        if (v.configMap) dflt(v.configMap, { defaultMode: 0o644 });
        if (v.secret) dflt(v.secret, { defaultMode: 0o644 });
      }
      break;
    }
    case 'PersistentVolumeClaim':
      dflt((o.spec ??= {}), { volumeMode: 'Filesystem' });
      break;
    case 'Secret':
      dflt(o, { type: 'Opaque' });
      break;
  }
  return o as JsonObject;
}
