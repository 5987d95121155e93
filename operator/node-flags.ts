/**
 * V8 settings of the agent process, applied before any other module of the agent is evaluated (main.ts
 * imports this module first), so that every launcher gets them: the image entrypoint, the e2e and
 * benchmark launchers, and a plain `node dist/operator/main.js`.
 *
 * `--optimize-for-size`: the agent is a long-running process whose working set is many small cached
 * objects and little hot code; V8 then keeps smaller heap headroom and less optimized code and
 * feedback. Measured side by side in docs/benchmark.md ("Memory per object"): lower RSS at idle and
 * with 10,000 synced objects, CPU per object within the noise.
 */
import { setFlagsFromString } from 'node:v8';

export const AGENT_V8_FLAGS = ['--optimize-for-size'] as const;

for (const flag of AGENT_V8_FLAGS) setFlagsFromString(flag);
