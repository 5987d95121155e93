/**
 * The methods a template can call on a time.Time value (`{{ (now).Unix }}`,
 * `{{ (toDate "2006-01-02" .x).Format "Jan 2" }}`): the ones that take no argument or a layout
 * string. Month and Weekday come back as Go's named integer types, which print their names.
 */
import type { FuncDef } from './funcs.js';
import { DAYS, MONTHS, formatTime, timeParts, timeString } from './gotime.js';
import { GoInt, GoTime } from './value.js';

const NS_PER_SEC = 1000000000n;
/** January 1, year 1, 00:00:00 UTC: Go's zero time, as nanoseconds since the Unix epoch */
const ZERO_TIME_NS = -62135596800n * NS_PER_SEC;

/** Division rounding toward minus infinity (times before 1970 are negative). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

function int(n: number): GoInt {
  return new GoInt(BigInt(n), 'int');
}

function noArgs(fn: (t: GoTime) => unknown): (t: GoTime) => FuncDef {
  return (t) => ({ params: [], fn: () => fn(t) });
}

const METHODS: Record<string, (t: GoTime) => FuncDef> = {
  Unix: noArgs((t) => floorDiv(t.ns, NS_PER_SEC)),
  UnixMilli: noArgs((t) => floorDiv(t.ns, 1000000n)),
  UnixMicro: noArgs((t) => floorDiv(t.ns, 1000n)),
  // int64 nanoseconds wrap around outside the years 1678-2262, as Go's do
  UnixNano: noArgs((t) => BigInt.asIntN(64, t.ns)),
  Year: noArgs((t) => int(timeParts(t).year)),
  Month: noArgs((t) => new GoInt(BigInt(timeParts(t).month), 'time.Month')),
  Day: noArgs((t) => int(timeParts(t).day)),
  Hour: noArgs((t) => int(timeParts(t).hour)),
  Minute: noArgs((t) => int(timeParts(t).min)),
  Second: noArgs((t) => int(timeParts(t).sec)),
  Nanosecond: noArgs((t) => int(timeParts(t).nsec)),
  Weekday: noArgs((t) => new GoInt(BigInt(timeParts(t).weekday), 'time.Weekday')),
  YearDay: noArgs((t) => int(timeParts(t).yday)),
  UTC: noArgs((t) => new GoTime(t.ns, 0, 'UTC')),
  IsZero: noArgs((t) => t.ns === ZERO_TIME_NS),
  String: noArgs((t) => timeString(t)),
  Format: (t) => ({ params: ['string'], fn: (layout: string) => formatTime(t, layout) }),
};

/** The method `name` bound to `t`, or undefined when time.Time has no such method here. */
export function timeMethod(t: GoTime, name: string): FuncDef | undefined {
  return Object.hasOwn(METHODS, name) ? METHODS[name]!(t) : undefined;
}

/** time.Month.String / time.Weekday.String of a named integer, or undefined for other integers. */
export function namedIntString(v: GoInt): string | undefined {
  if (v.t === 'time.Month') return v.v >= 1n && v.v <= 12n ? MONTHS[Number(v.v) - 1] : `%!Month(${v.v})`;
  if (v.t === 'time.Weekday') return v.v >= 0n && v.v <= 6n ? DAYS[Number(v.v)] : `%!Weekday(${v.v})`;
  return undefined;
}
