/**
 * html/template's escapers for the contexts htmlcontext.ts finds: attribute values, URLs, JavaScript
 * and CSS. Each takes the printed value (or, for JavaScript values, the value itself).
 */
import type { EscapeContext } from './htmlcontext.js';
import { goJson } from '../sprig/cast.js';
import { queryEscape } from './builtins.js';
import { goEncode } from './gostrings.js';

const FAILSAFE = 'ZgotmplZ';

const HTML: Record<string, string> = {
  '\0': '\uFFFD',
  '"': '&#34;',
  '&': '&amp;',
  "'": '&#39;',
  '+': '&#43;',
  '<': '&lt;',
  '>': '&gt;',
};
const HTML_NOSPACE: Record<string, string> = {
  ...HTML,
  '\0': '&#xfffd;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\v': '&#11;',
  '\f': '&#12;',
  '\r': '&#13;',
  ' ': '&#32;',
  '=': '&#61;',
  '`': '&#96;',
};

/** text/template's `html` (HTMLEscapeString), when it stands at the end of a pipeline. */
function htmlBuiltin(s: string): string {
  return s.replace(/[\0"&'<>]/g, (c) => (c === '+' ? c : HTML[c]!));
}

export function htmlEscape(s: string): string {
  return s.replace(/[\0"&'+<>]/g, (c) => HTML[c]!);
}

/** The escaper of an unquoted attribute value; an empty value becomes ZgotmplZ. */
export function htmlNospaceEscape(s: string): string {
  if (s === '') return FAILSAFE;
  return s
    .replace(/[\0\t\n\v\f\r "&'+<=>`]/g, (c) => HTML_NOSPACE[c]!)
    .replace(/(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]|[\uFDD0-\uFDEF\uFFF0-\uFFFF]/g, (c) =>
      /[\uDC80-\uDCFF]/.test(c) ? '&#xfffd;' : `&#x${c.charCodeAt(0).toString(16)};`,
    );
}

/** htmlNameFilter: an action in an attribute name may only print a plain lower-case alphanumeric name. */
function htmlNameFilter(s: string): string {
  const name = s.toLowerCase();
  if (name === '' || !/^[0-9a-z]+$/.test(name)) return FAILSAFE;
  if (name.startsWith('on') || name === 'style' || /src|uri|url/.test(name)) return FAILSAFE;
  return name;
}

/** Whether a URL's scheme (if any) is http, https or mailto. */
function isSafeUrl(s: string): boolean {
  const i = s.indexOf(':');
  if (i < 0) return true;
  const scheme = s.slice(0, i);
  if (scheme.includes('/')) return true;
  return /^(https?|mailto)$/i.test(scheme);
}

/** html/template's urlProcessor: percent-encoding; `norm` keeps reserved characters and `%`. */
function urlProcess(s: string, norm: boolean): string {
  let out = '';
  const bytes = goEncode(s);
  const hex = (x: number | undefined) => x !== undefined && /[0-9a-fA-F]/.test(String.fromCharCode(x));
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const c = String.fromCharCode(b);
    // a normaliser keeps reserved characters and existing %XX escapes
    if (/[A-Za-z0-9\-._~]/.test(c) || (norm && /[!#$&*+,/:;=?@[\]]/.test(c))) out += c;
    else if (norm && c === '%' && hex(bytes[i + 1]) && hex(bytes[i + 2])) out += c;
    else out += '%' + b.toString(16).padStart(2, '0');
  }
  return out;
}

const JS_STR: Record<string, string> = {
  '\0': '\\u0000',
  '\t': '\\t',
  '\n': '\\n',
  '\v': '\\u000b',
  '\f': '\\f',
  '\r': '\\r',
  '"': '\\u0022',
  '`': '\\u0060',
  '&': '\\u0026',
  "'": '\\u0027',
  '+': '\\u002b',
  '/': '\\/',
  '<': '\\u003c',
  '>': '\\u003e',
  '\\': '\\\\',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

function jsStrEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const r = JS_STR[ch];
    if (r !== undefined) out += r;
    else if (ch < ' ') out += '\\u00' + ch.charCodeAt(0).toString(16).padStart(2, '0');
    else out += ch;
  }
  return out;
}

const isJsIdentPart = (ch: string | undefined): boolean => ch !== undefined && /[\p{L}\p{Nd}_$]/u.test(ch);

/** jsValEscaper: the value as JSON, with spaces around it when it starts or ends like an identifier. */
function jsValEscape(v: unknown, printed: string, isStringer: boolean): string {
  let b: string;
  try {
    b = goJson(isStringer ? printed : v, true);
  } catch (e) {
    return ` /* ${(e as Error).message.replace(/\*\//g, '* /')} */null `;
  }
  if (b === '') return ' null ';
  b = b.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  const chars = [...b];
  const pad = isJsIdentPart(chars[0]) || isJsIdentPart(chars[chars.length - 1]);
  return pad ? ` ${b} ` : b;
}

/** Where JavaScript text leaves off: inside a '...' or "..." string literal, or not. */
function jsInString(js: string): boolean {
  let q = '';
  for (let i = 0; i < js.length; i++) {
    const c = js[i]!;
    if (q) {
      if (c === '\\') i++;
      else if (c === q) q = '';
      continue;
    }
    if (c === '"' || c === "'") q = c;
    else if (c === '/' && js[i + 1] === '/') {
      const e = js.indexOf('\n', i);
      if (e < 0) return false;
      i = e;
    } else if (c === '/' && js[i + 1] === '*') {
      const e = js.indexOf('*/', i + 2);
      if (e < 0) return false;
      i = e + 1;
    }
  }
  return q !== '';
}

function cssInString(css: string): boolean {
  let q = '';
  for (let i = 0; i < css.length; i++) {
    const c = css[i]!;
    if (q) {
      if (c === '\\') i++;
      else if (c === q) q = '';
    } else if (c === '"' || c === "'") q = c;
  }
  return q !== '';
}

const CSS_ESC: Record<string, string> = {
  '\0': '\\0',
  '\t': '\\9',
  '\n': '\\a',
  '\f': '\\c',
  '\r': '\\d',
  '"': '\\22',
  '&': '\\26',
  "'": '\\27',
  '(': '\\28',
  ')': '\\29',
  '+': '\\2b',
  '/': '\\2f',
  ':': '\\3a',
  ';': '\\3b',
  '<': '\\3c',
  '>': '\\3e',
  '\\': '\\\\',
  '{': '\\7b',
  '}': '\\7d',
};

function cssEscape(s: string): string {
  let out = '';
  const chars = [...s];
  chars.forEach((ch, i) => {
    const r = CSS_ESC[ch];
    if (r === undefined) {
      out += ch;
      return;
    }
    out += r;
    const next = chars[i + 1];
    if (r !== '\\\\' && next !== undefined && /[0-9a-fA-F \t\n\f\r]/.test(next)) out += ' ';
  });
  return out;
}

/** cssValueFilter: values that could break out of a CSS value become ZgotmplZ. */
function cssValueFilter(s: string): string {
  let id = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if ('\0"\'()/;@[\\]`{}<>'.includes(c)) return FAILSAFE;
    if (c === '-' && i > 0 && s[i - 1] === '-') return FAILSAFE;
    if (/[A-Za-z0-9_-]/.test(c) || c.charCodeAt(0) >= 0x80) id += c;
  }
  id = id.toLowerCase();
  if (id.includes('expression') || id.includes('mozbinding')) return FAILSAFE;
  return s;
}

/** Escapes one printed value for its context. `v` is the value, `printed` its text form. */
export function escapeInContext(
  ctx: EscapeContext,
  v: unknown,
  printed: string,
  isStringer: boolean,
): string {
  switch (ctx.kind) {
    case 'text':
      return htmlEscape(printed);
    case 'attrName':
      return htmlNameFilter(printed);
    case 'script':
      return jsInString(ctx.sofar) ? jsStrEscape(printed) : jsValEscape(v, printed, isStringer);
    case 'style':
      return cssInString(ctx.sofar) ? cssEscape(printed) : cssValueFilter(printed);
    case 'attr': {
      let s: string;
      switch (ctx.type) {
        case 'url':
          if (ctx.urlquery)
            s = queryEscape(ctx.sofar === '' && !isSafeUrl(printed) ? '#' + FAILSAFE : printed);
          else if (ctx.sofar === '') s = isSafeUrl(printed) ? urlProcess(printed, true) : '#' + FAILSAFE;
          else if (/[?#]/.test(ctx.sofar)) s = urlProcess(printed, false);
          else s = urlProcess(printed, true);
          break;
        case 'js':
          s = jsInString(ctx.sofar) ? jsStrEscape(printed) : jsValEscape(v, printed, isStringer);
          break;
        case 'css':
          s = cssInString(ctx.sofar) ? cssEscape(printed) : cssValueFilter(printed);
          break;
        default:
          s = printed;
      }
      if (ctx.finalHtml) return htmlBuiltin(s);
      return ctx.quote ? htmlEscape(s) : htmlNospaceEscape(s);
    }
  }
}
