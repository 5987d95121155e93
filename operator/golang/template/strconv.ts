/** Go strconv pieces needed by fmt and the template engine: float formatting and quoting. */
import { goNormalize } from './gostrings.js';

/** Exact decimal digits of a finite non-negative float: value = 0.d1d2d3... * 10^dp. */
interface Decimal {
  d: string; // digits without leading/trailing zeros ("" for zero)
  dp: number; // decimal point position
}

function exactDecimal(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const exp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (exp === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = exp - 1075;
  }
  let s: string;
  let dp: number;
  if (e >= 0) {
    s = (mant << BigInt(e)).toString();
    dp = s.length;
  } else {
    // mant / 2^-e = mant * 5^-e / 10^-e
    s = (mant * 5n ** BigInt(-e)).toString();
    dp = s.length + e;
  }
  const trimmed = s.replace(/0+$/, '');
  const lead = trimmed.match(/^0*/)![0].length;
  return { d: trimmed.slice(lead), dp: dp - lead };
}

/** Shortest round-trip digits (same digits Go's strconv picks for precision -1). */
function shortestDecimal(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  const s = x.toExponential(); // "d.ddde+N"
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s)!;
  const digits = (m[1]! + (m[2] ?? '')).replace(/0+$/, '');
  return { d: digits, dp: Number(m[3]) + 1 };
}

/** Rounds exact digits to nd digits with Go's rule (round half to even on exact ties). */
function roundDecimal(dec: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= dec.d.length) return dec;
  const next = dec.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (next > 5) up = true;
  else if (next < 5) up = false;
  else if (nd + 1 < dec.d.length) up = true;
  else up = nd > 0 && (dec.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  let d = dec.d.slice(0, nd);
  let dp = dec.dp;
  if (up) {
    let i = d.length - 1;
    while (i >= 0 && d[i] === '9') i--;
    if (i < 0) {
      d = '1';
      dp++;
    } else {
      d = d.slice(0, i) + String.fromCharCode(d.charCodeAt(i) + 1);
    }
  }
  d = d.replace(/0+$/, '');
  return { d, dp };
}

function digitAt(d: Decimal, i: number): string {
  return i < d.d.length ? d.d[i]! : '0';
}

function fmtE(d: Decimal, prec: number, ch: string): string {
  let s = digitAt(d, 0);
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += digitAt(d, i);
  }
  const exp = d.d.length === 0 ? 0 : d.dp - 1;
  const a = Math.abs(exp);
  return s + ch + (exp < 0 ? '-' : '+') + (a < 10 ? '0' + a : String(a));
}

function fmtF(d: Decimal, prec: number): string {
  let s = '';
  if (d.dp > 0) {
    for (let i = 0; i < d.dp; i++) s += digitAt(d, i);
  } else s = '0';
  if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) {
      const j = d.dp + i;
      s += j < 0 || j >= d.d.length ? '0' : d.d[j]!;
    }
  }
  return s;
}

/** strconv.FormatFloat(x, fmt, prec, 64) for fmt in e E f F g G (and 'b' is not supported). */
export function formatFloat(x: number, fmt: string, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const ax = Math.abs(x);
  if (fmt === 'x' || fmt === 'X') return (neg ? '-' : '') + hexFloat(ax, prec, fmt === 'X');
  if (fmt === 'b') return (neg ? '-' : '') + binaryFloat(ax);
  const shortest = prec < 0;
  let d: Decimal;
  if (shortest) {
    d = shortestDecimal(ax);
  } else {
    const exact = exactDecimal(ax);
    switch (fmt) {
      case 'e':
      case 'E':
        d = roundDecimal(exact, prec + 1);
        break;
      case 'f':
      case 'F':
        d = roundDecimal(exact, exact.dp + prec);
        break;
      default: // g G
        d = roundDecimal(exact, prec === 0 ? 1 : prec);
    }
  }
  let body: string;
  switch (fmt) {
    case 'e':
    case 'E':
      body = fmtE(d, shortest ? Math.max(d.d.length - 1, 0) : prec, fmt);
      break;
    case 'f':
    case 'F':
      body = fmtF(d, shortest ? Math.max(d.d.length - d.dp, 0) : prec);
      break;
    default: {
      const nd = d.d.length;
      let p = shortest ? nd : prec === 0 ? 1 : prec;
      let eprec = p;
      if (eprec > nd && nd >= d.dp) eprec = nd;
      if (shortest) eprec = 6;
      const exp = d.dp - 1;
      if (nd !== 0 && (exp < -4 || exp >= eprec)) {
        if (p > nd) p = nd;
        body = fmtE(d, p - 1, fmt === 'G' ? 'E' : 'e');
      } else {
        if (p > d.dp) p = nd;
        body = fmtF(d, Math.max(p - d.dp, 0));
      }
    }
  }
  return (neg ? '-' : '') + body;
}

const ESC: Record<number, string> = {
  7: '\\a',
  8: '\\b',
  12: '\\f',
  10: '\\n',
  13: '\\r',
  9: '\\t',
  11: '\\v',
};

/** unicode.IsPrint approximation: letters, marks, numbers, punctuation, symbols and ASCII space. */
export function isPrint(cp: number): boolean {
  if (cp === 0x20) return true;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp === 0xad) return false;
  const ch = String.fromCodePoint(cp);
  return /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch);
}

/** strconv.Quote (asciiOnly => QuoteToASCII). */
export function quote(s: string, q = '"', asciiOnly = false): string {
  let out = q;
  for (const ch of goNormalize(s)) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xdc80 && cp <= 0xdcff) {
      // a byte outside valid UTF-8
      out += '\\x' + (cp - 0xdc00).toString(16);
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      out += '\\ufffd';
      continue;
    }
    if (ch === q || ch === '\\') {
      out += '\\' + ch;
      continue;
    }
    if (cp < 0x80 ? cp >= 0x20 && cp < 0x7f : !asciiOnly && isPrint(cp)) {
      out += ch;
      continue;
    }
    if (ESC[cp]) out += ESC[cp];
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + q;
}

/** strconv.CanBackquote */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '`' || cp === 0xfeff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    if (cp < 0x20 && cp !== 9) return false;
    if (cp === 0x7f) return false;
  }
  return true;
}

/** strconv.Unquote for "...", `...` and '...' literals. Throws Error("invalid syntax") like Go. */
export function unquote(s: string): string {
  const q = s[0];
  if (s.length < 2 || s[s.length - 1] !== q) throw new Error('invalid syntax');
  const body = s.slice(1, -1);
  if (q === '`') {
    if (body.includes('`')) throw new Error('invalid syntax');
    return body.replace(/\r/g, '');
  }
  if (q !== '"' && q !== "'") throw new Error('invalid syntax');
  let out = '';
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === q || c === '\n') throw new Error('invalid syntax');
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const [r, n] = unquoteEscape(body, i + 1, q);
    out += r;
    i = n;
  }
  if (q === "'" && [...out].length !== 1) throw new Error('invalid syntax');
  return q === '"' ? goNormalize(out) : out;
}

/** \xNN and \NNN: one byte in a string literal (see gostrings.ts), the rune U+00NN in a char constant. */
function rawByte(v: number, q: string): string {
  return q === '"' && v >= 0x80 ? String.fromCharCode(0xdc00 + v) : String.fromCharCode(v);
}

function unquoteEscape(s: string, i: number, q: string): [string, number] {
  const c = s[i];
  const simple: Record<string, string> = {
    a: '\x07',
    b: '\b',
    f: '\f',
    n: '\n',
    r: '\r',
    t: '\t',
    v: '\v',
    '\\': '\\',
  };
  if (c === undefined) throw new Error('invalid syntax');
  if (simple[c] !== undefined) return [simple[c], i + 1];
  if (c === q) return [c, i + 1];
  if (c === 'x' || c === 'u' || c === 'U') {
    const n = c === 'x' ? 2 : c === 'u' ? 4 : 8;
    const hex = s.slice(i + 1, i + 1 + n);
    if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) throw new Error('invalid syntax');
    const v = parseInt(hex, 16);
    if (c === 'x') return [rawByte(v, q), i + 1 + n];
    if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) throw new Error('invalid syntax');
    return [String.fromCodePoint(v), i + 1 + n];
  }
  if (c >= '0' && c <= '7') {
    const oct = s.slice(i, i + 3);
    if (!/^[0-7]{3}$/.test(oct)) throw new Error('invalid syntax');
    const v = parseInt(oct, 8);
    if (v > 255) throw new Error('invalid syntax');
    return [rawByte(v, q), i + 3];
  }
  throw new Error('invalid syntax');
}

/** strconv.ParseInt(s, 0, 64) semantics: base prefixes, underscores only with a prefix... returns null on error. */
export function parseGoInt(text: string): bigint | null {
  let s = text;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '') return null;
  let base = 10;
  let prefixed = false;
  if (s[0] === '0' && s.length > 1) {
    const p = s[1]!.toLowerCase();
    if (p === 'x') base = 16;
    else if (p === 'o') base = 8;
    else if (p === 'b') base = 2;
    else base = 8;
    if (p === 'x' || p === 'o' || p === 'b') {
      s = s.slice(2);
      prefixed = true;
    } else {
      s = s.slice(1);
      prefixed = true;
    }
  }
  // underscores: only allowed between digits / after the base prefix (Go's underscoreOK)
  if (s.includes('_')) {
    if (!prefixed && base === 10 && !/^\d+(_\d+)*$/.test(s)) return null;
    if (prefixed && !/^_?[0-9a-fA-F]+(_[0-9a-fA-F]+)*$/.test(s)) return null;
    s = s.replace(/_/g, '');
  }
  if (s === '') return null;
  const valid =
    base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!valid.test(s)) return null;
  let v = 0n;
  const B = BigInt(base);
  for (const ch of s) v = v * B + BigInt(parseInt(ch, 16));
  if (neg) v = -v;
  return v;
}

/** strconv 'x' format: -0x1.23abcp+20 */
function hexFloat(x: number, prec: number, upper: boolean): string {
  let mant: bigint;
  let exp: number;
  if (x === 0) {
    mant = 0n;
    exp = 0;
  } else {
    const buf = new DataView(new ArrayBuffer(8));
    buf.setFloat64(0, x);
    const hi = buf.getUint32(0);
    const lo = buf.getUint32(4);
    const e = (hi >>> 20) & 0x7ff;
    mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    if (e === 0) {
      // subnormal: normalise
      exp = -1022;
      while ((mant & (1n << 52n)) === 0n) {
        mant <<= 1n;
        exp--;
      }
      mant &= (1n << 52n) - 1n;
    } else exp = e - 1023;
  }
  // 1 leading bit + 52 fraction bits = 1 hex digit + 13 hex digits; round half to even on the kept bits
  let lead = x === 0 ? 0n : 1n;
  let frac = mant;
  let digits = 13;
  if (prec >= 0 && prec < 13) {
    const shift = BigInt((13 - prec) * 4);
    let kept = ((lead << 52n) | mant) >> shift;
    const rem = mant & ((1n << shift) - 1n);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (kept & 1n) === 1n)) kept += 1n;
    if (kept >> BigInt(prec * 4) >= 2n) {
      kept >>= 1n;
      exp++;
    }
    lead = kept >> BigInt(prec * 4);
    frac = kept & ((1n << BigInt(prec * 4)) - 1n);
    digits = prec;
  }
  let fs = digits > 0 ? frac.toString(16).padStart(digits, '0') : '';
  if (prec < 0) fs = fs.replace(/0+$/, '');
  else if (prec > 13) fs = fs.padEnd(prec, '0');
  const ae = Math.abs(exp);
  let out =
    '0x' +
    lead.toString() +
    (fs ? '.' + fs : '') +
    'p' +
    (exp < 0 ? '-' : '+') +
    (ae < 10 ? '0' + ae : String(ae));
  if (upper) out = out.toUpperCase();
  return out;
}

/** strconv 'b' format: decimal mantissa "p" binary exponent, e.g. 1.5 => 6755399441055744p-52 */
function binaryFloat(x: number): string {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const e = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp = -1074;
  if (e !== 0) {
    mant |= 1n << 52n;
    exp = e - 1075;
  }
  return `${mant}p${exp >= 0 ? '+' : '-'}${Math.abs(exp)}`;
}
