import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { USER_AGENT } from '../../version.js';
import { counter, histogram } from '../metrics.js';
import { hasDynamicAuth, TokenFileSource, type RestConfig } from './config.js';

export const restClientMetrics = {
  requests: counter<'code' | 'method' | 'host'>(
    'rest_client_requests_total',
    'Number of HTTP requests, partitioned by status code, method, and host.',
    ['code', 'method', 'host'],
  ),
  latency: histogram<'verb' | 'host'>(
    'rest_client_request_duration_seconds',
    'Request latency in seconds. Broken down by verb, and host.',
    ['verb', 'host'],
    [0.005, 0.025, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0],
  ),
};

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The response stream (for watches) — consumed already when body is set. */
  stream: http.IncomingMessage;
}

export interface RawRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** No timeout (watch streams). */
  streaming?: boolean;
}

/**
 * Sends HTTP requests with the credentials of a RestConfig: TLS material and static headers are
 * resolved once; exec plugins / auth providers are asked per request (client-node caches their
 * tokens); a tokenFile is re-read when it changes. One keep-alive agent per transport.
 */
export class Transport {
  private prepared: Promise<{ agent: http.Agent; headers: Record<string, string> }> | undefined;
  private readonly tokenSource: TokenFileSource | undefined;
  private readonly dynamicAuth: boolean;

  readonly config: RestConfig;

  constructor(config: RestConfig) {
    this.config = config;
    this.tokenSource = config.tokenFile ? new TokenFileSource(config.tokenFile) : undefined;
    this.dynamicAuth = hasDynamicAuth(config.kubeConfig.getCurrentUser());
  }

  private parent: Transport | undefined;

  /**
   * Makes this transport (same credentials, another base URL) use the connection pool and TLS
   * material of another one, so clients derived for many workspaces share connections.
   */
  shareFrom(parent: Transport): void {
    this.parent = parent;
  }

  private prepare(): Promise<{ agent: http.Agent; headers: Record<string, string> }> {
    if (this.parent) return this.parent.prepare();
    this.prepared ??= (async () => {
      const opts = await applyAuth(this.config);
      if (this.config.caFile) opts.ca = readFileSync(this.config.caFile);
      const isHttps = new URL(this.config.server).protocol === 'https:';
      // No socket cap: every watch holds one connection for its lifetime, and a cap would make
      // ordinary requests queue behind long-lived watches.
      const agentOpts = { keepAlive: true, maxSockets: Infinity, maxFreeSockets: 16 };
      const agent = isHttps
        ? new https.Agent({
            ...agentOpts,
            ca: opts.ca,
            cert: opts.cert,
            key: opts.key,
            ...(opts.rejectUnauthorized !== undefined ? { rejectUnauthorized: opts.rejectUnauthorized } : {}),
            ...(opts.servername ? { servername: opts.servername } : {}),
          })
        : new http.Agent(agentOpts);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(opts.headers ?? {})) if (v !== undefined) headers[k] = String(v);
      const user = this.config.kubeConfig.getCurrentUser();
      if (user?.username)
        headers.Authorization = `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`;
      return { agent, headers };
    })();
    return this.prepared;
  }

  private async authHeaders(base: Record<string, string>): Promise<Record<string, string>> {
    if (this.tokenSource) return { ...base, Authorization: `Bearer ${this.tokenSource.get()}` };
    if (!this.dynamicAuth) return base;
    const opts = await applyAuth(this.config);
    const out = { ...base };
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (v !== undefined) out[k] = String(v);
    return out;
  }

  /** Sends one request; resolves with the response head (body unread). Counts it in the metrics. */
  async send(req: RawRequest): Promise<RawResponse> {
    const { agent, headers: base } = await this.prepare();
    const headers: Record<string, string> = {
      'User-Agent': this.config.userAgent ?? USER_AGENT,
      Accept: 'application/json',
      ...(await this.authHeaders(base)),
      ...req.headers,
    };
    if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
    const mod = req.url.protocol === 'https:' ? https : http;
    const host = req.url.host;
    const started = performance.now();
    return new Promise<RawResponse>((resolve, reject) => {
      const r = mod.request(
        req.url,
        {
          method: req.method,
          headers,
          agent,
          ...(req.signal ? { signal: req.signal } : {}),
          ...(req.streaming ? {} : { timeout: this.config.timeoutMs ?? 60_000 }),
        },
        (res) => {
          restClientMetrics.requests.inc({ code: String(res.statusCode ?? 0), method: req.method, host });
          restClientMetrics.latency.observe({ verb: req.method, host }, (performance.now() - started) / 1000);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, stream: res });
        },
      );
      r.on('timeout', () => r.destroy(new Error(`${req.method} ${req.url.pathname}: timed out`)));
      r.on('error', (err) => {
        // a request we aborted ourselves (watch restart, shutdown) is not a transport error
        if (!req.signal?.aborted)
          restClientMetrics.requests.inc({ code: '<error>', method: req.method, host });
        reject(err);
      });
      if (req.body !== undefined) r.write(req.body);
      r.end();
    });
  }

  /** Closes the connection pool (a derived transport leaves its parent's pool alone). */
  close(): void {
    if (this.parent) return;
    void this.prepared?.then(({ agent }) => agent.destroy());
  }
}

/**
 * TLS material and Authorization header of the kubeconfig's current user (client certificates, token,
 * exec plugin, auth provider), via client-node. Its public applyToHTTPSOptions also builds an undici
 * agent and refuses plain-HTTP servers, so the option-filling step it is built on is called directly.
 */
async function applyAuth(cfg: RestConfig): Promise<https.RequestOptions> {
  const opts: https.RequestOptions = {};
  const kc = cfg.kubeConfig as unknown as { applyOptions?: (o: https.RequestOptions) => Promise<void> };
  if (typeof kc.applyOptions === 'function') await kc.applyOptions(opts);
  else await cfg.kubeConfig.applyToHTTPSOptions(opts);
  return opts;
}

export async function readBody(res: RawResponse): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res.stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
