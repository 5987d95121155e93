// The test world fails loudly and cleanly: a server that dies at once or never becomes ready gives an
// error naming the step and its log file, within the timeout, and leaves no process behind.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { artifactsDirFor } from '../world/run.js';
import { startServiceCluster } from '../world/service-cluster.js';

const STEP_TIMEOUT = 60_000;

describe('test-world failures', () => {
  const saved = process.env.KUBE_APISERVER_BINARY;
  afterEach(() => {
    if (saved === undefined) delete process.env.KUBE_APISERVER_BINARY;
    else process.env.KUBE_APISERVER_BINARY = saved;
  });

  it(
    'reports a server that exits at once, naming the step and its log',
    async () => {
      process.env.KUBE_APISERVER_BINARY = '/bin/false';
      const artifactsDir = artifactsDirFor('smoke-failure-exit');
      await expect(startServiceCluster({ name: 'smoke-failure-exit', artifactsDir })).rejects.toThrow(
        /kube-apiserver exited early[\s\S]*step "start kube-apiserver"; log .*kube-apiserver\.log/,
      );
    },
    STEP_TIMEOUT,
  );

  it(
    'times out on a server that never becomes ready and stops it',
    async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'never-ready-'));
      const fake = path.join(dir, 'kube-apiserver');
      const pidFile = path.join(dir, 'pid');
      writeFileSync(fake, `#!/bin/sh\necho $$ > ${pidFile}\nexec sleep 600\n`);
      chmodSync(fake, 0o755);
      process.env.KUBE_APISERVER_BINARY = fake;
      const started = Date.now();
      await expect(
        startServiceCluster({
          name: 'smoke-failure-hang',
          artifactsDir: artifactsDirFor('smoke-failure-hang'),
          readyTimeoutMs: 3_000,
        }),
      ).rejects.toThrow(
        /timed out after \d+s waiting for kube-apiserver to write .*apiserver\.crt[\s\S]*kube-apiserver\.log/,
      );
      expect(Date.now() - started).toBeLessThan(30_000);
      const pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
      expect(isAlive(pid)).toBe(false);
    },
    STEP_TIMEOUT,
  );
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
