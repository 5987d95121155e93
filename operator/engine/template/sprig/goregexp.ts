/**
 * Go RE2 regular expressions on top of JS RegExp: translates RE2 syntax to an equivalent JS pattern
 * (u flag), and implements Go's FindAll / ReplaceAll / Split iteration rules (an empty match directly
 * after a previous match is skipped) and Go's `$1` / `${name}` template expansion.
 * Constructs JS cannot express faithfully (mid-pattern flag changes `(?i)`, `(?U)`, `\C`) are rejected.
 */

export class GoRegexpError extends Error {}

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));

function escapeLiteral(ch: string, inClass: boolean): string {
  if (JS_SYNTAX.has(ch) || (inClass && ch === '-')) return '\\' + ch;
  return ch;
}

export interface GoRegexp {
  source: string;
  re: RegExp; // global, sticky-free
  names: (string | undefined)[]; // group index -> name
}

/** Compiles a Go regexp; throws GoRegexpError with Go's message style on failure. */
export function compileGoRegexp(expr: string): GoRegexp {
  const flags = 'gu';
  let i = 0;
  let out = '';
  const names: (string | undefined)[] = [undefined];
  // RE2 flags are scoped to the enclosing group; JS gets them as (?flags:...) modifier groups
  interface Frame {
    dotAll: boolean;
    ungreedy: boolean;
    modifiers: string[]; // modifier groups opened inside this group by (?flags), closed at | and )
  }
  const frames: Frame[] = [{ dotAll: false, ungreedy: false, modifiers: [] }];
  const top = (): Frame => frames[frames.length - 1]!;
  const applyFlags = (spec: string, frame: Frame): string => {
    const [on, off = ''] = spec.split('-') as [string, string?];
    if (on.includes('s')) frame.dotAll = true;
    if (off.includes('s')) frame.dotAll = false;
    // U (ungreedy) swaps the meaning of x* and x*?; it is applied to the quantifiers, not passed to JS
    if (on.includes('U')) frame.ungreedy = true;
    if (off.includes('U')) frame.ungreedy = false;
    const jsOn = [...new Set(on.replace(/U/g, ''))].join('');
    const jsOff = [...new Set(off.replace(/U/g, ''))].filter((f) => !jsOn.includes(f)).join('');
    return jsOff ? `${jsOn}-${jsOff}` : jsOn;
  };
  let inClass = false;
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === '\\') {
      const n = expr[i + 1];
      if (n === undefined)
        throw new GoRegexpError(`error parsing regexp: trailing backslash at end of expression: \`\``);
      i += 2;
      switch (n) {
        case 'A':
          out += '(?<![\\s\\S])';
          continue;
        case 'z':
          out += '(?![\\s\\S])';
          continue;
        case 'Q': {
          const e = expr.indexOf('\\E', i);
          const lit = e < 0 ? expr.slice(i) : expr.slice(i, e);
          for (const ch of lit) out += escapeLiteral(ch, inClass);
          i = e < 0 ? expr.length : e + 2;
          continue;
        }
        case 's':
          out += inClass ? '\\t\\n\\f\\r ' : '[\\t\\n\\f\\r ]';
          continue;
        case 'S':
          if (inClass) throw new GoRegexpError(`\\S inside a character class is not supported: \`${expr}\``);
          out += '[^\\t\\n\\f\\r ]';
          continue;
        case 'p':
        case 'P': {
          if (expr[i] === '{') {
            const e = expr.indexOf('}', i);
            out += '\\' + n + expr.slice(i, e + 1);
            i = e + 1;
          } else {
            out += '\\' + n + '{' + expr[i] + '}';
            i++;
          }
          continue;
        }
        case 'x': {
          if (expr[i] === '{') {
            const e = expr.indexOf('}', i);
            out += '\\u{' + expr.slice(i + 1, e) + '}';
            i = e + 1;
          } else {
            out += '\\x' + expr.slice(i, i + 2);
            i += 2;
          }
          continue;
        }
        case 'C':
          throw new GoRegexpError(`\\C is not supported: \`${expr}\``);
        case 'd':
        case 'D':
        case 'w':
        case 'W':
        case 'b':
        case 'B':
        case 'n':
        case 't':
        case 'r':
        case 'f':
        case 'v':
        case 'a':
          out += n === 'a' ? '\\x07' : '\\' + n;
          continue;
        default:
          if (n >= '0' && n <= '7') {
            // octal escape \123 (RE2 requires leading non-zero digit sequences; treat as octal)
            const m = /^[0-7]{1,3}/.exec(expr.slice(i - 1))![0];
            out += '\\u{' + parseInt(m, 8).toString(16) + '}';
            i += m.length - 1;
            continue;
          }
          if (/[A-Za-z0-9]/.test(n))
            throw new GoRegexpError(`error parsing regexp: invalid escape sequence: \`\\${n}\``);
          out += escapeLiteral(n, inClass);
          continue;
      }
    }
    if (inClass) {
      if (c === '[' && expr[i + 1] === ':') {
        const e = expr.indexOf(':]', i);
        const name = expr.slice(i + 2, e);
        const neg = name.startsWith('^');
        const cls = POSIX[neg ? name.slice(1) : name];
        if (e < 0 || !cls)
          throw new GoRegexpError(
            `error parsing regexp: invalid character class range: \`${expr.slice(i)}\``,
          );
        if (neg) throw new GoRegexpError(`negated POSIX classes are not supported: \`${expr}\``);
        out += cls;
        i = e + 2;
        continue;
      }
      if (c === ']') inClass = false;
      out += c === '[' ? '\\[' : c;
      i++;
      continue;
    }
    switch (c) {
      case '[':
        inClass = true;
        out += '[';
        i++;
        if (expr[i] === '^') {
          out += '^';
          i++;
        }
        if (expr[i] === ']') {
          out += '\\]';
          i++;
        }
        continue;
      case '.':
        out += top().dotAll ? '[\\s\\S]' : '[^\\n]';
        i++;
        continue;
      case '(': {
        const named = /^\(\?P?<([A-Za-z0-9_]+)>/.exec(expr.slice(i));
        if (named) {
          // plain capturing group: names are resolved by `expand` (Go allows duplicate names, JS does not)
          names.push(named[1]);
          frames.push({ dotAll: top().dotAll, ungreedy: top().ungreedy, modifiers: [] });
          out += '(';
          i += named[0].length;
          continue;
        }
        const flagGroup = /^\(\?([imsU-]*):/.exec(expr.slice(i));
        if (flagGroup) {
          const frame: Frame = { dotAll: top().dotAll, ungreedy: top().ungreedy, modifiers: [] };
          const spec = applyFlags(flagGroup[1]!, frame);
          frames.push(frame);
          out += spec === '' ? '(?:' : `(?${spec}:`;
          i += flagGroup[0].length;
          continue;
        }
        const setFlags = /^\(\?([imsU-]+)\)/.exec(expr.slice(i));
        if (setFlags) {
          const spec = applyFlags(setFlags[1]!, top());
          if (spec !== '' && spec !== '-' && !spec.endsWith('-')) {
            top().modifiers.push(spec);
            out += `(?${spec}:`;
          }
          i += setFlags[0].length;
          continue;
        }
        if (expr[i + 1] === '?')
          throw new GoRegexpError(
            `error parsing regexp: invalid or unsupported Perl syntax: \`${expr.slice(i, i + 3)}\``,
          );
        names.push(undefined);
        frames.push({ dotAll: top().dotAll, ungreedy: top().ungreedy, modifiers: [] });
        out += '(';
        i++;
        continue;
      }
      case '|': {
        // close the flag scopes opened in this group and reopen them for the next alternative
        const mods = top().modifiers;
        out += ')'.repeat(mods.length) + '|' + mods.map((m) => `(?${m}:`).join('');
        i++;
        continue;
      }
      case ')': {
        if (frames.length <= 1) throw new GoRegexpError(`error parsing regexp: unexpected ): \`${expr}\``);
        out += ')'.repeat(top().modifiers.length) + ')';
        frames.pop();
        i++;
        continue;
      }
      case '{': {
        const rep = /^\{(\d+)(,(\d*))?\}/.exec(expr.slice(i));
        if (rep) {
          if (Number(rep[1]) > 1000 || (rep[3] && Number(rep[3]) > 1000))
            throw new GoRegexpError(`error parsing regexp: invalid repeat count: \`${rep[0]}\``);
          i += rep[0].length;
          const lazy = expr[i] === '?';
          if (lazy) i++;
          out += rep[0] + (lazy !== top().ungreedy ? '?' : '');
          continue;
        }
        out += '\\{';
        i++;
        continue;
      }
      case '}':
        out += '\\}';
        i++;
        continue;
      case '/':
        out += '\\/';
        i++;
        continue;
      case '*':
      case '+':
      case '?': {
        i++;
        const lazy = expr[i] === '?';
        if (lazy) i++;
        out += c + (lazy !== top().ungreedy ? '?' : '');
        continue;
      }
      default:
        out += c;
        i++;
    }
  }
  if (inClass)
    throw new GoRegexpError(
      `error parsing regexp: missing closing ]: \`${expr.slice(expr.lastIndexOf('['))}\``,
    );
  if (frames.length > 1) throw new GoRegexpError(`error parsing regexp: missing closing ): \`${expr}\``);
  out += ')'.repeat(top().modifiers.length);
  let re: RegExp;
  try {
    re = new RegExp(out, flags);
  } catch (e) {
    throw new GoRegexpError(`error parsing regexp: ${(e as Error).message}: \`${expr}\``);
  }
  return { source: expr, re, names };
}

/** All non-overlapping matches with Go's rule for empty matches; n < 0 means all. */
export function findAll(r: GoRegexp, s: string, n = -1): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  const re = r.re;
  re.lastIndex = 0;
  let prevEnd = -1;
  let pos = 0;
  while (pos <= s.length && (n < 0 || out.length < n)) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) break;
    const end = m.index + m[0].length;
    if (m[0].length === 0) {
      if (m.index === prevEnd) {
        // skip an empty match abutting the previous match
        pos = m.index + (s.codePointAt(m.index)! > 0xffff ? 2 : 1);
        if (m.index >= s.length) break;
        continue;
      }
      out.push(m);
      prevEnd = end;
      pos = end + (end < s.length && s.codePointAt(end)! > 0xffff ? 2 : 1);
    } else {
      out.push(m);
      prevEnd = end;
      pos = end;
    }
  }
  return out;
}

/** Go's Regexp.Expand template syntax: $1, ${1}, $name, ${name}, $$. */
export function expand(template: string, m: RegExpExecArray, r: GoRegexp): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, d);
    i = d + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string | null = null;
    if (template[i] === '{') {
      const e = template.indexOf('}', i);
      const inner = e < 0 ? '' : template.slice(i + 1, e);
      if (e >= 0 && /^[A-Za-z0-9_]+$/.test(inner)) {
        name = inner;
        i = e + 1;
      }
    } else {
      const mm = /^[A-Za-z0-9_]+/.exec(template.slice(i));
      if (mm) {
        name = mm[0];
        i += name.length;
      }
    }
    if (name === null) {
      out += '$';
      continue;
    }
    if (/^\d+$/.test(name)) {
      const k = Number(name);
      if (k < m.length) out += m[k] ?? '';
    } else {
      const k = r.names.indexOf(name);
      if (k > 0) out += m[k] ?? '';
    }
  }
  return out;
}

export function replaceAll(r: GoRegexp, s: string, repl: string, literal: boolean): string {
  let out = '';
  let last = 0;
  for (const m of findAll(r, s)) {
    out += s.slice(last, m.index);
    out += literal ? repl : expand(repl, m, r);
    last = m.index + m[0].length;
  }
  return out + s.slice(last);
}

export function split(r: GoRegexp, s: string, n: number): string[] {
  if (n === 0) return [];
  if (r.source.length > 0 && s.length === 0) return [''];
  const matches = findAll(r, s, n);
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of matches) {
    if (n > 0 && out.length === n - 1) break;
    end = m.index;
    if (m.index + m[0].length !== 0) out.push(s.slice(beg, end));
    beg = m.index + m[0].length;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

/** regexp.QuoteMeta */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
