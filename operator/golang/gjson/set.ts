/**
 * sjson (tidwall/sjson v1.2.5) set and delete on a JSON tree, returning a new tree (inputs are never
 * modified). Simple paths (no `| # @ * ?` outside escapes) walk key by key: `\` escapes, `:key` forces an
 * object key, `-1` appends to an array (delete: removes the last element), numeric keys index arrays
 * (padding with nulls), missing parents are created (an array when the next key is numeric or `-1`,
 * otherwise an object), scalars in the way are replaced. Complex paths are resolved with gjson and
 * only replace values that exist at a real location; deleting on a complex path is an error.
 */
import { type JNode, arr, obj, num, rawOf, NULL } from './node.js';
import { get, multiResults } from './get.js';
import { editText, sjsonQuote, TextEditError, TEXT_UNCHANGED } from './textedit.js';

export class SjsonError extends Error {
  override name = 'SjsonError';
}

interface Part {
  part: string;
  force: boolean;
}

const NOT_SIMPLE = new Set(['|', '#', '@', '*', '?']);

/** sjson's parsePath over the whole path; undefined when the path is complex. */
function parseSimplePath(path: string): Part[] | undefined {
  const parts: Part[] = [];
  let rest = path;
  for (;;) {
    let force = false;
    if (rest[0] === ':') {
      force = true;
      rest = rest.slice(1);
    }
    let part = '';
    let more = false;
    let i = 0;
    for (; i < rest.length; i++) {
      const c = rest[i]!;
      if (c === '.') {
        more = true;
        break;
      }
      if (c === '\\') {
        i++;
        if (i < rest.length) part += rest[i];
        continue;
      }
      if (NOT_SIMPLE.has(c)) return undefined;
      part += c;
    }
    parts.push({ part, force });
    if (!more) return parts;
    rest = rest.slice(i + 1);
  }
}

function numericIndex(p: Part): number | undefined {
  if (p.force) return undefined;
  if (!/^[0-9]*$/.test(p.part)) return undefined;
  return p.part === '' ? 0 : Number(p.part);
}

/** Index of the existing child `p` names (gjson lookup of the component), or -1. */
function findChild(cur: JNode, p: Part): number {
  if (cur.t === 'obj') return cur.keys.indexOf(p.part);
  if (cur.t === 'arr') {
    if (!/^[0-9]+$/.test(p.part)) return -1;
    const n = Number(p.part);
    return n < cur.items.length ? n : -1;
  }
  return -1;
}

const NO_CHANGE = Symbol('no change');

function build(paths: Part[], value: JNode): JNode {
  if (paths.length === 1) return value;
  const next = paths[1]!;
  const n = numericIndex(next);
  if (n !== undefined || (!next.force && next.part === '-1')) {
    const items: JNode[] = [];
    for (let i = 0; i < (n ?? 0); i++) items.push(NULL);
    items.push(build(paths.slice(1), value));
    return arr(items);
  }
  return obj([next.part], [build(paths.slice(1), value)]);
}

/**
 * Trees holding a value sjson edited inside a string's text (see editInsideString): no JSON tree can
 * hold that result, so the edited value is kept as text and the whole tree has to be read back from
 * its text (`rawOf`), as the Go agent decodes sjson's output.
 */
const textEdited = new WeakSet<JNode>();

/** True when `tree` holds a value edited inside a string's text: decode `rawOf(tree)` to use it. */
export function isTextEdited(tree: JNode): boolean {
  return textEdited.has(tree);
}

/**
 * sjson on a path that continues into a string (or number): it edits the value's literal text the
 * way it edits any JSON text (see textedit.ts). Undefined when the text has nothing the first
 * component names (sjson then replaces the value with a new object or array).
 */
function editInsideString(
  cur: JNode,
  paths: Part[],
  value: JNode | undefined,
): JNode | typeof NO_CHANGE | undefined {
  let text: string | typeof TEXT_UNCHANGED | undefined;
  try {
    // a string set with setPath is written the way sjson.Set quotes it
    const raw =
      value === undefined
        ? undefined
        : value.t === 'str' && value.raw === undefined
          ? sjsonQuote(value.str)
          : rawOf(value);
    text = editText(rawOf(cur), paths, raw);
  } catch (e) {
    if (e instanceof TextEditError) throw new SjsonError(e.message);
    throw e;
  }
  if (text === TEXT_UNCHANGED) return NO_CHANGE;
  if (text === undefined) return undefined;
  const edited = num(text);
  textEdited.add(edited);
  return edited;
}

function setIn(cur: JNode | undefined, paths: Part[], value: JNode | undefined): JNode | typeof NO_CHANGE {
  const p = paths[0]!;
  if (cur && cur.t !== 'obj' && cur.t !== 'arr') {
    const edited = editInsideString(cur, paths, value);
    if (edited) return edited;
  }
  let idx = -1;
  if (cur && (cur.t === 'obj' || cur.t === 'arr')) {
    if (value === undefined && p.part === '-1' && !p.force && cur.t === 'arr' && cur.items.length > 0)
      idx = cur.items.length - 1;
    else idx = findChild(cur, p);
  }
  if (cur && idx >= 0 && (cur.t === 'obj' || cur.t === 'arr')) {
    const child = cur.t === 'obj' ? cur.vals[idx]! : cur.items[idx]!;
    let replacement: JNode | undefined;
    if (paths.length > 1) {
      const r = setIn(child, paths.slice(1), value);
      if (r === NO_CHANGE) return NO_CHANGE;
      replacement = r;
    } else replacement = value;
    let out: JNode;
    if (cur.t === 'obj') {
      const keys = [...cur.keys];
      const vals = [...cur.vals];
      if (replacement === undefined) {
        keys.splice(idx, 1);
        vals.splice(idx, 1);
      } else vals[idx] = replacement;
      out = obj(keys, vals);
    } else {
      const items = [...cur.items];
      if (replacement === undefined) items.splice(idx, 1);
      else items[idx] = replacement;
      out = arr(items);
    }
    if (replacement !== undefined && textEdited.has(replacement)) textEdited.add(out);
    return out;
  }
  if (value === undefined) return NO_CHANGE;
  const n = numericIndex(p);
  const target: JNode =
    cur && (cur.t === 'obj' || cur.t === 'arr') ? cur : n !== undefined ? arr([]) : obj([], []);
  if (target.t === 'obj') {
    return obj([...target.keys, p.part], [...target.vals, build(paths, value)]);
  }
  const list = target as JNode & { t: 'arr' };
  if (n === undefined) {
    if (p.part === '-1' && !p.force) return arr([...list.items, build(paths, value)]);
    throw new SjsonError(`cannot set array element for non-numeric key '${p.part}'`);
  }
  const items = [...list.items];
  while (items.length < n) items.push(NULL);
  items.push(build(paths, value));
  return arr(items);
}

/** Replaces, by identity, every node of `targets` found in the tree. */
function replaceNodes(n: JNode, targets: ReadonlySet<JNode>, value: JNode): JNode {
  if (targets.has(n)) return value;
  if (n.t === 'obj') {
    let changed = false;
    const vals = n.vals.map((v) => {
      const r = replaceNodes(v, targets, value);
      if (r !== v) changed = true;
      return r;
    });
    return changed ? obj(n.keys, vals) : n;
  }
  if (n.t === 'arr') {
    let changed = false;
    const items = n.items.map((v) => {
      const r = replaceNodes(v, targets, value);
      if (r !== v) changed = true;
      return r;
    });
    return changed ? arr(items) : n;
  }
  return n;
}

function setComplex(root: JNode, path: string, value: JNode): JNode {
  const ctx = { located: true };
  const res = get(root, path, ctx);
  if (res === undefined || !ctx.located) return root;
  const multi = multiResults.has(res);
  const targets = new Set<JNode>(multi ? (res as JNode & { t: 'arr' }).items : [res]);
  if (targets.size === 0) return root;
  return replaceNodes(root, targets, value);
}

/** sjson.SetRaw: sets the JSON value `value` at `path`; returns the new tree. */
export function setRawPath(root: JNode | undefined, path: string, value: JNode): JNode {
  if (path === '') throw new SjsonError('path cannot be empty');
  const parts = parseSimplePath(path);
  if (!parts) return root === undefined ? obj([], []) : setComplex(root, path, value);
  const r = setIn(root, parts, value);
  return r === NO_CHANGE ? (root ?? obj([], [])) : r;
}

/** sjson.Set with a Go string value. */
export function setPath(root: JNode | undefined, path: string, value: string): JNode {
  return setRawPath(root, path, { t: 'str', str: value });
}

/** sjson.Delete: a missing path leaves the tree unchanged; a complex path is an error. */
export function deletePath(root: JNode, path: string): JNode {
  if (path === '') throw new SjsonError('path cannot be empty');
  const parts = parseSimplePath(path);
  if (!parts) throw new SjsonError('cannot delete value from a complex path');
  const r = setIn(root, parts, undefined);
  return r === NO_CHANGE ? root : r;
}
