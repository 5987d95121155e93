/** Sprig v3.3.0 list, dict, default/flow and reflection functions. */
import { FuncError, type FuncMap, fn } from '../template/funcs.js';
import { goEq } from '../template/builtins.js';
import {
  GoBytes,
  GoDuration,
  GoInt,
  GoStruct,
  GoTime,
  NO_VALUE,
  elemType,
  hasKey as has,
  intValue,
  isMap,
  kindOf,
  isNilSlice,
  nilSlice,
  stringSlice,
  typeOf,
  typedSlice,
} from '../template/value.js';
import { compareGoStrings } from '../json/marshal.js';
import { goJson, strval, toInt } from './cast.js';
import { parseJsonToGoFloat } from './json.js';
import { strslice } from './strings.js';

const isNil = (v: unknown): boolean => v === null || v === undefined || v === NO_VALUE;

/** reflect.TypeOf(x).Kind() as sprig uses it in error messages; nil panics like Go. */
function kindForList(v: unknown): string {
  if (isNil(v)) throw new FuncError('runtime error: invalid memory address or nil pointer dereference');
  return kindOf(v);
}

function asList(v: unknown, what: string): unknown[] | FuncError {
  const k = kindForList(v);
  if (Array.isArray(v)) return v;
  if (v instanceof GoBytes) return Array.from(v.b, (b) => new GoInt(BigInt(b), 'uint8'));
  return new FuncError(`Cannot ${what} type ${k}`);
}

function list(v: unknown, what: string): unknown[] {
  const l = asList(v, what);
  if (l instanceof FuncError) throw l;
  return l;
}

/** sprig's empty */
export function empty(given: unknown): boolean {
  if (isNil(given)) return true;
  switch (typeof given) {
    case 'string':
      return given.length === 0;
    case 'boolean':
      return !given;
    case 'number':
      return given === 0;
    case 'bigint':
      return given === 0n;
  }
  if (given instanceof GoInt) return given.v === 0n;
  if (given instanceof GoDuration) return given.ns === 0n;
  if (Array.isArray(given)) return given.length === 0;
  if (given instanceof GoBytes) return given.b.length === 0;
  if (isMap(given)) return Object.keys(given).length === 0;
  if (given instanceof GoStruct || given instanceof GoTime) return false;
  return false;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (isNil(a) || isNil(b)) return isNil(a) && isNil(b);
  if (typeOf(a) !== typeOf(b)) return false;
  // reflect.DeepEqual: a nil slice equals only a nil slice
  if (Array.isArray(a) && Array.isArray(b))
    return isNilSlice(a) === isNilSlice(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => has(b, k) && deepEqual(a[k], b[k]));
  }
  if (a instanceof GoInt && b instanceof GoInt) return a.v === b.v;
  if (a instanceof GoStruct && b instanceof GoStruct)
    return Object.keys(a.fields).every((k) => deepEqual(a.fields[k], b.fields[k]));
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  return a === b;
}

function inList(haystack: unknown[], needle: unknown): boolean {
  return haystack.some((h) => deepEqual(needle, h));
}

function copyValue(v: unknown): unknown {
  if (Array.isArray(v)) {
    const c = v.map(copyValue);
    const et = elemType(v);
    return et ? typedSlice(c, et) : c;
  }
  if (isMap(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = copyValue(x);
    return out;
  }
  return v;
}

/** mergo.Merge semantics (as sprig calls it): deep merge of maps, dst values win unless overwrite. */
function mergeInto(dst: Record<string, unknown>, src: Record<string, unknown>, overwrite: boolean): void {
  for (const [k, sv] of Object.entries(src)) {
    const dv = dst[k];
    if (has(dst, k) && isMap(dv) && isMap(sv)) {
      mergeInto(dv, sv, overwrite);
      continue;
    }
    if (!has(dst, k) || isEmptyForMerge(dv)) {
      dst[k] = sv;
      continue;
    }
    if (overwrite && !isEmptyForMerge(sv)) dst[k] = sv;
  }
}

function isEmptyForMerge(v: unknown): boolean {
  // mergo's isEmptyValue: zero values are considered empty (nil, "", 0, false, empty map/slice)
  return empty(v);
}

function slicesOf(items: unknown[], start: number, end: number, src: unknown[]): unknown[] {
  if (start < 0 || end > src.length || start > end)
    throw new FuncError('reflect.Value.Slice: slice index out of bounds');
  const out = src.slice(start, end);
  const et = elemType(src);
  void items;
  return et ? typedSlice(out, et) : out;
}

export const collectionFuncs: FuncMap = {
  list: fn([], (...v: unknown[]) => v, 'any'),
  tuple: fn([], (...v: unknown[]) => v, 'any'),
  append: fn(['any', 'any'], (l: unknown, v: unknown) => [...list(l, 'push on'), v]),
  push: fn(['any', 'any'], (l: unknown, v: unknown) => [...list(l, 'push on'), v]),
  mustAppend: fn(['any', 'any'], (l: unknown, v: unknown) => [...list(l, 'push on'), v]),
  mustPush: fn(['any', 'any'], (l: unknown, v: unknown) => [...list(l, 'push on'), v]),
  prepend: fn(['any', 'any'], (l: unknown, v: unknown) => [v, ...list(l, 'prepend on')]),
  mustPrepend: fn(['any', 'any'], (l: unknown, v: unknown) => [v, ...list(l, 'prepend on')]),
  chunk: fn(['int', 'any'], (size: GoInt, l: unknown) => chunk(Number(size.v), list(l, 'chunk'))),
  mustChunk: fn(['int', 'any'], (size: GoInt, l: unknown) => chunk(Number(size.v), list(l, 'chunk'))),
  last: fn(['any'], (l: unknown) => {
    const x = list(l, 'find last on');
    return x.length === 0 ? null : x[x.length - 1];
  }),
  mustLast: fn(['any'], (l: unknown) => {
    const x = list(l, 'find last on');
    return x.length === 0 ? null : x[x.length - 1];
  }),
  first: fn(['any'], (l: unknown) => {
    const x = list(l, 'find first on');
    return x.length === 0 ? null : x[0];
  }),
  mustFirst: fn(['any'], (l: unknown) => {
    const x = list(l, 'find first on');
    return x.length === 0 ? null : x[0];
  }),
  rest: fn(['any'], (l: unknown) => {
    const x = list(l, 'find rest on');
    return x.length === 0 ? nilSlice() : x.slice(1);
  }),
  mustRest: fn(['any'], (l: unknown) => {
    const x = list(l, 'find rest on');
    return x.length === 0 ? nilSlice() : x.slice(1);
  }),
  initial: fn(['any'], (l: unknown) => {
    const x = list(l, 'find initial on');
    return x.length === 0 ? nilSlice() : x.slice(0, -1);
  }),
  mustInitial: fn(['any'], (l: unknown) => {
    const x = list(l, 'find initial on');
    return x.length === 0 ? nilSlice() : x.slice(0, -1);
  }),
  sortAlpha: fn(['any'], (l: unknown) => {
    if (Array.isArray(l)) return stringSlice([...strslice(l)].sort(compareGoStrings));
    return stringSlice([strval(l)]);
  }),
  reverse: fn(['any'], (l: unknown) => [...list(l, 'find reverse on')].reverse()),
  mustReverse: fn(['any'], (l: unknown) => [...list(l, 'find reverse on')].reverse()),
  compact: fn(['any'], (l: unknown) => list(l, 'compact on').filter((x) => !empty(x))),
  mustCompact: fn(['any'], (l: unknown) => list(l, 'compact on').filter((x) => !empty(x))),
  uniq: fn(['any'], (l: unknown) => uniq(list(l, 'find uniq on'))),
  mustUniq: fn(['any'], (l: unknown) => uniq(list(l, 'find uniq on'))),
  without: fn(
    ['any'],
    (l: unknown, ...omit: unknown[]) => list(l, 'find without on').filter((x) => !inList(omit, x)),
    'any',
  ),
  mustWithout: fn(
    ['any'],
    (l: unknown, ...omit: unknown[]) => list(l, 'find without on').filter((x) => !inList(omit, x)),
    'any',
  ),
  has: fn(['any', 'any'], (needle: unknown, hay: unknown) =>
    isNil(hay) ? false : inList(list(hay, 'find has on'), needle),
  ),
  mustHas: fn(['any', 'any'], (needle: unknown, hay: unknown) =>
    isNil(hay) ? false : inList(list(hay, 'find has on'), needle),
  ),
  slice: fn(['any'], (l: unknown, ...idx: unknown[]) => sliceFn(l, idx), 'any'),
  mustSlice: fn(['any'], (l: unknown, ...idx: unknown[]) => sliceFn(l, idx), 'any'),
  concat: fn(
    [],
    (...lists: unknown[]) => {
      const res: unknown[] = [];
      for (const l of lists) {
        const k = kindForList(l);
        if (!Array.isArray(l)) throw new FuncError(`Cannot concat type ${k} as list`);
        res.push(...l);
      }
      return res.length === 0 ? nilSlice() : res;
    },
    'any',
  ),
  dict: fn(
    [],
    (...v: unknown[]) => {
      const d: Record<string, unknown> = {};
      for (let i = 0; i < v.length; i += 2) {
        const key = strval(v[i]);
        d[key] = i + 1 >= v.length ? '' : v[i + 1];
      }
      return d;
    },
    'any',
  ),
  get: fn(['map', 'string'], (d: Record<string, unknown> | null, k: string) => (d && has(d, k) ? d[k] : '')),
  set: fn(['map', 'string', 'any'], (d: Record<string, unknown> | null, k: string, v: unknown) => {
    if (!d) throw new FuncError('assignment to entry in nil map');
    d[k] = v;
    return d;
  }),
  unset: fn(['map', 'string'], (d: Record<string, unknown> | null, k: string) => {
    if (d) delete d[k];
    return d;
  }),
  hasKey: fn(['map', 'string'], (d: Record<string, unknown> | null, k: string) => !!d && has(d, k)),
  pluck: fn(
    ['string'],
    (k: string, ...ds: (Record<string, unknown> | null)[]) => {
      const res: unknown[] = [];
      for (const d of ds) if (d && has(d, k)) res.push(d[k]);
      return res;
    },
    'map',
  ),
  keys: fn(
    [],
    (...ds: (Record<string, unknown> | null)[]) => {
      const res: string[] = [];
      for (const d of ds) if (d) res.push(...Object.keys(d));
      return stringSlice(res);
    },
    'map',
  ),
  pick: fn(
    ['map'],
    (d: Record<string, unknown> | null, ...ks: string[]) => {
      const res: Record<string, unknown> = {};
      for (const k of ks) if (d && has(d, k)) res[k] = d[k];
      return res;
    },
    'string',
  ),
  omit: fn(
    ['map'],
    (d: Record<string, unknown> | null, ...ks: string[]) => {
      const res: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(d ?? {})) if (!ks.includes(k)) res[k] = v;
      return res;
    },
    'string',
  ),
  merge: fn(
    ['map'],
    (dst: Record<string, unknown> | null, ...srcs: (Record<string, unknown> | null)[]) =>
      merge(dst, srcs, false),
    'map',
  ),
  mustMerge: fn(
    ['map'],
    (dst: Record<string, unknown> | null, ...srcs: (Record<string, unknown> | null)[]) =>
      merge(dst, srcs, false),
    'map',
  ),
  mergeOverwrite: fn(
    ['map'],
    (dst: Record<string, unknown> | null, ...srcs: (Record<string, unknown> | null)[]) =>
      merge(dst, srcs, true),
    'map',
  ),
  mustMergeOverwrite: fn(
    ['map'],
    (dst: Record<string, unknown> | null, ...srcs: (Record<string, unknown> | null)[]) =>
      merge(dst, srcs, true),
    'map',
  ),
  values: fn(['map'], (d: Record<string, unknown> | null) => Object.values(d ?? {})),
  deepCopy: fn(['any'], (v: unknown) => {
    if (isNil(v)) throw new FuncError('deepCopy error: reflect: call of reflect.Value.Type on zero Value');
    return copyValue(v);
  }),
  mustDeepCopy: fn(['any'], (v: unknown) => copyValue(v)),
  dig: fn(
    [],
    (...ps: unknown[]) => {
      if (ps.length < 3) throw new FuncError('dig needs at least three arguments');
      let d = ps[ps.length - 1];
      const def = ps[ps.length - 2];
      const ks = ps.slice(0, -2);
      if (!isMap(d))
        throw new FuncError(
          `interface conversion: interface {} is ${convType(d)}, not map[string]interface {}`,
        );
      for (let i = 0; i < ks.length; i++) {
        const k = ks[i];
        if (typeof k !== 'string')
          throw new FuncError(`interface conversion: interface {} is ${convType(k)}, not string`);
        if (!isMap(d) || !has(d, k)) return def;
        if (i === ks.length - 1) return d[k];
        const next: unknown = d[k];
        if (!isMap(next))
          throw new FuncError(
            `interface conversion: interface {} is ${convType(next)}, not map[string]interface {}`,
          );
        d = next;
      }
      return def;
    },
    'any',
  ),
  default: fn(
    ['any'],
    (d: unknown, ...given: unknown[]) => (given.length === 0 || empty(given[0]) ? d : given[0]),
    'any',
  ),
  empty: fn(['any'], empty),
  coalesce: fn(
    [],
    (...v: unknown[]) => {
      for (const x of v) if (!empty(x)) return x;
      return null;
    },
    'any',
  ),
  all: fn([], (...v: unknown[]) => v.every((x) => !empty(x)), 'any'),
  any: fn([], (...v: unknown[]) => v.some((x) => !empty(x)), 'any'),
  ternary: fn(['any', 'any', 'bool'], (vt: unknown, vf: unknown, v: boolean) => (v ? vt : vf)),
  fromJson: fn(['string'], (s: string) => {
    try {
      return parseJsonToGoFloat(s);
    } catch {
      return null;
    }
  }),
  mustFromJson: fn(['string'], (s: string) => parseJsonToGoFloat(s)),
  toJson: fn(['any'], (v: unknown) => safeJson(() => goJson(v))),
  mustToJson: fn(['any'], (v: unknown) => goJson(v)),
  toPrettyJson: fn(['any'], (v: unknown) => safeJson(() => goJson(v, true, '  '))),
  mustToPrettyJson: fn(['any'], (v: unknown) => goJson(v, true, '  ')),
  toRawJson: fn(['any'], (v: unknown) => safeJson(() => goJson(v, false))),
  mustToRawJson: fn(['any'], (v: unknown) => goJson(v, false)),
  typeOf: fn(['any'], (v: unknown) => typeOf(v)),
  typeIs: fn(['string', 'any'], (t: string, v: unknown) => t === typeOf(v)),
  typeIsLike: fn(['string', 'any'], (t: string, v: unknown) => t === typeOf(v) || t === '*' + typeOf(v)),
  kindOf: fn(['any'], (v: unknown) => kindOf(v)),
  kindIs: fn(['string', 'any'], (t: string, v: unknown) => t === kindOf(v)),
  deepEqual: fn(['any', 'any'], deepEqual),
};

/** Type name in Go's interface-conversion panics (`nil` for a nil interface). */
function convType(v: unknown): string {
  return isNil(v) ? 'nil' : typeOf(v);
}

function safeJson(f: () => string): string {
  try {
    return f();
  } catch {
    return '';
  }
}

/** Key for values whose equality is identity of type and value (so uniq stays linear for them). */
function scalarKey(v: unknown): string | null {
  switch (typeof v) {
    case 'string':
      return 's' + v;
    case 'number':
      return Number.isNaN(v) ? null : 'f' + String(v);
    case 'bigint':
      return 'i' + v.toString();
    case 'boolean':
      return 'b' + String(v);
  }
  if (v instanceof GoInt) return v.t + v.v.toString();
  return null;
}

function uniq(l: unknown[]): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<string>();
  const complex: unknown[] = [];
  for (const x of l) {
    const k = scalarKey(x);
    if (k !== null) {
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(x);
    } else if (!inList(complex, x)) {
      complex.push(x);
      out.push(x);
    }
  }
  return out;
}

function chunk(size: number, l: unknown[]): unknown[][] {
  const cs = Math.floor((l.length - 1) / size) + 1;
  if (!Number.isFinite(cs) || cs < 0) throw new FuncError('runtime error: makeslice: len out of range');
  const out: unknown[][] = [];
  for (let i = 0; i < cs; i++) {
    let clen = size;
    if (i === cs - 1) {
      clen = Math.floor(l.length % size);
      if (clen === 0) clen = size;
    }
    const c: unknown[] = [];
    for (let j = 0; j < clen; j++) {
      const ix = i * size + j;
      if (ix >= l.length)
        throw new FuncError(`runtime error: index out of range [${ix}] with length ${l.length}`);
      c.push(l[ix]);
    }
    out.push(c);
  }
  return typedSlice(out, '[]interface {}');
}

function sliceFn(l: unknown, idx: unknown[]): unknown {
  const k = kindForList(l);
  if (!Array.isArray(l)) throw new FuncError(`list should be type of slice or array but ${k}`);
  if (l.length === 0) return null;
  const start = idx.length > 0 ? Number(intValue(toInt(idx[0]))) : 0;
  const end = idx.length < 2 ? l.length : Number(intValue(toInt(idx[1])));
  return slicesOf([], start, end, l);
}

function merge(
  dst: Record<string, unknown> | null,
  srcs: (Record<string, unknown> | null)[],
  overwrite: boolean,
): unknown {
  const d = dst ?? {};
  for (const s of srcs) if (s) mergeInto(d, s, overwrite);
  return d;
}

export { goEq };
