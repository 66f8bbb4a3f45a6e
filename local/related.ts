/**
 * Related-object selection exactly as Metacontroller v4.17 does it for hook v2 (pkg/controller/common/customize/
 * manager.go: determineSelectionType, matchesRelatedRule, GetRelatedObjects), so `npm start` relates the same objects
 * a cluster would:
 *  - `names` with a `labelSelector` (or a `namespaceSelector`) is an error; `namespaceSelector` is not supported here;
 *  - `labelSelector` without `namespace`: matching objects of every namespace;
 *  - `labelSelector` with `namespace`: matching objects of that namespace;
 *  - otherwise (`namespace` and/or `names`, or nothing at all): the namespace's objects (every namespace when unset),
 *    only the listed names when `names` is set — a rule with neither selector nor names selects everything;
 *  - an empty `namespace` ("") counts as unset; cluster-scoped objects ignore `namespace`.
 * A label selector is checked the way apimachinery's LabelSelectorAsSelector checks it (valid keys and values,
 * In/NotIn with values, Exists/DoesNotExist without), then matched by the hooks' own `selectorMatches`.
 */
import {
  selectorMatches,
  type KubeObject,
  type LabelSelector,
  type RelatedResourceRule,
} from '../hooks/metacontroller.js';

/** https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `key` is not a valid label key, or undefined. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)))
    return `label key ${JSON.stringify(key)}: the prefix must be a DNS subdomain of at most 253 characters`;
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name))
    return `label key ${JSON.stringify(key)}: the name must be 1-63 alphanumerics, '-', '_' or '.' with alphanumeric ends`;
  return undefined;
}

/** Why `value` is not a valid label value, or undefined. */
export function labelValueProblem(key: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value))
    return `label ${key}: value ${JSON.stringify(value)} must be at most 63 alphanumerics, '-', '_' or '.' with alphanumeric ends`;
  return undefined;
}

/** Throws (like LabelSelectorAsSelector) when `selector` is not a valid label selector. */
export function checkSelector(selector: LabelSelector): void {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    const p = labelKeyProblem(k) ?? labelValueProblem(k, v);
    if (p) throw new Error(`invalid label selector: ${p}`);
  }
  for (const e of selector.matchExpressions ?? []) {
    const p = labelKeyProblem(e.key);
    if (p) throw new Error(`invalid label selector: ${p}`);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) throw new Error(`invalid label selector: ${e.key} ${e.operator} needs values`);
        for (const v of values) {
          const q = labelValueProblem(e.key, v);
          if (q) throw new Error(`invalid label selector: ${q}`);
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) throw new Error(`invalid label selector: ${e.key} ${e.operator} takes no values`);
        break;
      default:
        throw new Error(`invalid label selector: ${JSON.stringify(e.operator)} is not a valid label selector operator`);
    }
  }
}

type SelectionType = 'Labels' | 'NamespaceAndLabels' | 'NamespaceAndNames';

/** Metacontroller's determineSelectionType; throws for the combinations it rejects. */
export function selectionType(rule: RelatedResourceRule & { namespaceSelector?: unknown }): SelectionType {
  const hasLabels = rule.labelSelector !== undefined && rule.labelSelector !== null;
  const hasNames = (rule.names?.length ?? 0) > 0;
  const hasNamespace = (rule.namespace ?? '') !== '';
  if (rule.namespaceSelector !== undefined)
    throw new Error(`related rule for ${rule.resource}: namespaceSelector is not supported by the local driver`);
  if (hasNames && hasLabels)
    throw new Error(`related rule for ${rule.resource} cannot have both names and labelSelector specified`);
  if (hasLabels && hasNamespace) return 'NamespaceAndLabels';
  if (hasNamespace || hasNames) return 'NamespaceAndNames';
  return 'Labels';
}

/**
 * Whether `obj` (of the rule's apiVersion and resource) is selected by `rule` (hook v2). `namespaced`: whether the
 * rule's resource is namespaced.
 */
export function ruleSelects(rule: RelatedResourceRule, obj: KubeObject, namespaced: boolean): boolean {
  const type = selectionType(rule);
  const ns = obj.metadata.namespace ?? '';
  if (type === 'NamespaceAndNames') {
    if (namespaced && (rule.namespace ?? '') !== '' && ns !== rule.namespace) return false;
    return rule.names?.length ? rule.names.includes(obj.metadata.name ?? '') : true;
  }
  const selector = rule.labelSelector ?? {};
  checkSelector(selector);
  if (!selectorMatches(selector, obj.metadata.labels)) return false;
  return type === 'Labels' || !namespaced || ns === rule.namespace;
}
