/**
 * gjson modifiers (`@reverse`, `@ugly`, `@pretty`, `@this`, `@valid`, `@flatten`, `@join`, `@keys`,
 * `@values`, `@tostr`, `@fromstr`) on trees. A missing input behaves like gjson's empty JSON text.
 */
import { type JNode, arr, obj, str, parseJson, rawOf, NULL } from './node.js';
import { goQuote } from '../gojson/marshal.js';
import { prettyText, DEFAULT_PRETTY, type PrettyOptions } from './pretty.js';

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

export function applyModifier(name: string, n: JNode | undefined, arg: string): JNode | undefined {
  switch (name) {
    case 'this':
    case 'valid':
      return n;
    case 'ugly':
      return n && n.t === 'arr' ? arr(n.items) : n && n.t === 'obj' ? obj(n.keys, n.vals) : n;
    case 'pretty': {
      if (!n || (n.t !== 'arr' && n.t !== 'obj')) return n;
      const text = prettyText(n, prettyOptions(arg));
      return n.t === 'arr'
        ? { t: 'arr', items: n.items, text }
        : { t: 'obj', keys: n.keys, vals: n.vals, text };
    }
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
      if (!n || n.t !== 'str') return undefined;
      try {
        return parseJson(n.str);
      } catch {
        return undefined;
      }
    }
  }
  return n;
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
