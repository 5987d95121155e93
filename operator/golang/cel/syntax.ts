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
  /** a number's text */
  value?: string;
  /** made up for a reading after cel-go's error recovery (no text of its own) */
  synthetic?: boolean;
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
      out.push({
        text: /[uU]$/.test(num[0]) ? '0u' : '0',
        offset: i,
        end: i + num[0].length,
        value: num[0],
      });
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

/**
 * What the has() macro needs to know of an expression cel-go builds: where cel-go places it (the
 * operator of a call, the `?` of a conditional, the start of a literal or name) and whether it is a
 * field selection (or a presence test, which is one).
 */
interface Node {
  offset: number;
  select: boolean;
}

const RELATIONS = ['<', '<=', '>=', '>', '==', '!=', 'in'];
const ADDITIVE = ['+', '-'];
const MULTIPLICATIVE = ['*', '/', '%'];
const INT_LIMIT = 2n ** 63n;
const UINT_MAX = 2n ** 64n - 1n;

class Recognizer {
  private i = 0;
  /** the closing brackets expected, outermost first */
  private readonly closers: string[] = [];
  /** how many middle branches of conditionals outside any bracket are being read */
  private topMiddle = 0;
  /**
   * What cel-go rejects beyond syntax in the expressions read so far: has() of anything but a field
   * selection, int and uint literals outside 64 bits.
   */
  readonly issues: CheckIssue[] = [];
  private readonly toks: Token[];
  constructor(toks: Token[]) {
    this.toks = toks;
  }

  private peek(k = 0): string {
    return this.toks[this.i + k]?.text ?? '<EOF>';
  }
  private offset(k = 0): number {
    return this.toks[this.i + k]?.offset ?? 0;
  }
  private take(t: string): void {
    if (this.peek() !== t) throw new Stop();
    this.i++;
  }

  start(): void {
    this.expr();
    if (this.peek() !== '<EOF>') throw new ExpectedEnd(this.i);
  }

  private expr(): Node {
    const condition = this.or();
    if (this.peek() !== '?') return condition;
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
    return { offset: this.toks[first]!.offset, select: false };
  }

  /** `||` and `&&` chains: cel-go balances them, the middle operator at the root */
  private or(): Node {
    return this.balanced('||', () => this.and());
  }
  private and(): Node {
    return this.balanced('&&', () => this.relation());
  }
  private balanced(op: string, operand: () => Node): Node {
    const first = operand();
    const ops: number[] = [];
    while (this.peek() === op) {
      ops.push(this.offset());
      this.i++;
      operand();
    }
    return ops.length ? { offset: ops[Math.floor(ops.length / 2)]!, select: false } : first;
  }

  /** the other binary operators associate to the left: the last one is at the root */
  private relation(): Node {
    return this.leftAssociative(RELATIONS, () => this.additive());
  }
  private additive(): Node {
    return this.leftAssociative(ADDITIVE, () => this.multiplicative());
  }
  private multiplicative(): Node {
    return this.leftAssociative(MULTIPLICATIVE, () => this.unary());
  }
  private leftAssociative(ops: string[], operand: () => Node): Node {
    let node = operand();
    while (ops.includes(this.peek())) {
      node = { offset: this.offset(), select: false };
      this.i++;
      operand();
    }
    return node;
  }

  /**
   * `!`s then a member, `-`s then a member, or a member. After `!`s a `-` must sign a number
   * literal; after `-`s a `!` fits nothing: cel-go reports both as no viable alternative from the
   * (last) `-` to the token that does not fit. A single `-` before a number signs the literal; an
   * even run of `!` or `-` cancels out (cel-go keeps the operand), an odd one is placed at its first.
   */
  private unary(): Node {
    const from = this.i;
    const op = this.peek();
    if (op === '!') {
      while (this.peek() === '!') this.i++;
      if (this.peek() === '-') {
        if (this.peek(1) !== '0') throw new NoViableAlternative(this.i, this.i + 1);
        const run = this.i - from;
        const operand = this.memberRest(this.literal(true));
        return run % 2 === 0 ? operand : { offset: this.toks[from]!.offset, select: false };
      }
    } else if (op === '-') {
      if (this.peek(1) === '0') return this.memberRest(this.literal(true));
      while (this.peek() === '-') this.i++;
      if (this.peek() === '!') throw new NoViableAlternative(this.i - 1, this.i);
    }
    const run = this.i - from;
    const operand = this.member();
    return run % 2 === 0 ? operand : { offset: this.toks[from]!.offset, select: false };
  }

  private member(): Node {
    return this.memberRest(this.primary());
  }

  /** the `.f`, `.f(args)` and `[i]` after a primary */
  private memberRest(operand: Node): Node {
    let node = operand;
    for (;;) {
      if (this.peek() === '.') {
        const dot = this.offset();
        this.i++;
        this.take('a');
        if (this.peek() === '(') {
          node = { offset: this.offset(), select: false };
          this.args(')');
        } else node = { offset: dot, select: true };
      } else if (this.peek() === '[') {
        node = { offset: this.offset(), select: false };
        this.nested(']', () => {
          this.i++;
          this.expr();
          this.take(']');
        });
      } else return node;
    }
  }

  private nested<T>(closer: string, f: () => T): T {
    this.closers.push(closer);
    const r = f();
    this.closers.pop();
    return r;
  }

  /** `( a, b )` after a function name, or `[ a, b, ]`: the arguments */
  private args(close: string): Node[] {
    return this.nested(close, () => {
      const out: Node[] = [];
      this.i++;
      if (this.peek() !== close) {
        out.push(this.expr());
        while (this.peek() === ',' && this.peek(1) !== close) {
          this.i++;
          out.push(this.expr());
        }
        if (close === ']' && this.peek() === ',') this.i++;
      }
      this.take(close);
      return out;
    });
  }

  /** a number literal, with its sign when `signed` and a `-` comes first */
  private literal(signed: boolean): Node {
    const minus = signed && this.peek() === '-';
    const offset = this.offset();
    if (minus) this.i++;
    const tok = this.toks[this.i]!;
    this.i++;
    if (tok.value !== undefined && !tok.synthetic) {
      const unsigned = /[uU]$/.test(tok.value);
      const digits = unsigned ? tok.value.slice(0, -1) : tok.value;
      if (/^(?:0[xX][0-9a-fA-F]+|\d+)$/.test(digits)) {
        const v = BigInt(digits);
        if (unsigned && v > UINT_MAX) this.issues.push({ offset, message: 'invalid uint literal' });
        if (!unsigned && (minus ? v > INT_LIMIT : v >= INT_LIMIT))
          this.issues.push({ offset, message: 'invalid int literal' });
      }
    }
    return { offset, select: false };
  }

  private primary(): Node {
    const t = this.peek();
    if (t === '.' || t === 'a') {
      if (t === '.') this.i++;
      const isHas = this.toks[this.i]?.word === 'has' && t === 'a';
      const name = this.offset();
      this.take('a');
      if (this.peek() !== '(') return { offset: name, select: false };
      const call = this.offset();
      const args = this.args(')');
      if (!isHas || args.length !== 1) return { offset: call, select: false };
      // the has() macro: a presence test of a field, or an error placed at its argument
      const arg = args[0]!;
      if (arg.select) return arg;
      this.issues.push({ offset: arg.offset, message: 'invalid argument to has() macro' });
      return { offset: arg.offset, select: false };
    }
    const offset = this.offset();
    if (t === '(') {
      return this.nested(')', () => {
        this.i++;
        const inner = this.expr();
        this.take(')');
        return inner;
      });
    }
    if (t === '[') {
      this.args(']');
      return { offset, select: false };
    }
    if (t === '{') {
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
      return { offset, select: false };
    }
    if (t === '0' || t === '0u') return this.literal(false);
    if (t === '"') {
      this.i++;
      return { offset, select: false };
    }
    throw new Stop();
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
    if (e instanceof MiddleConditional) return middleConditional(src, toks, e);
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
 * expected). Only a second error of the classes known here is reproduced.
 *
 * cel-go then builds the expression it has read (the unfinished conditional without its last
 * branch, the tokens skipped by the recovery left out) and reports what it rejects in it beyond
 * syntax, each at its own place: has() of anything but a field (the unfinished conditional is no
 * field), int and uint literals outside 64 bits.
 */
function middleConditional(src: string, toks: Token[], e: MiddleConditional): CheckIssue[] | undefined {
  const at = toks[e.at]!;
  const first: CheckIssue = { offset: at.offset, message: MIDDLE_CONDITIONAL };
  const made = (text: string): Token => ({ text, offset: at.offset, end: at.offset, synthetic: true });
  // a stand-in for the missing last branch, so that the conditional reads as one
  const unfinished = [...toks.slice(0, e.at), made(':'), made('0')];
  if (!e.closers.length) {
    const r = new Recognizer(unfinished);
    try {
      r.start();
    } catch {
      return undefined;
    }
    return [first, ...r.issues];
  }
  const closer = e.closers.at(-1)!;
  if (e.inMiddle || closer === 'key') return undefined;
  // the innermost bracket closed at the `?`, which continues the conditional around it
  const rest = [...unfinished, made(closer), ...toks.slice(e.at)];
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
  return [first, ...(second ? [second] : []), ...r2.issues];
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
  if (r.issues.length || hasInvalidIntLiteral(src)) return undefined;
  return {
    offset: at.offset,
    message: `Syntax error: no viable alternative at input '${src.slice(start.offset, at.end)}'`,
  };
}
