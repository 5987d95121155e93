/** text/template's predefined functions (and, or, not, len, index, slice, print*, html, js, urlquery, call, comparisons). */
import { sprint, sprintf, sprintln } from './fmt.js';
import { FuncError, type FuncMap } from './funcs.js';
import { isPrint } from './strconv.js';
import { isTrue } from './exec.js';
import { goDecode, goEncode, goLen } from './gostrings.js';
import {
  GoBytes,
  GoDuration,
  GoFunc,
  GoInt,
  GoStruct,
  NO_VALUE,
  hasKey,
  intValue,
  isIntValue,
  isMap,
  isNilSlice,
  isStringSlice,
  isUnsigned,
  stringSlice,
  typeOf,
} from './value.js';

type BasicKind = 'invalid' | 'bool' | 'int' | 'uint' | 'float' | 'string';

function basicKind(v: unknown): BasicKind {
  if (v === null || v === undefined || v === NO_VALUE) return 'invalid';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
      return 'float';
    case 'bigint':
      return 'int';
    case 'string':
      return 'string';
  }
  if (v instanceof GoInt) return isUnsigned(v) ? 'uint' : 'int';
  if (v instanceof GoDuration) return 'int';
  return 'invalid';
}

function num(v: unknown): bigint {
  if (v instanceof GoDuration) return v.ns;
  return intValue(v as bigint | GoInt);
}

const errBadComparisonType = 'invalid type for comparison';
const errBadComparison = 'incompatible types for comparison';
const errNoComparison = 'missing argument for comparison';

function isNilValue(v: unknown): boolean {
  return v === null || v === undefined || v === NO_VALUE;
}

export function goEq(arg1: unknown, ...arg2: unknown[]): boolean {
  if (arg2.length === 0) throw new FuncError(errNoComparison);
  const k1 = basicKind(arg1);
  for (const arg of arg2) {
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if (k1 === 'int' && k2 === 'uint') truth = num(arg1) >= 0n && num(arg1) === num(arg);
      else if (k1 === 'uint' && k2 === 'int') truth = num(arg) >= 0n && num(arg1) === num(arg);
      else if (!isNilValue(arg1) && !isNilValue(arg))
        throw new FuncError(`${errBadComparison}: ${typeOf(arg1)} and ${typeOf(arg)}`);
    } else {
      switch (k1) {
        case 'bool':
        case 'string':
        case 'float':
          truth = arg1 === arg;
          break;
        case 'int':
        case 'uint':
          truth = num(arg1) === num(arg);
          break;
        default:
          if (isNilOrNilSlice(arg1) || isNilOrNilSlice(arg))
            truth = isNilOrNilSlice(arg) === isNilOrNilSlice(arg1);
          else if (typeOf(arg1) !== typeOf(arg))
            throw new FuncError(
              `non-comparable types ${printForErr(arg1)}: ${typeOf(arg1)}, ${typeOf(arg)}: ${sprintf('%v', [arg])}`,
            );
          else if (Array.isArray(arg) || isMap(arg) || arg instanceof GoFunc)
            throw new FuncError(`non-comparable type ${printForErr(arg)}: ${typeOf(arg)}`);
          else truth = structEqual(arg1, arg);
      }
    }
    if (truth) return true;
  }
  return false;
}

/** reflect's IsNil for eq: nil interfaces, invalid values and nil slices. */
function isNilOrNilSlice(v: unknown): boolean {
  return isNilValue(v) || isNilSlice(v);
}

function printForErr(v: unknown): string {
  // a reflect.Value printed with %s formats the value it holds
  return sprintf('%s', [v]);
}

function structEqual(a: unknown, b: unknown): boolean {
  if (a instanceof GoStruct && b instanceof GoStruct) {
    const ka = Object.keys(a.fields);
    return ka.every((k) => {
      const x = a.fields[k];
      const y = b.fields[k];
      try {
        return goEq(x, y);
      } catch {
        return false;
      }
    });
  }
  return a === b;
}

export function goLt(arg1: unknown, arg2: unknown): boolean {
  const k1 = basicKind(arg1);
  if (k1 === 'invalid') throw new FuncError(errBadComparisonType);
  const k2 = basicKind(arg2);
  if (k2 === 'invalid') throw new FuncError(errBadComparisonType);
  if (k1 !== k2) {
    if (k1 === 'int' && k2 === 'uint') return num(arg1) < 0n || num(arg1) < num(arg2);
    if (k1 === 'uint' && k2 === 'int') return num(arg2) >= 0n && num(arg1) < num(arg2);
    throw new FuncError(`${errBadComparison}: ${typeOf(arg1)} and ${typeOf(arg2)}`);
  }
  switch (k1) {
    case 'bool':
      throw new FuncError(errBadComparisonType);
    case 'float':
      return (arg1 as number) < (arg2 as number);
    case 'string':
      return Buffer.compare(goEncode(arg1 as string), goEncode(arg2 as string)) < 0;
    default:
      return num(arg1) < num(arg2);
  }
}

function goLe(a: unknown, b: unknown): boolean {
  return goLt(a, b) || goEq(a, b);
}

function length(item: unknown): GoInt {
  // null is a nil interface value (map element, function result), NO_VALUE an invalid reflect.Value
  if (item === null) throw new FuncError('len of nil pointer');
  if (item === NO_VALUE || item === undefined)
    throw new FuncError('reflect: call of reflect.Value.Type on zero Value');
  if (typeof item === 'string') return new GoInt(BigInt(goLen(item)));
  if (Array.isArray(item)) return new GoInt(BigInt(item.length));
  if (item instanceof GoBytes) return new GoInt(BigInt(item.b.length));
  if (isMap(item)) return new GoInt(BigInt(Object.keys(item).length));
  throw new FuncError(`len of type ${typeOf(item)}`);
}

function indexArg(index: unknown, cap: number): number {
  let x: bigint;
  if (isIntValue(index)) x = intValue(index);
  else if (index === null || index === NO_VALUE) throw new FuncError('cannot index slice/array with nil');
  else throw new FuncError(`cannot index slice/array with type ${typeOf(index)}`);
  if (x < 0n || x > BigInt(cap)) throw new FuncError(`index out of range: ${x}`);
  return Number(x);
}

/** Go string indexing works on bytes. */
const stringBytes = goEncode;

function index(item: unknown, ...indexes: unknown[]): unknown {
  if (item === null || item === NO_VALUE) throw new FuncError('index of untyped nil');
  for (const idx of indexes) {
    if (item === null || item === NO_VALUE) throw new FuncError('index of nil pointer');
    if (typeof item === 'string') {
      const b = stringBytes(item);
      const x = indexArg(idx, b.length);
      if (x === b.length) throw new FuncError('reflect: string index out of range');
      item = new GoInt(BigInt(b[x]!), 'uint8');
    } else if (Array.isArray(item)) {
      const x = indexArg(idx, item.length);
      if (x === item.length) throw new FuncError('reflect: slice index out of range');
      item = item[x] ?? null;
    } else if (isMap(item)) {
      if (idx === null || idx === NO_VALUE) throw new FuncError('value is nil; should be of type string');
      if (typeof idx !== 'string') throw new FuncError(`value has type ${typeOf(idx)}; should be string`);
      item = hasKey(item, idx) ? (item[idx] ?? null) : null;
    } else {
      throw new FuncError(`can't index item of type ${typeOf(item)}`);
    }
  }
  return item;
}

function sliceBuiltin(item: unknown, ...indexes: unknown[]): unknown {
  if (item === null || item === NO_VALUE) throw new FuncError('slice of untyped nil');
  if (indexes.length > 3) throw new FuncError(`too many slice indexes: ${indexes.length}`);
  let cap: number;
  if (typeof item === 'string') {
    if (indexes.length > 2) throw new FuncError(`cannot 3-index slice a string`);
    cap = stringBytes(item).length;
  } else if (Array.isArray(item)) cap = item.length;
  else throw new FuncError(`can't slice item of type ${typeOf(item)}`);
  const idx = [0, cap];
  indexes.forEach((x, i) => {
    idx[i] = indexArg(x, cap);
  });
  if (idx[0]! > idx[1]!) throw new FuncError(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (typeof item === 'string') return goDecode(stringBytes(item).subarray(idx[0], idx[1]));
  const out = (item as unknown[]).slice(idx[0], idx[1]);
  return isStringSlice(item) ? stringSlice(out as string[]) : out;
}

/** text/template evalArgs: a single string is used as is, otherwise fmt.Sprint with <no value> for nil. */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === null || a === NO_VALUE || a === undefined ? '<no value>' : a)));
}

export function htmlEscapeString(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) =>
    c === '\0'
      ? '\uFFFD'
      : c === '"'
        ? '&#34;'
        : c === "'"
          ? '&#39;'
          : c === '&'
            ? '&amp;'
            : c === '<'
              ? '&lt;'
              : '&gt;',
  );
}

export function jsEscapeString(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '\\':
        out += '\\\\';
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case '<':
        out += '\\u003C';
        continue;
      case '>':
        out += '\\u003E';
        continue;
      case '&':
        out += '\\u0026';
        continue;
      case '=':
        out += '\\u003D';
        continue;
    }
    if (cp < 0x20) out += '\\u00' + cp.toString(16).toUpperCase().padStart(2, '0');
    // a byte that is no UTF-8 decodes as U+FFFD, which is printable: Go copies the byte as it is
    else if (cp < 0x80 || isPrint(cp) || (cp >= 0xdc80 && cp <= 0xdcff)) out += ch;
    else out += '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
  }
  return out;
}

/** net/url.QueryEscape */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of goEncode(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function call(fn: unknown, ...args: unknown[]): unknown {
  if (fn === null || fn === NO_VALUE) throw new FuncError('call of nil');
  if (!(fn instanceof GoFunc)) throw new FuncError(`non-function of type ${typeOf(fn)}`);
  return fn.fn(...args);
}

export const builtins: FuncMap = {
  and: { params: ['value'], variadic: 'value', fn: () => null, builtin: true },
  or: { params: ['value'], variadic: 'value', fn: () => null, builtin: true },
  not: { params: ['value'], fn: (a: unknown) => !isTrue(a) },
  len: { params: ['value'], fn: length },
  index: { params: ['value'], variadic: 'value', fn: index },
  slice: { params: ['value'], variadic: 'value', fn: sliceBuiltin },
  print: { params: [], variadic: 'any', fn: (...a: unknown[]) => sprint(a) },
  printf: { params: ['string'], variadic: 'any', fn: (f: string, ...a: unknown[]) => sprintf(f, a) },
  println: { params: [], variadic: 'any', fn: (...a: unknown[]) => sprintln(a) },
  html: { params: [], variadic: 'any', fn: (...a: unknown[]) => htmlEscapeString(evalArgs(a)) },
  js: { params: [], variadic: 'any', fn: (...a: unknown[]) => jsEscapeString(evalArgs(a)) },
  urlquery: { params: [], variadic: 'any', fn: (...a: unknown[]) => queryEscape(evalArgs(a)) },
  call: { params: ['value'], variadic: 'value', fn: call, builtin: true },
  eq: { params: ['value'], variadic: 'value', fn: goEq },
  ne: { params: ['value', 'value'], fn: (a: unknown, b: unknown) => !goEq(a, b) },
  lt: { params: ['value', 'value'], fn: goLt },
  le: { params: ['value', 'value'], fn: goLe },
  gt: { params: ['value', 'value'], fn: (a: unknown, b: unknown) => !goLe(a, b) },
  ge: { params: ['value', 'value'], fn: (a: unknown, b: unknown) => !goLt(a, b) },
};
