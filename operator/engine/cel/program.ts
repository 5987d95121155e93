/**
 * CEL programs for `cel` mutations, evaluated with @bufbuild/cel and shaped like the Go agent's
 * cel-go environment: the standard library only and three `dyn` variables `self`, `other`, `value`.
 * cel-go type-checks at compile time (unknown functions or variables, `1 == 1.0`, `"a" + 1`, ...);
 * @bufbuild/cel only fails when evaluating, so `compileCel` runs a cel-go-like checker (checker.ts)
 * and reports its errors in cel-go's format. Functions whose results differ from cel-go's are
 * replaced (gofuncs.ts), and evaluation errors are worded like cel-go's (celGoError).
 */
import { celEnv, parse, plan, isCelError, type CelInput } from '@bufbuild/cel';
import { GoRegexp } from '../regex/index.js';
import { checkExpression, formatIssues } from './checker.js';
import { celGoError, goCompatFuncs } from './gofuncs.js';

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

/** Parses and checks once; throws CelCompileError with cel-go's error listing. */
export function compileCel(expression: string): CelProgram {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(expression);
  } catch (e) {
    const err = e as Error & { rawMessage?: string; location?: { start?: { offset?: number } } };
    const offset = err.location?.start?.offset ?? 0;
    throw new CelCompileError(
      formatIssues(expression, [{ offset, message: `Syntax error: ${err.rawMessage ?? err.message}` }]),
    );
  }
  const issues = checkExpression(expression, parsed);
  if (issues.length) throw new CelCompileError(formatIssues(expression, issues));
  const run = plan(env, parsed) as (ctx: Record<string, CelInput>) => unknown;
  return {
    expression,
    eval(vars: CelVariables): unknown {
      let r: unknown;
      try {
        r = run(vars as unknown as Record<string, CelInput>);
      } catch (e) {
        throw new CelEvalError(celGoError((e as Error).message));
      }
      if (isCelError(r)) throw new CelEvalError(celGoError(r.message));
      return r;
    },
  };
}
