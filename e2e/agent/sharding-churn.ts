// Churn for the sharding e2e (e2e/agent/sharding.e2e.ts): a ledger of every CronTab the test writes in
// kcp (its last spec, how often its spec changed and when) and a watch on the service-side copies that
// counts how often each copy was written, so the test can tell lost, duplicated, orphaned and
// over-written objects apart without trusting the agent's own view.
import type { RestClient, WatchEvent } from '../world/rest.js';
import { waitFor } from '../world/wait.js';
import { CRONTABS } from './helpers.js';

const REMOTE_CLUSTER = 'syncagent.kcp.io/remote-object-cluster';
const REMOTE_NAME = 'syncagent.kcp.io/remote-object-name';

export interface CronSpec {
  cronSpec: string;
  image: string;
  replicas: number;
}

/** One kcp CronTab the test wrote. */
export interface Tracked {
  team: number;
  cluster: string;
  name: string;
  spec: CronSpec;
  /** Spec changes made in kcp: the create and every update. */
  changes: number;
  /** Wall-clock times (ms) of those changes and of the delete. */
  writeTimes: number[];
  deleted: boolean;
}

/** `cluster|name`: identifies a kcp CronTab in the `default` namespace and its copy. */
export const keyOf = (cluster: string, name: string) => `${cluster}|${name}`;

export class Ledger {
  readonly objects = new Map<string, Tracked>();
  private seq = 0;

  private readonly teams: RestClient[];
  private readonly clusters: string[];

  constructor(teams: RestClient[], clusters: string[]) {
    this.teams = teams;
    this.clusters = clusters;
  }

  /** Creates a CronTab with a never reused name in team `team` and records it. */
  async create(team: number, prefix = 'churn'): Promise<Tracked> {
    const name = `${prefix}-${(this.seq++).toString().padStart(4, '0')}`;
    const started = Date.now();
    const spec: CronSpec = { cronSpec: `*/${(this.seq % 59) + 1} * * * *`, image: 'job:1', replicas: 1 };
    const t: Tracked = {
      team,
      cluster: this.clusters[team]!,
      name,
      spec,
      changes: 1,
      writeTimes: [started],
      deleted: false,
    };
    await this.teams[team]!.create(CRONTABS, {
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      metadata: { name, namespace: 'default' },
      spec,
    });
    this.objects.set(keyOf(t.cluster, name), t);
    return t;
  }

  /** Changes the spec (replicas + 1, new image tag) of a live tracked CronTab. */
  async update(t: Tracked): Promise<void> {
    const spec = { ...t.spec, replicas: t.spec.replicas + 1, image: `job:${t.spec.replicas + 1}` };
    const at = Date.now();
    await this.teams[t.team]!.mergePatch(`${CRONTABS}/${t.name}`, { spec });
    t.spec = spec;
    t.changes++;
    t.writeTimes.push(at);
  }

  async delete(t: Tracked): Promise<void> {
    const at = Date.now();
    await this.teams[t.team]!.delete(`${CRONTABS}/${t.name}`);
    t.deleted = true;
    t.writeTimes.push(at);
  }

  live(team?: number): Tracked[] {
    return [...this.objects.values()].filter((t) => !t.deleted && (team === undefined || t.team === team));
  }
}

/**
 * Runs create / update / delete operations one at a time over all teams, about `perSecond` of them,
 * until stop() is called. Request errors are counted, not thrown (kcp may be slow on a loaded
 * machine); the ledger only records what kcp accepted.
 */
export function startChurn(ledger: Ledger, teamCount: number, perSecond: number) {
  let running = true;
  let ops = 0;
  let errors = 0;
  let team = 0;
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      team = (team + 1) % teamCount;
      // Probes (see the sharding e2e) are left alone: their first sync is what is timed.
      const live = ledger.live(team).filter((t) => t.name.startsWith('churn-') || t.name.startsWith('seed-'));
      const roll = Math.random();
      try {
        if (live.length < 3 || roll < 0.4) await ledger.create(team);
        else if (roll < 0.8) await ledger.update(live[Math.floor(Math.random() * live.length)]!);
        else await ledger.delete(live[Math.floor(Math.random() * live.length)]!);
        ops++;
      } catch {
        errors++;
      }
      const wait = 1000 / perSecond - (Date.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    async stop(): Promise<{ ops: number; errors: number }> {
      running = false;
      await loop;
      return { ops, errors };
    },
  };
}

/** What the service cluster saw happen to one copy. */
export interface CopyHistory {
  /** Times (ms) of ADDED / MODIFIED events: every write that changed the copy. */
  writes: number[];
  deletes: number;
  /** The copy was created again after it had been deleted. */
  resurrected: boolean;
}

/**
 * Watches every CronTab copy on the service cluster from `resourceVersion` on and keeps a history per
 * kcp object (by the copy's remote-object labels and annotations).
 */
export async function watchCopies(service: RestClient) {
  const history = new Map<string, CopyHistory>();
  // Right after the CRD is established the apiserver may still answer 429 "storage is
  // (re)initializing" for a moment: wait for the first list to succeed.
  const list = await waitFor(() => service.list('/apis/example.com/v1/crontabs'), {
    description: 'the service cluster to list CronTabs',
    timeoutMs: 60_000,
    intervalMs: 500,
  });
  const onEvent = (ev: WatchEvent) => {
    if (ev.type === 'BOOKMARK' || ev.type === 'ERROR') return;
    const cluster = ev.object.metadata.labels?.[REMOTE_CLUSTER];
    const name = ev.object.metadata.annotations?.[REMOTE_NAME];
    if (!cluster || !name) return;
    const key = keyOf(cluster, name);
    let h = history.get(key);
    if (!h) history.set(key, (h = { writes: [], deletes: 0, resurrected: false }));
    if (ev.type === 'DELETED') h.deletes++;
    else {
      if (ev.type === 'ADDED' && h.deletes > 0) h.resurrected = true;
      h.writes.push(Date.now());
    }
  };
  const watch = await service.watch('/apis/example.com/v1/crontabs', onEvent, {
    resourceVersion: list.metadata.resourceVersion!,
    timeoutSeconds: 1800,
  });
  let ended = false;
  void watch.ended.finally(() => (ended = true));
  return {
    history,
    /** Whether the server closed the stream early (the counts would then be incomplete). */
    ended: () => ended,
    stop: () => watch.stop(),
  };
}
