// The agent replicas of the scale mode: R processes with the same flags, each with its own metrics port
// and log (agent-<i>.log). R > 1 runs them sharded (the flags of docs/sharding.md, with the short lease
// timing the e2e tests use); R = 1 runs one agent without leader election, as the other modes do.
import { readFileSync } from 'node:fs';
import { startAgent, type AgentProcess } from '../../../e2e/world/agent.js';
import { freePort } from '../../../e2e/world/ports.js';

export const SHARD_FLAGS = [
  '--enable-leader-election',
  '--enable-sharding',
  '--shard-lease-duration=6s',
  '--shard-renew-deadline=4s',
  '--shard-retry-period=1s',
];

export interface ReplicaConfig {
  baseArgs: string[];
  sharded: boolean;
  /** Another agent binary (its first word is the executable), else the TypeScript agent. */
  agentCommand?: string | undefined;
  artifactsDir: string;
  extraAgentFlags: string[];
}

export interface Replica {
  name: string;
  pid: number;
  metricsPort: number;
  logPath: string;
  proc: AgentProcess;
  /** SIGKILL: no clean stop, its member Lease is left to expire. */
  kill(): void;
  stop(): Promise<void>;
}

export async function startReplica(cfg: ReplicaConfig, name: string): Promise<Replica> {
  const metricsPort = await freePort();
  const args = [
    ...cfg.baseArgs,
    ...(cfg.sharded
      ? [...SHARD_FLAGS, '--log-format', 'JSON']
      : ['--enable-leader-election=false', '--log-format', 'Console']),
    '--metrics-address',
    `127.0.0.1:${metricsPort}`,
    ...cfg.extraAgentFlags,
  ];
  // BENCH_AGENT_NODE_OPTIONS (e.g. "--cpu-prof --cpu-prof-dir=...") reaches the agent as NODE_OPTIONS.
  const env = { NODE_OPTIONS: process.env.BENCH_AGENT_NODE_OPTIONS ?? '' };
  let proc: AgentProcess;
  if (cfg.agentCommand) {
    const [cmd, ...cmdArgs] = cfg.agentCommand.split(/\s+/).filter(Boolean);
    proc = await startAgent({
      artifactsDir: cfg.artifactsDir,
      name,
      command: cmd!,
      args: [...cmdArgs, ...args],
      env,
    });
  } else {
    proc = await startAgent({ artifactsDir: cfg.artifactsDir, name, args, env });
  }
  return {
    name,
    pid: proc.pid,
    metricsPort,
    logPath: proc.logPath,
    proc,
    kill: () => {
      try {
        process.kill(proc.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
    stop: () => proc.stop(30_000),
  };
}

/** The whole /metrics page of a replica ('' when it does not answer within 10 s). */
export async function metricsText(port: number): Promise<string> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(10_000) });
    return await res.text();
  } catch {
    return '';
  }
}

/** Sum of a metric's samples whose label set contains every `labels` pair (NaN when absent). */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = Number.NaN;
  for (const line of text.split('\n')) {
    const m = line.match(/^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? ([0-9.e+-]+|NaN)$/);
    if (!m || m[1] !== name) continue;
    const ls = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).some(([k, v]) => ls[k] !== v)) continue;
    sum = (Number.isNaN(sum) ? 0 : sum) + Number(m[3]);
  }
  return sum;
}

/**
 * The workspaces a sharded replica owned last, from its log's "Shard view active" lines (their
 * `clusters` field is logged at debug level only: undefined without `--log-debug`).
 */
export function ownedClustersFromLog(logPath: string): string[] | undefined {
  let owned: string[] | undefined;
  let text = '';
  try {
    text = readFileSync(logPath, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    if (!line.includes('Shard view active')) continue;
    try {
      const rec = JSON.parse(line.slice(line.indexOf('{'))) as { clusters?: unknown };
      if (Array.isArray(rec.clusters)) owned = rec.clusters.map(String);
    } catch {
      // not a JSON line
    }
  }
  return owned;
}
