import { realClock, sleep, type Clock } from './clock.js';
import { isGone } from './client/errors.js';
import { gvrString, type GVR } from './client/paths.js';
import type { RestClient } from './client/rest.js';
import type { KubeObject, ObjectWithMeta } from './client/types.js';
import { cacheReader, noCluster, objectKey, type CacheReader, type ClusterOf } from './cache.js';
import { Indexer, type IndexFunc } from './indexer.js';
import { silentLogger, type Logger } from './log.js';
import { compareResourceVersions, isNewerResourceVersion } from './resource-version.js';

export interface EventHandler<T extends ObjectWithMeta = KubeObject> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  /** obj is the last state the cache knew (after a relist, possibly older than the real final state). */
  onDelete?(obj: T): void;
}

export interface InformerOptions<T extends ObjectWithMeta = KubeObject> {
  client: RestClient;
  gvr: GVR;
  /** Restrict to one namespace ("" or omitted: all namespaces / cluster-scoped). */
  namespace?: string;
  labelSelector?: string;
  /** e.g. `metadata.name=foo` (kcp permission claims often allow watching one object by name only). */
  fieldSelector?: string;
  /** Applied to every object before it is cached and handed to handlers (e.g. dropManagedFields). */
  transform?: (obj: T) => T;
  /**
   * Which objects this informer keeps (e.g. those of the shards this replica owns): objects failing it
   * are neither cached nor handed to handlers. When its answer changes, call refilter(). Applied after
   * the transform.
   */
  filter?: (obj: T) => boolean;
  /** The logical cluster of an object, part of its cache key; default: none (""). */
  clusterOf?: ClusterOf;
  indexers?: Record<string, IndexFunc<T>>;
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
export function dropManagedFields<T extends ObjectWithMeta>(obj: T): T {
  if (obj.metadata && 'managedFields' in obj.metadata) delete obj.metadata.managedFields;
  return obj;
}

/**
 * An informer of any object type, for code that only starts, stops, waits for or counts informers
 * (the manager): it never looks at the objects.
 */
export type AnyInformer = Informer<any>;

export interface InformerHealth {
  ok: boolean;
  message: string;
}

/**
 * List-then-watch informer with a cluster-aware cache (keys `cluster|namespace/name`, the cluster found
 * by the injected clusterOf). It requests watch bookmarks, re-watches from the last seen
 * resourceVersion when a watch ends or fails, relists on 410 Gone and emits the difference (adds,
 * updates, deletes of objects that vanished), and retries with exponential backoff forever: it never
 * stops silently (failures are logged and reported by health()).
 *
 * The cache is the informer's own: readers use `reader`; a controller that wrote an object tells the
 * cache what the server returned with assume() / assumeDeleted() (write-through), so the reconcile its
 * own write triggers does not read the state from before it. The newer resourceVersion wins:
 *
 * - A watch event older than the cached object (a late event overtaken by an assumed write) does not
 *   replace it; an event as new or newer does. An event for a key removed by assumeDeleted() is
 *   ignored unless it is newer than what was deleted (a re-creation, or the object still terminating).
 * - resourceVersions are compared as integers when both are decimal (Kubernetes and kcp); otherwise
 *   they cannot be ordered and the watch wins, as without assumptions.
 * - Handlers are not called by assume() / assumeDeleted(). They still get every watch event, even one
 *   the cache ignores (the old object they are handed is the cached one), so a controller reconciles
 *   exactly as often as without write-through.
 * - An assumption never outlives the watch: the watch delivers every change after the resourceVersion
 *   it starts from, so an assumed write is confirmed or replaced by its own event. A relist keeps only
 *   assumptions newer than the list (the watch that follows starts at the list's resourceVersion and
 *   will deliver their events) without telling handlers about them; everything else is reconciled to
 *   the list. Deletion marks are dropped once a bookmark or relist has passed their resourceVersion.
 */
export class Informer<T extends ObjectWithMeta = KubeObject> {
  private readonly store: Indexer<T>;
  readonly reader: CacheReader<T>;
  readonly name: string;
  /** How this informer finds an object's logical cluster (its cache keys; the builder's requests). */
  readonly clusterOf: ClusterOf;
  /** Keys removed by assumeDeleted → the resourceVersion the object had (later events are not stale). */
  private readonly deleted = new Map<string, string | undefined>();
  private readonly handlers = new Set<EventHandler<T>>();
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
  /** refilter() asked for a relist; resolved by the next completed one. */
  private relistWaiters: (() => void)[] | undefined;

  private readonly opts: InformerOptions<T>;

  constructor(opts: InformerOptions<T>) {
    this.opts = opts;
    this.clusterOf = opts.clusterOf ?? noCluster;
    this.store = new Indexer<T>(opts.indexers ?? {});
    this.reader = cacheReader(this.store, () => this.synced, this.clusterOf);
    this.clock = opts.clock ?? realClock;
    const sel = [opts.labelSelector, opts.fieldSelector].filter(Boolean).join(';');
    this.name = `${gvrString(opts.gvr)}${opts.namespace ? ` ns=${opts.namespace}` : ''}${sel ? ` [${sel}]` : ''}`;
    this.log = (opts.log ?? silentLogger()).child({ logger: 'informer', informer: this.name });
  }

  /**
   * Registers handlers. When registered after the initial list, onAdd is called at once for every
   * cached object (like client-go), so late handlers see the full state. Returns an unregister function.
   */
  addEventHandler(h: EventHandler<T>): () => void {
    this.handlers.add(h);
    if (this.synced && h.onAdd) for (const obj of this.store.list()) this.safe(() => h.onAdd?.(obj));
    return () => this.handlers.delete(h);
  }

  addIndexer(name: string, fn: IndexFunc<T>): void {
    this.store.addIndexer(name, fn);
  }

  /** The cache key of an object (the same string as its request's queue key). */
  keyOf(obj: ObjectWithMeta): string {
    return objectKey(obj, this.clusterOf);
  }

  /**
   * Write-through after a successful create/update: caches what the server returned, unless the cache
   * already holds a newer resourceVersion. Handlers are not called; the write's own watch event follows.
   * The object is owned by the cache from now on (the transform is applied to it): do not mutate it.
   */
  assume(obj: T): void {
    const o = this.transform(obj);
    if (!this.passes(o)) return;
    const key = this.keyOf(o);
    const cached = this.store.get(key);
    if (cached && isNewerResourceVersion(rv(cached), rv(o))) return;
    this.deleted.delete(key);
    this.store.set(key, o);
  }

  /**
   * Write-through after a successful delete: removes the object (its last known state, e.g. the cached
   * one) from the cache; later events no newer than it are ignored. Handlers are not called.
   */
  assumeDeleted(obj: ObjectWithMeta): void {
    const key = this.keyOf(obj);
    const cached = this.store.get(key);
    const last = cached && isNewerResourceVersion(rv(cached), rv(obj)) ? rv(cached) : rv(obj);
    this.store.delete(key);
    this.deleted.set(key, last);
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
        if (needList || this.relistWaiters) {
          // those who asked before this list started are served by it (on failure it is retried)
          const asked = this.relistWaiters?.length ?? 0;
          await this.listAndReplace(signal);
          needList = false;
          const served = this.relistWaiters?.splice(0, asked) ?? [];
          if (this.relistWaiters?.length === 0) this.relistWaiters = undefined;
          for (const w of served) w();
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
    this.replace((list.items ?? []).map(fromWire<T>), list.metadata?.resourceVersion ?? '');
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

  /**
   * Replaces the cache with a fresh list taken at listResourceVersion, emitting adds, updates (changed
   * resourceVersion) and deletes. Assumptions newer than the list are kept (see the class comment).
   */
  replace(items: T[], listResourceVersion = ''): void {
    const seen = new Set<string>();
    for (const raw of items) {
      const obj = this.transform(raw);
      if (!this.passes(obj)) continue;
      const key = this.keyOf(obj);
      seen.add(key);
      if (this.isStale(key, obj)) continue;
      this.deleted.delete(key);
      const old = this.store.set(key, obj);
      if (!old) this.emit((h) => h.onAdd?.(obj));
      else if (rv(old) !== rv(obj)) this.emit((h) => h.onUpdate?.(old, obj));
    }
    for (const [key, cached] of [...this.store.entries()]) {
      if (seen.has(key)) continue;
      if (!this.passes(cached)) {
        this.store.delete(key); // filtered out, not deleted: no delete event
        continue;
      }
      if (isNewerResourceVersion(rv(cached), listResourceVersion)) continue;
      this.store.delete(key);
      this.emit((h) => h.onDelete?.(cached));
    }
    this.forgetDeletedUpTo(listResourceVersion);
  }

  /** Applies one watch event to the cache and handlers. */
  apply(type: string, raw: KubeObject): void {
    const eventRV = raw.metadata?.resourceVersion;
    if (type === 'BOOKMARK') {
      if (eventRV) {
        this.resourceVersion = eventRV;
        this.forgetDeletedUpTo(eventRV);
      }
      return;
    }
    const obj = this.transform(fromWire<T>(raw));
    const key = this.keyOf(obj);
    if (!this.passes(obj)) {
      // not ours (any more): forget it without telling handlers, it was not deleted
      this.store.delete(key);
      this.deleted.delete(key);
      if (eventRV) this.resourceVersion = eventRV;
      return;
    }
    const cached = this.store.get(key);
    const stale = this.isStale(key, obj);
    if (!stale) this.deleted.delete(key);
    if (type === 'DELETED') {
      if (!stale) this.store.delete(key);
      this.emit((h) => h.onDelete?.(stale ? obj : (cached ?? obj)));
    } else {
      if (!stale) this.store.set(key, obj);
      if (cached) this.emit((h) => h.onUpdate?.(cached, obj));
      else this.emit((h) => h.onAdd?.(obj));
    }
    if (eventRV) this.resourceVersion = eventRV;
  }

  /** Whether obj is older than what the cache knows of its key: an assumed newer write or deletion. */
  private isStale(key: string, obj: T): boolean {
    const cached = this.store.get(key);
    if (cached) return isNewerResourceVersion(rv(cached), rv(obj));
    if (!this.deleted.has(key)) return false;
    const cmp = compareResourceVersions(this.deleted.get(key), rv(obj));
    return cmp !== undefined && cmp >= 0;
  }

  /**
   * Drops deletion marks the stream has passed: every event up to resourceVersion has been delivered
   * (a bookmark) or is reflected in a list. Marks that cannot be ordered are dropped too.
   */
  private forgetDeletedUpTo(resourceVersion: string): void {
    for (const [key, deletedAt] of this.deleted) {
      if (!isNewerResourceVersion(deletedAt, resourceVersion)) this.deleted.delete(key);
    }
  }

  /**
   * Ends the current watch so the informer re-watches at once, from fromResourceVersion when given
   * (an expired one makes the server answer 410 and forces a relist). For recovery and tests.
   */
  restartWatch(fromResourceVersion?: string): void {
    if (fromResourceVersion !== undefined) this.resourceVersion = fromResourceVersion;
    this.watchAbort?.abort(new Error('watch restarted'));
  }

  /**
   * Re-applies the filter after its answer changed: cached objects that no longer pass are dropped
   * without delete events (they still exist, they are just not ours), and a relist brings in the
   * objects that pass now, with an add event each; objects already cached and unchanged get no event.
   * Resolves once that relist is in the cache (at once when the informer is not running: its start
   * lists anyway).
   */
  refilter(opts: { relist?: boolean } = {}): Promise<void> {
    for (const [key, cached] of [...this.store.entries()]) if (!this.passes(cached)) this.store.delete(key);
    // relist: false when the filter only narrowed (nothing new can pass)
    if (!this.running || opts.relist === false) return Promise.resolve();
    return new Promise((resolve) => {
      (this.relistWaiters ??= []).push(resolve);
      this.watchAbort?.abort(new Error('relist after a filter change'));
    });
  }

  /** The resourceVersion the next watch starts from. */
  lastResourceVersion(): string {
    return this.resourceVersion;
  }

  private passes(obj: T): boolean {
    return !this.opts.filter || this.opts.filter(obj);
  }

  private transform(obj: T): T {
    return this.opts.transform ? this.opts.transform(obj) : obj;
  }

  private emit(fn: (h: EventHandler<T>) => void): void {
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

/**
 * The one place where JSON from the wire becomes a T: whoever made the informer chose T for the
 * resource it watches, and the server is trusted to send objects of that resource.
 */
function fromWire<T extends ObjectWithMeta>(raw: KubeObject): T {
  const obj: ObjectWithMeta = raw;
  return obj as T;
}

function rv(obj: ObjectWithMeta): string | undefined {
  return obj.metadata?.resourceVersion;
}
