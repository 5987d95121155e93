/**
 * The condition a refused kcp object carries in its own status, so the consumer can see why nothing
 * happens with `kubectl get -o yaml` or `kubectl wait`, not only in an event. Written only into a
 * status subresource; the status back-sync replaces it with the copy's status once the object syncs.
 * Pure: returns the merge patch for the status subresource, or undefined when it is already there.
 */
import { setCondition, type Condition } from '../conditions.js';
import type { Unstructured } from './unstructured.js';

/** Prefixed, so it cannot clash with the provider's own condition types. */
export const CONDITION_SYNC_ACCEPTED = 'syncagent.kcp.io/Accepted';

export function refusedStatusPatch(
  remote: Unstructured,
  reason: string,
  message: string,
  now: string,
): Unstructured | undefined {
  const status = remote.status;
  const existing =
    status && typeof status === 'object' && Array.isArray((status as { conditions?: unknown }).conditions)
      ? ((status as { conditions: Condition[] }).conditions ?? [])
      : [];
  const generation = remote.metadata?.generation;
  const { conditions, changed } = setCondition(
    existing,
    {
      type: CONDITION_SYNC_ACCEPTED,
      status: 'False',
      reason,
      message,
      ...(typeof generation === 'number' ? { observedGeneration: generation } : {}),
    },
    now,
  );
  return changed ? { status: { conditions } } : undefined;
}
