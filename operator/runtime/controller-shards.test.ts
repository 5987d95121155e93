import { FakeClock } from './clock.js';
import { Controller } from './controller.js';
import type { Request } from './reconciler.js';

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe('Controller request filter and in-flight waits (sharded replicas)', () => {
  it('does not enqueue requests failing the filter, and drops queued ones that stopped passing', async () => {
    const owned = new Set(['ws-a', 'ws-b']);
    const calls: string[] = [];
    const c = new Controller({
      name: 'ctl-filter',
      clock: new FakeClock(),
      requestFilter: (req) => owned.has(req.cluster),
      reconciler: {
        reconcile: async (req) => {
          calls.push(req.cluster);
          return { requeueAfterMs: 0 };
        },
      },
    });
    c.enqueue({ cluster: 'ws-a', namespace: '', name: 'x' });
    c.enqueue({ cluster: 'ws-other', namespace: '', name: 'x' });
    c.enqueueKey('ws-other2|/x');
    c.enqueueAfter({ cluster: 'ws-other3', namespace: '', name: 'x' }, 10);
    c.enqueue({ cluster: 'ws-b', namespace: '', name: 'x' });
    expect(c.queue.len()).toBe(2);
    owned.delete('ws-b'); // revoked while queued: becomes a no-op
    c.start();
    await flush();
    expect(calls).toEqual(['ws-a']);
    expect(c.queue.len()).toBe(0);
    await c.stop();
  });

  it('waitForInFlight resolves once the matching reconciles finished, not the others', async () => {
    const finish = new Map<string, () => void>();
    const c = new Controller({
      name: 'ctl-inflight',
      clock: new FakeClock(),
      workers: 2,
      reconciler: {
        reconcile: (req: Request) => new Promise((resolve) => finish.set(req.cluster, () => resolve({}))),
      },
    });
    c.start();
    c.enqueue({ cluster: 'ws-a', namespace: '', name: 'x' });
    c.enqueue({ cluster: 'ws-b', namespace: '', name: 'x' });
    await flush();
    expect([...finish.keys()].sort()).toEqual(['ws-a', 'ws-b']);
    let aDone = false;
    const waitA = c.waitForInFlight((r) => r.cluster === 'ws-a').then(() => (aDone = true));
    await expect(c.waitForInFlight((r) => r.cluster === 'ws-c')).resolves.toBeUndefined();
    finish.get('ws-b')!();
    await flush();
    expect(aDone).toBe(false);
    finish.get('ws-a')!();
    await waitA;
    expect(aDone).toBe(true);
    await c.stop();
  });
});
