/**
 * Wiring of sharded replicas (docs/sharding.md): the member Lease of this replica, the shard
 * coordinator (runtime/sharding) running on every replica, and the scope the sync controllers check.
 */
import { createHash } from 'node:crypto';
import { ShardScope } from './controllers/shard-scope.js';
import type { VirtualWorkspaces } from './kcp/virtual-workspaces.js';
import type { CompletedOptions } from './options.js';
import type { RestClient } from './runtime/client/rest.js';
import type { Logger } from './runtime/log.js';
import type { Manager } from './runtime/manager.js';
import { ShardCoordinator } from './runtime/sharding/coordinator.js';
import { MemberLeases } from './runtime/sharding/member-leases.js';

export const LABEL_SHARD_GROUP = 'syncagent.kcp.io/shard-group';
export const ANNOTATION_SHARD_ACKED_VIEW = 'syncagent.kcp.io/shard-acked-view';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** The shard-group label value: the agent name, hashed when it is not a valid label value. */
export function shardGroup(agentName: string): string {
  if (agentName.length <= 63 && LABEL_VALUE.test(agentName)) return agentName;
  return createHash('sha256').update(agentName).digest('hex').slice(0, 32);
}

export interface ShardingDeps {
  options: CompletedOptions;
  identity: string;
  manager: Manager;
  localClient: RestClient;
  vw: VirtualWorkspaces;
  log: Logger;
}

/**
 * Creates the coordinator (run by the manager on every replica, not only the leader), makes the
 * virtual-workspace informers keep only owned workspaces, and returns the scope for the controllers.
 */
export function startSharding(deps: ShardingDeps): ShardScope {
  const { options, identity, manager, vw, log } = deps;
  const timing = {
    leaseDurationMs: options.shardLeaseDurationMs,
    renewDeadlineMs: options.shardRenewDeadlineMs,
    retryPeriodMs: options.shardRetryPeriodMs,
  };
  const leases = new MemberLeases({
    client: deps.localClient,
    namespace: options.namespace,
    namePrefix: `syncagent.${options.agentName}`,
    groupLabel: { key: LABEL_SHARD_GROUP, value: shardGroup(options.agentName) },
    ackAnnotation: ANNOTATION_SHARD_ACKED_VIEW,
    identity,
    leaseDurationMs: timing.leaseDurationMs,
    log,
  });
  const coordinator = new ShardCoordinator({
    leases,
    ...timing,
    log,
    knownKeys: () => vw.engagedClusters(),
  });
  const scope = new ShardScope(coordinator, () => manager.isLeader());
  // kcp-side caches keep what the controllers process (gained workspaces once the service side is
  // ready), and revoked ones until the work in flight on them finished
  vw.clusterFilter = scope.cachesKeep;
  scope.track(vw, 'kcp');
  const stop = new AbortController();
  let running: Promise<void> | undefined;
  manager.add({
    needLeaderElection: false,
    start: () => {
      running = coordinator.run(stop.signal);
    },
    // The manager stops controllers first; then this releases every workspace and deletes the Lease.
    stop: async () => {
      stop.abort();
      await running;
    },
  });
  log.info({ identity, lease: leases.leaseName }, 'Sharding enabled');
  return scope;
}
