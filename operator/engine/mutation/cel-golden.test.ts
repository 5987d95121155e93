import { readFileSync } from 'node:fs';
import { runMutationCase, comparable } from './golden.js';
import { compileMutations, MutationError } from './index.js';

interface Case {
  object: string;
  other?: string;
  path: string;
  expression: string;
  want: { object?: string; error?: string; buildError?: string };
}

const cases = JSON.parse(
  readFileSync(new URL('../../golang/cel/testdata/cel.golden.json', import.meta.url), 'utf8'),
) as Case[];

describe('CEL mutations with the value/self/other variable model (golden, from cel-go v0.28.0)', () => {
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

describe('type checking when the PublishedResource is loaded (cel-go rejects these at compile time)', () => {
  it.each([
    ['1 == 1.0', "found no matching overload for '_==_' applied to '(int, double)'"],
    ['true ? 1 : "a"', "found no matching overload for '_?_:_' applied to '(bool, int, string)'"],
    ['"a" + 1', "found no matching overload for '_+_' applied to '(string, int)'"],
    ['self.spec.tags.map(t, t + 1) == [1, "a"] && 1', "expected type 'bool' but found 'int'"],
  ])('%s', (expression, message) => {
    let err: unknown;
    try {
      compileMutations({ spec: [{ cel: { path: 'spec.x', expression } }] }, 'spec.mutation');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MutationError);
    const m = err as MutationError;
    expect(m.fieldPath).toBe('spec.mutation.spec[0].cel.expression');
    expect(m.detail).toContain(`failed to compile CEL expression: ERROR: <input>:1:`);
    expect(m.detail).toContain(message);
  });

  it('accepts what cel-go accepts: mixed-type aggregate literals are lists/maps of dyn', () => {
    expect(() =>
      compileMutations({
        spec: [{ cel: { path: 'spec.x', expression: '[1, "a", 2.0].size() + size({1: "a", "b": 2})' } }],
      }),
    ).not.toThrow();
  });
});
