// Starts the agent the way a user would: `node dist/operator/main.js <flags>` (Node 24 from
// node_modules/.bin), as a child process in its own process group, logging to <artifactsDir>/agent.log.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, startProcess } from './process.js';

export interface AgentOptions {
  /** Command-line flags, exactly as a user passes them. */
  args: string[];
  /** Extra environment (merged over the current one). */
  env?: NodeJS.ProcessEnv;
  /** Directory for agent.log, e.g. .artifacts/<test name>. */
  artifactsDir: string;
  /** Name used in messages and the log file name (default "agent"). */
  name?: string;
  /** Script to run instead of dist/operator/main.js (e.g. dist/operator/toolkit/main.js). */
  entrypoint?: string;
  /**
   * An executable to run with `args` instead of the TypeScript agent (e.g. the Go agent's binary,
   * see goAgentBinary()); entrypoint is then ignored.
   */
  command?: string;
}

export interface AgentProcess {
  /** pid of the node process running the agent (the process group id is `pgid`). */
  pid: number;
  pgid: number;
  logPath: string;
  /** Resolves with the exit code (or signal) when the agent exits. */
  exited: Promise<number | string>;
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL after graceMs. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The flags of a typical invocation of the Go agent: service-cluster kubeconfig, the agent user's kcp
 * kubeconfig (on the endpoint-slice workspace), the slice name, no leader election, console logs.
 * Metrics are disabled unless a port is given; extra flags are appended.
 */
export function standardAgentArgs(o: {
  agentName: string;
  endpointSliceName: string;
  serviceKubeconfig: string;
  kcpKubeconfig: string;
  namespace?: string;
  metricsPort?: number;
  extra?: string[];
}): string[] {
  return [
    '--agent-name',
    o.agentName,
    '--apiexportendpointslice-ref',
    o.endpointSliceName,
    '--enable-leader-election=false',
    '--kubeconfig',
    o.serviceKubeconfig,
    '--kcp-kubeconfig',
    o.kcpKubeconfig,
    '--namespace',
    o.namespace ?? 'kube-system',
    '--log-format',
    'Console',
    '--log-debug=true',
    '--health-address',
    '0',
    '--metrics-address',
    o.metricsPort ? `127.0.0.1:${o.metricsPort}` : '0',
    ...(o.extra ?? []),
  ];
}

export const AGENT_ENTRYPOINT = path.join(REPO_ROOT, 'dist/operator/main.js');
/** Node flags of the shipped entrypoint (hack/image/api-syncagent; e2e/shipping checks they agree). */
export const AGENT_NODE_FLAGS = ['--max-semi-space-size=8'];
const NODE = path.join(REPO_ROOT, 'node_modules/.bin/node');

export async function startAgent(opts: AgentOptions): Promise<AgentProcess> {
  const entrypoint = opts.entrypoint ?? AGENT_ENTRYPOINT;
  if (opts.command !== undefined) {
    if (!existsSync(opts.command)) throw new Error(`the agent command ${opts.command} does not exist`);
  } else if (!existsSync(entrypoint)) {
    throw new Error(`the agent is not built: ${entrypoint} is missing; run "npm run build"`);
  }
  const name = opts.name ?? 'agent';
  const logPath = path.join(opts.artifactsDir, `${name}.log`);
  const proc = startProcess({
    name,
    command: opts.command ?? (existsSync(NODE) ? NODE : process.execPath),
    args: opts.command !== undefined ? opts.args : [...AGENT_NODE_FLAGS, entrypoint, ...opts.args],
    env: { ...process.env, ...opts.env },
    logPath,
  });
  // The reaper writes the agent's own pid right after forking it.
  const deadline = Date.now() + 5_000;
  let pid = proc.serverPid();
  while (pid === undefined && Date.now() < deadline && !proc.hasExited()) {
    await new Promise((r) => setTimeout(r, 50));
    pid = proc.serverPid();
  }
  return {
    pid: pid ?? proc.pgid,
    pgid: proc.pgid,
    logPath,
    exited: proc.exited,
    hasExited: proc.hasExited,
    stop: (graceMs) => proc.stop(graceMs),
  };
}

/**
 * The reference Go agent (kcp-dev/api-syncagent) as a binary path, for the compatibility tests:
 * GO_SYNCAGENT_BINARY if set, else what `../shared/reference/go-api-syncagent --path` prints (relative
 * to the repository: CI runs in a clone with shared/ beside it); undefined when neither exists.
 */
export function goAgentBinary(): string | undefined {
  const override = process.env.GO_SYNCAGENT_BINARY;
  if (override) return existsSync(override) ? override : undefined;
  const wrapper = path.join(REPO_ROOT, '..', 'shared', 'reference', 'go-api-syncagent');
  if (!existsSync(wrapper)) return undefined;
  try {
    const p = execFileSync('bash', [wrapper, '--path'], { encoding: 'utf8', timeout: 120_000 }).trim();
    return p && existsSync(p) ? p : undefined;
  } catch {
    return undefined;
  }
}
