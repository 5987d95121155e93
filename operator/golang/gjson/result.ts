/**
 * gjson's `Result`: the value found at a path, with gjson's type names and coercions (String, Int,
 * Float, Bool, Exists, Value). A missing value is `Result.missing` (Type Null, Raw "").
 */
import { type JNode, numValue, rawOf, toJs } from './node.js';
import { scannedTree } from './rawtext.js';

const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/** True when the tree holds a literal that is no JSON (`!1.5.x` and `!nan` path literals). */
function holdsNonJsonLiteral(n: JNode): boolean {
  switch (n.t) {
    case 'num':
      return !JSON_NUMBER.test(n.raw);
    case 'arr':
      return n.items.some(holdsNonJsonLiteral);
    case 'obj':
      return n.vals.some(holdsNonJsonLiteral);
    case 'str':
      return false;
    default:
      return n.raw !== undefined;
  }
}

/** Value() of a tree: like toJs, but the first of duplicate keys wins (gjson's arrayOrMap). */
function gjsonValue(n: JNode, nested = false): unknown {
  if (n.t === 'arr') return n.items.map((x) => gjsonValue(x, true));
  if (n.t !== 'obj') {
    // inside a container gjson reads a literal starting with `n` as null (a `nan` literal included)
    if (nested && n.t === 'num' && n.raw.startsWith('n')) return null;
    return toJs(n);
  }
  const o: Record<string, unknown> = {};
  n.keys.forEach((k, i) => {
    if (!Object.prototype.hasOwnProperty.call(o, k)) o[k] = gjsonValue(n.vals[i]!, true);
  });
  return o;
}

export type ResultType = 'Null' | 'False' | 'Number' | 'String' | 'True' | 'JSON';

export class Result {
  static readonly missing = new Result(undefined);
  #raw: string | undefined;

  readonly node: JNode | undefined;
  constructor(node: JNode | undefined) {
    this.node = node;
  }

  get type(): ResultType {
    const n = this.node;
    if (!n) return 'Null';
    switch (n.t) {
      case 'null':
        return 'Null';
      case 'false':
        return 'False';
      case 'true':
        return 'True';
      case 'num':
        return 'Number';
      case 'str':
        return 'String';
      default:
        return 'JSON';
    }
  }

  /** The raw JSON text of the value ("" when missing). */
  get raw(): string {
    if (this.#raw === undefined) this.#raw = this.node ? rawOf(this.node) : '';
    return this.#raw;
  }

  /** The string value for strings, "" otherwise (gjson's `Str` field). */
  get str(): string {
    return this.node?.t === 'str' ? this.node.str : '';
  }

  /** The float64 value for numbers, 0 otherwise (gjson's `Num` field). */
  get num(): number {
    return this.node?.t === 'num' ? numValue(this.node.raw) : 0;
  }

  exists(): boolean {
    return this.node !== undefined;
  }

  /** gjson's String(): string as-is, integer literal as written, other numbers in 'f' format. */
  string(): string {
    const n = this.node;
    if (!n) return '';
    switch (n.t) {
      case 'null':
        return '';
      case 'false':
      case 'true':
        return n.t;
      case 'num':
        return /^-?[0-9]+$/.test(n.raw) ? n.raw : formatFloatF(numValue(n.raw));
      case 'str':
        return n.str;
      default:
        return this.raw;
    }
  }

  bool(): boolean {
    const n = this.node;
    if (!n) return false;
    if (n.t === 'true') return true;
    if (n.t === 'num') return numValue(n.raw) !== 0;
    if (n.t === 'str') return ['1', 't', 'true'].includes(n.str.toLowerCase());
    return false;
  }

  /** Int() as int64 (BigInt). */
  int(): bigint {
    const n = this.node;
    if (!n) return 0n;
    if (n.t === 'true') return 1n;
    if (n.t === 'str') return parseIntPrefix(n.str);
    if (n.t === 'num') {
      const f = numValue(n.raw);
      if (Number.isSafeInteger(f)) return BigInt(f);
      // gjson parses the literal with silent int64 wrap-around
      if (/^-?[0-9]+$/.test(n.raw)) return BigInt.asIntN(64, BigInt(n.raw));
      return float64ToInt64(f);
    }
    return 0n;
  }

  float(): number {
    const n = this.node;
    if (!n) return 0;
    if (n.t === 'true') return 1;
    if (n.t === 'num') return numValue(n.raw);
    if (n.t === 'str') return parseGoFloat(n.str);
    return 0;
  }

  /** Value(): string, float64 number, bool, null, or maps/arrays thereof (numbers are doubles). */
  value(): unknown {
    const n = this.node;
    if (!n) return null;
    // gjson re-reads Raw: text that is no JSON splits where its brackets balance, not as built
    if ((n.t === 'arr' || n.t === 'obj') && holdsNonJsonLiteral(n)) {
      const scanned = scannedTree(rawOf(n));
      return scanned ? gjsonValue(scanned) : null;
    }
    return gjsonValue(n);
  }

  isArray(): boolean {
    return this.node?.t === 'arr';
  }
  isObject(): boolean {
    return this.node?.t === 'obj';
  }
}

/** Go's strconv.FormatFloat(f, 'f', -1, 64): shortest round-tripping digits, never an exponent. */
export function formatFloatF(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  const s = Object.is(f, -0) ? '-0' : String(f);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, d1, frac = '', expS] = m;
  const digits = d1! + frac;
  const exp = Number(expS);
  const point = 1 + exp; // position of the decimal point within digits
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function parseIntPrefix(s: string): bigint {
  // gjson's parseInt: optional '-', then digits only; anything else gives 0.
  if (!/^-?[0-9]+$/.test(s)) return 0n;
  return BigInt.asIntN(64, BigInt(s));
}

function float64ToInt64(f: number): bigint {
  if (!Number.isFinite(f)) return -(2n ** 63n);
  const t = Math.trunc(f);
  if (t >= 2 ** 63 || t < -(2 ** 63)) return -(2n ** 63n);
  return BigInt(t);
}

function parseGoFloat(s: string): number {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  return 0;
}
