/**
 * Go string semantics that differ from JS: strings are bytes (slicing can cut a UTF-8 sequence; such
 * bytes are shown as one U+FFFD each, as Go's JSON encoder and fmt's %q do), and case mapping is per
 * rune with Unicode's simple mappings (strings.ToUpper("ﬁ") is "ﬁ", not "FI").
 */

/** Decodes bytes like ranging over a Go string: every invalid byte becomes one U+FFFD. */
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
      out += '\uFFFD';
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
      out += '\uFFFD';
      i++;
      continue;
    }
    out += String.fromCodePoint(cp);
    i += n + 1;
  }
  return out;
}

export function utf8(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

/** Go string slicing s[a:b] on bytes. */
export function byteSlice(s: string, a: number, b?: number): string {
  return goDecode(utf8(s).subarray(a, b));
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

/** strings.ToUpper / strings.ToLower (per rune; invalid bytes are already U+FFFD in our strings) */
export function goToUpper(s: string): string {
  let out = '';
  for (const ch of s) out += runeUpper(ch);
  return out;
}
export function goToLower(s: string): string {
  let out = '';
  for (const ch of s) out += runeLower(ch);
  return out;
}

export const isUpperRune = (ch: string): boolean => /^\p{Lu}$/u.test(ch);
export const isLowerRune = (ch: string): boolean => /^\p{Ll}$/u.test(ch);
export const isTitleRune = (ch: string): boolean => /^\p{Lt}$/u.test(ch);
