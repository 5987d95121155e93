/** Sprig v3.3.0 math and conversion functions (int64 arithmetic via cast.ToInt64, decimal float ops). */
import { FuncError, type FuncMap, fn } from '../template/funcs.js';
import { randomBelow, type TemplateEnvironment } from '../template/environment.js';
import { sprint } from '../template/fmt.js';
import { GoInt, intValue, typedSlice } from '../template/value.js';
import { toFloat64, toInt, toInt64 } from './cast.js';
import { checkListLength } from './limits.js';

const I64 = (v: bigint): bigint => BigInt.asIntN(64, v);

/** shopspring/decimal-like exact decimal: coef * 10^exp */
interface Dec {
  c: bigint;
  e: number;
}

function decFromFloat(f: number): Dec {
  if (!Number.isFinite(f)) throw new FuncError(`Cannot create a Decimal from ${sprint([f])}`);
  if (f === 0) return { c: 0n, e: 0 };
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(f.toExponential())!;
  const digits = m[2]! + (m[3] ?? '');
  const e = Number(m[4]) - (digits.length - 1);
  const c = BigInt(digits) * (m[1] === '-' ? -1n : 1n);
  return { c, e };
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const e = Math.min(a.e, b.e);
  return [a.c * 10n ** BigInt(a.e - e), b.c * 10n ** BigInt(b.e - e), e];
}

function decAdd(a: Dec, b: Dec): Dec {
  const [x, y, e] = align(a, b);
  return { c: x + y, e };
}
function decSub(a: Dec, b: Dec): Dec {
  const [x, y, e] = align(a, b);
  return { c: x - y, e };
}
function decMul(a: Dec, b: Dec): Dec {
  return { c: a.c * b.c, e: a.e + b.e };
}
/** DivRound(d2, 16): quotient rounded half away from zero to 16 decimal places. */
function decDiv(a: Dec, b: Dec): Dec {
  if (b.c === 0n) throw new FuncError('decimal division by 0');
  const prec = 16;
  // a/b = (a.c / b.c) * 10^(a.e-b.e); want q with exponent -prec
  const shift = a.e - b.e + prec;
  let num = a.c;
  let den = b.c;
  if (shift >= 0) num *= 10n ** BigInt(shift);
  else den *= 10n ** BigInt(-shift);
  const neg = num < 0n !== den < 0n;
  const an = num < 0n ? -num : num;
  const ad = den < 0n ? -den : den;
  let q = an / ad;
  const r = an % ad;
  if (r * 2n >= ad) q += 1n;
  return { c: neg ? -q : q, e: -prec };
}
function decFloat(d: Dec): number {
  return Number(`${d.c}e${d.e}`);
}

function decOp(a: unknown, rest: unknown[], op: (x: Dec, y: Dec) => Dec): number {
  let acc = decFromFloat(toFloat64(a));
  for (const x of rest) acc = op(acc, decFromFloat(toFloat64(x)));
  return decFloat(acc);
}

function untilStep(start: bigint, stop: bigint, step: bigint): GoInt[] {
  const v: GoInt[] = [];
  const count = (a: bigint, b: bigint, s: bigint): bigint =>
    s === 0n ? 0n : (b - a + s - (s > 0n ? 1n : -1n)) / s;
  if (stop < start) {
    if (step >= 0n) return typedSlice(v, 'int');
    checkListLength(Number(count(start, stop, step)), 'untilStep');
    for (let i = start; i > stop; i += step) v.push(new GoInt(i));
    return typedSlice(v, 'int');
  }
  if (step <= 0n) return typedSlice(v, 'int');
  checkListLength(Number(count(start, stop, step)), 'untilStep');
  for (let i = start; i < stop; i += step) v.push(new GoInt(i));
  return typedSlice(v, 'int');
}

function seq(...p: GoInt[]): string {
  const params = p.map((x) => x.v);
  let inc = 1n;
  let r: GoInt[];
  switch (params.length) {
    case 0:
      return '';
    case 1: {
      const end = params[0]!;
      if (end < 1n) inc = -1n;
      r = untilStep(1n, end + inc, inc);
      break;
    }
    case 3: {
      const [start, step, end] = params as [bigint, bigint, bigint];
      if (end < start) {
        inc = -1n;
        if (step > 0n) return '';
      }
      r = untilStep(start, end + inc, step);
      break;
    }
    case 2: {
      const [start, end] = params as [bigint, bigint];
      const step = end < start ? -1n : 1n;
      r = untilStep(start, end + step, step);
      break;
    }
    default:
      return '';
  }
  return r.map((x) => x.v.toString()).join(' ');
}

function goRound(a: unknown, p: GoInt, ...rOpt: number[]): number {
  const roundOn = rOpt.length > 0 ? rOpt[0]! : 0.5;
  const val = toFloat64(a);
  const pow = Math.pow(10, Number(p.v));
  const digit = pow * val;
  const div = digit - Math.trunc(digit);
  const r = div >= roundOn ? Math.ceil(digit) : Math.floor(digit);
  return r / pow;
}

function intDiv(a: bigint, b: bigint, mod: boolean): bigint {
  if (b === 0n) throw new FuncError('runtime error: integer divide by zero');
  return mod ? a % b : I64(a / b);
}

/** The functions; randInt draws from `env`. */
export const mathFuncs = (env: TemplateEnvironment): FuncMap => ({
  atoi: fn(['string'], (s: string) => {
    const t = s.replace(/^[+]/, '');
    if (!/^-?\d+$/.test(t) && !/^\+\d+$/.test(s)) return new GoInt(0n);
    // strconv.Atoi returns the clamped value (with an ignored range error) for out-of-range input
    const v = BigInt(t);
    if (v < -(2n ** 63n)) return new GoInt(-(2n ** 63n));
    if (v >= 2n ** 63n) return new GoInt(2n ** 63n - 1n);
    return new GoInt(v);
  }),
  int64: fn(['any'], toInt64),
  int: fn(['any'], toInt),
  float64: fn(['any'], toFloat64),
  seq: fn([], seq, 'int'),
  toDecimal: fn(['any'], (v: unknown) => {
    const s = sprint([v]);
    if (!/^[+-]?[0-7]+$/.test(s)) return 0n;
    const r = BigInt('0o' + s.replace(/^[+-]/, '')) * (s.startsWith('-') ? -1n : 1n);
    if (r < -(2n ** 63n) || r >= 2n ** 63n) return 0n;
    return r;
  }),
  until: fn(['int'], (c: GoInt) => untilStep(0n, c.v, c.v < 0n ? -1n : 1n)),
  untilStep: fn(['int', 'int', 'int'], (a: GoInt, b: GoInt, c: GoInt) => untilStep(a.v, b.v, c.v)),
  add1: fn(['any'], (i: unknown) => I64(toInt64(i) + 1n)),
  add: fn([], (...i: unknown[]) => i.reduce<bigint>((a, b) => I64(a + toInt64(b)), 0n), 'any'),
  sub: fn(['any', 'any'], (a: unknown, b: unknown) => I64(toInt64(a) - toInt64(b))),
  div: fn(['any', 'any'], (a: unknown, b: unknown) => intDiv(toInt64(a), toInt64(b), false)),
  mod: fn(['any', 'any'], (a: unknown, b: unknown) => intDiv(toInt64(a), toInt64(b), true)),
  mul: fn(
    ['any'],
    (a: unknown, ...v: unknown[]) => v.reduce<bigint>((x, b) => I64(x * toInt64(b)), toInt64(a)),
    'any',
  ),
  randInt: fn(['int', 'int'], (min: GoInt, max: GoInt) => {
    const span = max.v - min.v;
    if (span <= 0n) throw new FuncError('invalid argument to Intn');
    return new GoInt(min.v + randomBelow(env, span));
  }),
  add1f: fn(['any'], (i: unknown) => decOp(i, [new GoInt(1n)], decAdd)),
  addf: fn([], (...i: unknown[]) => decOp(0, i, decAdd), 'any'),
  subf: fn(['any'], (a: unknown, ...v: unknown[]) => decOp(a, v, decSub), 'any'),
  divf: fn(['any'], (a: unknown, ...v: unknown[]) => decOp(a, v, decDiv), 'any'),
  mulf: fn(['any'], (a: unknown, ...v: unknown[]) => decOp(a, v, decMul), 'any'),
  biggest: fn(
    ['any'],
    (a: unknown, ...i: unknown[]) => i.map(toInt64).reduce((x, y) => (y > x ? y : x), toInt64(a)),
    'any',
  ),
  max: fn(
    ['any'],
    (a: unknown, ...i: unknown[]) => i.map(toInt64).reduce((x, y) => (y > x ? y : x), toInt64(a)),
    'any',
  ),
  min: fn(
    ['any'],
    (a: unknown, ...i: unknown[]) => i.map(toInt64).reduce((x, y) => (y < x ? y : x), toInt64(a)),
    'any',
  ),
  maxf: fn(
    ['any'],
    (a: unknown, ...i: unknown[]) => i.map(toFloat64).reduce((x, y) => goMax(x, y), toFloat64(a)),
    'any',
  ),
  minf: fn(
    ['any'],
    (a: unknown, ...i: unknown[]) => i.map(toFloat64).reduce((x, y) => goMin(x, y), toFloat64(a)),
    'any',
  ),
  ceil: fn(['any'], (a: unknown) => Math.ceil(toFloat64(a))),
  floor: fn(['any'], (a: unknown) => Math.floor(toFloat64(a))),
  round: { params: ['any', 'int'], variadic: 'float64', fn: goRound },
});

function goMax(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  return Math.max(x, y);
}
function goMin(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  return Math.min(x, y);
}

export { intValue };
