import { KubeConfig, type Cluster, type User } from '@kubernetes/client-node';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { parse as parseYaml } from 'yaml';

/**
 * Everything needed to talk to one API endpoint: a base URL (may carry a path such as
 * `/clusters/root:org` or a virtual workspace URL ending in `/clusters/*`) and the credentials of a
 * client-node KubeConfig (its current context). Derive configs for other base URLs with
 * {@link withServer}; the credentials are shared.
 */
export interface RestConfig {
  server: string;
  kubeConfig: KubeConfig;
  /** A bearer token file (kubeconfig `tokenFile`, ignored by client-node): re-read when it changes. */
  tokenFile?: string;
  /** Replaces the CA of the kubeconfig (SPEC §2.1 --kubeconfig-ca-file-override). */
  caFile?: string;
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
  /** Replaces the server URL (SPEC §2.1 --kubeconfig-host-override). */
  hostOverride?: string;
  /** Replaces the CA (file) and clears inline CA data (SPEC §2.1 --kubeconfig-ca-file-override). */
  caFileOverride?: string;
}

/** Loads a RestConfig: explicit file, else $KUBECONFIG, else in-cluster, else ~/.kube/config. */
export function loadRestConfig(opts: LoadOptions = {}): RestConfig {
  const kc = new KubeConfig();
  let files: string[] = [];
  if (opts.kubeconfig) {
    files = [opts.kubeconfig];
    kc.loadFromFile(opts.kubeconfig);
  } else if (opts.explicitOnly) {
    throw new Error('no kubeconfig path given');
  } else if (process.env.KUBECONFIG) {
    files = process.env.KUBECONFIG.split(':').filter((f) => f !== '');
    const [first, ...rest] = files;
    if (!first) throw new Error('$KUBECONFIG is empty');
    kc.loadFromFile(first);
    for (const f of rest) {
      const more = new KubeConfig();
      more.loadFromFile(f);
      kc.mergeConfig(more, true);
    }
  } else if (process.env.KUBERNETES_SERVICE_HOST && process.env.KUBERNETES_SERVICE_PORT) {
    kc.loadFromCluster();
  } else {
    const home = join(homedir(), '.kube', 'config');
    if (!existsSync(home))
      throw new Error(`no kubeconfig: none given, no $KUBECONFIG, not in-cluster, no ${home}`);
    files = [home];
    kc.loadFromFile(home);
  }
  if (opts.context) kc.setCurrentContext(opts.context);
  return restConfigFromKubeConfig(kc, { ...opts, files });
}

/** Builds a RestConfig from an already loaded KubeConfig (files: where it came from, for tokenFile). */
export function restConfigFromKubeConfig(
  kc: KubeConfig,
  opts: { files?: string[]; hostOverride?: string; caFileOverride?: string } = {},
): RestConfig {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  if (!cluster) throw new Error(`kubeconfig context ${kc.getCurrentContext()} has no cluster`);
  let server = cluster.server;
  if (opts.hostOverride) server = opts.hostOverride;
  const cfg: RestConfig = { server, kubeConfig: kc };
  if (opts.caFileOverride) {
    cfg.caFile = opts.caFileOverride;
    // clear inline CA data so client-node does not send the old one
    replaceCluster(kc, cluster, { caData: undefined, caFile: opts.caFileOverride });
  }
  if (user && !user.token && !user.exec && !user.authProvider) {
    const tokenFile = findTokenFile(opts.files ?? [], user.name);
    if (tokenFile) cfg.tokenFile = tokenFile;
  }
  return cfg;
}

/** A config for another base URL with the same credentials (e.g. `${host}/clusters/<name>`). */
export function withServer(cfg: RestConfig, server: string): RestConfig {
  return { ...cfg, server };
}

/** The scheme://host[:port] of a config, without any path: the root to build `/clusters/<x>` URLs on. */
export function serverOrigin(cfg: RestConfig): string {
  return new URL(cfg.server).origin;
}

function replaceCluster(kc: KubeConfig, cluster: Cluster, patch: Partial<Cluster>): void {
  const updated: Cluster = { ...cluster, ...patch };
  kc.clusters = kc.clusters.map((c) => (c.name === cluster.name ? updated : c));
}

/** client-node drops the kubeconfig `tokenFile` user field; read it from the raw YAML. */
function findTokenFile(files: string[], userName: string): string | undefined {
  for (const f of files) {
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(f, 'utf8'));
    } catch {
      continue;
    }
    const users = (doc as { users?: { name?: string; user?: { tokenFile?: string } }[] })?.users ?? [];
    const tf = users.find((u) => u.name === userName)?.user?.tokenFile;
    if (tf) return isAbsolute(tf) ? tf : join(dirname(f), tf);
  }
  return undefined;
}

/** Reads a token file, re-reading only when its mtime or size changed (checked at most once a second). */
export class TokenFileSource {
  private token = '';
  private stamp = '';
  private checkedAt = 0;

  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  get(now = Date.now()): string {
    if (this.token !== '' && now - this.checkedAt < 1000) return this.token;
    this.checkedAt = now;
    const st = statSync(this.path);
    const stamp = `${st.mtimeMs}:${st.size}`;
    if (stamp !== this.stamp) {
      this.token = readFileSync(this.path, 'utf8').trim();
      this.stamp = stamp;
    }
    return this.token;
  }
}

/** True when the user's Authorization header can change between requests (exec plugin, auth provider). */
export function hasDynamicAuth(user: User | null): boolean {
  return !!user && (!!user.exec || !!user.authProvider);
}
