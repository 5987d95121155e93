import { readFileSync } from 'node:fs';
import { compileRelated, resolveReference, RelatedError } from './index.js';

interface Case {
  object: string;
  path: string;
  regex?: { pattern?: string; replacement?: string };
  want: { values?: string[]; error?: string };
}

const cases = JSON.parse(
  readFileSync(new URL('./testdata/reference.golden.json', import.meta.url), 'utf8'),
) as Case[];

function run(c: Case): Case['want'] {
  const obj = JSON.parse(c.object) as Record<string, unknown>;
  if (!c.regex) return { values: resolveReference(obj, c.path) };
  // through the compiled rule, so the regex handling is the planner's own
  const rel = compileRelated({ object: { reference: { path: c.path, regex: c.regex } } });
  const sides = { origin: 'kcp' as const, remote: obj, local: obj, clusterName: 'c', clusterPath: '' };
  try {
    return { values: rel.plan(sides).map((p) => p.originName) };
  } catch (e) {
    if (!(e instanceof RelatedError)) throw e;
    return {
      error: e.message.replace(/^failed to resolve objects: failed to find objects on origin side: /, ''),
    };
  }
}

describe('related-object references (golden, gjson + Go regexp)', () => {
  it.each(cases.map((c, i) => [i, c.path, c] as const))('case %i: %s', (_i, _p, c) => {
    const got = run(c);
    if (c.regex && got.values) {
      // the planner drops empty names and sorts; compare as such
      const want = [...new Set(c.want.values!.filter((v) => v !== ''))].sort();
      expect([...got.values].sort()).toEqual(want);
    } else expect(got).toEqual(c.want);
  });
});
