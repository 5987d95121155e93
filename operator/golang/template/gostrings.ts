/**
 * Go string semantics that differ from JS.
 *
 * Go strings are bytes. A JS string here is a Go string in which every byte that is not part of a valid
 * UTF-8 sequence is stored as the lone low surrogate U+DC80..U+DCFF (U+DC00 + byte), the way Python's
 * "surrogateescape" does. Valid text never contains lone surrogates (input is made well-formed when it
 * enters, see goWellFormed), so the mapping is exact: goEncode(goDecode(b)) == b for every byte string.
 * Slicing (trunc, substr, slice, index) keeps partial bytes, hashes, len, %x and %q see them, and only
 * where Go itself decodes runes (range, strings.Map, encoding/json) do they become U+FFFD.
 *
 * Case mapping is per rune with Unicode's simple mappings (strings.ToUpper("ﬁ") is "ﬁ", not "FI").
 */

const RAW_BYTE = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/;
const ANY_SURROGATE = /[\uD800-\uDFFF]/;

/** Whether s holds bytes that are not valid UTF-8 (stored as U+DC80..U+DCFF). */
export function hasRawBytes(s: string): boolean {
  return ANY_SURROGATE.test(s) && RAW_BYTE.test(s);
}

/** Decodes bytes into a Go string: valid UTF-8 as text, every other byte as U+DC00 + byte. */
export function goDecode(b: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let n = 0;
    let cp = 0;
    if (c < 0x80) {
      out += String.fromCharCode(c);
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      cp = c & 0x07;
    } else {
      out += String.fromCharCode(0xdc00 + c);
      i++;
      continue;
    }
    let ok = i + n < b.length;
    for (let k = 1; ok && k <= n; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (cc & 0x3f);
    }
    if (ok) {
      const min = n === 1 ? 0x80 : n === 2 ? 0x800 : 0x10000;
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) ok = false;
    }
    if (!ok) {
      out += String.fromCharCode(0xdc00 + c);
      i++;
      continue;
    }
    out += String.fromCodePoint(cp);
    i += n + 1;
  }
  return out;
}

/** The bytes of a Go string (raw bytes restored; any other lone surrogate is U+FFFD's encoding). */
export function goEncode(s: string): Buffer {
  if (!ANY_SURROGATE.test(s)) return Buffer.from(s, 'utf8');
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      continue;
    }
    if (c >= 0xdc80 && c <= 0xdcff) {
      parts.push(Buffer.from(s.slice(start, i), 'utf8'), Buffer.from([c - 0xdc00]));
      start = i + 1;
    }
  }
  parts.push(Buffer.from(s.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** Alias of goEncode. */
export const utf8 = goEncode;

/** Byte length of a Go string (len(s)). */
export function goLen(s: string): number {
  return hasRawBytes(s) ? goEncode(s).length : Buffer.byteLength(s, 'utf8');
}

/**
 * The canonical form of a Go string: raw bytes that together form valid UTF-8 (two halves of a cut
 * character joined again) become that character.
 */
export function goNormalize(s: string): string {
  return hasRawBytes(s) ? goDecode(goEncode(s)) : s;
}

/**
 * What Go makes of a string wherever it decodes runes (range, strings.Map, encoding/json): every byte
 * of an invalid sequence is U+FFFD. Also makes text from outside (JSON with lone surrogate escapes,
 * which Go decodes to U+FFFD) well-formed.
 */
export function goWellFormed(s: string): string {
  return ANY_SURROGATE.test(s) ? goNormalize(s).toWellFormed() : s;
}

/** Go string slicing s[a:b] on bytes. */
export function byteSlice(s: string, a: number, b?: number): string {
  return goDecode(goEncode(s).subarray(a, b));
}

/** unicode.IsSpace */
export function isGoSpace(cp: number): boolean {
  if (cp <= 0xff) return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d) || cp === 0x85 || cp === 0xa0;
  return (
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  );
}

/** Simple (single-rune) mappings where JS's full mapping differs. */
const LOWER_EXCEPTIONS: Record<string, string> = { '\u0130': 'i' };
const TITLE_DIGRAPHS: Record<string, string> = {
  Ǆ: 'ǅ',
  ǅ: 'ǅ',
  ǆ: 'ǅ',
  Ǉ: 'ǈ',
  ǈ: 'ǈ',
  ǉ: 'ǈ',
  Ǌ: 'ǋ',
  ǋ: 'ǋ',
  ǌ: 'ǋ',
  Ǳ: 'ǲ',
  ǲ: 'ǲ',
  ǳ: 'ǲ',
};

function single(ch: string, mapped: string): string {
  return [...mapped].length === 1 ? mapped : ch;
}

/** unicode.ToUpper */
export function runeUpper(ch: string): string {
  return single(ch, ch.toUpperCase());
}
/** unicode.ToLower */
export function runeLower(ch: string): string {
  return LOWER_EXCEPTIONS[ch] ?? single(ch, ch.toLowerCase());
}
/** unicode.ToTitle */
export function runeTitle(ch: string): string {
  return TITLE_DIGRAPHS[ch] ?? runeUpper(ch);
}

/** strings.ToUpper / strings.ToLower (per rune; strings.Map turns invalid bytes into U+FFFD) */
export function goToUpper(s: string): string {
  let out = '';
  for (const ch of goWellFormed(s)) out += runeUpper(ch);
  return out;
}
export function goToLower(s: string): string {
  let out = '';
  for (const ch of goWellFormed(s)) out += runeLower(ch);
  return out;
}

export const isUpperRune = (ch: string): boolean => /^\p{Lu}$/u.test(ch);
export const isLowerRune = (ch: string): boolean => /^\p{Ll}$/u.test(ch);
export const isTitleRune = (ch: string): boolean => /^\p{Lt}$/u.test(ch);
