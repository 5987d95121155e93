/**
 * Parsing CEL source with @bufbuild/cel's parser, adjusted where cel-go's parser reads the same text
 * differently:
 *
 * - a unary minus before an unsigned literal (`-2u`, `--2u`) is a negation for cel-go (which the
 *   checker then rejects, or not); @bufbuild/cel's tokenizer glues the minus to the digits and then
 *   fails on the `u`. The minus signs are parsed as `!` (same length, so every offset stays) and
 *   the resulting `!_` call is renamed `-_`;
 * - integer literals outside 64 bits are parse errors in cel-go (`invalid int literal`), also under
 *   a run of minus signs (`--9223372036854775808` negates `9223372036854775808` twice); @bufbuild/cel
 *   accepts them.
 */
import { parse } from '@bufbuild/cel';
import type { CheckIssue } from './checker.js';

export type ParsedCel = ReturnType<typeof parse>;

type Expr = any;

const INT_MIN = -(2n ** 63n);
const INT_MAX = 2n ** 63n - 1n;
const UINT_MAX = 2n ** 64n - 1n;

/** Offsets of runs of unary minus signs directly before an unsigned literal. */
function minusRunsBeforeUint(src: string): { start: number; end: number }[] {
  const runs: { start: number; end: number }[] = [];
  // whether the previous token ends an operand (then a `-` is binary)
  let afterOperand = false;
  for (let i = 0; i < src.length;) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      i = skipString(src, i);
      afterOperand = true;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      // an identifier, or the r/b prefix of a string literal
      let j = i;
      while (j < src.length && /\w/.test(src[j]!)) j++;
      if (j - i <= 2 && /^[rRbB]+$/.test(src.slice(i, j)) && (src[j] === '"' || src[j] === "'")) {
        i = skipString(src, j);
      } else i = j;
      afterOperand = true;
      continue;
    }
    if (/\d/.test(c) || (c === '.' && /\d/.test(src[i + 1] ?? ''))) {
      i = numberEnd(src, i).end;
      afterOperand = true;
      continue;
    }
    if (c === '-' && !afterOperand) {
      let j = i;
      while (src[j] === '-') j++;
      const num = /\d/.test(src[j] ?? '') ? numberEnd(src, j) : undefined;
      if (num?.unsigned) runs.push({ start: i, end: j });
      i = j;
      continue;
    }
    afterOperand = c === ')' || c === ']' || c === '}';
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

function walk(e: Expr, visit: (e: Expr) => void): void {
  const k = e?.exprKind;
  if (!k) return;
  visit(e);
  switch (k.case) {
    case 'callExpr':
      if (k.value.target) walk(k.value.target, visit);
      for (const a of k.value.args ?? []) walk(a, visit);
      break;
    case 'selectExpr':
      walk(k.value.operand, visit);
      break;
    case 'listExpr':
      for (const x of k.value.elements ?? []) walk(x, visit);
      break;
    case 'structExpr':
      for (const en of k.value.entries ?? []) {
        if (en.keyKind?.case === 'mapKey') walk(en.keyKind.value, visit);
        walk(en.value, visit);
      }
      break;
    case 'comprehensionExpr':
      for (const x of [
        k.value.iterRange,
        k.value.accuInit,
        k.value.loopCondition,
        k.value.loopStep,
        k.value.result,
      ])
        walk(x, visit);
      break;
  }
}

export class CelParseIssues extends Error {
  readonly issues: CheckIssue[];
  constructor(issues: CheckIssue[]) {
    super(issues.map((i) => i.message).join('; '));
    this.issues = issues;
  }
}

/** Parses like cel-go; throws CelParseIssues for what cel-go's parser rejects beyond syntax. */
export function parseCel(src: string): ParsedCel {
  const runs = minusRunsBeforeUint(src);
  let text = src;
  for (const r of runs) text = text.slice(0, r.start) + '!'.repeat(r.end - r.start) + text.slice(r.end);
  const parsed = parse(text);
  const positions: Record<string, number> = (parsed.sourceInfo?.positions ?? {}) as never;
  // a unary operator's position may be that of the whitespace before it
  const at = (e: Expr): number => {
    let i = positions[String(e.id)] ?? 0;
    while (/\s/.test(src[i] ?? '')) i++;
    return i;
  };
  const negations = new Set(runs.map((r) => r.start));
  const issues: CheckIssue[] = [];
  walk(parsed.expr, (e) => {
    const k = e.exprKind;
    if (k.case === 'callExpr' && k.value.function === '!_' && negations.has(at(e))) k.value.function = '-_';
    if (k.case === 'constExpr') {
      const c = k.value.constantKind;
      if (c?.case === 'int64Value' && (c.value < INT_MIN || c.value > INT_MAX))
        issues.push({ offset: at(e), message: 'invalid int literal' });
      if (c?.case === 'uint64Value' && c.value > UINT_MAX)
        issues.push({ offset: at(e), message: 'invalid uint literal' });
    }
  });
  if (issues.length) throw new CelParseIssues(issues);
  return parsed;
}
