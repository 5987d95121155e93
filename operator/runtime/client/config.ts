import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Credentials } from './credentials.js';
import { loadKubeconfigFiles, type KubeconfigCluster, type KubeconfigUser } from './kubeconfig.js';

/**
 * Everything needed to talk to one API endpoint: a base URL (may carry a path such as
 * `/clusters/root:org` or a virtual workspace URL ending in `/clusters/*`) and the credentials of a
 * kubeconfig context. Derive configs for other base URLs with {@link withServer}; the credentials
 * object is shared (one token-file watcher, one exec plugin cache).
 */
export interface RestConfig {
  server: string;
  credentials: Credentials;
  userAgent?: string;
  /** Per-request timeout for non-watch requests; default 60 s. */
  timeoutMs?: number;
}

export interface LoadOptions {
  /** Explicit kubeconfig path. Without it: $KUBECONFIG, in-cluster, ~/.kube/config (controller-runtime order). */
  kubeconfig?: string;
  /** When true, only the explicit path is used ($KUBECONFIG ignored), like the --kcp-kubeconfig loading. */
  explicitOnly?: boolean;
  context?: string;
  /** Replaces the server URL (`--kubeconfig-host-override`). */
  hostOverride?: string;
  /** Replaces the CA (file) and clears inline CA data (`--kubeconfig-ca-file-override`). */
  caFileOverride?: string;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Loads a RestConfig: explicit file, else $KUBECONFIG, else in-cluster, else ~/.kube/config. */
export function loadRestConfig(opts: LoadOptions = {}): RestConfig {
  let cluster: KubeconfigCluster;
  let user: KubeconfigUser;
  if (opts.kubeconfig) {
    ({ cluster, user } = loadKubeconfigFiles([opts.kubeconfig], opts.context));
  } else if (opts.explicitOnly) {
    throw new Error('no kubeconfig path given');
  } else if (process.env.KUBECONFIG) {
    const files = process.env.KUBECONFIG.split(':').filter((f) => f !== '');
    if (files.length === 0) throw new Error('$KUBECONFIG is empty');
    ({ cluster, user } = loadKubeconfigFiles(files, opts.context));
  } else if (process.env.KUBERNETES_SERVICE_HOST && process.env.KUBERNETES_SERVICE_PORT) {
    ({ cluster, user } = inClusterConfig(
      process.env.KUBERNETES_SERVICE_HOST,
      process.env.KUBERNETES_SERVICE_PORT,
    ));
  } else {
    const home = join(homedir(), '.kube', 'config');
    if (!existsSync(home))
      throw new Error(`no kubeconfig: none given, no $KUBECONFIG, not in-cluster, no ${home}`);
    ({ cluster, user } = loadKubeconfigFiles([home], opts.context));
  }
  if (opts.caFileOverride) {
    try {
      cluster = { ...cluster, ca: readFileSync(opts.caFileOverride) };
    } catch (err) {
      throw new Error(`CA file override ${opts.caFileOverride}: ${(err as Error).message}`, { cause: err });
    }
  }
  // Credentials resolves the proxy too: an unusable proxy URL fails here, not per request
  return {
    server: opts.hostOverride || cluster.server,
    credentials: new Credentials(cluster, user),
  };
}

/**
 * The pod's service account (client-go's InClusterConfig): the API server from the service
 * environment, its CA, and the projected token, re-read when kubelet rotates it.
 */
export function inClusterConfig(
  host: string,
  port: string,
  dir = SERVICE_ACCOUNT_DIR,
): { cluster: KubeconfigCluster; user: KubeconfigUser } {
  const tokenPath = join(dir, 'token');
  if (!existsSync(tokenPath)) throw new Error(`in-cluster config: no service account token at ${tokenPath}`);
  const caPath = join(dir, 'ca.crt');
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    cluster: {
      server: `https://${hostPart}:${port}`,
      insecureSkipTLSVerify: false,
      ...(existsSync(caPath) ? { ca: readFileSync(caPath) } : {}),
    },
    user: { auth: { type: 'tokenFile', path: tokenPath } },
  };
}

/** A config for another base URL with the same credentials (e.g. `${host}/clusters/<name>`). */
export function withServer(cfg: RestConfig, server: string): RestConfig {
  return { ...cfg, server };
}

/** The scheme://host[:port] of a config, without any path: the root to build `/clusters/<x>` URLs on. */
export function serverOrigin(cfg: RestConfig): string {
  return new URL(cfg.server).origin;
}
