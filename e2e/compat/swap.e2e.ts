// Live swap between the Go agent (../shared/reference/go-api-syncagent) and this agent, both ways, on
// the same clusters. The Go agent syncs a population (scenario.ts: creates, edits, related objects
// both ways, cluster-scoped and projected types) plus a deletion in flight (a kcp object deleted while
// its service-side copy is held by a finalizer the test controls); it is stopped and this agent starts
// with the same flags. Checks: no object re-created (every UID the same), no copy orphaned (each
// copy's kcp object exists) or duplicated (one copy per kcp object), later edits flow both ways, a new
// object is synced, the held deletion completes once released. Then the same the other way round.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { STEP, b64, restartAgent, type AgentWorld } from '../agent/helpers.js';
import { goAgentBinary } from '../world/agent.js';
import type { KubeObject, RestClient } from '../world/rest.js';
import { artifactsDirFor, readRunCoordinates } from '../world/run.js';
import {
  KCP_COLLECTIONS,
  KCP_PIPELINES,
  SERVICE_COLLECTIONS,
  Steps,
  drivePopulation,
  localPaths,
  untilNudged,
  startCompatWorld,
} from './scenario.js';

const GO_AGENT = goAgentBinary();
const SKIP_REASON =
  'SKIPPED: the reference Go agent is absent (../shared/reference/go-api-syncagent beside the ' +
  'repository, or GO_SYNCAGENT_BINARY)';
// Straight to stdout: jest shows no console output of a file whose tests are all skipped.
if (!GO_AGENT) process.stdout.write(`[compat] swap e2e ${SKIP_REASON}\n`);
const describeWithGo = GO_AGENT
  ? describe
  : (name: string, fn: () => void) => describe.skip(`${name} -- ${SKIP_REASON}`, fn);

const HOLD = 'compat.example.com/hold';
const REMOTE_CLUSTER = 'syncagent.kcp.io/remote-object-cluster';

/** side + collection + namespace/name -> uid of every object of the compared collections. */
async function inventory(w: AgentWorld): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const add = async (side: string, c: RestClient, coll: string) => {
    let items: KubeObject[] = [];
    try {
      items = (await c.list(coll)).items;
    } catch {
      return;
    }
    for (const o of items) {
      out.set(`${side} ${coll} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, o.metadata.uid!);
    }
  };
  for (const coll of SERVICE_COLLECTIONS) await add('service', w.service.client, coll);
  for (let i = 0; i < w.provider.teamPaths.length; i++) {
    for (const coll of KCP_COLLECTIONS) await add(`kcp team-${i}`, w.provider.teamAdmin(i), coll);
  }
  return out;
}

/** Objects whose uid changed (re-created) between two inventories; `gone` lists the deleted ones. */
function recreated(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...before].filter(([k, uid]) => after.has(k) && after.get(k) !== uid).map(([k]) => k);
}

/**
 * Service-side copies of kcp primaries, checked against kcp: orphaned (the kcp object is gone and the
 * copy is not being deleted) and duplicated (two copies of one kcp object).
 */
async function copyAudit(
  w: AgentWorld,
): Promise<{ copies: number; orphaned: string[]; duplicated: string[] }> {
  const primaries = [
    '/apis/ci.example.com/v1/pipelines',
    '/apis/gizmos.example.com/v1/gizmos',
    '/apis/geo.example.com/v1/regions',
    '/apis/monitors.example.com/v1/monitors',
  ];
  const kcpOf: Record<string, string> = {
    '/apis/ci.example.com/v1/pipelines': '/apis/ci.example.com/v1',
    '/apis/gizmos.example.com/v1/gizmos': '/apis/toys.example.com/v2',
    '/apis/geo.example.com/v1/regions': '/apis/geo.example.com/v1',
    '/apis/monitors.example.com/v1/monitors': '/apis/monitors.example.com/v1',
  };
  const kcpResource: Record<string, string> = {
    '/apis/ci.example.com/v1/pipelines': 'pipelines',
    '/apis/gizmos.example.com/v1/gizmos': 'toys',
    '/apis/geo.example.com/v1/regions': 'regions',
    '/apis/monitors.example.com/v1/monitors': 'monitors',
  };
  const seen = new Map<string, string>();
  const orphaned: string[] = [];
  const duplicated: string[] = [];
  let copies = 0;
  for (const coll of primaries) {
    for (const o of (await w.service.client.list(`${coll}?labelSelector=${REMOTE_CLUSTER}`)).items) {
      copies++;
      const cluster = o.metadata.labels![REMOTE_CLUSTER]!;
      const team = w.provider.teamClusterNames.indexOf(cluster);
      const rns = o.metadata.annotations?.['syncagent.kcp.io/remote-object-namespace'];
      const rname = o.metadata.annotations?.['syncagent.kcp.io/remote-object-name'];
      const remoteId = `${coll} ${cluster}|${rns ?? ''}/${rname}`;
      const local = `${coll} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      if (seen.has(remoteId)) duplicated.push(`${local} and ${seen.get(remoteId)} copy ${remoteId}`);
      seen.set(remoteId, local);
      const remotePath = `${kcpOf[coll]}${rns ? `/namespaces/${rns}` : ''}/${kcpResource[coll]}/${rname}`;
      const remote = team >= 0 ? await w.provider.teamAdmin(team).getOrUndefined(remotePath) : undefined;
      if (!remote && !o.metadata.deletionTimestamp) orphaned.push(`${local} (kcp ${remotePath} is gone)`);
    }
  }
  return { copies, orphaned, duplicated };
}

interface SwapRecord {
  from: string;
  to: string;
  objects: number;
  copies: number;
  recreated: string[];
  orphaned: string[];
  duplicated: string[];
  steps: Steps;
  swapMs: number;
  deletionCompletedMs: number;
}

/** Creates a Pipeline, waits for its copy, holds the copy with a finalizer and deletes it in kcp. */
async function startHeldDeletion(w: AgentWorld, s: Steps, name: string): Promise<void> {
  const kcp = w.provider.teamAdmin(0);
  const copyPath = localPaths(w).pipeline(name);
  await kcp.create(KCP_PIPELINES, {
    apiVersion: 'ci.example.com/v1',
    kind: 'Pipeline',
    metadata: { name, namespace: 'default' },
    spec: { image: 'docker.io/held:1', schedule: '@daily', note: 'held', replicas: '1' },
  });
  await s.until(`${name}: copy created`, () => w.service.client.getOrUndefined(copyPath));
  await w.service.client.mergePatch(copyPath, { metadata: { finalizers: [HOLD] } });
  await kcp.delete(`${KCP_PIPELINES}/${name}`);
  await s.until(`${name}: copy being deleted (held)`, async () => {
    const c = await w.service.client.getOrUndefined(copyPath);
    return c?.metadata.deletionTimestamp ? true : undefined;
  });
  await s.until(`${name}: kcp object waits for the copy`, async () => {
    const k = await kcp.getOrUndefined(`${KCP_PIPELINES}/${name}`);
    return k?.metadata.deletionTimestamp &&
      (k.metadata.finalizers as string[]).includes('syncagent.kcp.io/cleanup')
      ? true
      : undefined;
  });
}

/**
 * Stops the current agent, starts `to` (command or undefined for this agent) on the same clusters and
 * runs the checks; `heldName` is the Pipeline whose deletion is in flight.
 */
async function swap(
  w: AgentWorld,
  from: string,
  to: { label: string; command: string | undefined },
  heldName: string,
  round: number,
): Promise<SwapRecord> {
  const s = new Steps(`${from}->${to.label}`);
  const kcp = w.provider.teamAdmin(0);
  const l0 = localPaths(w, 0);
  const before = await inventory(w);
  const t0 = Date.now();
  if (to.command === undefined) delete w.agentCommand;
  else w.agentCommand = to.command;
  await restartAgent(w, async () => undefined, `agent-${round}-${to.label}`);

  // Later edits flow both ways (nudges: the Go agent looks at related objects with their primary).
  await kcp.mergePatch(`${KCP_PIPELINES}/nightly`, { spec: { schedule: `round-${round}` } });
  await s.until('spec edit reached the copy', async () => {
    const c = await w.service.client.get(l0.pipeline('nightly'));
    return c.spec?.schedule === `round-${round}`;
  });
  const swapMs = Date.now() - t0;
  await w.service.client.mergePatch(`${l0.pipeline('nightly')}/status`, {
    status: { summary: `round ${round}` },
  });
  await s.until('status edit reached kcp', async () => {
    const p = await kcp.get(`${KCP_PIPELINES}/nightly`);
    return p.status?.summary === `ROUND ${round}`;
  });
  await w.service.client.mergePatch(
    `/api/v1/namespaces/${l0.cluster}/secrets/${l0.pipelineLocalName('nightly')}-creds`,
    { data: { password: b64(`round-${round}`) } },
  );
  await kcp.mergePatch('/api/v1/namespaces/default/configmaps/nightly-settings', {
    data: { round: String(round) },
  });
  await untilNudged(
    s,
    kcp,
    `${KCP_PIPELINES}/nightly`,
    `round-${round}`,
    'related edits reached the other side',
    async () => {
      const secret = await kcp.get('/api/v1/namespaces/default/secrets/nightly-creds');
      const cm = await w.service.client.get(`/api/v1/namespaces/${l0.cluster}/configmaps/nightly-settings`);
      return secret.data?.password === b64(`round-${round}`) && cm.data?.round === String(round);
    },
  );
  // A new object is synced.
  await kcp.create(KCP_PIPELINES, {
    apiVersion: 'ci.example.com/v1',
    kind: 'Pipeline',
    metadata: { name: `new-${round}`, namespace: 'default' },
    spec: { image: 'docker.io/new:1', schedule: '@hourly', note: 'new', replicas: '1' },
  });
  await s.until('new object copied', () => w.service.client.getOrUndefined(l0.pipeline(`new-${round}`)));

  // The deletion in flight completes once the test releases its finalizer.
  const t1 = Date.now();
  await w.service.client.mergePatch(l0.pipeline(heldName), { metadata: { finalizers: null } });
  await s.until(`${heldName}: copy deleted`, async () =>
    (await w.service.client.getOrUndefined(l0.pipeline(heldName))) ? undefined : true,
  );
  await s.until(`${heldName}: kcp object deleted`, async () =>
    (await kcp.getOrUndefined(`${KCP_PIPELINES}/${heldName}`)) ? undefined : true,
  );
  const deletionCompletedMs = Date.now() - t1;

  const after = await inventory(w);
  const audit = await copyAudit(w);
  return {
    from,
    to: to.label,
    objects: before.size,
    copies: audit.copies,
    recreated: recreated(before, after),
    orphaned: audit.orphaned,
    duplicated: audit.duplicated,
    steps: s,
    swapMs,
    deletionCompletedMs,
  };
}

describeWithGo('compat: live swap between the Go agent and this agent', () => {
  let w: AgentWorld | undefined;
  afterAll(async () => {
    await w?.stop();
  }, STEP);

  it(
    'swaps Go -> TypeScript -> Go on the same clusters without re-creating, orphaning or duplicating',
    async () => {
      const kcpVersion = readRunCoordinates().kcp.version ?? 'unknown';
      w = await startCompatWorld('compat-swap', GO_AGENT);
      const population = new Steps('go population');
      await drivePopulation(w, population);
      await startHeldDeletion(w, population, 'held-1');

      const there = await swap(w, 'go', { label: 'ts', command: undefined }, 'held-1', 1);
      await startHeldDeletion(w, there.steps, 'held-2');
      const back = await swap(w, 'ts', { label: 'go', command: GO_AGENT }, 'held-2', 2);

      const lines = [
        `swap e2e on kcp ${kcpVersion}`,
        `population steps not converged: ${
          population
            .failed()
            .map((r) => r.step)
            .join('; ') || 'none'
        }`,
        ...[there, back].map(
          (r) =>
            `${r.from} -> ${r.to}: ${r.objects} objects, ${r.copies} copies; re-created ${r.recreated.length}, ` +
            `orphaned ${r.orphaned.length}, duplicated ${r.duplicated.length}; first edit synced ${r.swapMs} ms ` +
            `after the swap; held deletion completed ${r.deletionCompletedMs} ms after release; ` +
            `steps not converged: ${
              r.steps
                .failed()
                .map((x) => x.step)
                .join('; ') || 'none'
            }` +
            [...r.recreated, ...r.orphaned, ...r.duplicated].map((x) => `\n    ${x}`).join(''),
        ),
      ].join('\n');
      const dir = artifactsDirFor('compat');
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'swap.txt'), lines + '\n');
      console.log(`[compat] ${lines}`);

      expect(population.failed()).toEqual([]);
      for (const r of [there, back]) {
        expect({ swap: `${r.from}->${r.to}`, notConverged: r.steps.failed() }).toEqual({
          swap: `${r.from}->${r.to}`,
          notConverged: [],
        });
        expect({
          swap: `${r.from}->${r.to}`,
          recreated: r.recreated,
          orphaned: r.orphaned,
          duplicated: r.duplicated,
        }).toEqual({
          swap: `${r.from}->${r.to}`,
          recreated: [],
          orphaned: [],
          duplicated: [],
        });
      }
    },
    2 * 600_000,
  );
});
