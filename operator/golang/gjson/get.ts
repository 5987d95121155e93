/**
 * gjson path evaluation (tidwall/gjson v1.18.0 syntax) on a JSON tree: dot paths, `\` escapes, `*`/`?`
 * key wildcards, numeric array indexes, `#` (length), `#.rest` (map over elements), `#(query)` and
 * `#(query)#`, `|` pipes, `.@modifier` and `@modifier:arg`, multipaths (`[a,b]`, `{a,"x":b}`),
 * literals (`!true`, `!"x"`, `!{...}`, `!123`), and JSON lines (`..`, see `jsonLines`).
 */
import { type JNode, type JArr, arr, obj, byteOffsets, num, parseJson, rawOf } from './node.js';
import { Result } from './result.js';
import { wildcardMatch } from './match.js';
import { applyModifier, isModifierName } from './modifiers.js';
import { scannedTree, unterminatedArrays } from './rawtext.js';

/**
 * gjson's `Index` and `Indexes` of a path's result: byte offsets in the compact encoding of `root`
 * (0 and [] when the result went through a pipe or modifier, or was computed).
 */
export function resultIndexes(root: JNode, path: string): { index: number; indexes: number[] } {
  const ctx: GetContext = { located: true };
  const n = get(root, path, ctx);
  if (n === undefined || !ctx.located) return { index: 0, indexes: [] };
  if (multiResults.has(n) && n.t === 'arr') {
    const offsets = byteOffsets(root, new Set(n.items));
    const indexes = n.items.map((it) => offsets.get(it));
    return indexes.every((x) => x !== undefined)
      ? { index: 0, indexes: indexes as number[] }
      : { index: 0, indexes: [] };
  }
  return { index: byteOffsets(root, new Set([n])).get(n) ?? 0, indexes: [] };
}

/** gjson.Get on a tree. */
export function getPath(root: JNode | undefined, path: string): Result {
  const n = get(root, path);
  return n === undefined ? Result.missing : new Result(n);
}

/**
 * Arrays built from several matches (`#.x`, `#(..)#`): sjson replaces each element in place.
 */
export const multiResults = new WeakSet<JNode>();

/** `located` turns false when the result went through a pipe or modifier (gjson's Index 0). */
export interface GetContext {
  located: boolean;
}

export function get(
  root: JNode | undefined,
  path: string,
  ctx: GetContext = { located: true },
): JNode | undefined {
  if (path.length > 1 && path[0] === '@') {
    const m = splitModifier(path);
    if (m) {
      ctx.located = false;
      const out = applyModifier(m.name, root, m.arg, (r, p) => get(r, p));
      if (m.rest.length > 0 && (m.rest[0] === '|' || m.rest[0] === '.'))
        return get(out, m.rest.slice(1), ctx);
      return out;
    }
  }
  if (path.length > 1 && path[0] === '!') {
    const st = staticValue(path);
    if (st) {
      ctx.located = false;
      if (st.rest.length > 0 && (st.rest[0] === '|' || st.rest[0] === '.'))
        return get(st.node, st.rest.slice(1), ctx);
      return st.node;
    }
  }
  if (path.length > 1 && (path[0] === '[' || path[0] === '{')) {
    const sub = parseSubSelectors(path);
    if (sub && (sub.rest === '' || sub.rest[0] === '|' || sub.rest[0] === '.')) {
      ctx.located = false;
      const node = multipath(root, path[0] === '{', sub.sels);
      return sub.rest === '' ? node : get(node, sub.rest.slice(1), ctx);
    }
  }
  if (path.length >= 2 && path[0] === '.' && path[1] === '.') return getInArray(jsonLines(root), path.slice(2), ctx);
  if (root === undefined) return undefined;
  if (root.t === 'obj') return getInObject(root, path, ctx);
  if (root.t === 'arr') return getInArray(root, path, ctx);
  // a string or number: gjson scans its text from the first bracket in it (see rawtext.ts)
  const scanned = scannedTree(rawOf(root));
  if (scanned === undefined) return undefined;
  ctx.located = false;
  return scanned.t === 'obj' ? getInObject(scanned, path, ctx) : getInArray(scanned as JArr, path, ctx);
}

/**
 * A `..` path reads the text as newline-delimited JSON documents, an array of them. A value here
 * is one document (also a string or number: its own text, not the JSON text inside it), so the
 * array holds that value; nothing (an empty text, as after a pipe from a missing value) is empty.
 */
function jsonLines(root: JNode | undefined): JArr {
  if (root === undefined) return arr([]);
  // the document is read from its first bracket to the one closing it: the white space `@pretty`
  // puts around its text is not part of it
  if ((root.t === 'obj' || root.t === 'arr') && root.text !== undefined) {
    const text = trimCtl(root.text);
    if (text !== root.text) return arr([{ ...root, text }]);
  }
  return arr([root]);
}

/**
 * `!true`, `!false`, `!null`, `!nan`, `!inf`, `!"text"`, `!{...}`, `![...]`, `!123`, `!-1.5`: a
 * literal instead of a lookup. A numeric literal runs to the end of the path (or to a bracket that
 * closes more than it opened), as in gjson, and its Raw stops at white space, `,`, `]` or `}`.
 */
function staticValue(path: string): { node: JNode | undefined; rest: string } | undefined {
  const name = path.slice(1);
  if (name[0] === '"') {
    // gjson squashes from after the opening quote, so the closing quote opens a string that runs to
    // the end of the path: the literal is the first string, and nothing of the path follows it
    const end = stringEnd(name);
    let node: JNode | undefined;
    try {
      node = end > 0 ? parseJson(name.slice(0, end + 1)) : undefined;
    } catch {
      node = undefined;
    }
    const lit = leadSquash(name);
    return { node, rest: name.slice(lit.length) };
  }
  if (name[0] === '{' || name[0] === '[') {
    const lit = squash(name);
    let node: JNode | undefined;
    try {
      node = parseJson(lit);
    } catch {
      node = undefined;
    }
    return { node, rest: name.slice(lit.length) };
  }
  if (name[0] !== undefined && '+-0123456789'.includes(name[0])) {
    const lit = leadSquash(name);
    return { node: num(numberRaw(lit)), rest: name.slice(lit.length) };
  }
  let end = name.length;
  for (let i = 0; i < name.length; i++) {
    if (name[i] === '|' || name[i] === '.') {
      end = i;
      break;
    }
  }
  const word = name.slice(0, end);
  const lower = word.toLowerCase();
  if (lower !== 'true' && lower !== 'false' && lower !== 'null' && lower !== 'nan' && lower !== 'inf')
    return undefined;
  // the literal is then read as JSON text the way gjson.Parse reads its first character
  let node: JNode | undefined;
  const c = word[0];
  if (c === 't') node = { t: 'true' };
  else if (c === 'f') node = { t: 'false' };
  else if (c === 'n') node = word[1] !== 'u' ? num(numberRaw(word)) : { t: 'null' };
  else if (c === 'N' || c === 'i' || c === 'I') node = num(numberRaw(word));
  return { node, rest: name.slice(end) };
}

/** Index of the quote closing the JSON string that starts at s[0], or -1. */
function stringEnd(s: string): number {
  for (let i = 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i;
  }
  return -1;
}

/** gjson's parseSquash: skips the lead character, then stops where depth returns to zero. */
function leadSquash(s: string): string {
  let depth = 1;
  for (let i = 1; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      for (i++; i < s.length && s[i] !== '"'; i++) if (s[i] === '\\') i++;
    } else if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') {
      depth--;
      if (depth === 0) return s.slice(0, i + 1);
    }
  }
  return s;
}

/** gjson's tonum: a number's Raw runs to white space, a comma, `]` or `}`. */
function numberRaw(s: string): string {
  for (let i = 1; i < s.length; i++) {
    const c = s[i]!;
    if ((c <= ' ' || c === ',') && c <= '-') return s.slice(0, i);
    if (c === ']' || c === '}') return s.slice(0, i);
  }
  return s;
}

interface SubSelector {
  name: string;
  path: string;
}

/** `[a,b]` / `{a,b,"x":c}`: the selectors and what follows the closing bracket. */
function parseSubSelectors(path: string): { sels: SubSelector[]; rest: string } | undefined {
  const sels: SubSelector[] = [];
  let modifier = 0;
  let depth = 1;
  let colon = 0;
  let start = 1;
  const push = (i: number) => {
    sels.push(
      colon === 0
        ? { name: '', path: path.slice(start, i) }
        : { name: path.slice(start, colon), path: path.slice(colon + 1, i) },
    );
    colon = 0;
    modifier = 0;
    start = i + 1;
  };
  for (let i = 1; i < path.length; i++) {
    const c = path[i];
    if (c === '\\') i++;
    else if (c === '@') {
      if (modifier === 0 && (path[i - 1] === '.' || path[i - 1] === '|')) modifier = i;
    } else if (c === ':') {
      if (modifier === 0 && colon === 0 && depth === 1) colon = i;
    } else if (c === ',') {
      if (depth === 1) push(i);
    } else if (c === '"') {
      for (i++; i < path.length; i++) {
        if (path[i] === '\\') i++;
        else if (path[i] === '"') break;
      }
    } else if (c === '[' || c === '(' || c === '{') depth++;
    else if (c === ']' || c === ')' || c === '}') {
      depth--;
      if (depth === 0) {
        push(i);
        return { sels, rest: path.slice(i + 1) };
      }
    }
  }
  return undefined;
}

function nameOfLast(path: string): string {
  for (let i = path.length - 1; i >= 0; i--) {
    if ((path[i] === '|' || path[i] === '.') && !(i > 0 && path[i - 1] === '\\')) return path.slice(i + 1);
  }
  return path;
}

function isSimpleName(s: string): boolean {
  for (const ch of s) if (ch < ' ' || '[]{}()#|!'.includes(ch)) return false;
  return true;
}

function multipath(root: JNode | undefined, asObject: boolean, sels: SubSelector[]): JNode {
  const keys: string[] = [];
  const vals: JNode[] = [];
  for (const sel of sels) {
    const v = get(root, sel.path);
    if (v === undefined) continue;
    if (asObject) {
      let key: string;
      if (sel.name !== '') {
        let parsed: string | undefined;
        if (sel.name[0] === '"') {
          try {
            parsed = JSON.parse(sel.name) as string;
          } catch {
            parsed = undefined;
          }
        }
        key = typeof parsed === 'string' ? parsed : sel.name;
      } else {
        const last = nameOfLast(sel.path);
        key = isSimpleName(last) ? last : '_';
      }
      keys.push(key);
    }
    vals.push(v);
  }
  const node = asObject ? obj(keys, vals) : arr(vals);
  // the text is each value's Raw as it came, but a path reading into it cuts every value out of that
  // text from its first to its last bracket: the white space `@pretty` puts around its text stays
  // in the multipath's text and is not part of the value found in it
  const cut = vals.map(withoutOuterSpace);
  if (cut.every((v, i) => v === vals[i])) return node;
  const text = rawOf(node);
  return asObject ? { t: 'obj', keys, vals: cut, text } : { t: 'arr', items: cut, text };
}

function withoutOuterSpace(v: JNode): JNode {
  if ((v.t !== 'obj' && v.t !== 'arr') || v.text === undefined) return v;
  const text = trimCtl(v.text);
  if (text === v.text) return v;
  const out: JNode = { ...v, text };
  if (unterminatedArrays.has(v)) unterminatedArrays.add(out);
  return out;
}

function piped(found: JNode | undefined, pipe: string | undefined, ctx: GetContext): JNode | undefined {
  if (pipe === undefined) return found;
  ctx.located = false;
  return get(found, pipe, ctx);
}

interface Component {
  part: string;
  rest: string;
  more: boolean;
  pipe: string | undefined;
  wild: boolean;
}

/** A `.` followed by a known `@modifier`, `[` or `{` acts as a pipe. */
function isDotPiper(s: string): boolean {
  const c = s[0];
  if (c === '@') {
    let i = 1;
    while (i < s.length && s[i] !== '.' && s[i] !== '|' && s[i] !== ':') i++;
    return isModifierName(s.slice(1, i));
  }
  return c === '[' || c === '{';
}

function parseObjectComponent(path: string): Component {
  let part = '';
  let wild = false;
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === '|') return { part, rest: '', more: false, pipe: path.slice(i + 1), wild };
    if (c === '.') {
      const after = path.slice(i + 1);
      if (i < path.length - 1 && isDotPiper(after)) return { part, rest: '', more: false, pipe: after, wild };
      return { part, rest: after, more: true, pipe: undefined, wild };
    }
    if (c === '*' || c === '?') wild = true;
    if (c === '\\') {
      i++;
      if (i < path.length) part += path[i];
      continue;
    }
    part += c;
  }
  return { part, rest: '', more: false, pipe: undefined, wild };
}

function getInObject(o: JNode & { t: 'obj' }, path: string, ctx: GetContext): JNode | undefined {
  const c = parseObjectComponent(path);
  let found: JNode | undefined;
  for (let i = 0; i < o.keys.length; i++) {
    const k = o.keys[i]!;
    if (!(c.wild ? wildcardMatch(k, c.part) : k === c.part)) continue;
    const v = o.vals[i]!;
    if (!c.more) {
      found = v;
      break;
    }
    if (v.t === 'obj' || v.t === 'arr') {
      const r = v.t === 'obj' ? getInObject(v, c.rest, ctx) : getInArray(v, c.rest, ctx);
      if (r !== undefined) {
        found = r;
        break;
      }
    }
  }
  return piped(found, c.pipe, ctx);
}

interface Query {
  path: string;
  op: string;
  value: string;
  all: boolean;
}

interface ArrayComponent {
  part: string;
  rest: string;
  more: boolean;
  pipe: string | undefined;
  arrch: boolean;
  alog: string | undefined;
  query: Query | undefined;
}

function parseArrayComponent(path: string): ArrayComponent {
  const r: ArrayComponent = {
    part: path,
    rest: '',
    more: false,
    pipe: undefined,
    arrch: false,
    alog: undefined,
    query: undefined,
  };
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === '|') {
      r.part = path.slice(0, i);
      r.pipe = path.slice(i + 1);
      return r;
    }
    if (c === '.') {
      r.part = path.slice(0, i);
      const after = path.slice(i + 1);
      if (!r.arrch && i < path.length - 1 && isDotPiper(after)) r.pipe = after;
      else {
        r.rest = after;
        r.more = true;
      }
      return r;
    }
    if (c === '#') {
      r.arrch = true;
      if (i === 0 && path.length > 1) {
        if (path[1] === '.') {
          r.alog = path.slice(2);
        } else if (path[1] === '(' || path[1] === '[') {
          const q = parseQuery(path);
          if (!q) break;
          r.query = { ...q.query, all: path[q.end] === '#' };
          i = q.end - 1;
        }
      }
    }
  }
  r.part = path;
  r.rest = '';
  r.more = false;
  return r;
}

function trimCtl(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 32) a++;
  while (b > a && s.charCodeAt(b - 1) <= 32) b--;
  return s.slice(a, b);
}

/** Parses `#(path op value)` at the start of `q`; `end` is the index after the closing paren. */
function parseQuery(q: string): { query: Omit<Query, 'all'>; end: number } | undefined {
  let i = 2;
  let j = 0;
  let depth = 1;
  let vesc = false;
  for (; i < q.length; i++) {
    const c = q[i];
    if (depth === 1 && j === 0 && (c === '!' || c === '=' || c === '<' || c === '>' || c === '%')) {
      j = i;
      continue;
    }
    if (c === '\\') i++;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') {
      depth--;
      if (depth === 0) break;
    } else if (c === '"') {
      for (i++; i < q.length; i++) {
        if (q[i] === '\\') {
          vesc = true;
          i++;
        } else if (q[i] === '"') break;
      }
    }
  }
  if (depth > 0) return undefined;
  let path: string;
  let op = '';
  let value = '';
  if (j > 0) {
    path = trimCtl(q.slice(2, j));
    value = trimCtl(q.slice(j, i));
    let opsz = 1;
    if (value.length === 1) opsz = 1;
    else if (/^(!=|!%|<=|>=)/.test(value)) opsz = 2;
    else if (value.startsWith('==')) value = value.slice(1);
    op = value.slice(0, opsz);
    value = trimCtl(value.slice(opsz));
  } else {
    path = trimCtl(q.slice(2, i));
  }
  if (value.length >= 2 && value[0] === '"' && value[value.length - 1] === '"') {
    value = value.slice(1, -1);
    if (vesc) value = unescapeJsonish(value);
  }
  return { query: { path, op, value }, end: i + 1 };
}

function unescapeJsonish(s: string): string {
  try {
    return JSON.parse(`"${s}"`) as string;
  } catch {
    return s.replace(/\\(.)/g, '$1');
  }
}

/**
 * Splits `left|right` the way gjson does for `#.path` and `#(query).path`: a path starting with `{`
 * splits after its balanced object; otherwise only `.#[...]` / `.#(...)` selectors are skipped, so a
 * pipe inside a multipath (`[a|b]`) splits it.
 */
function splitPipe(path: string): [string, string | undefined] {
  if (!path.includes('|')) return [path, undefined];
  if (path[0] === '{') {
    const squashed = squash(path.slice(1));
    if (squashed.length < path.length - 1) {
      const left = path.slice(0, squashed.length + 1);
      const remain = path.slice(left.length);
      if (remain[0] === '|') return [left, remain.slice(1)];
    }
    return [path, undefined];
  }
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === '\\') i++;
    else if (c === '|') return [path.slice(0, i), path.slice(i + 1)];
    else if (c === '.') {
      if (i === path.length - 1) return [path, undefined];
      if (path[i + 1] !== '#') continue;
      i += 2;
      if (i === path.length) return [path, undefined];
      const open = path[i];
      if (open !== '[' && open !== '(') continue;
      const close = open === '[' ? ']' : ')';
      let depth = 1;
      for (i++; i < path.length; i++) {
        const d = path[i];
        if (d === '\\') i++;
        else if (d === open) depth++;
        else if (d === close) {
          if (--depth === 0) break;
        } else if (d === '"') {
          for (i++; i < path.length && path[i] !== '"'; i++) if (path[i] === '\\') i++;
        }
      }
    }
  }
  return [path, undefined];
}

function parseUint(s: string): number | undefined {
  return /^[0-9]+$/.test(s) ? Number(s) : undefined;
}

function getInArray(a: JNode & { t: 'arr' }, path: string, ctx: GetContext): JNode | undefined {
  const rp = parseArrayComponent(path);
  let pipe = rp.pipe;
  let found: JNode | undefined;
  if (!rp.arrch) {
    const idx = parseUint(rp.part);
    const el = idx === undefined ? undefined : a.items[idx];
    if (el !== undefined) {
      if (!rp.more) found = el;
      else if (el.t === 'obj') found = getInObject(el, rp.rest, ctx);
      else if (el.t === 'arr') found = getInArray(el, rp.rest, ctx);
    }
  } else if (rp.query) {
    const q = rp.query;
    let rest = rp.rest;
    // the pipe after `#(query).path` is taken at the first match, so without one it never runs
    const [left, right] = rp.more ? splitPipe(rest) : [rest, undefined];
    const hits: JNode[] = [];
    for (const el of a.items) {
      let probe: JNode | undefined;
      if (el.t === 'obj' || el.t === 'arr') probe = get(el, q.path);
      else probe = q.path === '' ? el : undefined;
      if (!queryMatches(q, probe)) continue;
      if (right !== undefined) {
        rest = left;
        pipe = right;
      }
      const res = rp.more ? get(el, rest, ctx) : el;
      if (!q.all) {
        found = res;
        break;
      }
      if (res !== undefined) hits.push(res);
    }
    if (q.all && !unterminatedArrays.has(a)) {
      found = arr(hits);
      multiResults.add(found);
    }
  } else if (unterminatedArrays.has(a)) {
    // gjson never reaches the closing bracket that `#` and `#.path` are answered at
  } else if (rp.alog !== undefined) {
    const [l, r] = splitPipe(rp.alog);
    if (r !== undefined) pipe = r;
    const out: JNode[] = [];
    for (const el of a.items) {
      const v = get(el, l, ctx);
      if (v !== undefined) out.push(v);
    }
    found = arr(out);
    multiResults.add(found);
  } else if (rp.part === '#') {
    found = { t: 'num', raw: String(a.items.length) };
  }
  return piped(found, pipe, ctx);
}

function queryMatches(q: Query, value: JNode | undefined): boolean {
  let rpv = q.value;
  let v = value;
  if (rpv.startsWith('~')) {
    const kind = rpv.slice(1);
    const res = new Result(v);
    let ish: boolean | undefined;
    if (kind === '*') ish = res.exists();
    else if (kind === 'null') ish = nullish(res);
    else if (kind === 'true') ish = truish(res);
    else if (kind === 'false') ish = falsish(res);
    if (ish === undefined) {
      rpv = '';
      v = undefined;
    } else {
      rpv = 'true';
      v = ish ? { t: 'true' } : { t: 'false' };
    }
  }
  if (v === undefined) return false;
  if (q.op === '') return true;
  const op = q.op === '==' ? '=' : q.op;
  switch (v.t) {
    case 'str': {
      const s = v.str;
      switch (op) {
        case '=':
          return s === rpv;
        case '!=':
          return s !== rpv;
        case '<':
          return s < rpv;
        case '<=':
          return s <= rpv;
        case '>':
          return s > rpv;
        case '>=':
          return s >= rpv;
        case '%':
          return wildcardMatch(s, rpv);
        case '!%':
          return !wildcardMatch(s, rpv);
      }
      return false;
    }
    case 'num': {
      const n = Number(v.raw);
      const r = goParseFloatLoose(rpv);
      switch (op) {
        case '=':
          return n === r;
        case '!=':
          return n !== r;
        case '<':
          return n < r;
        case '<=':
          return n <= r;
        case '>':
          return n > r;
        case '>=':
          return n >= r;
      }
      return false;
    }
    case 'true':
      if (op === '=') return rpv === 'true';
      if (op === '!=') return rpv !== 'true';
      if (op === '>') return rpv === 'false';
      return op === '>=';
    case 'false':
      if (op === '=') return rpv === 'false';
      if (op === '!=') return rpv !== 'false';
      if (op === '<') return rpv === 'true';
      return op === '<=';
  }
  return false;
}

function nullish(r: Result): boolean {
  return !r.exists() || r.type === 'Null';
}
function truish(r: Result): boolean {
  if (r.type === 'True') return true;
  if (r.type === 'String') return ['1', 't', 'true'].includes(r.str.toLowerCase());
  if (r.type === 'Number') return r.num !== 0;
  return false;
}
function falsish(r: Result): boolean {
  if (r.type === 'False') return true;
  if (r.type === 'String') return ['0', 'f', 'false'].includes(r.str.toLowerCase());
  if (r.type === 'Number') return r.num === 0;
  return false;
}

/** strconv.ParseFloat with the error ignored (0 on failure). */
function goParseFloatLoose(s: string): number {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : 0;
}

/** Splits `@name[:arg][rest]` like gjson's execModifier; undefined when `name` is not a modifier. */
function splitModifier(path: string): { name: string; arg: string; rest: string } | undefined {
  let name = path.slice(1);
  let rest = '';
  let hasArgs = false;
  for (let i = 1; i < path.length; i++) {
    const c = path[i];
    if (c === ':') {
      rest = path.slice(i + 1);
      name = path.slice(1, i);
      hasArgs = rest.length > 0;
      break;
    }
    if (c === '|' || c === '.') {
      rest = path.slice(i);
      name = path.slice(1, i);
      break;
    }
  }
  if (!isModifierName(name)) return undefined;
  let arg = '';
  if (hasArgs) {
    const jsonArg = rest[0] === '{' || rest[0] === '[' || rest[0] === '"' ? squash(rest) : undefined;
    if (jsonArg !== undefined) {
      arg = jsonArg;
      rest = rest.slice(jsonArg.length);
    } else {
      let i = 0;
      for (; i < rest.length; i++) {
        if (rest[i] === '|') break;
        if ('{["('.includes(rest[i]!)) i += squash(rest.slice(i)).length - 1;
      }
      arg = rest.slice(0, i);
      rest = rest.slice(i);
    }
  }
  return { name, arg, rest };
}

/**
 * The balanced bracket/quote group at the start of `s`. Like gjson, a lead character other than a
 * quote counts as an opening bracket whatever it is (`{5.a|b}|c` is split by `#.` after `5.a|b}`).
 */
function squash(s: string): string {
  let depth = 0;
  let i = 0;
  if (s[0] !== '"') {
    depth = 1;
    i = 1;
  }
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      for (i++; i < s.length && s[i] !== '"'; i++) if (s[i] === '\\') i++;
      if (depth === 0) return s.slice(0, i + 1);
    } else if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') {
      depth--;
      if (depth === 0) return s.slice(0, i + 1);
    }
  }
  return s;
}
