/** huandu/xstrings v1.5.0 case conversions as sprig exposes them: snakecase, kebabcase, camelcase. */
import { runeLower } from '../template/gostrings.js';

const isGoSpace = (r: string): boolean => /^[\t\n\v\f\r \u0085\u00a0\p{Zs}\u2028\u2029]$/u.test(r);
export const isConnector = (r: string): boolean => r === '-' || r === '_' || isGoSpace(r);
const isUpper = (r: string): boolean => /^\p{Lu}$/u.test(r);
const isPunct = (r: string): boolean => /^\p{P}$/u.test(r);
const isNumber = (r: string): boolean => /^\p{N}$/u.test(r);
function isAlphabet(r: string): boolean {
  if (!/^\p{L}$/u.test(r)) return false;
  const c = r.codePointAt(0)!;
  if (c < 0x3400) return true;
  if (c >= 0x4e00 && c <= 0x9fcc) return false;
  if (c >= 0x3400 && c <= 0x4d85) return false;
  if (c >= 0x20000 && c <= 0x2b81d) return false;
  return true;
}

type WordType = 'invalid' | 'number' | 'upper' | 'alphabet' | 'connector' | 'punct' | 'other';

/** xstrings nextWord over a rune array starting at `at`: [type, word, next index]. */
function nextWord(s: string[], at: number): [WordType, string, number] {
  if (at >= s.length) return ['invalid', '', at];
  let i = at;
  const r0 = s[i++]!;
  let wt: WordType;
  if (isConnector(r0)) {
    wt = 'connector';
    while (i < s.length && isConnector(s[i]!)) i++;
  } else if (isPunct(r0)) {
    wt = 'punct';
    while (i < s.length && isPunct(s[i]!)) i++;
  } else if (isUpper(r0)) {
    wt = 'upper';
    if (i < s.length) {
      const r1 = s[i]!;
      if (isUpper(r1)) {
        i++;
        while (i < s.length && isUpper(s[i]!)) i++;
        // "HTTPStatus" => "HTTP" + "Status": give back the last upper-case rune before a letter
        if (i < s.length && isAlphabet(s[i]!)) i--;
      } else if (isAlphabet(r1)) {
        i++;
        while (i < s.length && isAlphabet(s[i]!) && !isUpper(s[i]!)) i++;
      }
    }
  } else if (isAlphabet(r0)) {
    wt = 'alphabet';
    while (i < s.length && isAlphabet(s[i]!) && !isUpper(s[i]!)) i++;
  } else if (isNumber(r0)) {
    wt = 'number';
    while (i < s.length && isNumber(s[i]!)) i++;
  } else {
    wt = 'other';
    while (i < s.length) {
      const r = s[i]!;
      if (isConnector(r) || isAlphabet(r) || isNumber(r) || isPunct(r)) break;
      i++;
    }
  }
  return [wt, s.slice(at, i).join(''), i];
}

function toLower(wt: WordType, word: string, connector: string): string {
  if (wt !== 'upper' && wt !== 'connector') return word;
  let out = '';
  for (const r of word) {
    if (isConnector(r)) out += connector;
    else if (isUpper(r)) out += runeLower(r);
    else out += r;
  }
  return out;
}

/** xstrings camelCaseToLowerCase (ToSnakeCase with '_', ToKebabCase with '-'). */
export function camelCaseToLowerCase(str: string, connector: string): string {
  if (str === '') return '';
  const s = [...str];
  let out = '';
  let [wt, word, pos] = nextWord(s, 0);
  while (pos < s.length) {
    if (wt !== 'connector') out += toLower(wt, word, connector);
    const prev = wt;
    const last = word;
    [wt, word, pos] = nextWord(s, pos);
    switch (prev) {
      case 'number':
        while (wt === 'alphabet' || wt === 'number') {
          out += toLower(wt, word, connector);
          [wt, word, pos] = nextWord(s, pos);
        }
        if (wt !== 'invalid' && wt !== 'punct' && wt !== 'connector') out += connector;
        break;
      case 'connector':
        out += toLower(prev, last, connector);
        break;
      case 'punct':
        break;
      default: {
        if (wt !== 'number') {
          if (wt !== 'connector' && wt !== 'punct') out += connector;
          break;
        }
        if (pos >= s.length) break;
        const lastNum = word;
        [wt, word, pos] = nextWord(s, pos);
        // a number followed by a non-letter belongs to the previous word ("Bld4Floor" => "bld4_floor")
        if (wt !== 'alphabet') {
          out += toLower('number', lastNum, connector);
          if (wt !== 'connector' && wt !== 'punct') out += connector;
          break;
        }
        // lower-case letters after a number: connector before the number ("HTTP2xx" => "http_2xx")
        out += connector + toLower('number', lastNum, connector);
        while (wt === 'alphabet' || wt === 'number') {
          out += toLower(wt, word, connector);
          [wt, word, pos] = nextWord(s, pos);
        }
        if (wt !== 'invalid' && wt !== 'connector' && wt !== 'punct') out += connector;
      }
    }
  }
  return out + toLower(wt, word, connector);
}
