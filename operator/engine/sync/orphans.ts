/**
 * When a copy whose kcp object is gone may be deleted (docs/security.md, "no orphans"). A kcp object
 * missing from the agent's cache is not proof that it is gone: the cache may not be filled yet, the
 * workspace may not be engaged (yet, or any more), or the object was just created. Pure: the caller
 * gathers the facts step by step, asking again with each new fact, and performs the answer.
 */
import { LABEL_AGENT_NAME } from './keys.js';
import { isBeingDeleted, meta, type Unstructured } from './unstructured.js';

export interface OrphanFacts {
  /** The local copy found by the kcp object's identity labels, if any. */
  copy: Unstructured | undefined;
  agentName: string;
  /**
   * This PublishedResource's kcp type made the copy: its state Secret has the object's entry. Several
   * PublishedResources may publish one local type under different kcp types, and a copy does not
   * record which; a kcp object missing from this type's cache may be another type's object.
   */
  madeForThisType: boolean;
  /** The workspace of the kcp object is engaged (its APIBinding is live for this export). */
  engaged: boolean;
  /** The kcp-side cache of the published type has synced. */
  cacheSynced: boolean;
  /** The answer of a GET of the kcp object: unknown until asked; 'gone' only for a NotFound naming it. */
  kcp: 'unknown' | 'exists' | 'gone';
}

export type OrphanDecision =
  | { type: 'nothing'; why: string }
  /** Decide again once the workspace is engaged. */
  | { type: 'waitForEngagement' }
  /** Decide again later (cache not synced yet, or the kcp object still exists: the cache is behind). */
  | { type: 'retryLater'; why: string }
  | { type: 'askKcp' }
  | { type: 'deleteCopy' };

export function planOrphan(f: OrphanFacts): OrphanDecision {
  if (!f.copy) return { type: 'nothing', why: 'no copy' };
  if (isBeingDeleted(f.copy)) return { type: 'nothing', why: 'the copy is being deleted already' };
  // Only this agent's own copies: never another agent's, never one without the agent label.
  if (meta(f.copy).labels?.[LABEL_AGENT_NAME] !== f.agentName)
    return { type: 'nothing', why: 'the copy is not labelled with this agent' };
  if (!f.madeForThisType) return { type: 'nothing', why: 'no state of this kcp type for the copy' };
  if (!f.engaged) return { type: 'waitForEngagement' };
  if (!f.cacheSynced) return { type: 'retryLater', why: 'the kcp cache is not synced yet' };
  if (f.kcp === 'unknown') return { type: 'askKcp' };
  if (f.kcp === 'exists') return { type: 'retryLater', why: 'the kcp object exists; the cache is behind' };
  return { type: 'deleteCopy' };
}
