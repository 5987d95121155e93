/**
 * The generic object syncer (docs/compatibility.md#sync-flow) as a pure planner: given what was read from
 * both sides, it returns the writes of ONE pass, in order, and whether the object must be looked at again.
 * The reconciler performs the writes and may call the planner again right away with the objects the
 * API server returned (chaining), instead of waiting for a requeue: the plan is the same either way.
 *
 * Used for primaries (kcp → service cluster, status back) and related objects (either direction).
 */
import {
  EVENT_OBJECT_ACCEPTED,
  EVENT_OBJECT_CLEANUP,
  EVENT_OBJECT_DELETED,
  EVENT_OBJECT_PLACED,
  EVENT_OBJECT_STATUS_SYNCED,
  EVENT_OBJECT_SYNCED,
  type SyncEvent,
} from './events.js';
import { DEFAULT_FINALIZER_POLICY, foreignFinalizerWait, type FinalizerPolicy } from './finalizers.js';
import { LABEL_AGENT_NAME } from './keys.js';
import { createMergePatch, isEmptyPatch } from './merge-patch.js';
import { objectKeyAnnotations, objectKeyLabels, type ObjectKey } from './object-key.js';
import { classifyOwnership } from './ownership.js';
import { encodeState } from './state.js';
import { filterAnnotations, filterLabels, isSpecKey, stripMetadata, withoutSubresources } from './strip.js';
import { deepCopy, isBeingDeleted, jsonEqual, meta, type Unstructured } from './unstructured.js';

export interface SyncOptions {
  /** Set on primaries: copies get the agent-name label. Empty for related objects. */
  agentName: string;
  /** Top-level keys handled as subresources (not spec content, not stored): e.g. ["status"]. */
  subresources: readonly string[];
  /** Copy destination status back to the source (primaries whose kcp type has a status subresource). */
  syncStatusBack: boolean;
  /** Copy source status to the destination's status subresource (related objects with syncStatus). */
  syncStatusForward: boolean;
  /** Put the cleanup finalizer on the source and clean up the destination before releasing it. */
  blockSourceDeletion: boolean;
  /** Treat the source as being deleted (related objects while their primary is deleted). */
  forceDelete: boolean;
  /** Primaries: the copy carries the object-key labels and annotations, repaired when missing. */
  metadataOnDestination: boolean;
  /** Identity of the source for those labels and annotations (primaries). */
  sourceKey: ObjectKey;
  /**
   * Related objects: a destination that exists without a stored state is adopted with its content kept (as
   * after AlreadyExists), instead of being overwritten from the source as the Go agent does without a state:
   * a provider's existing object is not clobbered (docs/differences-from-go-agent.md). Primaries keep the Go
   * agent's full update.
   */
  adoptExisting?: boolean;
  /**
   * Which finalizer is put on the source, which older name of this agent it replaces, and whether a deleted
   * source's foreign finalizers are waited for (see finalizers.ts). Default: the shared finalizer only.
   */
  finalizers?: FinalizerPolicy;
}

export interface SyncInput {
  source: Unstructured;
  destination: Unstructured | undefined;
  /** Decoded last-known state of the source (see state.ts), or undefined. */
  lastKnownState: Unstructured | undefined;
  options: SyncOptions;
  /** Spec mutation: returns a new object, never mutates its inputs. */
  mutateSpec(source: Unstructured, other: Unstructured): Unstructured;
  /** Status mutation: returns a new object. */
  mutateStatus(destination: Unstructured, other: Unstructured): Unstructured;
  /** The destination object for a source: apiVersion, kind, name and namespace of the other side. */
  buildDestination(source: Unstructured): Unstructured;
  /** The current time (ms since the epoch), for the foreign-finalizer time limit; needed only with one. */
  now?: number;
}

export type SyncAction =
  /** Merge patch of the source's metadata (finalizers), sent without resourceVersion. */
  | { type: 'patchSource'; patch: Unstructured; event?: SyncEvent }
  | { type: 'deleteDestination'; event: SyncEvent }
  /** Create the namespace if it is missing, then the object; AlreadyExists → planAdoption. */
  | { type: 'createDestination'; object: Unstructured; namespace: string; event: SyncEvent; state: string }
  | { type: 'patchDestination'; patch: Unstructured; event: SyncEvent; state: string }
  | { type: 'updateDestination'; object: Unstructured; event: SyncEvent; state: string }
  | { type: 'updateDestinationStatus'; object: Unstructured }
  | { type: 'updateSourceStatus'; object: Unstructured; event: SyncEvent }
  /** The destination belongs to another kcp object or agent: nothing is written (see ownership.ts). */
  | { type: 'collision'; owner: string }
  /** Only an event on the object events go to (e.g. a time limit that was reached). */
  | { type: 'recordEvent'; event: SyncEvent };

/** Reason of the Warning when a deleted kcp object's foreign finalizers outlast the time limit. */
export const EVENT_REASON_FOREIGN_FINALIZERS_TIMEOUT = 'ForeignFinalizersTimeout';

export interface SyncPlan {
  actions: SyncAction[];
  /** The object is not in a steady state yet; look again after the writes land. */
  requeue: boolean;
  /** Why the plan stops where it does (logs, preview). */
  reason: string;
}

const plan = (reason: string, requeue: boolean, ...actions: SyncAction[]): SyncPlan => ({
  actions,
  requeue,
  reason,
});

function sortedFinalizers(list: readonly string[]): string[] {
  return [...list].sort();
}

export function planSync(input: SyncInput): SyncPlan {
  const { source, destination, options } = input;

  if (isBeingDeleted(source) || options.forceDelete) return planDeletion(input);

  const policy = options.finalizers ?? DEFAULT_FINALIZER_POLICY;
  const finalizers = meta(source).finalizers ?? [];
  if (options.blockSourceDeletion && !finalizers.includes(policy.own)) {
    // A source still holding this agent's other name is being migrated, not seen for the first time.
    const migrating = policy.previous !== policy.own && finalizers.includes(policy.previous);
    return plan('adding cleanup finalizer', true, {
      type: 'patchSource',
      patch: { metadata: { finalizers: sortedFinalizers([...finalizers, policy.own]) } },
      ...(migrating ? {} : { event: EVENT_OBJECT_ACCEPTED }),
    });
  }

  const other = destination ?? input.buildDestination(source);
  const mutated = input.mutateSpec(deepCopy(source), other);
  const state = encodeState(mutated, options.subresources);

  if (!destination) {
    const object = newDestination(input, mutated);
    return plan('destination created', true, {
      type: 'createDestination',
      object,
      namespace: meta(object).namespace ?? '',
      event: EVENT_OBJECT_PLACED,
      state,
    });
  }
  if (isBeingDeleted(destination)) return plan('destination is being deleted', false);
  const owner = ownershipOf(destination, options);
  if (owner.type === 'collision') return plan('destination belongs to another object', false, owner);
  // Ours, and our own finalizer is stored: the other mode's name of this agent can go now.
  if (options.blockSourceDeletion && policy.previous !== policy.own && finalizers.includes(policy.previous)) {
    return plan('replacing the finalizer of the other mode', true, {
      type: 'patchSource',
      patch: { metadata: { finalizers: sortedFinalizers(finalizers.filter((f) => f !== policy.previous)) } },
    });
  }

  const dest = input.mutateStatus(deepCopy(destination), mutated);
  const actions: SyncAction[] = [];
  const specAction = planSpecSync(input, mutated, destination, state);
  if (specAction) actions.push(specAction);

  if (options.syncStatusForward && !jsonEqual(mutated.status, dest.status)) {
    const updated = deepCopy(destination);
    if (mutated.status === undefined) delete updated.status;
    else updated.status = deepCopy(mutated.status);
    actions.push({ type: 'updateDestinationStatus', object: updated });
  }
  if (specAction) return { actions, requeue: true, reason: 'destination spec updated' };

  if (options.syncStatusBack && !jsonEqual(mutated.status, dest.status)) {
    const updated = deepCopy(mutated);
    updated.status = dest.status === undefined ? null : deepCopy(dest.status);
    actions.push({ type: 'updateSourceStatus', object: updated, event: EVENT_OBJECT_STATUS_SYNCED });
  }
  return { actions, requeue: false, reason: 'in sync' };
}

function planSpecSync(
  input: SyncInput,
  mutated: Unstructured,
  destination: Unstructured,
  state: string,
): SyncAction | undefined {
  const { options } = input;
  const desired = withoutSubresources(stripMetadata(mutated), options.subresources);

  if (input.lastKnownState) {
    const last = withoutSubresources(deepCopy(input.lastKnownState), options.subresources);
    last.apiVersion = desired.apiVersion;
    last.kind = desired.kind;
    if (options.metadataOnDestination) restoreSyncMetadata(desired, destination, options.sourceKey);
    const patch = createMergePatch(last, desired);
    if (isEmptyPatch(patch)) return undefined;
    return { type: 'patchDestination', patch, event: EVENT_OBJECT_SYNCED, state };
  }

  if (options.adoptExisting) {
    const adoption = planAdoption(destination, options);
    if (adoption.type === 'collision') return { type: 'collision', owner: adoption.owner };
    if (adoption.type === 'adopt')
      return { type: 'updateDestination', object: adoption.object, event: EVENT_OBJECT_PLACED, state };
  }

  // No (usable) state: overwrite every spec key and merge labels/annotations, then PUT.
  const updated = deepCopy(destination);
  for (const [k, v] of Object.entries(mutated))
    if (isSpecKey(k, options.subresources)) updated[k] = deepCopy(v);
  const md = (updated.metadata ??= {});
  const labels = filterLabels(meta(mutated).labels);
  if (labels) md.labels = { ...(md.labels ?? {}), ...labels };
  const annotations = filterAnnotations(meta(mutated).annotations);
  if (annotations) md.annotations = { ...(md.annotations ?? {}), ...annotations };
  return { type: 'updateDestination', object: updated, event: EVENT_OBJECT_SYNCED, state };
}

/** Adds object-key labels/annotations the destination lacks (or has wrong) to the desired state. */
function restoreSyncMetadata(desired: Unstructured, destination: Unstructured, key: ObjectKey): void {
  const dmeta = meta(destination);
  const fix = (field: 'labels' | 'annotations', wanted: Record<string, string>) => {
    for (const [k, v] of Object.entries(wanted)) {
      if (dmeta[field]?.[k] === v) continue;
      desired.metadata ??= {};
      desired.metadata[field] = { ...(desired.metadata[field] ?? {}), [k]: v };
    }
  };
  fix('labels', objectKeyLabels(key));
  fix('annotations', objectKeyAnnotations(key));
}

function newDestination(input: SyncInput, mutated: Unstructured): Unstructured {
  const { options } = input;
  const object = stripMetadata(input.buildDestination(mutated));
  if (options.metadataOnDestination) {
    const md = (object.metadata ??= {});
    md.labels = { ...(md.labels ?? {}), ...objectKeyLabels(options.sourceKey) };
    if (options.agentName !== '') md.labels[LABEL_AGENT_NAME] = options.agentName;
    md.annotations = { ...(md.annotations ?? {}), ...objectKeyAnnotations(options.sourceKey) };
  }
  return object;
}

function planDeletion(input: SyncInput): SyncPlan {
  const { source, destination, options } = input;
  if (!options.blockSourceDeletion) return plan('source deleted, nothing to clean up', false);
  const policy = options.finalizers ?? DEFAULT_FINALIZER_POLICY;
  // A destination that is not ours is never deleted: the source is released without touching it.
  if (destination && ownershipOf(destination, options).type !== 'collision') {
    if (isBeingDeleted(destination)) return plan('waiting for the destination to disappear', true);
    const deleteDestination: SyncAction = { type: 'deleteDestination', event: EVENT_OBJECT_CLEANUP };
    const foreign = foreignFinalizerWait(source, policy, input.now ?? 0);
    if (foreign.wait) return plan(`waiting for foreign finalizers ${foreign.finalizers.join(', ')}`, true);
    if (foreign.timedOut) {
      return plan(
        'foreign finalizers outlasted the time limit; deleting destination',
        true,
        { type: 'recordEvent', event: foreignTimeoutEvent(foreign.finalizers) },
        deleteDestination,
      );
    }
    return plan('deleting destination', true, deleteDestination);
  }
  // Released: this agent's finalizer, and its name of the other mode if a migration was cut short.
  const finalizers = meta(source).finalizers ?? [];
  const ours = new Set([policy.own, policy.previous]);
  if (!finalizers.some((f) => ours.has(f))) return plan('source released', false);
  return plan('releasing source', true, {
    type: 'patchSource',
    patch: { metadata: { finalizers: sortedFinalizers(finalizers.filter((f) => !ours.has(f))) } },
    event: EVENT_OBJECT_DELETED,
  });
}

function foreignTimeoutEvent(finalizers: readonly string[]): SyncEvent {
  return {
    type: 'Warning',
    reason: EVENT_REASON_FOREIGN_FINALIZERS_TIMEOUT,
    message: `Deleting the service-side copy although the object still has the finalizers ${finalizers.join(', ')}: the time limit for waiting on them has passed.`,
  };
}

/** A collision action when the destination carries another identity (primaries only). */
function ownershipOf(destination: Unstructured, options: SyncOptions): SyncAction | { type: 'ok' } {
  if (!options.metadataOnDestination) return { type: 'ok' };
  const o = classifyOwnership(destination, options.sourceKey, options.agentName);
  return o.owner === 'other' ? { type: 'collision', owner: o.description } : { type: 'ok' };
}

export type AdoptionPlan =
  /** Update the existing object to this (sync metadata added, content kept). */
  | { type: 'adopt'; object: Unstructured }
  /** The existing object is being deleted: try again later. */
  | { type: 'wait' }
  /** The existing object belongs to another kcp object or agent: leave it alone. */
  | { type: 'collision'; owner: string };

/**
 * After CREATE answered AlreadyExists: adopt the existing object by setting the object-key labels and
 * annotations and the agent label (related objects too), keeping its content, unless it carries the
 * identity of another kcp object or agent (see ownership.ts). Which state is stored afterwards is the
 * caller's rule: a state already stored for this source stays (so changes made meanwhile still flow),
 * otherwise the current source becomes the state.
 */
export function planAdoption(existing: Unstructured, options: SyncOptions): AdoptionPlan {
  if (isBeingDeleted(existing)) return { type: 'wait' };
  const o = classifyOwnership(existing, options.sourceKey, options.agentName);
  if (o.owner === 'other') return { type: 'collision', owner: o.description };
  const adopted = deepCopy(existing);
  const md = (adopted.metadata ??= {});
  md.labels = {
    ...(md.labels ?? {}),
    ...objectKeyLabels(options.sourceKey),
    [LABEL_AGENT_NAME]: options.agentName,
  };
  md.annotations = { ...(md.annotations ?? {}), ...objectKeyAnnotations(options.sourceKey) };
  return { type: 'adopt', object: adopted };
}
