import { FakeClock } from './clock.js';
import { Controller } from './controller.js';
import { metricsRegistry } from './metrics.js';
import { ItemExponentialFailureRateLimiter } from './ratelimiter.js';
import { requestKeyCluster, TerminalError, type Request, type Result } from './reconciler.js';

/** Lets pending promise callbacks (worker loop steps) run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

async function metricValue(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const m = metricsRegistry.getSingleMetric(name);
  const data = await m?.get();
  return data?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))?.value;
}

/** Every test runs with a FIFO queue and with a queue fair per cluster (the sync controllers'). */
const modes: [string, ((key: string) => string) | undefined][] = [
  ['FIFO queue', undefined],
  ['fair queue per cluster', requestKeyCluster],
];

describe.each(modes)('Controller worker loop (%s)', (_mode, fairnessKey) => {
  // Each mode starts from fresh metrics: the tests read counters of controllers they name.
  beforeAll(() => metricsRegistry.resetMetrics());

  function setup(
    name: string,
    behaviour: (req: Request, call: number) => Promise<Result>,
    workers = 1,
  ): { c: Controller; clock: FakeClock; calls: string[] } {
    const clock = new FakeClock();
    const calls: string[] = [];
    let n = 0;
    const c = new Controller({
      name,
      clock,
      workers,
      rateLimiter: new ItemExponentialFailureRateLimiter<string>(5, 1_000_000),
      ...(fairnessKey ? { fairnessKey } : {}),
      reconciler: {
        reconcile: (req) => {
          calls.push(`${req.cluster}|${req.namespace}/${req.name}`);
          return behaviour(req, n++);
        },
      },
    });
    return { c, clock, calls };
  }

  it('reconciles an enqueued request with its identity', async () => {
    const { c, calls } = setup('ctl-success', async () => ({}));
    c.start();
    c.enqueue({ cluster: 'root:org', namespace: 'ns', name: 'obj' });
    await flush();
    expect(calls).toEqual(['root:org|ns/obj']);
    expect(
      await metricValue('controller_runtime_reconcile_total', {
        controller: 'ctl-success',
        result: 'success',
      }),
    ).toBe(1);
    await c.stop();
  });

  it('retries a thrown error with growing backoff, then forgets on success', async () => {
    const { c, clock, calls } = setup('ctl-error', async (_req, call) => {
      if (call < 3) throw new Error('boom');
      return {};
    });
    c.start();
    c.enqueue({ cluster: '', namespace: '', name: 'x' });
    await flush();
    expect(calls).toHaveLength(1);
    clock.step(4);
    await flush();
    expect(calls).toHaveLength(1);
    clock.step(1); // 5 ms
    await flush();
    expect(calls).toHaveLength(2);
    clock.step(10);
    await flush();
    expect(calls).toHaveLength(3);
    clock.step(19);
    await flush();
    expect(calls).toHaveLength(3);
    clock.step(1); // 20 ms
    await flush();
    expect(calls).toHaveLength(4);
    expect(c.queue.numRequeues('|x')).toBe(0); // success forgot the failures
    expect(await metricValue('controller_runtime_reconcile_errors_total', { controller: 'ctl-error' })).toBe(
      3,
    );
    expect(
      await metricValue('controller_runtime_reconcile_total', { controller: 'ctl-error', result: 'error' }),
    ).toBe(3);
    await c.stop();
  });

  it('does not retry a TerminalError but counts it', async () => {
    const { c, clock, calls } = setup('ctl-terminal', async () => {
      throw new TerminalError('invalid spec');
    });
    c.start();
    c.enqueue({ cluster: 'c', namespace: '', name: 'x' });
    await flush();
    clock.step(60_000);
    await flush();
    expect(calls).toHaveLength(1);
    expect(
      await metricValue('controller_runtime_terminal_reconcile_errors_total', { controller: 'ctl-terminal' }),
    ).toBe(1);
    expect(c.queue.numRequeues('c|x')).toBe(0);
    await c.stop();
  });

  it('requeues after requeueAfterMs', async () => {
    const { c, clock, calls } = setup('ctl-after', async (_req, call) =>
      call === 0 ? { requeueAfterMs: 5000 } : {},
    );
    c.start();
    c.enqueue({ cluster: '', namespace: 'ns', name: 'x' });
    await flush();
    clock.step(4999);
    await flush();
    expect(calls).toHaveLength(1);
    clock.step(1);
    await flush();
    expect(calls).toHaveLength(2);
    expect(
      await metricValue('controller_runtime_reconcile_total', {
        controller: 'ctl-after',
        result: 'requeue_after',
      }),
    ).toBe(1);
    await c.stop();
  });

  it('runs different keys concurrently but never the same key twice at once', async () => {
    const releases: (() => void)[] = [];
    let running = 0;
    let maxRunning = 0;
    const { c, calls } = setup(
      'ctl-concurrency',
      () =>
        new Promise<Result>((resolve) => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          releases.push(() => {
            running--;
            resolve({});
          });
        }),
      4,
    );
    c.start();
    c.enqueue({ cluster: '', namespace: '', name: 'a' });
    c.enqueue({ cluster: '', namespace: '', name: 'b' });
    await flush();
    c.enqueue({ cluster: '', namespace: '', name: 'a' }); // while a is running
    await flush();
    expect(calls).toEqual(['|/a', '|/b']);
    expect(maxRunning).toBe(2);
    releases.shift()?.(); // a finishes -> a runs again
    await flush();
    expect(calls).toEqual(['|/a', '|/b', '|/a']);
    for (const r of releases.splice(0)) r();
    await flush();
    await c.stop();
  });

  it('stop() drops ready keys, waits for in-flight work, and aborts it at the deadline', async () => {
    let signal: AbortSignal | undefined;
    const { c, clock, calls } = setup('ctl-stop', (_req) => {
      return new Promise<Result>((_resolve, reject) => {
        // a reconcile that only ends when aborted
        const check = (s: AbortSignal): void => s.addEventListener('abort', () => reject(s.reason));
        queueMicrotask(() => signal && check(signal));
      });
    });
    const origReconcile = c['reconciler'].reconcile;
    c['reconciler'].reconcile = (req, ctx) => {
      signal = ctx.signal;
      return origReconcile(req, ctx);
    };
    c.start();
    c.enqueue({ cluster: '', namespace: '', name: 'a' });
    c.enqueue({ cluster: '', namespace: '', name: 'b' });
    await flush();
    let stopped = false;
    const p = c.stop({ deadlineMs: 1000 }).then(() => (stopped = true));
    await flush();
    expect(stopped).toBe(false);
    clock.step(1000);
    await p;
    expect(signal?.aborted).toBe(true);
    expect(calls).toEqual(['|/a']); // b was dropped
  });

  it('stop({ drain: true }) processes the ready keys first', async () => {
    const { c, calls } = setup('ctl-drain', async () => ({}));
    c.enqueue({ cluster: '', namespace: '', name: 'a' });
    c.enqueue({ cluster: '', namespace: '', name: 'b' });
    c.start();
    await c.stop({ drain: true, deadlineMs: 1000 });
    expect(calls).toEqual(['|/a', '|/b']);
  });

  it('adds to the active-workers gauge instead of setting it, so controllers sharing a name add up', async () => {
    // e.g. a controller that is replaced while the old one still drains
    const releases: (() => void)[] = [];
    const clock = new FakeClock();
    const ctls = [1, 2].map(
      () =>
        new Controller({
          name: 'ctl-shared',
          clock,
          reconciler: { reconcile: () => new Promise<Result>((resolve) => releases.push(() => resolve({}))) },
        }),
    );
    for (const c of ctls) c.start();
    ctls[0]!.enqueue({ cluster: '', namespace: '', name: 'a' });
    ctls[1]!.enqueue({ cluster: '', namespace: '', name: 'b' });
    await flush();
    const active = () => metricValue('controller_runtime_active_workers', { controller: 'ctl-shared' });
    try {
      expect(await active()).toBe(2);
      releases.shift()!();
      await flush();
      expect(await active()).toBe(1);
    } finally {
      for (const r of releases.splice(0)) r();
      await flush();
      await Promise.all(ctls.map((c) => c.stop()));
    }
    expect(await active()).toBe(0);
  });
});

describe('Controller with a fair queue', () => {
  it('reconciles a quiet cluster’s request right after the first of a busy cluster’s flood', async () => {
    const calls: string[] = [];
    const c = new Controller({
      name: 'ctl-fair',
      clock: new FakeClock(),
      fairnessKey: requestKeyCluster,
      reconciler: {
        reconcile: async (req) => {
          calls.push(`${req.cluster}|${req.name}`);
          return {};
        },
      },
    });
    for (let i = 0; i < 100; i++) c.enqueue({ cluster: 'busy', namespace: '', name: `o${i}` });
    c.enqueue({ cluster: 'quiet', namespace: '', name: 'one' });
    c.start();
    await c.stop({ drain: true, deadlineMs: 1000 });
    expect(calls).toHaveLength(101);
    expect(calls.slice(0, 2)).toEqual(['busy|o0', 'quiet|one']);
  });
});
