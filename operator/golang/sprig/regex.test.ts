/**
 * Sprig's regex functions against Go: testdata/regex.cases.txt was rendered by real Go (text/template,
 * sprig v3.3.0) with the oracle of hack/oracle-template (command in the cases file's header); this test
 * renders the same templates and compares byte for byte. The corpus includes patterns that backtrack
 * exponentially in a JS RegExp (`(a*)*b` over 5,000 `a`s), which must finish with Go's answer.
 */
import { readFileSync } from 'node:fs';
import { TemplateError, compileTemplate, parseJsonToGo } from '../template/index.js';

interface GoldenCase {
  template: string;
  data: string;
  funcs: 'agent' | 'sprig';
  output?: string;
  error?: string;
}

const cases = JSON.parse(
  readFileSync(new URL('./testdata/regex.golden.json', import.meta.url), 'utf8'),
) as GoldenCase[];

function render(
  template: string,
  data = '{}',
  funcs: 'agent' | 'sprig' = 'sprig',
): { output?: string; error?: string } {
  try {
    return { output: compileTemplate(template, { funcs }).execute(parseJsonToGo(data)) };
  } catch (e) {
    if (e instanceof TemplateError) return { error: e.message };
    throw e;
  }
}

describe('sprig regex functions (golden, from Go)', () => {
  it('covers every regex function', () => {
    const all = cases.map((c) => c.template).join('\n');
    for (const name of [
      'regexMatch',
      'mustRegexMatch',
      'regexFindAll',
      'mustRegexFindAll',
      'regexFind',
      'mustRegexFind',
      'regexReplaceAll',
      'mustRegexReplaceAll',
      'regexReplaceAllLiteral',
      'mustRegexReplaceAllLiteral',
      'regexSplit',
      'mustRegexSplit',
      'regexQuoteMeta',
    ])
      expect(all).toContain(`${name} `);
  });

  it.each(cases.map((c, i) => [i, c.template, c] as const))('case %i: %s', (_i, _t, c) => {
    const want = c.error !== undefined ? { error: c.error } : { output: c.output };
    expect(render(c.template, c.data, c.funcs)).toEqual(want);
  });
});

describe('sprig regex functions on hostile patterns', () => {
  // A JS RegExp needs seconds for 24 characters of these and would not finish on 5,000.
  it('nested quantifiers over a long run finish with the right answer', () => {
    expect(render('{{ regexMatch "(a*)*b" (repeat 5000 "a") }}')).toEqual({ output: 'false' });
    expect(render('{{ regexFind "(x+x+)+y" (repeat 5000 "x") }}')).toEqual({ output: '' });
    expect(render('{{ regexReplaceAll "(a|aa)+$" (print (repeat 5000 "a") "b") "z" | len }}')).toEqual({
      output: '5001',
    });
    expect(render('{{ mustRegexSplit "^(a+)+$" (print (repeat 5000 "a") "!") -1 | len }}')).toEqual({
      output: '1',
    });
  });

  it('a template that loops over a hostile pattern stays linear (the compiled pattern is reused)', () => {
    const out = render('{{ range until 50 }}{{ regexMatch "(a*)*b" (repeat 2000 "a") }}{{ end }}');
    expect(out).toEqual({ output: 'false'.repeat(50) });
  });
});
