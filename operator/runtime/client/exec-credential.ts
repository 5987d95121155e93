/**
 * client-go credential plugins (kubeconfig `users[].user.exec`): runs the command with
 * KUBERNETES_EXEC_INFO set, reads an ExecCredential from its stdout, and caches the result until its
 * `expirationTimestamp` (forever without one, like client-go). A 401 answer invalidates the cached
 * credential, so the next request asks the plugin again. Concurrent callers share one plugin run.
 */
import { execFile } from 'node:child_process';
import type { ExecConfig, KubeconfigCluster } from './kubeconfig.js';

const SUPPORTED = new Set(['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1']);
/** Ask again this long before the plugin's expiry, so no request is sent with an expiring token. */
const EXPIRY_SKEW_MS = 10_000;
const PLUGIN_TIMEOUT_MS = 60_000;

export interface ExecCredential {
  token?: string;
  /** PEM client certificate and key. */
  cert?: string;
  key?: string;
  /** Epoch ms; undefined = valid until a 401. */
  expiresAt?: number;
}

export type RunPlugin = (
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
) => Promise<{ stdout: string; stderr: string }>;

const runWithExecFile: RunPlugin = (command, args, env) =>
  new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { env, timeout: PLUGIN_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(Object.assign(err, { stderr }));
        else resolve({ stdout, stderr });
      },
    );
  });

export class ExecCredentialSource {
  private cached: ExecCredential | undefined;
  private inflight: Promise<ExecCredential> | undefined;
  private readonly exec: ExecConfig;
  private readonly cluster: KubeconfigCluster;
  private readonly run: RunPlugin;
  private readonly now: () => number;

  constructor(
    exec: ExecConfig,
    cluster: KubeconfigCluster,
    run: RunPlugin = runWithExecFile,
    now = Date.now,
  ) {
    if (!SUPPORTED.has(exec.apiVersion))
      throw new Error(
        `exec plugin ${exec.command}: apiVersion "${exec.apiVersion}" is not supported (want ${[...SUPPORTED].join(' or ')})`,
      );
    if (exec.interactiveMode === 'Always')
      throw new Error(
        `exec plugin ${exec.command}: interactiveMode Always needs a terminal; the agent has none`,
      );
    this.exec = exec;
    this.cluster = cluster;
    this.run = run;
    this.now = now;
  }

  /** The current credential, asking the plugin when there is none or it is about to expire. */
  get(): Promise<ExecCredential> {
    const c = this.cached;
    if (c && (c.expiresAt === undefined || this.now() < c.expiresAt - EXPIRY_SKEW_MS))
      return Promise.resolve(c);
    this.inflight ??= this.fetch().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Forgets the credential that was just rejected (401), unless a newer one replaced it already. */
  invalidate(rejected: ExecCredential | undefined): void {
    if (rejected === undefined || this.cached === rejected) this.cached = undefined;
  }

  private async fetch(): Promise<ExecCredential> {
    const { exec } = this;
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const e of exec.env) env[e.name] = e.value;
    env.KUBERNETES_EXEC_INFO = JSON.stringify(this.execInfo());
    let out: { stdout: string; stderr: string };
    try {
      out = await this.run(exec.command, exec.args, env);
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      if (e.code === 'ENOENT')
        throw new Error(
          `exec plugin: executable ${exec.command} not found${exec.installHint ? `\n\n${exec.installHint}` : ''}`,
          { cause: err },
        );
      const stderr = e.stderr?.trim();
      throw new Error(`exec plugin ${exec.command} failed: ${e.message}${stderr ? `: ${stderr}` : ''}`, {
        cause: err,
      });
    }
    const cred = parseExecCredential(out.stdout, exec);
    this.cached = cred;
    return cred;
  }

  private execInfo(): unknown {
    const { exec, cluster } = this;
    const spec: Record<string, unknown> = { interactive: false };
    if (exec.provideClusterInfo) {
      spec.cluster = {
        server: cluster.server,
        ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
        ...(cluster.insecureSkipTLSVerify ? { 'insecure-skip-tls-verify': true } : {}),
        ...(cluster.ca ? { 'certificate-authority-data': cluster.ca.toString('base64') } : {}),
        ...(cluster.proxyUrl ? { 'proxy-url': cluster.proxyUrl } : {}),
        ...(exec.clusterConfig !== undefined ? { config: exec.clusterConfig } : {}),
      };
    }
    return { apiVersion: exec.apiVersion, kind: 'ExecCredential', spec };
  }
}

/** Decodes and checks a plugin's stdout (an ExecCredential of the configured apiVersion). */
export function parseExecCredential(
  stdout: string,
  exec: Pick<ExecConfig, 'command' | 'apiVersion'>,
): ExecCredential {
  let doc: {
    apiVersion?: unknown;
    kind?: unknown;
    status?: {
      token?: unknown;
      clientCertificateData?: unknown;
      clientKeyData?: unknown;
      expirationTimestamp?: unknown;
    };
  };
  try {
    doc = JSON.parse(stdout) as typeof doc;
  } catch {
    throw new Error(`exec plugin ${exec.command}: stdout is not an ExecCredential JSON object`);
  }
  if (doc?.kind !== 'ExecCredential' || doc.apiVersion !== exec.apiVersion)
    throw new Error(
      `exec plugin ${exec.command}: returned ${String(doc?.apiVersion)}/${String(doc?.kind)}, want ${exec.apiVersion}/ExecCredential`,
    );
  const s = doc.status;
  if (!s) throw new Error(`exec plugin ${exec.command}: ExecCredential has no status`);
  const token = typeof s.token === 'string' && s.token !== '' ? s.token : undefined;
  const cert =
    typeof s.clientCertificateData === 'string' && s.clientCertificateData !== ''
      ? s.clientCertificateData
      : undefined;
  const key = typeof s.clientKeyData === 'string' && s.clientKeyData !== '' ? s.clientKeyData : undefined;
  if (!!cert !== !!key)
    throw new Error(
      `exec plugin ${exec.command}: status.clientCertificateData and clientKeyData must come together`,
    );
  if (!token && !cert)
    throw new Error(
      `exec plugin ${exec.command}: ExecCredential has neither status.token nor a client certificate`,
    );
  let expiresAt: number | undefined;
  if (typeof s.expirationTimestamp === 'string' && s.expirationTimestamp !== '') {
    expiresAt = Date.parse(s.expirationTimestamp);
    if (Number.isNaN(expiresAt))
      throw new Error(
        `exec plugin ${exec.command}: status.expirationTimestamp "${s.expirationTimestamp}" is not a time`,
      );
  }
  return {
    ...(token ? { token } : {}),
    ...(cert && key ? { cert, key } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
}
