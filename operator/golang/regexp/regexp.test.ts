import { readFileSync } from 'node:fs';
import { GoRegexp, quoteMeta } from './regexp.js';

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

  it('covers the regex mutation vectors of the Go agent', () => {
    expect(GoRegexp.compile('o').replaceAllString('foo', 'u')).toBe('fuu');
    expect(GoRegexp.compile('(f)oo').replaceAllString('foo', 'oo$1')).toBe('oof');
  });
});

interface OpsCase {
  pattern: string;
  input: string;
  repl: string;
  error?: string;
  quoteMeta: string;
  want?: {
    match: boolean;
    find: string;
    findAll: Record<string, string[]>;
    split: Record<string, string[]>;
    replace: string;
    replaceLiteral: string;
  };
}

const ops = JSON.parse(
  readFileSync(new URL('./testdata/ops.golden.json', import.meta.url), 'utf8'),
) as OpsCase[];

function runOps(c: OpsCase): Omit<OpsCase, 'pattern' | 'input' | 'repl'> {
  const quoted = quoteMeta(c.input + c.pattern);
  let re: GoRegexp;
  try {
    re = GoRegexp.compile(c.pattern);
  } catch (e) {
    return { error: (e as Error).message, quoteMeta: quoted };
  }
  const findAll: Record<string, string[]> = {};
  const split: Record<string, string[]> = {};
  for (const n of [-1, 0, 1, 2, 3]) {
    findAll[String(n)] = re.findAllString(c.input, n);
    split[String(n)] = re.split(c.input, n);
  }
  return {
    quoteMeta: quoted,
    want: {
      match: re.matchString(c.input),
      find: re.findString(c.input),
      findAll,
      split,
      replace: re.replaceAllString(c.input, c.repl),
      replaceLiteral: re.replaceAllLiteralString(c.input, c.repl),
    },
  };
}

describe('Go regexp Find/FindAll/Split/ReplaceAll(Literal)/QuoteMeta on random patterns (golden, from Go)', () => {
  it('has a corpus with valid and invalid patterns', () => {
    expect(ops.length).toBeGreaterThanOrEqual(500);
    expect(ops.filter((c) => c.error).length).toBeGreaterThan(20);
  });

  it.each(ops.map((c, i) => [i, c.pattern, c] as const))('case %i: %s', (_i, _p, c) => {
    const { pattern: _pattern, input: _input, repl: _repl, ...want } = c;
    expect(runOps(c)).toEqual(want);
  });
});

describe('Go semantics of the matching API', () => {
  it('FindAllString: n limits the count, n == 0 finds nothing, an empty match after a match is dropped', () => {
    const re = GoRegexp.compile('a*');
    expect(re.findAllString('baaac', -1)).toEqual(['', 'aaa', '']);
    expect(re.findAllString('baaac', 2)).toEqual(['', 'aaa']);
    expect(re.findAllString('baaac', 0)).toEqual([]);
    // empty matches step by code point: one per character plus one at the end
    expect(GoRegexp.compile('').findAllString('😀é', -1)).toEqual(['', '', '']);
  });

  it('FindString: leftmost-first, "" when nothing matches', () => {
    expect(GoRegexp.compile('a|ab').findString('xab')).toBe('a');
    expect(GoRegexp.compile('(a|ab)(c|bcd)').findString('abcd')).toBe('abcd');
    expect(GoRegexp.compile('z').findString('abc')).toBe('');
  });

  it('Split: n bounds the pieces, the last one keeps the rest', () => {
    expect(GoRegexp.compile(',').split('a,b,c,', -1)).toEqual(['a', 'b', 'c', '']);
    expect(GoRegexp.compile(',').split('a,b,c', 2)).toEqual(['a', 'b,c']);
    expect(GoRegexp.compile(',').split('a,b,c', 0)).toEqual([]);
    expect(GoRegexp.compile('').split('abc', -1)).toEqual(['a', 'b', 'c']);
    expect(GoRegexp.compile('x').split('', -1)).toEqual(['']);
    expect(GoRegexp.compile('').split('', -1)).toEqual([]);
  });

  it('ReplaceAllLiteralString does not expand $', () => {
    expect(GoRegexp.compile('a(x*)b').replaceAllLiteralString('-ab-axxb-', '${1}')).toBe('-${1}-${1}-');
    expect(GoRegexp.compile('a*').replaceAllLiteralString('baaac', '$0')).toBe('$0b$0c$0');
  });

  it("QuoteMeta escapes exactly Go's metacharacters", () => {
    expect(quoteMeta('1.5+[x]{2}(a|b)^$*?\\ü-/')).toBe(
      '1\\.5\\+\\[x\\]\\{2\\}\\(a\\|b\\)\\^\\$\\*\\?\\\\ü-/',
    );
  });

  it('duplicate group names (Go >= 1.22) match on the linear engine; ${name} is the first that took part', () => {
    const re = GoRegexp.compile('(?P<n>a)|(?P<n>b)');
    expect(re.replaceAllString('ab', '<${n}>')).toBe('<a><b>');
    // A backtracking engine needs about 2^5000 steps here: the test's timeout is the guard.
    expect(GoRegexp.compile('(?P<n>a*)*(?P<n>b)').matchString('a'.repeat(5000))).toBe(false);
  });

  it('an unclosed group is reported with the whole expression, as Go does', () => {
    expect(() => GoRegexp.compile('a(b')).toThrow('error parsing regexp: missing closing ): `a(b`');
  });
});

describe('linear-time matching', () => {
  // No wall-clock assertion (it flakes on a loaded machine): each of these takes exponential time on a
  // backtracking engine, so the test's own timeout is the guard.
  it('a consumer-controlled input cannot trigger catastrophic backtracking', () => {
    const input = 'a'.repeat(20000) + 'b';
    expect(GoRegexp.compile('(a+)+$').replaceAllString(input, 'x')).toBe(input);
    expect(GoRegexp.compile('^(\\w+\\s?)*$').matchString('word '.repeat(2000) + '!')).toBe(false);
    const as = 'a'.repeat(5000);
    expect(GoRegexp.compile('(a*)*b').findString(as)).toBe('');
    expect(GoRegexp.compile('(a|a)*c').findAllString(as, -1)).toEqual([]);
    expect(GoRegexp.compile('(a|aa)+c').split(as, -1)).toEqual([as]);
    expect(GoRegexp.compile('(a+)+b').replaceAllLiteralString(as, 'x')).toBe(as);
  });
});
