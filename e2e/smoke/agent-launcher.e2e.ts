// The agent launcher (startAgent) runs a script on Node 24 with the given flags and environment, in
// its own process group, logging to <artifactsDir>/agent.log, and stop() ends it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { standardAgentArgs, startAgent } from '../world/agent.js';
import { artifactsDirFor } from '../world/run.js';
import { waitFor } from '../world/wait.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/args-echo.mjs');

describe('agent launcher', () => {
  it('runs the entrypoint with the flags a user passes, logs to agent.log and stops it', async () => {
    const args = standardAgentArgs({
      agentName: 'smoke',
      endpointSliceName: 'smoke.example.com',
      serviceKubeconfig: '/tmp/service.kubeconfig',
      kcpKubeconfig: '/tmp/kcp.kubeconfig',
    });
    const artifactsDir = artifactsDirFor('smoke-agent-launcher');
    const agent = await startAgent({
      args,
      env: { E2E_FIXTURE_MARK: 'marked' },
      artifactsDir,
      entrypoint: FIXTURE,
    });
    try {
      expect(agent.logPath).toBe(path.join(artifactsDir, 'agent.log'));
      expect(agent.pid).not.toBe(agent.pgid);
      const log = await waitFor(
        () => {
          const text = readFileSync(agent.logPath, 'utf8');
          return text.includes('node: ') ? text : undefined;
        },
        { description: 'the fixture to write its arguments to agent.log', timeoutMs: 20_000 },
      );
      expect(log).toContain(`args: ${JSON.stringify(args)}`);
      expect(log).toContain('env: marked');
      expect(log).toMatch(/node: v24\./);
      expect(args).toEqual(
        expect.arrayContaining([
          '--apiexportendpointslice-ref',
          'smoke.example.com',
          '--enable-leader-election=false',
        ]),
      );
    } finally {
      await agent.stop();
    }
    expect(agent.hasExited()).toBe(true);
    expect(readFileSync(agent.logPath, 'utf8')).toContain('got SIGTERM');
    expect(() => process.kill(agent.pid, 0)).toThrow();
  }, 60_000);
});
