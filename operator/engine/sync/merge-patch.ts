import { jsonEqual } from './unstructured.js';

/**
 * RFC 7386 JSON merge patch that turns `original` into `modified` (like evanphx/json-patch
 * CreateMergePatch): changed keys carry their new value, removed keys are `null`, objects recurse,
 * arrays and scalars are replaced whole. Returns `{}` when nothing changed.
 */
export function createMergePatch(
  original: Record<string, unknown>,
  modified: Record<string, unknown>,
): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [k, mv] of Object.entries(modified)) {
    const has = Object.prototype.hasOwnProperty.call(original, k);
    const ov = original[k];
    if (has && isPlainObject(ov) && isPlainObject(mv)) {
      const sub = createMergePatch(ov, mv);
      if (Object.keys(sub).length > 0) patch[k] = sub;
    } else if (!has || !jsonEqual(ov, mv)) {
      patch[k] = mv === undefined ? null : mv;
    }
  }
  for (const k of Object.keys(original)) {
    if (!Object.prototype.hasOwnProperty.call(modified, k)) patch[k] = null;
  }
  return patch;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function isEmptyPatch(p: Record<string, unknown>): boolean {
  return Object.keys(p).length === 0;
}
