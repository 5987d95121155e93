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
    expect(order).toEqual(['in-flight done', 'refilter relist=false', 'refilter relist=true']);
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
    expect(n).toBe(1);
    u2();
    f.activate();
    expect(n).toBe(1);
  });
});
