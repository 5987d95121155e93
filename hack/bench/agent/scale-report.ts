// The result shape and the Markdown report of the phase modes (scale-mode.ts): workspaces, fill and
// full sync, per-replica memory/CPU, API cost, steady-state latency, handover, fairness and the floor,
// with every agent throughput/latency figure also as a ratio to the floor.
import type { FairnessResult } from './fairness-phase.js';
import { ratioToFloor, type FloorResult } from './floor-phase.js';
import { COLOUR_NAMES } from './png.js';
import type { LatencySummary } from './stats.js';

export interface ReplicaFigures {
  name: string;
  pid: number;
  idle: string;
  idleRssMiB: number;
  end?: string;
  endRssMiB?: number;
  cpuSecondsPer1000?: number;
  requestsPerObject?: number;
}

export interface ScaleResult {
  started: string;
  finished: string;
  agent: string;
  extraAgentFlags: string[];
  loadAverage: { start: string; end: string };
  options: Record<string, unknown>;
  workspaces: { n: number; seconds: number; perSecond: number };
  replicas: ReplicaFigures[];
  fill?: {
    objects: number;
    createSeconds: number;
    createRate: number;
    throttled: number;
    failed: number;
    missing: number;
    fullSyncSeconds: number;
    syncRate: number;
    requestsPerObject: { total: number; bySideVerb: Record<string, number> };
    cpuSecondsPer1000Sum: number;
  };
  steady?: { rate: number; seconds: number; latency: LatencySummary };
  handover?: {
    killed: string;
    ownedByKilled?: number | undefined;
    probes: number;
    probesMissing: number;
    killToAllProbesSyncedSeconds: number;
    killToKilledReplicasProbesSyncedSeconds?: number | undefined;
    probeLatency: LatencySummary;
    rebalance: {
      joinedSeconds: number;
      serviceWrites: number;
      kcpWrites: number;
      reconciles: number;
      serviceWritesByVerb?: Record<string, number>;
    };
  };
  fairness?: FairnessResult;
  floor?: FloorResult;
  /** Phase name → seconds. */
  durations: Record<string, number>;
  samples: Record<string, number[]>;
}

const ms = (v: number): string => (Number.isFinite(v) ? v.toFixed(0) : 'n/a');
const lat = (name: string, s: LatencySummary): string =>
  `| ${name} | ${s.count} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.max)} |`;

export function scaleMarkdown(r: ScaleResult, seriesNames: string[]): string {
  const o = r.options;
  const fl = r.floor;
  const lines = [
    `# Agent benchmark, phase modes (${['scale', 'fairness', 'floor'].filter((k) => o[k]).join(', ')})`,
    '',
    `Agent: \`${r.agent}${r.extraAgentFlags.length ? ' ' + r.extraAgentFlags.join(' ') : ''}\`, ${r.replicas.length} replica(s) started${Number(o.replicas) > 1 ? ' (sharded; one was replaced in the handover)' : ''}; ${r.started} – ${r.finished}; load average at start ${r.loadAverage.start}, at end ${r.loadAverage.end} (2 cores, shared).`,
    '',
    '| figure | value |',
    '|---|---|',
    `| ${r.workspaces.n} workspaces created and bound | ${r.workspaces.seconds.toFixed(1)} s = ${r.workspaces.perSecond.toFixed(1)}/s (${String(o.workspaceConcurrency)} in parallel) |`,
  ];
  if (r.fill) {
    const f = r.fill;
    const floorRate = fl?.objectsPerSecond ?? Number.NaN;
    lines.push(
      `| ${f.objects} CronTabs created (closed loop, ${String(o.fillConcurrency)} in flight) | ${f.createSeconds.toFixed(1)} s = ${f.createRate.toFixed(0)}/s; ${f.throttled} throttled (429), ${f.failed} failed |`,
      `| time to full sync (first create → last copy) | **${f.fullSyncSeconds.toFixed(1)} s = ${f.syncRate.toFixed(0)} objects/s** (${ratioToFloor(f.syncRate, floorRate, 'throughput')}); ${f.missing} not synced |`,
      `| API requests per object (all replicas) | ${f.requestsPerObject.total.toFixed(2)}: ${Object.entries(
        f.requestsPerObject.bySideVerb,
      )
        .filter(([, v]) => v >= 0.005)
        .sort()
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join(', ')} |`,
      `| CPU per 1,000 objects, summed over replicas | ${f.cpuSecondsPer1000Sum.toFixed(2)} s |`,
    );
  }
  if (r.handover) {
    const h = r.handover;
    lines.push(
      `| handover: SIGKILL ${h.killed}, then a probe in each of ${h.probes} workspaces | all synced ${h.killToAllProbesSyncedSeconds.toFixed(1)} s after the kill${h.killToKilledReplicasProbesSyncedSeconds !== undefined ? `; the ${h.ownedByKilled} workspaces of the killed replica: ${h.killToKilledReplicasProbesSyncedSeconds.toFixed(1)} s` : ''}; ${h.probesMissing} missing |`,
      `| rebalance: replacement started → every replica sees it | ${h.rebalance.joinedSeconds.toFixed(1)} s |`,
      `| rebalance (until 15 s after): writes / reconciles, all replicas | service ${h.rebalance.serviceWrites}${
        h.rebalance.serviceWritesByVerb
          ? ` (${Object.entries(h.rebalance.serviceWritesByVerb)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}; the PUTs include the member Lease renewals)`
          : ''
      }, kcp ${h.rebalance.kcpWrites} / ${h.rebalance.reconciles} reconciles |`,
    );
  }
  if (fl) {
    lines.push(
      `| floor (no agent, ${4} workers): ${fl.burstN} objects at once | ${fl.burstSeconds.toFixed(1)} s = ${fl.objectsPerSecond.toFixed(0)}/s; ${fl.failed} failed |`,
    );
  }
  if (r.fairness) {
    const fr = r.fairness;
    lines.push(
      `| fairness: flood of ${fr.floodN} in one workspace fully synced | ${fr.floodSeconds.toFixed(1)} s (creates ${fr.floodCreateSeconds.toFixed(1)} s); ${fr.floodMissing} missing |`,
    );
  }
  lines.push(
    '',
    '| replica | RSS idle | RSS at the end | CPU per 1,000 objects | API requests per object |',
    '|---|---|---|---|---|',
  );
  for (const f of r.replicas)
    lines.push(
      `| ${f.name} | ${f.idle} | ${f.end ?? 'n/a'} | ${f.cpuSecondsPer1000?.toFixed(2) ?? 'n/a'} s | ${f.requestsPerObject?.toFixed(2) ?? 'n/a'} |`,
    );
  lines.push('', '| latency (ms) | n | p50 | p90 | p99 | max |', '|---|---|---|---|---|---|');
  if (r.steady) lines.push(lat(`spec-down at ${r.steady.rate}/s after the fill`, r.steady.latency));
  if (r.handover) lines.push(lat('handover probes (kill → copy)', r.handover.probeLatency));
  if (r.fairness) {
    lines.push(lat(`quiet tenant at ${r.fairness.quietRate}/s, alone`, r.fairness.quietAlone));
    lines.push(
      lat(`quiet tenant at ${r.fairness.quietRate}/s, during the flood`, r.fairness.quietDuringFlood),
    );
  }
  if (fl)
    lines.push(lat(`floor at ${fl.steady.rate}/s (create sent → copy written, no agent)`, fl.steady.latency));
  if (fl && r.steady)
    lines.push(
      '',
      `Spec-down p50 at steady state: ${ratioToFloor(r.steady.latency.p50, fl.steady.latency.p50, 'latency')}; p99: ${ratioToFloor(r.steady.latency.p99, fl.steady.latency.p99, 'latency')}.`,
    );
  lines.push(
    '',
    `Phase durations (s): ${Object.entries(r.durations)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
  );
  lines.push(
    '',
    `Chart: latency-cdf.png; ${seriesNames.map((n, i) => `${COLOUR_NAMES[i]} = ${n}`).join(', ')}.`,
    '',
  );
  return lines.join('\n');
}
