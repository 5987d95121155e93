/**
 * Which finalizer this agent puts on the objects it syncs, and whether it waits for other finalizers
 * before tearing down the copy of a deleted object (docs/authoring.md#finalizers). Pure.
 *
 * - "shared" mode (the default, like the Go agent): every agent uses `syncagent.kcp.io/cleanup`.
 * - "agent" mode: the name carries the agent (`syncagent.kcp.io/cleanup-<agent-name>`), so agents that
 *   share an object never release each other's hold on it.
 *
 * Each mode knows the other mode's name for the same agent and replaces it on objects it syncs (adding
 * its own first, removing the other once its own is stored), so switching modes either way never leaves an
 * object without the agent's finalizer. Another agent's scoped finalizer is never touched.
 */
import { createHash } from 'node:crypto';
import { FINALIZER_CLEANUP } from './keys.js';
import { meta, type Unstructured } from './unstructured.js';

export type FinalizerMode = 'shared' | 'agent';
export const FINALIZER_MODES: readonly FinalizerMode[] = ['shared', 'agent'];

/** The prefix of every agent-scoped finalizer: anything starting with it is some agent's. */
export const AGENT_FINALIZER_PREFIX = `${FINALIZER_CLEANUP}-`;

/** The name part of a qualified name (after the `/`): at most 63 characters, alphanumeric at both ends. */
const NAME_PART_MAX = 63;
const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const HASH_LENGTH = 10;

/**
 * `syncagent.kcp.io/cleanup-<agent-name>`. The part after the `/` must be a Kubernetes qualified name of at
 * most 63 characters; longer (or otherwise unfit) agent names are cut and get a hash of the whole name, so
 * the result is deterministic and distinct agents keep distinct names.
 */
export function agentFinalizer(agentName: string): string {
  const plain = `cleanup-${agentName}`;
  if (plain.length <= NAME_PART_MAX && NAME_PART.test(plain)) return `${FINALIZER_CLEANUP}-${agentName}`;
  const hash = createHash('sha256').update(agentName).digest('hex').slice(0, HASH_LENGTH);
  const room = NAME_PART_MAX - 'cleanup-'.length - 1 - HASH_LENGTH;
  const kept = agentName
    .replace(/[^-A-Za-z0-9_.]/g, '-')
    .slice(0, room)
    .replace(/[^A-Za-z0-9]+$/, '');
  return kept === '' ? `${FINALIZER_CLEANUP}-${hash}` : `${FINALIZER_CLEANUP}-${kept}-${hash}`;
}

/** The shared finalizer or any agent's scoped one: never waited for (see foreignFinalizerWait). */
export function isAgentFinalizer(finalizer: string): boolean {
  return finalizer === FINALIZER_CLEANUP || finalizer.startsWith(AGENT_FINALIZER_PREFIX);
}

export interface FinalizerPolicy {
  /** The finalizer this agent puts on sources and removes once the destination is cleaned up. */
  own: string;
  /** This agent's name in the other mode: replaced by `own` on synced objects, removed on release. */
  previous: string;
  /**
   * How long the copy of a deleted kcp object is kept while the object carries foreign finalizers
   * (milliseconds from its deletionTimestamp); 0 does not wait (today's behaviour).
   */
  waitForForeignMs: number;
}

/** The policy of an agent; the defaults behave exactly like the Go agent. */
export function finalizerPolicy(
  agentName: string,
  mode: FinalizerMode = 'shared',
  waitForForeignMs = 0,
): FinalizerPolicy {
  const scoped = agentFinalizer(agentName);
  return mode === 'agent'
    ? { own: scoped, previous: FINALIZER_CLEANUP, waitForForeignMs }
    : { own: FINALIZER_CLEANUP, previous: scoped, waitForForeignMs };
}

/** The policy used when none is given: shared finalizer, no migration, no waiting. */
export const DEFAULT_FINALIZER_POLICY: FinalizerPolicy = {
  own: FINALIZER_CLEANUP,
  previous: FINALIZER_CLEANUP,
  waitForForeignMs: 0,
};

/** Both names this agent may have left on an object. */
export function ourFinalizers(policy: FinalizerPolicy): string[] {
  return policy.previous === policy.own ? [policy.own] : [policy.own, policy.previous];
}

export type ForeignWait =
  /** Nothing to wait for (no foreign finalizers, waiting disabled, or the source is not being deleted). */
  | { wait: false; timedOut: false }
  /** Keep the copy: these finalizers are still on the source. */
  | { wait: true; finalizers: string[]; remainingMs: number }
  /** The time limit passed with these finalizers still present: tear down anyway (and say so). */
  | { wait: false; timedOut: true; finalizers: string[] };

/**
 * Whether the teardown of a deleted source waits. Waited for: every finalizer that is not an agent's
 * (the shared one or any `syncagent.kcp.io/cleanup-…`), so two agents never wait for each other; and never
 * longer than the limit counted from the deletionTimestamp, so a finalizer nobody removes (or one a
 * consumer adds to stall the provider) only delays the teardown.
 */
export function foreignFinalizerWait(source: Unstructured, policy: FinalizerPolicy, now: number): ForeignWait {
  const md = meta(source);
  if (policy.waitForForeignMs <= 0 || !md.deletionTimestamp) return { wait: false, timedOut: false };
  const foreign = (md.finalizers ?? []).filter((f) => !isAgentFinalizer(f));
  if (foreign.length === 0) return { wait: false, timedOut: false };
  const deletedAt = Date.parse(md.deletionTimestamp);
  // An unreadable timestamp cannot start the clock: do not wait at all rather than forever.
  if (Number.isNaN(deletedAt)) return { wait: false, timedOut: true, finalizers: foreign };
  const remainingMs = deletedAt + policy.waitForForeignMs - now;
  if (remainingMs > 0) return { wait: true, finalizers: foreign, remainingMs };
  return { wait: false, timedOut: true, finalizers: foreign };
}
