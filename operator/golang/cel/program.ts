/**
 * CEL programs for `cel` mutations, evaluated with @bufbuild/cel and shaped like the Go agent's
 * cel-go environment: the standard library only and three `dyn` variables `self`, `other`, `value`.
 * cel-go type-checks at compile time (unknown functions or variables, `1 == 1.0`, `"a" + 1`, ...);
 * @bufbuild/cel only fails when evaluating, so `compileCel` runs a cel-go-like checker (checker.ts)
 * and reports its errors in cel-go's format. Functions whose results differ from cel-go's are
 * replaced (gofuncs.ts), and evaluation errors are worded like cel-go's (celGoError).
 */
import { celEnv, plan, isCelError, isCelList, isCelMap, type CelInput } from '@bufbuild/cel';
import { GoRegexp } from '../regexp/index.js';
import { badHasIssues, checkCel, formatIssues } from './checker.js';
import { rewriteNarrowedConversions } from './narrowed-conversions.js';
import { celGoError, goCompatFuncs } from './gofuncs.js';
import { CelParseIssues, parseCel, type ParsedCel } from './parse.js';
import { rewritePresenceTests } from './presence.js';
import { celGoSyntaxErrors } from './syntax.js';

export class CelCompileError extends Error {
  override name = 'CelCompileError';
}
export class CelEvalError extends Error {
  override name = 'CelEvalError';
}

// `matches` uses Go's RE2 semantics in cel-go; use the same translation as regex mutations.
const env = celEnv({
  re2: {
    compile(pattern: string) {
      const re = GoRegexp.compile(pattern);
      return { test: (s: string) => re.matchString(s) };
    },
  },
  funcs: goCompatFuncs,
});

// A type alias, not an interface: it is then a Record<string, CelInput> as the library's plan wants.
export type CelVariables = {
  self: CelInput;
  other: CelInput;
  value: CelInput;
};

export interface CelProgram {
  readonly expression: string;
  /** Evaluates; throws CelEvalError. The result is a CEL value (bigint, number, string, CelList...). */
  eval(vars: CelVariables): unknown;
}

type AnyExpr = any;

/** The variable or literal an access chain (`a.b[0].c`) starts from. */
function chainRoot(e: AnyExpr): AnyExpr {
  const k = e?.exprKind;
  if (k?.case === 'selectExpr') return chainRoot(k.value.operand);
  if (k?.case === 'callExpr' && k.value.function === '_[_]') return chainRoot(k.value.args?.[0]);
  return e;
}

/** Every `_[_]` call whose access chain starts at expression `rootId` (where @bufbuild/cel reports). */
function indexCalls(e: AnyExpr, rootId: bigint, out: AnyExpr[] = []): AnyExpr[] {
  const k = e?.exprKind;
  if (!k) return out;
  if (k.case === 'callExpr') {
    const args: AnyExpr[] = k.value.args ?? [];
    if (k.value.function === '_[_]' && chainRoot(args[0])?.id === rootId) out.push(e);
    for (const a of [k.value.target, ...args]) indexCalls(a, rootId, out);
  } else if (k.case === 'selectExpr') indexCalls(k.value.operand, rootId, out);
  else if (k.case === 'listExpr') for (const x of k.value.elements ?? []) indexCalls(x, rootId, out);
  else if (k.case === 'structExpr')
    for (const en of k.value.entries ?? []) {
      if (en.keyKind?.case === 'mapKey') indexCalls(en.keyKind.value, rootId, out);
      indexCalls(en.value, rootId, out);
    }
  else if (k.case === 'comprehensionExpr')
    for (const x of [k.value.iterRange, k.value.accuInit, k.value.loopStep, k.value.result])
      indexCalls(x, rootId, out);
  return out;
}

/**
 * @bufbuild/cel words every failed index lookup "index N out of bounds"; cel-go says that only for
 * lists and "no such key: N" for maps and other values. Find the lookup that failed and look at it.
 */
function indexErrorText(expr: AnyExpr, rootId: bigint, index: string, vars: CelVariables): string {
  for (const call of indexCalls(expr, rootId)) {
    const operand = evalSub(call.exprKind.value.args[0], vars);
    if (operand === undefined || isCelError(operand)) continue;
    if (isCelList(operand)) {
      if (BigInt(index) < 0n || BigInt(index) >= BigInt((operand as { size: number }).size))
        return `index out of bounds: ${index}`;
      continue;
    }
    if (isCelMap(operand) && (operand as { has(k: bigint): boolean }).has(BigInt(index))) continue;
    return `no such key: ${index}`;
  }
  return `index out of bounds: ${index}`;
}

/**
 * Whether the failed lookup of `name` (`x.name`, `x["name"]`) that @bufbuild/cel reported at
 * `rootId` (the start of its access chain, or the selection itself) was on a list: cel-go rejects
 * the string index itself there, @bufbuild/cel reports a missing field.
 */
function listIndexedByName(expr: AnyExpr, rootId: bigint, name: string, vars: CelVariables): boolean {
  const lookups: AnyExpr[] = [];
  const visit = (e: AnyExpr): void => {
    const k = e?.exprKind;
    if (!k) return;
    if (k.case === 'selectExpr') {
      if (!k.value.testOnly && k.value.field === name && (chainRoot(e)?.id === rootId || e.id === rootId))
        lookups.push(k.value.operand);
      visit(k.value.operand);
    } else if (k.case === 'callExpr') {
      const args: AnyExpr[] = k.value.args ?? [];
      const key = args[1]?.exprKind;
      if (
        k.value.function === '_[_]' &&
        key?.case === 'constExpr' &&
        key.value.constantKind?.value === name &&
        chainRoot(e)?.id === rootId
      )
        lookups.push(args[0]);
      for (const a of [k.value.target, ...args]) visit(a);
    } else if (k.case === 'listExpr') for (const x of k.value.elements ?? []) visit(x);
    else if (k.case === 'structExpr')
      for (const en of k.value.entries ?? []) {
        if (en.keyKind?.case === 'mapKey') visit(en.keyKind.value);
        visit(en.value);
      }
    else if (k.case === 'comprehensionExpr')
      for (const x of [k.value.iterRange, k.value.accuInit, k.value.loopStep, k.value.result]) visit(x);
  };
  visit(expr);
  return lookups.some((operand) => isCelList(evalSub(operand, vars)));
}

/** Evaluates a sub-expression with the same variables (comprehension variables are not bound). */
function evalSub(e: AnyExpr, vars: CelVariables): unknown {
  try {
    const run = plan(env, e as never) as (ctx: Record<string, CelInput>) => unknown;
    return run(vars);
  } catch {
    return undefined;
  }
}

/** Parses and checks once; throws CelCompileError with cel-go's error listing. */
export function compileCel(expression: string): CelProgram {
  let parsed: ParsedCel;
  try {
    parsed = parseCel(expression);
  } catch (e) {
    if (e instanceof CelParseIssues)
      throw new CelCompileError(
        formatIssues(expression, [...e.issues, ...badHasIssues(expression, e.parsed)]),
      );
    const known = celGoSyntaxErrors(expression);
    if (known) throw new CelCompileError(formatIssues(expression, known));
    const err = e as Error & { rawMessage?: string; location?: { start?: { offset?: number } } };
    const offset = err.location?.start?.offset ?? 0;
    throw new CelCompileError(
      formatIssues(expression, [{ offset, message: `Syntax error: ${err.rawMessage ?? err.message}` }]),
    );
  }
  const { issues, narrowedConversions } = checkCel(expression, parsed);
  if (issues.length) throw new CelCompileError(formatIssues(expression, issues));
  rewritePresenceTests(parsed.expr);
  rewriteNarrowedConversions(parsed.expr, narrowedConversions);
  const run = plan(env, parsed) as (ctx: Record<string, CelInput>) => unknown;
  return {
    expression,
    eval(vars: CelVariables): unknown {
      let r: unknown;
      try {
        r = run(vars);
      } catch (e) {
        throw new CelEvalError(celGoError((e as Error).message));
      }
      if (isCelError(r)) {
        const err = r as { message: string; exprId?: bigint };
        const m = /^index (-?\d+) out of bounds/.exec(err.message);
        if (m && err.exprId !== undefined)
          throw new CelEvalError(indexErrorText(parsed.expr, err.exprId, m[1]!, vars));
        const f = /^field not found: (.*)$/s.exec(err.message);
        if (f && err.exprId !== undefined && listIndexedByName(parsed.expr, err.exprId, f[1]!, vars))
          throw new CelEvalError("unsupported index type 'string' in list");
        throw new CelEvalError(celGoError(err.message));
      }
      return r;
    },
  };
}
