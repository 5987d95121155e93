/**
 * Who owns a service-side object, judged only by the agent's own metadata on it (docs/security.md,
 * "Identity is the agent's"). A local object belongs to exactly one kcp object: the one its object-key
 * labels and annotations name. The agent adopts an object that names nobody, takes back one that names
 * the same kcp object, and never touches one that names another kcp object or carries another agent's
 * name: that is a collision, reported on the newcomer and left alone.
 *
 * The metadata read here is written by the agent only: labels and annotations of the kcp object never
 * reach it (the sync keys are stripped when copying, see strip.ts).
 */
import {
  ANNOTATION_REMOTE_NAME,
  ANNOTATION_REMOTE_NAMESPACE,
  LABEL_AGENT_NAME,
  LABEL_REMOTE_CLUSTER,
  LABEL_REMOTE_NAME_HASH,
  LABEL_REMOTE_NAMESPACE_HASH,
} from './keys.js';
import { objectKeyAnnotations, objectKeyLabels, type ObjectKey } from './object-key.js';
import { meta, type Unstructured } from './unstructured.js';

export type Ownership =
  /** Carries this kcp object's identity (possibly incomplete, e.g. labels lost, annotations kept). */
  | { owner: 'self' }
  /** Carries no identity at all: a pre-existing object, or one whose sync metadata was removed. */
  | { owner: 'none' }
  /** Carries another kcp object's identity or another agent's name. */
  | { owner: 'other'; description: string };

/** The identity keys an object-key label/annotation set consists of, with the values for `key`. */
function expectedIdentity(
  key: ObjectKey,
): Record<string, { field: 'labels' | 'annotations'; value: string }> {
  const out: Record<string, { field: 'labels' | 'annotations'; value: string }> = {};
  const labels = objectKeyLabels(key);
  const annotations = objectKeyAnnotations(key);
  for (const k of [LABEL_REMOTE_CLUSTER, LABEL_REMOTE_NAME_HASH, LABEL_REMOTE_NAMESPACE_HASH])
    out[k] = { field: 'labels', value: labels[k] ?? '' };
  for (const k of [ANNOTATION_REMOTE_NAME, ANNOTATION_REMOTE_NAMESPACE])
    out[k] = { field: 'annotations', value: annotations[k] ?? '' };
  return out;
}

/** A readable form of the identity an object carries, for events: `cluster/namespace/name`. */
export function describeIdentity(obj: Unstructured): string {
  const md = meta(obj);
  const cluster = md.labels?.[LABEL_REMOTE_CLUSTER] ?? '?';
  const ns = md.annotations?.[ANNOTATION_REMOTE_NAMESPACE];
  const name = md.annotations?.[ANNOTATION_REMOTE_NAME] ?? '?';
  const agent = md.labels?.[LABEL_AGENT_NAME];
  const who = ns ? `${cluster}/${ns}/${name}` : `${cluster}/${name}`;
  return agent ? `${who} (agent ${agent})` : who;
}

/**
 * Judges `existing` for the kcp object `key`. `agentName` "" (related objects) skips the agent check.
 * Any identity key present with a value other than this object's makes it another's; an identity key
 * that is absent where this object would have one (e.g. namespace hash of a namespaced object) only
 * counts when another key identifies it as someone else's.
 */
export function classifyOwnership(existing: Unstructured, key: ObjectKey, agentName: string): Ownership {
  const md = meta(existing);
  const agent = md.labels?.[LABEL_AGENT_NAME];
  if (agentName !== '' && agent !== undefined && agent !== '' && agent !== agentName)
    return { owner: 'other', description: `agent "${agent}"` };

  let present = 0;
  for (const [k, want] of Object.entries(expectedIdentity(key))) {
    const have = md[want.field]?.[k];
    if (have === undefined) continue;
    present++;
    if (have !== want.value) return { owner: 'other', description: describeIdentity(existing) };
  }
  return present === 0 ? { owner: 'none' } : { owner: 'self' };
}
