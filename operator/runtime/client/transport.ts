import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import { USER_AGENT } from '../../version.js';
import { counter, histogram } from '../metrics.js';
import type { RestConfig } from './config.js';
import type { TLSOptions } from './credentials.js';
import { tunnel, type ProxySelector } from './proxy.js';

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
 * Sends HTTP requests with the credentials of a RestConfig over one keep-alive pool per transport.
 * TLS material is resolved when the pool is built (again when an exec plugin hands out a new client
 * certificate); the Authorization header is asked for per request (see Credentials). A 401 answer
 * tells the credentials, so a rejected plugin token is not used again.
 */
export class Transport {
  private prepared: Promise<{ agent: http.Agent; cert: TLSOptions['cert'] }> | undefined;

  readonly config: RestConfig;

  constructor(config: RestConfig) {
    this.config = config;
  }

  private parent: Transport | undefined;

  /**
   * Makes this transport (same credentials, another base URL) use the connection pool and TLS
   * material of another one, so clients derived for many workspaces share connections.
   */
  shareFrom(parent: Transport): void {
    this.parent = parent;
  }

  /** True when a request answered 401 may succeed when sent again (fresh plugin credential). */
  get retriesUnauthorized(): boolean {
    return this.config.credentials.refreshable;
  }

  private async agent(): Promise<http.Agent> {
    if (this.parent) return this.parent.agent();
    const creds = this.config.credentials;
    if (this.prepared && creds.refreshable) {
      // an exec plugin may rotate its client certificate: build a new pool when it did
      const [{ cert }, tls] = await Promise.all([this.prepared, creds.tlsOptions()]);
      if (tls.cert !== cert) this.prepared = undefined;
    }
    this.prepared ??= (async () => {
      const tls = await creds.tlsOptions();
      const isHttps = new URL(this.config.server).protocol === 'https:';
      // No socket cap: every watch holds one connection for its lifetime, and a cap would make
      // ordinary requests queue behind long-lived watches.
      const agentOpts = { keepAlive: true, maxSockets: Infinity, maxFreeSockets: 16 };
      const agent = isHttps
        ? new ProxyAwareHttpsAgent(creds.proxy, { ...agentOpts, ...tls })
        : new ProxyAwareHttpAgent(creds.proxy, agentOpts);
      return { agent, cert: tls.cert };
    })();
    return (await this.prepared).agent;
  }

  /** Sends one request; resolves with the response head (body unread). Counts it in the metrics. */
  async send(req: RawRequest): Promise<RawResponse> {
    const agent = await this.agent();
    const credentials = this.config.credentials;
    const authorization = await credentials.authorization();
    const headers: Record<string, string> = {
      'User-Agent': this.config.userAgent ?? USER_AGENT,
      Accept: 'application/json',
      ...(authorization.header ? { Authorization: authorization.header } : {}),
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
          if (res.statusCode === 401) credentials.rejected(authorization);
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

type CreateConnection = (
  options: Record<string, unknown>,
  cb: (err: Error | null, s?: Duplex) => void,
) => Duplex | undefined;

/** Opens each connection directly or, when the selector names a proxy for its host, through a CONNECT tunnel. */
function connectVia(
  proxy: ProxySelector,
  protocol: 'http:' | 'https:',
  direct: CreateConnection,
): CreateConnection {
  return (options, cb) => {
    const host = String(options.host ?? options.hostname ?? 'localhost');
    const port = Number(options.port) || (protocol === 'https:' ? 443 : 80);
    const via = proxy({ protocol, hostname: host, port });
    if (!via) return direct(options, cb);
    tunnel(via, { protocol, host, port }, options as ConnectionOptions, (err, socket) => cb(err, socket));
    return undefined;
  };
}

// The agents replace Node's own createConnection, whose declared type (stream argument required even
// on error) does not describe how the agent calls it: the cast is the boundary with Node's internals.
class ProxyAwareHttpsAgent extends https.Agent {
  constructor(proxy: ProxySelector, opts: https.AgentOptions) {
    super(opts);
    const direct = (this as unknown as { createConnection: CreateConnection }).createConnection.bind(this);
    (this as unknown as { createConnection: CreateConnection }).createConnection = connectVia(
      proxy,
      'https:',
      direct,
    );
  }
}

class ProxyAwareHttpAgent extends http.Agent {
  constructor(proxy: ProxySelector, opts: http.AgentOptions) {
    super(opts);
    const direct = (this as unknown as { createConnection: CreateConnection }).createConnection.bind(this);
    (this as unknown as { createConnection: CreateConnection }).createConnection = connectVia(
      proxy,
      'http:',
      direct,
    );
  }
}

export async function readBody(res: RawResponse): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res.stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
