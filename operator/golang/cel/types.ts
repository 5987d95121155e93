/**
 * CEL's static types as the checker (checker.ts) uses them, with type variables and the
 * unification cel-go's checker performs: a variable binds to the first type it meets and widens to
 * the more general of two types later (`dyn` beats everything). Bindings live in a `Bindings` map
 * that is copied before an attempt and kept only when the attempt succeeds, so a failed overload
 * leaves no trace.
 */

export type Prim = 'int' | 'uint' | 'double' | 'string' | 'bytes' | 'bool' | 'null' | 'dyn' | 'error';

export type CelT =
  | { k: Prim }
  | { k: 'timestamp' | 'duration' }
  | { k: 'list'; e: CelT }
  | { k: 'map'; key: CelT; val: CelT }
  | { k: 'type'; t?: CelT }
  /** a type variable: `A`/`B` in overload declarations, `_varN` once instantiated by the checker */
  | { k: 'var'; name: string };

const prim = (k: Prim): CelT => ({ k });
export const INT = prim('int');
export const UINT = prim('uint');
export const DOUBLE = prim('double');
export const STRING = prim('string');
export const BYTES = prim('bytes');
export const BOOL = prim('bool');
export const NULL = prim('null');
export const DYN = prim('dyn');
export const ERROR = prim('error');
export const TIMESTAMP: CelT = { k: 'timestamp' };
export const DURATION: CelT = { k: 'duration' };
export const list = (e: CelT): CelT => ({ k: 'list', e });
export const map = (key: CelT, val: CelT): CelT => ({ k: 'map', key, val });
export const typeOf = (t?: CelT): CelT => (t ? { k: 'type', t } : { k: 'type' });
export const typeVar = (name: string): CelT => ({ k: 'var', name });

/** The type's name as cel-go prints it in error messages. */
export function formatType(t: CelT): string {
  switch (t.k) {
    case 'list':
      return `list(${formatType(t.e)})`;
    case 'map':
      return `map(${formatType(t.key)}, ${formatType(t.val)})`;
    case 'type':
      return t.t ? `type(${formatType(t.t)})` : 'type';
    case 'var':
      return t.name;
    case 'error':
      return '!error!';
    default:
      return t.k;
  }
}

export const sameType = (a: CelT, b: CelT): boolean => formatType(a) === formatType(b);
export const isDyn = (t: CelT): boolean => t.k === 'dyn';
export const isDynOrError = (t: CelT): boolean => t.k === 'dyn' || t.k === 'error';

/** Type-variable bindings: variable name -> type (which may mention other variables). */
export type Bindings = Map<string, CelT>;

/** Replaces bound variables by their types; unbound ones become `dyn` when `unboundToDyn`. */
export function substitute(b: Bindings, t: CelT, unboundToDyn: boolean): CelT {
  switch (t.k) {
    case 'var': {
      const bound = b.get(t.name);
      if (bound) return substitute(b, bound, unboundToDyn);
      return unboundToDyn ? DYN : t;
    }
    case 'list':
      return list(substitute(b, t.e, unboundToDyn));
    case 'map':
      return map(substitute(b, t.key, unboundToDyn), substitute(b, t.val, unboundToDyn));
    case 'type':
      return t.t ? typeOf(substitute(b, t.t, unboundToDyn)) : t;
    default:
      return t;
  }
}

/** Whether `a` is `dyn`, a variable, or no more specific than `b` in each of its parts. */
function noMoreSpecific(a: CelT, b: CelT): boolean {
  if (a.k === 'dyn' || a.k === 'var') return true;
  if (b.k === 'dyn' || b.k === 'var') return false;
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'list':
      return noMoreSpecific(a.e, (b as { e: CelT }).e);
    case 'map': {
      const bm = b as { key: CelT; val: CelT };
      return noMoreSpecific(a.key, bm.key) && noMoreSpecific(a.val, bm.val);
    }
    case 'type':
      return true;
    default:
      return sameType(a, b);
  }
}

/** The more general of two types, preferring the first when neither is. */
export function mostGeneral(a: CelT, b: CelT): CelT {
  return noMoreSpecific(a, b) ? a : b;
}

/** Whether variable `v` occurs in `within` (following bindings); binding it there would loop. */
function occursIn(b: Bindings, v: CelT & { k: 'var' }, within: CelT): boolean {
  switch (within.k) {
    case 'var': {
      if (within.name === v.name) return true;
      const bound = b.get(within.name);
      return bound ? occursIn(b, v, bound) : false;
    }
    case 'list':
      return occursIn(b, v, within.e);
    case 'map':
      return occursIn(b, v, within.key) || occursIn(b, v, within.val);
    case 'type':
      return within.t ? occursIn(b, v, within.t) : false;
    default:
      return false;
  }
}

/**
 * Unifies variable `v` with type `t`: `ok` when they agree (binding or widening `v`), `decided` when
 * `v` already had a binding (so the caller must not try anything else).
 */
function unifyVar(b: Bindings, t: CelT, v: CelT & { k: 'var' }): { ok: boolean; decided: boolean } {
  if (sameType(t, v)) return { ok: true, decided: true };
  const bound = b.get(v.name);
  if (bound) {
    if (sameType(t, bound)) return { ok: true, decided: true };
    if (!agree(b, t, bound)) return { ok: false, decided: true };
    const widened = mostGeneral(t, bound);
    if (!occursIn(b, v, widened)) b.set(v.name, widened);
    return { ok: true, decided: true };
  }
  if (occursIn(b, v, t)) return { ok: false, decided: false };
  b.set(v.name, t);
  return { ok: true, decided: false };
}

/**
 * Whether types t1 and t2 agree, recording variable bindings in b. Nearly symmetric; the order
 * matters only for which side's variable is looked at first (t2's), so callers keep cel-go's order:
 * (argument, parameter) for overloads, (expected, actual) for asserted types.
 */
function agree(b: Bindings, t1: CelT, t2: CelT): boolean {
  if (t2.k === 'var') {
    const r = unifyVar(b, t1, t2);
    if (r.ok) return true;
    if (r.decided) return false;
  }
  if (t1.k === 'var') return unifyVar(b, t2, t1).ok;
  if (isDynOrError(t1) || isDynOrError(t2)) return true;
  // null stands for message types, which include google.protobuf.Timestamp and Duration
  if (t1.k === 'null') return nullable(t2);
  if (t2.k === 'null') return nullable(t1);
  switch (t1.k) {
    case 'type':
      return t2.k === 'type';
    case 'list':
      return t2.k === 'list' && agree(b, t1.e, t2.e);
    case 'map':
      return t2.k === 'map' && agree(b, t1.key, t2.key) && agree(b, t1.val, t2.val);
    default:
      return t1.k === t2.k;
  }
}

function nullable(t: CelT): boolean {
  return t.k === 'null' || t.k === 'timestamp' || t.k === 'duration';
}

/** `agree` pairwise on a copy of the bindings: the new bindings when all agree, else undefined. */
export function tryAgree(b: Bindings, l1: CelT[], l2: CelT[]): Bindings | undefined {
  if (l1.length !== l2.length) return undefined;
  const copy = new Map(b);
  return l1.every((t, i) => agree(copy, t, l2[i]!)) ? copy : undefined;
}

/** Replaces the declaration variables of an overload (`A`, `B`) with the given fresh ones. */
export function instantiate(t: CelT, fresh: Map<string, CelT>): CelT {
  return substitute(fresh, t, false);
}

/** The declaration variables a type mentions, in order of first appearance. */
export function declVars(types: CelT[], out: string[] = []): string[] {
  for (const t of types) {
    if (t.k === 'var' && !out.includes(t.name)) out.push(t.name);
    else if (t.k === 'list') declVars([t.e], out);
    else if (t.k === 'map') declVars([t.key, t.val], out);
    else if (t.k === 'type' && t.t) declVars([t.t], out);
  }
  return out;
}
