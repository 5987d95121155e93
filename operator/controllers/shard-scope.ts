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

export class ShardScope {
  private readonly shards: WorkspaceShards;
  private readonly leader: () => boolean;
  private readonly hooks = new Set<RevokeHook>();
  /** Tracked caches with how many users track each (shared informers are tracked by every user). */
  private readonly caches = new Map<Refilterable, number>();

  constructor(shards: WorkspaceShards, isLeader: () => boolean) {
    this.shards = shards;
    this.leader = isLeader;
    // Caches are narrowed only after the in-flight work on revoked workspaces finished: a reconcile
    // still running must not find its copy gone from the cache (it would create it again).
    shards.onRevoke(async (isRevoked) => {
      await Promise.all([...this.hooks].map((h) => h(isRevoked)));
      await Promise.all([...this.caches.keys()].map((c) => c.refilter({ relist: false })));
    });
    // Gained workspaces: their objects enter the caches (a relist; unchanged objects cause no event).
    shards.onActivate(() => {
      for (const c of this.caches.keys()) void c.refilter();
    });
  }

  /** Whether this replica processes the workspace now. */
  owns(cluster: string): boolean {
    return this.shards.owns(cluster);
  }

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
    return cluster === undefined || this.owns(cluster);
  };

  /** Registers work to finish on revoked workspaces: hook resolves once it has. Returns unregister. */
  onRevoke(hook: RevokeHook): () => void {
    this.hooks.add(hook);
    return () => this.hooks.delete(hook);
  }

  /** A cache to refilter when the owned workspaces change. Returns unregister. */
  track(cache: Refilterable): () => void {
    this.caches.set(cache, (this.caches.get(cache) ?? 0) + 1);
    let tracked = true;
    return () => {
      if (!tracked) return;
      tracked = false;
      const n = (this.caches.get(cache) ?? 1) - 1;
      if (n > 0) this.caches.set(cache, n);
      else this.caches.delete(cache);
    };
  }
}
