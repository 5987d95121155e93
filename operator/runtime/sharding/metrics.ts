import { counter, gauge, histogram } from '../metrics.js';

/** The shard coordinator's metrics (docs/sharding.md). */
export const shardMetrics = {
  members: gauge('syncagent_shard_members', 'Live members in the shard view this replica has active.', []),
  owned: gauge(
    'syncagent_shard_owned_workspaces',
    'Workspaces this replica owns in its active shard view, among those it has seen.',
    [],
  ),
  viewChanges: counter(
    'syncagent_shard_view_changes_total',
    'Shard views this replica has started to move to.',
    [],
  ),
  handover: histogram(
    'syncagent_shard_handover_seconds',
    'Time from observing a new shard view to activating it.',
    [],
    [0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64],
  ),
  fenced: gauge(
    'syncagent_shard_fenced',
    '1 while this replica has stopped all work because it could not renew its member Lease.',
    [],
  ),
};
