/** Sprig v3.3.0 string functions. */
import { createHash } from 'node:crypto';
import { FuncError, type FuncMap, fn } from '../funcs.js';
import { sprintf } from '../fmt.js';
import { quote as goStrQuote } from '../strconv.js';
import { GoInt, NO_VALUE, elemType, intValue, stringMap, stringSlice } from '../value.js';
import { strval } from './cast.js';
import { checkCount } from './limits.js';
import { camelCaseToLowerCase, isConnector } from './xstrings.js';

const isNil = (v: unknown): boolean => v === null || v === undefined || v === NO_VALUE;

function n(v: GoInt | bigint): number {
  return Number(intValue(v));
}

function bytesOf(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

/** strings.Title: upper-cases the first letter of each word (Go's isSeparator rules). */
function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isSeparator(prev) ? (ch.toUpperCase() === ch.toLowerCase() ? ch : titleCase(ch)) : ch;
    prev = ch;
  }
  return out;
}
function titleCase(ch: string): string {
  const u = ch.toUpperCase();
  return [...u].length === 1 ? u : ch;
}
function isSeparator(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  if (c <= 0x7f) {
    if (/[0-9a-zA-Z_]/.test(ch)) return false;
    return true;
  }
  if (/[\p{L}\p{Nd}]/u.test(ch)) return false;
  return /\s/u.test(ch);
}

function isGoSpace(ch: string): boolean {
  return /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(ch);
}

function trimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isGoSpace(s[a]!)) a++;
  while (b > a && isGoSpace(s[b - 1]!)) b--;
  return s.slice(a, b);
}

function trimCutset(s: string, cutset: string, left: boolean, right: boolean): string {
  const set = new Set([...cutset]);
  const chars = [...s];
  let a = 0;
  let b = chars.length;
  if (left) while (a < b && set.has(chars[a]!)) a++;
  if (right) while (b > a && set.has(chars[b - 1]!)) b--;
  return chars.slice(a, b).join('');
}

/** goutils.Abbreviate(str, maxWidth) with offset 0 */
function abbreviateFull(str: string, offset: number, maxWidth: number): string {
  const abbrevMarker = '...';
  if (str === '') return '';
  if (maxWidth < 4) throw new FuncError('stringutils illegal argument: Minimum abbreviation width is 4');
  if (str.length <= maxWidth) return str;
  if (offset > str.length) offset = str.length;
  if (str.length - offset < maxWidth - 3) offset = str.length - (maxWidth - 3);
  if (offset <= 4) return str.slice(0, maxWidth - 3) + abbrevMarker;
  if (maxWidth < 7)
    throw new FuncError('stringutils illegal argument: Minimum abbreviation width with offset is 7');
  if (offset + maxWidth - 3 < str.length) {
    return abbrevMarker + abbreviateFull(str.slice(offset), 0, maxWidth - 3);
  }
  return abbrevMarker + str.slice(str.length - (maxWidth - 3));
}

function initials(s: string): string {
  // goutils.Initials: first rune of each whitespace-delimited word
  let out = '';
  let lastWasGap = true;
  for (const ch of s) {
    if (/\s/u.test(ch)) lastWasGap = true;
    else if (lastWasGap) {
      out += ch;
      lastWasGap = false;
    }
  }
  return out;
}

function uncapitalize(s: string): string {
  let out = '';
  let cap = true;
  for (const ch of s) {
    if (/\s/u.test(ch)) {
      cap = true;
      out += ch;
    } else if (cap) {
      out += ch.toLowerCase();
      cap = false;
    } else out += ch;
  }
  return out;
}

function swapCase(s: string): string {
  let out = '';
  let whitespace = true;
  for (const ch of s) {
    const isUpper = ch !== ch.toLowerCase() && ch === ch.toUpperCase();
    const isLower = ch !== ch.toUpperCase() && ch === ch.toLowerCase();
    if (isUpper) out += ch.toLowerCase();
    else if (isLower) out += whitespace ? titleCase(ch) : ch.toUpperCase();
    else out += ch;
    whitespace = /\s/u.test(ch);
  }
  return out;
}

/** goutils.WrapCustom(str, wrapLength, newLineStr, wrapLongWords) */
function wrapCustom(str: string, wrapLength: number, newLineStr: string, wrapLongWords: boolean): string {
  if (str === '') return '';
  if (newLineStr === '') newLineStr = '\n';
  if (wrapLength < 1) wrapLength = 1;
  const inputLineLength = str.length;
  let offset = 0;
  let out = '';
  while (inputLineLength - offset > wrapLength) {
    if (str[offset] === ' ') {
      offset++;
      continue;
    }
    const end = wrapLength + offset + 1;
    let spaceToWrapAt = str.slice(offset, end).lastIndexOf(' ') + offset;
    if (spaceToWrapAt >= offset) {
      out += str.slice(offset, spaceToWrapAt) + newLineStr;
      offset = spaceToWrapAt + 1;
    } else {
      if (wrapLongWords) {
        out += str.slice(offset, wrapLength + offset) + newLineStr;
        offset += wrapLength;
      } else {
        spaceToWrapAt = str.slice(wrapLength + offset).indexOf(' ');
        if (spaceToWrapAt >= 0) {
          spaceToWrapAt += wrapLength + offset;
          out += str.slice(offset, spaceToWrapAt) + newLineStr;
          offset = spaceToWrapAt + 1;
        } else {
          out += str.slice(offset);
          offset = inputLineLength;
        }
      }
    }
  }
  return out + str.slice(offset);
}

function goSplit(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const chars = [...s];
    if (n > 0 && chars.length > n) return [...chars.slice(0, n - 1), chars.slice(n - 1).join('')];
    return chars;
  }
  const parts = s.split(sep);
  if (n > 0 && parts.length > n) return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
  return parts;
}

function splitMap(parts: string[]): Record<string, string> {
  const m: Record<string, string> = {};
  parts.forEach((p, i) => (m['_' + i] = p));
  return stringMap(m);
}

/** sprig's strslice (toStrings, join): nil elements dropped, others stringified. */
export function strslice(v: unknown): string[] {
  if (Array.isArray(v)) {
    if (elemType(v) === 'string') return v as string[];
    return stringSlice(v.filter((x) => !isNil(x)).map(strval));
  }
  if (isNil(v)) return stringSlice([]);
  return stringSlice([strval(v)]);
}

// xstrings v1.5.0 case conversions
const isUpperRune = (ch: string): boolean => /^\p{Lu}$/u.test(ch);

/** xstrings.ToPascalCase (sprig's camelcase): connectors removed, following rune upper-cased. */
function toPascalCase(str: string): string {
  if (str === '') return '';
  const runes = [...str];
  let out = '';
  let k = 0;
  let r0 = '';
  let firstUpper = false;
  let found = false;
  while (k < runes.length) {
    r0 = runes[k++]!;
    if (!isConnector(r0)) {
      firstUpper = isUpperRune(r0);
      r0 = r0.toUpperCase();
      found = true;
      break;
    }
    out += r0;
  }
  if (k >= runes.length) return found ? out + r0 : out;
  while (k < runes.length) {
    const r1 = r0;
    r0 = runes[k++]!;
    if (isConnector(r0) && isConnector(r1)) {
      out += r1;
      continue;
    }
    if (isConnector(r1)) {
      firstUpper = isUpperRune(r0);
      r0 = r0.toUpperCase();
    } else {
      if (firstUpper) {
        if (isUpperRune(r0)) r0 = r0.toLowerCase();
        else firstUpper = false;
      }
      out += r1;
    }
  }
  return out + r0;
}

export const stringFuncs: FuncMap = {
  hello: fn([], () => 'Hello!'),
  abbrev: fn(['int', 'string'], (w: GoInt, s: string) => (n(w) < 4 ? s : abbreviateFull(s, 0, n(w)))),
  abbrevboth: fn(['int', 'int', 'string'], (l: GoInt, r: GoInt, s: string) => {
    if (n(r) < 4 || (n(l) > 0 && n(r) < 7)) return s;
    return abbreviateFull(s, n(l), n(r));
  }),
  trunc: fn(['int', 'string'], (c: GoInt, s: string) => {
    const b = bytesOf(s);
    const k = n(c);
    if (k < 0 && b.length + k > 0) return b.subarray(b.length + k).toString('utf8');
    if (k >= 0 && b.length > k) return b.subarray(0, k).toString('utf8');
    return s;
  }),
  trim: fn(['string'], trimSpace),
  upper: fn(['string'], (s: string) => s.toUpperCase()),
  lower: fn(['string'], (s: string) => s.toLowerCase()),
  title: fn(['string'], title),
  untitle: fn(['string'], uncapitalize),
  substr: fn(['int', 'int', 'string'], (start: GoInt, end: GoInt, s: string) => {
    const b = bytesOf(s);
    const a = n(start);
    const e = n(end);
    const slice = (x: number, y: number): string => {
      if (x < 0 || y > b.length || x > y)
        throw new FuncError(`runtime error: slice bounds out of range [${x}:${y}]`);
      return b.subarray(x, y).toString('utf8');
    };
    if (a < 0) return slice(0, e);
    if (e < 0 || e > b.length) return slice(a, b.length);
    return slice(a, e);
  }),
  repeat: fn(['int', 'string'], (count: GoInt, s: string) => {
    const c = n(count);
    if (c < 0) throw new FuncError('strings: negative Repeat count');
    checkCount(c * Buffer.byteLength(s, 'utf8'), 'repeat');
    return s.repeat(c);
  }),
  trimall: fn(['string', 'string'], (a: string, b: string) => trimCutset(b, a, true, true)),
  trimAll: fn(['string', 'string'], (a: string, b: string) => trimCutset(b, a, true, true)),
  trimSuffix: fn(['string', 'string'], (a: string, b: string) =>
    a !== '' && b.endsWith(a) ? b.slice(0, b.length - a.length) : b,
  ),
  trimPrefix: fn(['string', 'string'], (a: string, b: string) =>
    a !== '' && b.startsWith(a) ? b.slice(a.length) : b,
  ),
  nospace: fn(['string'], (s: string) => [...s].filter((c) => !/\s/u.test(c)).join('')),
  initials: fn(['string'], initials),
  swapcase: fn(['string'], swapCase),
  snakecase: fn(['string'], (s: string) => camelCaseToLowerCase(s, '_')),
  kebabcase: fn(['string'], (s: string) => camelCaseToLowerCase(s, '-')),
  camelcase: fn(['string'], toPascalCase),
  wrap: fn(['int', 'string'], (l: GoInt, s: string) => wrapCustom(s, n(l), '\n', false)),
  wrapWith: fn(['int', 'string', 'string'], (l: GoInt, sep: string, s: string) =>
    wrapCustom(s, n(l), sep, true),
  ),
  contains: fn(['string', 'string'], (sub: string, s: string) => s.includes(sub)),
  hasPrefix: fn(['string', 'string'], (sub: string, s: string) => s.startsWith(sub)),
  hasSuffix: fn(['string', 'string'], (sub: string, s: string) => s.endsWith(sub)),
  quote: fn(
    [],
    (...a: unknown[]) =>
      a
        .filter((x) => !isNil(x))
        .map((x) => goStrQuote(strval(x)))
        .join(' '),
    'any',
  ),
  squote: fn(
    [],
    (...a: unknown[]) =>
      a
        .filter((x) => !isNil(x))
        .map((x) => sprintf("'%v'", [x]))
        .join(' '),
    'any',
  ),
  cat: fn(
    [],
    (...a: unknown[]) => {
      const v = a.filter((x) => !isNil(x));
      return sprintf('%v '.repeat(v.length).trim(), v);
    },
    'any',
  ),
  indent: fn(['int', 'string'], (sp: GoInt, v: string) => {
    if (n(sp) < 0) throw new FuncError('strings: negative Repeat count');
    checkCount(n(sp), 'indent');
    const pad = ' '.repeat(Math.max(n(sp), 0));
    return pad + v.split('\n').join('\n' + pad);
  }),
  nindent: fn(['int', 'string'], (sp: GoInt, v: string) => {
    if (n(sp) < 0) throw new FuncError('strings: negative Repeat count');
    checkCount(n(sp), 'nindent');
    const pad = ' '.repeat(Math.max(n(sp), 0));
    return '\n' + pad + v.split('\n').join('\n' + pad);
  }),
  replace: fn(['string', 'string', 'string'], (o: string, nw: string, src: string) =>
    goReplaceAll(src, o, nw),
  ),
  plural: fn(['string', 'string', 'int'], (one: string, many: string, c: GoInt) => (n(c) === 1 ? one : many)),
  sha1sum: fn(['string'], (s: string) => createHash('sha1').update(s, 'utf8').digest('hex')),
  sha256sum: fn(['string'], (s: string) => createHash('sha256').update(s, 'utf8').digest('hex')),
  sha512sum: fn(['string'], (s: string) => createHash('sha512').update(s, 'utf8').digest('hex')),
  adler32sum: fn(['string'], (s: string) => String(adler32(bytesOf(s)))),
  toString: fn(['any'], strval),
  split: fn(['string', 'string'], (sep: string, s: string) => splitMap(goSplit(s, sep))),
  splitList: fn(['string', 'string'], (sep: string, s: string) => stringSlice(goSplit(s, sep))),
  splitn: fn(['string', 'int', 'string'], (sep: string, c: GoInt, s: string) =>
    splitMap(goSplit(s, sep, n(c))),
  ),
  toStrings: fn(['any'], strslice),
  join: fn(['string', 'any'], (sep: string, v: unknown) => strslice(v).join(sep)),
  b64enc: fn(['string'], (s: string) => Buffer.from(s, 'utf8').toString('base64')),
  b64dec: fn(['string'], (s: string) => base64Decode(s)),
  b32enc: fn(['string'], (s: string) => base32Encode(bytesOf(s))),
  b32dec: fn(['string'], (s: string) => base32Decode(s)),
};

function goReplaceAll(s: string, old: string, nw: string): string {
  if (old === '') {
    // Go inserts `nw` before every rune and at the end
    return nw + [...s].join(nw) + (s.length ? nw : '');
  }
  return s.split(old).join(nw);
}

function adler32(b: Uint8Array): number {
  let a = 1;
  let c = 0;
  for (const x of b) {
    a = (a + x) % 65521;
    c = (c + a) % 65521;
  }
  return (c * 65536 + a) >>> 0;
}

function base64Decode(s: string): string {
  // Go's StdEncoding is strict: padding required, no whitespace except \r\n ignored
  const clean = s.replace(/[\r\n]/g, '');
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) {
    const bad = firstBadBase64(clean);
    return `illegal base64 data at input byte ${bad}`;
  }
  return Buffer.from(clean, 'base64').toString('latin1') === ''
    ? ''
    : Buffer.from(clean, 'base64').toString('utf8');
}

function firstBadBase64(s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (!/[A-Za-z0-9+/]/.test(s[i]!)) return i;
  }
  return s.length - (s.length % 4);
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function base32Encode(b: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const x of b) {
    value = (value << 8) | x;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

function base32Decode(s: string): string {
  const clean = s.replace(/[\r\n]/g, '');
  if (clean.length % 8 !== 0) return `illegal base32 data at input byte ${clean.length - (clean.length % 8)}`;
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  const body = clean.replace(/=+$/, '');
  for (let i = 0; i < body.length; i++) {
    const k = B32.indexOf(body[i]!);
    if (k < 0) return `illegal base32 data at input byte ${i}`;
    value = ((value << 5) | k) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
