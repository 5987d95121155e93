import {
  STRIPPED_ANNOTATION_PREFIXES,
  STRIPPED_ANNOTATIONS,
  STRIPPED_LABEL_PREFIXES,
  STRIPPED_LABELS,
} from './keys.js';
import { deepCopy, type Unstructured } from './unstructured.js';

/** Server-owned and per-side metadata that never travels between sides (docs/compatibility.md#spec-sync). */
const STRIPPED_META_FIELDS = [
  'creationTimestamp',
  'finalizers',
  'generation',
  'ownerReferences',
  'resourceVersion',
  'managedFields',
  'uid',
  'selfLink',
] as const;

function filterMap(
  m: Record<string, string> | undefined,
  exact: ReadonlySet<string>,
  prefixes: readonly string[],
): Record<string, string> | undefined {
  if (!m) return undefined;
  const out: Record<string, string> = {};
  let n = 0;
  for (const [k, v] of Object.entries(m)) {
    if (exact.has(k) || prefixes.some((p) => k.startsWith(p))) continue;
    out[k] = v;
    n++;
  }
  return n === 0 ? undefined : out;
}

export function filterLabels(labels: Record<string, string> | undefined): Record<string, string> | undefined {
  return filterMap(labels, STRIPPED_LABELS, STRIPPED_LABEL_PREFIXES);
}

export function filterAnnotations(
  annotations: Record<string, string> | undefined,
): Record<string, string> | undefined {
  return filterMap(annotations, STRIPPED_ANNOTATIONS, STRIPPED_ANNOTATION_PREFIXES);
}

/**
 * A copy of `obj` without server-owned metadata and with sync labels/annotations filtered out; an empty
 * label or annotation map disappears entirely. Name, namespace, generateName and deletion fields stay.
 */
export function stripMetadata(obj: Unstructured): Unstructured {
  const out = deepCopy(obj);
  const md = out.metadata;
  if (!md || typeof md !== 'object') return out;
  for (const f of STRIPPED_META_FIELDS) delete md[f];
  const labels = filterLabels(md.labels);
  if (labels) md.labels = labels;
  else delete md.labels;
  const annotations = filterAnnotations(md.annotations);
  if (annotations) md.annotations = annotations;
  else delete md.annotations;
  return out;
}

/** Top-level keys that are not "spec" content: identity, metadata and the subresource keys. */
export function isSpecKey(key: string, subresources: readonly string[]): boolean {
  return key !== 'apiVersion' && key !== 'kind' && key !== 'metadata' && !subresources.includes(key);
}

/** A copy of `obj` without the top-level keys of the given subresources (e.g. `status`). */
export function withoutSubresources(obj: Unstructured, subresources: readonly string[]): Unstructured {
  const out = { ...obj };
  for (const s of subresources) delete out[s];
  return out;
}
