/**
 * Reading and normalising the CustomResourceDefinitions in `crds/` — the schema source of truth.
 *
 * A CRD's `openAPIV3Schema` is a Kubernetes *structural schema*, not plain JSON Schema: it uses
 * `x-kubernetes-*` extensions and leaves `metadata` to the apiserver. {@link normalizeSchema} turns it
 * into a JSON Schema (draft-07) that Ajv's strict mode and json-schema-to-typescript accept, keeping the
 * apiserver's semantics (unknown fields rejected, list-type set ⇒ unique items, int-or-string ⇒ anyOf).
 * See https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export type JsonSchema = Record<string, unknown>;

/** One CEL rule (`x-kubernetes-validations` entry) with the dotted path of the node carrying it. */
export interface CelRule {
  kind: string;
  path: string;
  rule: string;
  message: string;
  fieldPath?: string;
}

/** What the generator needs from one CRD file. */
export interface CrdInfo {
  file: string;
  group: string;
  version: string;
  kind: string;
  plural: string;
  scope: 'Namespaced' | 'Cluster';
  shortNames: string[];
  categories: string[];
  columns: { name: string; type: string; jsonPath: string; priority?: number }[];
  schema: JsonSchema;
  celRules: CelRule[];
}

/**
 * JSON Schemas used in place of CRD nodes that cannot be structural (a value that may be a
 * string or an object). In the CRD such a node is `x-kubernetes-preserve-unknown-fields: true`
 * without a type, guarded by a CEL type check; Ajv gets the precise union below instead.
 * Keyed by the dotted path below `spec` (`[]` = list item). The generator fails on any
 * untyped CRD node that is not listed here, so the two cannot drift apart silently.
 */
const REGION = { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$' };
const DNSSEC_UNION: JsonSchema = {
  $comment: 'must be a boolean or {validation?: boolean, signing?: {enabled?: boolean, policy?: name}}',
  anyOf: [
    { type: 'boolean' },
    {
      type: 'object',
      additionalProperties: false,
      properties: {
        validation: { type: 'boolean', description: 'dnssec-validation yes|no.' },
        signing: {
          type: 'object',
          additionalProperties: false,
          properties: {
            enabled: { type: 'boolean', description: 'Sign zones by default.' },
            policy: {
              type: 'string',
              maxLength: 63,
              pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$',
              description: 'dnssec-policy name.',
            },
          },
        },
      },
    },
  ],
};
export const UNTYPED_OVERRIDES: Record<string, JsonSchema> = {
  'spec.secondary.zones[]': {
    $comment: 'must be a region name (lowercase DNS label) or {region, replicas?: 0..100}',
    anyOf: [
      { ...REGION, description: 'Region name.' },
      {
        type: 'object',
        additionalProperties: false,
        required: ['region'],
        properties: {
          region: { ...REGION, description: 'Region name.' },
          replicas: {
            type: 'integer',
            format: 'int32',
            minimum: 0,
            maximum: 100,
            description: 'Secondaries in this region.',
          },
        },
      },
    ],
  },
  'spec.global.dnssec': DNSSEC_UNION,
  'spec.config.dnssec': DNSSEC_UNION,
};

/** Loads every `*.yaml` under `dir`, sorted by file name so generated output is byte-stable. */
export function loadCrds(dir: string): CrdInfo[] {
  // kustomization.yaml lists the CRDs for kubectl -k; it is not one.
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .sort();
  return files.map((file) => crdInfo(file, parse(readFileSync(join(dir, file), 'utf8')) as JsonSchema));
}

function crdInfo(file: string, doc: JsonSchema): CrdInfo {
  const spec = doc['spec'] as JsonSchema | undefined;
  if (doc['kind'] !== 'CustomResourceDefinition' || !spec) throw new Error(`${file}: not a CustomResourceDefinition`);
  const names = spec['names'] as { kind: string; plural: string; shortNames?: string[]; categories?: string[] };
  const versions = spec['versions'] as JsonSchema[];
  if (versions.length !== 1) throw new Error(`${file}: expected exactly one version`);
  const v = versions[0]!;
  const schema = (v['schema'] as { openAPIV3Schema: JsonSchema }).openAPIV3Schema;
  const celRules: CelRule[] = [];
  collectCel(names.kind, schema, '', celRules);
  return {
    file,
    group: spec['group'] as string,
    version: v['name'] as string,
    kind: names.kind,
    plural: names.plural,
    scope: spec['scope'] as 'Namespaced' | 'Cluster',
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    columns: (v['additionalPrinterColumns'] as CrdInfo['columns'] | undefined) ?? [],
    schema,
    celRules,
  };
}

function collectCel(kind: string, node: JsonSchema, path: string, out: CelRule[]): void {
  for (const r of (node['x-kubernetes-validations'] as CelRule[] | undefined) ?? []) {
    out.push({
      kind,
      path: path || '.',
      rule: r.rule,
      message: r.message,
      ...(r.fieldPath ? { fieldPath: r.fieldPath } : {}),
    });
  }
  for (const [name, child] of Object.entries((node['properties'] as Record<string, JsonSchema> | undefined) ?? {})) {
    collectCel(kind, child, path ? `${path}.${name}` : name, out);
  }
  const items = node['items'] as JsonSchema | undefined;
  if (items) collectCel(kind, items, `${path}[]`, out);
  const ap = node['additionalProperties'];
  if (ap && typeof ap === 'object') collectCel(kind, ap as JsonSchema, `${path}.*`, out);
}

/** The small ObjectMeta schema that replaces the CRD's opaque `metadata: {type: object}`. */
export const OBJECT_META_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'Standard object metadata (the fields bindy reads; others are allowed).',
  required: ['name'],
  additionalProperties: true,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 253 },
    generateName: { type: 'string', maxLength: 253 },
    namespace: { type: 'string', maxLength: 63 },
    uid: { type: 'string', maxLength: 64 },
    resourceVersion: { type: 'string' },
    generation: { type: 'integer', format: 'int64' },
    creationTimestamp: { type: 'string', format: 'date-time' },
    deletionTimestamp: { type: 'string', format: 'date-time' },
    deletionGracePeriodSeconds: { type: 'integer', format: 'int64' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
    finalizers: { type: 'array', items: { type: 'string' } },
    ownerReferences: { type: 'array', items: { type: 'object', additionalProperties: true } },
    managedFields: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
};

/**
 * Normalises one CRD's `openAPIV3Schema` into strict-Ajv-compatible JSON Schema:
 * int-or-string ⇒ anyOf, preserve-unknown-fields ⇒ an override (or `additionalProperties: true`),
 * other objects ⇒ `additionalProperties: false` (the apiserver rejects unknown fields under
 * `kubectl --validate=strict`), list-type set ⇒ `uniqueItems`, `x-kubernetes-*` dropped,
 * apiVersion/kind pinned and metadata replaced by {@link OBJECT_META_SCHEMA}.
 */
export function normalizeSchema(crd: CrdInfo): JsonSchema {
  const root = normalizeNode(crd.schema, '', crd.file);
  const props = root['properties'] as Record<string, JsonSchema>;
  props['apiVersion'] = { type: 'string', enum: [`${crd.group}/${crd.version}`] };
  props['kind'] = { type: 'string', enum: [crd.kind] };
  props['metadata'] = OBJECT_META_SCHEMA;
  const required = new Set([...((root['required'] as string[] | undefined) ?? []), 'apiVersion', 'kind', 'metadata']);
  root['required'] = [
    'apiVersion',
    'kind',
    'metadata',
    ...[...required].filter((r) => !['apiVersion', 'kind', 'metadata'].includes(r)),
  ];
  return root;
}

function normalizeNode(node: JsonSchema, path: string, file: string): JsonSchema {
  if (node['x-kubernetes-preserve-unknown-fields'] === true && node['type'] === undefined) {
    const override = UNTYPED_OVERRIDES[path];
    if (!override) throw new Error(`${file}: untyped node ${path} has no entry in UNTYPED_OVERRIDES`);
    return { ...(node['description'] ? { description: node['description'] } : {}), ...structuredClone(override) };
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-kubernetes-')) continue;
    if (key === 'properties') {
      const props: Record<string, JsonSchema> = {};
      for (const [name, child] of Object.entries(value as Record<string, JsonSchema>)) {
        props[name] = normalizeNode(child, path ? `${path}.${name}` : name, file);
      }
      out[key] = props;
    } else if (key === 'items') {
      out[key] = normalizeNode(value as JsonSchema, `${path}[]`, file);
    } else if (key === 'additionalProperties' && typeof value === 'object' && value !== null) {
      out[key] = normalizeNode(value as JsonSchema, `${path}.*`, file);
    } else {
      out[key] = structuredClone(value);
    }
  }
  if (node['x-kubernetes-int-or-string'] === true) {
    delete out['type'];
    out['anyOf'] = [{ type: 'integer' }, { type: 'string' }];
  }
  if (node['type'] === 'object' && out['additionalProperties'] === undefined) {
    out['additionalProperties'] = node['x-kubernetes-preserve-unknown-fields'] === true || !out['properties'];
  }
  if (node['x-kubernetes-list-type'] === 'set') out['uniqueItems'] = true;
  return out;
}
