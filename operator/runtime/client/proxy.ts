/**
 * HTTP(S) proxies the way client-go uses them: a kubeconfig `proxy-url` proxies every request of that
 * cluster; otherwise Go's ProxyFromEnvironment rules apply (HTTPS_PROXY for https targets, HTTP_PROXY
 * for http ones, upper case before lower case, NO_PROXY exceptions, never localhost or loopback).
 * Connections go through the proxy as a CONNECT tunnel (TLS to the API server inside it).
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

/** Picks the proxy for a target (undefined: connect directly). */
export type ProxySelector = (target: { protocol: string; hostname: string; port: number }) => URL | undefined;

/** The proxy selector of a cluster: its kubeconfig proxy-url, else the environment. */
export function proxySelector(
  proxyUrl: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ProxySelector {
  if (proxyUrl) {
    const fixed = parseProxyUrl(proxyUrl, 'kubeconfig proxy-url');
    return () => fixed;
  }
  return proxyFromEnvironment(env);
}

function parseProxyUrl(raw: string, where: string): URL {
  let u: URL;
  try {
    // Go: a value without a scheme means http://
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new Error(`${where}: invalid proxy address "${raw}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new Error(
      `${where}: proxy scheme "${u.protocol.slice(0, -1)}" is not supported (http and https are)`,
    );
  return u;
}

/** Go's golang.org/x/net/http/httpproxy FromEnvironment + ProxyFunc. */
export function proxyFromEnvironment(env: NodeJS.ProcessEnv): ProxySelector {
  const get = (name: string) => env[name] || env[name.toLowerCase()] || '';
  const httpsProxy = get('HTTPS_PROXY');
  const httpProxy = get('HTTP_PROXY');
  const forHttps = httpsProxy ? parseProxyUrl(httpsProxy, 'HTTPS_PROXY') : undefined;
  const forHttp = httpProxy ? parseProxyUrl(httpProxy, 'HTTP_PROXY') : undefined;
  const bypass = noProxyMatcher(get('NO_PROXY'));
  return ({ protocol, hostname, port }) => {
    const proxy = protocol === 'https:' ? forHttps : forHttp;
    if (!proxy) return undefined;
    const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (host === 'localhost' || isLoopback(host)) return undefined;
    return bypass(host, port) ? undefined : proxy;
  };
}

function isLoopback(host: string): boolean {
  const kind = net.isIP(host);
  if (kind === 4) return host.startsWith('127.');
  if (kind === 6) return host === '::1' || /^(0+:){7}0*1$/.test(host);
  return false;
}

/** NO_PROXY: "*", IPs, CIDRs, and host names matching themselves and their subdomains (".x" only subdomains). */
function noProxyMatcher(value: string): (host: string, port: number) => boolean {
  const blocks = new net.BlockList();
  const ips: { ip: string; port: number }[] = [];
  const domains: { suffix: string; exact: boolean; port: number }[] = [];
  let all = false;
  for (let entry of value.split(',')) {
    entry = entry.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') {
      all = true;
      break;
    }
    const cidr = entry.match(/^([^/]+)\/(\d+)$/);
    if (cidr && net.isIP(cidr[1]!)) {
      const kind = net.isIP(cidr[1]!) === 4 ? 'ipv4' : 'ipv6';
      blocks.addSubnet(cidr[1]!, Number(cidr[2]), kind);
      continue;
    }
    let host = entry;
    let port = 0;
    const hp = entry.match(/^(.*):(\d+)$/);
    if (hp && !net.isIP(entry)) {
      host = hp[1]!;
      port = Number(hp[2]);
    }
    host = host.replace(/^\[|\]$/g, '');
    if (net.isIP(host)) {
      ips.push({ ip: host, port });
      continue;
    }
    if (host.startsWith('*.')) host = host.slice(1);
    const exact = !host.startsWith('.');
    domains.push({ suffix: exact ? `.${host}` : host, exact, port });
  }
  return (host, port) => {
    if (all) return true;
    const kind = net.isIP(host);
    if (kind) {
      if (blocks.check(host, kind === 4 ? 'ipv4' : 'ipv6')) return true;
      return ips.some((e) => e.ip === host && (e.port === 0 || e.port === port));
    }
    return domains.some(
      (d) =>
        (d.port === 0 || d.port === port) &&
        (host.endsWith(d.suffix) || (d.exact && host === d.suffix.slice(1))),
    );
  };
}

type Callback = (err: Error | null, socket?: net.Socket) => void;

const TUNNEL_TIMEOUT_MS = 30_000;

/**
 * Opens a connection to `target` through `proxy` with CONNECT and, for https targets, starts TLS
 * inside the tunnel with the agent's TLS options (CA, client certificate, server name).
 */
export function tunnel(
  proxy: URL,
  target: { protocol: string; host: string; port: number },
  tlsOptions: tls.ConnectionOptions,
  callback: Callback,
): void {
  const authority = `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
  const headers: Record<string, string> = { Host: authority };
  if (proxy.username)
    headers['Proxy-Authorization'] =
      `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
  const mod = proxy.protocol === 'https:' ? https : http;
  const req = mod.request({
    host: proxy.hostname.replace(/^\[|\]$/g, ''),
    port: Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80),
    method: 'CONNECT',
    path: authority,
    headers,
    agent: false,
  });
  let done = false;
  // CONNECT and the TLS handshake happen before the request owns a socket, so its own timeout
  // does not cover them: bound them here.
  const timer = setTimeout(() => {
    req.destroy();
    finish(new Error(`proxy ${proxy.host}: no tunnel to ${authority} after ${TUNNEL_TIMEOUT_MS / 1000}s`));
  }, TUNNEL_TIMEOUT_MS);
  const finish: Callback = (err, socket) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    if (err) socket?.destroy();
    callback(err, socket);
  };
  req.once('connect', (res, socket, head) => {
    if (res.statusCode !== 200) {
      socket.destroy();
      finish(new Error(`proxy ${proxy.host} answered ${res.statusCode} to CONNECT ${authority}`));
      return;
    }
    if (head.length > 0) socket.unshift(head);
    if (target.protocol !== 'https:') {
      finish(null, socket);
      return;
    }
    const secure = tls.connect({ ...tlsOptions, socket });
    secure.once('secureConnect', () => finish(null, secure));
    secure.once('error', (err) => {
      if (!done) secure.destroy();
      finish(err);
    });
  });
  req.once('error', (err) => finish(new Error(`proxy ${proxy.host}: ${err.message}`, { cause: err })));
  req.end();
}
