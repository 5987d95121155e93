/**
 * The syntax check `encoding/json` runs before decoding, with its error texts ("invalid character 'x'
 * after object key", "unexpected end of JSON input", ...). The mutation steps decode the text sjson
 * produced; when sjson wrote inside a string value that text can be broken, and the step then fails
 * with exactly this message.
 */

/** Go's quoteChar: the offending byte as Go prints it in a syntax error. */
function quoteChar(byte: number): string {
  if (byte === 0x27) return `'\\''`;
  if (byte === 0x22) return `'"'`;
  const ch = String.fromCharCode(byte);
  const q = JSON.stringify(ch).slice(1, -1);
  if (byte < 0x20 || byte === 0x7f) {
    const named: Record<number, string> = {
      7: '\\a',
      8: '\\b',
      9: '\\t',
      10: '\\n',
      11: '\\v',
      12: '\\f',
      13: '\\r',
    };
    return `'${named[byte] ?? `\\x${byte.toString(16).padStart(2, '0')}`}'`;
  }
  return `'${q}'`;
}

class SyntaxFailure {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

/** The error `json.Unmarshal` reports for `text`, or undefined when the text is valid JSON. */
export function goJsonSyntaxError(text: string): string | undefined {
  const b = Buffer.from(text, 'utf8');
  let i = 0;
  const fail = (ctx: string): never => {
    throw new SyntaxFailure(`invalid character ${quoteChar(b[i]!)} ${ctx}`);
  };
  const eof = (): never => {
    throw new SyntaxFailure('unexpected end of JSON input');
  };
  const ws = () => {
    while (i < b.length && (b[i] === 0x20 || b[i] === 0x09 || b[i] === 0x0a || b[i] === 0x0d)) i++;
  };
  const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;
  const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= b.length) eof();
      const c = b[i]!;
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail('in string literal');
      if (c !== 0x5c) {
        i++;
        continue;
      }
      i++;
      if (i >= b.length) eof();
      const e = b[i]!;
      if ('"\\/bfnrt'.includes(String.fromCharCode(e))) {
        i++;
        continue;
      }
      if (e !== 0x75) fail('in string escape code');
      i++;
      for (let k = 0; k < 4; k++, i++) {
        if (i >= b.length) eof();
        if (!isHex(b[i]!)) fail('in \\u hexadecimal character escape');
      }
    }
  };

  const number = (): void => {
    if (b[i] === 0x2d) {
      i++;
      if (i >= b.length) eof();
      if (!isDigit(b[i])) fail('in numeric literal');
    }
    if (b[i] === 0x30) i++;
    else while (isDigit(b[i])) i++;
    if (b[i] === 0x2e) {
      i++;
      if (i >= b.length) eof();
      if (!isDigit(b[i])) fail('after decimal point in numeric literal');
      while (isDigit(b[i])) i++;
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      if (b[i] === 0x2b || b[i] === 0x2d) i++;
      if (i >= b.length) eof();
      if (!isDigit(b[i])) fail('in exponent of numeric literal');
      while (isDigit(b[i])) i++;
    }
  };

  const literal = (word: string): void => {
    for (let k = 0; k < word.length; k++, i++) {
      if (i >= b.length) eof();
      if (b[i] !== word.charCodeAt(k))
        fail(`in literal ${word} (expecting ${quoteChar(word.charCodeAt(k))})`);
    }
  };

  const value = (): void => {
    ws();
    if (i >= b.length) eof();
    const c = b[i]!;
    if (c === 0x7b) return object();
    if (c === 0x5b) return array();
    if (c === 0x22) return string();
    if (c === 0x2d || isDigit(c)) return number();
    if (c === 0x74) return literal('true');
    if (c === 0x66) return literal('false');
    if (c === 0x6e) return literal('null');
    fail('looking for beginning of value');
  };

  const object = (): void => {
    i++;
    ws();
    if (i >= b.length) eof();
    if (b[i] === 0x7d) {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (i >= b.length) eof();
      if (b[i] !== 0x22) fail('looking for beginning of object key string');
      string();
      ws();
      if (i >= b.length) eof();
      if (b[i] !== 0x3a) fail('after object key');
      i++;
      value();
      ws();
      if (i >= b.length) eof();
      if (b[i] === 0x7d) {
        i++;
        return;
      }
      if (b[i] !== 0x2c) fail('after object key:value pair');
      i++;
    }
  };

  const array = (): void => {
    i++;
    ws();
    if (i >= b.length) eof();
    if (b[i] === 0x5d) {
      i++;
      return;
    }
    for (;;) {
      value();
      ws();
      if (i >= b.length) eof();
      if (b[i] === 0x5d) {
        i++;
        return;
      }
      if (b[i] !== 0x2c) fail('after array element');
      i++;
    }
  };

  try {
    value();
    ws();
    if (i < b.length) fail('after top-level value');
    return undefined;
  } catch (e) {
    if (e instanceof SyntaxFailure) return e.message;
    throw e;
  }
}
