import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { realClock, sleep, type Clock } from './clock.js';
import { isAlreadyExists, isConflict, isNotFound } from './client/errors.js';
import { microTime, ObservedRecord } from './lease-record.js';
import type { RestClient } from './client/rest.js';
import type { KubeObject } from './client/types.js';
import { silentLogger, type Logger } from './log.js';
import { counter, gauge } from './metrics.js';

export const leaseGVR = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };

const leMetrics = {
  master: gauge<'name'>(
    'leader_election_master_status',
    "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. 'name' is the string used to identify the lease. Please make sure to group by name.",
    ['name'],
  ),
  slowpath: counter<'name'>(
    'leader_election_slowpath_total',
    "Total number of slow path exercised in renewing leader leases. 'name' is the string used to identify the lease. Please make sure to group by name.",
    ['name'],
  ),
};

export interface LeaderElectionOptions {
  /** Client of the cluster holding the Lease. */
  client: RestClient;
  namespace: string;
  name: string;
  /** Defaults to `<hostname>_<uuid>` (controller-runtime). */
  identity?: string;
  /** Defaults as controller-runtime: 15 s lease, 10 s renew deadline, 2 s retry. */
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Clear the holder on a clean stop so another replica takes over at once; default false (as upstream). */
  releaseOnCancel?: boolean;
  clock?: Clock;
  log?: Logger;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export { microTime };

/**
 * Leader election on a coordination.k8s.io/v1 Lease with client-go's algorithm: a candidate takes the
 * Lease when it is absent or its record has not changed for leaseDuration (measured on the local clock
 * from when this candidate observed the change, so clock skew does not matter); the leader renews every
 * retryPeriod and gives up leadership when it could not renew for renewDeadline.
 */
export class LeaderElector {
  readonly identity: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly leaseMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryMs: number;
  private readonly observed = new ObservedRecord();
  private leading = false;
  private lastRenew = 0;

  private readonly opts: LeaderElectionOptions;

  constructor(opts: LeaderElectionOptions) {
    this.opts = opts;
    this.identity = opts.identity ?? `${hostname()}_${randomUUID()}`;
    this.clock = opts.clock ?? realClock;
    this.log = (opts.log ?? silentLogger()).child({
      logger: 'leader-election',
      lease: `${opts.namespace}/${opts.name}`,
    });
    this.leaseMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryMs = opts.retryPeriodMs ?? 2_000;
    leMetrics.master.set({ name: opts.name }, 0);
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Health: a leader that has not renewed for longer than the renew deadline (+ a grace) is unhealthy. */
  health(): { ok: boolean; message: string } {
    if (!this.leading) return { ok: true, message: 'ok' };
    const since = this.clock.now() - this.lastRenew;
    if (since > this.renewDeadlineMs + 20_000)
      return { ok: false, message: `lease ${this.opts.name} not renewed for ${Math.round(since / 1000)}s` };
    return { ok: true, message: 'ok' };
  }

  /**
   * Blocks until this candidate leads (or the signal aborts), calls onStartedLeading, then renews until
   * renewal fails for renewDeadline (→ onStoppedLeading) or the signal aborts.
   */
  async run(
    signal: AbortSignal,
    callbacks: { onStartedLeading(): void; onStoppedLeading(): void },
  ): Promise<void> {
    this.log.info({ identity: this.identity }, 'Attempting to acquire leader lease');
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew(signal)) break;
      await sleep(this.clock, this.retryMs * (1 + Math.random() * 1.2), signal).catch(() => undefined);
    }
    if (signal.aborted) return;
    this.leading = true;
    this.lastRenew = this.clock.now();
    leMetrics.master.set({ name: this.opts.name }, 1);
    this.log.info({ identity: this.identity }, 'Successfully acquired lease');
    callbacks.onStartedLeading();
    while (!signal.aborted) {
      await sleep(this.clock, this.retryMs, signal).catch(() => undefined);
      if (signal.aborted) break;
      const deadline = this.lastRenew + this.renewDeadlineMs;
      let renewed = false;
      while (!signal.aborted && this.clock.now() < deadline) {
        if (await this.tryAcquireOrRenew(signal)) {
          renewed = true;
          break;
        }
        await sleep(
          this.clock,
          Math.min(this.retryMs, Math.max(0, deadline - this.clock.now())),
          signal,
        ).catch(() => undefined);
      }
      if (signal.aborted) break;
      if (!renewed) {
        this.leading = false;
        leMetrics.master.set({ name: this.opts.name }, 0);
        this.log.error('Failed to renew lease within the renew deadline, leadership lost');
        callbacks.onStoppedLeading();
        return;
      }
      this.lastRenew = this.clock.now();
    }
    if (this.leading && this.opts.releaseOnCancel) await this.release();
    this.leading = false;
    leMetrics.master.set({ name: this.opts.name }, 0);
  }

  /** One attempt; true when this candidate holds the Lease afterwards. Errors count as "no". */
  async tryAcquireOrRenew(signal?: AbortSignal): Promise<boolean> {
    const { client, namespace, name } = this.opts;
    const now = this.clock.now();
    const mine: LeaseSpec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.round(this.leaseMs / 1000),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    try {
      let lease: KubeObject;
      try {
        lease = await client.get(leaseGVR, name, { namespace, ...(signal ? { signal } : {}) });
      } catch (err) {
        if (!isNotFound(err)) throw err;
        await client.create(leaseGVR, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec: mine,
        });
        this.observed.observe(JSON.stringify(mine), now);
        return true;
      }
      const spec = (lease.spec ?? {}) as LeaseSpec;
      const record = JSON.stringify([spec.holderIdentity, spec.renewTime, spec.leaseDurationSeconds]);
      this.observed.observe(record, now);
      const holder = spec.holderIdentity ?? '';
      const duration = (spec.leaseDurationSeconds ?? this.leaseMs / 1000) * 1000;
      const isMine = holder === this.identity;
      if (!isMine && holder !== '' && this.observed.fresh(now, duration)) return false;
      if (!isMine) leMetrics.slowpath.inc({ name });
      const next: LeaseSpec = isMine
        ? { ...spec, renewTime: microTime(now), leaseDurationSeconds: mine.leaseDurationSeconds }
        : { ...mine, leaseTransitions: (spec.leaseTransitions ?? 0) + (holder === '' ? 0 : 1) };
      const updated = await client.update(leaseGVR, { ...lease, spec: next });
      const us = (updated.spec ?? {}) as LeaseSpec;
      this.observed.observe(JSON.stringify([us.holderIdentity, us.renewTime, us.leaseDurationSeconds]), now);
      return true;
    } catch (err) {
      if (!isConflict(err) && !isAlreadyExists(err))
        this.log.error({ err: String(err) }, 'Error acquiring/renewing lease');
      return false;
    }
  }

  private async release(): Promise<void> {
    const { client, namespace, name } = this.opts;
    try {
      const lease = await client.get(leaseGVR, name, { namespace });
      const spec = (lease.spec ?? {}) as LeaseSpec;
      if (spec.holderIdentity !== this.identity) return;
      await client.update(leaseGVR, {
        ...lease,
        spec: {
          ...spec,
          holderIdentity: '',
          leaseDurationSeconds: 1,
          renewTime: microTime(this.clock.now()),
        },
      });
    } catch (err) {
      this.log.error({ err: String(err) }, 'Failed to release lease');
    }
  }
}
