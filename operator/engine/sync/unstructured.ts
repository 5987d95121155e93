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
 * Deep copy of a JSON value (plain objects, arrays, scalars). Consumers control how deeply objects
 * nest, and V8's structuredClone needs about 600 bytes of stack per level (docs/security.md):
 * the first RECURSION_DEPTH levels are copied recursively (fast), anything deeper with an explicit
 * stack, so no depth can overflow the call stack.
 */
export function deepCopy<T>(v: T): T {
  return copyRecursive(v, 0) as T;
}

/** How deep the fast recursive walks of this module go before they continue iteratively. */
export const RECURSION_DEPTH = 200;

function copyRecursive(v: unknown, depth: number): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (depth >= RECURSION_DEPTH) return copyIterative(v);
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copyRecursive(v[i], depth + 1);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = copyRecursive((v as Record<string, unknown>)[k], depth + 1);
  return out;
}

function copyIterative(v: object): unknown {
  const root: unknown = Array.isArray(v) ? new Array<unknown>(v.length) : {};
  const from: object[] = [v];
  const to: object[] = [root as object];
  while (from.length > 0) {
    const f = from.pop()!;
    const t = to.pop()!;
    if (Array.isArray(f)) {
      const out = t as unknown[];
      for (let i = 0; i < f.length; i++) out[i] = copyChild(f[i], from, to);
    } else {
      const out = t as Record<string, unknown>;
      for (const k of Object.keys(f)) out[k] = copyChild((f as Record<string, unknown>)[k], from, to);
    }
  }
  return root;
}

function copyChild(c: unknown, from: object[], to: object[]): unknown {
  if (c === null || typeof c !== 'object') return c;
  const t: object = Array.isArray(c) ? new Array<unknown>(c.length) : {};
  from.push(c);
  to.push(t);
  return t;
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
