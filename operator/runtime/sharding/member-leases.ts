/**
 * Shard membership through one coordination.k8s.io/v1 Lease per member: each member renews its own
 * Lease (and carries in it the view it acknowledged), lists the Leases of its group and judges the
 * others' liveness with client-go's rule (see lease-record.ts): no clock of another process is trusted.
 */
import { createHash } from 'node:crypto';
import { realClock, type Clock } from '../clock.js';
import { isNotFound } from '../client/errors.js';
import type { RestClient } from '../client/rest.js';
import type { KubeObject } from '../client/types.js';
import { leaseGVR } from '../leaderelection.js';
import { microTime, ObservedRecord } from '../lease-record.js';
import { silentLogger, type Logger } from '../log.js';

export interface MemberLeasesOptions {
  client: RestClient;
  namespace: string;
  /** Lease names are `<namePrefix>.member.<first 16 hex of sha256(identity)>`. */
  namePrefix: string;
  /** Label that marks the Leases of one group: key and value. */
  groupLabel: { key: string; value: string };
  /** Annotation holding the view a member acknowledged. */
  ackAnnotation: string;
  identity: string;
  leaseDurationMs: number;
  clock?: Clock;
  log?: Logger;
}

/** A member as this observer sees it. */
export interface MemberRecord {
  identity: string;
  /** The view the member acknowledged ("" when none). */
  ackedView: string;
  /** Its Lease changed within the lease duration, on this observer's clock. */
  live: boolean;
}

/** The Lease name of a member: the identity hashed, since identities need not be valid names. */
export function memberLeaseName(namePrefix: string, identity: string): string {
  return `${namePrefix}.member.${createHash('sha256').update(identity).digest('hex').slice(0, 16)}`;
}

export class MemberLeases {
  readonly leaseName: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly observed = new Map<string, ObservedRecord>();
  private readonly opts: MemberLeasesOptions;

  constructor(opts: MemberLeasesOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? realClock;
    this.log = (opts.log ?? silentLogger()).child({ logger: 'sharding' });
    this.leaseName = memberLeaseName(opts.namePrefix, opts.identity);
  }

  get identity(): string {
    return this.opts.identity;
  }

  /** Creates or renews this member's Lease with the acknowledged view; false when that failed. */
  async renew(ackedView: string, signal?: AbortSignal): Promise<boolean> {
    const { client, namespace, identity, groupLabel, ackAnnotation } = this.opts;
    const now = microTime(this.clock.now());
    const spec = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.max(1, Math.round(this.opts.leaseDurationMs / 1000)),
      renewTime: now,
    };
    const opts = { namespace, ...(signal ? { signal } : {}) };
    try {
      let lease: KubeObject | undefined;
      try {
        lease = await client.get(leaseGVR, this.leaseName, opts);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      if (!lease) {
        await client.create(
          leaseGVR,
          {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: {
              name: this.leaseName,
              namespace,
              labels: { [groupLabel.key]: groupLabel.value },
              annotations: { [ackAnnotation]: ackedView },
            },
            spec: { ...spec, acquireTime: now },
          },
          opts,
        );
        return true;
      }
      await client.update(
        leaseGVR,
        {
          ...lease,
          metadata: {
            ...lease.metadata,
            labels: { ...lease.metadata?.labels, [groupLabel.key]: groupLabel.value },
            annotations: { ...lease.metadata?.annotations, [ackAnnotation]: ackedView },
          },
          spec: { ...(lease.spec as object), ...spec },
        },
        opts,
      );
      return true;
    } catch (err) {
      if (!signal?.aborted) this.log.info({ err: String(err) }, 'Could not renew the member Lease');
      return false;
    }
  }

  /** The members of the group with their liveness; undefined when the Leases could not be listed. */
  async members(signal?: AbortSignal): Promise<MemberRecord[] | undefined> {
    const { client, namespace, groupLabel, ackAnnotation } = this.opts;
    let items: KubeObject[];
    try {
      const list = await client.list(leaseGVR, {
        namespace,
        labelSelector: `${groupLabel.key}=${groupLabel.value}`,
        ...(signal ? { signal } : {}),
      });
      items = list.items ?? [];
    } catch (err) {
      if (!signal?.aborted) this.log.info({ err: String(err) }, 'Could not list the member Leases');
      return undefined;
    }
    const now = this.clock.now();
    const seen = new Set<string>();
    const out: MemberRecord[] = [];
    for (const lease of items) {
      const spec = (lease.spec ?? {}) as {
        holderIdentity?: string;
        renewTime?: string;
        leaseDurationSeconds?: number;
      };
      const identity = spec.holderIdentity ?? '';
      if (!identity) continue;
      const name = lease.metadata?.name ?? '';
      seen.add(name);
      const ackedView = lease.metadata?.annotations?.[ackAnnotation] ?? '';
      let rec = this.observed.get(name);
      if (!rec) this.observed.set(name, (rec = new ObservedRecord()));
      rec.observe(JSON.stringify([identity, spec.renewTime, spec.leaseDurationSeconds, ackedView]), now);
      const duration = (spec.leaseDurationSeconds ?? this.opts.leaseDurationMs / 1000) * 1000;
      out.push({ identity, ackedView, live: rec.fresh(now, duration) });
    }
    for (const name of this.observed.keys()) if (!seen.has(name)) this.observed.delete(name);
    return out;
  }

  /** Deletes this member's Lease (clean stop), so the others rebalance without waiting for it to expire. */
  async remove(): Promise<void> {
    try {
      await this.opts.client.delete(leaseGVR, this.leaseName, { namespace: this.opts.namespace });
    } catch (err) {
      if (!isNotFound(err)) this.log.info({ err: String(err) }, 'Could not delete the member Lease');
    }
  }
}
