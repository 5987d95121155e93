/** spf13/cast conversions as sprig uses them (ToInt64, ToInt, ToFloat64), plus sprig's strval and Go-JSON. */
import { compareGoStrings, goQuote } from '../json/marshal.js';
import { sprint, stringerOf } from '../template/fmt.js';
import { parseGoInt } from '../template/strconv.js';
import {
  GoBytes,
  GoDuration,
  GoInt,
  GoStruct,
  GoTime,
  NO_VALUE,
  intValue,
  isIntValue,
  isMap,
  isNilSlice,
} from '../template/value.js';
import { FuncError } from '../template/funcs.js';
import { goDecode } from '../template/gostrings.js';

function wrap64(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

/**
 * cast v1.10's trimDecimal: a decimal number string keeps its integer part and sign ("3.7" -> "3",
 * "-2.5" -> "-2", ".5" -> "0", "-.5" -> "-0"); anything else is left for ParseInt to judge.
 */
function trimDecimal(s: string): string {
  if (!s.includes('.')) return s;
  const m = /^([-+]?\d*)(\.\d*)?$/.exec(s);
  if (!m) return s;
  const head = m[1]!;
  return head === '' ? '0' : head === '-' || head === '+' ? head + '0' : head;
}

export function toInt64(v: unknown): bigint {
  if (v === null || v === undefined || v === NO_VALUE) return 0n;
  if (typeof v === 'bigint') return v;
  if (v instanceof GoInt) return v.v;
  if (v instanceof GoDuration) return v.ns;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return -(2n ** 63n);
    const t = Math.trunc(v);
    if (Math.abs(t) >= 2 ** 63) return -(2n ** 63n);
    return BigInt(t);
  }
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string') {
    const r = parseGoInt(trimDecimal(v));
    if (r === null || r < -(2n ** 63n) || r >= 2n ** 63n) return 0n;
    return r;
  }
  return 0n;
}

export function toInt(v: unknown): GoInt {
  return new GoInt(wrap64(toInt64(v)), 'int');
}

export function toFloat64(v: unknown): number {
  if (v === null || v === undefined || v === NO_VALUE) return 0;
  if (typeof v === 'number') return v;
  if (isIntValue(v)) return Number(intValue(v));
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const f = parseGoFloat(v);
    return f === null ? 0 : f;
  }
  return 0;
}

/** sprig's strval: strings as is, Stringers via String(), everything else fmt %v. */
export function strval(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof GoBytes) return goDecode(v.b);
  const s = stringerOf(v);
  if (s) return s();
  return sprint([v === NO_VALUE ? null : v]);
}

/** Go encoding/json Marshal of a template value. */
export function goJson(v: unknown, escapeHTML = true, indent = ''): string {
  const out: string[] = [];
  writeJson(v, out, escapeHTML, indent, '');
  return out.join('');
}

function quoteJ(s: string, escapeHTML: boolean): string {
  return goQuote(s, escapeHTML);
}

function floatJson(f: number): string {
  if (!Number.isFinite(f)) throw new FuncError(`json: unsupported value: ${sprint([f])}`);
  if (Object.is(f, -0)) return '-0';
  return String(f);
}

function writeJson(v: unknown, out: string[], esc: boolean, indent: string, prefix: string): void {
  const nl = indent ? '\n' : '';
  if (v === null || v === undefined || v === NO_VALUE) out.push('null');
  else if (typeof v === 'string') out.push(quoteJ(v, esc));
  else if (typeof v === 'number') out.push(floatJson(v));
  else if (typeof v === 'bigint') out.push(v.toString());
  else if (v instanceof GoInt) out.push(v.v.toString());
  else if (v instanceof GoDuration) out.push(v.ns.toString());
  else if (typeof v === 'boolean') out.push(v ? 'true' : 'false');
  else if (v instanceof GoBytes) out.push('"' + Buffer.from(v.b).toString('base64') + '"');
  else if (v instanceof GoTime) out.push('"' + v.toString() + '"');
  else if (Array.isArray(v)) {
    if (isNilSlice(v)) {
      out.push('null');
      return;
    }
    if (v.length === 0) {
      out.push('[]');
      return;
    }
    out.push('[');
    v.forEach((x, i) => {
      if (i > 0) out.push(',');
      out.push(nl + prefix + indent);
      writeJson(x, out, esc, indent, prefix + indent);
    });
    out.push(nl + prefix + ']');
  } else if (v instanceof GoStruct || isMap(v)) {
    const obj = v instanceof GoStruct ? v.fields : (v as Record<string, unknown>);
    const keys = v instanceof GoStruct ? Object.keys(obj) : Object.keys(obj).sort(compareGoStrings);
    if (keys.length === 0) {
      out.push('{}');
      return;
    }
    out.push('{');
    keys.forEach((k, i) => {
      if (i > 0) out.push(',');
      out.push(nl + prefix + indent);
      out.push(quoteJ(k, esc), indent ? ': ' : ':');
      writeJson(obj[k], out, esc, indent, prefix + indent);
    });
    out.push(nl + prefix + '}');
  } else throw new FuncError('json: unsupported type');
}

/**
 * strconv.ParseFloat(s, 64): decimal and hexadecimal (`0x1p3`) literals with Go's underscore rules,
 * inf/infinity/nan in any case. null for a syntax or range error (cast then yields 0).
 */
export function parseGoFloat(text: string): number | null {
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text[0] === '-' ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(text)) return NaN;
  const neg = text[0] === '-';
  const body = text.replace(/^[+-]/, '');
  if (body.includes('_') && !underscoresOk(body)) return null;
  const s = body.replace(/_/g, '');
  let v: number;
  const hex = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(s);
  if (hex) {
    const [, int = '', frac = ''] = hex;
    if (int === '' && frac === '') return null;
    const mant = BigInt('0x' + ((int + frac).replace(/^0+/, '') || '0'));
    const exp = Number(hex[3]) - 4 * frac.length;
    v = Number(mant) * 2 ** exp;
  } else if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    v = Number(s);
  } else return null;
  if (!Number.isFinite(v)) return null;
  return neg ? -v : v;
}

/** Go's underscoreOK: '_' only between digits, or after a base prefix. */
function underscoresOk(s: string): boolean {
  let saw = '^';
  let i = 0;
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && /[bBoOxX]/.test(s[1]!)) {
    i = 2;
    saw = '0';
    hex = /[xX]/.test(s[1]!);
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (/[0-9]/.test(c) || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}
