/**
 * Parsing CEL source with @bufbuild/cel's parser, adjusted where cel-go's parser reads the same text
 * differently:
 *
 * - a unary minus before an unsigned literal (`-2u`, `--2u`) is a negation for cel-go (which the
 *   checker then rejects, or not); @bufbuild/cel's tokenizer glues the minus to the digits and then
 *   fails on the `u`. The `u` is parsed as a space (so every offset stays) and the int constant
 *   @bufbuild/cel makes of the signed digits is replaced by the negated unsigned literal;
 * - integer literals outside 64 bits are parse errors in cel-go (`invalid int literal`), also under
 *   a run of minus signs (`--9223372036854775808` negates `9223372036854775808` twice); @bufbuild/cel
 *   accepts them.
 */
import { parse } from '@bufbuild/cel';
import { childrenOf } from './ast.js';
import type { CheckIssue } from './checker.js';

export type ParsedCel = ReturnType<typeof parse>;

type Expr = any;

const INT_MIN = -(2n ** 63n);
const INT_MAX = 2n ** 63n - 1n;
const UINT_MAX = 2n ** 64n - 1n;

interface MinusRun {
  start: number;
  /** after the last minus sign */
  end: number;
  /** after the literal, whose last character is its `u` */
  literalEnd: number;
}

/** Offsets of runs of unary minus signs directly before an unsigned literal. */
function minusRunsBeforeUint(src: string): MinusRun[] {
  const runs: MinusRun[] = [];
  // whether the previous token ends an operand (then a `-` is binary)
  let afterOperand = false;
  // whether the previous token is a logical not
  let afterNot = false;
  for (let i = 0; i < src.length;) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      i = skipString(src, i);
      afterOperand = true;
      afterNot = false;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      // an identifier, or the r/b prefix of a string literal
      let j = i;
      while (j < src.length && /\w/.test(src[j]!)) j++;
      const word = src.slice(i, j);
      if (j - i <= 2 && /^[rRbB]+$/.test(word) && (src[j] === '"' || src[j] === "'")) {
        i = skipString(src, j);
      } else i = j;
      // `in` is an operator, after which a `-` is unary
      afterOperand = word !== 'in';
      afterNot = false;
      continue;
    }
    if (/\d/.test(c) || (c === '.' && /\d/.test(src[i + 1] ?? ''))) {
      i = numberEnd(src, i).end;
      afterOperand = true;
      afterNot = false;
      continue;
    }
    if (c === '-' && !afterOperand) {
      let j = i;
      while (src[j] === '-') j++;
      const num = /\d/.test(src[j] ?? '') ? numberEnd(src, j) : undefined;
      // after `!` a `-` can only sign a number literal, never an unsigned one: a syntax error
      if (num?.unsigned && !afterNot) runs.push({ start: i, end: j, literalEnd: num.end });
      afterNot = false;
      i = j;
      continue;
    }
    afterOperand = c === ')' || c === ']' || c === '}';
    afterNot = c === '!' && src[i + 1] !== '=';
    i++;
  }
  return runs;
}

function skipString(src: string, i: number): number {
  const q = src[i]!;
  const triple = src.startsWith(q.repeat(3), i);
  const close = triple ? q.repeat(3) : q;
  let j = i + close.length;
  while (j < src.length && !src.startsWith(close, j)) j += src[j] === '\\' ? 2 : 1;
  return j + close.length;
}

/** The end of the numeric literal starting at i and whether it is an unsigned one (`2u`, `0x1U`). */
function numberEnd(src: string, i: number): { end: number; unsigned: boolean } {
  const rest = src.slice(i);
  const u = /^(?:0[xX][0-9a-fA-F]+|\d+)[uU]/.exec(rest);
  if (u) return { end: i + u[0].length, unsigned: true };
  const m = /^(?:0[xX][0-9a-fA-F]+|\d*\.\d+(?:[eE][+-]?\d+)?|\d+(?:[eE][+-]?\d+)?)/.exec(rest);
  return { end: i + (m ? m[0].length : 1), unsigned: false };
}

/** Visits every expression with its ancestors (nearest last). */
function walk(e: Expr, visit: (e: Expr, ancestors: Expr[]) => void, ancestors: Expr[] = []): void {
  if (!e?.exprKind) return;
  visit(e, ancestors);
  const inner = [...ancestors, e];
  for (const kid of childrenOf(e)) walk(kid, visit, inner);
}

/**
 * How many accesses (`.f`, `.f(…)`, `[…]`) follow directly on the text from i; a closing
 * parenthesis ends the chain (`(-2u).f` negates the literal alone).
 */
function accessesAfter(src: string, i: number): number {
  let n = 0;
  for (;;) {
    while (/\s/.test(src[i] ?? '')) i++;
    if (src[i] === '.') {
      i++;
      while (/\s/.test(src[i] ?? '')) i++;
      if (!/[A-Za-z_]/.test(src[i] ?? '')) return n;
      while (/\w/.test(src[i] ?? '')) i++;
      let j = i;
      while (/\s/.test(src[j] ?? '')) j++;
      if (src[j] === '(') i = bracketEnd(src, j);
    } else if (src[i] === '[') i = bracketEnd(src, i);
    else return n;
    n++;
  }
}

/** The offset after the bracket that closes the one opening at i (strings skipped). */
function bracketEnd(src: string, i: number): number {
  let depth = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"' || c === "'") {
      i = skipString(src, i);
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    i++;
    if (depth === 0) break;
  }
  return i;
}

/**
 * The outermost of the `count` accesses (`.f`, `.f()`, `[i]`, a macro) of the chain that starts at
 * e.
 */
function chainTop(e: Expr, ancestors: Expr[], count: number): Expr {
  let top = e;
  for (let i = ancestors.length - 1; i >= 0 && ancestors.length - i <= count; i--) {
    const k = ancestors[i].exprKind;
    // a macro on the literal (`2u.all(e, e > 1)`) is a comprehension over it
    const onTop =
      (k.case === 'comprehensionExpr' && k.value.iterRange === top) ||
      (k.case === 'selectExpr' && k.value.operand === top) ||
      (k.case === 'callExpr' &&
        (k.value.target === top || (k.value.function === '_[_]' && k.value.args?.[0] === top)));
    if (!onTop) break;
    top = ancestors[i];
  }
  return top;
}

export class CelParseIssues extends Error {
  readonly issues: CheckIssue[];
  /** what was parsed, for the other parse errors cel-go lists with these */
  readonly parsed: ParsedCel;
  constructor(issues: CheckIssue[], parsed: ParsedCel) {
    super(issues.map((i) => i.message).join('; '));
    this.issues = issues;
    this.parsed = parsed;
  }
}

/** Parses like cel-go; throws CelParseIssues for what cel-go's parser rejects beyond syntax. */
export function parseCel(src: string): ParsedCel {
  const runs = minusRunsBeforeUint(src);
  // without its `u`, @bufbuild/cel reads the literal with its minus signs as an int constant
  let text = src;
  for (const r of runs) text = text.slice(0, r.literalEnd - 1) + ' ' + text.slice(r.literalEnd);
  const parsed = parse(text);
  const positions: Record<string, number> = (parsed.sourceInfo?.positions ?? {}) as never;
  const raw = (e: Expr): number => positions[String(e.id)] ?? 0;
  const at = (e: Expr): number => {
    let i = raw(e);
    while (/\s/.test(src[i] ?? '')) i++;
    return i;
  };
  // an operator after the literal is recorded where the parser saw the space that stands for `u`
  for (const r of runs)
    for (const [id, p] of Object.entries(positions)) if (p === r.literalEnd - 1) positions[id] = r.literalEnd;
  let nextId = Math.max(0, ...Object.keys(positions).map(Number)) + 1;
  const issues: CheckIssue[] = [];
  const negate: { top: Expr; at: number }[] = [];
  walk(parsed.expr, (e, ancestors) => {
    const k = e.exprKind;
    if (k.case !== 'constExpr') return;
    const c = k.value.constantKind;
    const run =
      c?.case === 'int64Value' ? runs.find((r) => at(e) >= r.start && at(e) < r.literalEnd) : undefined;
    if (run) {
      // cel-go: the unsigned literal with its accesses (`2u.f()`), negated once per minus sign (a
      // double negation cancels)
      const literal = BigInt(src.slice(run.end, run.literalEnd - 1));
      if (literal > UINT_MAX) issues.push({ offset: run.end, message: 'invalid uint literal' });
      k.value.constantKind = { case: 'uint64Value', value: literal };
      positions[String(e.id)] = run.end;
      if ((run.end - run.start) % 2 === 1)
        negate.push({ top: chainTop(e, ancestors, accessesAfter(src, run.literalEnd)), at: run.start });
      return;
    }
    if (c?.case === 'int64Value' && (c.value < INT_MIN || c.value > INT_MAX))
      issues.push({ offset: at(e), message: 'invalid int literal' });
    if (c?.case === 'uint64Value' && c.value > UINT_MAX)
      issues.push({ offset: at(e), message: 'invalid uint literal' });
  });
  for (const { top, at: offset } of negate) {
    // has(-2u.k): the chain ends in the presence test @bufbuild/cel made of it, but for cel-go the
    // macro's argument is the negation, which is no field selection
    if (top.exprKind.case === 'selectExpr' && top.exprKind.value.testOnly) {
      issues.push({ offset, message: 'invalid argument to has() macro' });
      continue;
    }
    // the negation takes the place of the chain, which moves into a new expression below it
    const id = BigInt(nextId++);
    positions[String(id)] = positions[String(top.id)] ?? offset;
    const moved = { $typeName: 'cel.expr.Expr', id, exprKind: top.exprKind };
    top.exprKind = {
      case: 'callExpr',
      value: { $typeName: 'cel.expr.Expr.Call', function: '-_', args: [moved] },
    };
    positions[String(top.id)] = offset;
  }
  if (issues.length) throw new CelParseIssues(issues, parsed);
  return parsed;
}
