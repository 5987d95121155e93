/**
 * Go `encoding/json` output for unstructured values (maps, slices, strings, numbers, booleans, null), as the
 * Go agent produces it for hash inputs, state-store values and annotation values
 * (docs/compatibility.md#go-json): map keys sorted by byte order, `<` `>` `&` U+2028 U+2029 escaped, shortest
 * float formatting (which is what JavaScript's number formatting already gives, thresholds included), no
 * insignificant whitespace.
 *
 * `goMarshal` is `json.Marshal` (no trailing newline); `goEncode` is `json.NewEncoder(w).Encode`
 * (one trailing `\n`). Struct field order (schemas) is the schema engine's business, not this file's.
 */
import { goEncode as goStringBytes, goNormalize } from '../template/gostrings.js';

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const HTML_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

const LONE_SURROGATE = /([\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF])/;

/**
 * JSON string literal with Go's escaping rules. A byte outside valid UTF-8 (a lone surrogate, see
 * template/gostrings.ts) is written as the escape `\ufffd`, as Go does; a real U+FFFD stays literal.
 */
export function goQuote(s: string, escapeHTML = true): string {
  let q: string;
  if (/[\uD800-\uDFFF]/.test(s)) {
    const parts = goNormalize(s).split(LONE_SURROGATE);
    q = '"' + parts.map((p, i) => (i % 2 ? '\\ufffd' : JSON.stringify(p).slice(1, -1))).join('') + '"';
  } else q = JSON.stringify(s);
  if (!escapeHTML) return q.replace(/[\u2028\u2029]/g, (c) => HTML_ESCAPES[c]!);
  return HTML_UNSAFE.test(q) ? q.replace(HTML_UNSAFE, (c) => HTML_ESCAPES[c]!) : q;
}

/** Byte-order (UTF-8) comparison, which is how Go sorts map keys. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  // UTF-16 order equals UTF-8 byte order unless surrogates meet BMP characters above U+D7FF.
  if (isBelowSurrogates(a) && isBelowSurrogates(b)) return a < b ? -1 : 1;
  return Buffer.compare(goStringBytes(a), goStringBytes(b));
}

function isBelowSurrogates(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0xd800) return false;
  return true;
}

function write(v: unknown, out: string[]): void {
  if (v === null || v === undefined) {
    out.push('null');
  } else if (typeof v === 'string') {
    out.push(goQuote(v));
  } else if (typeof v === 'number') {
    if (!Number.isFinite(v))
      throw new Error(`json: unsupported value: ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`);
    out.push(Object.is(v, -0) ? '-0' : String(v));
  } else if (typeof v === 'bigint') {
    out.push(v.toString());
  } else if (typeof v === 'boolean') {
    out.push(v ? 'true' : 'false');
  } else if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(',');
      write(v[i], out);
    }
    out.push(']');
  } else if (typeof v === 'object') {
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj).sort(compareGoStrings);
    out.push('{');
    let first = true;
    for (const k of keys) {
      if (!first) out.push(',');
      first = false;
      out.push(goQuote(k), ':');
      write(obj[k], out);
    }
    out.push('}');
  } else {
    throw new Error(`json: unsupported type: ${typeof v}`);
  }
}

/** `json.Marshal(v)` for unstructured values. */
export function goMarshal(v: unknown): string {
  const out: string[] = [];
  write(v, out);
  return out.join('');
}

/** `json.NewEncoder(w).Encode(v)`: the marshalled value plus one newline. */
export function goEncode(v: unknown): string {
  return goMarshal(v) + '\n';
}
