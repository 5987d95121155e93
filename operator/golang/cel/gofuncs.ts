/**
 * Standard-library functions whose results differ between @bufbuild/cel and cel-go, replaced with
 * cel-go's behaviour, and cel-go's wording of evaluation errors.
 *
 * - string(double) is Go's shortest %g form (`1e-06`, `1.23456789e+08`, `+Inf`, `-0`);
 * - string(duration) is seconds in shortest %f form plus `s` (`5400s`, `1.5s`);
 * - timestamps keep the offset they were parsed with (`2024-01-01T10:00:00+02:00`), through
 *   arithmetic with durations too; string(timestamp) is RFC 3339 with trailing zeros of the
 *   fraction trimmed; timestamp(int) is seconds since the epoch;
 * - `%` on ints fails with `integer overflow` for MinInt64 % -1, like cel-go;
 * - a list, map, bytes, duration, timestamp, null or type on the left of `in` a map is false, not an error;
 * - int(duration) is its nanoseconds; timestamp(int) beyond year 9999 is `timestamp overflow`;
 * - a duration behind `dyn` can be negated (`-dyn(duration("1s"))`).
 */
import {
  celFunc,
  CelScalar,
  celType,
  celUint,
  isCelList,
  isCelMap,
  listType,
  mapType,
  objectType,
  type CelFunc,
} from '@bufbuild/cel';
import { create } from '@bufbuild/protobuf';
import { DurationSchema, TimestampSchema, type Duration, type Timestamp } from '@bufbuild/protobuf/wkt';
import { formatFloat } from '../template/strconv.js';
import { CONVERSION_ARG } from './narrowed-conversions.js';
import { HAS_FIELD } from './presence.js';

const TIMESTAMP = objectType(TimestampSchema);
const DURATION = objectType(DurationSchema);
const { INT, UINT, DOUBLE, STRING, BOOL, BYTES, NULL, DYN } = CelScalar;

/** The UTC offset (seconds) a timestamp carries; absent means UTC. Keyed by the message object. */
const offsets = new WeakMap<object, number>();

export function timestampOffset(ts: object): number {
  return offsets.get(ts) ?? 0;
}

const NS = 1_000_000_000n;
const MIN_SECONDS = -62135596800n; // 0001-01-01T00:00:00Z
const MAX_SECONDS = 253402300799n; // 9999-12-31T23:59:59Z

function makeTimestamp(totalNs: bigint, offset: number): Timestamp {
  let seconds = totalNs / NS;
  let nanos = totalNs % NS;
  if (nanos < 0n) {
    nanos += NS;
    seconds -= 1n;
  }
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) throw new Error('timestamp out of range');
  const ts = create(TimestampSchema, { seconds, nanos: Number(nanos) });
  if (offset) offsets.set(ts, offset);
  return ts;
}

const tsNs = (t: { seconds: bigint; nanos: number }): bigint => t.seconds * NS + BigInt(t.nanos);
const durNs = (d: { seconds: bigint; nanos: number }): bigint => d.seconds * NS + BigInt(d.nanos);

/** time.Parse(time.RFC3339, s) as cel-go's timestamp(string) does it. */
function parseTimestamp(s: string): Timestamp {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
  const fail = (): never => {
    throw new Error("type conversion error from 'string' to 'google.protobuf.Timestamp'");
  };
  if (!m) return fail();
  const [, y, mo, d, h, mi, sec, frac = '', zone = 'Z'] = m;
  const month = Number(mo);
  const day = Number(d);
  const year = Number(y);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (!monthDays || day < 1 || day > monthDays || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59)
    return fail();
  let offset = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return fail();
    offset = (zone[0] === '-' ? -1 : 1) * (oh * 3600 + om * 60);
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(Number(h), Number(mi), Number(sec), 0);
  const fracNs = BigInt((frac.slice(1) + '000000000').slice(0, 9));
  const total = BigInt(date.getTime()) * 1_000_000n + fracNs - BigInt(offset) * NS;
  return makeTimestamp(total, offset);
}

/** time.Time.Format(time.RFC3339Nano) in the timestamp's own offset. */
export function formatTimestamp(t: { seconds: bigint; nanos: number }, offset: number): string {
  const local = new Date(Number(t.seconds + BigInt(offset)) * 1000);
  const year = local.getUTCFullYear();
  const p2 = (n: number) => String(n).padStart(2, '0');
  const base =
    `${String(year).padStart(4, '0')}-${p2(local.getUTCMonth() + 1)}-${p2(local.getUTCDate())}` +
    `T${p2(local.getUTCHours())}:${p2(local.getUTCMinutes())}:${p2(local.getUTCSeconds())}`;
  const frac = t.nanos ? '.' + String(t.nanos).padStart(9, '0').replace(/0+$/, '') : '';
  if (!offset) return `${base}${frac}Z`;
  const a = Math.abs(offset);
  return `${base}${frac}${offset < 0 ? '-' : '+'}${p2(Math.floor(a / 3600))}:${p2(Math.floor((a % 3600) / 60))}`;
}

function offsetOf(v: { message: object }): number {
  return offsets.get(v.message) ?? 0;
}

type TsVal = { message: Timestamp };
type DurVal = { message: Duration };

export const goCompatFuncs: CelFunc[] = [
  celFunc('string', [DOUBLE], STRING, (x: number) => formatFloat(x, 'g', -1)),
  celFunc('string', [DURATION], STRING, (d: DurVal) => {
    const ns = durNs(d.message);
    return formatFloat(Number(ns) / 1e9, 'f', -1) + 's';
  }),
  celFunc('string', [TIMESTAMP], STRING, (t: TsVal) => formatTimestamp(t.message, offsetOf(t))),
  celFunc('timestamp', [STRING], TIMESTAMP, (s: string) => parseTimestamp(s)),
  celFunc('timestamp', [INT], TIMESTAMP, (n: bigint) => {
    if (n < MIN_SECONDS || n > MAX_SECONDS) throw new Error('timestamp overflow');
    return makeTimestamp(n * NS, 0);
  }),
  // a duration converts to its nanoseconds
  celFunc('int', [DURATION], INT, (d: DurVal) => durNs(d.message)),
  // type-checks in cel-go (the overload exists) but every conversion fails
  celFunc('duration', [STRING], DURATION, (text: string): Duration => {
    const ns = parseGoDuration(text);
    if (ns === null) throw new Error("type conversion error from 'string' to 'google.protobuf.Duration'");
    let seconds = ns / NS;
    let nanos = ns % NS;
    if (nanos < 0n && seconds > 0n) {
      nanos += NS;
      seconds -= 1n;
    }
    return create(DurationSchema, { seconds, nanos: Number(nanos) });
  }),
  celFunc('duration', [INT], DURATION, (): Duration => {
    throw new Error("type conversion error from 'int' to 'google.protobuf.Duration'");
  }),
  // only reachable through dyn (the checker has no negation of a duration, like cel-go's); cel-go
  // negates the value then, failing only where the negation leaves 64 bits
  celFunc('-_', [DURATION], DURATION, (d: DurVal): Duration => {
    const ns = -durNs(d.message);
    if (ns >= 2n ** 63n) throw new Error('integer overflow');
    return create(DurationSchema, { seconds: ns / NS, nanos: Number(ns % NS) });
  }),
  celFunc('_+_', [TIMESTAMP, DURATION], TIMESTAMP, (t: TsVal, d: DurVal) =>
    makeTimestamp(tsNs(t.message) + durNs(d.message), offsetOf(t)),
  ),
  celFunc('_+_', [DURATION, TIMESTAMP], TIMESTAMP, (d: DurVal, t: TsVal) =>
    makeTimestamp(tsNs(t.message) + durNs(d.message), offsetOf(t)),
  ),
  celFunc('_-_', [TIMESTAMP, DURATION], TIMESTAMP, (t: TsVal, d: DurVal) =>
    makeTimestamp(tsNs(t.message) - durNs(d.message), offsetOf(t)),
  ),
  // a list or map is never a key of a map: cel-go answers false, @bufbuild/cel fails
  celFunc('@in', [listType(DYN), mapType(DYN, DYN)], BOOL, () => false),
  celFunc('@in', [mapType(DYN, DYN), mapType(DYN, DYN)], BOOL, () => false),
  // nor are bytes, durations, timestamps or null
  ...[BYTES, DURATION, TIMESTAMP, NULL].map((t) => celFunc('@in', [t, mapType(DYN, DYN)], BOOL, () => false)),
  // a type is never a key of a map either (`int in self.spec.m`)
  celFunc('@in', [CelScalar.TYPE, mapType(DYN, DYN)], BOOL, () => false),
  // the argument of a conversion cel-go narrowed to one overload (see narrowed-conversions.ts)
  celFunc(CONVERSION_ARG, [DYN, STRING, STRING], DYN, (x, fn: string, want: string) => {
    const got = runtimeTypeName(x);
    if (got !== want) throw new Error(`no such overload: ${fn}(${got})`);
    return x;
  }),
  // has(x.f) (see presence.ts)
  celFunc(HAS_FIELD, [DYN, STRING], BOOL, (x: unknown, field: string) => {
    if (isCelMap(x)) return (x as { has(k: string): boolean }).has(field);
    if (isCelList(x)) throw new Error("unsupported index type 'string' in list");
    return false;
  }),
  celFunc('_%_', [INT, INT], INT, (a: bigint, b: bigint) => {
    if (b === 0n) throw new Error('modulus by zero');
    if (a === -(2n ** 63n) && b === -1n) throw new Error('integer overflow');
    return a % b;
  }),
  celFunc('int', [STRING], INT, (s: string) => {
    if (!/^[+-]?\d+$/.test(s)) throw new Error("type conversion error from 'string' to 'int'");
    const v = BigInt(s);
    if (v < -(2n ** 63n) || v >= 2n ** 63n) throw new Error("type conversion error from 'string' to 'int'");
    return v;
  }),
  celFunc('uint', [STRING], UINT, (s: string) => {
    if (!/^\+?\d+$/.test(s)) throw new Error("type conversion error from 'string' to 'uint'");
    const v = BigInt(s);
    if (v >= 2n ** 64n) throw new Error("type conversion error from 'string' to 'uint'");
    return celUint(v);
  }),
  celFunc('double', [STRING], DOUBLE, (s: string) => {
    const v = parseCelDouble(s);
    if (v === null) throw new Error("type conversion error from 'string' to 'double'");
    return v;
  }),
];

const DURATION_UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  '\u00b5s': 1_000n,
  '\u03bcs': 1_000n,
  ms: 1_000_000n,
  s: NS,
  m: 60n * NS,
  h: 3600n * NS,
};
const INT64_MAX = 2n ** 63n - 1n;

/**
 * time.ParseDuration as cel-go's duration(string) uses it: a sign and one or more
 * `<number><unit>` parts (`1h2m`, `1.5s`, `-3ms`), or `0`; nanoseconds, or null when invalid or
 * beyond 64 bits.
 */
function parseGoDuration(text: string): bigint | null {
  let s = text;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return null;
  let total = 0n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?([^\d.]+)/.exec(s);
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) return null;
    // the unit runs up to the next digit or dot, as in Go
    const unit = Object.hasOwn(DURATION_UNITS, m[3]!) ? DURATION_UNITS[m[3]!]! : undefined;
    if (!unit) return null;
    const whole = BigInt(m[1] || '0');
    let part = whole * unit;
    const frac = m[2] ?? '';
    if (frac) {
      // Go scales the fraction in floating point and truncates
      part += BigInt(Math.trunc(Number(frac) * (Number(unit) / 10 ** frac.length)));
    }
    total += part;
    if (total > INT64_MAX + (negative ? 1n : 0n)) return null;
    s = s.slice(m[0].length);
  }
  return negative ? -total : total;
}

/** The type name cel-go's runtime errors print for a value (`int`, `list`, `google.protobuf.Duration`). */
function runtimeTypeName(x: unknown): string {
  const message = (x as { desc?: { typeName?: string } } | null)?.desc?.typeName;
  if (message) return message;
  try {
    return celType(x as never).name;
  } catch {
    return 'type';
  }
}

/** strconv.ParseFloat(s, 64) for cel-go's double(string): decimal, inf/infinity/nan; range errors fail. */
function parseCelDouble(s: string): number | null {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s[0] === '-' ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(s)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

const CONVERSIONS = new Set([
  'int',
  'uint',
  'double',
  'string',
  'bytes',
  'bool',
  'duration',
  'timestamp',
  'dyn',
  'type',
]);

const NUMERIC = ['int', 'uint', 'double'];
const ORDERED = [
  ...NUMERIC,
  'string',
  'bytes',
  'bool',
  'google.protobuf.Timestamp',
  'google.protobuf.Duration',
];
/** The operand types that implement each operator in cel-go (its traits). */
const OPERATOR_TYPES: Record<string, string[]> = {
  '_+_': [...NUMERIC, 'string', 'bytes', 'list', 'google.protobuf.Timestamp', 'google.protobuf.Duration'],
  '_-_': [...NUMERIC, 'google.protobuf.Timestamp', 'google.protobuf.Duration'],
  '_*_': NUMERIC,
  '_/_': NUMERIC,
  '_%_': ['int', 'uint'],
  // bool negates too (logical not), yet rejects the arithmetic one plainly
  '-_': ['int', 'double', 'bool', 'google.protobuf.Duration'],
  '_<_': ORDERED,
  '_<=_': ORDERED,
  '_>_': ORDERED,
  '_>=_': ORDERED,
};

/** The types whose values take method calls in cel-go (its receiver trait). */
const RECEIVER_TYPES = ['string', 'google.protobuf.Timestamp', 'google.protobuf.Duration'];

/** 'a, map(b, c), d' -> ['a', 'map(b, c)', 'd'] */
function splitTypes(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (s[i] === ',' && depth === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (s.trim()) out.push(s.slice(start).trim());
  return out;
}

/** cel-go's Go type names of CEL values, as its runtime errors print them. */
const GO_TYPE_NAMES: Record<string, string> = {
  null_type: 'Null',
  int: 'Int',
  uint: 'Uint',
  double: 'Double',
  string: 'String',
  bool: 'Bool',
  bytes: 'Bytes',
  'google.protobuf.Timestamp': 'Timestamp',
  'google.protobuf.Duration': 'Duration',
};

/** @bufbuild/cel's evaluation error texts in cel-go's words. */
export function celGoError(msg: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^found no matching overload for '?([^' ]+)'? applied to '(.*)'$/s.exec(msg))) {
    const name = m[1]!;
    // '(a, b)' for a function, 'recv.(a, b)' for a method (the receiver may hold parentheses itself)
    const shown = m[2]!;
    const dot = shown.endsWith(')') ? shown.lastIndexOf('.(') : -1;
    const receiver = dot > 0 ? [shown.slice(0, dot)] : [];
    const inner = dot > 0 ? shown.slice(dot + 2, -1) : shown.replace(/^\(|\)$/g, '');
    // runtime type names: list and map without their parameters
    const argTypes = [...receiver, ...splitTypes(inner)].map((t) => t.replace(/^(list|map)\(.*\)$/, '$1'));
    if (/^[_@!-]/.test(name)) {
      // an operator: plain when the left operand's type has the operation at all or takes method
      // calls (cel-go hands the call to the value then, which answers plainly), else named
      const traits = OPERATOR_TYPES[name];
      const left = argTypes[0]!.replace(/\(.*$/, '');
      return traits && !traits.includes(left) && !RECEIVER_TYPES.includes(left)
        ? `no such overload: ${name}`
        : 'no such overload';
    }
    // functions cel-go dispatches through a trait of the receiver name the function only, unless
    // the receiver takes method calls (it is handed the call then, and answers plainly)
    if (name === 'size' || name === 'matches')
      return RECEIVER_TYPES.includes(argTypes[0]!) ? 'no such overload' : `no such overload: ${name}`;
    return argTypes.length === 1 || CONVERSIONS.has(name)
      ? `no such overload: ${name}(${argTypes.join(', ')})`
      : 'no such overload';
  }
  if ((m = /^type mismatch: iterable vs (.*)$/.exec(msg)))
    return `got 'types.${GO_TYPE_NAMES[m[1]!] ?? m[1]}', expected iterable type`;
  if ((m = /^field not found: (.*)$/s.exec(msg))) return `no such key: ${m[1]}`;
  if (/^type mismatch: expected bool/.test(msg)) return 'no such overload';
  if ((m = /^index (-?\d+) out of bounds/.exec(msg))) return `index out of bounds: ${m[1]}`;
  if (/^int divide by zero$|^uint divide by zero$/.test(msg)) return 'division by zero';
  if (/^u?int modulus by zero$/.test(msg)) return 'modulus by zero';
  if (/^int overflow/.test(msg)) return 'integer overflow';
  if (/^uint overflow/.test(msg)) return 'unsigned integer overflow';
  if (/^Failed to parse duration/.test(msg))
    return "type conversion error from 'string' to 'google.protobuf.Duration'";
  if (/^Failed to parse timestamp/.test(msg))
    return "type conversion error from 'string' to 'google.protobuf.Timestamp'";
  if (/^Failed to decode bytes as string/.test(msg))
    return 'invalid UTF-8 in bytes, cannot convert to string';
  if (/^Cannot convert .* to a BigInt$/s.test(msg)) return "type conversion error from 'string' to 'int'";
  if (/^Unable to convert string '.*' to bool$/s.test(msg))
    return "type conversion error from 'string' to 'bool'";
  return msg;
}
