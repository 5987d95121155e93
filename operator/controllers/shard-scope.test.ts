import type { ActivateListener, RevokeHook } from '../runtime/sharding/coordinator.js';
import { ShardScope, type Refilterable } from './shard-scope.js';

function fakeShards() {
  let revoke: RevokeHook | undefined;
  let activate: ActivateListener | undefined;
  const owned = new Set<string>(['ws1']);
  return {
    owned,
    shards: {
      owns: (c: string) => owned.has(c),
      onRevoke: (h: RevokeHook) => ((revoke = h), () => undefined),
      onActivate: (l: ActivateListener) => ((activate = l), () => undefined),
    },
    revoke: (isRevoked: (k: string) => boolean) => revoke!(isRevoked),
    activate: () => activate!(() => true, ['me']),
  };
}

describe('ShardScope', () => {
  it('narrows the caches only after the controllers finished their work on revoked workspaces', async () => {
    const f = fakeShards();
    const scope = new ShardScope(f.shards, () => false);
    const order: string[] = [];
    const cache: Refilterable = {
      refilter: async (o) => void order.push(`refilter relist=${o?.relist ?? true}`),
    };
    scope.track(cache);
    let finish!: () => void;
    scope.onRevoke(() => new Promise<void>((r) => (finish = () => (order.push('in-flight done'), r()))));
    const revoked = f.revoke((k) => k === 'ws1');
    await Promise.resolve();
    expect(order).toEqual([]);
    finish();
    await revoked;
    expect(order).toEqual(['in-flight done', 'refilter relist=false']);
    f.activate();
    await new Promise((r) => setTimeout(r, 0));
    expect(order).toEqual(['in-flight done', 'refilter relist=false', 'refilter relist=true']);
  });

  it('caches keep a revoked workspace until the work in flight on it finished', async () => {
    const f = fakeShards();
    const scope = new ShardScope(f.shards, () => false);
    const copy = { metadata: { labels: { 'syncagent.kcp.io/remote-object-cluster': 'ws1' } } };
    let finish!: () => void;
    scope.onRevoke(() => new Promise<void>((r) => (finish = r)));
    f.owned.delete('ws1'); // the coordinator no longer owns it from the start of the revoke
    const revoked = f.revoke((k) => k === 'ws1');
    await Promise.resolve();
    expect(scope.owns('ws1')).toBe(false); // nothing new is processed
    expect(scope.cachesKeep('ws1')).toBe(true); // but a watch event does not drop it from the cache
    expect(scope.ownedOrUnlabelled(copy)).toBe(true);
    expect(scope.cachesKeep('ws2')).toBe(false);
    finish();
    await revoked;
    expect(scope.cachesKeep('ws1')).toBe(false);
    expect(scope.ownedOrUnlabelled(copy)).toBe(false);
  });

  it('overlapping revocations each keep their workspaces until their own work finished', async () => {
    const f = fakeShards();
    f.owned.clear();
    const scope = new ShardScope(f.shards, () => false);
    const finishers: (() => void)[] = [];
    scope.onRevoke(() => new Promise<void>((r) => finishers.push(r)));
    const first = f.revoke((k) => k === 'ws1');
    const second = f.revoke((k) => k === 'ws2');
    await Promise.resolve();
    expect([scope.cachesKeep('ws1'), scope.cachesKeep('ws2')]).toEqual([true, true]);
    finishers[0]!(); // the first finishes while the second is still in flight
    await first;
    expect([scope.cachesKeep('ws1'), scope.cachesKeep('ws2')]).toEqual([false, true]);
    finishers[1]!();
    await second;
    expect(scope.cachesKeep('ws2')).toBe(false);
  });

  it('a gained workspace is owned once the service side is refreshed; the kcp side is refreshed after', async () => {
    const f = fakeShards();
    const scope = new ShardScope(f.shards, () => false);
    const order: string[] = [];
    let serviceDone!: () => void;
    scope.track({
      refilter: () => new Promise<void>((r) => (serviceDone = () => (order.push('service'), r()))),
    });
    scope.track({ refilter: async () => void order.push(`kcp (ws2 owned: ${scope.owns('ws2')})`) }, 'kcp');
    f.owned.add('ws2');
    f.activate();
    expect(scope.owns('ws2')).toBe(false); // its copies may not be cached yet
    expect(scope.owns('ws1')).toBe(false); // the fake activation says everything is gained
    expect(
      scope.ownedOrUnlabelled({ metadata: { labels: { 'syncagent.kcp.io/remote-object-cluster': 'ws2' } } }),
    ).toBe(true);
    serviceDone();
    await new Promise((r) => setTimeout(r, 0));
    expect(order).toEqual(['service', 'kcp (ws2 owned: true)']);
    expect(scope.owns('ws2')).toBe(true);
  });

  it('keeps service-side objects of owned workspaces and objects that are no copies', () => {
    const f = fakeShards();
    const scope = new ShardScope(f.shards, () => true);
    const labelled = (c?: string) => ({
      metadata: { name: 'x', ...(c ? { labels: { 'syncagent.kcp.io/remote-object-cluster': c } } : {}) },
    });
    expect(scope.ownedOrUnlabelled(labelled('ws1'))).toBe(true);
    expect(scope.ownedOrUnlabelled(labelled('ws2'))).toBe(false);
    expect(scope.ownedOrUnlabelled(labelled())).toBe(true);
    expect(scope.isLeader()).toBe(true);
  });

  it('a cache shared by two users stays tracked until both let go', async () => {
    const f = fakeShards();
    const scope = new ShardScope(f.shards, () => false);
    let n = 0;
    const cache: Refilterable = { refilter: async () => void n++ };
    const u1 = scope.track(cache);
    const u2 = scope.track(cache);
    u1();
    u1();
    f.activate();
    await new Promise((r) => setTimeout(r, 0));
    expect(n).toBe(1);
    u2();
    f.activate();
    await new Promise((r) => setTimeout(r, 0));
    expect(n).toBe(1);
  });
});
