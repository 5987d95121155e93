/**
 * tidwall/pretty v1.2.0 (what gjson's `@pretty` uses): two-space indent, `"key": value`, arrays kept
 * on one line (", " separated) when they fit in the width and hold no objects, a final newline.
 * Options (`@pretty:{"sortKeys":true,"indent":"\t","prefix":"","width":80}`) as gjson passes them.
 */
import { type JNode, rawOf } from './node.js';
import { goQuote, compareGoStrings } from '../gojson/marshal.js';

export interface PrettyOptions {
  width: number;
  prefix: string;
  indent: string;
  sortKeys: boolean;
}

export const DEFAULT_PRETTY: PrettyOptions = { width: 80, prefix: '', indent: '  ', sortKeys: false };

export function prettyText(root: JNode, opts: PrettyOptions = DEFAULT_PRETTY): string {
  let buf = opts.prefix;
  let nl = 0;

  const tabs = (n: number): void => {
    buf += opts.prefix + opts.indent.repeat(n);
  };
  const newline = (): void => {
    nl = buf.length;
    if (buf.endsWith(' ')) buf = buf.slice(0, -1) + '\n';
    else buf += '\n';
  };

  const any = (n: JNode, pretty: boolean, depth: number, max: number): boolean => {
    if (n.t === 'arr' || n.t === 'obj') return container(n, pretty, depth, max);
    buf += rawOf(n);
    return true;
  };

  const container = (
    n: JNode & { t: 'arr' | 'obj' },
    pretty: boolean,
    depth: number,
    max: number,
  ): boolean => {
    const isArr = n.t === 'arr';
    if (opts.width > 0) {
      if (pretty && isArr && max === -1) {
        const room = opts.width - (buf.length - nl);
        if (room > 3) {
          const saved = buf;
          const savedNl = nl;
          const ok = container(n, false, 0, room);
          if (ok && buf.length - saved.length <= room) return true;
          buf = saved;
          nl = savedNl;
        }
      } else if (max !== -1 && !isArr) return false;
    }
    const open = isArr ? '[' : '{';
    buf += open;
    let entries: [string | undefined, JNode][] = isArr
      ? n.items.map((v) => [undefined, v])
      : n.keys.map((k, i) => [k, n.vals[i]!]);
    if (!isArr && pretty && opts.sortKeys)
      entries = [...entries].sort(
        (a, b) => compareGoStrings(a[0]!, b[0]!) || compareGoStrings(rawOf(a[1]), rawOf(b[1])),
      );
    let count = 0;
    for (const [k, v] of entries) {
      if (count > 0) {
        buf += ',';
        if (opts.width !== -1 && isArr) buf += ' ';
      }
      if (pretty) {
        newline();
        tabs(depth + 1);
      }
      if (k !== undefined) {
        buf += goQuote(k) + ':';
        if (pretty) buf += ' ';
      }
      const ok = any(v, pretty, depth + 1, max);
      if (max !== -1 && !ok) return false;
      count++;
    }
    if (pretty) {
      if (count > 0) newline();
      if (!buf.endsWith(open)) tabs(depth);
    }
    buf += isArr ? ']' : '}';
    return isArr;
  };

  any(root, true, 0, -1);
  return buf.length > 0 ? buf + '\n' : buf;
}
