/** Test helpers for the zone hooks: build Metacontroller `related` maps and parse multi-document YAML. */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { childKey, objectKey, type KubeObject, type ObjectMap } from '../../../hooks/metacontroller.js';

/** A v2 `related` map from objects (namespace defaults to `defaultNamespace` for namespaced kinds). */
export function relatedMap(objects: readonly KubeObject[], defaultNamespace = 'dns'): ObjectMap {
  const map: ObjectMap = {};
  for (const o of objects) {
    const clusterScoped = o.kind === 'ClusterBind9Provider';
    if (!clusterScoped && !o.metadata.namespace) o.metadata.namespace = defaultNamespace;
    const k = childKey(o.kind, o.apiVersion);
    (map[k] ??= {})[objectKey(o.metadata.namespace, o.metadata.name ?? '')] = o;
  }
  return map;
}

/** Every document of a YAML file (comments and empty documents dropped). */
export function readDocs(path: string): KubeObject[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((d) => d.toJS() as KubeObject | null)
    .filter((d): d is KubeObject => !!d);
}

/** Gives objects without creationTimestamp one, one second apart in document order (so "oldest" is the first). */
export function stampCreation(objects: KubeObject[], start = '2026-01-01T00:00:00Z'): KubeObject[] {
  let t = Date.parse(start);
  for (const o of objects) {
    o.metadata.creationTimestamp ??= new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
    t += 1000;
  }
  return objects;
}
