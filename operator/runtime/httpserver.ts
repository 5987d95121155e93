import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsRegistry } from './metrics.js';

/** A named check: resolves/returns normally when healthy, throws (or returns a message) when not. */
export type Check = () => void | string | Promise<void | string>;

/** Parses "host:port", ":port" or "port". "0" and "" mean disabled and return undefined. */
export function parseAddress(address: string): { host: string; port: number } | undefined {
  if (address === '' || address === '0') return undefined;
  const i = address.lastIndexOf(':');
  const host = i < 0 ? '' : address.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(i < 0 ? address : address.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`invalid address ${JSON.stringify(address)}: bad port`);
  return { host, port };
}

export interface RunningServer {
  /** The bound "host:port" (useful with port 0). */
  address: string;
  close(): Promise<void>;
}

function listen(address: string, handler: http.RequestListener): Promise<RunningServer | undefined> {
  const parsed = parseAddress(address);
  if (!parsed) return Promise.resolve(undefined);
  const server = http.createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(parsed.port, parsed.host || undefined, () => {
      const a = server.address() as AddressInfo;
      resolve({
        address: `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

/** Serves the Prometheus registry at /metrics. */
export function startMetricsServer(address: string): Promise<RunningServer | undefined> {
  return listen(address, (req, res) => {
    if (req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end('404 page not found\n');
      return;
    }
    metricsRegistry.metrics().then(
      (body) => res.writeHead(200, { 'Content-Type': metricsRegistry.contentType }).end(body),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
}

async function runChecks(checks: Map<string, Check>): Promise<{ ok: boolean; lines: string[] }> {
  const lines: string[] = [];
  let ok = true;
  for (const [name, check] of checks) {
    try {
      const msg = await check();
      if (typeof msg === 'string' && msg !== '') throw new Error(msg);
      lines.push(`[+]${name} ok`);
    } catch (err) {
      ok = false;
      lines.push(`[-]${name} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { ok, lines };
}

/**
 * /healthz and /readyz with named checks, answering like controller-runtime's healthz handler: 200
 * `ok` when all pass, 500 listing failures otherwise; `?verbose` lists every check; `/healthz/<name>`
 * runs one check.
 */
export function startHealthServer(
  address: string,
  healthz: Map<string, Check>,
  readyz: Map<string, Check>,
): Promise<RunningServer | undefined> {
  return listen(address, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [, root, sub] = url.pathname.split('/');
    const set = root === 'healthz' ? healthz : root === 'readyz' ? readyz : undefined;
    if (!set) {
      res.writeHead(404).end('404 page not found\n');
      return;
    }
    let checks = set;
    if (sub) {
      const one = set.get(sub);
      if (!one) {
        res.writeHead(404).end(`no such check ${sub}\n`);
        return;
      }
      checks = new Map([[sub, one]]);
    }
    void runChecks(checks).then(({ ok, lines }) => {
      const verbose = url.searchParams.has('verbose');
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      if (ok) res.writeHead(200).end(verbose ? `${lines.join('\n')}\n${root} check passed\n` : 'ok');
      else res.writeHead(500).end(`${lines.join('\n')}\n${root} check failed\n`);
    });
  });
}
