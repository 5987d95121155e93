// The sync controller's work queue is fair per consumer workspace: the keys of a workspace that has
// thousands of objects waiting do not hold up another workspace's key. The controller is registered
// with a Manager that is not started, so enqueued keys stay in its queue and are taken in hand-out order.
import { Manager } from '../../runtime/manager.js';
import type { Controller } from '../../runtime/controller.js';
import { startSyncWorld } from './testing/sync-world.js';

async function handOutOrder(c: Controller): Promise<string[]> {
  const keys: string[] = [];
  while (c.queue.len() > 0) {
    const next = await c.queue.get();
    if (next.shutdown) break;
    keys.push(next.item);
    c.queue.done(next.item);
  }
  return keys;
}

describe('sync controller work queue', () => {
  it('hands out a quiet workspace’s object right after a busy workspace’s first one', async () => {
    const world = await startSyncWorld({ workspaces: ['ws1', 'ws2'] });
    const sync = world.syncReconciler({ naming: { namespace: '{{ .ClusterName }}' } });
    const manager = new Manager({ client: world.localClient, log: world.log });
    const controller = sync.setupWithManager(manager);
    try {
      for (let i = 0; i < 2000; i++)
        controller.enqueue({ cluster: 'ws1', namespace: 'default', name: `o${i}` });
      controller.enqueue({ cluster: 'ws2', namespace: 'default', name: 'quiet' });
      const order = await handOutOrder(controller);
      expect(order).toHaveLength(2001);
      expect(order.slice(0, 2)).toEqual(['ws1|default/o0', 'ws2|default/quiet']);
      expect(order[2001 - 1]).toBe('ws1|default/o1999'); // FIFO within the busy workspace
    } finally {
      await manager.removeController(controller);
      await sync.stop();
      await world.stop();
    }
  });
});
