import { EngagementTracker } from './engagement.js';

const binding = (name: string, cluster: string, ready: boolean) => ({
  metadata: { name, annotations: { 'kcp.io/cluster': cluster } },
  status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

describe('EngagementTracker', () => {
  test('engages on the first Ready binding, once', () => {
    const t = new EngagementTracker();
    expect(t.upsert(binding('b1', 'c1', false))).toBeUndefined();
    expect(t.isEngaged('c1')).toBe(false);
    expect(t.upsert(binding('b1', 'c1', true))).toEqual({ engage: 'c1' });
    expect(t.upsert(binding('b2', 'c1', true))).toBeUndefined();
    expect(t.engagedClusters()).toEqual(['c1']);
  });

  test('disengages only when the last binding of the cluster is gone', () => {
    const t = new EngagementTracker();
    t.upsert(binding('b1', 'c1', true));
    t.upsert(binding('b2', 'c1', true));
    expect(t.remove(binding('b1', 'c1', true))).toBeUndefined();
    expect(t.remove(binding('b2', 'c1', true))).toEqual({ disengage: 'c1' });
    expect(t.isEngaged('c1')).toBe(false);
  });

  test('a cluster that never became ready is not disengaged; bindings without cluster are ignored', () => {
    const t = new EngagementTracker();
    t.upsert(binding('b1', 'c2', false));
    expect(t.remove(binding('b1', 'c2', false))).toBeUndefined();
    expect(t.upsert({ metadata: { name: 'x' } })).toBeUndefined();
  });

  test('re-engages after a full disengage', () => {
    const t = new EngagementTracker();
    t.upsert(binding('b1', 'c1', true));
    t.remove(binding('b1', 'c1', true));
    expect(t.upsert(binding('b1', 'c1', true))).toEqual({ engage: 'c1' });
  });
});
