/**
 * gjson modifiers (`@reverse`, `@ugly`, `@pretty`, `@this`, `@valid`, `@flatten`, `@join`, `@keys`,
 * `@values`, `@tostr`, `@fromstr`, `@group`, `@dig`) on trees. A missing input behaves like gjson's
 * empty JSON text.
 */
import { type JNode, arr, obj, str, parseJson, rawOf, validJson, NULL } from './node.js';
import { goQuote } from '../json/marshal.js';
import { prettyTree, DEFAULT_PRETTY, type PrettyOptions } from './pretty.js';
import { prettyOfText } from './prettytext.js';
import { scannedTree, unterminatedArrays } from './rawtext.js';

const NAMES = new Set([
  'pretty',
  'ugly',
  'reverse',
  'this',
  'flatten',
  'join',
  'valid',
  'keys',
  'values',
  'tostr',
  'fromstr',
  'group',
  'dig',
]);

export function isModifierName(name: string): boolean {
  return NAMES.has(name);
}

function boolOption(arg: string, key: string): boolean {
  if (!arg) return false;
  try {
    const o = JSON.parse(arg) as Record<string, unknown>;
    const v = o?.[key];
    return v === true || v === 'true' || (typeof v === 'number' && v !== 0);
  } catch {
    return false;
  }
}

function prettyOptions(arg: string): PrettyOptions {
  const o = { ...DEFAULT_PRETTY };
  if (!arg) return o;
  try {
    const a = JSON.parse(arg) as Record<string, unknown>;
    if ('sortKeys' in a) o.sortKeys = a.sortKeys === true;
    if (typeof a.indent === 'string') o.indent = a.indent.replace(/[^ \t\n\r]/g, '');
    if (typeof a.prefix === 'string') o.prefix = a.prefix.replace(/[^ \t\n\r]/g, '');
    if (typeof a.width === 'number') o.width = Math.trunc(a.width);
  } catch {
    // gjson ignores unparsable options
  }
  return o;
}

/** A path lookup, for `@dig` (provided by get.ts, which imports this module). */
export type PathGetter = (root: JNode | undefined, path: string) => JNode | undefined;

export function applyModifier(
  name: string,
  n: JNode | undefined,
  arg: string,
  getPath?: PathGetter,
): JNode | undefined {
  switch (name) {
    case 'group':
      return n?.t === 'obj' ? group(n) : undefined;
    case 'dig': {
      const out: JNode[] = [];
      if (getPath) dig(n, arg, getPath, out);
      return arr(out);
    }
    case 'this':
      return n;
    case 'valid':
      return n && validJson(rawOf(n)) ? n : undefined;
    case 'ugly':
      return n && compact(n);
    case 'pretty':
      return !n || (n.t !== 'arr' && n.t !== 'obj') ? n : pretty(n, prettyOptions(arg));
    case 'reverse':
      if (n?.t === 'arr') return arr([...n.items].reverse());
      if (n?.t === 'obj') return obj([...n.keys].reverse(), [...n.vals].reverse());
      return n;
    case 'flatten':
      return n?.t === 'arr' ? arr(flatten(n.items, boolOption(arg, 'deep'))) : n;
    case 'join':
      return n?.t === 'arr' ? join(n.items, boolOption(arg, 'preserve')) : n;
    case 'keys':
      if (!n) return arr([]);
      if (n.t === 'obj') return arr(n.keys.map((k) => str(k)));
      if (n.t === 'arr') return arr(n.items.map(() => NULL));
      return arr([NULL]);
    case 'values':
      if (!n) return arr([]);
      if (n.t === 'arr') return n;
      if (n.t === 'obj') return arr([...n.vals]);
      return arr([n]);
    case 'tostr':
      return str(n ? rawOf(n) : '');
    case 'fromstr': {
      // a non-string value is its own JSON text (gjson parses String(), which is Raw for containers)
      if (n && n.t !== 'str') return n.t === 'null' || !validJson(rawOf(n)) ? undefined : n;
      if (!n) return undefined;
      try {
        return parseJson(n.str);
      } catch {
        return undefined;
      }
    }
  }
  return n;
}

/**
 * `@pretty` of a container. One whose text is not valid JSON (a multipath holding a value whose Raw is
 * not JSON) is laid out by scanning that text; the result is what a path then finds in the new text.
 */
function pretty(n: JNode, opts: PrettyOptions): JNode | undefined {
  const raw = rawOf(n);
  if (opts.sortKeys || validJson(raw)) return prettyTree(n, opts);
  const text = prettyOfText(raw, opts);
  const tree = scannedTree(text);
  if (tree === undefined || (tree.t !== 'arr' && tree.t !== 'obj')) return tree;
  const out: JNode = { ...tree, text };
  if (unterminatedArrays.has(tree)) unterminatedArrays.add(out);
  return out;
}

/** The tree without the pretty text `@pretty` left on its containers (`@ugly`). */
function compact(n: JNode): JNode {
  if (n.t === 'arr') return arr(n.items.map(compact));
  if (n.t === 'obj') return obj(n.keys, n.vals.map(compact));
  return n;
}

/** `@group`: {"a":[1,2],"b":[3]} -> [{"a":1,"b":3},{"a":2}]; keys whose value is no array are skipped. */
function group(n: { keys: readonly string[]; vals: readonly JNode[] }): JNode {
  const rows: { keys: string[]; vals: JNode[] }[] = [];
  n.keys.forEach((k, i) => {
    const v = n.vals[i]!;
    if (v.t !== 'arr') return;
    v.items.forEach((item, idx) => {
      const row = (rows[idx] ??= { keys: [], vals: [] });
      row.keys.push(k);
      row.vals.push(item);
    });
  });
  return arr(rows.map((r) => obj(r.keys, r.vals)));
}

/** `@dig:path`: every value the path finds at any depth, parents before their children. */
function dig(n: JNode | undefined, path: string, getPath: PathGetter, out: JNode[]): void {
  if (!n) return;
  const found = getPath(n, path);
  if (found !== undefined) out.push(found);
  if (n.t === 'arr') for (const it of n.items) dig(it, path, getPath, out);
  else if (n.t === 'obj') for (const v of n.vals) dig(v, path, getPath, out);
}

function flatten(items: readonly JNode[], deep: boolean): JNode[] {
  const out: JNode[] = [];
  for (const it of items) {
    if (it.t === 'arr') out.push(...(deep ? flatten(it.items, true) : it.items));
    else out.push(it);
  }
  return out;
}

function join(items: readonly JNode[], preserve: boolean): JNode {
  const keys: string[] = [];
  const vals: JNode[] = [];
  for (const it of items) {
    if (it.t !== 'obj') continue;
    it.keys.forEach((k, i) => {
      const at = preserve ? -1 : keys.indexOf(k);
      if (at >= 0) vals[at] = it.vals[i]!;
      else {
        keys.push(k);
        vals.push(it.vals[i]!);
      }
    });
  }
  return obj(keys, vals);
}

export { goQuote };
