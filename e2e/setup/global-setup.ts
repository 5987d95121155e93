// Starts the one kcp of this e2e run and the default provider (org workspace, APIExport + endpoint
// slice, agent RBAC, two bound team workspaces). Test files find them via readRunCoordinates().
// Service clusters are started per test file (startServiceCluster).
// Jest loads global setup/teardown outside its module system (no moduleNameMapper), so relative
// `.js` imports of our TypeScript files are mapped to `.ts` by this resolve hook (first import).
import '../../hack/lib/ts-hooks.mjs';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startKcp, type Kcp } from '../world/kcp.js';
import { PID_REGISTRY_ENV, REPO_ROOT, installExitHooks } from '../world/process.js';
import { createProvider } from '../world/provider.js';
import { RUN_FILE_ENV, writeRunCoordinates } from '../world/run.js';

/** Shared with global-teardown (same process). */
export const state: { kcp?: Kcp; runDir?: string } = {};
(globalThis as any).__apiSyncagentE2E = state;

export default async function globalSetup(): Promise<void> {
  const t0 = Date.now();
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'api-syncagent-e2e-'));
  state.runDir = runDir;
  // Every process group started by this run (in any test file) is recorded here for the teardown.
  const registry = path.join(runDir, 'pids');
  writeFileSync(registry, '');
  process.env[PID_REGISTRY_ENV] = registry;
  installExitHooks();

  const artifactsRoot = path.join(REPO_ROOT, '.artifacts');
  mkdirSync(artifactsRoot, { recursive: true });
  const kcp = await startKcp({ artifactsDir: path.join(artifactsRoot, 'kcp') });
  state.kcp = kcp;
  const provider = await createProvider(kcp, { org: 'provider' });
  const runFile = path.join(runDir, 'run.json');
  writeRunCoordinates(runFile, {
    kcp: {
      url: kcp.url,
      caPem: kcp.caPem,
      adminToken: kcp.adminToken,
      agentToken: kcp.agentToken,
      agentUser: kcp.agentUser,
      dir: kcp.dir,
      logPath: kcp.logPath,
      pgid: kcp.pgid,
      ...(kcp.version ? { version: kcp.version } : {}),
      ...(kcp.binary ? { binary: kcp.binary } : {}),
    },
    provider: {
      orgPath: provider.orgPath,
      orgClusterName: provider.orgClusterName,
      exportName: provider.exportName,
      endpointSliceName: provider.endpointSliceName,
      teamPaths: provider.teamPaths,
      teamClusterNames: provider.teamClusterNames,
      adminKubeconfigPath: provider.adminKubeconfigPath,
      agentKubeconfigPath: provider.agentKubeconfigPath,
    },
    artifactsRoot,
  });
  process.env[RUN_FILE_ENV] = runFile;
  console.log(
    `\n[e2e] kcp ${kcp.version ?? '(version unknown)'} (${kcp.binary}) at ${kcp.url} ready with provider ${provider.orgPath} in ${Math.round((Date.now() - t0) / 1000)}s (log ${kcp.logPath})`,
  );
}
