/**
 * cel-go's text for one class of syntax errors. cel-go parses with an ANTLR-generated parser whose
 * messages (`mismatched input '?' expecting ':'`) and positions differ from @bufbuild/cel's; the
 * general case would take ANTLR's error recovery. This recognizer covers the class the agent's
 * users are most likely to write: a conditional in the middle branch of another without
 * parentheses (`a ? b ? c : d : e`), at the top level of the expression. cel-go's grammar allows
 * only a `||`-expression there, so it stops at the second `?` expecting `:`, and at the top level
 * its recovery skips to the end: exactly one error. Everything else returns undefined and keeps
 * @bufbuild/cel's wording.
 */
import type { CheckIssue } from './checker.js';

interface Token {
  /** the punctuation itself; `a` for identifiers, `0` for numbers, `"` for strings */
  text: string;
  offset: number;
  word?: string;
}

const PUNCT = [
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '<',
  '>',
  '!',
  '-',
  '+',
  '*',
  '/',
  '%',
  '?',
  ':',
  '.',
  ',',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
];

/** CEL's tokens; undefined when the text holds something this recognizer does not know. */
function tokenize(src: string): Token[] | undefined {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const rest = src.slice(i);
    const space = /^(?:\s+|\/\/[^\n]*)/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const str = /^(?:[rR][bB]?|[bB][rR]?)?("""|'''|"|')/.exec(rest);
    if (str) {
      const q = str[1]!;
      const raw = /r/i.test(str[0].slice(0, -q.length));
      let j = i + str[0].length;
      while (j < src.length && !src.startsWith(q, j)) {
        if (!raw && src[j] === '\\') j++;
        if (q.length === 1 && src[j] === '\n') return undefined;
        j++;
      }
      if (j >= src.length) return undefined;
      out.push({ text: '"', offset: i });
      i = j + q.length;
      continue;
    }
    const num = /^(?:0[xX][0-9a-fA-F]+[uU]?|\d*\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+[uU]?)/.exec(rest);
    if (num) {
      out.push({ text: '0', offset: i });
      i += num[0].length;
      continue;
    }
    const id = /^[_a-zA-Z][_a-zA-Z0-9]*/.exec(rest);
    if (id) {
      out.push({ text: id[0] === 'in' ? 'in' : 'a', offset: i, word: id[0] });
      i += id[0].length;
      continue;
    }
    const p = PUNCT.find((x) => rest.startsWith(x));
    if (!p) return undefined;
    out.push({ text: p, offset: i });
    i += p.length;
  }
  return out;
}

class Stop extends Error {}
class MiddleConditional extends Error {
  readonly at: Token;
  constructor(at: Token) {
    super('conditional in the middle branch');
    this.at = at;
  }
}

const RELATIONS = ['<', '<=', '>=', '>', '==', '!=', 'in'];
const ARITHMETIC = ['*', '/', '%', '+', '-'];

class Recognizer {
  private i = 0;
  private depth = 0;
  /** whether a has() with anything but a field selection was met (cel-go reports it too) */
  badHas = false;
  private readonly toks: Token[];
  constructor(toks: Token[]) {
    this.toks = toks;
  }

  private peek(k = 0): string {
    return this.toks[this.i + k]?.text ?? '<EOF>';
  }
  private take(t: string): void {
    if (this.peek() !== t) throw new Stop();
    this.i++;
  }

  start(): void {
    this.expr();
    if (this.peek() !== '<EOF>') throw new Stop();
  }

  private expr(): void {
    this.or();
    if (this.peek() !== '?') return;
    this.i++;
    this.or();
    if (this.peek() === '?' && this.depth === 0 && this.peek(1) !== ':')
      throw new MiddleConditional(this.toks[this.i]!);
    this.take(':');
    this.expr();
  }

  private or(): void {
    this.binary(['||'], () => this.and());
  }
  private and(): void {
    this.binary(['&&'], () => this.relation());
  }
  private relation(): void {
    this.binary(RELATIONS, () => this.binary(ARITHMETIC, () => this.unary()));
  }
  private binary(ops: string[], operand: () => void): void {
    operand();
    while (ops.includes(this.peek())) {
      this.i++;
      operand();
    }
  }

  private unary(): void {
    if (this.peek() === '!' || this.peek() === '-') {
      const op = this.peek();
      // cel-go takes a run of the same operator; a different one next is a syntax error
      while (this.peek() === op) this.i++;
    }
    this.member();
  }

  private member(): void {
    this.primary();
    for (;;) {
      if (this.peek() === '.') {
        this.i++;
        this.take('a');
        if (this.peek() === '(') this.args(')');
      } else if (this.peek() === '[') {
        this.nested(() => {
          this.i++;
          this.expr();
          this.take(']');
        });
      } else return;
    }
  }

  private nested(f: () => void): void {
    this.depth++;
    f();
    this.depth--;
  }

  /** `( a, b )` after a function name, or `[ a, b, ]` */
  private args(close: string): void {
    this.nested(() => {
      this.i++;
      if (this.peek() !== close) {
        this.expr();
        while (this.peek() === ',' && this.peek(1) !== close) {
          this.i++;
          this.expr();
        }
        if (close === ']' && this.peek() === ',') this.i++;
      }
      this.take(close);
    });
  }

  /** Whether tokens [from, to) are one access chain ending in a field (`a.b[0].c`). */
  private isSelection(from: number, to: number): boolean {
    const ts = this.toks.slice(from, to);
    let depth = 0;
    for (const [n, tok] of ts.entries()) {
      if (['(', '[', '{'].includes(tok.text)) depth++;
      else if ([')', ']', '}'].includes(tok.text)) depth--;
      else if (
        depth === 0 &&
        tok.text !== '.' &&
        tok.text !== 'a' &&
        !(n === 0 && ['0', '"'].includes(tok.text))
      )
        return false;
    }
    return ts.length >= 3 && ts.at(-2)!.text === '.' && ts.at(-1)!.text === 'a';
  }

  private primary(): void {
    const t = this.peek();
    if (t === '.' || t === 'a') {
      if (t === '.') this.i++;
      const isHas = this.toks[this.i]?.word === 'has' && t === 'a';
      this.take('a');
      if (this.peek() !== '(') return;
      const from = this.i + 1;
      this.args(')');
      if (isHas && !this.isSelection(from, this.i - 1)) this.badHas = true;
    } else if (t === '(') {
      this.nested(() => {
        this.i++;
        this.expr();
        this.take(')');
      });
    } else if (t === '[') this.args(']');
    else if (t === '{') {
      this.nested(() => {
        this.i++;
        while (this.peek() !== '}') {
          this.expr();
          this.take(':');
          this.expr();
          if (this.peek() !== ',') break;
          this.i++;
        }
        this.take('}');
      });
    } else if (t === '0' || t === '"') this.i++;
    else throw new Stop();
  }
}

/** Whether the text holds an int literal outside 64 bits (`-9223372036854775808` is inside). */
function hasInvalidIntLiteral(text: string): boolean {
  for (const m of text.matchAll(/(-*)(\d+)(?![\d.eExXuU])/g)) {
    const v = BigInt(m[2]!);
    if (v > 2n ** 63n || (v === 2n ** 63n && m[1]!.length !== 1)) return true;
  }
  return false;
}

/** cel-go's syntax error for the source, when it is of the class this module knows. */
export function celGoSyntaxError(src: string): CheckIssue | undefined {
  const toks = tokenize(src);
  if (!toks) return undefined;
  const r = new Recognizer(toks);
  try {
    r.start();
  } catch (e) {
    if (!(e instanceof MiddleConditional)) return undefined;
    // cel-go also reports what its parser rejects in the part before the error (has() with
    // anything but a field, out-of-range literals); those mixes keep @bufbuild/cel's wording
    const before = src.slice(0, e.at.offset);
    if (r.badHas || hasInvalidIntLiteral(before)) return undefined;
    return { offset: e.at.offset, message: "Syntax error: mismatched input '?' expecting ':'" };
  }
  return undefined;
}
