import { SeenOccurrences, TokenBuckets } from './rate-limit.js';

describe('TokenBuckets', () => {
  it('allows a burst per key, then one per refill interval', () => {
    const b = new TokenBuckets({ burst: 3, refillMs: 1000, maxKeys: 10 });
    expect([1, 2, 3, 4].map(() => b.take('ws1/a', 0))).toEqual([true, true, true, false]);
    expect(b.take('ws2/a', 0)).toBe(true); // another object has its own bucket
    expect(b.take('ws1/a', 999)).toBe(false);
    expect(b.take('ws1/a', 1000)).toBe(true);
    expect(b.take('ws1/a', 1500)).toBe(false);
    expect(b.take('ws1/a', 2000)).toBe(true);
  });

  it('refills to the burst at most and forgets the least recently used keys', () => {
    const b = new TokenBuckets({ burst: 2, refillMs: 10, maxKeys: 1 });
    b.take('a', 0);
    b.take('a', 0);
    expect([b.take('a', 1000), b.take('a', 1000), b.take('a', 1000)]).toEqual([true, true, false]);
    b.take('b', 1000); // evicts a
    expect(b.take('a', 1000)).toBe(true);
  });
});

describe('SeenOccurrences', () => {
  it('is new only for a higher count of the same event', () => {
    const s = new SeenOccurrences(2);
    expect(s.isNew('e1', 1)).toBe(true);
    expect(s.isNew('e1', 1)).toBe(false);
    expect(s.isNew('e1', 2)).toBe(true);
    s.forget('e1');
    expect(s.isNew('e1', 2)).toBe(true);
  });
});
