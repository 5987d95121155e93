import type { ObjectWithMeta } from './client/types.js';
import type { Indexer } from './indexer.js';
import { requestKey } from './reconciler.js';
import { parseSelector } from './labels/selector.js';

/**
 * The logical cluster an object belongs to. The runtime does not know how a multi-cluster server marks
 * that on an object, so it is injected where informers are made (operator/kcp/cluster.ts reads kcp's
 * annotation); by default every object is in the cluster "" of a plain Kubernetes server.
 */
export type ClusterOf = (obj: ObjectWithMeta) => string;

export const noCluster: ClusterOf = () => '';

/**
 * The one key format of caches and work queues: the queue key of the object's request
 * (`cluster|namespace/name`, `|namespace/name` without clusters, see requestKey in reconciler.ts).
 */
export function keyOf(cluster: string, namespace: string, name: string): string {
  return requestKey({ cluster, namespace, name });
}

/** The cache key of an object, its cluster found by clusterOf. */
export function objectKey(obj: ObjectWithMeta, clusterOf: ClusterOf = noCluster): string {
  return keyOf(clusterOf(obj), obj.metadata?.namespace ?? '', obj.metadata?.name ?? '');
}

export interface CacheListOptions {
  /** Only objects of this logical cluster. */
  cluster?: string;
  namespace?: string;
  labelSelector?: string;
}

/**
 * Read-only view of an informer's cache (kube-rs "reader"): reconcilers read from here and write
 * through a RestClient, then tell the informer what the server returned (Informer.assume). Objects are
 * shared with the cache: never mutate them (structuredClone first).
 */
export interface CacheReader<T extends ObjectWithMeta> {
  get(cluster: string, namespace: string, name: string): T | undefined;
  getByKey(key: string): T | undefined;
  list(opts?: CacheListOptions): T[];
  byIndex(indexName: string, value: string): T[];
  hasSynced(): boolean;
}

export function cacheReader<T extends ObjectWithMeta>(
  store: Indexer<T>,
  hasSynced: () => boolean,
  clusterOf: ClusterOf = noCluster,
): CacheReader<T> {
  return {
    get: (cluster, namespace, name) => store.get(keyOf(cluster, namespace, name)),
    getByKey: (key) => store.get(key),
    list: (opts = {}) => {
      const selector = opts.labelSelector ? parseSelector(opts.labelSelector) : undefined;
      const out: T[] = [];
      for (const obj of store.list()) {
        if (opts.cluster !== undefined && clusterOf(obj) !== opts.cluster) continue;
        if (opts.namespace !== undefined && (obj.metadata?.namespace ?? '') !== opts.namespace) continue;
        if (selector && !selector.matches(obj.metadata?.labels)) continue;
        out.push(obj);
      }
      return out;
    },
    byIndex: (indexName, value) => store.byIndex(indexName, value),
    hasSynced,
  };
}
