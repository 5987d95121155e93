// The fairness phase: does a tenant flooding its workspace delay a quiet tenant? Tenant A creates
// `floodN` CronTabs at once (closed loop, 50 in flight) in one workspace while tenant B, in another
// workspace, creates one object per second; B's spec-down latency during the flood is compared with B's
// latency at the same rate without a flood (measured first), and A's flood completion time (first
// create → last copy) is reported. Every wait is bounded.
import { performance } from 'node:perf_hooks';
import { closedLoopCreate, openLoopCreate, type NewObject } from './closed-loop.js';
import type { CopyTracker } from './copy-tracker.js';
import type { JsonClient } from './http.js';
import { summarize, type LatencySummary } from './stats.js';

export interface FairnessResult {
  floodN: number;
  quietN: number;
  quietRate: number;
  quietAlone: LatencySummary;
  quietDuringFlood: LatencySummary;
  floodSeconds: number;
  floodCreateSeconds: number;
  floodMissing: number;
  samples: { alone: number[]; duringFlood: number[] };
}

export interface FairnessDeps {
  kcp: JsonClient;
  tracker: CopyTracker;
  tenantA: { path: string; cluster: string };
  tenantB: { path: string; cluster: string };
  say: (m: string) => void;
}

const objects = (ws: { path: string; cluster: string }, prefix: string, n: number): NewObject[] =>
  Array.from({ length: n }, (_, i) => ({ ...ws, name: `${prefix}-${i}` }));

async function latencies(
  deps: FairnessDeps,
  sentAt: Map<string, number>,
  limitMs: number,
): Promise<number[]> {
  const missing = await deps.tracker.waitFor([...sentAt.keys()], limitMs);
  if (missing.length) deps.say(`WARNING: fairness: ${missing.length}/${sentAt.size} objects not synced`);
  return [...sentAt.entries()]
    .filter(([k]) => deps.tracker.seenAt.has(k))
    .map(([k, t]) => deps.tracker.seenAt.get(k)! - t);
}

export async function runFairness(
  deps: FairnessDeps,
  tag: string,
  floodN = 5000,
  quietN = 30,
  quietRate = 1,
): Promise<FairnessResult> {
  const { say } = deps;
  say(`fairness: quiet tenant alone, ${quietN} objects at ${quietRate}/s ...`);
  const aloneSent = await openLoopCreate(
    deps.kcp,
    objects(deps.tenantB, `${tag}-quiet-alone`, quietN),
    quietRate,
    say,
  );
  const alone = await latencies(deps, aloneSent, 120_000);

  say(
    `fairness: tenant A floods ${floodN} objects at once while the quiet tenant creates ${quietN} at ${quietRate}/s ...`,
  );
  const flood = objects(deps.tenantA, `${tag}-flood`, floodN);
  const t0 = performance.now();
  const floodCreates = closedLoopCreate(deps.kcp, flood, 50, say, 'flood');
  const quietSent = await openLoopCreate(
    deps.kcp,
    objects(deps.tenantB, `${tag}-quiet-flood`, quietN),
    quietRate,
    say,
  );
  const during = await latencies(deps, quietSent, Math.max(180_000, floodN * 200));
  const fc = await floodCreates;
  const floodKeys = [...fc.sentAt.keys()];
  const missing = await deps.tracker.waitFor(floodKeys, Math.max(180_000, floodN * 200));
  const last = Math.max(
    ...floodKeys.map((k) => deps.tracker.seenAt.get(k) ?? Number.NaN).filter(Number.isFinite),
  );
  const result: FairnessResult = {
    floodN,
    quietN,
    quietRate,
    quietAlone: summarize(alone),
    quietDuringFlood: summarize(during),
    floodSeconds: (last - t0) / 1000,
    floodCreateSeconds: fc.seconds,
    floodMissing: missing.length + fc.failed.length,
    samples: { alone, duringFlood: during },
  };
  say(
    `fairness: quiet tenant p50/p99 alone ${result.quietAlone.p50.toFixed(0)}/${result.quietAlone.p99.toFixed(0)} ms, during the flood ${result.quietDuringFlood.p50.toFixed(0)}/${result.quietDuringFlood.p99.toFixed(0)} ms; flood of ${floodN} synced in ${result.floodSeconds.toFixed(1)} s (creates ${fc.seconds.toFixed(1)} s)`,
  );
  return result;
}
