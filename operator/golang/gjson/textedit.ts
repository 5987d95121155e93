/**
 * sjson's set and delete on raw JSON text, for a path that continues into a value that is not an
 * object or array (a string holding JSON text, a number).
 *
 * sjson never builds a tree: each path component is looked up in the text with gjson's scan (see
 * rawtext.ts), and a component found there is edited in place, recursing into the found piece of
 * text for the components after it. A component not found below the first one is added to the text
 * of the piece it was looked up in (the piece is an object or array text to gjson, and sjson rewrites
 * it with the new member appended); not found at the first one, the caller replaces the value with a
 * new object or array, as sjson does for text that is not an object or array.
 */
import { goQuote } from '../json/marshal.js';
import { locateInText, squashEnd } from './rawtext.js';

export interface TextPart {
  part: string;
  force: boolean;
}

export const TEXT_UNCHANGED = Symbol('text unchanged');

export class TextEditError extends Error {
  override name = 'TextEditError';
}

/**
 * Edits `text` at `paths`: sets the JSON text `raw`, or deletes when `raw` is undefined. Returns the
 * new text, TEXT_UNCHANGED when a delete finds nothing, or undefined when the first component is not
 * found in the text. Throws TextEditError with sjson's message when a key cannot go into an array.
 */
export function editText(
  text: string,
  paths: readonly TextPart[],
  raw: string | undefined,
): string | typeof TEXT_UNCHANGED | undefined {
  return editAt(text, paths, raw, true);
}

function editAt(
  text: string,
  paths: readonly TextPart[],
  raw: string | undefined,
  first: boolean,
): string | typeof TEXT_UNCHANGED | undefined {
  const at = locateInText(text, paths[0]!.part, raw === undefined);
  if (!at) {
    if (first) return undefined;
    if (raw === undefined) return TEXT_UNCHANGED;
    return appendMember(text, paths, raw);
  }
  const start = at[0];
  let end = at[1];
  if (paths.length > 1) {
    const inner = editAt(text.slice(start, end), paths.slice(1), raw, false);
    if (inner === TEXT_UNCHANGED || inner === undefined) return TEXT_UNCHANGED;
    return text.slice(0, start) + inner + text.slice(end);
  }
  let head = text.slice(0, start);
  if (raw === undefined) {
    // sjson drops the separator before the element, or the one after it when it is the first
    const cut = deleteTailItem(head);
    head = cut.head;
    if (cut.nextComma) {
      let j = end;
      while (j < text.length && text[j]! <= ' ') j++;
      if (text[j] === ',') end = j + 1;
    }
  }
  return head + (raw ?? '') + text.slice(end);
}

/** sjson's deleteTailItem on the text before a deleted element. */
function deleteTailItem(buf: string): { head: string; nextComma: boolean } {
  for (let i = buf.length - 1; i >= 0; i--) {
    const c = buf[i];
    if (c === '[') return { head: buf, nextComma: true };
    if (c === ',') return { head: buf.slice(0, i), nextComma: false };
    if (c !== ':') continue;
    // a key before the colon: drop it with its separator
    for (i--; i >= 0; i--) {
      if (buf[i] !== '"') continue;
      for (i--; i >= 0; i--) {
        if (buf[i] !== '"') continue;
        i--;
        if (i >= 0 && buf[i] === '\\') {
          i--;
          continue;
        }
        for (; i >= 0; i--) {
          if (buf[i] === '{') return { head: buf.slice(0, i + 1), nextComma: true };
          if (buf[i] === ',') return { head: buf.slice(0, i), nextComma: false };
        }
      }
      break;
    }
    break;
  }
  return { head: buf, nextComma: false };
}

/** A component as an array index (not for a `:`-forced key). */
function indexOf(p: TextPart): number | undefined {
  if (p.force || !/^[0-9]*$/.test(p.part)) return undefined;
  return p.part === '' ? 0 : Number(p.part);
}

/**
 * The text of `text` with a member for `paths` added: object text keeps everything before its last
 * `}`, array text is rewritten from its elements and padded with nulls up to the index (`-1` appends).
 * Text that is not an object or array becomes a new one.
 */
function appendMember(text: string, paths: readonly TextPart[], raw: string): string {
  const p = paths[0]!;
  const n = indexOf(p);
  let json = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '{' || c === '[') {
      json = text.slice(i);
      break;
    }
    if (c > ' ') break;
  }
  if (json === '') json = n !== undefined ? '[]' : '{}';
  let comma = false;
  for (let i = 1; i < json.length; i++) {
    if (json[i]! <= ' ') continue;
    comma = json[i] !== '}' && json[i] !== ']';
    break;
  }
  if (json[0] === '{') {
    let end = json.length - 1;
    while (end > 0 && json[end] !== '}') end--;
    return json.slice(0, end) + (comma ? ',' : '') + build(false, paths, raw) + '}';
  }
  if (n === undefined) {
    if (p.part !== '-1' || p.force)
      throw new TextEditError(`cannot set array element for non-numeric key '${p.part}'`);
    let body = trimSpace(json);
    if (body.endsWith(']')) body = body.slice(0, -1);
    return body + (comma ? ',' : '') + build(true, paths, raw) + ']';
  }
  const items = arrayElements(json);
  let out = '[' + items.join(',');
  if (items.length === 0) out += 'null,'.repeat(Math.max(0, n));
  else out += ',null'.repeat(Math.max(0, n - items.length)) + (comma ? ',' : '');
  return out + build(true, paths, raw) + ']';
}

/** sjson's appendBuild: the new member for `paths`, as `"key":value` or an element. */
function build(inArray: boolean, paths: readonly TextPart[], raw: string): string {
  let out = inArray ? '' : sjsonQuote(paths[0]!.part) + ':';
  if (paths.length === 1) return out + raw;
  const next = paths[1]!;
  const n = indexOf(next);
  if (n !== undefined || (!next.force && next.part === '-1'))
    out += '[' + 'null,'.repeat(n ?? 0) + build(true, paths.slice(1), raw) + ']';
  else out += '{' + build(false, paths.slice(1), raw) + '}';
  return out;
}

/**
 * A key or a string value in quotes as sjson writes them: escaped by encoding/json (which also
 * escapes `<`, `>` and `&`) only when the text has a character that must be escaped.
 */
export function sjsonQuote(s: string): string {
  for (const ch of s) {
    if (ch < ' ' || ch > '~' || ch === '"' || ch === '\\') return goQuote(s);
  }
  return `"${s}"`;
}

function trimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s[a]! <= ' ') a++;
  while (b > a && s[b - 1]! <= ' ') b--;
  return s.slice(a, b);
}

/** The raw texts of the elements of the array text `json` as gjson's Result.Array reads them. */
function arrayElements(json: string): string[] {
  const out: string[] = [];
  for (let i = 1; i < json.length; i++) {
    const c = json[i]!;
    if (c <= ' ') continue;
    if (c === ']' || c === '}') break;
    let e: number;
    if ((c >= '0' && c <= '9') || c === '-') {
      e = i + 1;
      while (e < json.length) {
        const d = json[e]!;
        if (d <= ' ' || d === ',' || d === ']' || d === '}') break;
        e++;
      }
    } else if (c === '{' || c === '[') e = squashEnd(json, i + 1, json.length);
    else if (c === 'n' || c === 't' || c === 'f') {
      e = i + 1;
      while (e < json.length && json[e]! >= 'a' && json[e]! <= 'z') e++;
    } else if (c === '"') {
      e = stringEndOr(json, i + 1);
    } else continue;
    out.push(json.slice(i, e));
    i = e - 1;
  }
  return out;
}

/** Index after the quote closing the string whose content starts at `i` (the text's end without one). */
function stringEndOr(s: string, i: number): number {
  for (; i < s.length; i++) {
    if (s[i] !== '"') continue;
    let n = 0;
    for (let j = i - 1; j >= 0 && s[j] === '\\'; j--) n++;
    if (n % 2 === 0) return i + 1;
  }
  return s.length;
}
