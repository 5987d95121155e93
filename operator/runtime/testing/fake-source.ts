import type { ObjectHandler } from '../builder.js';
import { noCluster, type ClusterOf } from '../cache.js';
import type { KubeObject, ObjectWithMeta } from '../client/types.js';

/**
 * An informer stand-in for unit tests: the test emits add/update/delete events by hand and decides
 * when the initial list is complete. Handlers can be counted to check that subscriptions end.
 */
export class FakeEventSource<T extends ObjectWithMeta = KubeObject> {
  readonly name: string;
  readonly clusterOf: ClusterOf;
  private readonly handlers = new Set<ObjectHandler<T>>();
  private synced = false;
  private readonly syncWaiters: (() => void)[] = [];

  constructor(name: string, opts: { synced?: boolean; clusterOf?: ClusterOf } = {}) {
    this.name = name;
    this.clusterOf = opts.clusterOf ?? noCluster;
    this.synced = opts.synced ?? false;
  }

  addEventHandler(h: ObjectHandler<T>): () => void {
    this.handlers.add(h);
    return () => this.handlers.delete(h);
  }

  get handlerCount(): number {
    return this.handlers.size;
  }

  add(obj: T): void {
    for (const h of this.handlers) h.onAdd?.(obj);
  }

  update(oldObj: T, newObj: T): void {
    for (const h of this.handlers) h.onUpdate?.(oldObj, newObj);
  }

  delete(obj: T): void {
    for (const h of this.handlers) h.onDelete?.(obj);
  }

  markSynced(): void {
    this.synced = true;
    for (const w of this.syncWaiters.splice(0)) w();
  }

  hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      this.syncWaiters.push(resolve);
    });
  }
}
