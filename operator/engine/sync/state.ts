import { goMarshal } from '../gojson/marshal.js';
import { LABEL_OBJECT_STATE } from './keys.js';
import { stripMetadata, withoutSubresources } from './strip.js';
import { deepCopy, type Unstructured } from './unstructured.js';

/**
 * The "last known state" of a synced object as stored in its primary's state Secret (SPEC §5.6):
 * compact Go-JSON of the stripped object without subresource keys.
 */
export function encodeState(source: Unstructured, subresources: readonly string[]): string {
  return goMarshal(withoutSubresources(stripMetadata(source), subresources));
}

/**
 * Decodes a stored state value. Anything that is not a JSON object with a `kind` counts as no state,
 * which sends the sync down its full-update path instead of failing (SPEC §5.6).
 */
export function decodeState(raw: string | undefined): Unstructured | undefined {
  if (raw === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  if (typeof (v as Unstructured).kind !== 'string' || (v as Unstructured).kind === '') return undefined;
  return v as Unstructured;
}

/** Reads one entry of a Secret's base64 `data`. */
export function readStateEntry(secret: Unstructured | undefined, key: string): string | undefined {
  const b64 = secret?.data?.[key];
  return typeof b64 === 'string' ? Buffer.from(b64, 'base64').toString('utf8') : undefined;
}

/**
 * The state Secret after writing `entries` (state key → encoded value): labels are overwritten with the
 * primary's object-key labels plus `syncagent.kcp.io/object-state: "true"`; other data keys are kept.
 */
export function stateSecret(
  existing: Unstructured | undefined,
  ref: { name: string; namespace: string; labels: Record<string, string> },
  entries: Record<string, string>,
): Unstructured {
  const secret: Unstructured = existing
    ? deepCopy(existing)
    : { apiVersion: 'v1', kind: 'Secret', metadata: { name: ref.name, namespace: ref.namespace } };
  secret.metadata.labels = { ...ref.labels, [LABEL_OBJECT_STATE]: 'true' };
  secret.data = { ...(secret.data ?? {}) };
  for (const [k, v] of Object.entries(entries)) secret.data[k] = Buffer.from(v, 'utf8').toString('base64');
  return secret;
}
