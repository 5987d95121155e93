/**
 * What the sync controllers of a sharded replica (docs/sharding.md) need from the shard coordinator:
 * whether a workspace is theirs now, a way to finish their work on workspaces taken away, and the
 * caches to narrow or widen when the owned workspaces change. Without sharding there is no scope at
 * all (every check passes, no filter is installed).
 */
import { LABEL_REMOTE_CLUSTER } from '../engine/sync/keys.js';
import type { ObjectWithMeta } from '../runtime/client/types.js';
import type { ActivateListener, RevokeHook } from '../runtime/sharding/coordinator.js';

/** The coordinator as seen from here (runtime/sharding/coordinator.ts). */
export interface WorkspaceShards {
  owns(cluster: string): boolean;
  onRevoke(hook: RevokeHook): () => void;
  onActivate(listener: ActivateListener): () => void;
}

/** A cache whose filter follows the ownership (an Informer, a set of wildcard informers). */
export interface Refilterable {
  refilter(opts?: { relist?: boolean }): Promise<void>;
}

/** Which side a cache holds: service-side caches are refreshed before the kcp side on a handover. */
export type CacheSide = 'service' | 'kcp';

export class ShardScope {
  private readonly shards: WorkspaceShards;
  private readonly leader: () => boolean;
  private readonly hooks = new Set<RevokeHook>();
  /** Tracked caches with how many users track each (shared informers are tracked by every user). */
  private readonly caches = new Map<Refilterable, { side: CacheSide; users: number }>();
  /** Workspaces gained by an activation whose service-side caches are still being refreshed. */
  private gaining: ((cluster: string) => boolean) | undefined;
  /** Revocations whose in-flight work has not finished: the caches still keep their workspaces. */
  private readonly releasing = new Set<(cluster: string) => boolean>();
  private activation = 0;

  constructor(shards: WorkspaceShards, isLeader: () => boolean) {
    this.shards = shards;
    this.leader = isLeader;
    // Caches are narrowed only after the in-flight work on revoked workspaces finished: a reconcile
    // still running must not find its copy gone from the cache (it would create it again).
    // Until then the cache filters keep the revoked workspaces too (cachesKeep), so a watch event
    // arriving meanwhile (e.g. of the running reconcile's own write) does not drop an object from under it.
    shards.onRevoke(async (isRevoked) => {
      this.releasing.add(isRevoked);
      try {
        await Promise.all([...this.hooks].map((h) => h(isRevoked)));
      } finally {
        this.releasing.delete(isRevoked);
      }
      await Promise.all(this.tracked().map((c) => c.refilter({ relist: false })));
    });
    shards.onActivate((gained) => void this.gain(gained));
  }

  /**
   * Whether this replica processes the workspace now. A gained workspace counts only once the
   * service-side caches hold its copies and state (a reconcile must not miss an existing copy).
   */
  owns(cluster: string): boolean {
    return this.shards.owns(cluster) && !this.gaining?.(cluster);
  }

  /**
   * Filter of the kcp-side caches: the workspaces processed now, plus those being revoked until their
   * in-flight work finished.
   */
  readonly cachesKeep = (cluster: string): boolean => this.owns(cluster) || this.isReleasing(cluster);

  /** Work tied to no workspace (PublishedResource status and events) is done by the leader only. */
  isLeader(): boolean {
    return this.leader();
  }

  /**
   * Filter of service-side objects: those made for a kcp object (local copies, state Secrets: they
   * carry its workspace in a label the agent sets) are kept when that workspace is owned; all others
   * are kept (e.g. objects whose name a copy would take).
   */
  readonly ownedOrUnlabelled = (obj: ObjectWithMeta): boolean => {
    const cluster = obj.metadata?.labels?.[LABEL_REMOTE_CLUSTER];
    return cluster === undefined || this.shards.owns(cluster) || this.isReleasing(cluster);
  };

  private isReleasing(cluster: string): boolean {
    for (const isRevoked of this.releasing) if (isRevoked(cluster)) return true;
    return false;
  }

  /** Registers work to finish on revoked workspaces: hook resolves once it has. Returns unregister. */
  onRevoke(hook: RevokeHook): () => void {
    this.hooks.add(hook);
    return () => this.hooks.delete(hook);
  }

  /** A cache to refilter when the owned workspaces change. Returns unregister. */
  track(cache: Refilterable, side: CacheSide = 'service'): () => void {
    const entry = this.caches.get(cache);
    if (entry) entry.users++;
    else this.caches.set(cache, { side, users: 1 });
    let tracked = true;
    return () => {
      if (!tracked) return;
      tracked = false;
      const e = this.caches.get(cache);
      if (e && --e.users <= 0) this.caches.delete(cache);
    };
  }

  /**
   * Gained workspaces: first their copies and state Secrets enter the service-side caches, then their
   * kcp objects enter the kcp-side caches, whose add events start the reconciles (objects already
   * cached and unchanged cause no event).
   */
  private async gain(gained: (cluster: string) => boolean): Promise<void> {
    const activation = ++this.activation;
    const earlier = this.gaining;
    this.gaining = earlier ? (c) => earlier(c) || gained(c) : gained;
    await Promise.all(this.tracked('service').map((c) => c.refilter()));
    if (activation !== this.activation) return; // a later activation finishes the job
    this.gaining = undefined;
    await Promise.all(this.tracked('kcp').map((c) => c.refilter()));
  }

  private tracked(side?: CacheSide): Refilterable[] {
    return [...this.caches].filter(([, e]) => !side || e.side === side).map(([c]) => c);
  }
}
