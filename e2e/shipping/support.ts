// Helpers of the shipping tests: run kubectl from the test world, read a Deployment out of rendered
// manifests and run the real agent binary with its command line.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

import { binaryCacheDir, worldBinaries } from '../world/binaries.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
export const AGENT_MAIN = path.join(REPO_ROOT, 'dist', 'operator', 'main.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function done(r: SpawnSyncReturns<string>): Run {
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function kubectl(args: string[], opts: { input?: string } = {}): Run {
  return done(
    spawnSync(worldBinaries().kubectl, args, { encoding: 'utf8', input: opts.input, timeout: 120_000 }),
  );
}

/** `kubectl apply --server-side --dry-run=server` of a YAML stream: would the API server take it? */
export function serverDryRun(kubeconfig: string, yaml: string): Run {
  return kubectl(
    [
      '--kubeconfig',
      kubeconfig,
      'apply',
      '--server-side',
      '--force-conflicts',
      '--dry-run=server',
      '-f',
      '-',
    ],
    { input: yaml },
  );
}

/** Runs the built agent (dist/) with the Node that runs the tests (Node 24). */
export function runAgent(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  if (!existsSync(AGENT_MAIN)) throw new Error(`${AGENT_MAIN} is missing: run "npm run build" first`);
  return done(
    spawnSync(process.execPath, [AGENT_MAIN, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: '/nonexistent', ...env },
      timeout: 60_000,
    }),
  );
}

export interface KubeDoc {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  [k: string]: unknown;
}

export function parseDocs(text: string): KubeDoc[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeDoc | null)
    .filter((d): d is KubeDoc => d !== null && typeof d === 'object');
}

interface Container {
  name: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
}

/**
 * The agent container's arguments as the kubelet would pass them: `$(VAR)` references expanded
 * from the container's env (fieldRef metadata.namespace resolved to the given namespace).
 */
export function agentArgs(docs: KubeDoc[], namespace: string): string[] {
  const deployments = docs.filter((d) => d.kind === 'Deployment');
  if (deployments.length !== 1) throw new Error(`expected one Deployment, found ${deployments.length}`);
  const spec = deployments[0] as unknown as { spec: { template: { spec: { containers: Container[] } } } };
  const container = spec.spec.template.spec.containers.find((c) => c.name === 'agent');
  if (!container) throw new Error('Deployment has no container named "agent"');
  const vars = new Map<string, string>();
  for (const e of container.env ?? []) {
    if (e.value !== undefined) vars.set(e.name, e.value);
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') vars.set(e.name, namespace);
  }
  return (container.args ?? []).map((a) =>
    a.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => vars.get(name) ?? whole),
  );
}

/** Replaces the value of `--flag=value` (the manifests always use the `=` form). */
export function withFlag(args: string[], flag: string, value: string): string[] {
  const prefix = `--${flag}=`;
  const out = args.filter((a) => !a.startsWith(prefix));
  return [...out, `${prefix}${value}`];
}

/** The helm CLI built by hack/image/ensure-helm.sh (or HELM_BINARY). */
export function helmBinary(): string {
  const bin = process.env.HELM_BINARY || path.join(binaryCacheDir(), 'helm-v3.19.0');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run "bash hack/image/ensure-helm.sh" first`);
  return bin;
}

/** Runs helm with its cache/config/data directories under `home` (never the user's). */
export function helm(args: string[], home: string): Run {
  return done(
    spawnSync(helmBinary(), args, {
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        PATH: process.env.PATH,
        HOME: home,
        HELM_CACHE_HOME: path.join(home, '.helm', 'cache'),
        HELM_CONFIG_HOME: path.join(home, '.helm', 'config'),
        HELM_DATA_HOME: path.join(home, '.helm', 'data'),
      },
    }),
  );
}
