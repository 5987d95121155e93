/**
 * The PublishedResource condition that tells the provider which kcp objects the agent refuses to sync
 * (a name collision with another object's copy, an object it cannot process), so a refused object is
 * visible on the provider's side and not only in an event in the consumer's workspace. Pure.
 */
import type { ConditionInput } from '../conditions.js';

export const CONDITION_OBJECTS_ACCEPTED = 'ObjectsAccepted';
/** How many refused objects the condition message names; the rest are counted. */
const LISTED = 5;

export interface ObjectProblem {
  /** The kcp object: `cluster/namespace/name` or `cluster/name`. */
  object: string;
  /** Machine-readable kind of problem, e.g. `NameCollision`. */
  reason: string;
  /** What the provider should know, naming the service-side object where there is one. */
  message: string;
}

/** The condition for the current set of problems (sorted by object for a stable message). */
export function objectsAcceptedCondition(problems: readonly ObjectProblem[]): ConditionInput {
  if (problems.length === 0)
    return {
      type: CONDITION_OBJECTS_ACCEPTED,
      status: 'True',
      reason: 'AllAccepted',
      message: 'No kcp object is refused.',
    };
  const sorted = [...problems].sort((a, b) => (a.object < b.object ? -1 : a.object > b.object ? 1 : 0));
  const reasons = [...new Set(sorted.map((p) => p.reason))].sort();
  const lines = sorted.slice(0, LISTED).map((p) => `${p.object}: ${p.message}`);
  const more = sorted.length > LISTED ? `; and ${sorted.length - LISTED} more` : '';
  return {
    type: CONDITION_OBJECTS_ACCEPTED,
    status: 'False',
    reason: reasons.length === 1 ? reasons[0]! : 'ObjectsRefused',
    message: `${sorted.length} kcp object(s) refused: ${lines.join('; ')}${more}`,
  };
}
