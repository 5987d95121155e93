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

  it('leaves other shapes to the parser (deeper recovery, has() and literal errors next to no viable alternative)', () => {
    for (const expression of [
      'f(g(a ? b ? c : d : e), 1)',
      'x ? int(a ? b ? c : d : e) : 1',
      'has(x + (a ? b ? c : d : e.f))',
      '-!x + has(1)',
      '-!x ? 1 ? 2 : 3 : 4',
    ])
      expect(celGoSyntaxErrors(expression)).toBeUndefined();
  });

  it('lists what cel-go rejects beyond syntax in what it has read, in the order of the text', () => {
    // has() of anything but a field is placed at its argument's operator (the unfinished
    // conditional's `?`); literals outside 64 bits at their first character
    expect(compileText('has(1 ? 2 ? self.a : self.b : self.c.k)')).toBe(
      'failed to compile CEL expression: ERROR: <input>:1:7: invalid argument to has() macro\n' +
        ' | has(1 ? 2 ? self.a : self.b : self.c.k)\n' +
        ' | ......^\n' +
        "ERROR: <input>:1:11: Syntax error: mismatched input '?' expecting ':'\n" +
        ' | has(1 ? 2 ? self.a : self.b : self.c.k)\n' +
        ' | ..........^\n' +
        "ERROR: <input>:1:29: Syntax error: mismatched input ':' expecting <EOF>\n" +
        ' | has(1 ? 2 ? self.a : self.b : self.c.k)\n' +
        ' | ............................^',
    );
    expect(compileText('has(1 + self.a) ? 1 ? 2 : 3 : 4')).toBe(
      'failed to compile CEL expression: ERROR: <input>:1:7: invalid argument to has() macro\n' +
        ' | has(1 + self.a) ? 1 ? 2 : 3 : 4\n' +
        ' | ......^\n' +
        "ERROR: <input>:1:21: Syntax error: mismatched input '?' expecting ':'\n" +
        ' | has(1 + self.a) ? 1 ? 2 : 3 : 4\n' +
        ' | ....................^',
    );
    expect(compileText('--9223372036854775808 ? 1 ? 2 : 3 : 4')).toBe(
      'failed to compile CEL expression: ERROR: <input>:1:3: invalid int literal\n' +
        ' | --9223372036854775808 ? 1 ? 2 : 3 : 4\n' +
        ' | ..^\n' +
        "ERROR: <input>:1:27: Syntax error: mismatched input '?' expecting ':'\n" +
        ' | --9223372036854775808 ? 1 ? 2 : 3 : 4\n' +
        ' | ..........................^',
    );
    // the tokens skipped by the recovery (`5] + has(y)`) are not read
    const listed = '[has(x) ? -1 : 2, 1 ? 2 ? 99999999999999999999u : 4 : 5] + has(y)';
    expect(compileText(listed)).toBe(
      'failed to compile CEL expression: ERROR: <input>:1:6: invalid argument to has() macro\n' +
        ` | ${listed}\n` +
        ' | .....^\n' +
        "ERROR: <input>:1:25: Syntax error: mismatched input '?' expecting ':'\n" +
        ` | ${listed}\n` +
        ' | ........................^\n' +
        'ERROR: <input>:1:27: invalid uint literal\n' +
        ` | ${listed}\n` +
        ' | ..........................^\n' +
        "ERROR: <input>:1:53: Syntax error: mismatched input ':' expecting <EOF>\n" +
        ` | ${listed}\n` +
        ' | ....................................................^',
    );
  });

  it("places has()'s argument where cel-go builds it", () => {
    // [argument, offset of the has() error]
    const cases: [string, number][] = [
      ['a || b || c', 11], // balanced: the middle operator
      ['a || b || c || d || e', 16],
      ['a + b * c', 6], // the operator of least precedence
      ['a < b + c', 6],
      ['!!a', 6], // an even run cancels out
      ['!!!a', 4],
      ['--3', 6],
      ['-3', 4], // a signed literal
      ['x.f()', 7], // a call at its parenthesis
      ['x[0]', 5],
      ['.x', 5],
      ['(a + b)', 7],
      ['has(x)', 8], // a failed has() at its own argument
    ];
    for (const [arg, offset] of cases) {
      const issues = celGoSyntaxErrors(`has(${arg}) ? 1 ? 2 : 3 : 4`);
      expect([arg, issues?.find((i) => i.message.startsWith('invalid argument'))?.offset]).toEqual([
        arg,
        offset,
      ]);
    }
    // a field, also a presence test of one, is a valid argument; other argument counts are no macro
    for (const arg of ['has(a.b)', 'x.f().g', '1.5.k', 'a.b, c'])
      expect(celGoSyntaxErrors(`has(${arg}) ? 1 ? 2 : 3 : 4`)).toHaveLength(1);
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
