import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));

describe('Manager.handleSignals', () => {
  it('on SIGTERM lets the in-flight reconcile finish, then exits 0', async () => {
    const child = spawn(
      process.execPath,
      ['--import', './hack/lib/ts-hooks.mjs', 'operator/runtime/testing/sigterm-child.ts'],
      {
        cwd: repo,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`child did not start a reconcile: ${out} ${err}`)), 15_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('started')) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out.trim().split('\n')).toEqual(['started', 'finished']);
  }, 30_000);
});
