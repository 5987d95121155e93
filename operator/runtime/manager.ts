import type { Syncable, WatchDescription } from './builder.js';
import { realClock, type Clock } from './clock.js';
import type { RestClient } from './client/rest.js';
import type { GVR } from './client/paths.js';
import type { KubeObject, ObjectWithMeta } from './client/types.js';
import type { Controller } from './controller.js';
import { startHealthServer, startMetricsServer, type Check, type RunningServer } from './httpserver.js';
import { Informer, type AnyInformer, type InformerOptions } from './informer.js';
import { LeaderElector } from './leaderelection.js';
import { silentLogger, type Logger } from './log.js';

/** Something the manager starts and stops: a controller, a periodic task, a server. */
export interface Runnable {
  /** Starts the work; may resolve at once (background work) or when the runnable ends. */
  start(signal: AbortSignal): void | Promise<void>;
  stop?(): Promise<void>;
  /** Only run on the elected leader; default true. */
  needLeaderElection?: boolean;
}

export interface ManagerOptions {
  /** The default client (the cluster the manager's leader election and default informers use). */
  client: RestClient;
  log?: Logger;
  clock?: Clock;
  /** "host:port"; "0" or "" disables. */
  metricsAddress?: string;
  healthAddress?: string;
  leaderElection?: {
    enabled: boolean;
    namespace: string;
    /** Lease name (the agent uses `syncagent.<agentName>`). */
    name: string;
    client?: RestClient;
    identity?: string;
    leaseDurationMs?: number;
    renewDeadlineMs?: number;
    retryPeriodMs?: number;
    releaseOnCancel?: boolean;
  };
  /** Called when leadership is lost; default: log and exit the process with code 1 (like upstream). */
  onLeadershipLost?: () => void;
  /** How long graceful shutdown waits for in-flight reconciles; default 30 s. */
  gracefulShutdownMs?: number;
  /** How long start() waits for caches to sync before failing; default 2 min. */
  cacheSyncTimeoutMs?: number;
}

export type SharedInformerOptions<T extends ObjectWithMeta = KubeObject> = Omit<
  InformerOptions<T>,
  'client' | 'clock' | 'log'
> & {
  client?: RestClient;
};

/** How a controller is hooked up; controllerManagedBy (builder.ts) fills it in. */
export interface ControllerRegistration {
  /** What the controller watches and reads, for listings. */
  watches?: WatchDescription[];
  /** Caches whose initial list must be complete before the workers start. */
  waitFor?: Syncable[];
  /** Ends the controller's event subscriptions (on removeController). */
  stopWatching?: () => void;
}

/** One registered controller, as listed by Manager.describeControllers. */
export interface ControllerDescription {
  name: string;
  running: boolean;
  watches: WatchDescription[];
}

interface ControllerEntry {
  controller: Controller;
  registration: ControllerRegistration;
}

/**
 * Owns shared informers, controllers and other runnables; serves /metrics, /healthz and /readyz;
 * runs leader election. start() order: servers → informers (all replicas) → wait for cache sync →
 * leader election → leader-only runnables and controllers. Controllers can also be added and stopped
 * while running (dynamic controllers, e.g. one per object of some configuration type), each under its
 * own name.
 */
export class Manager {
  readonly client: RestClient;
  readonly log: Logger;
  private readonly clock: Clock;
  private readonly informers = new Map<
    string,
    { informer: AnyInformer; refs: number; indexerNames: Set<string> }
  >();
  private readonly controllers = new Set<ControllerEntry>();
  private readonly runnables: Runnable[] = [];
  private readonly healthz = new Map<string, Check>();
  private readonly readyz = new Map<string, Check>();
  private readonly abort = new AbortController();
  private elector: LeaderElector | undefined;
  private servers: RunningServer[] = [];
  private started = false;
  private leading = false;
  private stopping: Promise<void> | undefined;
  private stoppedResolve: (() => void) | undefined;
  metricsServerAddress: string | undefined;
  healthServerAddress: string | undefined;

  private readonly opts: ManagerOptions;

  constructor(opts: ManagerOptions) {
    this.opts = opts;
    this.client = opts.client;
    this.log = (opts.log ?? silentLogger()).child({ logger: 'manager' });
    this.clock = opts.clock ?? realClock;
    this.healthz.set('ping', () => undefined);
    this.readyz.set('ping', () => undefined);
    this.healthz.set('informers', () => {
      const bad = [...this.informers.values()].map((e) => e.informer.health()).filter((h) => !h.ok);
      return bad.map((h) => h.message).join('; ');
    });
    this.readyz.set('informers-synced', () => {
      const pending = [...this.informers.values()].filter(
        (e) => e.informer.isRunning() && !e.informer.hasSynced(),
      );
      return pending.length > 0
        ? `${pending.length} informer(s) not synced: ${pending.map((e) => e.informer.name).join(', ')}`
        : '';
    });
    const le = opts.leaderElection;
    if (le?.enabled) {
      this.elector = new LeaderElector({
        client: le.client ?? opts.client,
        namespace: le.namespace,
        name: le.name,
        clock: this.clock,
        log: opts.log ?? silentLogger(),
        ...(le.identity ? { identity: le.identity } : {}),
        ...(le.leaseDurationMs ? { leaseDurationMs: le.leaseDurationMs } : {}),
        ...(le.renewDeadlineMs ? { renewDeadlineMs: le.renewDeadlineMs } : {}),
        ...(le.retryPeriodMs ? { retryPeriodMs: le.retryPeriodMs } : {}),
        ...(le.releaseOnCancel ? { releaseOnCancel: true } : {}),
      });
      this.healthz.set('leader-election', () => {
        const h = this.elector?.health();
        return h && !h.ok ? h.message : '';
      });
    } else {
      this.leading = true;
    }
  }

  addHealthzCheck(name: string, check: Check): void {
    this.healthz.set(name, check);
  }

  addReadyzCheck(name: string, check: Check): void {
    this.readyz.set(name, check);
  }

  isLeader(): boolean {
    return this.leading;
  }

  get identity(): string | undefined {
    return this.elector?.identity;
  }

  /**
   * A shared informer: the same client base URL, GVR, namespace and selectors return the same
   * instance (reference-counted; call releaseInformer when done). Started right away when the
   * manager is running. T is the caller's word for what the resource's objects are (the manager
   * checks nothing): users sharing an informer share its objects.
   */
  informer<T extends ObjectWithMeta = KubeObject>(o: SharedInformerOptions<T>): Informer<T> {
    const client = o.client ?? this.client;
    const key = informerKey(
      client.baseUrl,
      o.gvr,
      o.namespace,
      o.labelSelector,
      o.fieldSelector,
      transformId(o.transform),
      transformId(o.clusterOf),
      transformId(o.filter),
    );
    const existing = this.informers.get(key);
    if (existing) {
      // a second user's indexes are added to the shared cache (same name = same index)
      for (const [name, fn] of Object.entries(o.indexers ?? {}))
        if (!existing.indexerNames.has(name)) {
          existing.informer.addIndexer(name, fn);
          existing.indexerNames.add(name);
        }
      existing.refs++;
      return existing.informer;
    }
    const informer = new Informer<T>({
      ...o,
      client,
      clock: this.clock,
      log: this.opts.log ?? silentLogger(),
    });
    this.informers.set(key, { informer, refs: 1, indexerNames: new Set(Object.keys(o.indexers ?? {})) });
    if (this.started) informer.start();
    return informer;
  }

  /** Drops one reference; the informer stops when nobody uses it any more. */
  async releaseInformer(informer: AnyInformer): Promise<void> {
    for (const [key, e] of this.informers) {
      if (e.informer !== informer) continue;
      if (--e.refs > 0) return;
      this.informers.delete(key);
      await informer.stop();
      return;
    }
  }

  add(r: Runnable): void {
    this.runnables.push(r);
    if (this.started && (this.leading || r.needLeaderElection === false)) void r.start(this.abort.signal);
  }

  /**
   * Adds a controller that starts (on the leader) once the caches it waits for are synced. Works
   * before and after start(). Controllers are put together with controllerManagedBy (builder.ts),
   * which calls this; names are unique among the registered controllers (they label the metrics).
   */
  addController(controller: Controller, registration: ControllerRegistration = {}): void {
    for (const e of this.controllers)
      if (e.controller.name === controller.name)
        throw new Error(`a controller named ${controller.name} is already registered`);
    const entry = { controller, registration };
    this.controllers.add(entry);
    if (this.started && !this.stopping) void this.startController(entry);
  }

  /**
   * Stops one controller at runtime: its subscriptions end, its queue shuts down and in-flight
   * reconciles get the deadline (the controller's stopDeadlineMs, else the graceful-shutdown time).
   */
  async removeController(controller: Controller): Promise<void> {
    for (const e of this.controllers) {
      if (e.controller !== controller) continue;
      this.controllers.delete(e);
      e.registration.stopWatching?.();
      await controller.stop({ deadlineMs: this.stopDeadline(controller) });
    }
  }

  /** The registered controllers with what each watches (for health/debug output and tests). */
  describeControllers(): ControllerDescription[] {
    return [...this.controllers]
      .map((e) => ({
        name: e.controller.name,
        running: e.controller.isStarted(),
        watches: [...(e.registration.watches ?? [])],
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  private stopDeadline(controller: Controller): number {
    return controller.stopDeadlineMs ?? this.opts.gracefulShutdownMs ?? 30_000;
  }

  private async startController(e: ControllerEntry): Promise<void> {
    if (e.controller.needLeaderElection && !this.leading) return; // started when we become leader
    if (e.controller.isStarted()) return;
    try {
      await this.waitForSync(e.registration.waitFor ?? []);
    } catch (err) {
      if (!this.abort.signal.aborted)
        this.log.error(
          { err: String(err), controller: e.controller.name },
          'Caches did not sync, controller not started',
        );
      return;
    }
    if (!this.controllers.has(e) || this.stopping || e.controller.isStarted()) return;
    e.controller.start();
  }

  private waitForSync(caches: Syncable[]): Promise<void> {
    const timeout = this.opts.cacheSyncTimeoutMs ?? 120_000;
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(timeout)]);
    return Promise.all(caches.map((c) => c.waitForSync(signal))).then(() => undefined);
  }

  /** Starts everything; resolves when the manager has stopped (stop(), a signal, or lost leadership). */
  async start(): Promise<void> {
    if (this.started) throw new Error('manager already started');
    this.started = true;
    const stopped = new Promise<void>((r) => (this.stoppedResolve = r));
    // Runtime timers are unref'd; this keeps the process alive while the manager runs, e.g. while a
    // standby replica waits for the Lease with no server and no open watch.
    const keepAlive = setInterval(() => undefined, 60_000);
    void stopped.then(() => clearInterval(keepAlive));
    const metrics = await startMetricsServer(this.opts.metricsAddress ?? '0');
    if (metrics) {
      this.servers.push(metrics);
      this.metricsServerAddress = metrics.address;
      this.log.info({ address: metrics.address }, 'Serving metrics');
    }
    const health = await startHealthServer(this.opts.healthAddress ?? '0', this.healthz, this.readyz);
    if (health) {
      this.servers.push(health);
      this.healthServerAddress = health.address;
      this.log.info({ address: health.address }, 'Serving health probes');
    }
    for (const { informer } of this.informers.values()) informer.start();
    for (const r of this.runnables) if (r.needLeaderElection === false) void r.start(this.abort.signal);
    // Controllers that run on every replica start now; the others when this replica leads.
    for (const e of this.controllers) if (!e.controller.needLeaderElection) void this.startController(e);
    if (this.elector) {
      void this.elector.run(this.abort.signal, {
        onStartedLeading: () => {
          this.leading = true;
          this.startLeaderWork();
        },
        onStoppedLeading: () => {
          this.leading = false;
          this.log.error('Leader election lost');
          if (this.opts.onLeadershipLost) this.opts.onLeadershipLost();
          else process.exit(1);
        },
      });
    } else {
      this.startLeaderWork();
    }
    await stopped;
  }

  private startLeaderWork(): void {
    for (const r of this.runnables) if (r.needLeaderElection !== false) void r.start(this.abort.signal);
    // Controllers that need no leadership were started with the manager.
    for (const e of this.controllers) if (e.controller.needLeaderElection) void this.startController(e);
  }

  /** Installs SIGTERM/SIGINT handlers that stop the manager gracefully (a second signal exits at once). */
  handleSignals(): void {
    let count = 0;
    const onSignal = (sig: string): void => {
      if (++count > 1) process.exit(1);
      this.log.info({ signal: sig }, 'Shutting down');
      void this.stop().then(() => process.exit(0));
    };
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    process.on('SIGINT', () => onSignal('SIGINT'));
  }

  /** Graceful shutdown: stop controllers (in-flight reconciles get the deadline), runnables, informers, servers. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.all(
        [...this.controllers].map((e) => e.controller.stop({ deadlineMs: this.stopDeadline(e.controller) })),
      );
      await Promise.all(this.runnables.map((r) => r.stop?.()));
      this.abort.abort(new Error('manager stopped'));
      await Promise.all([...this.informers.values()].map((e) => e.informer.stop()));
      await Promise.all(this.servers.map((s) => s.close()));
      this.servers = [];
      this.stoppedResolve?.();
    })();
    return this.stopping;
  }
}

function informerKey(
  base: string,
  gvr: GVR,
  ns: string | undefined,
  labels: string | undefined,
  fields: string | undefined,
  transform: number,
  clusterOf: number,
  filter: number,
): string {
  return JSON.stringify([
    base,
    gvr.group,
    gvr.version,
    gvr.resource,
    ns ?? '',
    labels ?? '',
    fields ?? '',
    transform,
    clusterOf,
    filter,
  ]);
}

/** Informers that transform or key objects differently cannot be shared: those functions are part of the key. */
const transformIds = new WeakMap<object, number>();
let lastTransformId = 0;
function transformId(fn: object | undefined): number {
  if (!fn) return 0;
  let id = transformIds.get(fn);
  if (id === undefined) transformIds.set(fn, (id = ++lastTransformId));
  return id;
}
