import { readFileSync } from 'node:fs';
import { parseJson, deletePath, toJs } from './index.js';
import { runSjsonCase } from './golden.js';
import { goMarshal } from '../json/marshal.js';

interface Case {
  json: string;
  path: string;
  op: 'set' | 'setRaw' | 'delete';
  value?: string;
  want: { json?: string; error?: string; invalid?: string };
}

const cases = JSON.parse(
  readFileSync(new URL('./testdata/sjson.golden.json', import.meta.url), 'utf8'),
) as Case[];

const run = (c: Case): Case['want'] => runSjsonCase(c);

describe('sjson Set/SetRaw/Delete (golden, from tidwall/sjson v1.2.5)', () => {
  it.each(cases.map((c, i) => [i, c.op, c.path, c] as const))('case %i: %s %s', (_i, _o, _p, c) => {
    expect(run(c)).toEqual(c.want);
  });

  it('delete vectors of the Go agent mutation tests', () => {
    expect(goMarshal(toJs(deletePath(parseJson('{"spec":{"secretName":"foo"}}'), 'spec.secretName')))).toBe(
      '{"spec":{}}',
    );
    expect(goMarshal(toJs(deletePath(parseJson('{"spec":[1,2,3]}'), 'spec.1')))).toBe('{"spec":[1,3]}');
  });
});
