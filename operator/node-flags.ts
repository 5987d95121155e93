/**
 * V8 settings of the agent process, applied before any other module of the agent is evaluated (main.ts
 * imports this module first), so that every launcher gets them: the image entrypoint, the e2e and
 * benchmark launchers, and a plain `node dist/operator/main.js`.
 *
 * `--optimize-for-size`: the agent is a long-running process whose working set is many small cached
 * objects; V8 then favours memory over speed (much less heap headroom, more frequent collection).
 * Measured side by side in docs/benchmark.md ("Memory per object"): RSS idle 110 -> 98 MiB, at 10,000
 * synced objects 199 -> 162 MiB; its CPU cost was not separable from the shared machine's load there.
 */
import { setFlagsFromString } from 'node:v8';

export const AGENT_V8_FLAGS = ['--optimize-for-size'] as const;

for (const flag of AGENT_V8_FLAGS) setFlagsFromString(flag);
