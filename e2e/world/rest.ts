// A tiny JSON client for Kubernetes-style APIs, for the tests themselves (kubectl-like get, list,
// create, apply, patch, delete, watch). Deliberately independent of the product's client in
// operator/runtime, so the tests do not test the product with itself.
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { forClusterPath, readKubeconfig, type Credentials } from './kubeconfig.js';

export interface GVR {
  group: string;
  version: string;
  resource: string;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  [k: string]: any;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject;
}

export class ApiError extends Error {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly body: string;
  constructor(method: string, url: string, status: number, body: string) {
    super(`${method} ${url} -> ${status}: ${body.slice(0, 500)}`);
    this.name = 'ApiError';
    this.method = method;
    this.url = url;
    this.status = status;
    this.body = body;
  }
  get reason(): string | undefined {
    try {
      return (JSON.parse(this.body) as { reason?: string }).reason;
    } catch {
      return undefined;
    }
  }
}

/** Path of a collection or object: /api/v1/... for the core group, /apis/<g>/<v>/... otherwise. */
export function resourcePath(
  gvr: GVR,
  opts: { namespace?: string; name?: string; subresource?: string } = {},
): string {
  let p = gvr.group === '' ? `/api/${gvr.version}` : `/apis/${gvr.group}/${gvr.version}`;
  if (opts.namespace) p += `/namespaces/${opts.namespace}`;
  p += `/${gvr.resource}`;
  if (opts.name) p += `/${opts.name}`;
  if (opts.subresource) p += `/${opts.subresource}`;
  return p;
}

export class RestClient {
  readonly creds: Credentials;
  constructor(creds: Credentials) {
    this.creds = creds;
  }

  static fromKubeconfig(file: string): RestClient {
    return new RestClient(readKubeconfig(file));
  }

  /** The same identity against another kcp workspace (path like root:org:team-a, or a cluster name). */
  forCluster(clusterPath: string): RestClient {
    return new RestClient(forClusterPath(this.creds, clusterPath));
  }

  /** The same identity against another base URL (e.g. a virtual workspace URL). */
  withServer(server: string): RestClient {
    return new RestClient({ ...this.creds, server: server.replace(/\/$/, '') });
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
    timeoutMs = 30_000,
  ): Promise<T> {
    const res = await this.send(method, path, body, contentType, timeoutMs);
    const text = await readBody(res);
    if ((res.statusCode ?? 0) >= 300) {
      throw new ApiError(method, this.creds.server + path, res.statusCode ?? 0, text);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** GET returning the raw body (e.g. /readyz); throws ApiError on a non-2xx status. */
  async text(path: string, timeoutMs = 10_000): Promise<string> {
    const res = await this.send('GET', path, undefined, 'application/json', timeoutMs);
    const body = await readBody(res);
    if ((res.statusCode ?? 0) >= 300)
      throw new ApiError('GET', this.creds.server + path, res.statusCode ?? 0, body);
    return body;
  }

  get<T = KubeObject>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  /** GET that answers undefined on 404. */
  async getOrUndefined<T = KubeObject>(path: string): Promise<T | undefined> {
    try {
      return await this.get<T>(path);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  list(path: string): Promise<{ metadata: { resourceVersion?: string }; items: KubeObject[] }> {
    return this.request('GET', path);
  }

  create<T = KubeObject>(collectionPath: string, obj: unknown): Promise<T> {
    return this.request<T>('POST', collectionPath, obj);
  }

  /** Server-side apply of a whole object to its object path. */
  apply<T = KubeObject>(objectPath: string, obj: unknown, fieldManager = 'e2e'): Promise<T> {
    return this.request<T>(
      'PATCH',
      `${objectPath}?fieldManager=${encodeURIComponent(fieldManager)}&force=true`,
      obj,
      'application/apply-patch+yaml',
    );
  }

  mergePatch<T = KubeObject>(objectPath: string, patch: unknown): Promise<T> {
    return this.request<T>('PATCH', objectPath, patch, 'application/merge-patch+json');
  }

  update<T = KubeObject>(objectPath: string, obj: unknown): Promise<T> {
    return this.request<T>('PUT', objectPath, obj);
  }

  /** DELETE that tolerates 404. */
  async delete(objectPath: string): Promise<void> {
    try {
      await this.request('DELETE', objectPath);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return;
      throw err;
    }
  }

  /**
   * Starts a watch on a collection path; onEvent is called for each event. Returns a handle whose
   * stop() ends the watch; `ended` settles when the server closes the stream (rejects on errors).
   */
  async watch(
    collectionPath: string,
    onEvent: (ev: WatchEvent) => void,
    opts: { resourceVersion?: string; timeoutSeconds?: number } = {},
  ): Promise<{ stop(): void; ended: Promise<void> }> {
    const q = new URLSearchParams({ watch: 'true', allowWatchBookmarks: 'false' });
    if (opts.resourceVersion) q.set('resourceVersion', opts.resourceVersion);
    q.set('timeoutSeconds', String(opts.timeoutSeconds ?? 300));
    const sep = collectionPath.includes('?') ? '&' : '?';
    const path = `${collectionPath}${sep}${q.toString()}`;
    const res = await this.send('GET', path, undefined, 'application/json', 0);
    if ((res.statusCode ?? 0) >= 300) {
      throw new ApiError('WATCH', this.creds.server + path, res.statusCode ?? 0, await readBody(res));
    }
    res.setEncoding('utf8');
    let buf = '';
    const ended = new Promise<void>((resolve, reject) => {
      res.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) onEvent(JSON.parse(line) as WatchEvent);
        }
      });
      res.on('end', () => resolve());
      res.on('close', () => resolve());
      res.on('error', (err) => reject(err));
    });
    ended.catch(() => undefined);
    return { stop: () => res.destroy(), ended };
  }

  private send(
    method: string,
    path: string,
    body: unknown,
    contentType: string,
    timeoutMs: number,
  ): Promise<IncomingMessage> {
    const url = new URL(this.creds.server + path);
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (payload !== undefined) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    if (this.creds.token) headers.Authorization = `Bearer ${this.creds.token}`;
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method,
          headers,
          ca: this.creds.caPem,
          cert: this.creds.clientCertPem,
          key: this.creds.clientKeyPem,
          agent: false,
        },
        resolve,
      );
      if (timeoutMs > 0) {
        req.setTimeout(timeoutMs, () =>
          req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs}ms`)),
        );
      }
      req.on('error', (err) => reject(new Error(`${method} ${url}: ${err.message}`)));
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (data += c));
    res.on('end', () => resolve(data));
    res.on('error', reject);
  });
}
