/**
 * A compiled Go regexp (package regexp semantics on JS strings) with Go's `MatchString`,
 * `FindString`, `FindAllString(s, n)`, `ReplaceAllString` (template expansion `$1`, `${1}`,
 * `${name}`, `$name` with greedy names, `$$`), `ReplaceAllLiteralString`, `Split(s, n)` and the
 * package function `QuoteMeta`. Iteration follows Go: FindAll/Split drop an empty match directly after
 * the previous match, ReplaceAll does not replace it, and the search always advances by at least one
 * character (a code point).
 */
import { RE2JS } from 're2js';
import { translateGoRegexp, GoRegexpSyntaxError } from './translate.js';

export { GoRegexpSyntaxError };

type Piece = string | { group: number } | { name: string };

/**
 * One match: its bounds and the text of each group (undefined when the group did not take part).
 * `group` is valid only until the next search on the same input (re2js computes submatches lazily).
 */
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
      // submatches are computed on demand: FindAll and Split only need the bounds
      return { start: m.start(), end: m.end(), group: (i) => m.group(i) ?? undefined };
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
    this.find = re2Matcher(t.unnamedPattern) ?? jsFallback(pattern, t.source);
  }

  /** regexp.Compile: throws GoRegexpSyntaxError with Go's message. */
  static compile(pattern: string): GoRegexp {
    return new GoRegexp(pattern);
  }

  /** regexp.MatchString. */
  matchString(s: string): boolean {
    return this.find(s)(0) !== undefined;
  }

  /** regexp.FindString: the leftmost match, "" when there is none. */
  findString(s: string): string {
    const m = this.find(s)(0);
    return m ? s.slice(m.start, m.end) : '';
  }

  /** regexp.FindAllString: at most n matches (all when n < 0, none when n == 0). */
  findAllString(s: string, n: number): string[] {
    const out: string[] = [];
    this.allMatches(s, n, (m) => out.push(s.slice(m.start, m.end)));
    return out;
  }

  /** regexp.ReplaceAllString: the replacement is a template (`$1`, `${name}`, `$$`). */
  replaceAllString(src: string, template: string): string {
    const pieces = this.compileTemplate(template);
    return this.replaceAll(src, (m) => this.expand(pieces, m));
  }

  /** regexp.ReplaceAllLiteralString: the replacement is used as is (`$` is not special). */
  replaceAllLiteralString(src: string, repl: string): string {
    return this.replaceAll(src, () => repl);
  }

  /**
   * regexp.Split: the substrings between matches, at most n of them (the last holds the rest; all when
   * n < 0, none when n == 0).
   */
  split(s: string, n: number): string[] {
    if (n === 0) return [];
    if (this.pattern.length > 0 && s.length === 0) return [''];
    const out: string[] = [];
    let beg = 0;
    let end = 0;
    this.allMatches(s, n, (m) => {
      if (n > 0 && out.length === n - 1) return false;
      end = m.start;
      if (m.end !== 0) out.push(s.slice(beg, end));
      beg = m.end;
      return true;
    });
    if (end !== s.length) out.push(s.slice(beg));
    return out;
  }

  /**
   * Go's allMatches: successive leftmost matches, at most n (all when n < 0); an empty match right
   * after the previous match is skipped. `deliver` returning false stops the iteration.
   */
  private allMatches(s: string, n: number, deliver: (m: Match) => unknown): void {
    const limit = n < 0 ? Infinity : n;
    const next = this.find(s);
    let delivered = 0;
    let prevMatchEnd = -1;
    let pos = 0;
    while (delivered < limit && pos <= s.length) {
      const m = next(pos);
      if (!m) break;
      let accept = true;
      if (m.end === pos) {
        // an empty match at pos: not allowed directly after the previous match; move one character on
        if (m.start === prevMatchEnd) accept = false;
        pos += charWidth(s, pos);
      } else {
        pos = m.end;
      }
      prevMatchEnd = m.end;
      if (accept) {
        if (deliver(m) === false) return;
        delivered++;
      }
    }
  }

  /** Go's replaceAll loop, shared by the template and literal variants. */
  private replaceAll(src: string, repl: (m: Match) => string): string {
    const next = this.find(src);
    let out = '';
    let lastMatchEnd = 0;
    let searchPos = 0;
    while (searchPos <= src.length) {
      const m = next(searchPos);
      if (!m) break;
      out += src.slice(lastMatchEnd, m.start);
      // no replacement for an empty match directly after the previous match
      if (m.end > lastMatchEnd || m.start === 0) out += repl(m);
      lastMatchEnd = m.end;
      // advance past this match; always advance at least one character
      const width = charWidth(src, searchPos);
      if (searchPos + width > m.end) searchPos += width;
      else if (searchPos + 1 > m.end) searchPos++;
      else searchPos = m.end;
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

/** Width in UTF-16 units of the code point at i (1 at the end of the input, like Go's step past it). */
function charWidth(s: string, i: number): number {
  return i < s.length && s.codePointAt(i)! > 0xffff ? 2 : 1;
}

/** regexp.QuoteMeta: escapes every regexp metacharacter (`\.+*?()|[]{}^$`) with a backslash. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
