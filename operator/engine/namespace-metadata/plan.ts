/**
 * What to change on a service-side namespace so that it carries the allow-listed labels and
 * annotations of the consumer's kcp namespace. The agent remembers which keys it set, and for which
 * workspace, in one annotation on the service namespace: it only ever removes or changes keys it set
 * itself, never a key the provider put there. A namespace that receives objects from more than one
 * workspace gets nothing: whose metadata would win is not for the agent to decide, so what it copied
 * is removed and the namespace is marked shared until the provider removes the marker
 * (docs/security.md#namespace-metadata).
 */
import type { NamespaceMetadataSpec } from '../../apis/v1alpha1/types.js';
import { isValidAnnotationValue, isValidLabelValue, keyProblem } from './keys.js';

/** The agent's memory on the service namespace: which workspace it copied for, and which keys. */
export const ANNOTATION_NAMESPACE_METADATA = 'syncagent.kcp.io/namespace-metadata';

/** Reason of the Warning event when nothing is copied because the namespace is shared. */
export const REASON_NAMESPACE_METADATA_SHARED = 'NamespaceMetadataShared';
/** Reason of the Warning event when a consumer's value cannot be copied. */
export const REASON_NAMESPACE_METADATA_INVALID = 'NamespaceMetadataInvalid';

export interface Metadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The parsed memory annotation. */
export type Memory =
  | { kind: 'none' }
  | { kind: 'shared' }
  | { kind: 'owned'; workspace: string; labels: string[]; annotations: string[] };

export interface NamespaceMetadataInput {
  config: NamespaceMetadataSpec;
  /** The logical cluster of the workspace whose object is being synced. */
  workspace: string;
  /** The consumer's kcp namespace (attacker-controlled). */
  source: Metadata;
  /** The service-side namespace as it is now. */
  destination: Metadata;
  /** Other workspaces known to have copies in this service namespace. */
  otherWorkspaces: readonly string[];
}

export interface NamespaceMetadataPlan {
  /** A merge patch for the namespace (`metadata.labels` / `metadata.annotations`), if anything changes. */
  patch?: {
    metadata: { labels?: Record<string, string | null>; annotations?: Record<string, string | null> };
  };
  /** A Warning for the consumer (never naming another workspace), if something was not copied. */
  warning?: { reason: string; message: string };
}

export function parseMemory(value: string | undefined): Memory {
  if (value === undefined) return { kind: 'none' };
  try {
    const m = JSON.parse(value) as unknown;
    if (m && typeof m === 'object') {
      const rec = m as Record<string, unknown>;
      if (rec.shared === true) return { kind: 'shared' };
      const strings = (v: unknown) =>
        Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
      if (typeof rec.workspace === 'string' && rec.workspace !== '') {
        return {
          kind: 'owned',
          workspace: rec.workspace,
          labels: strings(rec.labels),
          annotations: strings(rec.annotations),
        };
      }
    }
  } catch {
    // fall through: an unreadable marker is treated as shared, the safe side
  }
  return { kind: 'shared' };
}

export function formatMemory(m: Memory): string | undefined {
  switch (m.kind) {
    case 'none':
      return undefined;
    case 'shared':
      return JSON.stringify({ shared: true });
    case 'owned':
      return JSON.stringify({
        workspace: m.workspace,
        labels: [...m.labels].sort(),
        annotations: [...m.annotations].sort(),
      });
  }
}

/** The allow-listed keys that pass the key rules (invalid ones are reported by validation). */
export function allowedKeys(keys: readonly string[] | undefined): string[] {
  return [...new Set(keys ?? [])].filter((k) => keyProblem(k) === undefined);
}

interface FieldPlan {
  changes: Record<string, string | null>;
  owned: string[];
  invalid: string[];
}

function planField(
  allowed: string[],
  source: Record<string, string>,
  destination: Record<string, string>,
  owned: readonly string[],
  valid: (v: unknown) => v is string,
): FieldPlan {
  const mine = new Set(owned);
  const changes: Record<string, string | null> = {};
  const invalid: string[] = [];
  for (const key of allowed) {
    const has = Object.prototype.hasOwnProperty.call(source, key);
    const value = has ? source[key] : undefined;
    const ok = has && valid(value);
    if (has && !ok) invalid.push(key);
    const present = Object.prototype.hasOwnProperty.call(destination, key);
    if (present && !mine.has(key)) continue; // the provider's key: never touched
    if (ok) {
      if (destination[key] !== value) changes[key] = value;
      mine.add(key);
    } else if (mine.has(key)) {
      if (present) changes[key] = null;
      mine.delete(key);
    }
  }
  return { changes, owned: [...mine], invalid };
}

/** Removal of every key the agent set (the namespace turned out to be shared). */
function removeAll(
  owned: readonly string[],
  destination: Record<string, string>,
): Record<string, string | null> {
  const changes: Record<string, string | null> = {};
  for (const key of owned) if (Object.prototype.hasOwnProperty.call(destination, key)) changes[key] = null;
  return changes;
}

export function planNamespaceMetadata(input: NamespaceMetadataInput): NamespaceMetadataPlan {
  const destLabels = input.destination.labels ?? {};
  const destAnnotations = input.destination.annotations ?? {};
  const memory = parseMemory(destAnnotations[ANNOTATION_NAMESPACE_METADATA]);
  const sharedWarning = {
    reason: REASON_NAMESPACE_METADATA_SHARED,
    message:
      'The labels and annotations of this namespace are not copied to the service cluster: the service-side namespace receives objects from more than one workspace.',
  };

  const shared =
    memory.kind === 'shared' ||
    (memory.kind === 'owned' && memory.workspace !== input.workspace) ||
    input.otherWorkspaces.some((w) => w !== input.workspace);
  if (shared) {
    const labels = memory.kind === 'owned' ? removeAll(memory.labels, destLabels) : {};
    const annotations = memory.kind === 'owned' ? removeAll(memory.annotations, destAnnotations) : {};
    if (memory.kind !== 'shared')
      annotations[ANNOTATION_NAMESPACE_METADATA] = formatMemory({ kind: 'shared' })!;
    return { ...patchOf(labels, annotations), warning: sharedWarning };
  }

  const before = memory.kind === 'owned' ? memory : { labels: [], annotations: [] };
  const labels = planField(
    allowedKeys(input.config.labels),
    input.source.labels ?? {},
    destLabels,
    before.labels,
    isValidLabelValue,
  );
  const annotations = planField(
    allowedKeys(input.config.annotations),
    input.source.annotations ?? {},
    destAnnotations,
    before.annotations,
    isValidAnnotationValue,
  );
  const after = formatMemory({
    kind: 'owned',
    workspace: input.workspace,
    labels: labels.owned,
    annotations: annotations.owned,
  })!;
  if (destAnnotations[ANNOTATION_NAMESPACE_METADATA] !== after)
    annotations.changes[ANNOTATION_NAMESPACE_METADATA] = after;

  const plan: NamespaceMetadataPlan = patchOf(labels.changes, annotations.changes);
  const invalid = [
    ...labels.invalid.map((k) => `label ${k}`),
    ...annotations.invalid.map((k) => `annotation ${k}`),
  ];
  if (invalid.length > 0) {
    plan.warning = {
      reason: REASON_NAMESPACE_METADATA_INVALID,
      message: `Not copied to the service cluster, the value is invalid: ${invalid.join(', ')}. Label values must be valid Kubernetes label values; annotation values at most 4096 characters.`,
    };
  }
  return plan;
}

function patchOf(
  labels: Record<string, string | null>,
  annotations: Record<string, string | null>,
): NamespaceMetadataPlan {
  const metadata: NonNullable<NamespaceMetadataPlan['patch']>['metadata'] = {};
  if (Object.keys(labels).length > 0) metadata.labels = labels;
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  return Object.keys(metadata).length > 0 ? { patch: { metadata } } : {};
}
