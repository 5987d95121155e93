// Differential test against the Go agent (kcp-dev/api-syncagent, ../shared/reference/go-api-syncagent):
// two identical worlds -- each a provider workspace with the same APIExport name, two bound team
// workspaces and its own service cluster with the same CRDs and PublishedResources -- one run by the
// Go agent, one by this agent, driven through the same population (scenario.ts). Afterwards every
// object either agent writes is compared field by field (compare.ts): service-side copies, related
// objects, namespaces, state Secrets, PublishedResource status; kcp-side primaries (status,
// annotations, finalizers), related objects and events; APIResourceSchemas and the APIExport. The only
// accepted differences are the deliberate ones listed in compare.ts (DELIBERATE_DIFFERENCES).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { STEP, type AgentWorld } from '../agent/helpers.js';
import { goAgentBinary } from '../world/agent.js';
import { artifactsDirFor, readRunCoordinates } from '../world/run.js';
import { classify, diffSnapshots, formatDifference, snapshot } from './compare.js';
import { Steps, drivePopulation, quiesce, startCompatWorld } from './scenario.js';

const GO_AGENT = goAgentBinary();
const SKIP_REASON =
  'SKIPPED: the reference Go agent is absent (../shared/reference/go-api-syncagent beside the ' +
  'repository, or GO_SYNCAGENT_BINARY)';
// Straight to stdout: jest shows no console output of a file whose tests are all skipped.
if (!GO_AGENT) process.stdout.write(`[compat] differential e2e ${SKIP_REASON}\n`);
const describeWithGo = GO_AGENT
  ? describe
  : (name: string, fn: () => void) => describe.skip(`${name} -- ${SKIP_REASON}`, fn);

describeWithGo('compat: differential against the Go agent', () => {
  let goWorld: AgentWorld | undefined;
  let tsWorld: AgentWorld | undefined;

  afterAll(async () => {
    await Promise.all([goWorld?.stop(), tsWorld?.stop()]);
  }, STEP);

  it(
    'writes the same objects as the Go agent, apart from the documented deliberate differences',
    async () => {
      const kcpVersion = readRunCoordinates().kcp.version ?? 'unknown';
      const t0 = Date.now();
      const worlds = await Promise.all([
        startCompatWorld('compat-diff-go', GO_AGENT),
        startCompatWorld('compat-diff-ts', undefined),
      ]);
      [goWorld, tsWorld] = worlds;
      const [go, ts] = worlds;
      const goSteps = new Steps('go');
      const tsSteps = new Steps('ts');
      await Promise.all([drivePopulation(go, goSteps), drivePopulation(ts, tsSteps)]);
      await quiesce();
      const [goSnap, tsSnap] = await Promise.all([snapshot(go), snapshot(ts)]);
      const diffs = diffSnapshots(goSnap, tsSnap);
      const { deliberate, unexpected } = classify(diffs);

      const report = [
        `differential e2e on kcp ${kcpVersion}, Go agent ${GO_AGENT}, ${Math.round((Date.now() - t0) / 1000)}s`,
        `objects compared: go ${goSnap.size}, ts ${tsSnap.size}`,
        `steps not converged (go): ${
          goSteps
            .failed()
            .map((r) => r.step)
            .join('; ') || 'none'
        }`,
        `steps not converged (ts): ${
          tsSteps
            .failed()
            .map((r) => r.step)
            .join('; ') || 'none'
        }`,
        `deliberate differences (${deliberate.length}):`,
        ...deliberate.map((d) => `  [${d.name}] ${formatDifference(d.diff)}`),
        `unexpected differences (${unexpected.length}):`,
        ...unexpected.map((d) => `  ${formatDifference(d)}`),
      ].join('\n');
      const dir = artifactsDirFor('compat');
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'differential.txt'), report + '\n');
      writeFileSync(
        path.join(dir, 'differential-snapshots.json'),
        JSON.stringify({ go: Object.fromEntries(goSnap), ts: Object.fromEntries(tsSnap) }, null, 2),
      );
      console.log(`[compat] ${report}`);

      expect(goSteps.failed()).toEqual([]);
      expect(tsSteps.failed()).toEqual([]);
      expect(unexpected.map(formatDifference)).toEqual([]);
    },
    2 * 600_000,
  );
});
