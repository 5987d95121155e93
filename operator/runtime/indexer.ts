import type { KubeObject, ObjectWithMeta } from './client/types.js';

/** Maps an object to the index values it is found under. */
export type IndexFunc<T extends ObjectWithMeta = KubeObject> = (obj: T) => string[];

/** Index by a label's value (objects without the label are not indexed). */
export function labelIndex(label: string): IndexFunc<ObjectWithMeta> {
  return (obj) => {
    const v = obj.metadata?.labels?.[label];
    return v === undefined ? [] : [v];
  };
}

/** Index by owner UID (every ownerReference). */
export const ownerUidIndex: IndexFunc<ObjectWithMeta> = (obj) =>
  (obj.metadata?.ownerReferences ?? []).map((o) => o.uid);

/** Index by namespace ("" for cluster-scoped objects). */
export const namespaceIndex: IndexFunc<ObjectWithMeta> = (obj) => [obj.metadata?.namespace ?? ''];

/** A key → object store with secondary indexes that stay consistent on every write. */
export class Indexer<T extends ObjectWithMeta = KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indexFuncs = new Map<string, IndexFunc<T>>();
  // index name -> value -> keys
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    for (const [name, fn] of Object.entries(indexers)) this.addIndexer(name, fn);
  }

  /** Adds an index; existing objects are indexed immediately. */
  addIndexer(name: string, fn: IndexFunc<T>): void {
    if (this.indexFuncs.has(name)) throw new Error(`indexer ${name} already exists`);
    this.indexFuncs.set(name, fn);
    const idx = new Map<string, Set<string>>();
    this.indices.set(name, idx);
    for (const [key, obj] of this.items) addTo(idx, fn(obj), key);
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  keys(): IterableIterator<string> {
    return this.items.keys();
  }

  entries(): IterableIterator<[string, T]> {
    return this.items.entries();
  }

  list(): T[] {
    return [...this.items.values()];
  }

  size(): number {
    return this.items.size;
  }

  set(key: string, obj: T): T | undefined {
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexFuncs)
      addTo(this.indices.get(name) as Map<string, Set<string>>, fn(obj), key);
    return old;
  }

  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  /** Keys of the objects indexed under value in the named index. */
  indexKeys(indexName: string, value: string): string[] {
    const idx = this.indices.get(indexName);
    if (!idx) throw new Error(`indexer ${indexName} does not exist`);
    return [...(idx.get(value) ?? [])];
  }

  byIndex(indexName: string, value: string): T[] {
    return this.indexKeys(indexName, value).map((k) => this.items.get(k) as T);
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexFuncs) {
      const idx = this.indices.get(name) as Map<string, Set<string>>;
      for (const v of fn(obj)) {
        const set = idx.get(v);
        set?.delete(key);
        if (set && set.size === 0) idx.delete(v);
      }
    }
  }
}

function addTo(idx: Map<string, Set<string>>, values: string[], key: string): void {
  for (const v of values) {
    let set = idx.get(v);
    if (!set) idx.set(v, (set = new Set()));
    set.add(key);
  }
}
