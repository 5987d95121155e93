// A service cluster the way envtest makes one: a fresh etcd plus kube-apiserver on free ports, no
// controller-manager, no nodes. The admin authenticates with a bearer token from a token file
// (user "admin", group system:masters); an admin kubeconfig is written for the agent and for kubectl.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { worldBinaries } from './binaries.js';
import { writeKubeconfig, type Credentials } from './kubeconfig.js';
import { freePorts } from './ports.js';
import { REPO_ROOT, logTail, startProcess, type ManagedProcess } from './process.js';
import { RestClient } from './rest.js';
import { StopWaiting, waitFor } from './wait.js';

export interface ServiceCluster {
  /** https://127.0.0.1:<port> */
  url: string;
  /** Admin kubeconfig (token of user "admin" in group system:masters). */
  kubeconfigPath: string;
  /** Temporary directory holding etcd data, certificates and the kubeconfig. */
  dir: string;
  /** Where the server logs go. */
  artifactsDir: string;
  /** An admin REST client for the tests. */
  client: RestClient;
  /** Stops and starts kube-apiserver again on the same port and etcd (e.g. to test reconnects). */
  restartApiServer(): Promise<void>;
  stop(): Promise<void>;
}

export interface ServiceClusterOptions {
  name: string;
  /** Logs go here; defaults to .artifacts/<name>/service-cluster. */
  artifactsDir?: string;
  /** How long to wait for etcd and kube-apiserver to become ready (each). */
  readyTimeoutMs?: number;
}

export async function startServiceCluster(opts: ServiceClusterOptions): Promise<ServiceCluster> {
  const bins = worldBinaries();
  const safeName = opts.name.replace(/[^a-zA-Z0-9_.-]+/g, '-');
  const artifactsDir = opts.artifactsDir ?? path.join(REPO_ROOT, '.artifacts', safeName, 'service-cluster');
  mkdirSync(artifactsDir, { recursive: true });
  const dir = mkdtempSync(path.join(os.tmpdir(), `svc-${safeName.slice(0, 40)}-`));
  const readyTimeoutMs = opts.readyTimeoutMs ?? 90_000;
  const [etcdClientPort, etcdPeerPort, apiPort] = (await freePorts(3)) as [number, number, number];

  // etcd: single member, no fsync (test data only).
  const etcdLog = path.join(artifactsDir, 'etcd.log');
  const etcd = startProcess({
    name: `etcd (${opts.name})`,
    command: bins.etcd,
    args: [
      `--name=default`,
      `--data-dir=${path.join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClientPort}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClientPort}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeerPort}`,
      `--unsafe-no-fsync=true`,
      `--log-level=warn`,
    ],
    logPath: etcdLog,
  });
  const processes: ManagedProcess[] = [etcd];
  const stopAll = async (): Promise<void> => {
    for (const p of [...processes].reverse()) await p.stop();
  };

  try {
    await waitFor(
      async () => {
        if (etcd.hasExited()) throw new StopWaiting(`etcd exited early (port busy or bad flags?)`);
        const res = await fetch(`http://127.0.0.1:${etcdClientPort}/health`);
        return res.ok ? true : undefined;
      },
      {
        description: `etcd of service cluster "${opts.name}" to answer /health on port ${etcdClientPort}`,
        timeoutMs: readyTimeoutMs,
        intervalMs: 200,
        hint: () => `step "start etcd"; log ${etcdLog}:\n${logTail(etcdLog)}`,
      },
    );

    // Credentials: an admin token, and a service-account signing key.
    const adminToken = randomBytes(24).toString('hex');
    const tokenFile = path.join(dir, 'tokens.csv');
    writeFileSync(tokenFile, `${adminToken},admin,admin,"system:masters"\n`, { mode: 0o600 });
    const saKey = path.join(dir, 'sa.key');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(saKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const certDir = path.join(dir, 'certs');

    const apiLog = path.join(artifactsDir, 'kube-apiserver.log');
    const apiArgs = [
      `--etcd-servers=http://127.0.0.1:${etcdClientPort}`,
      `--bind-address=127.0.0.1`,
      `--advertise-address=127.0.0.1`,
      `--secure-port=${apiPort}`,
      `--cert-dir=${certDir}`,
      `--token-auth-file=${tokenFile}`,
      `--authorization-mode=RBAC`,
      `--service-cluster-ip-range=10.0.0.0/24`,
      `--service-account-issuer=https://127.0.0.1:${apiPort}`,
      `--service-account-key-file=${saKey}`,
      `--service-account-signing-key-file=${saKey}`,
      `--allow-privileged=true`,
      `--disable-admission-plugins=ServiceAccount`,
      `--enable-priority-and-fairness=false`,
    ];
    const url = `https://127.0.0.1:${apiPort}`;
    const kubeconfigPath = path.join(dir, 'admin.kubeconfig');
    let creds: Credentials | undefined;

    const startApiServer = async (): Promise<void> => {
      const apiserver = startProcess({
        name: `kube-apiserver (${opts.name})`,
        command: bins.kubeApiServer,
        args: apiArgs,
        logPath: apiLog,
      });
      processes.push(apiserver);
      const hint = (): string => `step "start kube-apiserver"; log ${apiLog}:\n${logTail(apiLog)}`;
      // The serving certificate (followed by its self-signed CA) appears in --cert-dir at startup.
      const certFile = path.join(certDir, 'apiserver.crt');
      await waitFor(
        () => {
          if (apiserver.hasExited())
            throw new StopWaiting('kube-apiserver exited early (port busy or bad flags?)');
          return existsSync(certFile);
        },
        { description: `kube-apiserver to write ${certFile}`, timeoutMs: readyTimeoutMs, hint },
      );
      creds = { server: url, caPem: readFileSync(certFile, 'utf8'), token: adminToken };
      const probe = new RestClient(creds);
      await waitFor(
        async () => {
          if (apiserver.hasExited())
            throw new StopWaiting('kube-apiserver exited early (port busy or bad flags?)');
          return (await probe.text('/readyz', 5_000)).trim() === 'ok';
        },
        {
          description: `kube-apiserver of "${opts.name}" to answer /readyz at ${url}`,
          timeoutMs: readyTimeoutMs,
          hint,
        },
      );
    };
    await startApiServer();
    writeKubeconfig(kubeconfigPath, creds!, `service-${safeName}`);

    const cluster: ServiceCluster = {
      url,
      kubeconfigPath,
      dir,
      artifactsDir,
      client: new RestClient(creds!),
      restartApiServer: async () => {
        const current = processes.pop();
        await current?.stop();
        await startApiServer();
      },
      stop: async () => {
        await stopAll();
        rmSync(dir, { recursive: true, force: true });
      },
    };
    return cluster;
  } catch (err) {
    await stopAll();
    throw err;
  }
}
