/**
 * `@pretty` on text that is not valid JSON (a multipath can hold a value whose Raw is not JSON, such
 * as the number literal `!-2|@x:{"a":1}`). tidwall/pretty never validates: it scans the bytes, takes a
 * value wherever one can start, skips every other byte, and stops at the end of the text even inside
 * an open container. This module reproduces that scan on text; valid JSON goes through pretty.ts.
 */
import type { PrettyOptions } from './pretty.js';
import { PrettyWriter } from './pretty-writer.js';

interface Step {
  i: number;
  ok: boolean;
}

/** The pretty text of `json` (with the final newline), as tidwall/pretty writes it. */
export function prettyOfText(json: string, opts: PrettyOptions): string {
  const w = new PrettyWriter(opts.prefix, opts.indent);

  const startsNumber = (i: number): boolean => {
    const c = json[i]!;
    if ((c >= '0' && c <= '9') || c === '-' || c === 'i' || c === 'I' || c === '+' || c === 'N') return true;
    return c === 'n' && i + 1 < json.length && json[i + 1] !== 'u';
  };

  const stringAt = (i: number): Step => {
    const s = i;
    for (i++; i < json.length; i++) {
      if (json[i] !== '"') continue;
      let slashes = 0;
      for (let j = i - 1; j > s && json[j] === '\\'; j--) slashes++;
      if (slashes % 2 === 1) continue;
      i++;
      break;
    }
    w.text += json.slice(s, i);
    return { i, ok: true };
  };

  const numberAt = (i: number): Step => {
    const s = i;
    for (i++; i < json.length; i++) {
      const c = json[i]!;
      if (c <= ' ' || c === ',' || c === ':' || c === ']' || c === '}') break;
    }
    w.text += json.slice(s, i);
    return { i, ok: true };
  };

  const anyAt = (i: number, pretty: boolean, depth: number, max: number): Step => {
    for (; i < json.length; i++) {
      const c = json[i]!;
      if (c <= ' ') continue;
      if (c === '"') return stringAt(i);
      if (startsNumber(i)) return numberAt(i);
      if (c === '{' || c === '[') return containerAt(i, c, pretty, depth, max);
      // a literal is taken from its first letter, whatever follows it
      if (c === 't') return ((w.text += 'true'), { i: i + 4, ok: true });
      if (c === 'f') return ((w.text += 'false'), { i: i + 5, ok: true });
      if (c === 'n') return ((w.text += 'null'), { i: i + 4, ok: true });
    }
    return { i, ok: true };
  };

  const containerAt = (i: number, open: '{' | '[', pretty: boolean, depth: number, max: number): Step => {
    const isArr = open === '[';
    const close = isArr ? ']' : '}';
    if (opts.width > 0) {
      if (pretty && isArr && max === -1) {
        // first try the whole array on one line
        const room = w.room(opts.width);
        if (room > 3) {
          const saved = w.mark();
          const line = containerAt(i, '[', false, 0, room);
          if (line.ok && w.text.length - saved.text.length <= room) return line;
          w.restore(saved);
        }
      } else if (max !== -1 && !isArr) return { i, ok: false };
    }
    w.text += open;
    let n = 0;
    for (i++; i < json.length; i++) {
      const c = json[i]!;
      if (c <= ' ') continue;
      if (c === close) {
        if (pretty) {
          if (n > 0) w.newline();
          if (!w.text.endsWith(open)) w.tabs(depth);
        }
        w.text += close;
        return { i: i + 1, ok: isArr };
      }
      if (!isArr && c !== '"') continue;
      if (n > 0) {
        w.text += ',';
        if (opts.width !== -1 && isArr) w.text += ' ';
      }
      if (pretty) {
        w.newline();
        w.tabs(depth + 1);
      }
      if (!isArr) {
        i = stringAt(i).i;
        w.text += ':';
        if (pretty) w.text += ' ';
      }
      const child = anyAt(i, pretty, depth + 1, max);
      if (max !== -1 && !child.ok) return { i: child.i, ok: false };
      i = child.i - 1;
      n++;
    }
    return { i, ok: isArr };
  };

  anyAt(0, true, 0, -1);
  return w.finish();
}
