/**
 * The `related-resources.syncagent.kcp.io/<identifier>.<index>` annotations on the kcp primary
 * (docs/compatibility.md#related-annotation), pure: the value of one entry and the merge patch that brings
 * the primary's annotations of one identifier to the wanted list (stale higher indexes removed).
 */
import { goQuote } from '../../golang/json/marshal.js';

export const RELATED_ANNOTATION_PREFIX = 'related-resources.syncagent.kcp.io/';

export interface RelatedAnnotationEntry {
  /** Destination (kcp) namespace; omitted from the JSON when empty. */
  namespace: string;
  name: string;
  /** apiVersion and kind of the ORIGIN (service-side) object, not the projected type. */
  apiVersion: string;
  kind: string;
}

export function relatedAnnotationKey(identifier: string, index: number): string {
  return `${RELATED_ANNOTATION_PREFIX}${identifier}.${index}`;
}

/** Compact Go-JSON with this exact field order: namespace (omitempty), name, apiVersion, kind. */
export function relatedAnnotationValue(e: RelatedAnnotationEntry): string {
  const ns = e.namespace !== '' ? `"namespace":${goQuote(e.namespace)},` : '';
  return `{${ns}"name":${goQuote(e.name)},"apiVersion":${goQuote(e.apiVersion)},"kind":${goQuote(e.kind)}}`;
}

/**
 * The annotation changes for one identifier: each wanted entry at its index, and `null` (merge-patch
 * removal) for entries of the same identifier at an index >= the wanted count. Undefined when the
 * current annotations already match.
 */
export function relatedAnnotationPatch(
  current: Record<string, string> | undefined,
  identifier: string,
  wanted: readonly (RelatedAnnotationEntry | undefined)[],
): Record<string, string | null> | undefined {
  const cur = current ?? {};
  const out: Record<string, string | null> = {};
  let count = 0;
  wanted.forEach((e, i) => {
    if (!e) return; // skipped (origin object missing or not yet synced): leave that index alone
    count = i + 1;
    const key = relatedAnnotationKey(identifier, i);
    const value = relatedAnnotationValue(e);
    if (cur[key] !== value) out[key] = value;
  });
  count = Math.max(count, wanted.length);
  const prefix = `${RELATED_ANNOTATION_PREFIX}${identifier}.`;
  for (const key of Object.keys(cur)) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    if (!/^(0|[1-9][0-9]*)$/.test(rest)) continue; // another identifier that shares our prefix
    if (Number(rest) >= count) out[key] = null;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}
