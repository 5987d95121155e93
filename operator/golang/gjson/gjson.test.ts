import { readFileSync } from 'node:fs';
import { parseJson, getPath, Result } from './index.js';
import { formatFloatG } from './gofloat.js';
import { goMarshal } from '../json/marshal.js';

interface Case {
  json: string;
  path: string;
  want: Record<string, unknown>;
}

const cases = JSON.parse(
  readFileSync(new URL('./testdata/gjson.golden.json', import.meta.url), 'utf8'),
) as Case[];

function marshalOrError(v: unknown): string {
  try {
    return goMarshal(v);
  } catch (e) {
    return `ERR ${(e as Error).message}`;
  }
}

function observe(r: Result): Record<string, unknown> {
  return {
    bool: r.bool(),
    exists: r.exists(),
    float: formatFloatG(r.float()),
    int: r.int().toString(),
    raw: r.raw,
    string: r.string(),
    type: r.type,
    value: marshalOrError(r.value()),
  };
}

describe('gjson Get (golden, from tidwall/gjson v1.18.0)', () => {
  it.each(cases.map((c, i) => [i, c.path, c] as const))('case %i: %s', (_i, _p, c) => {
    expect(observe(getPath(parseJson(c.json), c.path))).toEqual(c.want);
  });
});
