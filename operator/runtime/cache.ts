import type { KubeObject } from './client/types.js';
import type { Indexer } from './indexer.js';
import { parseSelector } from '../engine/labels/selector.js';

/** The annotation kcp sets on every object served from a workspace (its logical cluster name). */
export const CLUSTER_ANNOTATION = 'kcp.io/cluster';

/** The logical cluster of an object ("" on a plain Kubernetes cluster). */
export function clusterOf(obj: KubeObject): string {
  return obj.metadata?.annotations?.[CLUSTER_ANNOTATION] ?? '';
}

/** Cache key `cluster|namespace/name` (cluster-scoped: `cluster|name`); the same format as request keys. */
export function objectKey(obj: KubeObject): string {
  const ns = obj.metadata?.namespace ?? '';
  const name = obj.metadata?.name ?? '';
  return `${clusterOf(obj)}|${ns === '' ? '' : ns + '/'}${name}`;
}

export function keyOf(cluster: string, namespace: string, name: string): string {
  return `${cluster}|${namespace === '' ? '' : namespace + '/'}${name}`;
}

export interface CacheListOptions {
  /** Only objects of this logical cluster. */
  cluster?: string;
  namespace?: string;
  labelSelector?: string;
}

/**
 * Read-only view of an informer's cache (kube-rs "reader"): reconcilers read from here and write
 * through a RestClient. Objects are shared with the cache: never mutate them (structuredClone first).
 */
export interface CacheReader {
  get(cluster: string, namespace: string, name: string): KubeObject | undefined;
  getByKey(key: string): KubeObject | undefined;
  list(opts?: CacheListOptions): KubeObject[];
  byIndex(indexName: string, value: string): KubeObject[];
  hasSynced(): boolean;
}

export function cacheReader(store: Indexer, hasSynced: () => boolean): CacheReader {
  return {
    get: (cluster, namespace, name) => store.get(keyOf(cluster, namespace, name)),
    getByKey: (key) => store.get(key),
    list: (opts = {}) => {
      const selector = opts.labelSelector ? parseSelector(opts.labelSelector) : undefined;
      const out: KubeObject[] = [];
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
