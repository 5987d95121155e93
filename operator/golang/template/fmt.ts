/** Go's fmt package (Sprint, Sprintln, Sprintf) over the Go value model of value.ts. */
import { canBackquote, formatFloat, quote } from './strconv.js';
import { goDecode, goEncode } from './gostrings.js';
import {
  GoBytes,
  GoDuration,
  GoFunc,
  GoInt,
  GoStruct,
  GoTime,
  NO_VALUE,
  intValue,
  isIntValue,
  isMap,
  isUnsigned,
  typeOf,
} from './value.js';
import { compareGoStrings } from '../json/marshal.js';
import { durationString, timeString } from './gotime.js';
import { namedIntString } from './timemethods.js';

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number;
  widPresent: boolean;
  prec: number;
  precPresent: boolean;
}

function newFlags(): Flags {
  return {
    plus: false,
    minus: false,
    sharp: false,
    space: false,
    zero: false,
    plusV: false,
    sharpV: false,
    wid: 0,
    widPresent: false,
    prec: 0,
    precPresent: false,
  };
}

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Calls a Stringer's String method if the value has one (GoStruct with String, time, duration). */
export function stringerOf(v: unknown): (() => string) | null {
  if (v instanceof GoStruct && typeof v.methods.String === 'function') {
    const m = v.methods.String;
    return () => String(m());
  }
  if (v instanceof GoTime) return () => timeString(v);
  if (v instanceof GoDuration) return () => durationString(v.ns);
  if (v instanceof GoInt) {
    const name = namedIntString(v);
    if (name !== undefined) return () => name;
  }
  return null;
}

class Printer {
  buf = '';
  f: Flags = newFlags();
  /** while printing a bad verb's operand, Stringers are not called (Go's pp.erroring) */
  erroring = false;

  private pad(s: string): void {
    if (!this.f.widPresent || this.f.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.f.wid - runeCount(s);
    if (width <= 0) {
      this.buf += s;
      return;
    }
    if (this.f.minus) this.buf += s + ' '.repeat(width);
    else this.buf += (this.f.zero ? '0' : ' ').repeat(width) + s;
  }

  private truncate(s: string): string {
    if (this.f.precPresent) {
      const chars = [...s];
      if (chars.length > this.f.prec) return chars.slice(0, this.f.prec).join('');
    }
    return s;
  }

  private fmtInteger(v: bigint, base: number, signed: boolean, verb: string, upper: boolean): void {
    const f = this.f;
    const negative = signed && v < 0n;
    let u = negative ? -v : v;
    if (!signed && u < 0n) u = u & 0xffffffffffffffffn;
    let prec = 0;
    if (f.precPresent) {
      prec = f.prec;
      if (prec === 0 && u === 0n) {
        const oldZero = f.zero;
        f.zero = false;
        if (f.widPresent) this.buf += ' '.repeat(f.wid);
        f.zero = oldZero;
        return;
      }
    } else if (f.zero && !f.minus && f.widPresent) {
      prec = f.wid;
      if (negative || f.plus || f.space) prec--;
    }
    let digits = u.toString(base);
    if (upper) digits = digits.toUpperCase();
    if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
    if (f.sharp) {
      if (base === 2) digits = '0b' + digits;
      else if (base === 8 && digits[0] !== '0') digits = '0' + digits;
      else if (base === 16) digits = (upper ? '0X' : '0x') + digits;
    }
    if (verb === 'O') digits = '0o' + digits;
    if (negative) digits = '-' + digits;
    else if (f.plus) digits = '+' + digits;
    else if (f.space) digits = ' ' + digits;
    const oldZero = f.zero;
    f.zero = false;
    this.pad(digits);
    f.zero = oldZero;
  }

  private fmtC(v: bigint): void {
    const cp = v < 0n || v > 0x10ffffn || (v >= 0xd800n && v < 0xe000n) ? 0xfffd : Number(v);
    this.pad(String.fromCodePoint(cp));
  }

  private fmtQc(v: bigint): void {
    const u = BigInt.asUintN(64, v);
    const cp = u > 0x10ffffn || (u >= 0xd800n && u < 0xe000n) ? 0xfffd : Number(u);
    this.pad(quote(String.fromCodePoint(cp), "'", this.f.plus));
  }

  private fmtUnicode(v: bigint): void {
    const u = BigInt.asUintN(64, v);
    let s =
      'U+' +
      u
        .toString(16)
        .toUpperCase()
        .padStart(this.f.precPresent ? Math.max(this.f.prec, 4) : 4, '0');
    if (this.f.sharp && u <= 0x10ffffn) {
      const ch = String.fromCodePoint(Number(u));
      if (/[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(ch)) s += " '" + ch + "'";
    }
    const oldZero = this.f.zero;
    this.f.zero = false;
    this.pad(s);
    this.f.zero = oldZero;
  }

  private printInt(v: bigint, signed: boolean, verb: string, arg: unknown, depth: number): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV && !signed) {
          this.fmtInteger(v, 16, false, verb, false);
          return;
        }
        this.fmtInteger(v, 10, signed, verb, false);
        return;
      case 'd':
        return this.fmtInteger(v, 10, signed, verb, false);
      case 'b':
        return this.fmtInteger(v, 2, signed, verb, false);
      case 'o':
      case 'O':
        return this.fmtInteger(v, 8, signed, verb, false);
      case 'x':
        return this.fmtInteger(v, 16, signed, verb, false);
      case 'X':
        return this.fmtInteger(v, 16, signed, verb, true);
      case 'c':
        return this.fmtC(v);
      case 'q':
        return this.fmtQc(v);
      case 'U':
        return this.fmtUnicode(v);
      default:
        return this.badVerb(verb, arg, depth);
    }
  }

  private fmtFloat(v: number, verb: string, prec: number): void {
    const f = this.f;
    if (f.precPresent) prec = f.prec;
    let num = formatFloat(v, verb, prec);
    if (f.sharp && verb !== 'b') {
      // Go: %#g etc. keep a decimal point and pad with zeros up to the precision (6 when unset)
      let digits = 0;
      if (verb === 'v' || verb === 'g' || verb === 'G' || verb === 'x') digits = prec === -1 ? 6 : prec;
      const signed = num[0] === '-' || num[0] === '+' ? num : '+' + num;
      if (!/Inf|NaN/.test(signed)) {
        let body = signed;
        let tail = '';
        let hasPoint = false;
        let sawNonzero = false;
        for (let i = 1; i < body.length; i++) {
          const ch = body[i]!;
          if (ch === '.') hasPoint = true;
          else if (ch === 'p' || ch === 'P' || ((ch === 'e' || ch === 'E') && verb !== 'x' && verb !== 'X')) {
            tail = body.slice(i);
            body = body.slice(0, i);
            break;
          } else {
            if (ch !== '0') sawNonzero = true;
            if (sawNonzero) digits--;
          }
        }
        if (!hasPoint) {
          if (body.length === 2 && body[1] === '0') digits--;
          body += '.';
        }
        while (digits > 0) {
          body += '0';
          digits--;
        }
        num = (num[0] === '-' || num[0] === '+' ? body : body.slice(1)) + tail;
      }
    }
    let sign = '+';
    if (num[0] === '-' || num[0] === '+') {
      sign = num[0];
      num = num.slice(1);
    }
    if (f.space && sign === '+' && !f.plus) sign = ' ';
    if (num === 'Inf' || num === 'NaN') {
      const oldZero = f.zero;
      f.zero = false;
      if (num === 'NaN' && !f.space && !f.plus) this.pad(num);
      else this.pad(sign + num);
      f.zero = oldZero;
      return;
    }
    if (f.plus || sign !== '+') {
      const full = sign + num;
      if (f.zero && !f.minus && f.widPresent && f.wid > full.length) {
        this.buf += sign + '0'.repeat(f.wid - full.length) + num;
        return;
      }
      this.pad(full);
      return;
    }
    this.pad(num);
  }

  private printFloat(v: number, verb: string, arg: unknown, depth: number): void {
    switch (verb) {
      case 'v':
        return this.fmtFloat(v, 'g', -1);
      case 'g':
      case 'G':
      case 'x':
      case 'X':
      case 'b':
        return this.fmtFloat(v, verb, -1);
      case 'f':
      case 'e':
      case 'E':
      case 'F':
        return this.fmtFloat(v, verb === 'F' ? 'f' : verb, 6);
      default:
        return this.badVerb(verb, arg, depth);
    }
  }

  private fmtSx(s: string, upper: boolean): void {
    let bytes = goEncode(s);
    if (this.f.precPresent && this.f.prec < bytes.length) bytes = bytes.subarray(0, this.f.prec);
    let out = '';
    bytes.forEach((b, i) => {
      if (this.f.space && i > 0) out += ' ';
      if (this.f.sharp && (this.f.space || i === 0)) out += upper ? '0X' : '0x';
      const h = b.toString(16).padStart(2, '0');
      out += upper ? h.toUpperCase() : h;
    });
    this.pad(out);
  }

  private fmtQ(s: string): void {
    s = this.truncate(s);
    if (this.f.sharp && canBackquote(s)) this.pad('`' + s + '`');
    else this.pad(quote(s, '"', this.f.plus));
  }

  private printString(s: string, verb: string, arg: unknown, depth: number): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV) this.fmtQ(s);
        else this.pad(this.truncate(s));
        return;
      case 's':
        return this.pad(this.truncate(s));
      case 'x':
        return this.fmtSx(s, false);
      case 'X':
        return this.fmtSx(s, true);
      case 'q':
        return this.fmtQ(s);
      default:
        return this.badVerb(verb, arg, depth);
    }
  }

  /** %!verb(type=value): Go prints the value with %v but keeps the flags, width and precision. */
  badVerb(verb: string, arg: unknown, _depth: number): void {
    this.buf += '%!' + verb + '(';
    if (arg === null || arg === undefined || arg === NO_VALUE) this.buf += '<nil>';
    else {
      this.buf += typeOf(arg) + '=';
      this.erroring = true;
      this.printArg(arg, 'v', 0);
      this.erroring = false;
    }
    this.buf += ')';
  }

  printArg(arg: unknown, verb: string, depth = 0): void {
    if (arg === null || arg === undefined || arg === NO_VALUE) {
      if (depth > 0) {
        // nil elements of maps and slices are written without padding
        this.buf += this.f.sharpV ? 'interface {}(nil)' : '<nil>';
        return;
      }
      if (verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.badVerb(verb, null, depth);
      return;
    }
    if (verb === 'T') {
      this.pad(this.truncate(typeOf(arg)));
      return;
    }
    if (verb === 'p') {
      this.badVerb(verb, arg, depth);
      return;
    }
    // Stringer handling (not for %#v, %T, %p)
    if (!this.f.sharpV && !this.erroring && 'vsxXq'.includes(verb)) {
      const str = stringerOf(arg);
      if (str) {
        this.printString(str(), verb, arg, depth);
        return;
      }
    }
    switch (typeof arg) {
      case 'boolean':
        if (verb === 't' || verb === 'v') this.pad(arg ? 'true' : 'false');
        else this.badVerb(verb, arg, depth);
        return;
      case 'number':
        this.printFloat(arg, verb, arg, depth);
        return;
      case 'bigint':
        this.printInt(arg, true, verb, arg, depth);
        return;
      case 'string':
        this.printString(arg, verb, arg, depth);
        return;
    }
    if (isIntValue(arg)) {
      this.printInt(intValue(arg), !isUnsigned(arg), verb, arg, depth);
      return;
    }
    if (arg instanceof GoDuration) {
      this.printInt(arg.ns, true, verb, arg, depth);
      return;
    }
    if (arg instanceof GoBytes) {
      if (verb === 's' || verb === 'q' || verb === 'x' || verb === 'X') {
        this.printString(goDecode(arg.b), verb, arg, depth);
        return;
      }
      this.printList(
        Array.from(arg.b, (b) => new GoInt(BigInt(b), 'uint8')),
        verb,
        depth,
        '[]byte',
      );
      return;
    }
    if (Array.isArray(arg)) {
      this.printList(arg, verb, depth, typeOf(arg));
      return;
    }
    if (arg instanceof GoStruct) {
      if (this.f.sharpV) this.buf += arg.typeName;
      this.buf += '{';
      let first = true;
      for (const [k, v] of Object.entries(arg.fields)) {
        if (!first) this.buf += this.f.sharpV ? ', ' : ' ';
        first = false;
        if (this.f.plusV || this.f.sharpV) this.buf += k + ':';
        if (v === null || v === undefined)
          this.buf += this.f.sharpV ? 'map[string]interface {}(nil)' : 'map[]';
        else this.printArg(v, verb, depth + 1);
      }
      this.buf += '}';
      return;
    }
    if (arg instanceof GoFunc) {
      this.badVerb(verb, arg, depth);
      return;
    }
    if (isMap(arg)) {
      const keys = Object.keys(arg).sort(compareGoStrings);
      if (this.f.sharpV) this.buf += 'map[string]interface {}{';
      else this.buf += 'map[';
      keys.forEach((k, i) => {
        if (i > 0) this.buf += this.f.sharpV ? ', ' : ' ';
        this.printArg(k, verb, depth + 1);
        this.buf += ':';
        this.printArg(arg[k], verb, depth + 1);
      });
      this.buf += this.f.sharpV ? '}' : ']';
      return;
    }
    this.buf += '?';
  }

  private printList(items: unknown[], verb: string, depth: number, typeName: string): void {
    if (this.f.sharpV) {
      this.buf += typeName + '{';
      items.forEach((x, i) => {
        if (i > 0) this.buf += ', ';
        this.printArg(x, verb, depth + 1);
      });
      this.buf += '}';
      return;
    }
    this.buf += '[';
    items.forEach((x, i) => {
      if (i > 0) this.buf += ' ';
      this.printArg(x, verb, depth + 1);
    });
    this.buf += ']';
  }
}

function isStringArg(a: unknown): boolean {
  return typeof a === 'string';
}

/** fmt.Sprint */
export function sprint(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  const p = new Printer();
  let prevString = false;
  args.forEach((a, i) => {
    const isString = isStringArg(a);
    if (i > 0 && !isString && !prevString) p.buf += ' ';
    p.printArg(a, 'v');
    prevString = isString;
  });
  return p.buf;
}

/** fmt.Sprintln */
export function sprintln(args: unknown[]): string {
  const p = new Printer();
  args.forEach((a, i) => {
    if (i > 0) p.buf += ' ';
    p.printArg(a, 'v');
  });
  return p.buf + '\n';
}

/** fmt.Sprint of a single value (what a template action prints). */
export function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  const p = new Printer();
  p.printArg(v, 'v');
  return p.buf;
}

function parseNum(s: string, i: number): [number, boolean, number] {
  let n = 0;
  let present = false;
  while (i < s.length && s[i]! >= '0' && s[i]! <= '9') {
    if (n > 1e6) return [0, false, s.length];
    n = n * 10 + (s.charCodeAt(i) - 48);
    present = true;
    i++;
  }
  return [n, present, i];
}

function intFromArg(a: unknown[], argNum: number): [number, boolean, number] {
  if (argNum < a.length) {
    const v = a[argNum];
    if (isIntValue(v)) {
      const n = intValue(v);
      if (n > 1000000n || n < -1000000n) return [0, false, argNum + 1];
      return [Number(n), true, argNum + 1];
    }
    return [0, false, argNum + 1];
  }
  return [0, false, argNum];
}

/** fmt.Sprintf */
export function sprintf(format: string, a: unknown[]): string {
  const p = new Printer();
  const end = format.length;
  let argNum = 0;
  let reordered = false;
  let i = 0;
  while (i < end) {
    let goodArgNum = true;
    const lasti = i;
    while (i < end && format[i] !== '%') i++;
    if (i > lasti) p.buf += format.slice(lasti, i);
    if (i >= end) break;
    i++;
    p.f = newFlags();
    const f = p.f;
    flags: for (; i < end; i++) {
      switch (format[i]) {
        case '#':
          f.sharp = true;
          break;
        case '0':
          f.zero = !f.minus;
          break;
        case '+':
          f.plus = true;
          break;
        case '-':
          f.minus = true;
          f.zero = false;
          break;
        case ' ':
          f.space = true;
          break;
        default:
          break flags;
      }
    }
    let afterIndex = false;
    const argNumber = (): void => {
      if (i < end && format[i] === '[') {
        reordered = true;
        const close = format.indexOf(']', i);
        if (close < 0) {
          goodArgNum = false;
          return;
        }
        const [n, ok, ni] = parseNum(format, i + 1);
        if (!ok || ni !== close) {
          goodArgNum = false;
          i = close + 1;
          return;
        }
        if (n - 1 >= 0 && n - 1 < a.length) {
          argNum = n - 1;
          i = close + 1;
          afterIndex = true;
          return;
        }
        goodArgNum = false;
        i = close + 1;
      }
    };
    argNumber();
    if (i < end && format[i] === '*') {
      i++;
      [f.wid, f.widPresent, argNum] = intFromArg(a, argNum);
      if (!f.widPresent) p.buf += '%!(BADWIDTH)';
      if (f.wid < 0) {
        f.wid = -f.wid;
        f.minus = true;
        f.zero = false;
      }
      afterIndex = false;
    } else {
      [f.wid, f.widPresent, i] = parseNum(format, i);
      if (afterIndex && f.widPresent) goodArgNum = false;
    }
    if (i + 1 < end && format[i] === '.') {
      i++;
      if (afterIndex) goodArgNum = false;
      argNumber();
      if (i < end && format[i] === '*') {
        i++;
        [f.prec, f.precPresent, argNum] = intFromArg(a, argNum);
        if (f.prec < 0) {
          f.prec = 0;
          f.precPresent = false;
        }
        if (!f.precPresent) p.buf += '%!(BADPREC)';
        afterIndex = false;
      } else {
        [f.prec, f.precPresent, i] = parseNum(format, i);
        if (!f.precPresent) {
          f.prec = 0;
          f.precPresent = true;
        }
      }
    }
    if (!afterIndex) argNumber();
    if (i >= end) {
      p.buf += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      p.buf += '%';
    } else if (!goodArgNum) {
      p.buf += '%!' + verb + '(BADINDEX)';
    } else if (argNum >= a.length) {
      p.buf += '%!' + verb + '(MISSING)';
    } else {
      if (verb === 'v') {
        f.sharpV = f.sharp;
        f.sharp = false;
        f.plusV = f.plus;
        f.plus = false;
      }
      p.printArg(a[argNum], verb);
      argNum++;
    }
  }
  if (!reordered && argNum < a.length) {
    p.f = newFlags();
    p.buf += '%!(EXTRA ';
    a.slice(argNum).forEach((arg, k) => {
      if (k > 0) p.buf += ', ';
      if (arg === null || arg === undefined) p.buf += '<nil>';
      else {
        p.buf += typeOf(arg) + '=';
        p.printArg(arg, 'v');
      }
    });
    p.buf += ')';
  }
  return p.buf;
}
