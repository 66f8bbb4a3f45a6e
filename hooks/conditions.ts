/**
 * Status conditions with stable transition times: a condition keeps its lastTransitionTime unless its status flips,
 * so a status recomputed from an unchanged world is byte-identical (Metacontroller would otherwise loop).
 */

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface ConditionInput {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

/**
 * Builds the conditions list in the order given. `previous` is the observed status' conditions; `now` is used only
 * for conditions that are new or whose status changed.
 */
export function conditions(
  wanted: readonly ConditionInput[],
  previous: readonly Partial<Condition>[] | undefined,
  now: string,
  observedGeneration?: number,
): Condition[] {
  return wanted.map((w) => {
    const old = previous?.find((p) => p.type === w.type);
    const lastTransitionTime = old && old.status === w.status && old.lastTransitionTime ? old.lastTransitionTime : now;
    const c: Condition = { type: w.type, status: w.status, reason: w.reason, message: w.message, lastTransitionTime };
    if (observedGeneration !== undefined) c.observedGeneration = observedGeneration;
    return c;
  });
}

/** The status of one condition type in a conditions list, or undefined. */
export function conditionStatus(list: readonly Partial<Condition>[] | undefined, type: string): string | undefined {
  return list?.find((c) => c.type === type)?.status;
}
