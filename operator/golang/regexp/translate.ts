/**
 * Go RE2 syntax (package regexp, Perl flavour) parsed and re-emitted as an equivalent JavaScript
 * RegExp source (compiled with the `u` flag, never `m`), with Go's error messages for invalid
 * patterns (`error parsing regexp: <code>: \`<expr>\``).
 *
 * Differences handled here: Go's `.` excludes only `\n`; `\s` is `[\t\n\f\r ]`; `^`/`$` under `(?m)`
 * see only `\n`; `\z`, `\A`, `\Q..\E`, POSIX classes, `\pN`/`\p{Greek}`, `(?U)`, octal and `\x{..}`
 * escapes; named groups are emitted as plain groups (Go allows names JS does not) and tracked by index.
 * Lookarounds and backreferences do not exist in RE2 and are rejected like Go does.
 */

export class GoRegexpSyntaxError extends Error {
  override name = 'GoRegexpSyntaxError';
  readonly code: string;
  readonly expr: string;
  constructor(code: string, expr: string) {
    super(`error parsing regexp: ${code}: \`${expr}\``);
    this.code = code;
    this.expr = expr;
  }
}

export interface Translated {
  source: string;
  /** Name of each capture group by index (index 0 = whole match, name ""). */
  groupNames: string[];
  /**
   * The Go pattern with every group name removed (`(?P<n>x)` -> `(x)`): same groups by index, and
   * accepted by re2js, which rejects duplicate names that Go allows since 1.22.
   */
  unnamedPattern: string;
}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

const MAX_REPEAT = 1000;

const GENERAL_CATEGORIES = new Set([
  'C',
  'Cc',
  'Cf',
  'Co',
  'Cs',
  'L',
  'Ll',
  'Lm',
  'Lo',
  'Lt',
  'Lu',
  'M',
  'Mc',
  'Me',
  'Mn',
  'N',
  'Nd',
  'Nl',
  'No',
  'P',
  'Pc',
  'Pd',
  'Pe',
  'Pf',
  'Pi',
  'Po',
  'Ps',
  'S',
  'Sc',
  'Sk',
  'Sm',
  'So',
  'Z',
  'Zl',
  'Zp',
  'Zs',
]);

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\u{0}-\\u{7f}',
  blank: '\\t ',
  cntrl: '\\u{0}-\\u{1f}\\u{7f}',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`\\{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const PERL_CLASS: Record<string, string> = {
  d: '0-9',
  s: '\\t\\n\\f\\r ',
  w: '0-9A-Za-z_',
};

/** One code point as a JS (u-mode) class/atom literal. */
function lit(cp: number): string {
  if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f)
    return String.fromCodePoint(cp);
  return `\\u{${cp.toString(16)}}`;
}

function isJsPropertyValid(expr: string): boolean {
  try {
    new RegExp(expr, 'u');
    return true;
  } catch {
    return false;
  }
}

class Parser {
  private pos = 0;
  private readonly groupNames: string[] = [''];
  /** Code point ranges [from, to) of group-name headers (`?P<n>`, `?<n>`), dropped by unnamedPattern. */
  private readonly nameHeaders: [number, number][] = [];
  private readonly cps: number[];
  private depth = 0;

  private readonly src: string;

  constructor(src: string) {
    this.src = src;
    this.cps = Array.from(src, (c) => c.codePointAt(0)!);
  }

  private peek(k = 0): number | undefined {
    return this.cps[this.pos + k];
  }

  private text(from: number, to = this.pos): string {
    return String.fromCodePoint(...this.cps.slice(from, to));
  }

  private rest(from: number): string {
    return String.fromCodePoint(...this.cps.slice(from));
  }

  translate(): Translated {
    const flags: Flags = { i: false, m: false, s: false, U: false };
    const source = this.alternation(flags, true);
    if (this.pos < this.cps.length) throw new GoRegexpSyntaxError('unexpected )', this.src);
    return { source, groupNames: this.groupNames, unnamedPattern: this.unnamedPattern() };
  }

  private unnamedPattern(): string {
    let out = '';
    let from = 0;
    for (const [a, b] of this.nameHeaders) {
      out += this.text(from, a);
      from = b;
    }
    return out + this.rest(from);
  }

  /** Parses alternatives until `)` or end. `flags` is mutated by `(?flags)` for the rest of the group. */
  private alternation(flags: Flags, top: boolean): string {
    const alts: string[] = [];
    let cur = '';
    let lastAtomStart = -1; // index in `cur` of the last quantifiable atom, -1 if none
    let lastWasRepeat = false;
    let repeatStartPos = 0;
    while (this.pos < this.cps.length) {
      const c = this.peek()!;
      const start = this.pos;
      if (c === 0x7c /* | */) {
        this.pos++;
        alts.push(cur);
        cur = '';
        lastAtomStart = -1;
        lastWasRepeat = false;
        continue;
      }
      if (c === 0x29 /* ) */) {
        if (top) throw new GoRegexpSyntaxError('unexpected )', this.src);
        break;
      }
      if (c === 0x2a || c === 0x2b || c === 0x3f || (c === 0x7b && this.repeatAhead())) {
        // quantifier
        let min: number;
        let max: number;
        const qStart = this.pos;
        if (c === 0x7b) {
          const r = this.parseRepeat()!;
          min = r[0];
          max = r[1];
        } else {
          this.pos++;
          min = c === 0x2b ? 1 : 0;
          max = c === 0x3f ? 1 : -1;
        }
        let lazy = false;
        if (this.peek() === 0x3f) {
          this.pos++;
          lazy = true;
        }
        if (lastAtomStart < 0) {
          throw new GoRegexpSyntaxError('missing argument to repetition operator', this.text(qStart));
        }
        if (lastWasRepeat) {
          throw new GoRegexpSyntaxError('invalid nested repetition operator', this.text(repeatStartPos));
        }
        if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min > max)) {
          throw new GoRegexpSyntaxError('invalid repeat count', this.text(qStart));
        }
        if (flags.U) lazy = !lazy;
        const q =
          max === -1
            ? min === 0
              ? '*'
              : min === 1
                ? '+'
                : `{${min},}`
            : min === 0 && max === 1
              ? '?'
              : min === max
                ? `{${min}}`
                : `{${min},${max}}`;
        cur = cur.slice(0, lastAtomStart) + '(?:' + cur.slice(lastAtomStart) + ')' + q + (lazy ? '?' : '');
        lastWasRepeat = true;
        repeatStartPos = qStart;
        continue;
      }
      const atom = this.atom(flags);
      if (atom === null) {
        // a flag group like (?i): no atom
        lastAtomStart = -1;
        lastWasRepeat = false;
        continue;
      }
      lastAtomStart = cur.length;
      cur += atom.src;
      lastWasRepeat = false;
      repeatStartPos = start;
      if (!atom.quantifiable) lastAtomStart = cur.length - atom.src.length;
    }
    alts.push(cur);
    return alts.join('|');
  }

  private repeatAhead(): boolean {
    const save = this.pos;
    const r = this.parseRepeat();
    this.pos = save;
    return r !== undefined;
  }

  /** `{n}`, `{n,}`, `{n,m}` at pos; undefined (pos unchanged) when it is a literal `{`. */
  private parseRepeat(): [number, number] | undefined {
    const save = this.pos;
    this.pos++;
    const n1 = this.number();
    if (n1 === undefined) {
      this.pos = save;
      return undefined;
    }
    let n2 = n1;
    if (this.peek() === 0x2c) {
      this.pos++;
      if (this.peek() === 0x7d) n2 = -1;
      else {
        const v = this.number();
        if (v === undefined) {
          this.pos = save;
          return undefined;
        }
        n2 = v;
      }
    }
    if (this.peek() !== 0x7d) {
      this.pos = save;
      return undefined;
    }
    this.pos++;
    return [n1, n2];
  }

  private number(): number | undefined {
    const start = this.pos;
    while (this.peek() !== undefined && this.peek()! >= 0x30 && this.peek()! <= 0x39) this.pos++;
    if (this.pos === start) return undefined;
    const s = this.text(start);
    if (s.length > 1 && s[0] === '0') return undefined;
    return s.length > 8 ? 1e9 : Number(s);
  }

  private wrapI(src: string, flags: Flags): string {
    return flags.i ? `(?i:${src})` : src;
  }

  /** One atom; null for a pure flag group. */
  private atom(flags: Flags): { src: string; quantifiable: boolean } | null {
    const c = this.peek()!;
    const start = this.pos;
    switch (c) {
      case 0x28 /* ( */:
        return this.group(flags);
      case 0x5b /* [ */:
        return { src: this.wrapI(this.charClass(), flags), quantifiable: true };
      case 0x2e /* . */:
        this.pos++;
        return { src: flags.s ? '[^]' : '[^\\n]', quantifiable: true };
      case 0x5e /* ^ */:
        this.pos++;
        return { src: flags.m ? '(?:^|(?<=\\n))' : '^', quantifiable: true };
      case 0x24 /* $ */:
        this.pos++;
        return { src: flags.m ? '(?:$|(?=\\n))' : '$', quantifiable: true };
      case 0x5c /* \ */: {
        this.pos++;
        const e = this.peek();
        if (e === undefined) throw new GoRegexpSyntaxError('trailing backslash at end of expression', '');
        switch (e) {
          case 0x41 /* A */:
            this.pos++;
            return { src: '^', quantifiable: true };
          case 0x7a /* z */:
            this.pos++;
            return { src: '$', quantifiable: true };
          case 0x62 /* b */:
            this.pos++;
            return { src: '\\b', quantifiable: true };
          case 0x42 /* B */:
            this.pos++;
            return { src: '\\B', quantifiable: true };
          case 0x51 /* Q */: {
            this.pos++;
            let out = '';
            while (this.pos < this.cps.length) {
              if (this.peek() === 0x5c && this.peek(1) === 0x45) {
                this.pos += 2;
                break;
              }
              out += this.wrapI(lit(this.cps[this.pos++]!), flags);
            }
            return { src: out === '' ? '(?:)' : `(?:${out})`, quantifiable: true };
          }
        }
        this.pos = start;
        const cls = this.escapeClass();
        if (cls !== undefined) return { src: this.wrapI(`[${cls}]`, flags), quantifiable: true };
        const cp = this.escapeLiteral();
        return { src: this.wrapI(lit(cp), flags), quantifiable: true };
      }
      default:
        this.pos++;
        return { src: this.wrapI(lit(c), flags), quantifiable: true };
    }
  }

  private group(flags: Flags): { src: string; quantifiable: boolean } | null {
    const start = this.pos;
    this.pos++;
    if (++this.depth > 1000) throw new GoRegexpSyntaxError('expression nests too deeply', this.src);
    try {
      if (this.peek() === 0x3f /* ? */) {
        const n1 = this.peek(1);
        // named group: (?P<name>...) or (?<name>...)
        if ((n1 === 0x50 && this.peek(2) === 0x3c) || n1 === 0x3c) {
          const nameStart = this.pos + (n1 === 0x50 ? 3 : 2);
          let end = nameStart;
          while (end < this.cps.length && this.cps[end] !== 0x3e) end++;
          if (end >= this.cps.length)
            throw new GoRegexpSyntaxError('invalid named capture', this.rest(start));
          const name = this.text(nameStart, end);
          const whole = this.text(start, end + 1);
          if (name === '' || !/^[0-9A-Za-z_]+$/.test(name))
            throw new GoRegexpSyntaxError('invalid named capture', whole);
          this.pos = end + 1;
          this.groupNames.push(name);
          this.nameHeaders.push([start + 1, end + 1]);
          const inner = this.alternation({ ...flags }, false);
          this.close();
          return { src: `(${inner})`, quantifiable: true };
        }
        // flags: (?flags) or (?flags:...)
        let i = this.pos + 1;
        const nf = { ...flags };
        let neg = false;
        let sawFlag = false;
        for (; i < this.cps.length; i++) {
          const ch = String.fromCodePoint(this.cps[i]!);
          if (ch === 'i' || ch === 'm' || ch === 's' || ch === 'U') {
            nf[ch] = !neg;
            sawFlag = true;
            continue;
          }
          if (ch === '-') {
            if (neg) break;
            neg = true;
            sawFlag = false;
            continue;
          }
          if (ch === ':' || ch === ')') {
            if (neg && !sawFlag) break;
            if (ch === ')' && !sawFlag && !neg && i === this.pos + 1) break;
            this.pos = i + 1;
            if (ch === ')') {
              Object.assign(flags, nf);
              this.depth--;
              return null;
            }
            const inner = this.alternation(nf, false);
            this.close();
            return { src: `(?:${inner})`, quantifiable: true };
          }
          break;
        }
        const upto = Math.min(i + 1, this.cps.length);
        throw new GoRegexpSyntaxError('invalid or unsupported Perl syntax', this.text(start, upto));
      }
      this.groupNames.push('');
      const inner = this.alternation({ ...flags }, false);
      this.close();
      return { src: `(${inner})`, quantifiable: true };
    } finally {
      this.depth--;
    }
  }

  private close(): void {
    // Go reports the whole expression, wherever the unclosed group starts
    if (this.peek() !== 0x29) throw new GoRegexpSyntaxError('missing closing )', this.src);
    this.pos++;
  }

  /**
   * A class escape at pos (`\d`, `\pL`, `\p{Greek}`, ...): returns the JS class body (without the
   * brackets) and advances, or undefined (pos unchanged) when the escape is not a class.
   */
  private escapeClass(): string | undefined {
    const start = this.pos;
    const e = this.cps[this.pos + 1];
    if (e === undefined) return undefined;
    const ch = String.fromCodePoint(e);
    const lower = ch.toLowerCase();
    if (PERL_CLASS[lower] !== undefined && (ch === lower || ch === lower.toUpperCase())) {
      this.pos += 2;
      const body = PERL_CLASS[lower]!;
      return ch === lower ? body : `^${body}`;
    }
    if (ch === 'p' || ch === 'P') {
      let neg = ch === 'P';
      let name: string;
      this.pos += 2;
      const nx = this.peek();
      if (nx === undefined) throw new GoRegexpSyntaxError('invalid character class range', this.text(start));
      if (nx === 0x7b) {
        let end = this.pos;
        while (end < this.cps.length && this.cps[end] !== 0x7d) end++;
        if (end >= this.cps.length)
          throw new GoRegexpSyntaxError('invalid character class range', this.rest(start));
        name = this.text(this.pos + 1, end);
        this.pos = end + 1;
      } else {
        name = String.fromCodePoint(nx);
        this.pos++;
      }
      if (name.startsWith('^')) {
        neg = !neg;
        name = name.slice(1);
      }
      let prop: string;
      if (name === 'Any') prop = '\\u{0}-\\u{10ffff}';
      else if (GENERAL_CATEGORIES.has(name)) prop = `\\p{${name}}`;
      else if (/^[A-Z][A-Za-z_]*$/.test(name) && isJsPropertyValid(`\\p{Script=${name}}`))
        prop = `\\p{Script=${name}}`;
      else throw new GoRegexpSyntaxError('invalid character class range', this.text(start));
      if (!neg) return prop;
      if (name === 'Any') return '^\\u{0}-\\u{10ffff}';
      return prop.replace('\\p{', '\\P{');
    }
    return undefined;
  }

  /** A literal escape at pos (`\n`, `\x41`, `\.`...): returns its code point and advances. */
  private escapeLiteral(): number {
    const start = this.pos;
    this.pos++;
    const e = this.cps[this.pos];
    if (e === undefined) throw new GoRegexpSyntaxError('trailing backslash at end of expression', '');
    this.pos++;
    const ch = String.fromCodePoint(e);
    switch (ch) {
      case 'a':
        return 7;
      case 'f':
        return 12;
      case 't':
        return 9;
      case 'n':
        return 10;
      case 'r':
        return 13;
      case 'v':
        return 11;
      case 'x': {
        if (this.peek() === 0x7b) {
          let end = this.pos + 1;
          while (end < this.cps.length && this.cps[end] !== 0x7d) end++;
          const hex = this.text(this.pos + 1, end);
          if (end >= this.cps.length || !/^[0-9A-Fa-f]+$/.test(hex) || parseInt(hex, 16) > 0x10ffff)
            throw new GoRegexpSyntaxError(
              'invalid escape sequence',
              this.text(start, Math.min(end + 1, this.cps.length)),
            );
          this.pos = end + 1;
          return parseInt(hex, 16);
        }
        const hex = this.text(this.pos, this.pos + 2);
        if (!/^[0-9A-Fa-f]{2}$/.test(hex))
          throw new GoRegexpSyntaxError(
            'invalid escape sequence',
            this.text(start, Math.min(this.pos + 2, this.cps.length)),
          );
        this.pos += 2;
        return parseInt(hex, 16);
      }
    }
    if (e >= 0x31 && e <= 0x37) {
      // \1..\7 alone is a backreference (unsupported); followed by an octal digit it is octal.
      const nx = this.peek();
      if (nx === undefined || nx < 0x30 || nx > 0x37)
        throw new GoRegexpSyntaxError('invalid escape sequence', this.text(start));
    }
    if (e >= 0x30 && e <= 0x37) {
      let v = e - 0x30;
      for (let k = 0; k < 2; k++) {
        const nx = this.peek();
        if (nx === undefined || nx < 0x30 || nx > 0x37) break;
        v = v * 8 + (nx - 0x30);
        this.pos++;
      }
      return v;
    }
    if (e < 0x80 && !/[0-9A-Za-z]/.test(ch)) return e; // escaped punctuation
    throw new GoRegexpSyntaxError('invalid escape sequence', this.text(start));
  }

  /** `[...]` at pos: returns the JS class. */
  private charClass(): string {
    const start = this.pos;
    this.pos++;
    let neg = false;
    if (this.peek() === 0x5e) {
      neg = true;
      this.pos++;
    }
    const parts: string[] = [];
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) throw new GoRegexpSyntaxError('missing closing ]', this.rest(start));
      if (c === 0x5d && !first) {
        this.pos++;
        break;
      }
      first = false;
      // POSIX class
      if (c === 0x5b && this.peek(1) === 0x3a) {
        let end = this.pos + 2;
        while (end + 1 < this.cps.length && !(this.cps[end] === 0x3a && this.cps[end + 1] === 0x5d)) end++;
        if (end + 1 < this.cps.length) {
          let name = this.text(this.pos + 2, end);
          const whole = this.text(this.pos, end + 2);
          let pneg = false;
          if (name.startsWith('^')) {
            pneg = true;
            name = name.slice(1);
          }
          const body = POSIX[name];
          if (body === undefined) throw new GoRegexpSyntaxError('invalid character class range', whole);
          this.pos = end + 2;
          parts.push(pneg ? `[^${body}]` : `[${body}]`);
          continue;
        }
      }
      if (c === 0x5c) {
        const cls = this.escapeClass();
        if (cls !== undefined) {
          parts.push(`[${cls}]`);
          continue;
        }
      }
      const loStart = this.pos;
      const lo = this.classChar();
      if (this.peek() === 0x2d && this.peek(1) !== undefined && this.peek(1) !== 0x5d) {
        this.pos++;
        const hi = this.classChar();
        if (hi < lo) throw new GoRegexpSyntaxError('invalid character class range', this.text(loStart));
        parts.push(`${lit(lo)}-${lit(hi)}`);
      } else parts.push(lit(lo));
    }
    // JS (u-mode without v) cannot nest classes; express as a union of alternatives when needed.
    const simple = parts.every((p) => !p.startsWith('['));
    if (simple) return `[${neg ? '^' : ''}${parts.join('')}]`;
    const union = parts.map((p) => (p.startsWith('[') ? p : `[${p}]`)).join('|');
    return neg ? `(?:(?!${union})[^])` : `(?:${union})`;
  }

  private classChar(): number {
    const c = this.peek()!;
    if (c === 0x5c) return this.escapeLiteral();
    this.pos++;
    return c;
  }
}

/** Translates a Go regexp to a JS RegExp source, or throws GoRegexpSyntaxError. */
export function translateGoRegexp(pattern: string): Translated {
  if (!pattern.isWellFormed()) throw new GoRegexpSyntaxError('invalid UTF-8', pattern);
  return new Parser(pattern).translate();
}
