/** Sprig v3.3.0 string functions. */
import { createHash } from 'node:crypto';
import { FuncError, type FuncMap, fn } from '../template/funcs.js';
import { sprintf } from '../template/fmt.js';
import { quote as goStrQuote } from '../template/strconv.js';
import { GoInt, NO_VALUE, elemType, intValue, stringMap, stringSlice } from '../template/value.js';
import { strval } from './cast.js';
import { checkCount } from './limits.js';
import {
  goDecode,
  goLen,
  goToLower,
  goToUpper,
  isGoSpace as isGoSpaceRune,
  isLowerRune,
  isTitleRune,
  isUpperRune,
  runeLower,
  runeTitle,
  runeUpper,
  utf8,
} from '../template/gostrings.js';
import { camelCaseToLowerCase, isConnector } from './xstrings.js';

const isNil = (v: unknown): boolean => v === null || v === undefined || v === NO_VALUE;

function n(v: GoInt | bigint): number {
  return Number(intValue(v));
}

const bytesOf = utf8;

/** strings.Title: title-cases the first letter of each word (Go's isSeparator rules). */
function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isSeparator(prev) ? runeTitle(ch) : ch;
    prev = ch;
  }
  return out;
}
function isSeparator(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  if (c <= 0x7f) return !/[0-9a-zA-Z_]/.test(ch);
  if (/[\p{L}\p{Nd}]/u.test(ch)) return false;
  return isGoSpaceRune(c);
}

function isGoSpace(ch: string): boolean {
  return isGoSpaceRune(ch.codePointAt(0)!);
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

/** goutils.AbbreviateFull: works on bytes, like the Go code. */
function abbreviateFull(str: string, offset: number, maxWidth: number): string {
  const b = utf8(str);
  const slice = (x: number, y: number): string => goDecode(b.subarray(x, y));
  if (b.length === 0) return '';
  if (maxWidth < 4) throw new FuncError('stringutils illegal argument: Minimum abbreviation width is 4');
  if (b.length <= maxWidth) return str;
  if (offset > b.length) offset = b.length;
  if (b.length - offset < maxWidth - 3) offset = b.length - (maxWidth - 3);
  if (offset <= 4) return slice(0, maxWidth - 3) + '...';
  if (maxWidth < 7)
    throw new FuncError('stringutils illegal argument: Minimum abbreviation width with offset is 7');
  if (offset + maxWidth - 3 < b.length) {
    const rest = goDecode(b.subarray(offset));
    return '...' + (maxWidth - 3 < 4 ? '' : abbreviateBytes(b.subarray(offset), maxWidth - 3, rest));
  }
  return '...' + slice(b.length - (maxWidth - 3), b.length);
}

function abbreviateBytes(b: Buffer, maxWidth: number, asString: string): string {
  if (b.length <= maxWidth) return asString;
  return goDecode(b.subarray(0, maxWidth - 3)) + '...';
}

/** goutils.Initials: iterates over bytes, each byte taken as a rune (Latin-1), like the Go code. */
function initials(s: string): string {
  let out = '';
  let lastWasGap = true;
  for (const byte of utf8(s)) {
    if (isGoSpaceRune(byte)) lastWasGap = true;
    else if (lastWasGap) {
      out += String.fromCharCode(byte);
      lastWasGap = false;
    }
  }
  return out;
}

/** goutils.DeleteWhiteSpace: also byte-wise (bytes 0x85 and 0xA0 count as white space). */
function deleteWhiteSpace(s: string): string {
  const b = utf8(s);
  let out = '';
  let count = 0;
  for (const byte of b) {
    if (!isGoSpaceRune(byte)) {
      out += String.fromCharCode(byte);
      count++;
    }
  }
  return count === b.length ? s : out;
}

function uncapitalize(s: string): string {
  let out = '';
  let next = true;
  for (const ch of s) {
    if (isGoSpace(ch)) {
      next = true;
      out += ch;
    } else if (next) {
      out += runeLower(ch);
      next = false;
    } else out += ch;
  }
  return out;
}

function swapCase(s: string): string {
  let out = '';
  let whitespace = true;
  for (const ch of s) {
    if (isUpperRune(ch) || isTitleRune(ch)) {
      out += runeLower(ch);
      whitespace = false;
    } else if (isLowerRune(ch)) {
      out += whitespace ? runeTitle(ch) : runeUpper(ch);
      whitespace = false;
    } else {
      out += ch;
      whitespace = isGoSpace(ch);
    }
  }
  return out;
}

/** goutils.WrapCustom(str, wrapLength, newLineStr, wrapLongWords): byte offsets, like the Go code. */
function wrapCustom(str: string, wrapLength: number, newLineStr: string, wrapLongWords: boolean): string {
  if (str === '') return '';
  if (newLineStr === '') newLineStr = '\n';
  if (wrapLength < 1) wrapLength = 1;
  const b = utf8(str);
  const slice = (x: number, y?: number): string => goDecode(b.subarray(x, y));
  const len = b.length;
  let offset = 0;
  let out = '';
  while (len - offset > wrapLength) {
    if (b[offset] === 0x20) {
      offset++;
      continue;
    }
    const end = Math.min(wrapLength + offset + 1, len);
    let spaceToWrapAt = b.subarray(offset, end).lastIndexOf(0x20) + offset;
    if (spaceToWrapAt >= offset) {
      out += slice(offset, spaceToWrapAt) + newLineStr;
      offset = spaceToWrapAt + 1;
    } else if (wrapLongWords) {
      out += slice(offset, wrapLength + offset) + newLineStr;
      offset += wrapLength;
    } else {
      const idx = b.subarray(wrapLength + offset).indexOf(0x20);
      if (idx >= 0) {
        spaceToWrapAt = idx + wrapLength + offset;
        out += slice(offset, spaceToWrapAt) + newLineStr;
        offset = spaceToWrapAt + 1;
      } else {
        out += slice(offset);
        offset = len;
      }
    }
  }
  return out + slice(offset);
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

/** xstrings.ToPascalCase (sprig's camelcase): connectors removed, following rune upper-cased. */
function toPascalCase(str: string): string {
  if (str === '') return '';
  const runes = [...str];
  let out = '';
  let k = 0;
  let r0 = '';
  let firstUpper = false;
  while (k < runes.length) {
    r0 = runes[k++]!;
    if (!isConnector(r0)) {
      firstUpper = isUpperRune(r0);
      r0 = runeUpper(r0);
      break;
    }
    out += r0;
  }
  // Go writes the last rune again when the string holds only connectors ("_ " => "_  ")
  if (k >= runes.length) return out + r0;
  while (k < runes.length) {
    const r1 = r0;
    r0 = runes[k++]!;
    if (isConnector(r0) && isConnector(r1)) {
      out += r1;
      continue;
    }
    if (isConnector(r1)) {
      firstUpper = isUpperRune(r0);
      r0 = runeUpper(r0);
    } else {
      if (firstUpper) {
        if (isUpperRune(r0)) r0 = runeLower(r0);
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
    if (k < 0 && b.length + k > 0) return goDecode(b.subarray(b.length + k));
    if (k >= 0 && b.length > k) return goDecode(b.subarray(0, k));
    return s;
  }),
  trim: fn(['string'], trimSpace),
  upper: fn(['string'], goToUpper),
  lower: fn(['string'], goToLower),
  title: fn(['string'], title),
  untitle: fn(['string'], uncapitalize),
  substr: fn(['int', 'int', 'string'], (start: GoInt, end: GoInt, s: string) => {
    const b = bytesOf(s);
    const a = n(start);
    const e = n(end);
    const oob = (m: string): never => {
      throw new FuncError(`runtime error: slice bounds out of range ${m}`);
    };
    if (a < 0) {
      // s[:end]
      if (e < 0) oob(`[:${e}]`);
      if (e > b.length) oob(`[:${e}] with length ${b.length}`);
      return goDecode(b.subarray(0, e));
    }
    if (e < 0 || e > b.length) {
      // s[start:]
      if (a > b.length) oob(`[${a}:${b.length}]`);
      return goDecode(b.subarray(a));
    }
    if (a > e) oob(`[${a}:${e}]`);
    return goDecode(b.subarray(a, e));
  }),
  repeat: fn(['int', 'string'], (count: GoInt, s: string) => {
    const c = n(count);
    if (c < 0) throw new FuncError('strings: negative Repeat count');
    checkCount(c * goLen(s), 'repeat');
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
  nospace: fn(['string'], deleteWhiteSpace),
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
  sha1sum: fn(['string'], (s: string) => createHash('sha1').update(bytesOf(s)).digest('hex')),
  sha256sum: fn(['string'], (s: string) => createHash('sha256').update(bytesOf(s)).digest('hex')),
  sha512sum: fn(['string'], (s: string) => createHash('sha512').update(bytesOf(s)).digest('hex')),
  adler32sum: fn(['string'], (s: string) => String(adler32(bytesOf(s)))),
  toString: fn(['any'], strval),
  split: fn(['string', 'string'], (sep: string, s: string) => splitMap(goSplit(s, sep))),
  splitList: fn(['string', 'string'], (sep: string, s: string) => stringSlice(goSplit(s, sep))),
  splitn: fn(['string', 'int', 'string'], (sep: string, c: GoInt, s: string) =>
    splitMap(goSplit(s, sep, n(c))),
  ),
  toStrings: fn(['any'], strslice),
  join: fn(['string', 'any'], (sep: string, v: unknown) => strslice(v).join(sep)),
  b64enc: fn(['string'], (s: string) => bytesOf(s).toString('base64')),
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

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** encoding/base64 StdEncoding.DecodeString, with Go's error positions; sprig returns the error text. */
function base64Decode(str: string): string {
  const src = utf8(str);
  const out: number[] = [];
  let si = 0;
  const bad = (pos: number): string => `illegal base64 data at input byte ${pos}`;
  while (si < src.length) {
    const dbuf: number[] = [];
    let dlen = 4;
    let trailing: number | null = null;
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return goDecode(Buffer.from(out));
        return bad(si - j);
      }
      const c = src[si]!;
      si++;
      const v = c < 128 ? B64.indexOf(String.fromCharCode(c)) : -1;
      if (v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (c === 0x0a || c === 0x0d) {
        j--;
        continue;
      }
      if (c !== 0x3d) return bad(si - 1);
      if (j === 0 || j === 1) return bad(si - 1);
      if (j === 2) {
        while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
        if (si === src.length) return bad(src.length);
        if (src[si] !== 0x3d) return bad(si - 1);
        si++;
      }
      while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
      if (si < src.length) trailing = si;
      dlen = j;
      break;
    }
    const val = ((dbuf[0] ?? 0) << 18) | ((dbuf[1] ?? 0) << 12) | ((dbuf[2] ?? 0) << 6) | (dbuf[3] ?? 0);
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    out.push(...bytes.slice(0, dlen - 1));
    if (trailing !== null) return bad(trailing);
    if (dlen < 4) break;
  }
  return goDecode(Buffer.from(out));
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

/** encoding/base32 StdEncoding.DecodeString (newlines stripped first), with Go's error positions. */
function base32Decode(str: string): string {
  const src = Buffer.from(utf8(str).filter((c) => c !== 0x0a && c !== 0x0d));
  const olen = src.length;
  const bad = (pos: number): string => `illegal base32 data at input byte ${pos}`;
  const out: number[] = [];
  let p = 0;
  let end = false;
  while (p < olen && !end) {
    const dbuf = [0, 0, 0, 0, 0, 0, 0, 0];
    let dlen = 8;
    for (let j = 0; j < 8;) {
      if (p === olen) return bad(olen - (olen - p) - j);
      const c = src[p]!;
      p++;
      const remaining = olen - p;
      if (c === 0x3d && j >= 2 && remaining < 8) {
        if (remaining + j < 7) return bad(olen);
        for (let k = 0; k < 7 - j; k++)
          if (remaining > k && src[p + k] !== 0x3d) return bad(olen - remaining + k - 1);
        dlen = j;
        end = true;
        if (dlen === 1 || dlen === 3 || dlen === 6) return bad(olen - remaining - 1);
        break;
      }
      const v = c < 128 ? B32.indexOf(String.fromCharCode(c)) : -1;
      if (v < 0) return bad(olen - remaining - 1);
      dbuf[j] = v;
      j++;
    }
    let acc = 0n;
    for (const v of dbuf) acc = (acc << 5n) | BigInt(v);
    const bytes = [...Array(5)].map((_, k) => Number((acc >> BigInt(8 * (4 - k))) & 0xffn));
    const nbytes = [0, 0, 1, 1, 2, 3, 3, 4, 5][dlen]!;
    out.push(...bytes.slice(0, nbytes));
    if (end) p = olen;
  }
  return goDecode(Buffer.from(out));
}
