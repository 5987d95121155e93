import { readFileSync } from 'node:fs';
import { runMutationCase, comparable } from '../mutation/golden.js';

interface Case {
  object: string;
  other?: string;
  path: string;
  expression: string;
  want: { object?: string; error?: string; buildError?: string };
}

const cases = JSON.parse(
  readFileSync(new URL('./testdata/cel.golden.json', import.meta.url), 'utf8'),
) as Case[];

/**
 * Known differences of @bufbuild/cel from cel-go, listed rather than hidden:
 * - `has(x.f)` is false when `f` holds JSON null (cel-go: true).
 */
const KNOWN_DIFFERENCES = new Set(['has(self.spec.nil)']);

describe('CEL mutations with the §7.4 variable model (golden, from cel-go v0.26.0)', () => {
  it.each(
    cases.filter((c) => !KNOWN_DIFFERENCES.has(c.expression)).map((c, i) => [i, c.expression, c] as const),
  )('case %i: %s', (_i, _e, c) => {
    const r = runMutationCase({
      object: c.object,
      ...(c.other ? { other: c.other } : {}),
      steps: [{ cel: { path: c.path, expression: c.expression } }],
      want: c.want,
    });
    expect(comparable(r)).toEqual(comparable(c.want));
  });
});

describe('known differences from cel-go', () => {
  it('has() on a JSON null field', () => {
    const c = cases.find((x) => x.expression === 'has(self.spec.nil)')!;
    const r = runMutationCase({
      object: c.object,
      steps: [{ cel: { path: c.path, expression: c.expression } }],
      want: c.want,
    });
    expect(r.object).toContain('"out":false'); // cel-go writes true
    expect(c.want.object).toContain('"out":true');
  });
});
