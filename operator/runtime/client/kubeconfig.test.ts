import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inClusterConfig, loadRestConfig } from './config.js';
import { loadKubeconfigFiles, loadKubeconfigText } from './kubeconfig.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('kubeconfig loading (client-go rules)', () => {
  it('resolves the current context with inline data and a bearer token', () => {
    const r = loadKubeconfigText(
      `apiVersion: v1
kind: Config
current-context: b
clusters:
- {name: c1, cluster: {server: "https://one:6443", certificate-authority-data: ${b64('CA')}, tls-server-name: kcp.local}}
- {name: c2, cluster: {server: "https://two:6443", insecure-skip-tls-verify: true}}
users:
- {name: u1, user: {token: t1, client-certificate-data: ${b64('CERT')}, client-key-data: ${b64('KEY')}}}
- {name: u2, user: {username: admin, password: secret}}
contexts:
- {name: a, context: {cluster: c1, user: u1}}
- {name: b, context: {cluster: c2, user: u2, namespace: ns}}
`,
      '/nowhere',
    );
    expect(r.contextName).toBe('b');
    expect(r.namespace).toBe('ns');
    expect(r.cluster).toEqual({ server: 'https://two:6443', insecureSkipTLSVerify: true });
    expect(r.user.auth).toEqual({ type: 'basic', username: 'admin', password: 'secret' });
  });

  it('selects another context on request and reads -data fields', () => {
    const text = `clusters: [{name: c1, cluster: {server: "https://one:6443", certificate-authority-data: ${b64('CA')}, tls-server-name: kcp.local}}]
users: [{name: u1, user: {token: t1, tokenFile: ignored, client-certificate-data: ${b64('CERT')}, client-key-data: ${b64('KEY')}}}]
contexts: [{name: a, context: {cluster: c1, user: u1}}]
`;
    const r = loadKubeconfigText(text, '/nowhere', 'a');
    expect(r.cluster.ca?.toString()).toBe('CA');
    expect(r.cluster.tlsServerName).toBe('kcp.local');
    expect(r.user.cert?.toString()).toBe('CERT');
    expect(r.user.key?.toString()).toBe('KEY');
    // client-go: token wins over tokenFile
    expect(r.user.auth).toEqual({ type: 'token', token: 't1' });
    expect(() => loadKubeconfigText(text, '/nowhere')).toThrow(/no current-context/);
    expect(() => loadKubeconfigText(text, '/nowhere', 'zz')).toThrow(/context "zz" does not exist/);
  });

  it('merges $KUBECONFIG files: the first definition and the first current-context win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-merge-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'ca.crt'), 'CA-FROM-FILE');
    writeFileSync(join(dir, 'sub', 'token'), 'tok\n');
    writeFileSync(
      join(dir, 'first'),
      `clusters: [{name: c, cluster: {server: "https://first:1"}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
`,
    );
    writeFileSync(
      join(dir, 'sub', 'second'),
      `current-context: x
clusters:
- {name: c, cluster: {server: "https://second:2"}}
- {name: d, cluster: {server: "https://d:3", certificate-authority: ca.crt}}
users: [{name: u, user: {tokenFile: token}}]
contexts: [{name: x, context: {cluster: d, user: nobody}}, {name: y, context: {cluster: d, user: u}}]
`,
    );
    const r = loadKubeconfigFiles([join(dir, 'first'), join(dir, 'sub', 'second')]);
    expect(r.contextName).toBe('x');
    expect(r.cluster.server).toBe('https://first:1');
    // relative paths resolve against the directory of the file that defined the entry
    expect(r.user.auth).toEqual({ type: 'tokenFile', path: join(dir, 'sub', 'token') });
    const y = loadKubeconfigFiles([join(dir, 'first'), join(dir, 'sub', 'second')], 'y');
    expect(y.cluster.ca?.toString()).toBe('CA-FROM-FILE');
  });

  it('names the object and field of broken input', () => {
    expect(() => loadKubeconfigText('clusters: [{cluster: {server: x}}]', '/')).toThrow(
      /clusters\[0\]\.name/,
    );
    expect(() =>
      loadKubeconfigText(
        'current-context: x\nclusters: [{name: c, cluster: {}}]\ncontexts: [{name: x, context: {cluster: c}}]',
        '/',
      ),
    ).toThrow(/clusters\[c\]\.server is missing/);
    expect(() =>
      loadKubeconfigText(
        'current-context: x\nclusters: [{name: c, cluster: {server: s}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]',
        '/',
      ),
    ).toThrow(/names user "u", which does not exist/);
    expect(() =>
      loadKubeconfigText(
        `current-context: x
clusters: [{name: c, cluster: {server: s}}]
users: [{name: u, user: {client-certificate-data: ${b64('C')}}}]
contexts: [{name: x, context: {cluster: c, user: u}}]`,
        '/',
      ),
    ).toThrow(/users\[u\] has a client certificate without a key/);
    expect(() =>
      loadKubeconfigText(
        `current-context: x
clusters: [{name: c, cluster: {server: s}}]
users: [{name: u, user: {auth-provider: {name: gcp, config: {}}}}]
contexts: [{name: x, context: {cluster: c, user: u}}]`,
        '/',
      ),
    ).toThrow(/users\[u\]\.auth-provider "gcp" is not supported/);
    expect(() => loadKubeconfigFiles(['/does/not/exist'])).toThrow(/kubeconfig \/does\/not\/exist: ENOENT/);
  });

  it('reads exec plugin settings with the cluster extension and a command relative to the file', () => {
    const r = loadKubeconfigText(
      `current-context: x
clusters:
- name: c
  cluster:
    server: https://s
    extensions: [{name: client.authentication.k8s.io/exec, extension: {audience: kcp}}]
users:
- name: u
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: ./bin/plugin, args: [get-token], env: [{name: A, value: b}], provideClusterInfo: true, installHint: "install it"}
contexts: [{name: x, context: {cluster: c, user: u}}]`,
      '/etc/kube',
    );
    expect(r.user.auth).toEqual({
      type: 'exec',
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: '/etc/kube/bin/plugin',
        args: ['get-token'],
        env: [{ name: 'A', value: 'b' }],
        provideClusterInfo: true,
        installHint: 'install it',
        clusterConfig: { audience: 'kcp' },
      },
    });
  });

  it('builds the in-cluster config from the service account directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sa-'));
    writeFileSync(join(dir, 'token'), 'sa-token');
    writeFileSync(join(dir, 'ca.crt'), 'SA-CA');
    const v4 = inClusterConfig('10.0.0.1', '443', dir);
    expect(v4.cluster.server).toBe('https://10.0.0.1:443');
    expect(v4.cluster.ca?.toString()).toBe('SA-CA');
    expect(v4.user.auth).toEqual({ type: 'tokenFile', path: join(dir, 'token') });
    expect(inClusterConfig('fd00::1', '443', dir).cluster.server).toBe('https://[fd00::1]:443');
    expect(() => inClusterConfig('h', '1', join(dir, 'missing'))).toThrow(/no service account token/);
  });

  it('applies the host and CA-file overrides', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-ovr-'));
    writeFileSync(join(dir, 'ca'), 'OVERRIDE-CA');
    writeFileSync(
      join(dir, 'kubeconfig'),
      `current-context: x
clusters: [{name: c, cluster: {server: "https://orig", certificate-authority-data: ${b64('OLD')}}}]
contexts: [{name: x, context: {cluster: c}}]`,
    );
    const cfg = loadRestConfig({
      kubeconfig: join(dir, 'kubeconfig'),
      hostOverride: 'https://other/clusters/root',
      caFileOverride: join(dir, 'ca'),
    });
    expect(cfg.server).toBe('https://other/clusters/root');
    expect(cfg.credentials.cluster.ca?.toString()).toBe('OVERRIDE-CA');
    expect(() =>
      loadRestConfig({ kubeconfig: join(dir, 'kubeconfig'), caFileOverride: join(dir, 'nope') }),
    ).toThrow(/CA file override .*nope/);
  });
});
