import { ownerOf, rendezvousScore } from './rendezvous.js';

const keys = Array.from({ length: 3000 }, (_, i) => `ws-${i.toString(36)}-${(i * 7919) % 104729}`);
const owners = (members: string[]) => new Map(keys.map((k) => [k, ownerOf(k, members)]));

describe('rendezvous hashing', () => {
  it('is deterministic and independent of the member order', () => {
    expect(rendezvousScore('a', 'k')).toBe(rendezvousScore('a', 'k'));
    expect(rendezvousScore('a', 'k')).not.toBe(rendezvousScore('b', 'k'));
    for (const k of keys.slice(0, 200)) expect(ownerOf(k, ['a', 'b', 'c'])).toBe(ownerOf(k, ['c', 'a', 'b']));
    expect(ownerOf('k', [])).toBeUndefined();
    expect(ownerOf('k', ['only'])).toBe('only');
  });

  it('spreads 3,000 keys over 3 members within ±15%', () => {
    const counts = new Map<string, number>();
    for (const o of owners(['host-a_1', 'host-b_2', 'host-c_3']).values())
      counts.set(o!, (counts.get(o!) ?? 0) + 1);
    expect(counts.size).toBe(3);
    for (const n of counts.values()) {
      expect(n).toBeGreaterThanOrEqual(1000 * 0.85);
      expect(n).toBeLessThanOrEqual(1000 * 1.15);
    }
  });

  it('a fourth member takes only keys that go to it (about a quarter)', () => {
    const before = owners(['a', 'b', 'c']);
    const after = owners(['a', 'b', 'c', 'd']);
    let moved = 0;
    for (const k of keys) {
      if (before.get(k) === after.get(k)) continue;
      moved++;
      expect(after.get(k)).toBe('d');
    }
    expect(moved).toBeGreaterThan(3000 * 0.25 * 0.85);
    expect(moved).toBeLessThan(3000 * 0.25 * 1.15);
  });

  it('removing a member moves only its own keys', () => {
    const before = owners(['a', 'b', 'c']);
    const after = owners(['a', 'c']);
    for (const k of keys) {
      if (before.get(k) !== 'b') expect(after.get(k)).toBe(before.get(k));
      else expect(['a', 'c']).toContain(after.get(k));
    }
  });
});
