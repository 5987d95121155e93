// Sharded replicas, the short check (docs/sharding.md): two replicas with --enable-sharding both
// become active on the same view and split four consumer workspaces; every workspace's object is
// synced, and no workspace is owned by both. The long failure e2e (kills, restarts) lives elsewhere.
import { readFileSync } from 'node:fs';
import { startAgent, type AgentProcess } from '../world/agent.js';
import { waitFor } from '../world/wait.js';
import {
  CRONTABS,
  STEP,
  publishCronTabs,
  sha3short,
  startAgentWorld,
  waitForServed,
  type AgentWorld,
} from './helpers.js';

const SHARD_ARGS = [
  '--enable-leader-election=true',
  '--enable-sharding',
  '--shard-lease-duration=6s',
  '--shard-renew-deadline=4s',
  '--shard-retry-period=1s',
  '--log-format=JSON',
];

interface ViewLine {
  view: string[];
  identity: string;
  owned: number;
  clusters?: string[];
}

/** The last "Shard view active" debug line of a replica (it names the owned clusters). */
function lastActiveView(logPath: string): ViewLine | undefined {
  const lines = readFileSync(logPath, 'utf8').split('\n');
  let last: ViewLine | undefined;
  for (const l of lines) {
    if (!l.includes(`"Shard view active"`) || !l.includes(`"clusters"`)) continue;
    try {
      last = JSON.parse(l) as ViewLine;
    } catch {
      // a partly written line
    }
  }
  return last;
}

describe('agent: sharded replicas (smoke)', () => {
  let w: AgentWorld;
  let second: AgentProcess | undefined;

  beforeAll(async () => {
    w = await startAgentWorld({
      name: 'agent-sharding-smoke',
      provider: { teams: ['team-a', 'team-b', 'team-c', 'team-d'] },
      manifests: [publishCronTabs()],
      extraArgs: SHARD_ARGS,
    });
    second = await startAgent({ artifactsDir: w.artifactsDir, args: w.agentArgs, name: 'agent-2' });
  }, STEP);

  afterAll(async () => {
    await second?.stop();
    await w?.stop();
  }, STEP);

  it(
    'two replicas agree on one view, split the workspaces and sync all of them',
    async () => {
      const teams = w.provider.teamClusterNames;
      for (let i = 0; i < teams.length; i++) await waitForServed(w, i, CRONTABS);
      const views = await waitFor(
        () => {
          const a = lastActiveView(w.agent.logPath);
          const b = lastActiveView(second!.logPath);
          if (!a || !b || a.view.length !== 2 || b.view.join() !== a.view.join()) return undefined;
          if ((a.clusters?.length ?? 0) + (b.clusters?.length ?? 0) !== teams.length) return undefined;
          return { a, b };
        },
        {
          description: 'both replicas active on a view of two, owning all four workspaces',
          timeoutMs: 90_000,
        },
      );
      const owned = [...(views.a.clusters ?? []), ...(views.b.clusters ?? [])].sort();
      expect(owned).toEqual([...teams].sort()); // disjoint and complete

      for (let i = 0; i < teams.length; i++) {
        await w.provider.teamAdmin(i).create(CRONTABS, {
          apiVersion: 'example.com/v1',
          kind: 'CronTab',
          metadata: { name: 'nightly', namespace: 'default' },
          spec: { cronSpec: '0 3 * * *', image: `backup:${i}`, replicas: 1 },
        });
      }
      const localName = `${sha3short('default')}-${sha3short('nightly')}`;
      for (const [i, cluster] of teams.entries()) {
        const local = await waitFor(
          () =>
            w.service.client.getOrUndefined(
              `/apis/example.com/v1/namespaces/${cluster}/crontabs/${localName}`,
            ),
          { description: `copy of team ${i}'s CronTab`, timeoutMs: 60_000 },
        );
        expect(local.spec.image).toBe(`backup:${i}`);
      }
      const leases = await w.service.client.get(
        '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases?labelSelector=syncagent.kcp.io%2Fshard-group%3De2e-agent',
      );
      expect(leases.items).toHaveLength(2);
    },
    STEP,
  );
});
