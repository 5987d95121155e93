// One kcp server (`kcp start` with embedded etcd) on free ports, with token authentication from a
// token file: an admin token (group system:kcp:admin, like kcp's own kcp-admin user) and a non-admin
// "provider agent" token whose user gets exactly the kcp permissions a provider grants (provider.ts).
//
// The started server is described by KcpCoordinates (plain JSON), so the one kcp started in jest's
// global setup can be reached from every test file with connectKcp().
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { worldBinaries } from './binaries.js';
import { forClusterPath, readKubeconfig, writeKubeconfig, type Credentials } from './kubeconfig.js';
import { freePorts } from './ports.js';
import { REPO_ROOT, logTail, startProcess } from './process.js';
import { ApiError, RestClient, type KubeObject } from './rest.js';
import { StopWaiting, waitFor } from './wait.js';

/** The user name of the non-admin identity the agent runs as. */
export const AGENT_USER = 'provider-agent';

export interface KcpCoordinates {
  /** https://127.0.0.1:<port> (no /clusters suffix) */
  url: string;
  caPem: string;
  adminToken: string;
  agentToken: string;
  agentUser: string;
  /** Temporary directory (kcp root dir, kubeconfigs). */
  dir: string;
  logPath: string;
  /** Process group of the server, if this process started it. */
  pgid?: number;
  /** The kcp release the server binary reports (`kcp --version`), e.g. "v0.30.0". */
  version?: string;
  /** The kcp binary the server runs. */
  binary?: string;
}

export interface Kcp extends KcpCoordinates {
  /** Admin client on /clusters/root. */
  admin: RestClient;
  /** Admin kubeconfig on /clusters/root. */
  adminKubeconfigPath: string;
  adminCredentials(clusterPath: string): Credentials;
  agentCredentials(clusterPath: string): Credentials;
  /** Writes an admin kubeconfig for a workspace path (default: into the kcp dir). */
  writeAdminKubeconfig(clusterPath: string, file?: string): string;
  /** Writes a kubeconfig of the provider-agent user for a workspace path. */
  writeAgentKubeconfig(clusterPath: string, file?: string): string;
  /** Creates a workspace (idempotent) and waits until it is Ready; returns its path. */
  createWorkspace(
    parentPath: string,
    name: string,
    opts?: { type?: { name: string; path: string } },
  ): Promise<string>;
  /** The logical cluster name (kcp.io/cluster) of a workspace path. */
  logicalClusterName(clusterPath: string): Promise<string>;
  stop(): Promise<void>;
}

export interface StartKcpOptions {
  artifactsDir?: string;
  readyTimeoutMs?: number;
}

export async function startKcp(opts: StartKcpOptions = {}): Promise<Kcp> {
  const bins = worldBinaries();
  const artifactsDir = opts.artifactsDir ?? path.join(REPO_ROOT, '.artifacts', 'kcp');
  mkdirSync(artifactsDir, { recursive: true });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kcp-'));
  const rootDir = path.join(dir, '.kcp');
  const [port, etcdClientPort, etcdPeerPort] = (await freePorts(3)) as [number, number, number];
  const adminToken = randomBytes(24).toString('hex');
  const agentToken = randomBytes(24).toString('hex');
  const tokenFile = path.join(dir, 'tokens.csv');
  writeFileSync(
    tokenFile,
    `${adminToken},e2e-admin,e2e-admin,"system:kcp:admin"\n${agentToken},${AGENT_USER},${AGENT_USER}\n`,
    { mode: 0o600 },
  );
  // One log per kcp (runs may overlap in one work tree); kcp.log points at the newest.
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const logPath = path.join(artifactsDir, `kcp-${stamp}-${process.pid}.log`);
  const latest = path.join(artifactsDir, 'kcp.log');
  try {
    rmSync(latest, { force: true });
    symlinkSync(path.basename(logPath), latest);
  } catch {
    // another run replaced the link at the same moment; the log itself is what matters
  }
  const proc = startProcess({
    name: 'kcp',
    command: bins.kcp,
    args: [
      'start',
      `--root-directory=${rootDir}`,
      `--bind-address=127.0.0.1`,
      `--secure-port=${port}`,
      `--embedded-etcd-client-port=${etcdClientPort}`,
      `--embedded-etcd-peer-port=${etcdPeerPort}`,
      `--token-auth-file=${tokenFile}`,
      '-v=2',
    ],
    logPath,
  });
  const hint = (): string => `step "start kcp"; log ${logPath}:\n${logTail(logPath)}`;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 180_000;
  try {
    // kcp writes admin.kubeconfig (with its serving CA) once its certificates exist.
    const generated = path.join(rootDir, 'admin.kubeconfig');
    await waitFor(
      () => {
        if (proc.hasExited()) throw new StopWaiting('kcp exited early (port busy or bad flags?)');
        return existsSync(generated);
      },
      { description: `kcp to write ${generated}`, timeoutMs: readyTimeoutMs, intervalMs: 500, hint },
    );
    const caPem = readKubeconfig(generated).caPem;
    const coords: KcpCoordinates = {
      url: `https://127.0.0.1:${port}`,
      caPem,
      adminToken,
      agentToken,
      agentUser: AGENT_USER,
      dir,
      logPath,
      pgid: proc.pgid,
      version: bins.versions.kcp,
      binary: bins.kcp,
    };
    const kcp = connectKcp(coords, async () => {
      await proc.stop(15_000);
      rmSync(dir, { recursive: true, force: true });
    });
    await waitFor(
      async () => {
        if (proc.hasExited()) throw new StopWaiting('kcp exited');
        if ((await kcp.admin.withServer(coords.url).text('/readyz', 5_000)).trim() !== 'ok') return false;
        // The root workspace is usable once its WorkspaceTypes are bootstrapped.
        await kcp.admin.get('/apis/tenancy.kcp.io/v1alpha1/workspacetypes/organization');
        return true;
      },
      {
        description: `kcp at ${coords.url} to be ready (/readyz and root workspace types)`,
        timeoutMs: readyTimeoutMs,
        intervalMs: 1000,
        hint,
      },
    );
    return kcp;
  } catch (err) {
    await proc.stop();
    throw err;
  }
}

/** A handle on a running kcp described by coordinates; stop() runs onStop (no-op by default). */
export function connectKcp(coords: KcpCoordinates, onStop: () => Promise<void> = async () => {}): Kcp {
  const base: Credentials = { server: coords.url, caPem: coords.caPem };
  const adminCredentials = (p: string): Credentials =>
    forClusterPath({ ...base, token: coords.adminToken }, p);
  const agentCredentials = (p: string): Credentials =>
    forClusterPath({ ...base, token: coords.agentToken }, p);
  const admin = new RestClient(adminCredentials('root'));
  const kubeconfigName = (kind: string, p: string): string =>
    path.join(coords.dir, `${kind}-${p.replace(/:/g, '_')}.kubeconfig`);
  const adminKubeconfigPath = kubeconfigName('admin', 'root');
  writeKubeconfig(adminKubeconfigPath, adminCredentials('root'), 'kcp-admin');

  return {
    ...coords,
    admin,
    adminKubeconfigPath,
    adminCredentials,
    agentCredentials,
    writeAdminKubeconfig: (p, file) =>
      writeKubeconfig(file ?? kubeconfigName('admin', p), adminCredentials(p), 'kcp-admin'),
    writeAgentKubeconfig: (p, file) =>
      writeKubeconfig(file ?? kubeconfigName('agent', p), agentCredentials(p), coords.agentUser),
    createWorkspace: async (parentPath, name, o = {}) => {
      const client = admin.forCluster(parentPath);
      const wsPath = '/apis/tenancy.kcp.io/v1alpha1/workspaces';
      const body: KubeObject = {
        apiVersion: 'tenancy.kcp.io/v1alpha1',
        kind: 'Workspace',
        metadata: { name },
        spec: {},
      };
      if (o.type) body.spec.type = o.type;
      try {
        await client.create(wsPath, body);
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 409)) throw err;
      }
      await waitFor(
        async () => {
          const ws = await client.get(`${wsPath}/${name}`);
          return ws.status?.phase === 'Ready' ? ws : undefined;
        },
        {
          description: `workspace ${parentPath}:${name} to become Ready`,
          timeoutMs: 120_000,
          intervalMs: 500,
          hint: () => `kcp log: ${coords.logPath}`,
        },
      );
      return `${parentPath}:${name}`;
    },
    logicalClusterName: async (p) => {
      const lc = await admin.forCluster(p).get('/apis/core.kcp.io/v1alpha1/logicalclusters/cluster');
      const name = lc.metadata.annotations?.['kcp.io/cluster'];
      if (!name) throw new Error(`LogicalCluster "cluster" in ${p} has no kcp.io/cluster annotation`);
      return name;
    },
    stop: onStop,
  };
}
