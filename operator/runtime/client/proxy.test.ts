import { proxyFromEnvironment, proxySelector } from './proxy.js';

const pick = (env: NodeJS.ProcessEnv, url: string) => {
  const u = new URL(url);
  const port = Number(u.port) || (u.protocol === 'https:' ? 443 : 80);
  return proxyFromEnvironment(env)({ protocol: u.protocol, hostname: u.hostname, port })?.href;
};

describe('proxy selection (Go ProxyFromEnvironment rules)', () => {
  it('uses HTTPS_PROXY for https and HTTP_PROXY for http, upper case first, scheme defaulting to http', () => {
    const env = {
      HTTPS_PROXY: 'proxy.corp:3128',
      https_proxy: 'http://lower:1',
      http_proxy: 'http://plain:8080',
    };
    expect(pick(env, 'https://kcp.example.com:6443')).toBe('http://proxy.corp:3128/');
    expect(pick(env, 'http://kcp.example.com')).toBe('http://plain:8080/');
    expect(pick({ https_proxy: 'http://lower:1' }, 'https://kcp.example.com')).toBe('http://lower:1/');
    expect(pick({}, 'https://kcp.example.com')).toBeUndefined();
  });

  it('never proxies localhost or loopback addresses', () => {
    const env = { HTTPS_PROXY: 'http://p:1' };
    for (const url of [
      'https://localhost:6443',
      'https://127.0.0.1:6443',
      'https://127.9.9.9',
      'https://[::1]:6443',
    ])
      expect(pick(env, url)).toBeUndefined();
  });

  it('honours NO_PROXY: domains with subdomains, leading dots, ports, IPs, CIDRs and *', () => {
    const env = {
      HTTPS_PROXY: 'http://p:1',
      NO_PROXY: 'svc.cluster.local, .internal,kcp.example.com:6443,10.0.0.0/8,192.168.1.5',
    };
    expect(pick(env, 'https://kubernetes.default.svc.cluster.local')).toBeUndefined();
    expect(pick(env, 'https://svc.cluster.local')).toBeUndefined();
    expect(pick(env, 'https://a.internal')).toBeUndefined();
    expect(pick(env, 'https://internal')).toBe('http://p:1/'); // ".internal" only matches subdomains
    expect(pick(env, 'https://kcp.example.com:6443')).toBeUndefined();
    expect(pick(env, 'https://kcp.example.com:443')).toBe('http://p:1/'); // the entry names a port
    expect(pick(env, 'https://10.96.0.1')).toBeUndefined();
    expect(pick(env, 'https://192.168.1.5')).toBeUndefined();
    expect(pick(env, 'https://192.168.1.6')).toBe('http://p:1/');
    expect(pick({ HTTPS_PROXY: 'http://p:1', no_proxy: '*' }, 'https://anything')).toBeUndefined();
  });

  it('uses a kubeconfig proxy-url for every target, and rejects unsupported schemes', () => {
    const sel = proxySelector('http://proxy:8080', { HTTPS_PROXY: 'http://ignored:1' });
    expect(sel({ protocol: 'https:', hostname: '127.0.0.1', port: 6443 })?.href).toBe('http://proxy:8080/');
    expect(() => proxySelector('socks5://proxy:1080')).toThrow(
      'kubeconfig proxy-url: proxy scheme "socks5" is not supported (http and https are)',
    );
  });
});
