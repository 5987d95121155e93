/**
 * CEL programs for `cel` mutations (SPEC §7.4), evaluated with @bufbuild/cel and shaped like the Go
 * agent's cel-go environment: the standard library only and three `dyn` variables `self`, `other`,
 * `value`. cel-go type-checks at compile time, so references to unknown functions or variables are
 * compile errors there; @bufbuild/cel only fails when evaluating, so `compileCel` checks the parsed
 * expression against the standard library itself.
 */
import { celEnv, parse, plan, isCelError, type CelInput } from '@bufbuild/cel';
import { GoRegexp } from '../regex/index.js';

export class CelCompileError extends Error {
  override name = 'CelCompileError';
}
export class CelEvalError extends Error {
  override name = 'CelEvalError';
}

/** Functions (and operators) of cel-go's standard library. Macros are expanded by the parser. */
const STD_FUNCTIONS = new Set([
  '_+_',
  '_-_',
  '_*_',
  '_/_',
  '_%_',
  '_==_',
  '_!=_',
  '_<_',
  '_<=_',
  '_>_',
  '_>=_',
  '_&&_',
  '_||_',
  '!_',
  '-_',
  '_?_:_',
  '_[_]',
  '@in',
  '@not_strictly_false',
  'not_strictly_false',
  'size',
  'contains',
  'endsWith',
  'startsWith',
  'matches',
  'int',
  'uint',
  'double',
  'string',
  'bytes',
  'bool',
  'dyn',
  'type',
  'duration',
  'timestamp',
  'getFullYear',
  'getMonth',
  'getDayOfYear',
  'getDayOfMonth',
  'getDate',
  'getDayOfWeek',
  'getHours',
  'getMinutes',
  'getSeconds',
  'getMilliseconds',
]);

/** Identifiers that resolve without declarations: the variables and the type names. */
const KNOWN_IDENTS = new Set([
  'self',
  'other',
  'value',
  'int',
  'uint',
  'double',
  'bool',
  'string',
  'bytes',
  'list',
  'map',
  'null_type',
  'type',
  'dyn',
]);

// `matches` uses Go's RE2 semantics in cel-go; use the same translation as regex mutations.
const env = celEnv({
  re2: {
    compile(pattern: string) {
      const re = GoRegexp.compile(pattern);
      return { test: (s: string) => re.matchString(s) };
    },
  },
});

function undeclared(name: string): CelCompileError {
  return new CelCompileError(`undeclared reference to '${name}' (in container '')`);
}

/** Walks the parsed expression like cel-go's checker would for undeclared references. */
function check(e: any, scope: ReadonlySet<string>): void {
  if (!e?.exprKind) return;
  const k = e.exprKind;
  switch (k.case) {
    case 'identExpr':
      if (!KNOWN_IDENTS.has(k.value.name) && !scope.has(k.value.name)) throw undeclared(k.value.name);
      return;
    case 'selectExpr':
      check(k.value.operand, scope);
      return;
    case 'callExpr': {
      const fn: string = k.value.function;
      if (!STD_FUNCTIONS.has(fn)) {
        const t = k.value.target;
        // a qualified global call such as math.greatest(..) names its root first in cel-go's message
        if (
          t?.exprKind?.case === 'identExpr' &&
          !KNOWN_IDENTS.has(t.exprKind.value.name) &&
          !scope.has(t.exprKind.value.name)
        )
          throw undeclared(t.exprKind.value.name);
        throw undeclared(fn);
      }
      if (k.value.target) check(k.value.target, scope);
      for (const a of k.value.args ?? []) check(a, scope);
      return;
    }
    case 'listExpr':
      for (const el of k.value.elements ?? []) check(el, scope);
      return;
    case 'structExpr':
      for (const en of k.value.entries ?? []) {
        if (en.keyKind?.case === 'mapKey') check(en.keyKind.value, scope);
        check(en.value, scope);
      }
      return;
    case 'comprehensionExpr': {
      const c = k.value;
      check(c.iterRange, scope);
      check(c.accuInit, scope);
      const inner = new Set(scope);
      inner.add(c.iterVar);
      if (c.iterVar2) inner.add(c.iterVar2);
      inner.add(c.accuVar);
      check(c.loopCondition, inner);
      check(c.loopStep, inner);
      const res = new Set(scope);
      res.add(c.accuVar);
      check(c.result, res);
      return;
    }
    default:
      return;
  }
}

export interface CelVariables {
  self: CelInput;
  other: CelInput;
  value: CelInput;
}

export interface CelProgram {
  readonly expression: string;
  /** Evaluates; throws CelEvalError. The result is a CEL value (bigint, number, string, CelList...). */
  eval(vars: CelVariables): unknown;
}

/** Parses and checks once; throws CelCompileError. */
export function compileCel(expression: string): CelProgram {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(expression);
  } catch (e) {
    throw new CelCompileError(`Syntax error: ${(e as Error).message}`);
  }
  check(parsed.expr, new Set());
  const run = plan(env, parsed) as (ctx: Record<string, CelInput>) => unknown;
  return {
    expression,
    eval(vars: CelVariables): unknown {
      let r: unknown;
      try {
        r = run(vars as unknown as Record<string, CelInput>);
      } catch (e) {
        throw new CelEvalError((e as Error).message);
      }
      if (isCelError(r)) throw new CelEvalError(r.message);
      return r;
    },
  };
}
