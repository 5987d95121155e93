import { readFileSync } from 'node:fs';
import { compileCel, CelCompileError } from './index.js';
import { celGoSyntaxErrors } from './syntax.js';

interface Case {
  expression: string;
  want: { buildError?: string };
}

// the goldens compare syntax errors only up to "Syntax error" (see mutation/golden.ts); here the
// texts of the class syntax.ts knows are compared in full with cel-go's
const syntaxCases = (
  JSON.parse(readFileSync(new URL('./testdata/cel.golden.json', import.meta.url), 'utf8')) as Case[]
).filter((c) => /Syntax error/.test(c.want.buildError ?? ''));

function compileText(expression: string): string {
  try {
    compileCel(expression);
  } catch (e) {
    if (e instanceof CelCompileError) return `failed to compile CEL expression: ${e.message}`;
    throw e;
  }
  return 'compiled';
}

describe("cel-go's syntax error texts (golden, from cel-go v0.28.0)", () => {
  const known = syntaxCases.filter((c) => celGoSyntaxErrors(c.expression));

  it('covers conditionals in the middle branch at the top level and mixed unary operators', () => {
    expect(known.length).toBeGreaterThan(20);
  });

  it.each(known.map((c) => [c.expression, c] as const))('%s', (_e, c) => {
    expect(compileText(c.expression)).toBe(c.want.buildError);
  });

  it('leaves other shapes to the parser (deeper recovery, has() and literal errors next to syntax errors)', () => {
    for (const expression of [
      'f(g(a ? b ? c : d : e), 1)',
      'x ? int(a ? b ? c : d : e) : 1',
      'has(1 ? 2 ? self.a : self.b : self.c.k)',
      '-!x + has(1)',
      '-!x ? 1 ? 2 : 3 : 4',
      'has(1 + self.a) ? 1 ? 2 : 3 : 4',
      '--9223372036854775808 ? 1 ? 2 : 3 : 4',
    ])
      expect(celGoSyntaxErrors(expression)).toBeUndefined();
  });

  it('reports mixed unary operators at the token that does not fit, then reads on', () => {
    expect(compileText('1 + -!true')).toBe(
      "failed to compile CEL expression: ERROR: <input>:1:6: Syntax error: no viable alternative at input '-!'\n" +
        ' | 1 + -!true\n' +
        ' | .....^',
    );
    expect(compileText('!- x == 1 && true')).toBe(
      "failed to compile CEL expression: ERROR: <input>:1:4: Syntax error: no viable alternative at input '- x'\n" +
        ' | !- x == 1 && true\n' +
        ' | ...^',
    );
  });

  it('inside brackets, also reports where the text goes on after the conditional around them', () => {
    expect(compileText('int(true ? 1 ? 2 : 3 : 4)')).toBe(
      "failed to compile CEL expression: ERROR: <input>:1:14: Syntax error: mismatched input '?' expecting ':'\n" +
        ' | int(true ? 1 ? 2 : 3 : 4)\n' +
        ' | .............^\n' +
        "ERROR: <input>:1:22: Syntax error: mismatched input ':' expecting <EOF>\n" +
        ' | int(true ? 1 ? 2 : 3 : 4)\n' +
        ' | .....................^',
    );
    expect(compileText('size(true ? 1 ? 2 : 3)')).toBe(
      "failed to compile CEL expression: ERROR: <input>:1:15: Syntax error: mismatched input '?' expecting ':'\n" +
        ' | size(true ? 1 ? 2 : 3)\n' +
        ' | ..............^\n' +
        "ERROR: <input>:1:22: Syntax error: extraneous input ')' expecting <EOF>\n" +
        ' | size(true ? 1 ? 2 : 3)\n' +
        ' | .....................^',
    );
  });

  it('reports at the second ? with a caret under it', () => {
    expect(compileText('true ? "日本" == value ? 1 : 2 : 3')).toBe(
      "failed to compile CEL expression: ERROR: <input>:1:22: Syntax error: mismatched input '?' expecting ':'\n" +
        ' | true ? "日本" == value ? 1 : 2 : 3\n' +
        ' | ........．．...........^',
    );
  });
});
