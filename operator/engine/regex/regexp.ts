/**
 * A compiled Go regexp with Go's `ReplaceAllString` (template
 * expansion `$1`, `${1}`, `${name}`, `$name` with greedy names, `$$`; a match of the empty string
 * directly after the previous match is not replaced, and the search always advances by at least one
 * character) and `MatchString`.
 */
import { RE2JS } from 're2js';
import { translateGoRegexp, GoRegexpSyntaxError } from './translate.js';

export { GoRegexpSyntaxError };

type Piece = string | { group: number } | { name: string };

/** One match: its bounds and the text of each group (undefined when the group did not take part). */
interface Match {
  start: number;
  end: number;
  group(i: number): string | undefined;
}

/**
 * Matching runs on re2js (a port of RE2: linear time, Go's syntax and leftmost-first semantics), so a
 * consumer's input cannot drive a provider's pattern into catastrophic backtracking. The translation
 * to a JS RegExp validates the pattern with Go's exact error messages and is the fallback for the
 * few patterns re2js rejects but Go accepts (duplicate group names, allowed since Go 1.22).
 */
type Matcher = (s: string) => (from: number) => Match | undefined;

function re2Matcher(pattern: string): Matcher | undefined {
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch {
    return undefined;
  }
  return (s) => {
    const m = re.matcher(s);
    return (from) => {
      if (!m.find(from)) return undefined;
      const start = m.start();
      const end = m.end();
      const groups: (string | undefined)[] = [];
      for (let i = 0; i <= m.groupCount(); i++) groups.push(m.group(i) ?? undefined);
      return { start, end, group: (i) => groups[i] };
    };
  };
}

function jsMatcher(re: RegExp): Matcher {
  return (s) => (from) => {
    re.lastIndex = from;
    const m = re.exec(s);
    if (!m) return undefined;
    return { start: m.index, end: m.index + m[0].length, group: (i) => m[i] };
  };
}

function jsFallback(pattern: string, source: string): Matcher {
  try {
    return jsMatcher(new RegExp(source, 'gu'));
  } catch (e) {
    // A construct our translator accepted but JS rejects: report it like a Go parse error.
    throw new GoRegexpSyntaxError(
      'invalid or unsupported Perl syntax',
      `${pattern} (${(e as Error).message})`,
    );
  }
}

export class GoRegexp {
  private readonly find: Matcher;
  private readonly groupNames: string[];
  private readonly templates = new Map<string, Piece[]>();

  readonly pattern: string;

  private constructor(pattern: string) {
    this.pattern = pattern;
    const t = translateGoRegexp(pattern);
    this.groupNames = t.groupNames;
    this.find = re2Matcher(pattern) ?? jsFallback(pattern, t.source);
  }

  /** regexp.Compile: throws GoRegexpSyntaxError with Go's message. */
  static compile(pattern: string): GoRegexp {
    return new GoRegexp(pattern);
  }

  matchString(s: string): boolean {
    return this.find(s)(0) !== undefined;
  }

  /** regexp.ReplaceAllString. */
  replaceAllString(src: string, template: string): string {
    const pieces = this.compileTemplate(template);
    const next = this.find(src);
    let out = '';
    let lastMatchEnd = 0;
    let searchPos = 0;
    while (searchPos <= src.length) {
      const m = next(searchPos);
      if (!m) break;
      const a0 = m.start;
      const a1 = m.end;
      out += src.slice(lastMatchEnd, a0);
      if (a1 > lastMatchEnd || a0 === 0) out += this.expand(pieces, m);
      lastMatchEnd = a1;
      // advance past this match; always advance at least one character (code point)
      const cp = src.codePointAt(searchPos);
      const width = searchPos < src.length ? (cp! > 0xffff ? 2 : 1) : 1;
      if (searchPos + width > a1) searchPos += width;
      else if (searchPos + 1 > a1) searchPos++;
      else searchPos = a1;
    }
    return out + src.slice(lastMatchEnd);
  }

  private expand(pieces: Piece[], m: Match): string {
    let out = '';
    for (const p of pieces) {
      if (typeof p === 'string') out += p;
      else if ('group' in p) out += p.group < this.groupNames.length ? (m.group(p.group) ?? '') : '';
      else {
        // the first group of that name that took part in the match (Go allows duplicate names)
        for (let i = 1; i < this.groupNames.length; i++) {
          const g = this.groupNames[i] === p.name ? m.group(i) : undefined;
          if (g !== undefined) {
            out += g;
            break;
          }
        }
      }
    }
    return out;
  }

  /** Parses a replacement template once (Go's Regexp.Expand rules). */
  private compileTemplate(template: string): Piece[] {
    const cached = this.templates.get(template);
    if (cached) return cached;
    const pieces: Piece[] = [];
    let t = template;
    let text = '';
    for (;;) {
      const i = t.indexOf('$');
      if (i < 0) break;
      text += t.slice(0, i);
      t = t.slice(i + 1);
      if (t.startsWith('$')) {
        text += '$';
        t = t.slice(1);
        continue;
      }
      const ex = extractName(t);
      if (!ex) {
        text += '$';
        continue;
      }
      t = ex.rest;
      if (text) pieces.push(text);
      text = '';
      pieces.push(ex.num >= 0 ? { group: ex.num } : { name: ex.name });
    }
    text += t;
    if (text) pieces.push(text);
    if (this.templates.size < 64) this.templates.set(template, pieces);
    return pieces;
  }
}

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

function extractName(s: string): { name: string; num: number; rest: string } | undefined {
  let str = s;
  let brace = false;
  if (str.startsWith('{')) {
    brace = true;
    str = str.slice(1);
  }
  let i = 0;
  for (const ch of str) {
    if (!NAME_CHAR.test(ch)) break;
    i += ch.length;
  }
  if (i === 0) return undefined;
  const name = str.slice(0, i);
  if (brace) {
    if (str[i] !== '}') return undefined;
    i++;
  }
  let num = 0;
  for (let k = 0; k < name.length; k++) {
    const c = name.charCodeAt(k);
    if (c < 0x30 || c > 0x39 || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + (c - 0x30);
  }
  if (name[0] === '0' && name.length > 1) num = -1;
  return { name, num, rest: str.slice(i) };
}
