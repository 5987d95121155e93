import { ok } from 'node:assert/strict';

import { FakeClock } from './clock.js';
import { FairReady } from './fair-ready.js';
import { ItemExponentialFailureRateLimiter } from './ratelimiter.js';
import { WorkQueue } from './workqueue.js';

// Keys are `tenant|name`, as controller request keys are `cluster|namespace/name`.
const tenantOf = (key: string): string => key.slice(0, key.indexOf('|'));

function fairQueue(clock = new FakeClock()): { q: WorkQueue<string>; clock: FakeClock } {
  const q = new WorkQueue<string>({
    name: 'fair-test',
    clock,
    metrics: false,
    rateLimiter: new ItemExponentialFailureRateLimiter<string>(5, 1_000_000),
    fairnessKey: tenantOf,
  });
  return { q, clock };
}

async function take(q: WorkQueue<string>): Promise<string> {
  const r = await q.get();
  if (r.shutdown) throw new Error('queue shut down');
  return r.item;
}

/** Takes every ready key, marking each done right away. */
async function drain(q: WorkQueue<string>): Promise<string[]> {
  const out: string[] = [];
  while (q.len() > 0) {
    const k = await take(q);
    out.push(k);
    q.done(k);
  }
  return out;
}

describe('WorkQueue with a fairnessKey', () => {
  it('hands out a quiet tenant’s key within the first 2 gets after a 5,000-key flood', async () => {
    const { q } = fairQueue();
    for (let i = 0; i < 5000; i++) q.add(`A|obj-${i}`);
    q.add('B|only');
    expect(q.len()).toBe(5001);
    const first = [await take(q), await take(q)];
    expect(first).toContain('B|only');
    expect(first).toContain('A|obj-0');
  });

  it('the same flood in a FIFO queue makes the quiet key wait for all of it', async () => {
    const q = new WorkQueue<string>({ name: 'fifo-test', clock: new FakeClock(), metrics: false });
    for (let i = 0; i < 5000; i++) q.add(`A|obj-${i}`);
    q.add('B|only');
    expect((await drain(q)).indexOf('B|only')).toBe(5000);
  });

  it('serves each tenant at most once per round, FIFO within a tenant', async () => {
    const { q } = fairQueue();
    const tenants = ['t0', 't1', 't2', 't3', 't4'];
    for (const t of tenants) for (let i = 0; i < 4; i++) q.add(`${t}|k${i}`); // tenant by tenant
    q.add('t0|k4'); // t0 has one more than the others
    const order = await drain(q);
    expect(order).toHaveLength(21);
    for (let round = 0; round < 4; round++) {
      const slice = order.slice(round * 5, round * 5 + 5);
      expect(slice.map(tenantOf).sort()).toEqual(tenants);
      expect(slice.every((k) => k.endsWith(`|k${round}`))).toBe(true);
    }
    expect(order[20]).toBe('t0|k4');
  });

  it('a tenant that gets a key later joins the rotation at the back', async () => {
    const { q } = fairQueue();
    for (let i = 0; i < 3; i++) q.add(`A|a${i}`);
    q.add('B|b0');
    expect(await take(q)).toBe('A|a0');
    q.add('C|c0');
    expect(await drain(q)).toEqual(['B|b0', 'A|a1', 'C|c0', 'A|a2']);
  });

  it('puts a key re-added while processing back into its own tenant’s turn', async () => {
    const { q } = fairQueue();
    q.add('A|a');
    for (let i = 0; i < 3; i++) q.add(`B|b${i}`);
    expect(await take(q)).toBe('A|a');
    q.add('A|a'); // while processing: dirty, not ready
    expect(q.len()).toBe(3);
    q.done('A|a');
    expect(q.len()).toBe(4);
    // A rejoins the rotation behind B, not behind all of B's keys.
    expect(await drain(q)).toEqual(['B|b0', 'A|a', 'B|b1', 'B|b2']);
  });

  it('delayed keys become ready in their tenant', async () => {
    const { q, clock } = fairQueue();
    for (let i = 0; i < 100; i++) q.add(`A|a${i}`);
    q.addAfter('B|later', 50);
    expect(await take(q)).toBe('A|a0');
    q.done('A|a0');
    clock.step(50);
    expect(q.len()).toBe(100);
    const next = [await take(q), await take(q)];
    expect(next).toContain('B|later');
  });

  it('rate-limited keys become ready in their tenant', async () => {
    const { q, clock } = fairQueue();
    q.add('B|failing');
    expect(await take(q)).toBe('B|failing');
    for (let i = 0; i < 100; i++) q.add(`A|a${i}`);
    q.addRateLimited('B|failing'); // 5 ms backoff
    q.done('B|failing');
    expect(q.len()).toBe(100);
    clock.step(5);
    expect(q.len()).toBe(101);
    const next = [await take(q), await take(q)];
    expect(next).toContain('B|failing');
  });

  it('an immediate add of a delayed key makes it ready in its tenant now', async () => {
    const { q } = fairQueue();
    for (let i = 0; i < 10; i++) q.add(`A|a${i}`);
    q.addAfter('B|b', 10_000);
    q.add('B|b');
    expect(q.waitingLen()).toBe(0);
    expect([await take(q), await take(q)]).toEqual(['A|a0', 'B|b']);
  });

  it('shutDown still hands out the ready keys of every tenant, round robin, then answers shutdown', async () => {
    const { q } = fairQueue();
    q.add('A|a0');
    q.add('A|a1');
    q.add('B|b0');
    q.addAfter('C|c0', 100);
    q.shutDown();
    q.add('D|d0');
    expect([await take(q), await take(q), await take(q)]).toEqual(['A|a0', 'B|b0', 'A|a1']);
    expect(await q.get()).toEqual({ shutdown: true });
  });

  it('discardReady drops the ready keys of every tenant; they can be added again', async () => {
    const { q } = fairQueue();
    for (let i = 0; i < 10; i++) q.add(`T${i % 3}|k${i}`);
    q.discardReady();
    expect(q.len()).toBe(0);
    q.add('T1|k1'); // no longer dirty: accepted again
    q.add('T2|k9');
    expect(await drain(q)).toEqual(['T1|k1', 'T2|k9']);
  });

  it('shutDownWithDrain waits for in-flight keys of every tenant', async () => {
    const { q } = fairQueue();
    q.add('A|a');
    q.add('B|b');
    await take(q);
    await take(q);
    let drained: boolean | undefined;
    void q.shutDownWithDrain(1000).then((d) => (drained = d));
    q.done('A|a');
    await Promise.resolve();
    expect(drained).toBeUndefined();
    q.done('B|b');
    await Promise.resolve();
    expect(drained).toBe(true);
  });
});

describe('FairReady', () => {
  it('keeps no per-tenant state once 10,000 tenants were added and drained', () => {
    const r = new FairReady<string>(tenantOf);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 10_000; i++) {
        r.push(`t${round}-${i}|a`);
        if (i % 2 === 0) r.push(`t${round}-${i}|b`);
      }
      expect(r.tenants).toBe(10_000);
      expect(r.size).toBe(15_000);
      const seen = new Set<string>();
      while (r.size > 0) seen.add(r.shift());
      expect(seen.size).toBe(15_000);
      expect(r.tenants).toBe(0);
    }
    // clear() too
    for (let i = 0; i < 10_000; i++) r.push(`c${i}|a`);
    let cleared = 0;
    r.clear(() => cleared++);
    expect(cleared).toBe(10_000);
    expect(r.tenants).toBe(0);
    expect(r.size).toBe(0);
  });

  it('drops a tenant as soon as its last key is handed out, and brings it back at the back', () => {
    const r = new FairReady<string>(tenantOf);
    r.push('A|1');
    r.push('B|1');
    r.push('B|2');
    expect(r.shift()).toBe('A|1');
    expect(r.tenants).toBe(1);
    r.push('A|2');
    expect([r.shift(), r.shift(), r.shift()]).toEqual(['B|1', 'A|2', 'B|2']);
    expect(r.tenants).toBe(0);
  });
});

/** A small seeded PRNG (mulberry32), so a failing sequence can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The queue's guarantees as plain sets (no ordering): what is ready, dirty, processing and delayed.
 * The fair queue must agree with it after every operation; the order checks (FIFO within a tenant,
 * no tenant served twice while another waits) are made on each hand-out.
 */
class QueueModel {
  readonly ready = new Map<string, number>(); // key -> sequence number it became ready with
  readonly dirty = new Set<string>();
  readonly processing = new Set<string>();
  readonly waiting = new Map<string, number>();
  private seq = 0;

  /** seq: keys that become ready in the same instant share one (the queue may take them in any order). */
  add(k: string, seq = this.seq++): void {
    this.waiting.delete(k);
    if (this.dirty.has(k)) return;
    this.dirty.add(k);
    if (!this.processing.has(k)) this.ready.set(k, seq);
  }

  addAfter(k: string, delay: number, now: number): void {
    if (delay <= 0) return this.add(k);
    if (this.dirty.has(k)) return;
    const cur = this.waiting.get(k);
    if (cur !== undefined && cur <= now + delay) return;
    this.waiting.set(k, now + delay);
  }

  timePassed(now: number): void {
    const due = [...this.waiting].filter(([, at]) => at <= now).sort((a, b) => a[1] - b[1]);
    let lastAt = -1;
    let seq = 0;
    for (const [k, at] of due) {
      if (at !== lastAt) seq = this.seq++;
      lastAt = at;
      this.add(k, seq);
    }
  }

  handOut(k: string): void {
    this.ready.delete(k);
    this.dirty.delete(k);
    this.processing.add(k);
  }

  done(k: string): void {
    this.processing.delete(k);
    if (this.dirty.has(k)) this.ready.set(k, this.seq++);
  }
}

describe('fair WorkQueue against a model (seeded random operations)', () => {
  it.each([1, 2, 3, 42, 1234])(
    'seed %i: no key twice in flight, every add handed out, no loss',
    async (seed) => {
      const rand = prng(seed);
      const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)] as T;
      const { q, clock } = fairQueue();
      const model = new QueueModel();
      const modelLimiter = new ItemExponentialFailureRateLimiter<string>(5, 1_000_000);
      const keys: string[] = [];
      for (const t of ['A', 'B', 'C', 'D', 'E']) for (let i = 0; i < 4; i++) keys.push(`${t}|k${i}`);
      // Keys added since they were last handed out: each must be handed out again.
      const owed = new Set<string>();
      // For each tenant with ready keys: the tenants served since it was last served (or got ready).
      const servedWhileWaiting = new Map<string, Set<string>>();
      const handOuts = new Map<string, number>();
      const adds = new Map<string, number>();

      const syncWaiting = (): void => {
        const waitingTenants = new Set([...model.ready.keys()].map(tenantOf));
        for (const t of waitingTenants) if (!servedWhileWaiting.has(t)) servedWhileWaiting.set(t, new Set());
        for (const t of [...servedWhileWaiting.keys()])
          if (!waitingTenants.has(t)) servedWhileWaiting.delete(t);
      };
      const check = (): void => {
        ok(q.len() === model.ready.size, 'ready count');
        ok(q.waitingLen() === model.waiting.size, 'delayed count');
        for (const k of model.processing) ok(q.isProcessing(k), `${k} processing`);
        syncWaiting();
      };
      const counted = (k: string): void => {
        owed.add(k);
        adds.set(k, (adds.get(k) ?? 0) + 1);
      };
      const getOne = async (): Promise<void> => {
        const k = await take(q);
        const tenant = tenantOf(k);
        ok(!model.processing.has(k), `${k} handed out twice at once`);
        ok(model.ready.has(k), `${k} handed out but not ready`);
        // FIFO within the tenant: no key of the same tenant became ready before it.
        const mine = model.ready.get(k) as number;
        for (const [other, s] of model.ready)
          ok(tenantOf(other) !== tenant || s >= mine, `${k} handed out before ${other} of its tenant`);
        // Round robin: no other tenant was served twice while this one waited.
        for (const [waiter, served] of servedWhileWaiting) {
          if (waiter === tenant) continue;
          ok(!served.has(tenant), `${tenant} served twice while ${waiter} waited`);
          served.add(tenant);
        }
        servedWhileWaiting.delete(tenant);
        ok(owed.has(k), `${k} handed out without an add since its last run`);
        owed.delete(k);
        handOuts.set(k, (handOuts.get(k) ?? 0) + 1);
        model.handOut(k);
      };

      for (let step = 0; step < 3000; step++) {
        const op = rand();
        const k = pick(keys);
        if (op < 0.3) {
          q.add(k);
          model.add(k);
          counted(k);
        } else if (op < 0.4) {
          const d = Math.floor(rand() * 50);
          q.addAfter(k, d);
          model.addAfter(k, d, clock.now());
          counted(k);
        } else if (op < 0.45) {
          q.addRateLimited(k);
          model.addAfter(k, modelLimiter.when(k), clock.now());
          counted(k);
        } else if (op < 0.48) {
          q.forget(k);
          modelLimiter.forget(k);
        } else if (op < 0.75) {
          if (q.len() > 0) await getOne();
        } else if (op < 0.92) {
          if (model.processing.size > 0) {
            const d = pick([...model.processing]);
            q.done(d);
            model.done(d);
          }
        } else {
          clock.step(Math.floor(rand() * 30));
          model.timePassed(clock.now());
        }
        check();
      }

      // Let everything settle: finish all work, let every delay pass, hand out what is left.
      for (let round = 0; round < 100 && q.len() + q.waitingLen() + model.processing.size > 0; round++) {
        for (const d of [...model.processing]) {
          q.done(d);
          model.done(d);
        }
        check();
        clock.step(2_000_000);
        model.timePassed(clock.now());
        check();
        while (q.len() > 0) {
          await getOne();
          check();
        }
      }
      expect(q.len() + q.waitingLen()).toBe(0);
      expect(model.processing.size).toBe(0);
      expect([...owed]).toEqual([]); // no loss
      for (const [k, n] of handOuts) expect(n).toBeLessThanOrEqual(adds.get(k) ?? 0); // no invented runs
      expect(handOuts.size).toBeGreaterThan(10);
    },
  );
});
