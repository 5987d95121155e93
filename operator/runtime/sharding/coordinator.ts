/**
 * The shard coordinator: decides which keys (e.g. workspaces) this replica may process, so that no key
 * is processed by two replicas at once and every key is processed by one live replica.
 *
 * Members renew a Lease each (member-leases.ts); the view is the sorted list of live members; the owner
 * of a key in a view is its rendezvous owner. Moving from the active view A to a newly observed view V:
 *
 * 1. revoke: from now on keys owned in A but not in V are not owned; the revoke hooks (the controllers)
 *    drop their work and resolve once in-flight work on those keys finished (deadline: the renew
 *    deadline; past it the replica fences itself);
 * 2. acknowledge V in the own Lease;
 * 3. activate V (gain the keys owned in V but not in A) once every member of V acknowledged V;
 * 4. a newer view observed meanwhile starts again at 1 from what is owned at that moment.
 *
 * Between 1 and 3 a replica owns only keys it owns in every view involved. A replica that could not
 * renew its Lease for the renew deadline owns nothing at once (fencing) and rejoins when it can renew
 * again; the renew deadline is shorter than the lease duration, so it has stopped before the others
 * consider it gone.
 */
import { realClock, sleep, type Clock } from '../clock.js';
import { silentLogger, type Logger } from '../log.js';
import type { MemberLeases, MemberRecord } from './member-leases.js';
import { shardMetrics } from './metrics.js';
import { ownerOf } from './rendezvous.js';

/** Called when keys are revoked; resolves once in-flight work on them has finished. */
export type RevokeHook = (isRevoked: (key: string) => boolean) => Promise<void>;
/** Called when a view is activated with the keys gained by it. */
export type ActivateListener = (isGained: (key: string) => boolean, view: readonly string[]) => void;

export interface ShardCoordinatorOptions {
  leases: MemberLeases;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  clock?: Clock;
  log?: Logger;
  /** The keys this replica has seen (for the owned count, the metrics and the logs). */
  knownKeys?: () => Iterable<string>;
}

/** A snapshot of what is owned: the active view and the views every owned key must also be owned in. */
interface Ownership {
  active: readonly string[] | undefined;
  constraints: readonly (readonly string[])[];
}

const viewKey = (view: readonly string[]): string => view.join(',');

export class ShardCoordinator {
  readonly identity: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly opts: ShardCoordinatorOptions;
  private ownership: Ownership = { active: undefined, constraints: [] };
  private readonly ownsCache = new Map<string, boolean>();
  private target: { view: string[]; key: string; since: number } | undefined;
  private acked = '';
  private fenced = false;
  /** Bumped by fencing: a protocol step that awaited across a fence stops. */
  private epoch = 0;
  private lastRenew: number | undefined;
  private readonly revokeHooks = new Set<RevokeHook>();
  private readonly activateListeners = new Set<ActivateListener>();
  private protocolBusy: Promise<void> | undefined;

  constructor(opts: ShardCoordinatorOptions) {
    this.opts = opts;
    this.identity = opts.leases.identity;
    this.clock = opts.clock ?? realClock;
    this.log = (opts.log ?? silentLogger()).child({ logger: 'sharding' });
    shardMetrics.fenced.set(0);
    shardMetrics.members.set(0);
    shardMetrics.owned.set(0);
  }

  /** Whether this replica may process key now. */
  owns(key: string): boolean {
    if (!this.ownership.active) return false;
    let owned = this.ownsCache.get(key);
    if (owned === undefined) {
      owned = ownsIn(this.ownership, key, this.identity);
      this.ownsCache.set(key, owned);
    }
    return owned;
  }

  /** The active view (sorted identities), undefined before the first activation and while fenced. */
  activeView(): readonly string[] | undefined {
    return this.ownership.active;
  }

  isFenced(): boolean {
    return this.fenced;
  }

  onRevoke(hook: RevokeHook): () => void {
    this.revokeHooks.add(hook);
    return () => this.revokeHooks.delete(hook);
  }

  onActivate(listener: ActivateListener): () => void {
    this.activateListeners.add(listener);
    return () => this.activateListeners.delete(listener);
  }

  /** Renews and steps the protocol every retry period until the signal aborts; then leaves cleanly. */
  async run(signal: AbortSignal): Promise<void> {
    const renewing = (async () => {
      while (!signal.aborted) {
        await this.renewTick(signal);
        await sleep(this.clock, this.opts.retryPeriodMs, signal).catch(() => undefined);
      }
    })();
    while (!signal.aborted) {
      await this.protocolTick(signal);
      await sleep(this.clock, this.opts.retryPeriodMs, signal).catch(() => undefined);
    }
    await renewing;
    await this.leave();
  }

  /** One renewal of the own Lease; fences when renewals failed for the renew deadline. */
  async renewTick(signal?: AbortSignal): Promise<void> {
    const started = this.clock.now();
    if (await this.opts.leases.renew(this.acked, signal)) {
      this.lastRenew = started;
      if (this.fenced) {
        this.fenced = false;
        shardMetrics.fenced.set(0);
        this.log.info({ identity: this.identity }, 'Member Lease renewed again, rejoining');
      }
      return;
    }
    if (signal?.aborted) return;
    const since = this.lastRenew;
    if (!this.fenced && since !== undefined && this.clock.now() - since >= this.opts.renewDeadlineMs)
      await this.fence('the member Lease could not be renewed within the renew deadline');
  }

  /** One step of the protocol (observe the members, revoke, acknowledge, activate); never concurrent. */
  async protocolTick(signal?: AbortSignal): Promise<void> {
    while (this.protocolBusy) await this.protocolBusy;
    const step = this.protocolStep(signal);
    this.protocolBusy = step;
    try {
      await step;
    } finally {
      this.protocolBusy = undefined;
    }
  }

  /** Steps renew and protocol once each (tests drive the coordinator with this and a FakeClock). */
  async tick(): Promise<void> {
    await this.renewTick();
    await this.protocolTick();
  }

  /**
   * Clean stop: releases every key (waiting for in-flight work), then deletes the own Lease so the
   * others rebalance at once.
   */
  async leave(): Promise<void> {
    while (this.protocolBusy) await this.protocolBusy;
    const before = this.ownership;
    this.epoch++;
    this.setOwnership({ active: undefined, constraints: [] });
    this.target = undefined;
    this.acked = '';
    await this.release(before, () => true);
    await this.opts.leases.remove();
  }

  private async protocolStep(signal?: AbortSignal): Promise<void> {
    if (this.fenced || this.lastRenew === undefined) return;
    const epoch = this.epoch;
    const records = await this.opts.leases.members(signal);
    if (!records || this.epoch !== epoch || this.fenced) return;
    const live = records.filter((r) => r.live).map((r) => r.identity);
    if (!live.includes(this.identity)) live.push(this.identity);
    const view = [...new Set(live)].sort();
    const key = viewKey(view);
    const activeKey = this.ownership.active ? viewKey(this.ownership.active) : undefined;
    if (this.target ? this.target.key !== key : activeKey !== key) {
      this.target = { view, key, since: this.target?.since ?? this.clock.now() };
      shardMetrics.viewChanges.inc();
      this.log.info({ identity: this.identity, view }, 'Shard view changed');
    }
    this.updateOwnedGauge();
    const target = this.target;
    if (!target) return;
    if (this.acked !== target.key) {
      // 1. revoke what the new view does not give this replica, and wait for the work on it
      const before = this.ownership;
      this.setOwnership({ active: before.active, constraints: [...before.constraints, target.view] });
      const revoked = (k: string): boolean =>
        ownsIn(before, k, this.identity) && ownerOf(k, target.view) !== this.identity;
      if (!(await this.release(before, revoked, epoch))) return;
      if (this.epoch !== epoch) return;
      // 2. acknowledge it
      this.acked = target.key;
      const started = this.clock.now();
      if (await this.opts.leases.renew(this.acked, signal))
        this.lastRenew = Math.max(this.lastRenew ?? started, started);
      return; // the others' acknowledgements are looked at in the next step
    }
    // 3. activate once every member of the view acknowledged it
    const acks = new Map(records.map((r: MemberRecord) => [r.identity, r.ackedView]));
    if (!target.view.every((m) => m === this.identity || acks.get(m) === target.key)) return;
    const before = this.ownership;
    this.setOwnership({ active: target.view, constraints: [] });
    this.target = undefined;
    const gained = (k: string): boolean => this.owns(k) && !ownsIn(before, k, this.identity);
    const seconds = (this.clock.now() - target.since) / 1000;
    shardMetrics.handover.observe(seconds);
    shardMetrics.members.set(target.view.length);
    const owned = this.known().filter((k) => this.owns(k));
    shardMetrics.owned.set(owned.length);
    // one line per activation; the owned clusters only at debug level (they may be many)
    this.log.info(
      {
        identity: this.identity,
        view: target.view,
        owned: owned.length,
        handoverSeconds: seconds,
        ...(this.log.isLevelEnabled('debug') ? { clusters: owned } : {}),
      },
      'Shard view active',
    );
    for (const l of this.activateListeners) {
      try {
        l(gained, target.view);
      } catch (err) {
        this.log.error({ err: String(err) }, 'Shard activation listener failed');
      }
    }
  }

  /**
   * Runs the revoke hooks for the keys matching revoked and logs the release once they finished.
   * False when they did not finish within the renew deadline (the replica is fenced then).
   */
  private async release(
    before: Ownership,
    revoked: (k: string) => boolean,
    epoch?: number,
  ): Promise<boolean> {
    if (!before.active) return true; // nothing was owned
    const keys = this.known().filter((k) => ownsIn(before, k, this.identity) && revoked(k));
    const hooks = Promise.all([...this.revokeHooks].map((h) => h(revoked).catch(() => undefined)));
    const deadline = new AbortController();
    const timedOut = await Promise.race([
      hooks.then(() => false),
      sleep(this.clock, this.opts.renewDeadlineMs, deadline.signal).then(
        () => true,
        () => false,
      ),
    ]);
    deadline.abort();
    if (timedOut) {
      if (epoch === undefined || this.epoch === epoch)
        await this.fence('in-flight work on revoked workspaces did not finish within the renew deadline');
      return false;
    }
    this.logReleased(keys);
    return true;
  }

  /** Owns nothing from now on, then waits (bounded) for in-flight work and tries to rejoin later. */
  private async fence(reason: string): Promise<void> {
    const before = this.ownership;
    this.epoch++;
    this.fenced = true;
    this.setOwnership({ active: undefined, constraints: [] });
    this.target = undefined;
    this.acked = '';
    shardMetrics.fenced.set(1);
    shardMetrics.members.set(0);
    shardMetrics.owned.set(0);
    this.log.info({ identity: this.identity, reason }, 'Shard fenced');
    const keys = this.known().filter((k) => ownsIn(before, k, this.identity));
    const deadline = new AbortController();
    await Promise.race([
      Promise.all([...this.revokeHooks].map((h) => h(() => true).catch(() => undefined))),
      sleep(this.clock, this.opts.renewDeadlineMs, deadline.signal).catch(() => undefined),
    ]);
    deadline.abort();
    this.logReleased(keys);
  }

  /** Logged once the work on the released workspaces finished (the clusters only at debug level). */
  private logReleased(keys: string[]): void {
    this.log.info(
      {
        identity: this.identity,
        count: keys.length,
        ...(this.log.isLevelEnabled('debug') ? { clusters: keys } : {}),
      },
      'Shard workspaces released',
    );
  }

  private setOwnership(o: Ownership): void {
    this.ownership = o;
    this.ownsCache.clear();
  }

  private known(): string[] {
    return [...new Set(this.opts.knownKeys?.() ?? [])];
  }

  private updateOwnedGauge(): void {
    if (!this.opts.knownKeys) return;
    shardMetrics.owned.set(this.known().filter((k) => this.owns(k)).length);
  }
}

/** Whether key is owned under an ownership snapshot. */
function ownsIn(o: Ownership, key: string, me: string): boolean {
  if (!o.active || ownerOf(key, o.active) !== me) return false;
  return o.constraints.every((v) => ownerOf(key, v) === me);
}
