/** Lexer for Go text/template (delimiters {{ }}), producing the same item stream as Go's text/template/parse. */

/** Item types (Go's itemType); keywords come after Keyword. */
export const T = {
  Error: 0,
  Bool: 1,
  Char: 2,
  CharConstant: 3,
  Comment: 4,
  Assign: 5,
  Declare: 6,
  EOF: 7,
  Field: 8,
  Identifier: 9,
  LeftDelim: 10,
  LeftParen: 11,
  Number: 12,
  Pipe: 13,
  RawString: 14,
  RightDelim: 15,
  RightParen: 16,
  Space: 17,
  String: 18,
  Text: 19,
  Variable: 20,
  Keyword: 21,
  Block: 22,
  Break: 23,
  Continue: 24,
  Dot: 25,
  Define: 26,
  Else: 27,
  End: 28,
  If: 29,
  Nil: 30,
  Range: 31,
  Template: 32,
  With: 33,
} as const;
export type T = (typeof T)[keyof typeof T];

const KEYWORDS: Record<string, T> = {
  '.': T.Dot,
  block: T.Block,
  break: T.Break,
  continue: T.Continue,
  define: T.Define,
  else: T.Else,
  end: T.End,
  if: T.If,
  range: T.Range,
  nil: T.Nil,
  template: T.Template,
  with: T.With,
};

export interface Item {
  typ: T;
  pos: number;
  val: string;
  line: number;
}

/** item.String() as Go prints it in "unexpected X" messages. */
export function itemString(i: Item): string {
  if (i.typ === T.EOF) return 'EOF';
  if (i.typ === T.Error) return i.val;
  if (i.typ > T.Keyword) return `<${i.val}>`;
  const chars = [...i.val];
  if (chars.length > 10) return goQuoteTrunc(chars.slice(0, 10).join('')) + '...';
  return goQuoteTrunc(i.val);
}

function goQuoteTrunc(s: string): string {
  return JSON.stringify(s)
    .replace(/\\u([0-9a-f]{4})/g, (_m, h: string) => `\\x${h.slice(2)}`)
    .replace(/\u2028/g, '\\u2028');
}

const LEFT = '{{';
const RIGHT = '}}';

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

function isAlphaNumeric(c: string | undefined): boolean {
  if (c === undefined) return false;
  return c === '_' || /[\p{L}\p{Nd}]/u.test(c);
}

function leftTrimLength(s: string, from: number): number {
  let i = from;
  while (i < s.length && isSpace(s[i])) i++;
  return i - from;
}

function charDesc(c: string): string {
  const cp = c.codePointAt(0)!;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${c}'`;
}

/** Tokenises the whole input (Go's lexer runs as a goroutine; the item stream is identical). */
export function lex(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let start = 0;
  let line = 1;
  let startLine = 1;
  let parenDepth = 0;

  const emit = (typ: T): void => {
    items.push({ typ, pos: start, val: input.slice(start, pos), line: startLine });
    countLines();
  };
  const countLines = (): void => {
    for (let k = start; k < pos; k++) if (input[k] === '\n') line++;
    start = pos;
    startLine = line;
  };
  const ignore = (): void => countLines();
  const error = (msg: string): void => {
    items.push({ typ: T.Error, pos: start, val: msg, line: startLine });
  };
  const atRightDelim = (): { delim: boolean; trim: boolean } => {
    if (isSpace(input[pos]) && input[pos + 1] === '-' && input.startsWith(RIGHT, pos + 2))
      return { delim: true, trim: true };
    if (input.startsWith(RIGHT, pos)) return { delim: true, trim: false };
    return { delim: false, trim: false };
  };
  /** Moves past a "..." or '...' literal whose opening quote is consumed; false if unterminated. */
  const scanQuoted = (quote: string): boolean => {
    for (;;) {
      const c = input[pos++];
      if (c === '\\') {
        const d = input[pos++];
        if (d !== undefined && d !== '\n') continue;
        return false;
      }
      if (c === undefined || c === '\n') return false;
      if (c === quote) return true;
    }
  };

  const atTerminator = (): boolean => {
    const r = input[pos];
    if (r === undefined || isSpace(r)) return true;
    if ('.,|:)('.includes(r)) return true;
    return r === RIGHT[0];
  };

  // lexText / lexLeftDelim / lexInsideAction loop
  for (;;) {
    // text
    const x = input.indexOf(LEFT, pos);
    if (x < 0) {
      pos = input.length;
      if (pos > start) emit(T.Text);
      items.push({ typ: T.EOF, pos, val: '', line });
      return items;
    }
    pos = x;
    let trimLen = 0;
    const hasLeftTrim = input[x + 2] === '-' && isSpace(input[x + 3]);
    if (hasLeftTrim) {
      let k = x;
      while (k > start && isSpace(input[k - 1])) k--;
      trimLen = x - k;
    }
    pos = x - trimLen;
    if (pos > start) emit(T.Text);
    pos = x;
    ignore();
    // left delim
    pos += LEFT.length;
    const afterMarker = hasLeftTrim ? 2 : 0;
    if (input.startsWith('/*', pos + afterMarker)) {
      pos += afterMarker;
      ignore();
      // comment
      pos += 2;
      const c = input.indexOf('*/', pos);
      if (c < 0) {
        error('unclosed comment');
        return items;
      }
      pos = c + 2;
      const rd = atRightDelim();
      if (!rd.delim) {
        error('comment ends before closing delimiter');
        return items;
      }
      emit(T.Comment);
      if (rd.trim) pos += 2;
      pos += RIGHT.length;
      if (rd.trim) pos += leftTrimLength(input, pos);
      ignore();
      continue;
    }
    emit(T.LeftDelim);
    pos += afterMarker;
    ignore();
    parenDepth = 0;
    // inside action
    for (;;) {
      const rd = atRightDelim();
      if (rd.delim) {
        if (parenDepth !== 0) {
          error('unclosed left paren');
          return items;
        }
        if (rd.trim) {
          pos += 2;
          ignore();
        }
        pos += RIGHT.length;
        emit(T.RightDelim);
        if (rd.trim) {
          pos += leftTrimLength(input, pos);
          ignore();
        }
        break;
      }
      const r = input[pos];
      if (r === undefined) {
        error('unclosed action');
        return items;
      }
      if (isSpace(r)) {
        let n = 0;
        while (isSpace(input[pos])) {
          pos++;
          n++;
        }
        if (
          input[pos - 1] !== undefined &&
          isSpace(input[pos - 1]) &&
          input[pos] === '-' &&
          input.startsWith(RIGHT, pos + 1)
        ) {
          pos--;
          if (n === 1) continue;
        }
        emit(T.Space);
        continue;
      }
      pos++;
      switch (true) {
        case r === '=':
          emit(T.Assign);
          continue;
        case r === ':':
          if (input[pos] !== '=') {
            error('expected :=');
            return items;
          }
          pos++;
          emit(T.Declare);
          continue;
        case r === '|':
          emit(T.Pipe);
          continue;
        case r === '"': {
          if (!scanQuoted('"')) {
            error('unterminated quoted string');
            return items;
          }
          emit(T.String);
          continue;
        }
        case r === '`': {
          const c = input.indexOf('`', pos);
          if (c < 0) {
            error('unterminated raw quoted string');
            return items;
          }
          pos = c + 1;
          emit(T.RawString);
          continue;
        }
        case r === '$': {
          if (atTerminator()) {
            emit(T.Variable);
            continue;
          }
          if (!lexFieldOrVar(T.Variable)) return items;
          continue;
        }
        case r === "'": {
          if (!scanQuoted("'")) {
            error('unterminated character constant');
            return items;
          }
          emit(T.CharConstant);
          continue;
        }
        case r === '.' && (input[pos] === undefined || input[pos]! < '0' || input[pos]! > '9'): {
          if (atTerminator()) {
            emit(T.Dot);
            continue;
          }
          if (!lexFieldOrVar(T.Field)) return items;
          continue;
        }
        case r === '.' || r === '+' || r === '-' || (r >= '0' && r <= '9'): {
          pos--;
          if (!scanNumber()) {
            error(`bad number syntax: ${JSON.stringify(input.slice(start, pos))}`);
            return items;
          }
          if (input[pos] === '+' || input[pos] === '-') {
            // Go reads 1+2i as a complex constant; anything else glued to a sign is a bad number
            if (!scanNumber() || input[pos - 1] !== 'i') {
              error(`bad number syntax: ${JSON.stringify(input.slice(start, pos))}`);
              return items;
            }
            error(`complex constants are not supported: ${JSON.stringify(input.slice(start, pos))}`);
            return items;
          }
          emit(T.Number);
          continue;
        }
        case isAlphaNumeric(r): {
          while (isAlphaNumeric(input[pos])) pos++;
          if (!atTerminator()) {
            error(`bad character ${charDesc(String.fromCodePoint(input.codePointAt(pos)!))}`);
            return items;
          }
          const word = input.slice(start, pos);
          const kw = Object.hasOwn(KEYWORDS, word) ? KEYWORDS[word] : undefined;
          if (kw !== undefined) emit(kw);
          else if (word === 'true' || word === 'false') emit(T.Bool);
          else emit(T.Identifier);
          continue;
        }
        case r === '(':
          parenDepth++;
          emit(T.LeftParen);
          continue;
        case r === ')':
          parenDepth--;
          if (parenDepth < 0) {
            error('unexpected right paren');
            return items;
          }
          emit(T.RightParen);
          continue;
        case r.charCodeAt(0) <= 0x7f && r >= ' ' && r !== '\x7f':
          emit(T.Char);
          continue;
        default: {
          pos--;
          const ch = String.fromCodePoint(input.codePointAt(pos)!);
          error(`unrecognized character in action: ${charDesc(ch)}`);
          return items;
        }
      }
    }
  }

  function lexFieldOrVar(typ: T): boolean {
    while (isAlphaNumeric(input[pos])) pos++;
    if (!atTerminator()) {
      error(`bad character ${charDesc(String.fromCodePoint(input.codePointAt(pos)!))}`);
      return false;
    }
    emit(typ);
    return true;
  }

  function accept(valid: string): boolean {
    const c = input[pos];
    if (c !== undefined && valid.includes(c)) {
      pos++;
      return true;
    }
    return false;
  }
  function acceptRun(valid: string): void {
    while (input[pos] !== undefined && valid.includes(input[pos]!)) pos++;
  }
  function scanNumber(): boolean {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    if (isAlphaNumeric(input[pos])) {
      pos++;
      return false;
    }
    return true;
  }
}
