import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRestConfig } from './config.js';
import { RestClient } from './rest.js';

/** Makes a CA, a server certificate for 127.0.0.1 and a client certificate with openssl. */
function makeCerts(dir: string): void {
  const ossl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  ossl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    '-subj',
    '/CN=test-ca',
  );
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  ossl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=127.0.0.1',
  );
  ossl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '1',
    '-extfile',
    'san.ext',
  );
  ossl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'client.key',
    '-out',
    'client.csr',
    '-subj',
    '/CN=agent/O=providers',
  );
  ossl(
    'x509',
    '-req',
    '-in',
    'client.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'client.crt',
    '-days',
    '1',
  );
}

describe('RestClient over TLS with a client certificate', () => {
  it('presents the kubeconfig client certificate and verifies the server with its CA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tls-'));
    makeCerts(dir);
    const read = (f: string): Buffer => readFileSync(join(dir, f));
    const seen: string[] = [];
    const server = https.createServer(
      {
        key: read('server.key'),
        cert: read('server.crt'),
        ca: read('ca.crt'),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
        seen.push(`${peer.subject?.CN}/${peer.subject?.O}`);
        res
          .writeHead(200, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ kind: 'List', items: [] }));
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const b64 = (f: string): string => read(f).toString('base64');
    writeFileSync(
      join(dir, 'kubeconfig'),
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${url}", certificate-authority-data: ${b64('ca.crt')}}}]
users: [{name: u, user: {client-certificate-data: ${b64('client.crt')}, client-key-data: ${b64('client.key')}}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
    );
    const c = new RestClient(loadRestConfig({ kubeconfig: join(dir, 'kubeconfig') }));
    await expect(c.list({ group: '', version: 'v1', resource: 'configmaps' })).resolves.toMatchObject({
      items: [],
    });
    expect(seen).toEqual(['agent/providers']);
    // the CA-file override replaces the inline CA: a wrong CA fails verification
    writeFileSync(join(dir, 'other-ca.crt'), read('client.crt'));
    const wrong = new RestClient(
      loadRestConfig({ kubeconfig: join(dir, 'kubeconfig'), caFileOverride: join(dir, 'other-ca.crt') }),
    );
    await expect(wrong.list({ group: '', version: 'v1', resource: 'configmaps' })).rejects.toThrow(
      /certificate|self.signed|issuer/i,
    );
    c.close();
    wrong.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }, 30_000);
});

describe('RestClient through an HTTP proxy (kubeconfig proxy-url)', () => {
  it('tunnels TLS with the client certificate through CONNECT, and names a refusing proxy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proxy-'));
    makeCerts(dir);
    const read = (f: string): Buffer => readFileSync(join(dir, f));
    const seen: string[] = [];
    const server = https.createServer(
      { key: read('server.key'), cert: read('server.crt'), ca: read('ca.crt'), requestCert: true },
      (req, res) => {
        const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
        seen.push(`${peer.subject?.CN} ${req.url}`);
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"kind":"List","items":[]}');
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const apiPort = (server.address() as AddressInfo).port;
    // A CONNECT proxy that records what it was asked for and refuses when told to.
    const connects: string[] = [];
    let refuse = false;
    const proxy = http.createServer();
    proxy.on('connect', (req: http.IncomingMessage, client: import('node:net').Socket, head: Buffer) => {
      connects.push(`${req.url} auth=${req.headers['proxy-authorization'] ?? ''}`);
      if (refuse) {
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
        return;
      }
      const [host, port] = req.url!.split(':');
      const upstream = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyPort = (proxy.address() as AddressInfo).port;
    const b64 = (f: string): string => read(f).toString('base64');
    writeFileSync(
      join(dir, 'kubeconfig'),
      `current-context: x
clusters: [{name: c, cluster: {server: "https://127.0.0.1:${apiPort}", certificate-authority-data: ${b64('ca.crt')}, proxy-url: "http://user:p%40ss@127.0.0.1:${proxyPort}"}}]
users: [{name: u, user: {client-certificate-data: ${b64('client.crt')}, client-key-data: ${b64('client.key')}}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
`,
    );
    const c = new RestClient(loadRestConfig({ kubeconfig: join(dir, 'kubeconfig') }));
    await expect(c.list({ group: '', version: 'v1', resource: 'configmaps' })).resolves.toMatchObject({
      items: [],
    });
    expect(seen).toEqual(['agent /api/v1/configmaps']);
    expect(connects).toEqual([
      `127.0.0.1:${apiPort} auth=Basic ${Buffer.from('user:p@ss').toString('base64')}`,
    ]);

    refuse = true;
    const fresh = new RestClient(loadRestConfig({ kubeconfig: join(dir, 'kubeconfig') }));
    await expect(fresh.list({ group: '', version: 'v1', resource: 'configmaps' })).rejects.toThrow(
      `proxy 127.0.0.1:${proxyPort} answered 407 to CONNECT 127.0.0.1:${apiPort}`,
    );
    c.close();
    fresh.close();
    server.closeAllConnections();
    proxy.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await new Promise<void>((r) => proxy.close(() => r()));
  }, 30_000);
});
