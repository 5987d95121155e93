// Stops the run's kcp and kills every process group a test file left running (after a failed or
// timed-out test), using the pid registry the setup created.
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Kcp } from '../world/kcp.js';
import { killAllLive, killRegisteredGroups } from '../world/process.js';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as any).__apiSyncagentE2E as { kcp?: Kcp; runDir?: string } | undefined;
  if (!state) return;
  if (state.runDir) {
    const leftovers = killRegisteredGroups(path.join(state.runDir, 'pids'));
    if (leftovers > 0) console.log(`[e2e] teardown: stopped ${leftovers} leftover process group(s)`);
  }
  await state.kcp?.stop();
  killAllLive();
  if (state.runDir) rmSync(state.runDir, { recursive: true, force: true });
}
