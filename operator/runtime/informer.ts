import { realClock, sleep, type Clock } from './clock.js';
import { isGone } from './client/errors.js';
import { gvrString, type GVR } from './client/paths.js';
import type { RestClient } from './client/rest.js';
import type { KubeObject } from './client/types.js';
import { cacheReader, objectKey, type CacheReader } from './cache.js';
import { Indexer, type IndexFunc } from './indexer.js';
import { silentLogger, type Logger } from './log.js';

export interface EventHandler {
  onAdd?(obj: KubeObject): void;
  onUpdate?(oldObj: KubeObject, newObj: KubeObject): void;
  /** obj is the last state the cache knew (after a relist, possibly older than the real final state). */
  onDelete?(obj: KubeObject): void;
}

export interface InformerOptions {
  client: RestClient;
  gvr: GVR;
  /** Restrict to one namespace ("" or omitted: all namespaces / cluster-scoped). */
  namespace?: string;
  labelSelector?: string;
  /** e.g. `metadata.name=foo` (kcp permission claims often allow watching one object by name only). */
  fieldSelector?: string;
  /** Applied to every object before it is cached and handed to handlers (e.g. dropManagedFields). */
  transform?: (obj: KubeObject) => KubeObject;
  indexers?: Record<string, IndexFunc>;
  clock?: Clock;
  log?: Logger;
  /** List page size; default 500. */
  pageSize?: number;
  /** Reconnect backoff bounds (ms); defaults 800 ms .. 30 s (client-go's reflector). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** The informer is reported unhealthy when list/watch keeps failing for this long; default 60 s. */
  unhealthyAfterMs?: number;
}

/** Drops metadata.managedFields (often half of an object's size) to save cache memory. */
export function dropManagedFields(obj: KubeObject): KubeObject {
  if (obj.metadata && 'managedFields' in obj.metadata) delete obj.metadata.managedFields;
  return obj;
}

export interface InformerHealth {
  ok: boolean;
  message: string;
}

/**
 * List-then-watch informer with a cluster-aware cache (keys `cluster|namespace/name`, cluster from
 * the `kcp.io/cluster` annotation). It requests watch bookmarks, re-watches from the last seen
 * resourceVersion when a watch ends or fails, relists on 410 Gone and emits the difference (adds,
 * updates, deletes of objects that vanished), and retries with exponential backoff forever: it never
 * stops silently (failures are logged and reported by health()).
 */
export class Informer {
  readonly store: Indexer;
  readonly reader: CacheReader;
  readonly name: string;
  private readonly handlers = new Set<EventHandler>();
  private readonly clock: Clock;
  private readonly log: Logger;
  private abort = new AbortController();
  private running: Promise<void> | undefined;
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private resourceVersion = '';
  private watchAbort: AbortController | undefined;
  private failingSince: number | undefined;
  private lastError = '';
  /** Counters for tests and the benchmark. */
  readonly stats = { lists: 0, watches: 0, relistsAfterGone: 0, errors: 0 };

  private readonly opts: InformerOptions;

  constructor(opts: InformerOptions) {
    this.opts = opts;
    this.store = new Indexer(opts.indexers ?? {});
    this.reader = cacheReader(this.store, () => this.synced);
    this.clock = opts.clock ?? realClock;
    const sel = [opts.labelSelector, opts.fieldSelector].filter(Boolean).join(';');
    this.name = `${gvrString(opts.gvr)}${opts.namespace ? ` ns=${opts.namespace}` : ''}${sel ? ` [${sel}]` : ''}`;
    this.log = (opts.log ?? silentLogger()).child({ logger: 'informer', informer: this.name });
  }

  /**
   * Registers handlers. When registered after the initial list, onAdd is called at once for every
   * cached object (like client-go), so late handlers see the full state. Returns an unregister function.
   */
  addEventHandler(h: EventHandler): () => void {
    this.handlers.add(h);
    if (this.synced && h.onAdd) for (const obj of this.store.list()) this.safe(() => h.onAdd?.(obj));
    return () => this.handlers.delete(h);
  }

  addIndexer(name: string, fn: IndexFunc): void {
    this.store.addIndexer(name, fn);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once the initial list is in the cache; rejects when the signal aborts first. */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = (): void =>
        reject(signal?.reason ?? new Error(`informer ${this.name}: wait for sync aborted`));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.syncWaiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  /** OK while list/watch works or has been failing for less than unhealthyAfterMs. */
  health(): InformerHealth {
    if (
      this.failingSince !== undefined &&
      this.clock.now() - this.failingSince >= (this.opts.unhealthyAfterMs ?? 60_000)
    ) {
      return {
        ok: false,
        message: `informer ${this.name}: failing since ${new Date(this.failingSince).toISOString()}: ${this.lastError}`,
      };
    }
    return { ok: true, message: 'ok' };
  }

  isRunning(): boolean {
    return this.running !== undefined;
  }

  start(): void {
    if (this.running) return;
    this.abort = new AbortController();
    this.running = this.run(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort.abort(new Error(`informer ${this.name} stopped`));
    await this.running;
    this.running = undefined;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const min = this.opts.minBackoffMs ?? 800;
    const max = this.opts.maxBackoffMs ?? 30_000;
    let backoff = min;
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.listAndReplace(signal);
          needList = false;
        }
        this.stats.watches++;
        const watchAbort = new AbortController();
        this.watchAbort = watchAbort;
        // randomised like client-go so many watches do not reconnect at once
        const timeoutSeconds = 300 + Math.floor(Math.random() * 300);
        // The server ends the watch after timeoutSeconds; if nothing arrives well after that, the
        // connection is dead without an error (half-open TCP): give up on it and re-watch.
        const watchdog = this.clock.setTimer(
          () => watchAbort.abort(new Error('watch idle past its timeout')),
          (timeoutSeconds + 60) * 1000,
        );
        const startedAt = this.clock.now();
        let received = 0;
        try {
          const events = this.opts.client.watch(this.opts.gvr, {
            ...(this.opts.namespace ? { namespace: this.opts.namespace } : {}),
            ...(this.opts.labelSelector ? { labelSelector: this.opts.labelSelector } : {}),
            ...(this.opts.fieldSelector ? { fieldSelector: this.opts.fieldSelector } : {}),
            resourceVersion: this.resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds,
            signal: AbortSignal.any([signal, watchAbort.signal]),
          });
          for await (const ev of events) {
            received++;
            this.recovered();
            backoff = min;
            this.apply(ev.type, ev.object);
          }
        } finally {
          watchdog.cancel();
        }
        // The server closed the watch (timeout) or it was restarted: re-watch from the last
        // resourceVersion. A watch that ended at once without events is not retried in a tight loop.
        if (received === 0 && this.clock.now() - startedAt < 1000 && !watchAbort.signal.aborted) {
          await sleep(this.clock, min, signal).catch(() => undefined);
        }
      } catch (err) {
        if (signal.aborted) break;
        this.stats.errors++;
        if (isGone(err)) {
          // Our resourceVersion is too old: relist at once and emit the difference.
          this.log.info({ err: String(err) }, 'Watch expired (410 Gone), relisting');
          this.stats.relistsAfterGone++;
          needList = true;
          continue;
        }
        this.failing(err);
        this.log.error({ err: String(err), retryInMs: backoff }, 'List/watch failed, retrying');
        try {
          await sleep(this.clock, backoff * (0.5 + Math.random()), signal);
        } catch {
          break;
        }
        backoff = Math.min(max, backoff * 2);
      }
    }
  }

  private async listAndReplace(signal: AbortSignal): Promise<void> {
    this.stats.lists++;
    const list = await this.opts.client.listAll(this.opts.gvr, {
      ...(this.opts.namespace ? { namespace: this.opts.namespace } : {}),
      ...(this.opts.labelSelector ? { labelSelector: this.opts.labelSelector } : {}),
      ...(this.opts.fieldSelector ? { fieldSelector: this.opts.fieldSelector } : {}),
      limit: this.opts.pageSize ?? 500,
      signal,
    });
    this.replace(list.items ?? []);
    this.resourceVersion = list.metadata?.resourceVersion ?? '';
    this.recovered();
    if (!this.synced) {
      this.synced = true;
      const waiters = this.syncWaiters;
      this.syncWaiters = [];
      for (const w of waiters) w();
      this.log.debug({ objects: this.store.size() }, 'Cache synced');
    }
  }

  /** Replaces the cache with a fresh list, emitting adds, updates (changed resourceVersion) and deletes. */
  replace(items: KubeObject[]): void {
    const seen = new Set<string>();
    for (const raw of items) {
      const obj = this.transform(raw);
      const key = objectKey(obj);
      seen.add(key);
      const old = this.store.set(key, obj);
      if (!old) this.emit((h) => h.onAdd?.(obj));
      else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion)
        this.emit((h) => h.onUpdate?.(old, obj));
    }
    for (const key of [...this.store.keys()]) {
      if (seen.has(key)) continue;
      const old = this.store.delete(key) as KubeObject;
      this.emit((h) => h.onDelete?.(old));
    }
  }

  /** Applies one watch event to the cache and handlers. */
  apply(type: string, raw: KubeObject): void {
    const rv = raw.metadata?.resourceVersion;
    if (type === 'BOOKMARK') {
      if (rv) this.resourceVersion = rv;
      return;
    }
    const obj = this.transform(raw);
    const key = objectKey(obj);
    if (type === 'DELETED') {
      const old = this.store.delete(key);
      this.emit((h) => h.onDelete?.(old ?? obj));
    } else {
      const old = this.store.set(key, obj);
      if (old) this.emit((h) => h.onUpdate?.(old, obj));
      else this.emit((h) => h.onAdd?.(obj));
    }
    if (rv) this.resourceVersion = rv;
  }

  /**
   * Ends the current watch so the informer re-watches at once, from fromResourceVersion when given
   * (an expired one makes the server answer 410 and forces a relist). For recovery and tests.
   */
  restartWatch(fromResourceVersion?: string): void {
    if (fromResourceVersion !== undefined) this.resourceVersion = fromResourceVersion;
    this.watchAbort?.abort(new Error('watch restarted'));
  }

  /** The resourceVersion the next watch starts from. */
  lastResourceVersion(): string {
    return this.resourceVersion;
  }

  private transform(obj: KubeObject): KubeObject {
    return this.opts.transform ? this.opts.transform(obj) : obj;
  }

  private emit(fn: (h: EventHandler) => void): void {
    for (const h of this.handlers) this.safe(() => fn(h));
  }

  private safe(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err: String(err) }, 'Event handler failed');
    }
  }

  private failing(err: unknown): void {
    this.failingSince ??= this.clock.now();
    this.lastError = String(err);
  }

  private recovered(): void {
    this.failingSince = undefined;
    this.lastError = '';
  }
}
