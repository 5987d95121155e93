/** Minimal helpers over unstructured Kubernetes objects (parsed JSON). Pure, never mutate inputs. */

export type JSONValue = null | boolean | number | bigint | string | JSONValue[] | { [k: string]: JSONValue };
export type Unstructured = { [k: string]: any };

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string;
  resourceVersion?: string;
  uid?: string;
  [k: string]: unknown;
}

/**
 * Deep copy of a JSON value (plain objects, arrays, scalars), without recursion: consumers control
 * how deeply objects nest, and V8's structuredClone needs about 600 bytes of stack per level
 * (docs/security-poison.md).
 */
export function deepCopy<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  const root: unknown = Array.isArray(v) ? new Array<unknown>(v.length) : {};
  const work: [from: object, to: object][] = [[v, root as object]];
  while (work.length > 0) {
    const [from, to] = work.pop()!;
    if (Array.isArray(from)) {
      const out = to as unknown[];
      for (let i = 0; i < from.length; i++) out[i] = copyChild(from[i], work);
    } else {
      const out = to as Record<string, unknown>;
      for (const k of Object.keys(from)) out[k] = copyChild((from as Record<string, unknown>)[k], work);
    }
  }
  return root as T;
}

function copyChild(c: unknown, work: [object, object][]): unknown {
  if (c === null || typeof c !== 'object') return c;
  const to: object = Array.isArray(c) ? new Array<unknown>(c.length) : {};
  work.push([c, to]);
  return to;
}

export function meta(obj: Unstructured): ObjectMeta {
  return (obj.metadata ?? {}) as ObjectMeta;
}

export function nameOf(obj: Unstructured): string {
  return meta(obj).name ?? '';
}

export function namespaceOf(obj: Unstructured): string {
  return meta(obj).namespace ?? '';
}

export function isBeingDeleted(obj: Unstructured | undefined): boolean {
  return !!obj && !!meta(obj).deletionTimestamp;
}

/** Deep equality of JSON values (key order ignored), as Go's reflect.DeepEqual on decoded JSON. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'bigint' || typeof b === 'bigint')
    return (
      (typeof a === 'bigint' || typeof a === 'number') &&
      (typeof b === 'bigint' || typeof b === 'number') &&
      Number(a) === Number(b)
    );
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  for (const k of ak) {
    if (!Object.prototype.hasOwnProperty.call(bo, k) || !jsonEqual(ao[k], bo[k])) return false;
  }
  return true;
}
