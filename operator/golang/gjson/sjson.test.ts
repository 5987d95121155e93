import { readFileSync } from 'node:fs';
import { parseJson, setPath, setRawPath, deletePath, toJs, isTextEdited, rawOf } from './index.js';
import { goJsonSyntaxError } from '../json/syntax.js';
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

function run(c: Case): Case['want'] {
  try {
    const doc = parseJson(c.json);
    const out =
      c.op === 'set'
        ? setPath(doc, c.path, c.value!)
        : c.op === 'setRaw'
          ? setRawPath(doc, c.path, parseJson(c.value!))
          : deletePath(doc, c.path);
    // an edit inside a string's text is held as text: decoded like the agent does, or reported as
    // text that does not decode
    if (isTextEdited(out)) {
      const text = rawOf(out);
      if (goJsonSyntaxError(text) !== undefined) return { invalid: text };
      return { json: goMarshal(toJs(parseJson(text))) };
    }
    return { json: goMarshal(toJs(out)) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

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
