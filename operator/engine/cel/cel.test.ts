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

describe('CEL mutations with the §7.4 variable model (golden, from cel-go v0.28.0)', () => {
  it.each(cases.map((c, i) => [i, c.expression, c] as const))('case %i: %s', (_i, _e, c) => {
    const r = runMutationCase({
      object: c.object,
      ...(c.other ? { other: c.other } : {}),
      steps: [{ cel: { path: c.path, expression: c.expression } }],
      want: c.want,
    });
    expect(comparable(r)).toEqual(comparable(c.want));
  });
});
