/**
 * YAML exactly as sigs.k8s.io/yaml prints it (`yaml.Marshal` = Go JSON → go-yaml v2 → YAML), for the
 * JSON data model: map keys in go-yaml's "natural" order (letters before other characters, digit
 * runs compared as numbers), block style with indentless sequences in mappings, empty collections as
 * `{}`/`[]`, integers and floats as go-yaml formats them, and go-yaml's choice among plain,
 * single-quoted, double-quoted and literal scalars, including its folding of long lines at column 80.
 *
 * Written from go-yaml v2.4's documented emitter behaviour and checked byte for byte against the Go
 * oracle's output (testdata/yaml and the schema goldens).
 */

const BEST_INDENT = 2;
const BEST_WIDTH = 80;

// ---------------------------------------------------------------------------------------------
// Character classes (on code points; go-yaml works on UTF-8 bytes with the same meaning).

const isPrintable = (c: number): boolean =>
  c === 0x0a ||
  (c >= 0x20 && c <= 0x7e) ||
  (c >= 0xa0 && c <= 0xd7ff) ||
  (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);
const isSpace = (c: number | undefined): boolean => c === 0x20;
const isBreak = (c: number | undefined): boolean =>
  c === 0x0d || c === 0x0a || c === 0x85 || c === 0x2028 || c === 0x2029;
const isBlank = (c: number | undefined): boolean => c === 0x20 || c === 0x09;
const isBlankZ = (c: number | undefined): boolean => c === undefined || c === 0 || isBlank(c) || isBreak(c);

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0)!);
  return out;
}

// ---------------------------------------------------------------------------------------------
// How go-yaml resolves a plain scalar: strings that would read back as something else are quoted.

const RESOLVE_MAP = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  '', '~', 'null', 'Null', 'NULL', '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF',
  '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '<<',
]); // prettier-ignore

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const DECIMAL_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** go-yaml's timestamp check: Go time layouts with 1–2 digit month/day/hour/minute/second. */
function isTimestamp(s: string): boolean {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?))?$/.exec(
      s,
    );
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return false;
  const h = Number(m[4] ?? m[7] ?? 0);
  const min = Number(m[5] ?? m[8] ?? 0);
  const sec = Number(m[6] ?? m[9] ?? 0);
  return h < 24 && min < 60 && sec < 60;
}

/** Whether go-yaml may write `s` as a plain scalar without it reading back as a non-string. */
function resolvesToString(s: string): boolean {
  if (s === '') return false;
  const c = s[0]!;
  // Only strings starting with a sign, digit, dot or one of "yYnNtTfFoO~" can resolve to non-strings.
  if (!/^[-+0-9.yYnNtTfFoO~]/.test(c)) return true;
  if (RESOLVE_MAP.has(s)) return false;
  if (c === '.') return !DECIMAL_FLOAT.test(s);
  if (c === '+' || c === '-' || (c >= '0' && c <= '9')) {
    if (isTimestamp(s)) return false;
    const plain = s.replaceAll('_', '');
    if (GO_INT.test(plain) || YAML_STYLE_FLOAT.test(plain)) return false;
    if (/^-0b[01]+$/.test(plain)) return false;
    if (s.includes(':') && BASE60_FLOAT.test(s)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Scalar analysis and style selection (go-yaml's emitter).

interface Analysis {
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

function analyze(v: number[]): Analysis {
  if (v.length === 0)
    return { multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true, block: false };
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  if (
    v.length >= 3 &&
    ((v[0] === 0x2d && v[1] === 0x2d && v[2] === 0x2d) || (v[0] === 0x2e && v[1] === 0x2e && v[2] === 0x2e))
  ) {
    blockIndicators = true;
    flowIndicators = true;
  }
  let precededByWhitespace = true;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    const followedByWhitespace = i + 1 >= v.length || isBlank(v[i + 1]);
    const ch = String.fromCodePoint(c);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) {
        flowIndicators = true;
        blockIndicators = true;
      } else if (ch === '?' || ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      } else if (ch === '-' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else if (',?[]{}'.includes(ch)) {
      flowIndicators = true;
    } else if (ch === ':') {
      flowIndicators = true;
      if (followedByWhitespace) blockIndicators = true;
    } else if (ch === '#' && precededByWhitespace) {
      flowIndicators = true;
      blockIndicators = true;
    }
    if (!isPrintable(c)) special = true;
    if (isSpace(c)) {
      if (i === 0) leadingSpace = true;
      if (i === v.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === v.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankZ(c);
  }
  const a: Analysis = {
    multiline: lineBreaks,
    flowPlain: true,
    blockPlain: true,
    singleQuoted: true,
    block: true,
  };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.flowPlain = a.blockPlain = false;
  if (trailingSpace) a.block = false;
  if (breakSpace) a.flowPlain = a.blockPlain = a.singleQuoted = false;
  if (spaceBreak || special) a.flowPlain = a.blockPlain = a.singleQuoted = a.block = false;
  if (lineBreaks) a.flowPlain = a.blockPlain = false;
  if (flowIndicators) a.flowPlain = false;
  if (blockIndicators) a.blockPlain = false;
  return a;
}

type Style = 'plain' | 'single' | 'double' | 'literal';

// ---------------------------------------------------------------------------------------------
// The writer: go-yaml's column/indent bookkeeping, enough for block mappings and sequences.

class Writer {
  out = '';
  column = 0;
  indent = -1;
  indents: number[] = [];
  whitespace = true;
  indention = true;
  openEnded = false;
  flowLevel = 0;

  put(s: string): void {
    this.out += s;
    this.column += 1;
  }

  putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }

  writeChar(c: number): void {
    this.out += String.fromCodePoint(c);
    this.column += 1;
  }

  writeBreak(c: number): void {
    if (c === 0x0a) this.putBreak();
    else {
      this.out += String.fromCodePoint(c);
      this.column = 0;
    }
  }

  increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace))
      this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }

  writeIndicator(
    indicator: string,
    needWhitespace: boolean,
    isWhitespace: boolean,
    isIndention: boolean,
  ): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.out += indicator;
    this.column += [...indicator].length;
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
    this.openEnded = false;
  }

  writePlain(v: number[], allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i]!;
      if (isSpace(c)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && !isSpace(v[i + 1])) this.writeIndent();
        else this.writeChar(c);
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.writeChar(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  writeSingleQuoted(v: number[], allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i]!;
      if (isSpace(c)) {
        if (
          allowBreaks &&
          !spaces &&
          this.column > BEST_WIDTH &&
          i > 0 &&
          i < v.length - 1 &&
          !isSpace(v[i + 1])
        ) {
          this.writeIndent();
        } else this.writeChar(c);
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === 0x27) this.put("'");
        this.writeChar(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  writeDoubleQuoted(v: number[], allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    const bom = v[0] === 0xfeff;
    let spaces = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i]!;
      if (!isPrintable(c) || bom || isBreak(c) || c === 0x22 || c === 0x5c) {
        this.put('\\');
        const short: Record<number, string> = {
          0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r', 0x1b: 'e',
          0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
        }; // prettier-ignore
        const s = short[c];
        if (s !== undefined) this.put(s);
        else {
          const [letter, width] = c <= 0xff ? ['x', 2] : c <= 0xffff ? ['u', 4] : ['U', 8];
          this.put(letter);
          for (const d of c.toString(16).toUpperCase().padStart(width, '0')) this.put(d);
        }
        spaces = false;
      } else if (isSpace(c)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < v.length - 1) {
          this.writeIndent();
          if (isSpace(v[i + 1])) this.put('\\');
        } else this.writeChar(c);
        spaces = true;
      } else {
        this.writeChar(c);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  writeLiteral(v: number[]): void {
    this.writeIndicator('|', true, false, false);
    if (isSpace(v[0]) || isBreak(v[0])) this.writeIndicator(String(BEST_INDENT), false, false, false);
    this.openEnded = false;
    let chomp = '';
    if (v.length === 0) chomp = '-';
    else {
      const last = v.length - 1;
      if (!isBreak(v[last])) chomp = '-';
      else if (last === 0) {
        chomp = '+';
        this.openEnded = true;
      } else if (isBreak(v[last - 1])) {
        chomp = '+';
        this.openEnded = true;
      }
    }
    if (chomp) this.writeIndicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of v) {
      if (isBreak(c)) {
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.writeChar(c);
        this.indention = false;
        breaks = false;
      }
    }
  }

  /** A scalar: `requested` is what go-yaml's encoder asks for; the emitter may override it. */
  scalar(text: string, requested: Style, simpleKey: boolean): void {
    const v = codePoints(text);
    const a = analyze(v);
    let style = requested;
    if (simpleKey && a.multiline) style = 'double';
    if (style === 'plain') {
      if ((this.flowLevel > 0 && !a.flowPlain) || (this.flowLevel === 0 && !a.blockPlain)) style = 'single';
      if (v.length === 0 && (this.flowLevel > 0 || simpleKey)) style = 'single';
    }
    if (style === 'single' && !a.singleQuoted) style = 'double';
    if (style === 'literal' && (!a.block || this.flowLevel > 0 || simpleKey)) style = 'double';
    this.increaseIndent(true, false);
    const allowBreaks = !simpleKey;
    if (style === 'plain') this.writePlain(v, allowBreaks);
    else if (style === 'single') this.writeSingleQuoted(v, allowBreaks);
    else if (style === 'double') this.writeDoubleQuoted(v, allowBreaks);
    else this.writeLiteral(v);
    this.popIndent();
  }
}

// ---------------------------------------------------------------------------------------------
// Values.

/** go-yaml's key order (sorter.go): letters before non-letters, digit runs compared numerically. */
export function compareGoYAMLKeys(a: string, b: string): number {
  const ar = [...a];
  const br = [...b];
  const isLetter = (ch: string) => /\p{L}/u.test(ch);
  const isDigit = (ch: string | undefined) => ch !== undefined && /\p{Nd}/u.test(ch);
  const digitValue = (ch: string) => ch.codePointAt(0)! - 0x30;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const x = ar[i]!;
    const y = br[i]!;
    const al = isLetter(x);
    const bl = isLetter(y);
    if (al && bl) return x.codePointAt(0)! - y.codePointAt(0)!;
    if (al || bl) return bl ? -1 : 1;
    let an = 0;
    let bn = 0;
    if (x === '0' || y === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10 + digitValue(ar[ai]!);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10 + digitValue(br[bi]!);
    if (an !== bn) return an < bn ? -1 : 1;
    if (ai !== bi) return ai < bi ? -1 : 1;
    return x.codePointAt(0)! - y.codePointAt(0)!;
  }
  return ar.length - br.length;
}

/** Go's strconv.FormatFloat(f, 'g', -1, 64), as go-yaml prints floats. */
export function formatGoFloatG(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  if (f === Infinity) return '.inf';
  if (f === -Infinity) return '-.inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mantissa, expText] = f.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(f);
}

/** A JSON number as go-yaml re-reads and prints it: integers stay integers, the rest are floats. */
function formatNumber(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toString();
  const json = String(n);
  if (/^-?\d+$/.test(json)) return Object.is(n, -0) ? '0' : json;
  return formatGoFloatG(n);
}

function stringStyle(s: string): Style {
  if (s.includes('\n')) return 'literal';
  return resolvesToString(s) ? 'plain' : 'double';
}

function isEmptyCollection(v: unknown): boolean {
  if (Array.isArray(v)) return v.length === 0;
  return v !== null && typeof v === 'object' && Object.keys(v).length === 0;
}

function emitNode(w: Writer, v: unknown, ctx: { mapping: boolean; simpleKey: boolean }): void {
  if (v === null || v === undefined) return w.scalar('null', 'plain', ctx.simpleKey);
  if (typeof v === 'boolean') return w.scalar(v ? 'true' : 'false', 'plain', ctx.simpleKey);
  if (typeof v === 'number' || typeof v === 'bigint')
    return w.scalar(formatNumber(v), 'plain', ctx.simpleKey);
  if (typeof v === 'string') return w.scalar(v, stringStyle(v), ctx.simpleKey);
  if (isEmptyCollection(v)) {
    const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
    w.writeIndicator(open, true, true, false);
    w.writeIndicator(close, false, false, false);
    return;
  }
  if (Array.isArray(v)) {
    w.increaseIndent(false, ctx.mapping && !w.indention);
    for (const item of v) {
      w.writeIndent();
      w.writeIndicator('-', true, false, true);
      emitNode(w, item, { mapping: false, simpleKey: false });
    }
    w.popIndent();
    return;
  }
  const obj = v as Record<string, unknown>;
  w.increaseIndent(false, false);
  for (const key of Object.keys(obj).sort(compareGoYAMLKeys)) {
    w.writeIndent();
    // go-yaml writes long (> 128 bytes) or multi-line keys as complex keys: `? key` then `: value`.
    const simple = Buffer.byteLength(key, 'utf8') <= 128 && !codePoints(key).some(isBreak);
    if (simple) {
      emitNode(w, key, { mapping: true, simpleKey: true });
      w.writeIndicator(':', false, false, false);
    } else {
      w.writeIndicator('?', true, false, true);
      emitNode(w, key, { mapping: true, simpleKey: false });
      w.writeIndent();
      w.writeIndicator(':', true, false, true);
    }
    emitNode(w, obj[key], { mapping: true, simpleKey: false });
  }
  w.popIndent();
}

/**
 * go-yaml reads the JSON text before printing it, and its scanner folds a raw NEL (U+0085, which Go's
 * JSON leaves unescaped) in a quoted scalar like a line break: one becomes a space, more become
 * newlines, with the blanks around them dropped.
 */
function foldNEL(s: string): string {
  if (!s.includes('\u0085')) return s;
  return s.replace(/[ \t]*\u0085(?:[ \t]*\u0085)*[ \t]*/g, (run) => {
    const breaks = [...run].filter((c) => c === '\u0085').length;
    return breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
  });
}

function normalize(v: unknown): unknown {
  if (typeof v === 'string') return foldNEL(v);
  if (Array.isArray(v)) return v.map(normalize);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [foldNEL(k), normalize(x)]));
  }
  return v;
}

/** `yaml.JSONToYAML` / `yaml.Marshal` output for a JSON value. */
export function toGoYAML(value: unknown): string {
  const w = new Writer();
  emitNode(w, normalize(value), { mapping: false, simpleKey: false });
  w.writeIndent(); // document end
  if (w.openEnded) {
    // stream end after a scalar that leaves the document open (a `|+` block)
    w.writeIndicator('...', true, false, false);
    w.writeIndent();
  }
  return w.out;
}
