import { FakeClock } from './clock.js';
import { BucketRateLimiter, ItemExponentialFailureRateLimiter, MaxOfRateLimiter } from './ratelimiter.js';
import { metricsRegistry } from './metrics.js';
import { WorkQueue } from './workqueue.js';

/**
 * The queue's guarantees are tested in every ordering mode: FIFO, fair with one tenant for all keys,
 * and fair with a tenant per key (each mode must behave the same for them). Fairness itself is tested
 * in workqueue-fair.test.ts.
 */
const modes: [string, ((key: string) => string) | undefined][] = [
  ['FIFO', undefined],
  ['fair, one tenant', () => 'only'],
  ['fair, a tenant per key', (key) => key],
];

describe.each(modes)('WorkQueue (%s)', (_mode, fairnessKey) => {
  function newQueue(clock = new FakeClock()): { q: WorkQueue<string>; clock: FakeClock } {
    const q = new WorkQueue<string>({
      name: 'test',
      clock,
      metrics: false,
      rateLimiter: new ItemExponentialFailureRateLimiter<string>(5, 1_000_000),
      ...(fairnessKey ? { fairnessKey } : {}),
    });
    return { q, clock };
  }

  async function take(q: WorkQueue<string>): Promise<string> {
    const r = await q.get();
    if (r.shutdown) throw new Error('queue shut down');
    return r.item;
  }

  it('keeps one entry per key while it waits (dedup)', async () => {
    const { q } = newQueue();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.len()).toBe(2);
    expect(await take(q)).toBe('a');
    expect(await take(q)).toBe('b');
    expect(q.len()).toBe(0);
  });

  it('never hands a key to two workers at once', async () => {
    const { q } = newQueue();
    q.add('a');
    expect(await take(q)).toBe('a');
    q.add('a'); // while processing
    expect(q.len()).toBe(0);
    let second: string | undefined;
    void q.get().then((r) => (second = r.shutdown ? 'shutdown' : r.item));
    await Promise.resolve();
    expect(second).toBeUndefined();
    q.done('a');
    await Promise.resolve();
    await Promise.resolve();
    expect(second).toBe('a');
  });

  it('runs a key added while processing again afterwards, once', async () => {
    const { q } = newQueue();
    q.add('a');
    await take(q);
    q.add('a');
    q.add('a');
    q.done('a');
    expect(q.len()).toBe(1);
    expect(await take(q)).toBe('a');
    q.done('a');
    expect(q.len()).toBe(0);
  });

  it('wakes a waiting get() when a key is added', async () => {
    const { q } = newQueue();
    const p = q.get();
    q.add('x');
    await expect(p).resolves.toEqual({ shutdown: false, item: 'x' });
  });

  it('addAfter delays the key and keeps the earliest ready time', () => {
    const { q, clock } = newQueue();
    q.addAfter('a', 1000);
    q.addAfter('a', 5000);
    expect(q.waitingLen()).toBe(1);
    clock.step(999);
    expect(q.len()).toBe(0);
    clock.step(1);
    expect(q.len()).toBe(1);
    clock.step(10_000);
    expect(q.len()).toBe(1); // the later time did not produce a second run

    const { q: q2, clock: c2 } = newQueue();
    q2.addAfter('b', 5000);
    q2.addAfter('b', 1000); // earlier replaces later
    c2.step(1000);
    expect(q2.len()).toBe(1);
  });

  it('an immediate add makes a delayed key ready now and drops the delay', async () => {
    const { q, clock } = newQueue();
    q.addAfter('a', 5000);
    q.add('a');
    expect(q.len()).toBe(1);
    expect(q.waitingLen()).toBe(0);
    expect(await take(q)).toBe('a');
    q.done('a');
    clock.step(6000);
    expect(q.len()).toBe(0); // no second, delayed run
  });

  it('addAfter of a key that is already ready is a no-op', () => {
    const { q, clock } = newQueue();
    q.add('a');
    q.addAfter('a', 100);
    clock.step(200);
    expect(q.len()).toBe(1);
  });

  it('addAfter while processing holds the key until done and the delay passed', async () => {
    const { q, clock } = newQueue();
    q.add('a');
    await take(q);
    q.addAfter('a', 100);
    clock.step(100);
    expect(q.len()).toBe(0); // still processing
    q.done('a');
    expect(q.len()).toBe(1);
  });

  it('orders delayed keys by ready time', async () => {
    const { q, clock } = newQueue();
    q.addAfter('c', 300);
    q.addAfter('a', 100);
    q.addAfter('b', 200);
    clock.step(300);
    expect([await take(q), await take(q), await take(q)]).toEqual(['a', 'b', 'c']);
  });

  it('rate-limited re-adds back off exponentially per item and reset on forget', () => {
    const { q, clock } = newQueue();
    const readyAfter = (): number => {
      q.addRateLimited('a');
      let waited = 0;
      while (q.len() === 0) {
        clock.step(1);
        waited++;
      }
      void q.get();
      q.done('a');
      return waited;
    };
    expect([readyAfter(), readyAfter(), readyAfter(), readyAfter()]).toEqual([5, 10, 20, 40]);
    expect(q.numRequeues('a')).toBe(4);
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
    expect(readyAfter()).toBe(5);
  });

  it('shutDown hands out ready keys, then answers shutdown; adds are ignored', async () => {
    const { q } = newQueue();
    q.add('a');
    q.addAfter('b', 100);
    q.shutDown();
    q.add('c');
    expect(await q.get()).toEqual({ shutdown: false, item: 'a' });
    expect(await q.get()).toEqual({ shutdown: true });
  });

  it('shutDown wakes blocked getters', async () => {
    const { q } = newQueue();
    const p = q.get();
    q.shutDown();
    await expect(p).resolves.toEqual({ shutdown: true });
  });

  it('shutDownWithDrain waits for in-flight keys', async () => {
    const { q } = newQueue();
    q.add('a');
    await take(q);
    let drained: boolean | undefined;
    void q.shutDownWithDrain(1000).then((d) => (drained = d));
    await Promise.resolve();
    expect(drained).toBeUndefined();
    q.done('a');
    await Promise.resolve();
    expect(drained).toBe(true);
  });

  it('shutDownWithDrain gives up at the deadline', async () => {
    const { q, clock } = newQueue();
    q.add('a');
    await take(q);
    const p = q.shutDownWithDrain(1000);
    clock.step(1000);
    await expect(p).resolves.toBe(false);
  });
});

describe('rate limiters', () => {
  it('per-item exponential backoff grows from 5 ms, caps at 1000 s and is per item', () => {
    const rl = new ItemExponentialFailureRateLimiter<string>(5, 1_000_000);
    const delays = Array.from({ length: 20 }, () => rl.when('a'));
    expect(delays.slice(0, 5)).toEqual([5, 10, 20, 40, 80]);
    expect(delays[17]).toBe(655_360);
    expect(delays[18]).toBe(1_000_000);
    expect(rl.when('b')).toBe(5);
    for (let i = 0; i < 2000; i++) rl.when('a'); // no overflow to NaN/Infinity
    expect(rl.when('a')).toBe(1_000_000);
    rl.forget('a');
    expect(rl.when('a')).toBe(5);
  });

  it('token bucket allows a burst, then spaces requests at qps and refills over time', () => {
    const clock = new FakeClock();
    const rl = new BucketRateLimiter<string>(10, 100, clock);
    for (let i = 0; i < 100; i++) expect(rl.when(`k${i}`)).toBe(0);
    expect(rl.when('x')).toBeCloseTo(100);
    expect(rl.when('y')).toBeCloseTo(200);
    clock.step(20_000); // refills to the burst size (after repaying the two reservations), no more
    for (let i = 0; i < 100; i++) expect(rl.when(`r${i}`)).toBe(0);
    expect(rl.when('z')).toBeCloseTo(100);
  });

  it('the combined limiter takes the larger delay of both', () => {
    const clock = new FakeClock();
    const rl = new MaxOfRateLimiter<string>(
      new ItemExponentialFailureRateLimiter<string>(5, 1_000_000),
      new BucketRateLimiter<string>(10, 1, clock),
    );
    expect(rl.when('a')).toBe(5); // bucket has a token; backoff 5 ms
    expect(rl.when('b')).toBeCloseTo(100); // bucket empty: 100 ms beats the 5 ms backoff
    expect(rl.numRequeues('a')).toBe(1);
    rl.forget('a');
    expect(rl.numRequeues('a')).toBe(0);
  });
});

describe('work-queue metrics', () => {
  it('sums depth and unfinished work of queues sharing a name, and reports the longest processor', async () => {
    const clock = new FakeClock();
    const a = new WorkQueue<string>({ name: 'shared-name', clock });
    const b = new WorkQueue<string>({ name: 'shared-name', clock });
    a.add('1');
    a.add('2');
    b.add('3');
    b.add('4');
    await b.get(); // '3' in flight on b
    clock.step(2000);
    await a.get(); // '1' in flight on a
    clock.step(1000);
    const text = await metricsRegistry.metrics();
    expect(text).toContain('workqueue_depth{name="shared-name",controller="shared-name"} 2');
    expect(text).toContain(
      'workqueue_unfinished_work_seconds{name="shared-name",controller="shared-name"} 4',
    );
    expect(text).toContain(
      'workqueue_longest_running_processor_seconds{name="shared-name",controller="shared-name"} 3',
    );
    expect(text).toContain('workqueue_adds_total{name="shared-name",controller="shared-name"} 4');
    a.close();
    b.close();
    expect(await metricsRegistry.metrics()).not.toContain('workqueue_depth{name="shared-name"');
  });
});
