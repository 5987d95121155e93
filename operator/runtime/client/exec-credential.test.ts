import { ExecCredentialSource, parseExecCredential, type RunPlugin } from './exec-credential.js';
import type { ExecConfig } from './kubeconfig.js';

const V1 = 'client.authentication.k8s.io/v1';
const exec: ExecConfig = {
  apiVersion: V1,
  command: 'plugin',
  args: ['a'],
  env: [{ name: 'X', value: 'y' }],
  provideClusterInfo: true,
};
const cluster = { server: 'https://kcp:6443', insecureSkipTLSVerify: false, ca: Buffer.from('CA') };
const credential = (status: Record<string, unknown>) =>
  JSON.stringify({ apiVersion: V1, kind: 'ExecCredential', status });

describe('exec credential plugins', () => {
  it('passes KUBERNETES_EXEC_INFO and env, caches until shortly before expiry, shares one run', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const calls: { args: string[]; env: NodeJS.ProcessEnv }[] = [];
    const run: RunPlugin = async (_cmd, args, env) => {
      calls.push({ args, env });
      return {
        stdout: credential({ token: `t${calls.length}`, expirationTimestamp: '2026-01-01T00:01:00Z' }),
        stderr: '',
      };
    };
    const src = new ExecCredentialSource(exec, cluster, run, () => now);
    const [a, b] = await Promise.all([src.get(), src.get()]);
    expect(a.token).toBe('t1');
    expect(b).toBe(a);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args).toEqual(['a']);
    expect(calls[0]!.env.X).toBe('y');
    expect(JSON.parse(calls[0]!.env.KUBERNETES_EXEC_INFO!)).toEqual({
      apiVersion: V1,
      kind: 'ExecCredential',
      spec: {
        interactive: false,
        cluster: { server: 'https://kcp:6443', 'certificate-authority-data': 'Q0E=' },
      },
    });
    now += 49_000;
    expect((await src.get()).token).toBe('t1');
    now += 2_000; // within 10 s of expiry
    expect((await src.get()).token).toBe('t2');
  });

  it('asks again after a 401 rejected the cached credential', async () => {
    let n = 0;
    const src = new ExecCredentialSource(exec, cluster, async () => ({
      stdout: credential({ token: `t${++n}` }),
      stderr: '',
    }));
    const first = await src.get();
    expect(await src.get()).toBe(first);
    src.invalidate(first);
    expect((await src.get()).token).toBe('t2');
  });

  it('explains failures: missing binary with the install hint, exit status with stderr, bad output', async () => {
    const missing = new ExecCredentialSource(
      { ...exec, installHint: 'brew install plugin' },
      cluster,
      async () => {
        throw Object.assign(new Error('spawn plugin ENOENT'), { code: 'ENOENT' });
      },
    );
    await expect(missing.get()).rejects.toThrow(/executable plugin not found\n\nbrew install plugin/);
    const failing = new ExecCredentialSource(exec, cluster, async () => {
      throw Object.assign(new Error('Command failed: plugin'), { code: 1, stderr: 'login expired\n' });
    });
    await expect(failing.get()).rejects.toThrow(/plugin failed: Command failed: plugin: login expired/);
    expect(() => parseExecCredential('nope', exec)).toThrow(/not an ExecCredential/);
    expect(() =>
      parseExecCredential(JSON.stringify({ apiVersion: 'v1', kind: 'ExecCredential', status: {} }), exec),
    ).toThrow(/returned v1\/ExecCredential, want client.authentication.k8s.io\/v1/);
    expect(() => parseExecCredential(credential({}), exec)).toThrow(
      /neither status.token nor a client certificate/,
    );
    expect(() => parseExecCredential(credential({ clientCertificateData: 'C' }), exec)).toThrow(
      /must come together/,
    );
    expect(() => parseExecCredential(credential({ token: 't', expirationTimestamp: 'soon' }), exec)).toThrow(
      /"soon" is not a time/,
    );
    expect(parseExecCredential(credential({ clientCertificateData: 'C', clientKeyData: 'K' }), exec)).toEqual(
      { cert: 'C', key: 'K' },
    );
  });

  it('refuses unsupported plugin API versions and interactive-only plugins', () => {
    expect(
      () =>
        new ExecCredentialSource({ ...exec, apiVersion: 'client.authentication.k8s.io/v1alpha1' }, cluster),
    ).toThrow(/v1alpha1" is not supported/);
    expect(() => new ExecCredentialSource({ ...exec, interactiveMode: 'Always' }, cluster)).toThrow(
      /needs a terminal/,
    );
  });
});
