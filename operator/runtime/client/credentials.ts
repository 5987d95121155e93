/**
 * The credentials of one kubeconfig context, shared by every client derived from it (all workspaces of
 * a kcp, the virtual workspace): TLS material for the connection pool and the Authorization header
 * per request. Static tokens and certificates are resolved once; a tokenFile is re-read when it
 * changes; exec plugins are asked when their credential expires or was rejected with a 401.
 */
import { readFileSync, statSync } from 'node:fs';
import { ExecCredentialSource, type ExecCredential } from './exec-credential.js';
import type { KubeconfigAuth, KubeconfigCluster, KubeconfigUser } from './kubeconfig.js';
import { proxySelector, type ProxySelector } from './proxy.js';

export interface TLSOptions {
  ca?: Buffer | string;
  cert?: Buffer | string;
  key?: Buffer | string;
  rejectUnauthorized?: boolean;
  servername?: string;
}

/** What one request authenticates with; hand it back to {@link Credentials.rejected} on a 401. */
export interface Authorization {
  header?: string;
  exec?: ExecCredential;
}

export class Credentials {
  readonly cluster: KubeconfigCluster;
  readonly user: KubeconfigUser;
  /** Which proxy a connection goes through (kubeconfig proxy-url or the environment); bad ones throw here. */
  readonly proxy: ProxySelector;
  private readonly tokenFile: TokenFileSource | undefined;
  private readonly exec: ExecCredentialSource | undefined;

  constructor(cluster: KubeconfigCluster, user: KubeconfigUser) {
    this.cluster = cluster;
    this.user = user;
    this.proxy = proxySelector(cluster.proxyUrl);
    const auth: KubeconfigAuth = user.auth;
    if (auth.type === 'tokenFile') this.tokenFile = new TokenFileSource(auth.path);
    if (auth.type === 'exec') this.exec = new ExecCredentialSource(auth.exec, cluster);
  }

  /** True when a 401 may be cured by asking again (an exec plugin). */
  get refreshable(): boolean {
    return this.exec !== undefined;
  }

  /** The path of a token file the credentials re-read (kubeconfig tokenFile, in-cluster token). */
  get tokenFilePath(): string | undefined {
    return this.tokenFile?.path;
  }

  /** TLS options for the connection pool; an exec plugin's client certificate is fetched here. */
  async tlsOptions(): Promise<TLSOptions> {
    const c = this.cluster;
    let cert: Buffer | string | undefined = this.user.cert;
    let key: Buffer | string | undefined = this.user.key;
    if (this.exec) {
      const cred = await this.exec.get();
      if (cred.cert && cred.key) ({ cert, key } = cred);
    }
    return {
      ...(c.ca ? { ca: c.ca } : {}),
      ...(cert && key ? { cert, key } : {}),
      ...(c.insecureSkipTLSVerify ? { rejectUnauthorized: false } : {}),
      ...(c.tlsServerName ? { servername: c.tlsServerName } : {}),
    };
  }

  async authorization(): Promise<Authorization> {
    const auth = this.user.auth;
    switch (auth.type) {
      case 'token':
        return { header: `Bearer ${auth.token}` };
      case 'tokenFile':
        return { header: `Bearer ${this.tokenFile!.get()}` };
      case 'basic':
        return { header: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
      case 'exec': {
        const cred = await this.exec!.get();
        return cred.token ? { header: `Bearer ${cred.token}`, exec: cred } : { exec: cred };
      }
      case 'none':
        return {};
    }
  }

  /** The server answered 401 to a request sent with `used`: forget a plugin credential. */
  rejected(used: Authorization): void {
    if (this.exec && used.exec) this.exec.invalidate(used.exec);
  }
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
