// The benchmark's result shape and its Markdown report (tables of latency percentiles, figures and the
// PASS/MISS verdict per target), kept apart from the measuring code in hack/bench/agent-bench.ts.
import { COLOUR_NAMES } from './png.js';
import { spread, type LatencySummary, type Spread } from './stats.js';

export interface RepResult {
  specDown: Record<string, LatencySummary>;
  /** kcp's answer time to the benchmark's own creates: how loaded kcp is, independent of the agent. */
  kcpCreate: Record<string, LatencySummary>;
  statusUp: LatencySummary;
  burstSeconds: number;
  burstCreateSeconds: number;
  burstObjectsPerSecond: number;
  requestsPerObject: { total: number; bySideVerb: Record<string, number> };
  cpuSecondsPer1000: number;
  load: string;
}

export interface Target {
  name: string;
  value: number;
  unit: string;
  target: string;
  ok: boolean;
  verdict: string;
}

export interface BenchResult {
  started: string;
  finished: string;
  mode: string;
  seed: number;
  repetitions: number;
  agent: string;
  extraAgentFlags: string[];
  loadAverage: { start: string; end: string };
  config: {
    teams: number;
    rates: { rate: number; n: number }[];
    statusN: number;
    statusRate: number;
    burstN: number;
    bigN: number;
  };
  rss: {
    idleMiB: number;
    afterBurstMiB: number;
    afterBurstObjects: number;
    bigMiB?: number | undefined;
    bigObjects?: number | undefined;
    detail: { idle: string; afterBurst: string; big?: string | undefined };
  };
  /**
   * Related-object latency: a service-cluster Secret rotated until its kcp copy carries the new
   * value (one summary per repetition), measured after the memory figures so it does not change them.
   */
  related?: { objects: number; rate: number; perRep: LatencySummary[] } | undefined;
  throttledCreates: number;
  failedObjects: number;
  repetitionsDetail: RepResult[];
  targets: Target[];
  samples: Record<string, number[]>;
}

/** One line of a latency summary for the progress log. */
export function fmt(s: LatencySummary): string {
  return `n=${s.count} p50 ${s.p50.toFixed(0)} p90 ${s.p90.toFixed(0)} p99 ${s.p99.toFixed(0)} max ${s.max.toFixed(0)} ms`;
}

/** The Markdown report of a result (as written to result.json); `seriesNames` in chart colour order. */
export function markdown(result: BenchResult, seriesNames: string[]): string {
  const reps = result.repetitionsDetail;
  const med = (f: (r: RepResult) => number): Spread => spread(reps.map(f));
  const STATUS_RATE = result.config.statusRate;
  const BURST_N = result.config.burstN;
  const RATES = result.config.rates;
  const mmm = (s: Spread, d = 0): string =>
    reps.length > 1
      ? `${s.median.toFixed(d)} (${s.min.toFixed(d)} – ${s.max.toFixed(d)})`
      : s.median.toFixed(d);
  const lines = [
    `# Agent benchmark (${result.mode}, ${result.repetitions} repetition(s), seed ${result.seed})`,
    '',
    `Agent: \`${result.agent}${result.extraAgentFlags.length ? ' ' + result.extraAgentFlags.join(' ') : ''}\`; ${result.started} – ${result.finished}; load average at start ${result.loadAverage.start}, at end ${result.loadAverage.end} (2 cores, shared).`,
    reps.length > 1 ? 'Figures are median (min – max) over repetitions.' : '',
    '',
    '| latency (ms) | n | p50 | p90 | p99 | max |',
    '|---|---|---|---|---|---|',
  ];
  for (const rate of Object.keys(reps[0]!.specDown)) {
    const f = (k: keyof LatencySummary) => mmm(med((r) => r.specDown[rate]![k]));
    lines.push(
      `| spec-down at ${rate} | ${f('count')} | ${f('p50')} | ${f('p90')} | ${f('p99')} | ${f('max')} |`,
    );
  }
  for (const rate of Object.keys(reps[0]!.kcpCreate)) {
    const f = (k: keyof LatencySummary) => mmm(med((r) => r.kcpCreate[rate]![k]));
    lines.push(
      `| (kcp answering the benchmark's creates at ${rate}) | ${f('count')} | ${f('p50')} | ${f('p90')} | ${f('p99')} | ${f('max')} |`,
    );
  }
  {
    const f = (k: keyof LatencySummary) => mmm(med((r) => r.statusUp[k]));
    lines.push(
      `| status-up at ${STATUS_RATE}/s | ${f('count')} | ${f('p50')} | ${f('p90')} | ${f('p99')} | ${f('max')} |`,
    );
  }
  if (result.related && result.related.perRep.length > 0) {
    const rel = result.related;
    const f = (k: keyof LatencySummary) => {
      const sp = spread(rel.perRep.map((r) => r[k]));
      return rel.perRep.length > 1
        ? `${sp.median.toFixed(0)} (${sp.min.toFixed(0)} – ${sp.max.toFixed(0)})`
        : sp.median.toFixed(0);
    };
    lines.push(
      `| related Secret rotated on the service cluster → kcp copy, at ${rel.rate}/s | ${f('count')} | ${f('p50')} | ${f('p90')} | ${f('p99')} | ${f('max')} |`,
    );
  }
  lines.push(
    '',
    '| figure | value |',
    '|---|---|',
    `| ${BURST_N} objects created at once (50 parallel creates): all synced after | ${mmm(
      med((r) => r.burstSeconds),
      1,
    )} s (creating them took ${mmm(
      med((r) => r.burstCreateSeconds),
      1,
    )} s) |`,
    `| creates kcp throttled (429, retried) / failed for good | ${result.throttledCreates} / ${result.failedObjects} |`,
    `| burst throughput | ${mmm(
      med((r) => r.burstObjectsPerSecond),
      0,
    )} objects/s |`,
    `| CPU per 1,000 objects (burst, agent utime+stime) | ${mmm(
      med((r) => r.cpuSecondsPer1000),
      1,
    )} s |`,
    `| RSS idle (after warm-up) | ${result.rss.detail.idle} |`,
    `| RSS with ${result.rss.afterBurstObjects} synced objects | ${result.rss.detail.afterBurst} |`,
    ...(result.rss.bigMiB !== undefined
      ? [`| RSS with ${result.rss.bigObjects} synced objects | ${result.rss.detail.big} |`]
      : []),
    `| API requests per new object (at ${RATES[0]!.rate}/s) | ${mmm(
      med((r) => r.requestsPerObject.total),
      2,
    )} |`,
  );
  const verbs = Object.keys(reps[0]!.requestsPerObject.bySideVerb).sort();
  for (const v of verbs)
    lines.push(
      `| &nbsp;&nbsp;${v} | ${mmm(
        med((r) => r.requestsPerObject.bySideVerb[v] ?? 0),
        2,
      )} |`,
    );
  lines.push('', '| target | measured | verdict |', '|---|---|---|');
  for (const t of result.targets)
    lines.push(
      `| ${t.name} ${t.target} | ${t.value.toFixed(t.unit === 'ms' ? 0 : 2)} ${t.unit} | ${t.verdict} |`,
    );
  lines.push(
    '',
    `Chart: latency-cdf.png (x: ms, y: share of objects); ${seriesNames.map((n, i) => `${COLOUR_NAMES[i]} = ${n}`).join(', ')}.`,
    '',
  );
  return lines.filter((l, i, a) => !(l === '' && a[i - 1] === '')).join('\n');
}
