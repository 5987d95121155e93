/**
 * A JSON tree that keeps what gjson observes in raw JSON text: object key order (duplicates
 * included) and the literal text of numbers and strings. gjson/sjson work on raw text; the agent always
 * feeds them the compact Go-JSON encoding of an object, so a tree that re-serialises compactly with the
 * original literals gives the same `Raw` as gjson would cut out of that text.
 */
import { goQuote, compareGoStrings } from '../json/marshal.js';

export type JNode = JNull | JTrue | JFalse | JNum | JStr | JArr | JObj;
export interface JNull {
  readonly t: 'null';
  /** The literal as scanned when it is not exactly `null` (see rawtext.ts). */
  readonly raw?: string;
}
export interface JTrue {
  readonly t: 'true';
  /** The literal as scanned when it is not exactly `true` (see rawtext.ts). */
  readonly raw?: string;
}
export interface JFalse {
  readonly t: 'false';
  /** The literal as scanned when it is not exactly `false` (see rawtext.ts). */
  readonly raw?: string;
}
export interface JNum {
  readonly t: 'num';
  readonly raw: string;
}
export interface JStr {
  readonly t: 'str';
  readonly str: string;
  /** Original quoted literal when parsed from text; otherwise Go's quoting is used. */
  readonly raw?: string;
}
export interface JArr {
  readonly t: 'arr';
  readonly items: readonly JNode[];
  /** Raw text when it is not the compact encoding (the result of `@pretty`). */
  readonly text?: string;
}
export interface JObj {
  readonly t: 'obj';
  readonly keys: readonly string[];
  readonly vals: readonly JNode[];
  readonly text?: string;
}

export const NULL: JNull = { t: 'null' };
export const TRUE: JTrue = { t: 'true' };
export const FALSE: JFalse = { t: 'false' };

/** A number literal's float64 as gjson reads it (strconv.ParseFloat, 0 on a syntax error). */
export function numValue(raw: string): number {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) return Number(raw);
  if (/^[+-]?(inf|infinity)$/i.test(raw)) return raw.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(raw)) return NaN;
  return 0;
}

export function num(raw: string): JNum {
  return { t: 'num', raw };
}
export function str(s: string, raw?: string): JStr {
  return raw === undefined ? { t: 'str', str: s } : { t: 'str', str: s, raw };
}
export function arr(items: readonly JNode[]): JArr {
  return { t: 'arr', items };
}
export function obj(keys: readonly string[], vals: readonly JNode[]): JObj {
  return { t: 'obj', keys, vals };
}

/** Compact JSON text of a node, as gjson's `Raw` would show it for compact input. */
export function rawOf(n: JNode): string {
  const out: string[] = [];
  writeRaw(n, out);
  return out.join('');
}

function writeRaw(n: JNode, out: string[]): void {
  switch (n.t) {
    case 'null':
    case 'true':
    case 'false':
      out.push(n.raw ?? n.t);
      return;
    case 'num':
      out.push(n.raw);
      return;
    case 'str':
      out.push(n.raw ?? goQuote(n.str));
      return;
    case 'arr':
      if (n.text !== undefined) {
        out.push(n.text);
        return;
      }
      out.push('[');
      n.items.forEach((it, i) => {
        if (i > 0) out.push(',');
        writeRaw(it, out);
      });
      out.push(']');
      return;
    case 'obj':
      if (n.text !== undefined) {
        out.push(n.text);
        return;
      }
      out.push('{');
      n.keys.forEach((k, i) => {
        if (i > 0) out.push(',');
        out.push(goQuote(k), ':');
        writeRaw(n.vals[i]!, out);
      });
      out.push('}');
      return;
  }
}

/** Go's float64 text as `encoding/json` writes it (JavaScript's shortest formatting agrees). */
export function goNumberText(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`json: unsupported value: ${goFloatName(v)}`);
  return Object.is(v, -0) ? '-0' : String(v);
}

function goFloatName(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
}

/**
 * Tree of a JavaScript value (an unstructured object), keys in Go-JSON order (sorted by bytes), as
 * the agent's `json.Marshal(obj)` produces before gjson/sjson see it.
 */
export function fromJs(v: unknown): JNode {
  if (v === null || v === undefined) return { t: 'null' };
  switch (typeof v) {
    case 'string':
      return str(v);
    case 'boolean':
      return { t: v ? 'true' : 'false' } as JTrue | JFalse;
    case 'number':
      return num(goNumberText(v));
    case 'bigint':
      return num(v.toString());
    case 'object': {
      if (Array.isArray(v)) return arr(v.map(fromJs));
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o).sort(compareGoStrings);
      return obj(
        keys,
        keys.map((k) => fromJs(o[k])),
      );
    }
    default:
      throw new Error(`json: unsupported type: ${typeof v}`);
  }
}

/**
 * Plain JavaScript value of a tree, as Go's `json.Unmarshal` into `map[string]any` gives it: every
 * number a float64 (JavaScript number); duplicate keys: the last one wins.
 */
export function toJs(n: JNode): unknown {
  switch (n.t) {
    case 'null':
      return null;
    case 'true':
      return true;
    case 'false':
      return false;
    case 'num':
      return numValue(n.raw);
    case 'str':
      return n.str;
    case 'arr':
      return n.items.map(toJs);
    case 'obj': {
      const o: Record<string, unknown> = {};
      n.keys.forEach((k, i) => {
        o[k] = toJs(n.vals[i]!);
      });
      return o;
    }
  }
}

export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
}

/** Parses JSON text into a tree, keeping number and string literals. Strict JSON (RFC 8259). */
export function parseJson(text: string): JNode {
  const p = new Parser(text);
  p.ws();
  const v = p.value();
  p.ws();
  if (p.i !== text.length) p.fail('unexpected trailing data');
  return v;
}

/** True when the text is one valid JSON value (gjson.Valid). */
export function validJson(text: string): boolean {
  try {
    parseJson(text);
    return true;
  } catch {
    return false;
  }
}

const NUMBER_RE = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class Parser {
  i = 0;
  readonly s: string;
  constructor(s: string) {
    this.s = s;
  }

  fail(msg: string): never {
    throw new JsonSyntaxError(`invalid JSON at offset ${this.i}: ${msg}`);
  }

  ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i++;
      else break;
    }
  }

  value(): JNode {
    const s = this.s;
    const c = s[this.i];
    switch (c) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"': {
        const start = this.i;
        const v = this.string();
        return str(v, s.slice(start, this.i));
      }
      // Fresh leaf objects (not the shared constants): sjson locates gjson results by identity.
      case 't':
        return this.word('true', { t: 'true' });
      case 'f':
        return this.word('false', { t: 'false' });
      case 'n':
        return this.word('null', { t: 'null' });
      default: {
        NUMBER_RE.lastIndex = this.i;
        const m = NUMBER_RE.exec(s);
        if (!m || m[0].length === 0) this.fail(`unexpected character ${JSON.stringify(c ?? 'EOF')}`);
        this.i += m[0].length;
        return num(m[0]);
      }
    }
  }

  word<T extends JNode>(w: string, v: T): T {
    if (!this.s.startsWith(w, this.i)) this.fail(`expected ${w}`);
    this.i += w.length;
    return v;
  }

  string(): string {
    const s = this.s;
    const start = this.i;
    this.i++;
    let simple = true;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 0x22) {
        this.i++;
        const lit = s.slice(start, this.i);
        if (simple) return lit.slice(1, -1);
        try {
          return JSON.parse(lit) as string;
        } catch {
          this.fail('invalid string escape');
        }
      }
      if (c === 0x5c) {
        simple = false;
        this.i += 2;
        continue;
      }
      if (c < 0x20) this.fail('control character in string');
      this.i++;
    }
    return this.fail('unterminated string');
  }

  array(): JArr {
    this.i++;
    const items: JNode[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return arr(items);
    }
    for (;;) {
      this.ws();
      items.push(this.value());
      this.ws();
      const c = this.s[this.i];
      this.i++;
      if (c === ']') return arr(items);
      if (c !== ',') this.fail('expected , or ]');
    }
  }

  object(): JObj {
    this.i++;
    const keys: string[] = [];
    const vals: JNode[] = [];
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return obj(keys, vals);
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('expected object key');
      keys.push(this.string());
      this.ws();
      if (this.s[this.i] !== ':') this.fail('expected :');
      this.i++;
      this.ws();
      vals.push(this.value());
      this.ws();
      const c = this.s[this.i];
      this.i++;
      if (c === '}') return obj(keys, vals);
      if (c !== ',') this.fail('expected , or }');
    }
  }
}

/**
 * Byte offsets (UTF-8) of the given nodes within the compact encoding of `root`: gjson's
 * `Result.Index` for values found at a real location.
 */
export function byteOffsets(root: JNode, targets: ReadonlySet<JNode>): Map<JNode, number> {
  const found = new Map<JNode, number>();
  let pos = 0;
  const walk = (n: JNode): void => {
    if (targets.has(n) && !found.has(n)) found.set(n, pos);
    switch (n.t) {
      case 'arr':
        pos += 1;
        n.items.forEach((it, i) => {
          if (i > 0) pos += 1;
          walk(it);
        });
        pos += 1;
        return;
      case 'obj':
        pos += 1;
        n.keys.forEach((k, i) => {
          if (i > 0) pos += 1;
          pos += Buffer.byteLength(goQuote(k)) + 1;
          walk(n.vals[i]!);
        });
        pos += 1;
        return;
      default:
        pos += Buffer.byteLength(rawOf(n));
    }
  };
  walk(root);
  return found;
}
