import { noCluster, type ClusterOf } from './cache.js';
import type { KubeObject, ObjectWithMeta } from './client/types.js';
import { Controller, type ControllerOptions } from './controller.js';
import type { Manager } from './manager.js';
import type { Reconciler, Request } from './reconciler.js';

/**
 * The one way a controller is put together (in the spirit of controller-runtime's builder):
 *
 *   controllerManagedBy(manager)
 *     .named('my-controller')
 *     .for(things)                                   // a Thing event enqueues that Thing
 *     .owns(parts, { apiGroup: 'example.com', kind: 'Thing' })   // a Part enqueues its controller owner
 *     .watches(others, (o) => [ ...requests ])       // anything else, mapped to requests
 *     .reads(settings)                               // read, not watched: synced before the start
 *     .withOptions({ workers: 4 })
 *     .complete(new ThingReconciler(...));
 *
 * complete() subscribes every watch, registers the controller with the manager (which starts it on
 * the leader once every watched and read cache is synced, also when the manager is already running)
 * and records what it watches, so the manager can list it (Manager.describeControllers). A controller
 * added this way is stopped with Manager.removeController, which also ends its subscriptions.
 */
export function controllerManagedBy(manager: Manager): ControllerBuilder {
  return new ControllerBuilder(manager);
}

/** What delivers object events: an Informer, or anything shaped like one (e.g. a set of informers). */
export interface EventSource<T = KubeObject> {
  /** Shown in controller listings when the watch gives no description (an Informer's name). */
  readonly name?: string;
  /** The logical cluster of an object, as the source's cache keys it (an Informer's; default: none). */
  readonly clusterOf?: ClusterOf;
  /** Returns a function that unregisters the handler, when the source can do that. */
  addEventHandler(handler: ObjectHandler<T>): (() => void) | void;
  waitForSync?(signal?: AbortSignal): Promise<void>;
}

export interface ObjectHandler<T> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
}

/**
 * A source that is not an object cache (controller-runtime's source.Source): it is handed the
 * controller's enqueue function when the controller is registered and returns how to stop.
 */
export interface Source {
  readonly description: string;
  start(enqueue: (req: Request) => void): (() => void) | void;
  waitForSync?(signal?: AbortSignal): Promise<void>;
}

/** A cache whose initial list must be complete before the controller starts. */
export interface Syncable {
  readonly name?: string;
  waitForSync(signal?: AbortSignal): Promise<void>;
}

/** Which events pass; a missing function lets its events through. Several predicates must all pass. */
export interface Predicate<T = KubeObject> {
  create?(obj: T): boolean;
  update?(oldObj: T, newObj: T): boolean;
  delete?(obj: T): boolean;
}

/** Maps an object to the requests it concerns; on an update, the new object is mapped. */
export type MapFunc<T = KubeObject> = (obj: T) => Request[];

export interface SourceOptions<T = KubeObject> {
  predicates?: Predicate<T>[];
  /** The source as listed (default: its name). */
  description?: string;
  /**
   * Whether the controller waits for this source's initial list before it starts (default: yes when
   * the source can tell). Off for sources the reconciler checks itself.
   */
  waitForSync?: boolean;
}

export interface OwnerType {
  /** The owner's API group ("" for the core group). */
  apiGroup: string;
  kind: string;
  /** Cluster-scoped owners are enqueued without a namespace; default: namespaced. */
  clusterScoped?: boolean;
}

export type WatchRelation = 'for' | 'owns' | 'watches' | 'reads';

/** One line of a controller listing: what it watches, and how. */
export interface WatchDescription {
  relation: WatchRelation;
  source: string;
}

export type BuilderOptions = Omit<ControllerOptions, 'name' | 'reconciler'>;

interface PendingWatch {
  description: WatchDescription;
  subscribe(enqueue: (req: Request) => void): (() => void) | void;
  syncable?: Syncable;
}

/** The request of an object itself: its logical cluster (found by clusterOf), namespace and name. */
export function requestFor(obj: ObjectWithMeta, clusterOf: ClusterOf = noCluster): Request {
  return {
    cluster: clusterOf(obj),
    namespace: obj.metadata?.namespace ?? '',
    name: obj.metadata?.name ?? '',
  };
}

/**
 * A source fired by code (controller-runtime's channel source), e.g. a component that learns
 * something a controller must look at. Requests fired while no controller subscribes are dropped.
 */
export class Trigger implements Source {
  readonly description: string;
  private readonly targets = new Set<(req: Request) => void>();

  constructor(description: string) {
    this.description = description;
  }

  start(enqueue: (req: Request) => void): () => void {
    this.targets.add(enqueue);
    return () => this.targets.delete(enqueue);
  }

  fire(req: Request): void {
    for (const enqueue of this.targets) enqueue(req);
  }
}

export class ControllerBuilder {
  private readonly manager: Manager;
  private name: string | undefined;
  private hasFor = false;
  private options: BuilderOptions = {};
  private readonly pending: PendingWatch[] = [];

  constructor(manager: Manager) {
    this.manager = manager;
  }

  /** The controller's name: metric label `controller`, queue name, logger name. Required and unique. */
  named(name: string): this {
    this.name = name;
    return this;
  }

  /** The type the controller reconciles: each event enqueues the object's own request. At most once. */
  for<T extends ObjectWithMeta>(source: EventSource<T>, opts: SourceOptions<T> = {}): this {
    if (this.hasFor) throw new Error('controller builder: for() may be called only once');
    this.hasFor = true;
    const clusterOf = source.clusterOf ?? noCluster;
    return this.watchObjects('for', source, (o) => [requestFor(o, clusterOf)], opts);
  }

  /** Objects controlled by the reconciled type: each event enqueues the object's controller owner. */
  owns<T extends ObjectWithMeta>(source: EventSource<T>, owner: OwnerType, opts: SourceOptions<T> = {}): this {
    const clusterOf = source.clusterOf ?? noCluster;
    return this.watchObjects('owns', source, (o) => controllerOwnerRequests(o, owner, clusterOf), opts);
  }

  /** Events of any other objects, mapped to requests; or a custom {@link Source}. */
  watches(source: Source): this;
  watches<T extends ObjectWithMeta>(source: EventSource<T>, map: MapFunc<T>, opts?: SourceOptions<T>): this;
  watches<T extends ObjectWithMeta>(
    source: Source | EventSource<T>,
    map?: MapFunc<T>,
    opts: SourceOptions<T> = {},
  ): this {
    if (isCustomSource(source)) {
      this.pending.push({
        description: { relation: 'watches', source: source.description },
        subscribe: (enqueue) => source.start(enqueue),
        ...(source.waitForSync ? { syncable: source as Syncable } : {}),
      });
      return this;
    }
    if (!map) throw new Error('controller builder: watches() of an event source needs a map function');
    return this.watchObjects('watches', source, map, opts);
  }

  /** A cache the reconciler reads without watching it: the controller starts once it is synced. */
  reads(cache: Syncable, description?: string): this {
    this.pending.push({
      description: { relation: 'reads', source: description ?? cache.name ?? 'unnamed cache' },
      subscribe: () => undefined,
      syncable: cache,
    });
    return this;
  }

  withOptions(options: BuilderOptions): this {
    this.options = { ...this.options, ...options };
    return this;
  }

  /** Builds the controller, subscribes its watches and registers it with the manager. */
  complete(reconciler: Reconciler): Controller {
    if (!this.name) throw new Error('controller builder: named() is required');
    if (this.pending.length === 0) throw new Error(`controller ${this.name}: nothing to watch`);
    const controller = new Controller({ ...this.options, name: this.name, reconciler });
    const unsubscribe: (() => void)[] = [];
    for (const w of this.pending) {
      const stop = w.subscribe((req) => controller.enqueue(req));
      if (stop) unsubscribe.push(stop);
    }
    try {
      this.manager.addController(controller, {
        watches: this.pending.map((w) => w.description),
        waitFor: this.pending.flatMap((w) => (w.syncable ? [w.syncable] : [])),
        stopWatching: () => {
          for (const u of unsubscribe.splice(0)) u();
        },
      });
    } catch (err) {
      for (const u of unsubscribe) u();
      throw err;
    }
    return controller;
  }

  private watchObjects<T extends ObjectWithMeta>(
    relation: WatchRelation,
    source: EventSource<T>,
    map: MapFunc<T>,
    opts: SourceOptions<T>,
  ): this {
    const predicates = opts.predicates ?? [];
    const syncable =
      opts.waitForSync !== false && source.waitForSync
        ? { name: source.name, waitForSync: (s?: AbortSignal) => source.waitForSync!(s) }
        : undefined;
    this.pending.push({
      description: { relation, source: opts.description ?? source.name ?? 'unnamed source' },
      subscribe: (enqueue) => {
        const emit = (o: T): void => {
          for (const req of map(o)) enqueue(req);
        };
        return source.addEventHandler({
          onAdd: (o) => {
            if (predicates.every((p) => p.create?.(o) ?? true)) emit(o);
          },
          onUpdate: (o, n) => {
            if (predicates.every((p) => p.update?.(o, n) ?? true)) emit(n);
          },
          onDelete: (o) => {
            if (predicates.every((p) => p.delete?.(o) ?? true)) emit(o);
          },
        });
      },
      ...(syncable ? { syncable } : {}),
    });
    return this;
  }
}

function isCustomSource<T>(s: Source | EventSource<T>): s is Source {
  return typeof (s as Source).start === 'function' && !('addEventHandler' in s);
}

/** The controller owner of the given type, as a request (none when another kind controls the object). */
function controllerOwnerRequests(obj: ObjectWithMeta, owner: OwnerType, clusterOf: ClusterOf): Request[] {
  for (const ref of obj.metadata?.ownerReferences ?? []) {
    if (ref.controller !== true || ref.kind !== owner.kind) continue;
    const slash = ref.apiVersion.indexOf('/');
    const group = slash < 0 ? '' : ref.apiVersion.slice(0, slash);
    if (group !== owner.apiGroup) continue;
    return [
      {
        cluster: clusterOf(obj),
        namespace: owner.clusterScoped ? '' : (obj.metadata?.namespace ?? ''),
        name: ref.name,
      },
    ];
  }
  return [];
}
