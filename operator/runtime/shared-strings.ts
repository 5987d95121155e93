/**
 * Shares repeated strings between cached objects. JSON.parse gives every object its own copy of each
 * string value, so 10,000 cached objects hold 10,000 copies of their apiVersion, namespace, cluster
 * label, finalizer, creation second, ... (docs/benchmark.md, "Memory per object": about a tenth of
 * the live heap at 10,000 synced objects). Replacing a value by an equal string changes nothing a
 * reader can observe; only the copies go.
 *
 * The table is small and bounded: it is cleared when full instead of evicting one by one, so it never
 * keeps strings of deleted objects alive for long, and values that repeat are back in it at once.
 * Values longer than MAX_LENGTH (state Secret data, templates) and the per-object unique metadata
 * fields are not looked up at all, so they do not push the repeated ones out.
 */
const MAX_LENGTH = 64;
/**
 * Deeper values are left alone: the walk is recursive, and a consumer's object may nest thousands of
 * levels (the repeated strings worth sharing are near the top: metadata, apiVersion, spec fields).
 */
const MAX_DEPTH = 32;
const TABLE_SIZE = 4096;
/** metadata fields that are unique per object: sharing them cannot save anything. */
const UNIQUE_METADATA = new Set(['uid', 'resourceVersion', 'name', 'generateName', 'selfLink']);

export class StringTable {
  private readonly table = new Map<string, string>();
  private readonly capacity: number;

  constructor(capacity = TABLE_SIZE) {
    this.capacity = capacity;
  }

  /** The shared copy of s (s itself the first time it is seen). */
  share(s: string): string {
    if (s.length > MAX_LENGTH) return s;
    const shared = this.table.get(s);
    if (shared !== undefined) return shared;
    if (this.table.size >= this.capacity) this.table.clear();
    this.table.set(s, s);
    return s;
  }

  size(): number {
    return this.table.size;
  }

  /**
   * Replaces the string values of a decoded JSON object (in place, recursively) by their shared
   * copies and returns it. Frozen objects are left as they are.
   */
  shareValues<T>(obj: T): T {
    this.walk(obj, false, 0);
    return obj;
  }

  private walk(value: unknown, isMetadata: boolean, depth: number): void {
    if (typeof value !== 'object' || value === null || Object.isFrozen(value) || depth > MAX_DEPTH) return;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (typeof v === 'string') value[i] = this.share(v);
        else this.walk(v, false, depth + 1);
      }
      return;
    }
    const rec = value as Record<string, unknown>;
    for (const key of Object.keys(rec)) {
      const v = rec[key];
      if (typeof v === 'string') {
        if (!(isMetadata && UNIQUE_METADATA.has(key))) rec[key] = this.share(v);
      } else if (typeof v === 'object' && v !== null) {
        this.walk(v, key === 'metadata', depth + 1);
      }
    }
  }
}

/** The process-wide table the informers share their cached objects' strings through. */
export const sharedStrings = new StringTable();
