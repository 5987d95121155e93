import { readFileSync } from 'node:fs';
import { GoRegexp } from './regexp.js';

interface Case {
  pattern: string;
  input: string;
  replacement: string;
  want: { out?: string; error?: string };
}

const cases = JSON.parse(
  readFileSync(new URL('./testdata/regex.golden.json', import.meta.url), 'utf8'),
) as Case[];

function run(c: Case): { out?: string; error?: string } {
  try {
    return { out: GoRegexp.compile(c.pattern).replaceAllString(c.input, c.replacement) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('Go regexp ReplaceAllString (golden, from Go)', () => {
  it.each(cases.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    expect(run(c)).toEqual(c.want);
  });

  it('covers the SPEC §7.4 vectors', () => {
    expect(GoRegexp.compile('o').replaceAllString('foo', 'u')).toBe('fuu');
    expect(GoRegexp.compile('(f)oo').replaceAllString('foo', 'oo$1')).toBe('oof');
  });
});

describe('linear-time matching', () => {
  it('a consumer-controlled input cannot trigger catastrophic backtracking', () => {
    const start = Date.now();
    const input = 'a'.repeat(20000) + 'b';
    expect(GoRegexp.compile('(a+)+$').replaceAllString(input, 'x')).toBe(input);
    expect(GoRegexp.compile('^(\\w+\\s?)*$').matchString('word '.repeat(2000) + '!')).toBe(false);
    expect(Date.now() - start).toBeLessThan(5000);
  });
});
