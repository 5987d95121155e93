import { readFileSync } from 'node:fs';
import { runMutationCase, comparable, type MutationGoldenCase } from './golden.js';
import { compileMutations, MutationError } from './index.js';

const cases = JSON.parse(
  readFileSync(new URL('./testdata/mutation.golden.json', import.meta.url), 'utf8'),
) as MutationGoldenCase[];

/**
 * Known differences owned by the template engine (reported there): Go prints a nil map struct field
 * (`.RemoteObject` without a counterpart) as `map[]`, the engine prints "".
 */
const isKnown = (c: MutationGoldenCase) =>
  !c.other && c.steps.some((s) => s.template?.template === '{{ .RemoteObject }}');

describe('mutation lists (golden, from the Go oracle)', () => {
  it.each(cases.filter((c) => !isKnown(c)).map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    expect(comparable(runMutationCase(c))).toEqual(comparable(c.want));
  });

  it('known difference: nil RemoteObject prints "map[]" in Go', () => {
    const c = cases.find(isKnown)!;
    expect(c.want.object).toContain('"x":"map[]"');
    expect(runMutationCase(c).object).toContain('"x":""');
  });
});

describe('compileMutations', () => {
  it('names the PublishedResource field of a compile error', () => {
    expect(() =>
      compileMutations({ spec: [{ delete: { path: 'a' } }, { cel: { path: 'x', expression: '1 +' } }] }),
    ).toThrow(
      /^spec\.mutation\.spec\[1\]\.cel\.expression: cannot create transformer for spec: failed to compile CEL/,
    );
    expect(() => compileMutations({ status: [{}] }, 'spec.related[0].mutation')).toThrow(
      new MutationError(
        'spec.related[0].mutation.status[0]',
        'cannot create transformer for status: no valid mutation mechanism provided',
      ),
    );
  });

  it('never modifies its inputs and applies status steps to the destination', () => {
    const dest = { status: { phase: 'Ready' }, spec: { n: 1 } };
    const other = { spec: { image: 'x' } };
    const m = compileMutations({
      status: [{ regex: { path: 'status.phase', pattern: 'Ready', replacement: 'Done' } }],
    });
    expect(m.mutateStatus(dest, other)).toEqual({ status: { phase: 'Done' }, spec: { n: 1 } });
    expect(dest).toEqual({ status: { phase: 'Ready' }, spec: { n: 1 } });
    expect(m.mutateSpec(dest, other)).toBe(dest);
  });

  it('template vectors of the Go agent (html/template with sprig)', () => {
    const m = compileMutations({
      spec: [
        { template: { path: 'spec.image', template: '{{ upper .Value.String }}' } },
        { template: { path: 'spec.x', template: '{{ .LocalObject.spec.image }} {{ "<a&b>" }}' } },
      ],
    });
    expect(m.mutateSpec({ spec: { image: 'ubuntu:latest' } }, null)).toEqual({
      spec: { image: 'UBUNTU:LATEST', x: 'UBUNTU:LATEST &lt;a&amp;b&gt;' },
    });
    const empty = compileMutations({ spec: [{ template: { path: 'spec', template: '' } }] });
    expect(empty.mutateSpec({ spec: { a: 1 } }, null)).toEqual({ spec: '' });
  });

  it('reports template errors with the field path and position', () => {
    try {
      compileMutations({ spec: [{ template: { path: 'spec', template: '{{ .Value' } }] });
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(MutationError);
      expect((e as MutationError).fieldPath).toBe('spec.mutation.spec[0].template.template');
      expect((e as MutationError).detail).toMatch(
        /^cannot create transformer for spec: failed to parse template "\{\{ \.Value": template: mutation:1:/,
      );
    }
  });
});
