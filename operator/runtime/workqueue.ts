import { realClock, type Clock, type Timer } from './clock.js';
import { FairReady, Fifo, type ReadyKeys } from './fair-ready.js';
import { defaultControllerRateLimiter, type RateLimiter } from './ratelimiter.js';
import {
  registerInFlight,
  unregisterInFlight,
  workqueueMetrics,
  type InFlightReporter,
} from './workqueue-metrics.js';

export interface WorkQueueOptions<T> {
  /** Metric label `name` (controller-runtime uses the controller name). */
  name: string;
  /** Metric label `controller`; defaults to name. */
  controller?: string;
  clock?: Clock;
  rateLimiter?: RateLimiter<T>;
  /** Set false to keep this queue out of the Prometheus metrics (benchmarks, throwaway queues). */
  metrics?: boolean;
  /**
   * The tenant of a key. With it, ready keys wait in one FIFO per tenant and are handed out round
   * robin over the tenants that have ready keys (fair-ready.ts), so a tenant with many ready keys does
   * not delay another tenant's few. Without it the queue is one FIFO.
   */
  fairnessKey?: (item: T) => string;
}

export type GetResult<T> = { shutdown: false; item: T } | { shutdown: true };

interface Delayed<T> {
  item: T;
  readyAt: number;
}

/**
 * A de-duplicating, rate-limited, delaying work queue with client-go's guarantees:
 *
 * - a key waits at most once (dirty set): adding it again while it waits is a no-op;
 * - a key is handed to at most one worker at a time (processing set): adding it while it is being
 *   processed marks it dirty, and done() puts it back so it runs again afterwards;
 * - addAfter() keeps the earliest ready time of a key that already waits with a delay;
 * - an immediate add() of a key that waits with a delay makes it ready now and drops the delay
 *   (controller-runtime priority-queue semantics, docs/compatibility.md#requeue-and-backoff);
 * - addRateLimited() delays by the rate limiter (per-item backoff x token bucket); forget() resets it;
 * - after shutDown() adds are ignored, delayed keys are dropped, ready keys are still handed out and
 *   get() then answers shutdown; shutDownWithDrain() also waits for in-flight keys (with a deadline).
 *
 * Ready keys are handed out in FIFO order, or, with a fairnessKey, round robin over tenants and FIFO
 * within a tenant; every guarantee above holds in both modes (only the order of ready keys differs).
 *
 * Items are compared with ===, so use strings (or other primitives) as keys.
 */
export class WorkQueue<T> implements InFlightReporter {
  readonly name: string;
  readonly controller: string;
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter<T>;
  private readonly metricsOn: boolean;

  // Ready keys in hand-out order (FIFO, or fair over tenants); each at most once (the dirty set).
  private readonly ready: ReadyKeys<T>;
  private readonly dirty = new Set<T>();
  private readonly processing = new Map<T, number>(); // key -> processing start (ms)
  private readonly addedAt = new Map<T, number>(); // key -> time it became ready (queue duration)
  private readonly waiting = new Map<T, number>(); // key -> ready time (ms) of a delayed key
  private heap: Delayed<T>[] = []; // min-heap over waiting, lazily pruned
  private timer: Timer | undefined;
  private timerAt = Infinity;
  private getters: ((r: GetResult<T>) => void)[] = [];
  private drainWaiters: (() => void)[] = [];
  private shuttingDown = false;

  constructor(opts: WorkQueueOptions<T>) {
    this.name = opts.name;
    this.controller = opts.controller ?? opts.name;
    this.clock = opts.clock ?? realClock;
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter<T>(this.clock);
    this.metricsOn = opts.metrics ?? true;
    this.ready = opts.fairnessKey ? new FairReady<T>(opts.fairnessKey) : new Fifo<T>();
    if (this.metricsOn) registerInFlight(this);
  }

  private labels(): { name: string; controller: string } {
    return { name: this.name, controller: this.controller };
  }

  /** Number of keys ready to be handed out (workqueue_depth). */
  len(): number {
    return this.ready.size;
  }

  /** Number of keys waiting for a delay to pass. */
  waitingLen(): number {
    return this.waiting.size;
  }

  isProcessing(item: T): boolean {
    return this.processing.has(item);
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  add(item: T): void {
    if (this.shuttingDown) return;
    // An immediate add supersedes a delayed one: the key becomes ready now, no second delayed run.
    this.waiting.delete(item);
    if (this.metricsOn) workqueueMetrics.adds.inc(this.labels());
    if (this.dirty.has(item)) return;
    this.dirty.add(item);
    if (this.processing.has(item)) return; // done() will re-queue it
    this.pushReady(item);
  }

  addAfter(item: T, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) {
      this.add(item);
      return;
    }
    // Already ready (or dirty while processing): it will run sooner than the delay anyway.
    if (this.dirty.has(item)) return;
    const readyAt = this.clock.now() + delayMs;
    const current = this.waiting.get(item);
    if (current !== undefined && current <= readyAt) return; // earliest wins
    this.waiting.set(item, readyAt);
    this.heapPush({ item, readyAt });
    this.armTimer();
  }

  addRateLimited(item: T): void {
    if (this.shuttingDown) return;
    if (this.metricsOn) workqueueMetrics.retries.inc(this.labels());
    this.addAfter(item, this.rateLimiter.when(item));
  }

  /** Stops tracking the item's failures (its backoff starts again at the base delay). */
  forget(item: T): void {
    this.rateLimiter.forget(item);
  }

  numRequeues(item: T): number {
    return this.rateLimiter.numRequeues(item);
  }

  /** Hands out the next ready key, waiting for one if needed; answers shutdown once shut down and empty. */
  get(): Promise<GetResult<T>> {
    const r = this.tryGet();
    if (r) return Promise.resolve(r);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  private tryGet(): GetResult<T> | undefined {
    if (this.len() > 0) {
      const item = this.ready.shift();
      const now = this.clock.now();
      this.processing.set(item, now);
      this.dirty.delete(item);
      if (this.metricsOn) {
        const added = this.addedAt.get(item);
        if (added !== undefined) workqueueMetrics.queueDuration.observe(this.labels(), (now - added) / 1000);
      }
      this.addedAt.delete(item);
      return { shutdown: false, item };
    }
    if (this.shuttingDown) return { shutdown: true };
    return undefined;
  }

  /** Marks the key as finished; if it was added while processing, it becomes ready again. */
  done(item: T): void {
    const started = this.processing.get(item);
    if (started === undefined) return;
    this.processing.delete(item);
    if (this.metricsOn)
      workqueueMetrics.workDuration.observe(this.labels(), (this.clock.now() - started) / 1000);
    if (this.dirty.has(item)) {
      if (this.shuttingDown) this.dirty.delete(item);
      else this.pushReady(item);
    }
    if (this.processing.size === 0 && this.drainWaiters.length > 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Stops accepting adds and drops delayed keys; ready keys are still handed out, then get() says shutdown. */
  shutDown(): void {
    if (!this.shuttingDown) {
      this.shuttingDown = true;
      this.timer?.cancel();
      this.timer = undefined;
      this.timerAt = Infinity;
      this.waiting.clear();
      this.heap = [];
    }
    this.wakeGetters();
  }

  /** Drops every ready key (used when a controller is stopped without draining). */
  discardReady(): void {
    this.ready.clear((k) => {
      this.dirty.delete(k);
      this.addedAt.delete(k);
    });
  }

  /**
   * Shuts down and waits until no key is being processed, or until deadlineMs passes.
   * Resolves true when drained, false on deadline.
   */
  shutDownWithDrain(deadlineMs: number): Promise<boolean> {
    this.shutDown();
    return new Promise((resolve) => {
      const check = (): boolean => this.processing.size === 0 && this.len() === 0;
      if (check()) {
        this.close();
        resolve(true);
        return;
      }
      let settled = false;
      const timer = this.clock.setTimer(() => {
        if (settled) return;
        settled = true;
        this.close();
        resolve(false);
      }, deadlineMs);
      const onIdle = (): void => {
        if (settled) return;
        if (!check()) {
          this.drainWaiters.push(onIdle);
          return;
        }
        settled = true;
        timer.cancel();
        this.close();
        resolve(true);
      };
      this.drainWaiters.push(onIdle);
    });
  }

  /** Releases the metrics series of a queue that is gone for good. */
  close(): void {
    if (!this.metricsOn) return;
    unregisterInFlight(this); // its depth / in-flight series disappear at the next scrape
  }

  inFlightSeconds(): [number, number] {
    const now = this.clock.now();
    let sum = 0;
    let longest = 0;
    for (const started of this.processing.values()) {
      const s = (now - started) / 1000;
      sum += s;
      longest = Math.max(longest, s);
    }
    return [sum, longest];
  }

  private pushReady(item: T): void {
    this.ready.push(item);
    this.addedAt.set(item, this.clock.now());
    this.wakeGetters();
  }

  private wakeGetters(): void {
    while (this.getters.length > 0) {
      const r = this.tryGet();
      if (!r) return;
      const g = this.getters.shift() as (r: GetResult<T>) => void;
      g(r);
    }
  }

  // ---- delayed keys -------------------------------------------------------------------------

  private armTimer(): void {
    this.pruneHeap();
    const next = this.heap[0];
    if (!next) {
      this.timer?.cancel();
      this.timer = undefined;
      this.timerAt = Infinity;
      return;
    }
    if (this.timer && this.timerAt <= next.readyAt) return;
    this.timer?.cancel();
    this.timerAt = next.readyAt;
    this.timer = this.clock.setTimer(() => this.onTimer(), next.readyAt - this.clock.now());
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.clock.now();
    for (;;) {
      this.pruneHeap();
      const next = this.heap[0];
      if (!next || next.readyAt > now) break;
      this.heapPop();
      this.waiting.delete(next.item);
      this.add(next.item);
    }
    this.armTimer();
  }

  /** Drops heap entries that no longer match the key's current ready time (superseded or added). */
  private pruneHeap(): void {
    for (;;) {
      const top = this.heap[0];
      if (!top || this.waiting.get(top.item) === top.readyAt) return;
      this.heapPop();
    }
  }

  private heapPush(e: Delayed<T>): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if ((h[p] as Delayed<T>).readyAt <= e.readyAt) break;
      h[i] = h[p] as Delayed<T>;
      i = p;
    }
    h[i] = e;
  }

  private heapPop(): Delayed<T> | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        let mv = last.readyAt;
        if (l < h.length && (h[l] as Delayed<T>).readyAt < mv) {
          m = l;
          mv = (h[l] as Delayed<T>).readyAt;
        }
        if (r < h.length && (h[r] as Delayed<T>).readyAt < mv) m = r;
        if (m === i) break;
        h[i] = h[m] as Delayed<T>;
        i = m;
      }
      h[i] = last;
    }
    return top;
  }
}
