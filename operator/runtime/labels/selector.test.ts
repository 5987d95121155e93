import { parseSelector, selectorFromSpec, SelectorParseError } from './selector.js';

describe('parseSelector', () => {
  test.each([
    ['', {}, true],
    ['agent=initech', { agent: 'initech' }, true],
    ['agent=initech', { agent: 'other' }, false],
    ['agent==initech', { agent: 'initech' }, true],
    ['agent!=initech', {}, true],
    ['agent!=initech', { agent: 'initech' }, false],
    ['a in (b,c)', { a: 'c' }, true],
    ['a in (b, c)', { a: 'd' }, false],
    ['a notin (b,c)', {}, true],
    ['!x', { x: '1' }, false],
    ['!x', {}, true],
    ['x', { x: '' }, true],
    ['x, y=1', { x: 'a', y: '1' }, true],
    ['n>3', { n: '4' }, true],
    ['n<3', { n: '4' }, false],
    ['example.com/team=a', { 'example.com/team': 'a' }, true],
    ['a=', { a: '' }, true],
  ])('%s matches %j: %s', (sel, labels, want) => {
    expect(parseSelector(sel).matches(labels)).toBe(want);
  });

  test.each(['a in b', 'a=b=c', '=b', 'a in (b', 'bad key!=x,', 'n>x', 'a=-bad-'])('rejects %s', (sel) => {
    expect(() => parseSelector(sel)).toThrow(SelectorParseError);
  });

  test('string form round-trips', () => {
    expect(parseSelector('a in (c,b), !d, e=f').toString()).toBe('a in (b,c),!d,e=f');
  });
});

describe('selectorFromSpec', () => {
  test('nil selects nothing, empty selects everything', () => {
    expect(selectorFromSpec(undefined).matches({ a: 'b' })).toBe(false);
    expect(selectorFromSpec({}).matches({})).toBe(true);
  });

  test('matchLabels and matchExpressions combine with AND', () => {
    const s = selectorFromSpec({
      matchLabels: { app: 'db' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['gold', 'silver'] },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    });
    expect(s.matches({ app: 'db', tier: 'gold' })).toBe(true);
    expect(s.matches({ app: 'db', tier: 'gold', legacy: 'y' })).toBe(false);
    expect(s.matches({ app: 'web', tier: 'gold' })).toBe(false);
  });

  test('unknown operators are rejected', () => {
    expect(() => selectorFromSpec({ matchExpressions: [{ key: 'a', operator: 'Like' }] })).toThrow(
      'not a valid',
    );
  });
});
