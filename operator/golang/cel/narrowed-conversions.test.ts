import { checkCel } from './checker.js';
import { parseCel } from './parse.js';

/** The argument types the checker narrows each conversion call of an expression to, in source order. */
function narrowed(expression: string): string[] {
  return [...checkCel(expression, parseCel(expression)).narrowedConversions.values()];
}

describe('conversions narrowed like cel-go', () => {
  it('binds an open type variable (a map lookup on dyn) to the identity overload', () => {
    expect(narrowed('int(self.spec.m["k"])')).toEqual(['int']);
    expect(narrowed('timestamp(self.spec.m["k"])')).toEqual(['google.protobuf.Timestamp']);
    expect(narrowed('int(self.spec["l"][0])')).toEqual(['int']);
  });

  it('keeps the overload of a known argument type', () => {
    expect(narrowed('int("12")')).toEqual(['string']);
    expect(narrowed('int(true ? self.spec.m["k"] : 1)')).toEqual(['int']);
    // the inner duration(string) is narrowed too
    expect(narrowed('string(duration("1s"))')).toEqual(['string', 'google.protobuf.Duration']);
  });

  it('leaves a dyn argument to every overload', () => {
    expect(narrowed('int(self.spec.m.k)')).toEqual([]);
    expect(narrowed('int(self.spec.l[0])')).toEqual([]);
    expect(narrowed('int(dyn(self.spec.m["k"]))')).toEqual([]);
    expect(narrowed('dyn(self.spec.m["k"])')).toEqual([]);
  });
});
