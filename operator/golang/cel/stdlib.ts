/**
 * The declarations of CEL's standard library the checker resolves calls against, in the order cel-go
 * declares them: the order decides which fresh type variables (`_var0`, `_var1`, ...) each overload
 * instantiation takes, and those names show up in cel-go's error messages.
 */
import {
  BOOL,
  BYTES,
  DOUBLE,
  DURATION,
  DYN,
  INT,
  NULL,
  STRING,
  TIMESTAMP,
  UINT,
  list,
  map,
  typeOf,
  typeVar,
  type CelT,
} from './types.js';

export interface Overload {
  /** called as `target.fn(args)`: the first argument is the target */
  member: boolean;
  args: CelT[];
  result: CelT;
  /** a comparison across numeric types (`1 < 2.5`): see Checker.crossNumeric */
  crossNumeric?: boolean;
}

const A = typeVar('A');
const B = typeVar('B');
const fn = (args: CelT[], result: CelT): Overload => ({ member: false, args, result });
const method = (args: CelT[], result: CelT): Overload => ({ member: true, args, result });
const both = (args: CelT[], result: CelT): Overload[] => [fn(args, result), method(args, result)];

const ORDERED = [BOOL, BYTES, DOUBLE, DURATION, INT, STRING, TIMESTAMP, UINT];
const NUMERIC = [INT, UINT, DOUBLE];
const compare = [
  ...ORDERED.map((t) => fn([t, t], BOOL)),
  ...NUMERIC.flatMap((a) =>
    NUMERIC.filter((b) => b !== a).map((b) => ({ ...fn([a, b], BOOL), crossNumeric: true })),
  ),
];
const timeGetter = (withDuration: boolean): Overload[] => [
  method([TIMESTAMP], INT),
  method([TIMESTAMP, STRING], INT),
  ...(withDuration ? [method([DURATION], INT)] : []),
];

export const FUNCTIONS: Record<string, Overload[]> = {
  '_?_:_': [fn([BOOL, A, A], A)],
  '_&&_': [fn([BOOL, BOOL], BOOL)],
  '_||_': [fn([BOOL, BOOL], BOOL)],
  '!_': [fn([BOOL], BOOL)],
  '@not_strictly_false': [fn([BOOL], BOOL)],
  not_strictly_false: [fn([BOOL], BOOL)],
  '_==_': [fn([A, A], BOOL)],
  '_!=_': [fn([A, A], BOOL)],
  '_+_': [
    fn([BYTES, BYTES], BYTES),
    fn([DOUBLE, DOUBLE], DOUBLE),
    fn([DURATION, DURATION], DURATION),
    fn([DURATION, TIMESTAMP], TIMESTAMP),
    fn([TIMESTAMP, DURATION], TIMESTAMP),
    fn([INT, INT], INT),
    fn([list(A), list(A)], list(A)),
    fn([STRING, STRING], STRING),
    fn([UINT, UINT], UINT),
  ],
  '_/_': [fn([DOUBLE, DOUBLE], DOUBLE), fn([INT, INT], INT), fn([UINT, UINT], UINT)],
  '_%_': [fn([INT, INT], INT), fn([UINT, UINT], UINT)],
  '_*_': [fn([DOUBLE, DOUBLE], DOUBLE), fn([INT, INT], INT), fn([UINT, UINT], UINT)],
  '-_': [fn([DOUBLE], DOUBLE), fn([INT], INT)],
  '_-_': [
    fn([DOUBLE, DOUBLE], DOUBLE),
    fn([DURATION, DURATION], DURATION),
    fn([INT, INT], INT),
    fn([TIMESTAMP, TIMESTAMP], DURATION),
    fn([TIMESTAMP, DURATION], TIMESTAMP),
    fn([UINT, UINT], UINT),
  ],
  '_<_': compare,
  '_<=_': compare,
  '_>_': compare,
  '_>=_': compare,
  '_[_]': [fn([list(A), INT], A), fn([map(A, B), A], B)],
  '@in': [fn([A, list(A)], BOOL), fn([A, map(A, B)], BOOL)],
  size: [...both([BYTES], INT), ...both([list(A)], INT), ...both([map(A, B)], INT), ...both([STRING], INT)],
  type: [fn([A], typeOf(A))],
  bool: [fn([BOOL], BOOL), fn([STRING], BOOL)],
  bytes: [fn([BYTES], BYTES), fn([STRING], BYTES)],
  double: [fn([DOUBLE], DOUBLE), fn([INT], DOUBLE), fn([STRING], DOUBLE), fn([UINT], DOUBLE)],
  duration: [fn([DURATION], DURATION), fn([INT], DURATION), fn([STRING], DURATION)],
  dyn: [fn([A], DYN)],
  int: [INT, UINT, DOUBLE, STRING, TIMESTAMP, DURATION].map((t) => fn([t], INT)),
  string: [STRING, BOOL, BYTES, DOUBLE, DURATION, INT, TIMESTAMP, UINT].map((t) => fn([t], STRING)),
  timestamp: [fn([STRING], TIMESTAMP), fn([TIMESTAMP], TIMESTAMP), fn([INT], TIMESTAMP)],
  uint: [fn([UINT], UINT), fn([DOUBLE], UINT), fn([INT], UINT), fn([STRING], UINT)],
  contains: [method([STRING, STRING], BOOL)],
  endsWith: [method([STRING, STRING], BOOL)],
  startsWith: [method([STRING, STRING], BOOL)],
  matches: both([STRING, STRING], BOOL),
  getFullYear: timeGetter(false),
  getMonth: timeGetter(false),
  getDayOfYear: timeGetter(false),
  getDayOfMonth: timeGetter(false),
  getDate: timeGetter(false),
  getDayOfWeek: timeGetter(false),
  getHours: timeGetter(true),
  getMinutes: timeGetter(true),
  getSeconds: timeGetter(true),
  getMilliseconds: timeGetter(true),
};

/** Identifiers that name types (`int`, `list`, ...): their type is the type of that type. */
export const TYPE_IDENTS: Record<string, CelT> = {
  int: typeOf(INT),
  uint: typeOf(UINT),
  double: typeOf(DOUBLE),
  bool: typeOf(BOOL),
  string: typeOf(STRING),
  bytes: typeOf(BYTES),
  list: typeOf(list(A)),
  map: typeOf(map(A, B)),
  null_type: typeOf(NULL),
  type: typeOf(typeOf()),
  dyn: typeOf(DYN),
};

/** The agent's CEL variables: the object, the other object and the value at the path. */
export const VARIABLES: Record<string, CelT> = { self: DYN, other: DYN, value: DYN };
