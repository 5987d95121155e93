/**
 * cel-go's text for two classes of syntax errors. cel-go parses with an ANTLR-generated parser whose
 * messages and positions differ from @bufbuild/cel's; the general case would take ANTLR's error
 * recovery. This recognizer covers the classes the agent's users are most likely to write, where
 * that recovery is simple, and returns undefined for everything else (@bufbuild/cel's wording stays):
 *
 * - a conditional in the middle branch of another without parentheses (`a ? b ? c : d : e`):
 *   cel-go's grammar allows only a `||`-expression there, so it stops at the second `?`
 *   (`mismatched input '?' expecting ':'`); see middleConditional for what follows;
 * - mixed unary operators (`-!x`, `!-x` where no number follows the `-`): `no viable alternative at
 *   input '-!'`, after which cel-go reads on from the `-` as a binary minus.
 */
import type { CheckIssue } from './checker.js';

interface Token {
  /** the punctuation itself; `a` for identifiers, `0` for numbers, `"` for strings */
  text: string;
  offset: number;
  end: number;
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
      out.push({ text: '"', offset: i, end: j + q.length });
      i = j + q.length;
      continue;
    }
    const num = /^(?:0[xX][0-9a-fA-F]+[uU]?|\d*\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+[uU]?)/.exec(rest);
    if (num) {
      // an unsigned literal takes no sign in cel-go's grammar
      out.push({ text: /[uU]$/.test(num[0]) ? '0u' : '0', offset: i, end: i + num[0].length });
      i += num[0].length;
      continue;
    }
    const id = /^[_a-zA-Z][_a-zA-Z0-9]*/.exec(rest);
    if (id) {
      out.push({ text: id[0] === 'in' ? 'in' : 'a', offset: i, end: i + id[0].length, word: id[0] });
      i += id[0].length;
      continue;
    }
    const p = PUNCT.find((x) => rest.startsWith(x));
    if (!p) return undefined;
    out.push({ text: p, offset: i, end: i + p.length });
    i += p.length;
  }
  return out;
}

class Stop extends Error {}
/** ANTLR's "no viable alternative": no rule fits the tokens from `start` to `at`. */
class NoViableAlternative extends Error {
  readonly start: number;
  readonly at: number;
  constructor(start: number, at: number) {
    super('no viable alternative');
    this.start = start;
    this.at = at;
  }
}
/** A conditional in the middle branch of another: `?` where `:` must come. */
class MiddleConditional extends Error {
  /** the index of the second `?` */
  readonly at: number;
  /** the index of the first `?` */
  readonly first: number;
  /** the brackets open around it, outermost first (`key` while in a map key) */
  readonly closers: string[];
  /** whether the outermost bracket is itself in the middle branch of a conditional */
  readonly inMiddle: boolean;
  constructor(at: number, first: number, closers: string[], inMiddle: boolean) {
    super('conditional in the middle branch');
    this.at = at;
    this.first = first;
    this.closers = closers;
    this.inMiddle = inMiddle;
  }
}
/** The whole text is an expression up to the token at this index, which is not the end. */
class ExpectedEnd extends Error {
  readonly at: number;
  constructor(at: number) {
    super('expected the end');
    this.at = at;
  }
}

const RELATIONS = ['<', '<=', '>=', '>', '==', '!=', 'in'];
const ARITHMETIC = ['*', '/', '%', '+', '-'];

class Recognizer {
  private i = 0;
  /** the closing brackets expected, outermost first */
  private readonly closers: string[] = [];
  /** how many middle branches of conditionals outside any bracket are being read */
  private topMiddle = 0;
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
    if (this.peek() !== '<EOF>') throw new ExpectedEnd(this.i);
  }

  private expr(): void {
    this.or();
    if (this.peek() !== '?') return;
    const first = this.i++;
    const top = this.closers.length === 0;
    if (top) this.topMiddle++;
    this.or();
    if (top) this.topMiddle--;
    // `a ? b ? :` would read the second ? as an extra token, which this module does not cover
    if (this.peek() === '?' && this.peek(1) !== ':')
      throw new MiddleConditional(this.i, first, [...this.closers], this.topMiddle > 0);
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

  /**
   * `!`s then a member, `-`s then a member, or a member. After `!`s a `-` must sign a number
   * literal; after `-`s a `!` fits nothing: cel-go reports both as no viable alternative from the
   * (last) `-` to the token that does not fit.
   */
  private unary(): void {
    if (this.peek() === '!') {
      while (this.peek() === '!') this.i++;
      if (this.peek() === '-') {
        if (this.peek(1) !== '0') throw new NoViableAlternative(this.i, this.i + 1);
        this.i += 2;
        this.memberRest();
        return;
      }
    } else if (this.peek() === '-') {
      while (this.peek() === '-') this.i++;
      if (this.peek() === '!') throw new NoViableAlternative(this.i - 1, this.i);
    }
    this.member();
  }

  private member(): void {
    this.primary();
    this.memberRest();
  }

  /** the `.f`, `.f(args)` and `[i]` after a primary */
  private memberRest(): void {
    for (;;) {
      if (this.peek() === '.') {
        this.i++;
        this.take('a');
        if (this.peek() === '(') this.args(')');
      } else if (this.peek() === '[') {
        this.nested(']', () => {
          this.i++;
          this.expr();
          this.take(']');
        });
      } else return;
    }
  }

  private nested(closer: string, f: () => void): void {
    this.closers.push(closer);
    f();
    this.closers.pop();
  }

  /** `( a, b )` after a function name, or `[ a, b, ]` */
  private args(close: string): void {
    this.nested(close, () => {
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
        !(n === 0 && ['0', '0u', '"'].includes(tok.text)) &&
        !(n === 0 && tok.text === '-' && ts[1]?.text === '0') &&
        !(n === 1 && ts[0]!.text === '-' && tok.text === '0')
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
      this.nested(')', () => {
        this.i++;
        this.expr();
        this.take(')');
      });
    } else if (t === '[') this.args(']');
    else if (t === '{') {
      this.nested('}', () => {
        this.i++;
        while (this.peek() !== '}') {
          this.closers[this.closers.length - 1] = 'key';
          this.expr();
          this.closers[this.closers.length - 1] = '}';
          this.take(':');
          this.expr();
          if (this.peek() !== ',') break;
          this.i++;
        }
        this.take('}');
      });
    } else if (t === '0' || t === '0u' || t === '"') this.i++;
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

/** cel-go's syntax errors for the source, when they are of the classes this module knows. */
export function celGoSyntaxErrors(src: string): CheckIssue[] | undefined {
  const toks = tokenize(src);
  if (!toks) return undefined;
  const r = new Recognizer(toks);
  try {
    r.start();
  } catch (e) {
    if (e instanceof MiddleConditional) return middleConditional(src, toks, r, e);
    if (e instanceof NoViableAlternative) {
      const issue = noViableAlternative(src, toks, e);
      return issue && [issue];
    }
  }
  return undefined;
}

const MIDDLE_CONDITIONAL = "Syntax error: mismatched input '?' expecting ':'";

/**
 * At the top level cel-go's recovery skips to the end: one error. Inside brackets it stops at the
 * `?`, closes the innermost bracket silently and reads on from the `?` as the conditional around
 * that bracket; a later error is reported again (typically the surplus `:` where the end was
 * expected). Only a second error of the classes known here is reproduced. cel-go also reports what its parser rejects elsewhere in the text (has() with
 * anything but a field, out-of-range literals); those mixes are left alone.
 */
function middleConditional(
  src: string,
  toks: Token[],
  r: Recognizer,
  e: MiddleConditional,
): CheckIssue[] | undefined {
  const at = toks[e.at]!;
  const first: CheckIssue = { offset: at.offset, message: MIDDLE_CONDITIONAL };
  if (!e.closers.length) {
    if (r.badHas || hasInvalidIntLiteral(src.slice(0, at.offset))) return undefined;
    return [first];
  }
  const closer = e.closers.at(-1)!;
  if (e.inMiddle || closer === 'key' || hasInvalidIntLiteral(src)) return undefined;
  // the innermost bracket closed at the `?` (which continues the conditional around it), the
  // unfinished conditional gone
  const closing = { text: closer, offset: at.offset, end: at.offset };
  const rest = [...toks.slice(0, e.first), closing, ...toks.slice(e.at)];
  const r2 = new Recognizer(rest);
  let second: CheckIssue | undefined;
  try {
    r2.start();
  } catch (e2) {
    if (e2 instanceof ExpectedEnd) {
      const tok = rest[e2.at]!;
      const text = src.slice(tok.offset, tok.end);
      // one token too many is deleted ("extraneous"); otherwise the parser gives up on the rest
      const kind = e2.at === rest.length - 1 ? 'extraneous' : 'mismatched';
      second = { offset: tok.offset, message: `Syntax error: ${kind} input '${text}' expecting <EOF>` };
    } else if (e2 instanceof MiddleConditional && !e2.closers.length) {
      second = { offset: rest[e2.at]!.offset, message: MIDDLE_CONDITIONAL };
    } else return undefined;
  }
  if (r.badHas || r2.badHas) return undefined;
  return second ? [first, second] : [first];
}

/**
 * cel-go recovers from a no viable alternative at the `-` it started from, which then reads as a
 * binary minus after the failed operand; the error stands alone when the rest parses that way and
 * nothing else is rejected (the whole text is visited then).
 */
function noViableAlternative(src: string, toks: Token[], e: NoViableAlternative): CheckIssue | undefined {
  const start = toks[e.start]!;
  const at = toks[e.at]!;
  const operand: Token = { text: '0', offset: start.offset, end: start.offset };
  const r = new Recognizer([...toks.slice(0, e.start), operand, ...toks.slice(e.start)]);
  try {
    r.start();
  } catch {
    return undefined;
  }
  if (r.badHas || hasInvalidIntLiteral(src)) return undefined;
  return {
    offset: at.offset,
    message: `Syntax error: no viable alternative at input '${src.slice(start.offset, at.end)}'`,
  };
}
