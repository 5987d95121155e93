/**
 * tidwall/pretty v1.2.0 (what gjson's `@pretty` uses): two-space indent, `"key": value`, arrays kept
 * on one line (", " separated) when they fit in the width and hold no objects, a final newline.
 * Options (`@pretty:{"sortKeys":true,"indent":"\t","prefix":"","width":80}`) as gjson passes them.
 */
import { type JNode, rawOf } from './node.js';
import { goQuote, compareGoStrings } from '../json/marshal.js';
import { PrettyWriter } from './pretty-writer.js';

export interface PrettyOptions {
  width: number;
  prefix: string;
  indent: string;
  sortKeys: boolean;
}

export const DEFAULT_PRETTY: PrettyOptions = { width: 80, prefix: '', indent: '  ', sortKeys: false };

export function prettyText(root: JNode, opts: PrettyOptions = DEFAULT_PRETTY): string {
  return rawOf(prettyTree(root, opts));
}

/**
 * The tree of the pretty text: every container carries its slice of that text, so a path continuing
 * after `@pretty` finds values whose Raw is indented as gjson cuts it out of the pretty text.
 */
export function prettyTree(root: JNode, opts: PrettyOptions = DEFAULT_PRETTY): JNode {
  const w = new PrettyWriter(opts.prefix, opts.indent);

  interface Emitted {
    ok: boolean;
    node: JNode;
  }

  const any = (n: JNode, pretty: boolean, depth: number, max: number): Emitted => {
    if (n.t === 'arr' || n.t === 'obj') return container(n, pretty, depth, max);
    w.text += rawOf(n);
    return { ok: true, node: n };
  };

  const container = (
    n: JNode & { t: 'arr' | 'obj' },
    pretty: boolean,
    depth: number,
    max: number,
  ): Emitted => {
    const isArr = n.t === 'arr';
    if (opts.width > 0) {
      if (pretty && isArr && max === -1) {
        const room = w.room(opts.width);
        if (room > 3) {
          const saved = w.mark();
          const line = container(n, false, 0, room);
          if (line.ok && w.text.length - saved.text.length <= room) return line;
          w.restore(saved);
        }
      } else if (max !== -1 && !isArr) return { ok: false, node: n };
    }
    const start = w.text.length;
    const open = isArr ? '[' : '{';
    w.text += open;
    let entries: [string | undefined, JNode][] = isArr
      ? n.items.map((v) => [undefined, v])
      : n.keys.map((k, i) => [k, n.vals[i]!]);
    if (!isArr && pretty && opts.sortKeys)
      entries = [...entries].sort(
        (a, b) => compareGoStrings(a[0]!, b[0]!) || compareGoStrings(rawOf(a[1]), rawOf(b[1])),
      );
    const keys: string[] = [];
    const vals: JNode[] = [];
    for (const [k, v] of entries) {
      if (vals.length > 0) {
        w.text += ',';
        if (opts.width !== -1 && isArr) w.text += ' ';
      }
      if (pretty) {
        w.newline();
        w.tabs(depth + 1);
      }
      if (k !== undefined) {
        w.text += goQuote(k) + ':';
        if (pretty) w.text += ' ';
        keys.push(k);
      }
      const child = any(v, pretty, depth + 1, max);
      if (max !== -1 && !child.ok) return { ok: false, node: n };
      vals.push(child.node);
    }
    if (pretty) {
      if (vals.length > 0) w.newline();
      if (!w.text.endsWith(open)) w.tabs(depth);
    }
    w.text += isArr ? ']' : '}';
    const text = w.text.slice(start);
    return {
      ok: isArr,
      node: isArr ? { t: 'arr', items: vals, text } : { t: 'obj', keys, vals, text },
    };
  };

  const top = any(root, true, 0, -1).node;
  const text = w.finish();
  if (top.t === 'arr') return { t: 'arr', items: top.items, text };
  if (top.t === 'obj') return { t: 'obj', keys: top.keys, vals: top.vals, text };
  return top;
}
