/**
 * What gjson sees when a path is read on a value that is not an object or array.
 *
 * gjson works on raw JSON text: a path lookup skips to the first `{` or `[` of the text it is given and
 * scans from there. On a string value (`@tostr` output, a string picked by `@dig`, a query or a
 * multipath) that bracket sits inside the string literal, so the lookup scans the escaped JSON text as
 * if it were a document: `"[1,\"x\"]"` is read as an array of `1` and the string `"x\"]"` (the first
 * inner quote opens a string that runs to the literal's closing quote). This module builds the tree of
 * that scan, so the ordinary tree walk in get.ts finds exactly what gjson's scan finds.
 *
 * The scan is lenient the way gjson is: characters that cannot start a value are skipped, a string
 * runs to the next quote not escaped by an odd number of backslashes, nested containers end where
 * their brackets balance (quotes respected), numbers run to white space, `,`, `]` or `}`, and literals
 * are the run of lower-case letters.
 */
import { type JNode, type JArr, num, str } from './node.js';

/**
 * Arrays whose scan ended in an unterminated string: gjson stops there without reaching the closing
 * bracket, so `#`, `#.path` and `#(query)#` find nothing on them.
 */
export const unterminatedArrays = new WeakSet<JNode>();

/** Where each child of a scanned container sits in the scanned text: [start, end) per child. */
const childSpans = new WeakMap<JNode, [number, number][]>();

/** The tree gjson's path scan sees in `text`, from its first `{` or `[`; undefined without one. */
export function scannedTree(text: string): JNode | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') return scanObject(text, i + 1, text.length, undefined);
    if (c === '[') return scanArray(text, i + 1, text.length, undefined);
  }
  return undefined;
}

/** Index after the closing quote of the string whose content starts at `i`, or -1. */
function stringEnd(s: string, i: number, end: number): number {
  for (; i < end; i++) {
    const c = s[i];
    if (c === '"') {
      let n = 0;
      for (let j = i - 1; j >= 0 && s[j] === '\\'; j--) n++;
      if (n % 2 === 0) return i + 1;
    }
  }
  return -1;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  '"': '"',
};

/** gjson's unescape: stops at a control character or an unknown escape. */
export function unescapeLenient(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c < ' ') return out;
    if (c !== '\\') {
      out += c;
      continue;
    }
    i++;
    if (i >= s.length) return out;
    const e = s[i];
    const simple = e === undefined ? undefined : SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    if (e !== 'u' || i + 5 > s.length) return out;
    let r = hex4(s.slice(i + 1, i + 5));
    i += 4;
    if (r >= 0xd800 && r < 0xe000) {
      if (s[i + 1] === '\\' && s[i + 2] === 'u' && s.length - (i + 1) >= 6) {
        const lo = hex4(s.slice(i + 3, i + 7));
        r =
          r < 0xdc00 && lo >= 0xdc00 && lo < 0xe000 ? 0x10000 + ((r - 0xd800) << 10) + (lo - 0xdc00) : 0xfffd;
        i += 6;
      } else r = 0xfffd;
    }
    out += String.fromCodePoint(r);
  }
  return out;
}

/** gjson unescapes only text that holds a backslash; other text is taken as it is. */
function unescapeIfEscaped(s: string): string {
  return s.includes('\\') ? unescapeLenient(s) : s;
}

/** strconv.ParseUint(x, 16) with the error ignored: 0 unless all four characters are hex digits. */
function hex4(x: string): number {
  return /^[0-9a-fA-F]{4}$/.test(x) ? parseInt(x, 16) : 0;
}

/** The end of the container opened just before `i` (gjson's parseSquash), quotes respected. */
export function squashEnd(s: string, i: number, end: number): number {
  let depth = 1;
  for (; i < end; i++) {
    const c = s[i];
    if (c === '"') {
      const e = stringEnd(s, i + 1, end);
      if (e < 0) return end;
      i = e - 1;
    } else if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return end;
}

type Scanned = { node: JNode; next: number } | 'stop' | undefined;

/** One value starting at `i` if `s[i]` starts one; 'stop' for an unterminated string. */
function scanValue(s: string, i: number, end: number): Scanned {
  const c = s[i]!;
  if (c === '"') {
    const e = stringEnd(s, i + 1, end);
    if (e < 0) return 'stop';
    const raw = s.slice(i, e);
    return { node: str(unescapeIfEscaped(raw.slice(1, -1)), raw), next: e };
  }
  if (c === '{' || c === '[') {
    const e = squashEnd(s, i + 1, end);
    const text = s.slice(i, e);
    const node = c === '{' ? scanObject(s, i + 1, e, text) : scanArray(s, i + 1, e, text);
    return { node, next: e };
  }
  if ((c === 'n' && s[i + 1] !== 'u' && i + 1 < end) || '+-0123456789iIN'.includes(c)) {
    let e = i + 1;
    while (e < end && s[e]! > ' ' && s[e] !== ',' && s[e] !== ']' && s[e] !== '}') e++;
    return { node: num(s.slice(i, e)), next: e };
  }
  if (c === 't' || c === 'f' || c === 'n') {
    let e = i + 1;
    while (e < end && s[e]! >= 'a' && s[e]! <= 'z') e++;
    const raw = s.slice(i, e);
    const t = c === 't' ? 'true' : c === 'f' ? 'false' : 'null';
    return { node: raw === t ? { t } : { t, raw }, next: e };
  }
  return undefined;
}

function scanArray(s: string, i: number, end: number, text: string | undefined): JArr {
  const items: JNode[] = [];
  const spans: [number, number][] = [];
  let broken = false;
  scan: while (i < end) {
    for (; i < end; i++) {
      if (s[i] === ']') break scan;
      const v = scanValue(s, i, end);
      if (v === 'stop') {
        broken = true;
        break scan;
      }
      if (v === undefined) continue;
      items.push(v.node);
      spans.push([i, v.next]);
      i = v.next;
      continue scan;
    }
  }
  const a: JArr = text === undefined ? { t: 'arr', items } : { t: 'arr', items, text };
  if (broken) unterminatedArrays.add(a);
  childSpans.set(a, spans);
  return a;
}

function scanObject(s: string, i: number, end: number, text: string | undefined): JNode {
  const keys: string[] = [];
  const vals: JNode[] = [];
  const spans: [number, number][] = [];
  scan: while (i < end) {
    // the key: the next quote opens it, a `}` before that closes the object
    for (; i < end && s[i] !== '"'; i++) if (s[i] === '}') break scan;
    if (i >= end) break;
    const e = stringEnd(s, i + 1, end);
    if (e < 0) break;
    const key = unescapeIfEscaped(s.slice(i + 1, e - 1));
    // the value: whatever can start one, anything else (`:` included) is skipped
    for (i = e; i < end; i++) {
      const v = scanValue(s, i, end);
      if (v === 'stop') break scan;
      if (v === undefined) continue;
      keys.push(key);
      vals.push(v.node);
      spans.push([i, v.next]);
      i = v.next;
      continue scan;
    }
  }
  const o: JNode = text === undefined ? { t: 'obj', keys, vals } : { t: 'obj', keys, vals, text };
  childSpans.set(o, spans);
  return o;
}

/**
 * Where in `text` gjson finds the plain path component `part` (a key, or an array index; for a delete
 * `-1` is the last element), as sjson locates what it replaces or deletes: [start, end) or undefined.
 */
export function locateInText(text: string, part: string, forDelete: boolean): [number, number] | undefined {
  const tree = scannedTree(text);
  if (tree === undefined) return undefined;
  const spans = childSpans.get(tree)!;
  if (tree.t === 'obj') {
    const k = tree.keys.indexOf(part);
    return k < 0 ? undefined : spans[k];
  }
  if (tree.t !== 'arr') return undefined;
  if (forDelete && part === '-1')
    return unterminatedArrays.has(tree) || spans.length === 0 ? undefined : spans[spans.length - 1];
  return /^[0-9]+$/.test(part) ? spans[Number(part)] : undefined;
}
