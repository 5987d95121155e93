/**
 * The Go value model used by the template interpreter.
 *
 * Template data and every intermediate value are plain JS values read as Go values:
 *   string            -> string
 *   number            -> float64
 *   bigint            -> int64
 *   GoInt             -> another Go integer type (int from literals and `len`, uint8 from string indexing, ...)
 *   boolean           -> bool
 *   null / undefined  -> nil (an empty interface holding nothing)
 *   Array             -> []interface{} (or []string when tagged with `stringSlice`)
 *   plain object      -> map[string]interface{} (a missing key yields "no value")
 *   GoStruct          -> a struct (a missing field is an execution error; methods may be attached)
 *   NO_VALUE          -> Go's invalid reflect.Value (what a missing map key evaluates to; prints `<no value>`)
 */
import { goWellFormed } from './gostrings.js';

/** Go's invalid reflect.Value: the result of a missing map key. */
export const NO_VALUE: unique symbol = Symbol('no value');
export type NoValue = typeof NO_VALUE;

export type GoIntType =
  | 'int'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'uint'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  // named int types with a String method (see timemethods.ts)
  | 'time.Month'
  | 'time.Weekday';

/** A Go integer whose type is not int64 (int64 is a plain bigint). */
export class GoInt {
  readonly v: bigint;
  readonly t: GoIntType;
  constructor(v: bigint, t: GoIntType = 'int') {
    this.v = v;
    this.t = t;
  }
}

export type GoMethod = (...args: unknown[]) => unknown;

/** A Go struct value. Fields are looked up exactly (case-sensitive); a null field is a nil map. */
export class GoStruct {
  readonly fields: Record<string, unknown>;
  readonly typeName: string;
  readonly methods: Record<string, GoMethod>;
  constructor(fields: Record<string, unknown>, typeName = 'struct', methods: Record<string, GoMethod> = {}) {
    this.fields = fields;
    this.typeName = typeName;
    this.methods = methods;
  }
  hasField(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.fields, name);
  }
}

/** A Go time.Duration (int64 nanoseconds) – prints like Go's Duration.String(). */
export class GoDuration {
  readonly ns: bigint;
  constructor(ns: bigint) {
    this.ns = ns;
  }
}

/** A Go time.Time (UTC only; nanoseconds since the Unix epoch). */
export class GoTime {
  readonly ns: bigint;
  readonly offsetSeconds: number;
  readonly zone: string;
  constructor(ns: bigint, offsetSeconds = 0, zone = 'UTC') {
    this.ns = ns;
    this.offsetSeconds = offsetSeconds;
    this.zone = zone;
  }
}

/** A Go []byte. */
export class GoBytes {
  readonly b: Uint8Array;
  constructor(b: Uint8Array) {
    this.b = b;
  }
}

/** A Go function value (for `call`). */
export class GoFunc {
  readonly fn: (...args: unknown[]) => unknown;
  readonly typeName: string;
  constructor(fn: (...args: unknown[]) => unknown, typeName = 'func(...interface {}) interface {}') {
    this.fn = fn;
    this.typeName = typeName;
  }
}

const ELEM_TYPE = Symbol('elem type');

/** Tags an array (or map) with a Go element type other than interface{} ("string", "int", ...). */
export function typedSlice<T extends unknown[]>(a: T, elem: string): T {
  Object.defineProperty(a, ELEM_TYPE, { value: elem, enumerable: false });
  return a;
}

/** Tags an array as a Go []string (sprig's splitList, keys, sortAlpha, ... return these). */
export function stringSlice(a: string[]): string[] {
  return typedSlice(a, 'string');
}

/** Tags a plain object as a Go map[string]string (sprig's split/splitn). */
export function stringMap(m: Record<string, string>): Record<string, string> {
  Object.defineProperty(m, ELEM_TYPE, { value: 'string', enumerable: false });
  return m;
}

const NIL_SLICE = Symbol('nil slice');

/** A nil []interface{}: prints as [] but encodes to JSON as null (sprig's rest/initial/concat can return one). */
export function nilSlice(): unknown[] {
  const a: unknown[] = [];
  Object.defineProperty(a, NIL_SLICE, { value: true, enumerable: false });
  return a;
}

export function isNilSlice(a: unknown): boolean {
  return Array.isArray(a) && (a as unknown as Record<symbol, unknown>)[NIL_SLICE] === true;
}

export function elemType(a: unknown): string | undefined {
  return a !== null && typeof a === 'object'
    ? ((a as Record<symbol, unknown>)[ELEM_TYPE] as string | undefined)
    : undefined;
}

export function isStringSlice(a: unknown): boolean {
  return Array.isArray(a) && elemType(a) === 'string';
}

export function isMap(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return false;
  // A plain object of ANY realm: its prototype is null or some realm's Object.prototype (whose own
  // prototype is null). structuredClone in jest's VM context returns host-realm objects, for one.
  const p = Object.getPrototypeOf(v);
  return p === null || Object.getPrototypeOf(p) === null;
}

export function hasKey(m: Record<string, unknown>, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, k);
}

export function isNilish(v: unknown): v is null | undefined | NoValue {
  return v === null || v === undefined || v === NO_VALUE;
}

export type Kind =
  | 'invalid'
  | 'bool'
  | 'int'
  | 'int64'
  | 'uint'
  | 'float64'
  | 'string'
  | 'slice'
  | 'map'
  | 'struct'
  | 'func'
  | 'ptr'
  | 'interface';

/** reflect.Kind name (as sprig's kindOf prints it). nil interface => "invalid". */
export function kindOf(v: unknown): string {
  if (v === null || v === undefined || v === NO_VALUE) return 'invalid';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'bigint':
      return 'int64';
    case 'boolean':
      return 'bool';
  }
  if (v instanceof GoInt) return v.t.startsWith('time.') ? 'int' : v.t;
  if (Array.isArray(v) || v instanceof GoBytes) return 'slice';
  if (v instanceof GoStruct || v instanceof GoTime) return 'struct';
  if (v instanceof GoDuration) return 'int64';
  if (v instanceof GoFunc) return 'func';
  if (isMap(v)) return 'map';
  return 'invalid';
}

/** reflect.Type.String() of a dynamic value. nil => "<nil>". */
export function typeOf(v: unknown): string {
  if (v === null || v === undefined || v === NO_VALUE) return '<nil>';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'bigint':
      return 'int64';
    case 'boolean':
      return 'bool';
  }
  if (v instanceof GoInt) return v.t;
  if (Array.isArray(v)) return `[]${elemType(v) ?? 'interface {}'}`;
  if (v instanceof GoBytes) return '[]uint8';
  if (v instanceof GoStruct) return v.typeName;
  if (v instanceof GoTime) return 'time.Time';
  if (v instanceof GoDuration) return 'time.Duration';
  if (v instanceof GoFunc) return v.typeName;
  if (isMap(v)) return `map[string]${elemType(v) ?? 'interface {}'}`;
  return '<nil>';
}

export function isIntValue(v: unknown): v is bigint | GoInt {
  return typeof v === 'bigint' || v instanceof GoInt;
}

export function intValue(v: bigint | GoInt): bigint {
  return typeof v === 'bigint' ? v : v.v;
}

export function isUnsigned(v: unknown): boolean {
  return v instanceof GoInt && v.t.startsWith('uint');
}

export function goInt(n: number | bigint): GoInt {
  return new GoInt(BigInt(n), 'int');
}

/**
 * JSON.parse output -> Go value model, the way Kubernetes' unstructured decoding does it:
 * integral numbers become int64 (bigint), other numbers float64.
 */
export function jsonToGoValue(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? BigInt(v) : v;
  if (typeof v === 'string') return goWellFormed(v);
  if (Array.isArray(v)) return v.map(jsonToGoValue);
  if (isMap(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[goWellFormed(k)] = jsonToGoValue(x);
    return out;
  }
  return v === undefined ? null : v;
}

/**
 * Parses JSON text into the Go value model. Unlike JSON.parse + jsonToGoValue this keeps integers beyond
 * 2^53 exact (Kubernetes decodes them as int64 when they fit, float64 otherwise) and numbers like `1.0`
 * as float64 (Go's decoder treats any number with a fraction or exponent as float64).
 */
export function parseJsonToGo(text: string): unknown {
  return JSON.parse(text, (_key, value, ctx?: { source?: string }) => {
    if (typeof value === 'number' && ctx && typeof ctx.source === 'string') {
      const src = ctx.source;
      if (/^-?\d+$/.test(src)) {
        const b = BigInt(src);
        if (b >= -(2n ** 63n) && b < 2n ** 63n) return b;
        return value;
      }
      return value;
    }
    // Go decodes a lone surrogate escape as U+FFFD (see gostrings.ts for what lone surrogates mean here)
    if (typeof value === 'string') return goWellFormed(value);
    if (isMap(value)) {
      for (const k of Object.keys(value)) {
        const wk = goWellFormed(k);
        if (wk !== k) {
          value[wk] = value[k];
          delete value[k];
        }
      }
    }
    return value;
  });
}
