import { realClock, type Clock } from './clock.js';
import { silentLogger, type Logger } from './log.js';
import { counter, gauge, histogram } from './metrics.js';
import type { RateLimiter } from './ratelimiter.js';
import {
  isTerminalError,
  parseRequestKey,
  requestKey,
  type ReconcileContext,
  type Reconciler,
  type Request,
} from './reconciler.js';
import { WorkQueue } from './workqueue.js';

// controller-runtime's reconcile-time buckets.
const reconcileBuckets = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25,
  1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];

const controllerMetrics = {
  total: counter<'controller' | 'result'>(
    'controller_runtime_reconcile_total',
    'Total number of reconciliations per controller',
    ['controller', 'result'],
  ),
  errors: counter<'controller'>(
    'controller_runtime_reconcile_errors_total',
    'Total number of reconciliation errors per controller',
    ['controller'],
  ),
  terminal: counter<'controller'>(
    'controller_runtime_terminal_reconcile_errors_total',
    'Total number of terminal reconciliation errors per controller',
    ['controller'],
  ),
  time: histogram<'controller'>(
    'controller_runtime_reconcile_time_seconds',
    'Length of time per reconciliation per controller',
    ['controller'],
    reconcileBuckets,
  ),
  maxConcurrent: gauge<'controller'>(
    'controller_runtime_max_concurrent_reconciles',
    'Maximum number of concurrent reconciles per controller',
    ['controller'],
  ),
  active: gauge<'controller'>(
    'controller_runtime_active_workers',
    'Number of currently used workers per controller',
    ['controller'],
  ),
};

export interface ControllerOptions {
  /** Controller name: metric label `controller`, queue name, logger name. */
  name: string;
  reconciler: Reconciler;
  /** Number of concurrent workers (controller-runtime MaxConcurrentReconciles); default 1. */
  workers?: number;
  clock?: Clock;
  rateLimiter?: RateLimiter<string>;
  log?: Logger;
  /** Whether the manager starts this controller only on the leader; default true. */
  needLeaderElection?: boolean;
  /** How long the manager lets in-flight reconciles finish when it stops this controller (default: its own). */
  stopDeadlineMs?: number;
  /**
   * Which requests this controller handles (e.g. those of the shards this replica owns): others are
   * not enqueued, and a queued one that no longer passes when its turn comes is dropped without a
   * reconcile or requeue. Default: all.
   */
  requestFilter?: (req: Request) => boolean;
  /**
   * The tenant of a queue key (e.g. requestKeyCluster: per logical cluster). With it the queue hands
   * out ready keys round robin over tenants, FIFO within one (workqueue.ts); without it, one FIFO.
   */
  fairnessKey?: (key: string) => string;
}

export interface StopOptions {
  /** Process keys already ready before stopping (default false: they are dropped). */
  drain?: boolean;
  /** How long to wait for in-flight reconciles before aborting their signal; default 30 s. */
  deadlineMs?: number;
}

/**
 * Runs a Reconciler with N workers over a WorkQueue. The worker loop below is the only place retry
 * policy lives: error → addRateLimited; TerminalError → forget and count; success → forget, and
 * addAfter when the result asks for a requeue.
 */
export class Controller {
  readonly name: string;
  readonly queue: WorkQueue<string>;
  readonly needLeaderElection: boolean;
  readonly stopDeadlineMs: number | undefined;
  private readonly reconciler: Reconciler;
  private readonly workers: number;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly abort = new AbortController();
  private started = false;
  private stopped = false;
  private workerDone: Promise<void>[] = [];
  private readonly requestFilter: ((req: Request) => boolean) | undefined;
  /** Requests being reconciled, by key, and who waits for some of them to finish. */
  private readonly inFlight = new Map<string, Request>();
  private inFlightWaiters: { match: (req: Request) => boolean; resolve: () => void }[] = [];

  constructor(opts: ControllerOptions) {
    this.name = opts.name;
    this.reconciler = opts.reconciler;
    this.workers = Math.max(1, opts.workers ?? 1);
    this.clock = opts.clock ?? realClock;
    this.log = (opts.log ?? silentLogger()).child({ logger: opts.name, controller: opts.name });
    this.needLeaderElection = opts.needLeaderElection ?? true;
    this.stopDeadlineMs = opts.stopDeadlineMs;
    this.requestFilter = opts.requestFilter;
    this.queue = new WorkQueue<string>({
      name: opts.name,
      clock: this.clock,
      ...(opts.rateLimiter ? { rateLimiter: opts.rateLimiter } : {}),
      ...(opts.fairnessKey ? { fairnessKey: opts.fairnessKey } : {}),
    });
    for (const result of ['success', 'error', 'requeue', 'requeue_after']) {
      controllerMetrics.total.inc({ controller: this.name, result }, 0);
    }
    controllerMetrics.errors.inc({ controller: this.name }, 0);
    controllerMetrics.terminal.inc({ controller: this.name }, 0);
  }

  enqueue(req: Request): void {
    if (this.requestFilter && !this.requestFilter(req)) return;
    this.queue.add(requestKey(req));
  }

  enqueueAfter(req: Request, delayMs: number): void {
    if (this.requestFilter && !this.requestFilter(req)) return;
    this.queue.addAfter(requestKey(req), delayMs);
  }

  /** Enqueues an informer cache key (`cluster|namespace/name`, the same format as request keys). */
  enqueueKey(key: string): void {
    if (this.requestFilter && !this.requestFilter(parseRequestKey(key))) return;
    this.queue.add(key);
  }

  /** Resolves once no reconcile of a request matching match is running (at once when none is). */
  waitForInFlight(match: (req: Request) => boolean): Promise<void> {
    if (![...this.inFlight.values()].some(match)) return Promise.resolve();
    return new Promise((resolve) => this.inFlightWaiters.push({ match, resolve }));
  }

  isStarted(): boolean {
    return this.started && !this.stopped;
  }

  /** Starts the workers; resolves immediately (call stop() to end them). Starting twice is an error. */
  start(): void {
    if (this.started) throw new Error(`controller ${this.name} was already started`);
    this.started = true;
    controllerMetrics.maxConcurrent.set({ controller: this.name }, this.workers);
    // Added to, never set: a controller still draining under the same name keeps its share.
    controllerMetrics.active.inc({ controller: this.name }, 0);
    this.log.info({ workers: this.workers }, 'Starting workers');
    for (let i = 0; i < this.workers; i++) this.workerDone.push(this.workerLoop());
  }

  /**
   * Stops the controller: no new keys are accepted; ready keys are dropped unless drain is set;
   * in-flight reconciles get deadlineMs to finish before their AbortSignal fires. Resolves when every
   * worker has returned.
   */
  async stop(opts: StopOptions = {}): Promise<void> {
    if (this.stopped) {
      await Promise.all(this.workerDone);
      return;
    }
    this.stopped = true;
    if (!opts.drain) this.queue.discardReady();
    const drained = await this.queue.shutDownWithDrain(opts.deadlineMs ?? 30_000);
    if (!drained) {
      this.log.info('Shutdown deadline passed, aborting in-flight reconciles');
      this.abort.abort(new Error(`controller ${this.name} stopped`));
    }
    await Promise.all(this.workerDone);
    this.queue.close();
    this.log.info('All workers finished');
  }

  private async workerLoop(): Promise<void> {
    for (;;) {
      const next = await this.queue.get();
      if (next.shutdown) return;
      if (this.stopped && this.abort.signal.aborted) {
        this.queue.done(next.item);
        continue;
      }
      await this.processItem(next.item);
    }
  }

  /** One reconcile of one key, with the retry policy. Never throws. */
  private async processItem(key: string): Promise<void> {
    const req = parseRequestKey(key);
    if (this.requestFilter && !this.requestFilter(req)) {
      // e.g. a shard revoked while the key waited: someone else handles it now
      this.queue.forget(key);
      this.queue.done(key);
      return;
    }
    this.inFlight.set(key, req);
    // The per-request child logger is created only when used (pino children cost more than a reconcile).
    let childLog: Logger | undefined;
    const parent = this.log;
    const ctx: ReconcileContext = {
      signal: this.abort.signal,
      get log(): Logger {
        return (childLog ??= parent.child({
          cluster: req.cluster,
          namespace: req.namespace,
          name: req.name,
        }));
      },
    };
    const labels = { controller: this.name };
    const start = this.clock.now();
    controllerMetrics.active.inc(labels);
    try {
      const result = await this.reconciler.reconcile(req, ctx);
      const after = result?.requeueAfterMs ?? 0;
      this.queue.forget(key);
      if (after > 0) {
        this.queue.addAfter(key, after);
        controllerMetrics.total.inc({ ...labels, result: 'requeue_after' });
      } else {
        controllerMetrics.total.inc({ ...labels, result: 'success' });
      }
    } catch (err) {
      controllerMetrics.errors.inc(labels);
      controllerMetrics.total.inc({ ...labels, result: 'error' });
      if (isTerminalError(err)) {
        controllerMetrics.terminal.inc(labels);
        this.queue.forget(key);
        ctx.log.error({ err }, 'Reconciler error (terminal, not retried)');
      } else {
        this.queue.addRateLimited(key);
        ctx.log.error({ err, requeues: this.queue.numRequeues(key) }, 'Reconciler error');
      }
    } finally {
      controllerMetrics.time.observe(labels, (this.clock.now() - start) / 1000);
      controllerMetrics.active.dec(labels);
      this.inFlight.delete(key);
      this.queue.done(key);
      this.notifyInFlightWaiters();
    }
  }

  private notifyInFlightWaiters(): void {
    if (this.inFlightWaiters.length === 0) return;
    const running = [...this.inFlight.values()];
    this.inFlightWaiters = this.inFlightWaiters.filter((w) => {
      if (running.some(w.match)) return true;
      w.resolve();
      return false;
    });
  }
}
