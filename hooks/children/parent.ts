/**
 * Shared bits of the infrastructure hooks that are not builders: parent validation (schema skew answers
 * non-200, never a partial 200) and reading conditions of observed objects.
 */
import type { ValidateFunction } from 'ajv';
import { invalidSpec } from '../errors.js';
import type { KubeObject } from '../metacontroller.js';
import { celViolations } from '../schema/cel.js';
import type { BindyKind } from '../schema/generated.js';
import { fieldErrors } from '../schema/validate.js';
import { NamedConfError } from '../render/named-conf.js';

/** `Kind namespace/name` (or `Kind name`) for messages. */
export function describeObject(obj: KubeObject): string {
  const { namespace, name } = obj.metadata;
  return `${obj.kind} ${namespace ? `${namespace}/` : ''}${name ?? '?'}`;
}

/**
 * A `validateParent` for the routes table: the CRD schema (Ajv) plus its CEL rules. A failure means the installed
 * CRD and this image disagree (the apiserver already validated the object), so the hook answers 422 with every
 * offending field and Metacontroller keeps the existing children.
 */
export function parentValidator(kind: BindyKind, validate: ValidateFunction): (parent: KubeObject) => void {
  return (parent) => {
    const errors = validate(parent) ? [] : fieldErrors(validate.errors);
    errors.push(...celViolations(kind, parent));
    if (errors.length) {
      throw invalidSpec(
        `${describeObject(parent)} is invalid: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
        errors,
      );
    }
  };
}

/** Runs `fn`, turning a renderer's grammar error into a 422 that names the field. */
export function withSpecErrors<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof NamedConfError)
      throw invalidSpec(`${what}: ${err.message}`, [{ field: err.field, message: err.message }]);
    throw err;
  }
}

interface ObservedCondition {
  type?: string;
  status?: string;
}

/** True when the object reports condition `type` = True for its current generation. */
export function isConditionTrue(obj: KubeObject | undefined, type: string): boolean {
  const status = obj?.['status'] as { conditions?: ObservedCondition[]; observedGeneration?: number } | undefined;
  const c = status?.conditions?.find((x) => x.type === type);
  if (c?.status !== 'True') return false;
  const gen = obj?.metadata.generation;
  return gen === undefined || status?.observedGeneration === undefined || status.observedGeneration >= gen;
}

/** The previous conditions of a parent (for stable lastTransitionTime). */
export function previousConditions(
  parent: KubeObject,
): { type?: string; status?: string; lastTransitionTime?: string }[] {
  const status = parent['status'] as { conditions?: unknown } | undefined;
  return Array.isArray(status?.conditions) ? (status.conditions as { type?: string }[]) : [];
}
