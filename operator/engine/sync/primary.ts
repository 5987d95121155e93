/**
 * Pure decisions around a kcp primary object that sit outside the generic syncer
 * (docs/compatibility.md#sync-controller): how its local copy is found, how a local copy maps back to it, and
 * whether the PublishedResource's filters let it through.
 */
import { selectorFromSpec, type LabelSelectorSpec } from '../../runtime/labels/selector.js';
import {
  ANNOTATION_REMOTE_NAME,
  ANNOTATION_REMOTE_NAMESPACE,
  LABEL_REMOTE_CLUSTER,
} from './keys.js';
import { DEFAULT_FINALIZER_POLICY, ourFinalizers, type FinalizerPolicy } from './finalizers.js';
import { objectKeyLabels, type ObjectKey } from './object-key.js';
import type { SyncInput } from './planner.js';
import { deepCopy, isBeingDeleted, meta, type Unstructured } from './unstructured.js';

/** The label selector (string form, keys sorted like labels.SelectorFromSet) finding a local copy. */
export function localCopySelector(key: ObjectKey): string {
  const labels = objectKeyLabels(key);
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

/** 0 matches → no copy; 1 → the copy; more → the Go agent's error. */
export function pickLocalCopy(items: readonly Unstructured[], selector: string): Unstructured | undefined {
  if (items.length > 1) throw new Error(`expected 1 object matching ${selector}, but found ${items.length}`);
  return items[0];
}

/** The kcp identity of a local copy, or undefined for objects without sync metadata. */
export function remoteIdentity(
  local: Unstructured,
): { cluster: string; namespace: string; name: string } | undefined {
  const md = meta(local);
  const cluster = md.labels?.[LABEL_REMOTE_CLUSTER] ?? '';
  const name = md.annotations?.[ANNOTATION_REMOTE_NAME] ?? '';
  if (cluster === '' || name === '') return undefined;
  return { cluster, namespace: md.annotations?.[ANNOTATION_REMOTE_NAMESPACE] ?? '', name };
}

export interface FilterSpec {
  namespace?: LabelSelectorSpec | null;
  resource?: LabelSelectorSpec | null;
}

export type FilterVerdict =
  | { pass: true }
  /** Ignored: not synced, nothing cleaned up (the Go agent's behaviour). */
  | { pass: false; reason: string }
  /**
   * Not matching any more but still carries our finalizer while being deleted: clean it up (else its deletion
   * would hang).
   */
  | { pass: true; cleanupOnly: true; reason: string };

/**
 * Applies `spec.filter`. `namespaceLabels` are the labels of the kcp namespace of
 * a namespaced object (undefined for cluster-scoped objects). A namespace filter on a cluster-scoped
 * object is a configuration error, reported, never a crash.
 */
export function applyFilter(
  filter: FilterSpec | null | undefined,
  remote: Unstructured,
  namespaceLabels: Record<string, string> | undefined,
  finalizers: FinalizerPolicy = DEFAULT_FINALIZER_POLICY,
): FilterVerdict {
  if (!filter) return { pass: true };
  let reason: string | undefined;
  if (filter.resource && !selectorFromSpec(filter.resource).matches(meta(remote).labels)) {
    reason = 'object labels do not match spec.filter.resource';
  } else if (filter.namespace) {
    if (!meta(remote).namespace) {
      throw new Error('spec.filter.namespace is set, but the object is cluster-scoped and has no namespace');
    }
    if (!selectorFromSpec(filter.namespace).matches(namespaceLabels)) {
      reason = 'namespace labels do not match spec.filter.namespace';
    }
  }
  if (reason === undefined) return { pass: true };
  const ours = ourFinalizers(finalizers);
  if (isBeingDeleted(remote) && (meta(remote).finalizers ?? []).some((f) => ours.includes(f))) {
    return { pass: true, cleanupOnly: true, reason };
  }
  return { pass: false, reason };
}

/** What the primary sync needs to know about the two types (see controllers/sync/sync-types.ts). */
export interface PrimaryTypes {
  local: { apiVersion: string; kind: string; namespaced: boolean; subresources: readonly string[] };
  remote: { subresources: readonly string[] };
}

export interface PrimaryNaming {
  name(ctx: { object: Record<string, unknown>; clusterName: string; clusterPath: string }): string;
  namespace(ctx: { object: Record<string, unknown>; clusterName: string; clusterPath: string }): string;
}

export interface PrimaryMutator {
  mutateSpec(source: Record<string, unknown>, other: Record<string, unknown> | null): Record<string, unknown>;
  mutateStatus(dest: Record<string, unknown>, other: Record<string, unknown> | null): Record<string, unknown>;
}

/**
 * The syncer settings of a kcp primary (docs/compatibility.md#primary-flow): options, mutation and how its
 * local copy is shaped (naming, local apiVersion/kind, namespace dropped for cluster-scoped local types).
 * Shared by the sync controller and `pubres-toolkit preview`, so the preview shows exactly what the agent
 * does.
 */
export function primarySyncParts(a: {
  key: ObjectKey;
  agentName: string;
  types: PrimaryTypes;
  naming: PrimaryNaming;
  mutator: PrimaryMutator;
  /** Which finalizer the kcp object gets (finalizers.ts); default: the shared one. */
  finalizers?: FinalizerPolicy;
}): Pick<SyncInput, 'options' | 'mutateSpec' | 'mutateStatus' | 'buildDestination'> {
  const { key, types } = a;
  return {
    options: {
      agentName: a.agentName,
      subresources: types.local.subresources,
      syncStatusBack: types.remote.subresources.includes('status'), // Go tries without one too
      syncStatusForward: false,
      blockSourceDeletion: true,
      forceDelete: false,
      metadataOnDestination: true,
      sourceKey: key,
      ...(a.finalizers ? { finalizers: a.finalizers } : {}),
    },
    mutateSpec: (src, other) => a.mutator.mutateSpec(src, other) as Unstructured,
    mutateStatus: (dst, other) => a.mutator.mutateStatus(dst, other) as Unstructured,
    buildDestination: (src) => {
      const ctx = { object: src, clusterName: key.clusterName, clusterPath: key.workspacePath };
      // Both templates are evaluated even for cluster-scoped local types: an error in either fails, as in Go.
      const name = a.naming.name(ctx);
      const namespace = a.naming.namespace(ctx);
      const obj = deepCopy(src);
      obj.apiVersion = types.local.apiVersion;
      obj.kind = types.local.kind;
      obj.metadata = { ...(obj.metadata ?? {}), name };
      if (types.local.namespaced) obj.metadata.namespace = namespace;
      else delete obj.metadata.namespace;
      return obj;
    },
  };
}
