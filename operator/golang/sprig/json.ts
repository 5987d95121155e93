/**
 * encoding/json Unmarshal into interface{}: every number is float64, objects are maps, arrays []interface{}.
 * Syntax errors carry Go's messages ("invalid character 'x' looking for beginning of value", ...).
 */
import { FuncError } from '../template/funcs.js';

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return `'"'`;
  const q = JSON.stringify(c);
  return "'" + q.slice(1, -1) + "'";
}

/** Returns Go's syntax error message for invalid JSON text, or null when the text is valid. */
export function goJsonSyntaxError(s: string): string | null {
  let i = 0;
  // At the end of input Go's scanner feeds one space: where a space is not allowed the error names it.
  const err = (ctx: string, spaceInvalid = false): string => {
    if (i < s.length) return `invalid character ${quoteChar(String.fromCodePoint(s.codePointAt(i)!))} ${ctx}`;
    return spaceInvalid ? `invalid character ' ' ${ctx}` : 'unexpected end of JSON input';
  };
  const ws = (): void => {
    while (i < s.length && ' \t\r\n'.includes(s[i]!)) i++;
  };
  const value = (): string | null => {
    ws();
    const c = s[i];
    if (c === undefined) return 'unexpected end of JSON input';
    if (c === '{') {
      i++;
      ws();
      if (s[i] === '}') {
        i++;
        return null;
      }
      for (;;) {
        ws();
        if (s[i] !== '"') return err('looking for beginning of object key string');
        const e = str();
        if (e) return e;
        ws();
        if (s[i] !== ':') return err('after object key');
        i++;
        const v = value();
        if (v) return v;
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === '}') {
          i++;
          return null;
        }
        return err('after object key:value pair');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (s[i] === ']') {
        i++;
        return null;
      }
      for (;;) {
        const v = value();
        if (v) return v;
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === ']') {
          i++;
          return null;
        }
        return err('after array element');
      }
    }
    if (c === '"') return str();
    if (c === '-' || (c >= '0' && c <= '9')) return num();
    for (const lit of ['true', 'false', 'null']) {
      if (c === lit[0]) {
        i++;
        for (let k = 1; k < lit.length; k++, i++) {
          if (s[i] !== lit[k]) return err(`in literal ${lit} (expecting ${quoteChar(lit[k]!)})`, true);
        }
        return null;
      }
    }
    return err('looking for beginning of value');
  };
  const str = (): string | null => {
    i++;
    while (i < s.length) {
      const c = s[i]!;
      if (c === '"') {
        i++;
        return null;
      }
      if (c < ' ') return err('in string literal');
      if (c === '\\') {
        i++;
        const e = s[i];
        if (e === undefined) return err('in string escape code', true);
        if ('"\\/bfnrt'.includes(e)) {
          i++;
          continue;
        }
        if (e === 'u') {
          i++;
          for (let k = 0; k < 4; k++, i++)
            if (!/[0-9a-fA-F]/.test(s[i] ?? '')) return err('in \\u hexadecimal character escape', true);
          continue;
        }
        return err('in string escape code');
      }
      i++;
    }
    return 'unexpected end of JSON input';
  };
  const digits = (): number => {
    const st = i;
    while (i < s.length && s[i]! >= '0' && s[i]! <= '9') i++;
    return i - st;
  };
  const num = (): string | null => {
    if (s[i] === '-') {
      i++;
      if (!(s[i] !== undefined && s[i]! >= '0' && s[i]! <= '9')) return err('in numeric literal', true);
    }
    if (s[i] === '0') i++;
    else digits();
    if (s[i] === '.') {
      i++;
      if (digits() === 0) return err('after decimal point in numeric literal', true);
    }
    if (s[i] === 'e' || s[i] === 'E') {
      i++;
      if (s[i] === '+' || s[i] === '-') i++;
      if (digits() === 0) return err('in exponent of numeric literal', true);
    }
    return null;
  };
  const e = value();
  if (e) return e;
  ws();
  if (i < s.length) return err('after top-level value');
  return null;
}

export function parseJsonToGoFloat(s: string): unknown {
  const e = goJsonSyntaxError(s);
  if (e) throw new FuncError(e);
  let overflow: string | null = null;
  const v = JSON.parse(s, (_k, value, ctx?: { source?: string }) => {
    if (typeof value === 'number' && !Number.isFinite(value) && overflow === null)
      overflow = ctx?.source ?? String(value);
    return value;
  }) as unknown;
  if (overflow !== null)
    throw new FuncError(`json: cannot unmarshal number ${overflow} into Go value of type float64`);
  return v;
}
