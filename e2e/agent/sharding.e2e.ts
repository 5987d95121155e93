// Sharded replicas on the real world (docs/sharding.md): three agents with --enable-sharding split the
// consumer workspaces of one APIExport. While CronTabs are created, updated and deleted in every
// workspace, one replica is SIGKILLed, then another, then two new replicas join. Counted, and required
// to be zero: lost objects (a copy missing or behind its kcp object's last spec), duplicated copies,
// orphaned copies, copies written more often than a normal sync writes them, and workspaces processed
// by two replicas at once (rebuilt from the replicas' "Shard view active" / "Shard workspaces
// released" log lines). Measured and printed: the handover time after each SIGKILL (kill → the copies
// of objects created in the dead replica's workspaces right after the kill exist) and the service-side
// writes during the rebalance when replicas come back.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { AGENT_ENTRYPOINT, startAgent, type AgentProcess } from '../world/agent.js';
import type { KubeObject } from '../world/rest.js';
import { waitFor } from '../world/wait.js';
import {
  CRONTABS,
  localCronTabPath,
  publishCronTabs,
  startAgentWorld,
  waitForServed,
  type AgentWorld,
  STEP,
} from './helpers.js';
import { keyOf, Ledger, startChurn, watchCopies, type Tracked } from './sharding-churn.js';
import { activeIntervals, lastActive, overlaps, shardLines, type Interval } from './sharding-logs.js';

const TEAMS = 9;
const LEASE_S = 6;
const SHARDING_FLAGS = [
  '--enable-leader-election=true',
  '--enable-sharding',
  `--shard-lease-duration=${LEASE_S}s`,
  '--shard-renew-deadline=4s',
  '--shard-retry-period=1s',
  '--log-format=JSON',
  '--log-debug=true',
];
/** Handover bound: one lease period plus a generous margin for a loaded 2-core machine. */
const HANDOVER_LIMIT_MS = (LEASE_S + 20) * 1000;
/** Service-side writes tolerated on untouched objects while two replicas join (a storm would be ~all). */
const REBALANCE_WRITE_LIMIT = 2;
const CHURN_PER_SECOND = 4;
const REMOTE_CLUSTER = 'syncagent.kcp.io/remote-object-cluster';
const REMOTE_NAME = 'syncagent.kcp.io/remote-object-name';

interface Replica {
  name: string;
  proc: AgentProcess;
  /** When the test killed or stopped it (ends its open intervals). */
  endedAt?: number;
}

/**
 * The owner of a workspace among the identities of a view as docs/sharding.md specifies it (computed
 * here independently of the agent): the highest first 8 bytes of sha256(identity NUL workspace).
 */
function rendezvousOwner(workspace: string, view: string[]): string {
  const score = (m: string) => createHash('sha256').update(`${m}\0${workspace}`).digest().readBigUInt64BE(0);
  return [...view].sort((a, b) => (score(b) > score(a) ? 1 : score(b) < score(a) ? -1 : 0))[0]!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('agent: sharded replicas', () => {
  let w: AgentWorld;
  let ledger: Ledger;
  let copies: Awaited<ReturnType<typeof watchCopies>>;
  const replicas: Replica[] = [];
  /** The largest number of writes beyond its spec changes that one copy got in the quiet phase. */
  let normalExtra = -1;
  /** Stops the churn of the running test (afterAll calls it when a test failed midway). */
  let stopChurn: (() => Promise<unknown>) | undefined;

  const clusters = () => w.provider.teamClusterNames;
  const alive = () => replicas.filter((r) => r.endedAt === undefined);
  const startReplica = async (name: string) => {
    replicas.push({
      name,
      proc: await startAgent({ artifactsDir: w.artifactsDir, name, args: w.agentArgs }),
    });
  };
  const kill = (r: Replica) => {
    r.endedAt = Date.now();
    process.kill(r.proc.pid, 'SIGKILL');
  };

  /**
   * Waits until every live replica has activated the same view of `members` identities and their
   * owned clusters split all team workspaces without overlap; returns replica name → owned clusters.
   */
  const waitForView = (members: number, timeoutMs = 60_000) =>
    waitFor(
      () => {
        const owned = new Map<string, string[]>();
        const views = new Set<string>();
        for (const r of alive()) {
          const last = lastActive(shardLines(r.proc.logPath));
          if (!last || last.view.length !== members) return undefined;
          views.add([...last.view].sort().join(','));
          owned.set(r.name, last.clusters);
        }
        if (views.size !== 1) return undefined;
        const all = [...owned.values()].flat();
        if (all.length !== clusters().length || new Set(all).size !== all.length) return undefined;
        return clusters().every((c) => all.includes(c)) ? owned : undefined;
      },
      {
        description: `the ${alive().length} live replicas to activate one view of ${members} splitting all workspaces`,
        timeoutMs,
        intervalMs: 200,
      },
    );

  /** Whether the copy of a tracked CronTab is where it should be: present with its last spec, or gone. */
  const inSync = async (t: Tracked): Promise<boolean> => {
    const copy = await w.service.client.getOrUndefined(localCronTabPath(w, t.name, t.team));
    if (t.deleted) return copy === undefined;
    return copy !== undefined && JSON.stringify(copy.spec) === JSON.stringify(t.spec);
  };
  const unsynced = async (): Promise<Tracked[]> => {
    const out: Tracked[] = [];
    for (const t of ledger.objects.values()) if (!(await inSync(t))) out.push(t);
    return out;
  };
  const waitSettled = (timeoutMs: number) =>
    waitFor(async () => (await unsynced()).length === 0, {
      description: 'every tracked CronTab to be synced to its last spec (or deleted)',
      timeoutMs,
      intervalMs: 1000,
    }).catch(() => undefined);

  /**
   * SIGKILLs a replica, creates one probe CronTab in each workspace it owned right after the kill and
   * returns, per workspace, the time from the kill until the probe's copy existed.
   */
  const killAndProbe = async (victim: Replica) => {
    const owned = lastActive(shardLines(victim.proc.logPath))?.clusters ?? [];
    kill(victim);
    const killedAt = victim.endedAt!;
    const probes = await Promise.all(
      owned.map((c) => ledger.create(clusters().indexOf(c), `probe-${victim.name}`)),
    );
    return Promise.all(
      probes.map(async (p) => {
        const synced = await waitFor(
          () => w.service.client.getOrUndefined(localCronTabPath(w, p.name, p.team)),
          {
            description: `the probe ${p.name} in ${p.cluster} to be synced after ${victim.name} was killed`,
            timeoutMs: HANDOVER_LIMIT_MS + 30_000,
            intervalMs: 100,
          },
        ).catch(() => undefined);
        // undefined: never synced (counted as lost by the audit too)
        return { replica: victim.name, cluster: p.cluster, ms: synced ? Date.now() - killedAt : undefined };
      }),
    );
  };

  beforeAll(async () => {
    w = await startAgentWorld({
      name: 'agent-sharding',
      provider: { teams: Array.from({ length: TEAMS }, (_, i) => `team-${i}`) },
      manifests: [publishCronTabs()],
      extraArgs: SHARDING_FLAGS,
    });
    replicas.push({ name: 'agent', proc: w.agent });
    await Promise.all(clusters().map((_, i) => waitForServed(w, i, CRONTABS, 120_000)));
    ledger = new Ledger(
      clusters().map((_, i) => w.provider.teamAdmin(i)),
      clusters(),
    );
    copies = await watchCopies(w.service.client);
    // One object per workspace before the other replicas join, so that every replica has seen every
    // workspace when it activates its first view of three (a replica logs the workspaces it owns among
    // those it has seen).
    const seeds = await Promise.all(clusters().map((_, i) => ledger.create(i, 'seed')));
    await Promise.all(
      seeds.map((t) =>
        waitFor(() => w.service.client.getOrUndefined(localCronTabPath(w, t.name, t.team)), {
          description: `the copy of ${t.cluster}/${t.name}`,
          timeoutMs: 60_000,
        }),
      ),
    );
    await startReplica('replica-2');
    await startReplica('replica-3');
  }, STEP);

  afterAll(async () => {
    await stopChurn?.();
    copies?.stop();
    for (const r of replicas) if (r.endedAt === undefined) await r.proc.stop();
    await w?.stop();
  }, STEP);

  it(
    'splits the workspaces between three replicas and measures the writes of a normal sync',
    async () => {
      const owned = await waitForView(3);
      // Every replica owns exactly the workspaces rendezvous hashing over the view gives it.
      for (const r of alive()) {
        const last = lastActive(shardLines(r.proc.logPath))!;
        const mine = clusters().filter((c) => rendezvousOwner(c, last.view) === last.identity);
        expect([...owned.get(r.name)!].sort()).toEqual(mine.sort());
      }
      console.log(
        'Workspaces per replica with 3 replicas: ' +
          [...owned].map(([r, cs]) => `${r}=${cs.length}`).join(' '),
      );

      // A quiet phase of churn: how many times does a normal sync write a copy per kcp change?
      const churn = startChurn(ledger, TEAMS, CHURN_PER_SECOND);
      await sleep(15_000);
      await churn.stop();
      await waitSettled(60_000);
      expect(await unsynced()).toEqual([]);
      await sleep(3_000); // late status or metadata writes belong to the normal count too
      normalExtra = 0;
      for (const t of ledger.objects.values()) {
        const writes = copies.history.get(keyOf(t.cluster, t.name))?.writes.length ?? 0;
        normalExtra = Math.max(normalExtra, writes - t.changes);
      }
      console.log(
        `Normal sync: ${ledger.objects.size} objects, at most ${normalExtra} copy write(s) beyond the spec changes`,
      );
    },
    STEP,
  );

  it(
    'loses, duplicates, orphans and double-processes nothing through two SIGKILLs and two new replicas',
    async () => {
      expect(normalExtra).toBeGreaterThanOrEqual(0);
      const viewBefore = await waitForView(3);
      const churn = startChurn(ledger, TEAMS, CHURN_PER_SECOND);
      stopChurn = churn.stop;
      await sleep(5_000);

      // First SIGKILL: the two survivors keep their workspaces and split the dead one's.
      const first = replicas.find((r) => r.name === 'replica-2')!;
      const handovers = await killAndProbe(first);
      const viewOf2 = await waitForView(2);
      for (const [r, cs] of viewOf2) {
        for (const c of viewBefore.get(r) ?? []) expect(cs).toContain(c);
      }
      await sleep(5_000);

      // Second SIGKILL (the replica started first, usually the leader of the singleton controllers).
      const second = replicas.find((r) => r.name === 'agent')!;
      handovers.push(...(await killAndProbe(second)));
      const viewOf1 = await waitForView(1);
      const survivor = [...viewOf1.keys()][0]!;
      await sleep(3_000);

      // Two new replicas join: they take over their share without rewriting what is in sync.
      const restartedAt = Date.now();
      await startReplica('replica-4');
      await startReplica('replica-5');
      const viewAfter = await waitForView(3, 90_000);
      const rebalancedAt = Date.now();
      await sleep(3_000);
      const windowEnd = Date.now();
      const ops = await churn.stop();

      // Writes on copies whose kcp object did not change around the rebalance.
      let rebalanceWrites = 0;
      const rebalanceObjects: string[] = [];
      for (const t of ledger.objects.values()) {
        if (t.writeTimes.some((at) => at >= restartedAt - 10_000 && at <= windowEnd)) continue;
        const h = copies.history.get(keyOf(t.cluster, t.name));
        const n = (h?.writes ?? []).filter((at) => at >= restartedAt && at <= windowEnd).length;
        if (n > 0) rebalanceObjects.push(`${t.cluster}/${t.name}`);
        rebalanceWrites += n;
      }

      // Settle, then audit.
      await waitSettled(90_000);
      const lost = (await unsynced()).filter((t) => !t.deleted).map((t) => `${t.cluster}/${t.name}`);
      const deletedButCopied = (await unsynced())
        .filter((t) => t.deleted)
        .map((t) => `${t.cluster}/${t.name}`);
      const listed = await w.service.client.list(
        `/apis/example.com/v1/crontabs?labelSelector=${REMOTE_CLUSTER}`,
      );
      const byKey = new Map<string, KubeObject[]>();
      for (const o of listed.items) {
        const key = keyOf(o.metadata.labels![REMOTE_CLUSTER]!, o.metadata.annotations?.[REMOTE_NAME] ?? '');
        byKey.set(key, [...(byKey.get(key) ?? []), o]);
      }
      const duplicated = [...byKey].filter(([, os]) => os.length > 1).map(([k]) => k);
      const orphaned: string[] = [...deletedButCopied];
      for (const [key, os] of byKey) {
        const [cluster, name] = key.split('|') as [string, string];
        const team = clusters().indexOf(cluster);
        const remote =
          team >= 0 ? await w.provider.teamAdmin(team).getOrUndefined(`${CRONTABS}/${name}`) : undefined;
        if (!remote && !os[0]!.metadata.deletionTimestamp && !orphaned.includes(`${cluster}/${name}`)) {
          orphaned.push(`${cluster}/${name}`);
        }
      }
      const overwritten: string[] = [];
      const resurrected: string[] = [];
      for (const t of ledger.objects.values()) {
        const h = copies.history.get(keyOf(t.cluster, t.name));
        if (!h) continue;
        if (h.writes.length > t.changes + normalExtra) {
          overwritten.push(`${t.cluster}/${t.name}: ${h.writes.length} writes for ${t.changes} changes`);
        }
        if (h.resurrected) resurrected.push(`${t.cluster}/${t.name}`);
      }
      // Kcp objects whose deletion never completed (the agent keeps its finalizer until the copy is gone).
      const stuck: string[] = [];
      for (const t of ledger.objects.values()) {
        if (t.deleted && (await w.provider.teamAdmin(t.team).getOrUndefined(`${CRONTABS}/${t.name}`))) {
          stuck.push(`${t.cluster}/${t.name}`);
        }
      }

      // Per workspace, no two replicas active at the same time (after the replicas are stopped, so
      // their last lines are in the logs).
      const end = Date.now();
      for (const r of alive()) {
        await r.proc.stop();
        r.endedAt = Date.now();
      }
      const intervals: Interval[] = replicas.flatMap((r) =>
        activeIntervals(r.name, shardLines(r.proc.logPath), r.endedAt ?? end),
      );
      const doubleProcessed = overlaps(intervals).map(
        ([a, b]) =>
          `${a.cluster}: ${a.replica} [${a.start}, ${a.end}] and ${b.replica} [${b.start}, ${b.end}]`,
      );
      const coveredClusters = new Set(intervals.map((i) => i.cluster));

      console.log(
        [
          'Handover after SIGKILL (kill -> copy of a probe created right after the kill exists):',
          ...handovers.map(
            (h) =>
              `  ${h.replica.padEnd(10)} ${h.cluster.padEnd(18)} ${h.ms === undefined ? 'NOT SYNCED' : `${h.ms} ms`}`,
          ),
          `Rebalance: replica-4 and replica-5 joined ${survivor}: ` +
            [...viewAfter].map(([r, cs]) => `${r}=${cs.length}`).join(' ') +
            ` workspaces after ${rebalancedAt - restartedAt} ms; ${rebalanceWrites} copy write(s) on ` +
            `untouched objects during the rebalance${rebalanceObjects.length ? ` (${rebalanceObjects.join(', ')})` : ''}`,
          `Churn: ${ops.ops} operations (${ops.errors} failed requests), ${ledger.objects.size} objects, ` +
            `${[...ledger.objects.values()].filter((t) => !t.deleted).length} live at the end`,
          `Audit: lost ${lost.length}, duplicated ${duplicated.length}, orphaned ${orphaned.length}, ` +
            `over-written ${overwritten.length}, resurrected ${resurrected.length}, deletions stuck ` +
            `${stuck.length}, double-processed ${doubleProcessed.length} (over ${intervals.length} intervals)`,
        ].join('\n'),
      );

      expect(copies.ended()).toBe(false);
      expect(handovers.length).toBeGreaterThan(0);
      expect(handovers.filter((h) => h.ms === undefined || h.ms > HANDOVER_LIMIT_MS)).toEqual([]);
      expect(lost).toEqual([]);
      expect(duplicated).toEqual([]);
      expect(orphaned).toEqual([]);
      expect(overwritten).toEqual([]);
      expect(resurrected).toEqual([]);
      expect(stuck).toEqual([]);
      expect(doubleProcessed).toEqual([]);
      expect(rebalanceWrites).toBeLessThanOrEqual(REBALANCE_WRITE_LIMIT);
      // The logs cover every workspace, so the overlap check saw all of them.
      for (const c of clusters()) expect(coveredClusters.has(c)).toBe(true);
      // The newcomers took over a share; the survivor no longer owns everything.
      expect(viewAfter.get(survivor)!.length).toBeLessThan(TEAMS);
    },
    STEP + 120_000,
  );
});

describe('agent: sharding flags', () => {
  it('refuses --enable-sharding without --enable-leader-election, naming both flags', () => {
    const run = spawnSync(
      process.execPath,
      [
        AGENT_ENTRYPOINT,
        '--enable-sharding',
        '--enable-leader-election=false',
        '--namespace=kube-system',
        '--agent-name=sharded',
        '--apiexportendpointslice-ref=example.com',
        '--kcp-kubeconfig=/nonexistent/kcp.kubeconfig',
      ],
      { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH, HOME: '/nonexistent' } },
    );
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('--enable-sharding');
    expect(run.stderr).toContain('--enable-leader-election');
    expect(run.stderr).not.toContain("Moin, I'm the kcp Sync Agent");
  });
});
