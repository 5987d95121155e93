/**
 * `metav1.Condition` handling like apimachinery's meta.SetStatusCondition: the transition time moves
 * only when the status changes; reason, message and observedGeneration always follow. Pure: the
 * caller passes the time.
 */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

/** Returns the new list (input untouched) and whether anything changed. */
export function setCondition(
  existing: readonly Condition[] | undefined,
  next: ConditionInput,
  now: string,
): { conditions: Condition[]; changed: boolean } {
  const list = [...(existing ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  if (i < 0) {
    list.push({ ...next, lastTransitionTime: now });
    return { conditions: list, changed: true };
  }
  const old = list[i]!;
  const updated: Condition = {
    ...old,
    ...next,
    lastTransitionTime: old.status === next.status ? old.lastTransitionTime : now,
  };
  const changed =
    old.status !== updated.status ||
    old.reason !== updated.reason ||
    old.message !== updated.message ||
    old.observedGeneration !== updated.observedGeneration;
  list[i] = updated;
  return { conditions: list, changed };
}

export function findCondition(list: readonly Condition[] | undefined, type: string): Condition | undefined {
  return list?.find((c) => c.type === type);
}
