/**
 * Per-object token buckets, like client-go's event spam filter: each kcp object may receive `burst`
 * mirrored events at once and then one every `refillMs`, so a flapping operator on the service cluster
 * cannot flood a workspace. The caller passes the time in; the number of remembered objects is bounded
 * (least recently used forgotten first, which only ever gives a forgotten object a full bucket again).
 */
export interface TokenBucketOptions {
  burst: number;
  refillMs: number;
  maxKeys: number;
}

/** client-go's defaults: 25 events, then one per 5 minutes. */
export const DEFAULT_MIRROR_LIMITS: TokenBucketOptions = { burst: 25, refillMs: 300_000, maxKeys: 4096 };

interface Bucket {
  tokens: number;
  atMs: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly opts: TokenBucketOptions;

  constructor(opts: TokenBucketOptions = DEFAULT_MIRROR_LIMITS) {
    this.opts = opts;
  }

  /** Takes one token for `key` at `nowMs`; false when its bucket is empty. */
  take(key: string, nowMs: number): boolean {
    const { burst, refillMs, maxKeys } = this.opts;
    const b = this.buckets.get(key) ?? { tokens: burst, atMs: nowMs };
    this.buckets.delete(key);
    const refilled = Math.floor(Math.max(0, nowMs - b.atMs) / refillMs);
    if (refilled > 0) {
      b.tokens = Math.min(burst, b.tokens + refilled);
      b.atMs = b.tokens === burst ? nowMs : b.atMs + refilled * refillMs;
    }
    const ok = b.tokens > 0;
    if (ok) b.tokens--;
    this.buckets.set(key, b);
    while (this.buckets.size > maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
    return ok;
  }
}

/**
 * Which occurrence of each source event was handled last (by event UID), so a resync or an unrelated
 * update of an Event does not mirror it again; a higher count (the operator's recorder aggregating a
 * repeat) does. Bounded like TokenBuckets.
 */
export class SeenOccurrences {
  private readonly seen = new Map<string, number>();
  private readonly maxKeys: number;

  constructor(maxKeys = 16_384) {
    this.maxKeys = maxKeys;
  }

  /** Whether `count` is new for `uid` (and remembers it). */
  isNew(uid: string, count: number): boolean {
    const last = this.seen.get(uid);
    if (last !== undefined && count <= last) return false;
    this.seen.delete(uid);
    this.seen.set(uid, count);
    while (this.seen.size > this.maxKeys) this.seen.delete(this.seen.keys().next().value as string);
    return true;
  }

  forget(uid: string): void {
    this.seen.delete(uid);
  }
}
