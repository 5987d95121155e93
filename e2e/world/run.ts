// The run-wide test world started by jest's global setup (one kcp and a default provider), passed to
// test files through a JSON file whose path is in an environment variable.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connectKcp, type Kcp, type KcpCoordinates } from './kcp.js';
import { REPO_ROOT } from './process.js';
import { RestClient } from './rest.js';

export const RUN_FILE_ENV = 'API_SYNCAGENT_E2E_RUN';

export interface RunCoordinates {
  kcp: KcpCoordinates;
  /** The default provider (see createProvider) created for the run. */
  provider: {
    orgPath: string;
    orgClusterName: string;
    exportName: string;
    endpointSliceName: string;
    teamPaths: string[];
    teamClusterNames: string[];
    adminKubeconfigPath: string;
    agentKubeconfigPath: string;
  };
  /** Directory of this run's artifacts (.artifacts/). */
  artifactsRoot: string;
}

export function writeRunCoordinates(file: string, run: RunCoordinates): void {
  writeFileSync(file, JSON.stringify(run, null, 2), { mode: 0o600 });
}

export function readRunCoordinates(): RunCoordinates {
  const file = process.env[RUN_FILE_ENV];
  if (!file)
    throw new Error(
      `${RUN_FILE_ENV} is not set: run e2e tests through jest's e2e project (npm run test:e2e)`,
    );
  return JSON.parse(readFileSync(file, 'utf8')) as RunCoordinates;
}

/** The run's kcp, for test files. */
export function runKcp(): Kcp {
  return connectKcp(readRunCoordinates().kcp);
}

/** The admin client on a workspace of the run's kcp. */
export function kcpAdmin(clusterPath: string): RestClient {
  return runKcp().admin.forCluster(clusterPath);
}

/** Artifacts directory for one test file / test, e.g. .artifacts/smoke-world. */
export function artifactsDirFor(name: string): string {
  return path.join(REPO_ROOT, '.artifacts', name.replace(/[^a-zA-Z0-9_.-]+/g, '-'));
}
