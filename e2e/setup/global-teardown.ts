// Stops the run's kcp and kills every process group a test file left running (after a failed or
// timed-out test), using the pid registry the setup created.
// Jest loads global setup/teardown outside its module system (no moduleNameMapper), so relative
// `.js` imports of our TypeScript files are mapped to `.ts` by this resolve hook (first import).
import '../../hack/lib/ts-hooks.mjs';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Kcp } from '../world/kcp.js';
import { killAllLive, killRegisteredGroups } from '../world/process.js';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as any).__apiSyncagentE2E as { kcp?: Kcp; runDir?: string } | undefined;
  if (!state) return;
  await state.kcp?.stop();
  if (state.runDir) {
    const leftovers = killRegisteredGroups(path.join(state.runDir, 'pids'));
    for (const p of leftovers) console.log(`[e2e] teardown: stopped ${p}, which a test file left running`);
  }
  killAllLive();
  if (state.runDir) rmSync(state.runDir, { recursive: true, force: true });
}
