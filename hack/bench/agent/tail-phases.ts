// The phases the normal modes of the agent benchmark run last, after every other figure is taken:
// fairness (full mode only: a 5,000-object flood in team-0 next to a quiet team-1) and the floor (every
// mode; the agent is stopped first). Their figures go into result.json next to the others, and the
// report prints the agent's burst throughput and 20/s spec-down latency as ratios to the floor.
import type { Kcp } from '../../../e2e/world/kcp.js';
import type { ProviderWorld } from '../../../e2e/world/provider.js';
import type { ServiceCluster } from '../../../e2e/world/service-cluster.js';
import { CopyTracker } from './copy-tracker.js';
import { runFairness, type FairnessResult } from './fairness-phase.js';
import { ratioToFloor, runFloor, type FloorResult } from './floor-phase.js';
import { jsonClient } from './http.js';
import { summarize } from './stats.js';

export interface TailResult {
  fairness?: FairnessResult | undefined;
  floor?: FloorResult | undefined;
}

export interface TailDeps {
  fairness: boolean;
  kcp: Kcp;
  provider: ProviderWorld;
  svc: ServiceCluster;
  stopAgent: () => Promise<void>;
  say: (m: string) => void;
}

export async function runTailPhases(deps: TailDeps): Promise<TailResult> {
  const { kcp, provider, svc, say } = deps;
  const kcpClient = jsonClient({ ...kcp.adminCredentials('root'), server: kcp.url }, 64);
  const svcClient = jsonClient(svc.client.creds);
  const workspaces = provider.teamPaths.map((p, i) => ({ path: p, cluster: provider.teamClusterNames[i]! }));
  const out: TailResult = {};
  try {
    if (deps.fairness) {
      const tracker = await CopyTracker.start(svc.client, '/apis/example.com/v1/crontabs');
      try {
        out.fairness = await runFairness(
          { kcp: kcpClient, tracker, tenantA: workspaces[0]!, tenantB: workspaces[1]!, say },
          'fair',
        );
      } finally {
        tracker.stop();
      }
    }
    say('stopping the agent for the floor phase ...');
    await deps.stopAgent();
    out.floor = await runFloor({
      kcp: kcpClient,
      agentCreds: kcp.agentCredentials(provider.orgPath),
      virtualWorkspaceUrl: await provider.virtualWorkspaceUrl(),
      svc: svcClient,
      workspaces,
      say,
    });
  } finally {
    kcpClient.close();
    svcClient.close();
  }
  return out;
}

/** Report lines for the tail phases; `burstPerSecond` and `specDownP50` are the agent's medians. */
export function tailMarkdown(t: TailResult, burstPerSecond: number, specDown: number[]): string {
  const lines: string[] = [];
  if (t.fairness) {
    const f = t.fairness;
    lines.push(
      '',
      `Fairness: tenant A floods ${f.floodN} objects at once in team-0 (fully synced after ${f.floodSeconds.toFixed(1)} s, creates ${f.floodCreateSeconds.toFixed(1)} s), tenant B creates ${f.quietN} at ${f.quietRate}/s in team-1:`,
      '',
      '| quiet tenant spec-down (ms) | n | p50 | p90 | p99 | max |',
      '|---|---|---|---|---|---|',
      `| alone | ${f.quietAlone.count} | ${f.quietAlone.p50.toFixed(0)} | ${f.quietAlone.p90.toFixed(0)} | ${f.quietAlone.p99.toFixed(0)} | ${f.quietAlone.max.toFixed(0)} |`,
      `| during the flood | ${f.quietDuringFlood.count} | ${f.quietDuringFlood.p50.toFixed(0)} | ${f.quietDuringFlood.p90.toFixed(0)} | ${f.quietDuringFlood.p99.toFixed(0)} | ${f.quietDuringFlood.max.toFixed(0)} |`,
    );
  }
  if (t.floor) {
    const fl = t.floor;
    const agent = summarize(specDown);
    lines.push(
      '',
      `Floor (the agent's requests per object without the agent, ${4} workers): ${fl.burstN} objects at once in ${fl.burstSeconds.toFixed(1)} s = ${fl.objectsPerSecond.toFixed(0)}/s; at ${fl.steady.rate}/s p50 ${fl.steady.latency.p50.toFixed(0)} ms, p99 ${fl.steady.latency.p99.toFixed(0)} ms (create sent → copy written).`,
      `Agent against the floor: burst throughput ${ratioToFloor(burstPerSecond, fl.objectsPerSecond, 'throughput')}; spec-down at ${fl.steady.rate}/s p50 ${ratioToFloor(agent.p50, fl.steady.latency.p50, 'latency')}, p99 ${ratioToFloor(agent.p99, fl.steady.latency.p99, 'latency')}.`,
    );
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}
