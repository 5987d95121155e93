// The phase modes of the agent benchmark (docs/benchmark.md "Scale, floor and fairness"):
//   --scale      N workspaces (--workspaces, default 1000) bound to the export, M CronTabs (--objects,
//                default 100000) filled over them at the rate kcp sustains, R agent replicas
//                (--replicas, default 1; R > 1 sharded); time to full sync, RSS/heap/CPU per replica,
//                API requests per object, spec-down at steady state, and with R > 1 the handover
//   --fairness   a flooding tenant next to a quiet one (fairness-phase.ts)
//   --floor      the same requests without any agent (floor-phase.ts); also run after --scale
// Each mode starts its own world, bounds every wait, and writes result.json / result.md /
// latency-cdf.png to .artifacts/bench/.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startKcp, type Kcp } from '../../../e2e/world/kcp.js';
import { applyManifest, readManifests, waitForCrdEstablished } from '../../../e2e/world/manifests.js';
import { REPO_ROOT } from '../../../e2e/world/process.js';
import { createProvider } from '../../../e2e/world/provider.js';
import { startServiceCluster, type ServiceCluster } from '../../../e2e/world/service-cluster.js';
import { waitFor } from '../../../e2e/world/wait.js';
import { benchAgentArgs } from './agent-args.js';
import { closedLoopCreate, crontabsPath, openLoopCreate, type NewObject } from './closed-loop.js';
import { CopyTracker } from './copy-tracker.js';
import { runFairness, type FairnessResult } from './fairness-phase.js';
import { runFloor, type FloorResult } from './floor-phase.js';
import { jsonClient, pool, type JsonClient } from './http.js';
import { costPerObject, scrapeHeap, scrapeRequests, type RequestCounts } from './metrics.js';
import { renderCdfPng } from './png.js';
import { cpuSeconds, loadAverage, rssDetail, rssMiB } from './proc.js';
import {
  metricSum,
  metricsText,
  ownedClustersFromLog,
  startReplica,
  type Replica,
  type ReplicaConfig,
} from './replicas.js';
import { scaleMarkdown, type ReplicaFigures, type ScaleResult } from './scale-report.js';
import { createConsumerWorkspaces } from './scale-world.js';
import { seededRandom, summarize } from './stats.js';

export const PHASE_MODE_FLAGS = ['--scale', '--fairness', '--floor'];

const say = (m: string): void => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface PhaseOptions {
  scale: boolean;
  fairness: boolean;
  floor: boolean;
  workspaces: number;
  objects: number;
  replicas: number;
  fillConcurrency: number;
  workspaceConcurrency: number;
  steadyRate: number;
  steadySeconds: number;
  floodN: number;
  agentCommand?: string | undefined;
  seed: number;
}

export function phaseOptions(own: string[]): PhaseOptions {
  const opt = (name: string): string | undefined => {
    const i = own.indexOf(name);
    return i >= 0 ? own[i + 1] : undefined;
  };
  const scale = own.includes('--scale');
  const o: PhaseOptions = {
    scale,
    fairness: own.includes('--fairness'),
    floor: own.includes('--floor') || (scale && !own.includes('--no-floor')),
    workspaces: Number(opt('--workspaces') ?? (scale ? 1000 : 10)),
    objects: Number(opt('--objects') ?? 100_000),
    replicas: Number(opt('--replicas') ?? 1),
    fillConcurrency: Number(opt('--fill-concurrency') ?? 32),
    workspaceConcurrency: Number(opt('--workspace-concurrency') ?? 32),
    steadyRate: Number(opt('--steady-rate') ?? 20),
    steadySeconds: Number(opt('--steady-seconds') ?? 30),
    floodN: Number(opt('--flood') ?? 5000),
    agentCommand: opt('--agent-command') ?? process.env.BENCH_AGENT_COMMAND,
    seed: Number(opt('--seed') ?? 42),
  };
  if (o.replicas > 1 && o.agentCommand)
    throw new Error('--replicas > 1 needs this agent (--enable-sharding); --agent-command runs with R = 1');
  if (o.fairness && o.workspaces < 2) throw new Error('--fairness needs at least 2 workspaces');
  return o;
}

/** The whole mode's time limit: 30 min plus 100 ms per object and 1 s per workspace (a generous floor of 10/s). */
export function phaseModeLimitMinutes(own: string[]): number {
  const o = phaseOptions(own);
  return Math.ceil(30 + (o.scale ? (o.objects * 0.1) / 60 : 0) + o.workspaces / 60 + (o.fairness ? 10 : 0));
}

export async function runPhaseMode(own: string[], extraAgentFlags: string[]): Promise<void> {
  const o = phaseOptions(own);
  // BENCH_OUT_DIR lets two runs share a work tree without overwriting each other's logs and results.
  const outDir = path.resolve(REPO_ROOT, process.env.BENCH_OUT_DIR ?? path.join('.artifacts', 'bench'));
  mkdirSync(outDir, { recursive: true });
  const started = new Date().toISOString();
  const loadStart = loadAverage();
  const durations: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await f();
    } finally {
      durations[name] = Math.round((performance.now() - t) / 100) / 10;
    }
  };
  let kcp: Kcp | undefined;
  let svc: ServiceCluster | undefined;
  let tracker: CopyTracker | undefined;
  const replicas: Replica[] = [];
  const clients: JsonClient[] = [];
  try {
    // ---- world ------------------------------------------------------------------------------------
    kcp = await timed('start kcp', () => startKcp({ artifactsDir: path.join(outDir, 'kcp') }));
    const provider = await createProvider(kcp, { org: 'bench', teams: [] });
    svc = await timed('start service cluster', () =>
      startServiceCluster({ name: 'bench', artifactsDir: path.join(outDir, 'service-cluster') }),
    );
    for (const f of [
      'crds/syncagent.kcp.io_publishedresources.yaml',
      'manifests/examples/crontab-crd.yaml',
      'manifests/examples/crontab-publishedresource.yaml',
    ]) {
      for (const m of readManifests(path.join(REPO_ROOT, f))) {
        if (m.kind === 'PublishedResource') await waitForCrdEstablished(svc.client, 'crontabs.example.com');
        if (m.kind === 'PublishedResource')
          await waitForCrdEstablished(svc.client, 'publishedresources.syncagent.kcp.io');
        await applyManifest(svc.client, m);
      }
    }
    const kcpClient = jsonClient({ ...kcp.adminCredentials('root'), server: kcp.url }, 64);
    const svcClient = jsonClient(svc.client.creds);
    clients.push(kcpClient, svcClient);
    say(
      `creating ${o.workspaces} consumer workspaces with bindings (${o.workspaceConcurrency} in parallel) ...`,
    );
    const ws = await timed('workspaces', () =>
      createConsumerWorkspaces(kcp!, kcpClient, provider, o.workspaces, o.workspaceConcurrency, say),
    );
    say(`${o.workspaces} workspaces bound in ${ws.seconds.toFixed(1)} s = ${ws.perSecond.toFixed(1)}/s`);
    // The endpoint slice lists the virtual workspace once a workspace binds the export.
    const vwUrl = await provider.virtualWorkspaceUrl();
    const workspaces = ws.paths.map((p, i) => ({ path: p, cluster: ws.clusters[i]! }));
    tracker = await CopyTracker.start(svc.client, '/apis/example.com/v1/crontabs');
    const svcHost = new URL(svc.client.creds.server).host;
    const kcpHost = new URL(kcp.url).host;

    // ---- agents -----------------------------------------------------------------------------------
    const cfg: ReplicaConfig = {
      baseArgs: benchAgentArgs({
        endpointSliceName: provider.endpointSliceName,
        serviceKubeconfigPath: svc.kubeconfigPath,
        kcpKubeconfigPath: provider.agentKubeconfigPath,
      }),
      sharded: o.replicas > 1,
      agentCommand: o.agentCommand,
      artifactsDir: outDir,
      extraAgentFlags,
    };
    say(`starting ${o.replicas} agent replica(s)${cfg.sharded ? ' (sharded)' : ''} ...`);
    for (let i = 0; i < o.replicas; i++) replicas.push(await startReplica(cfg, `agent-${i}`));
    await timed('API served in all workspaces', async () => {
      const errors = await pool(workspaces, 16, async (w) => {
        await waitFor(() => kcpClient.send('GET', crontabsPath(w.path), undefined).catch(() => undefined), {
          description: `crontabs served in ${w.path}`,
          timeoutMs: 300_000,
          intervalMs: 500,
        });
      });
      if (errors.length)
        throw new Error(`the API is not served in ${errors.length} workspaces: ${errors[0]!.message}`);
    });
    say(
      `the API is served in all ${o.workspaces} workspaces (${durations['API served in all workspaces']} s)`,
    );

    const rand = seededRandom(o.seed);
    const pick = (prefix: string, n: number): NewObject[] =>
      Array.from({ length: n }, (_, i) => ({
        ...workspaces[Math.floor(rand() * workspaces.length)]!,
        name: `${prefix}-${i}`,
      }));
    const latencies = async (sent: Map<string, number>, limitMs: number): Promise<number[]> => {
      const missing = await tracker!.waitFor([...sent.keys()], limitMs);
      if (missing.length) say(`WARNING: ${missing.length}/${sent.size} objects not synced after the wait`);
      return [...sent].filter(([k]) => tracker!.seenAt.has(k)).map(([k, t]) => tracker!.seenAt.get(k)! - t);
    };
    const memory = async (r: Replica): Promise<string> => {
      try {
        const heap = await scrapeHeap(r.metricsPort).catch(() => undefined);
        return heap ? `${rssDetail(r.pid)}; ${heap}` : rssDetail(r.pid);
      } catch {
        return 'n/a (exited)';
      }
    };

    say('warm-up: 20 objects ...');
    await latencies(await openLoopCreate(kcpClient, pick('warm', 20), 10, say), 180_000);
    await sleep(5_000);
    const figures: ReplicaFigures[] = [];
    for (const r of replicas) {
      figures.push({ name: r.name, pid: r.pid, idle: await memory(r), idleRssMiB: rssMiB(r.pid) });
      say(`${r.name}: idle ${figures.at(-1)!.idle}`);
    }

    const result: ScaleResult = {
      started,
      finished: '',
      agent: o.agentCommand ?? 'node dist/operator/main.js',
      extraAgentFlags,
      loadAverage: { start: loadStart, end: '' },
      options: { ...o },
      workspaces: { n: o.workspaces, seconds: ws.seconds, perSecond: ws.perSecond },
      replicas: figures,
      durations,
      samples: {},
    };

    // ---- fill -------------------------------------------------------------------------------------
    if (o.scale) {
      const objs: NewObject[] = Array.from({ length: o.objects }, (_, i) => ({
        ...workspaces[i % workspaces.length]!,
        name: `obj-${i}`,
      }));
      const before = await Promise.all(replicas.map((r) => scrapeRequests(r.metricsPort)));
      const cpu0 = replicas.map((r) => cpuSeconds(r.pid));
      say(
        `fill: ${o.objects} CronTabs over ${o.workspaces} workspaces, closed loop with ${o.fillConcurrency} in flight ...`,
      );
      const t0 = performance.now();
      const fill = await timed('fill (creates)', () =>
        closedLoopCreate(kcpClient, objs, o.fillConcurrency, say),
      );
      say(
        `fill: ${fill.sentAt.size} created in ${fill.seconds.toFixed(1)} s = ${fill.ratePerSecond.toFixed(0)}/s (${fill.throttled} throttled, ${fill.failed.length} failed)`,
      );
      const keys = [...fill.sentAt.keys()];
      const progress = setInterval(
        () => say(`sync: ${keys.filter((k) => tracker!.seenAt.has(k)).length}/${keys.length} copies seen`),
        15_000,
      );
      const missing = await timed('fill (until fully synced)', () =>
        tracker!.waitFor(keys, Math.max(600_000, o.objects * 100), 180_000),
      ).finally(() => clearInterval(progress));
      const last = Math.max(...keys.map((k) => tracker!.seenAt.get(k) ?? Number.NaN).filter(Number.isFinite));
      const fullSync = (last - t0) / 1000;
      say(
        `fill: fully synced ${keys.length - missing.length}/${keys.length} in ${fullSync.toFixed(1)} s (first create → last copy) = ${((keys.length - missing.length) / fullSync).toFixed(0)}/s`,
      );
      await sleep(5_000);
      const after = await Promise.all(replicas.map((r) => scrapeRequests(r.metricsPort)));
      const sum = (cs: RequestCounts[]): RequestCounts => {
        const m: RequestCounts = new Map();
        for (const c of cs) for (const [k, v] of c) m.set(k, (m.get(k) ?? 0) + v);
        return m;
      };
      const cost = costPerObject(sum(before), sum(after), keys.length, kcpHost);
      replicas.forEach((r, i) => {
        figures[i]!.cpuSecondsPer1000 = ((cpuSeconds(r.pid) - cpu0[i]!) / keys.length) * 1000;
        figures[i]!.requestsPerObject = costPerObject(before[i]!, after[i]!, keys.length, kcpHost).total;
      });
      result.fill = {
        objects: keys.length,
        createSeconds: fill.seconds,
        createRate: fill.ratePerSecond,
        throttled: fill.throttled,
        failed: fill.failed.length,
        missing: missing.length,
        fullSyncSeconds: fullSync,
        syncRate: (keys.length - missing.length) / fullSync,
        requestsPerObject: cost,
        cpuSecondsPer1000Sum: figures.reduce((a, f) => a + (f.cpuSecondsPer1000 ?? 0), 0),
      };

      // ---- steady state ---------------------------------------------------------------------------
      const n = o.steadyRate * o.steadySeconds;
      say(`steady state: ${n} objects at ${o.steadyRate}/s over random workspaces ...`);
      const lat = await timed('steady state', async () =>
        latencies(await openLoopCreate(kcpClient, pick('steady', n), o.steadyRate, say), 180_000),
      );
      result.steady = { rate: o.steadyRate, seconds: o.steadySeconds, latency: summarize(lat) };
      result.samples[`spec-down ${o.steadyRate}/s after the fill`] = lat;
      say(
        `steady state: spec-down p50 ${result.steady.latency.p50.toFixed(0)} p99 ${result.steady.latency.p99.toFixed(0)} ms`,
      );
      await sleep(10_000);
      for (const [i, r] of replicas.entries()) {
        figures[i]!.end = await memory(r);
        figures[i]!.endRssMiB = rssMiB(r.pid);
        say(
          `${r.name}: at the end ${figures[i]!.end}, CPU ${figures[i]!.cpuSecondsPer1000?.toFixed(2)} s per 1,000 objects`,
        );
      }
    }

    // ---- handover ---------------------------------------------------------------------------------
    if (o.scale && replicas.length > 1) {
      result.handover = await timed('handover', () =>
        handover(replicas, cfg, workspaces, kcpClient, tracker!, svcHost, kcpHost),
      );
    }

    // ---- fairness ---------------------------------------------------------------------------------
    if (o.fairness) {
      const fr: FairnessResult = await timed('fairness', () =>
        runFairness(
          { kcp: kcpClient, tracker: tracker!, tenantA: workspaces[0]!, tenantB: workspaces[1]!, say },
          'fair',
          o.floodN,
        ),
      );
      result.fairness = fr;
      result.samples['quiet tenant alone'] = fr.samples.alone;
      result.samples['quiet tenant during the flood'] = fr.samples.duringFlood;
    }

    // ---- floor ------------------------------------------------------------------------------------
    if (o.floor) {
      say('stopping the agents for the floor phase ...');
      for (const r of replicas) await r.stop().catch(() => undefined);
      const fl: FloorResult = await timed('floor', () =>
        runFloor({
          kcp: kcpClient,
          agentCreds: kcp!.agentCredentials(provider.orgPath),
          virtualWorkspaceUrl: vwUrl,
          svc: svcClient,
          workspaces,
          say,
        }),
      );
      result.floor = fl;
      result.samples[`floor at ${fl.steady.rate}/s`] = fl.samples;
    }

    result.finished = new Date().toISOString();
    result.loadAverage.end = loadAverage();
    for (const [k, v] of Object.entries(result.samples))
      result.samples[k] = v.map((x) => Math.round(x * 10) / 10);
    writeFileSync(path.join(outDir, 'result.json'), JSON.stringify(result, null, 2) + '\n');
    const names = Object.keys(result.samples);
    writeFileSync(
      path.join(outDir, 'latency-cdf.png'),
      renderCdfPng(names.map((n) => ({ samples: result.samples[n]! }))),
    );
    const md = scaleMarkdown(result, names);
    writeFileSync(path.join(outDir, 'result.md'), md);
    console.log('\n' + md);
    say(`wrote ${path.relative(REPO_ROOT, outDir)}/result.json, result.md, latency-cdf.png`);
  } finally {
    tracker?.stop();
    for (const c of clients) c.close();
    for (const r of replicas) await r.stop().catch(() => undefined);
    await svc?.stop().catch(() => undefined);
    await kcp?.stop().catch(() => undefined);
  }
}

/**
 * SIGKILL the first replica, create one probe object in every workspace right away, and time kill →
 * probes synced (all workspaces, and those the killed replica owned when its log names them); then
 * start a replacement and count the writes and reconciles of every replica until all see R members
 * again and 15 s passed (a rebalance should cost ~0: no sync storm).
 */
async function handover(
  replicas: Replica[],
  cfg: ReplicaConfig,
  workspaces: { path: string; cluster: string }[],
  kcpClient: JsonClient,
  tracker: CopyTracker,
  svcHost: string,
  kcpHost: string,
): Promise<NonNullable<ScaleResult['handover']>> {
  const victim = replicas[0]!;
  const owned = ownedClustersFromLog(victim.logPath);
  say(
    `handover: SIGKILL ${victim.name} (pid ${victim.pid}; owned ${owned ? owned.length : 'unknown (no --log-debug)'} workspaces), probes in all ${workspaces.length} workspaces ...`,
  );
  const tKill = performance.now();
  victim.kill();
  const probes = workspaces.map((w) => ({ ...w, name: `probe-${Math.round(tKill)}` }));
  const created = await closedLoopCreate(kcpClient, probes, 32, say, 'probes');
  const keys = [...created.sentAt.keys()];
  const missing = await tracker.waitFor(keys, 300_000, 120_000);
  const after = (k: string): number => ((tracker.seenAt.get(k) ?? Number.NaN) - tKill) / 1000;
  const all = keys.map(after).filter(Number.isFinite);
  const ownedSet = new Set(owned ?? []);
  const theirs = keys
    .filter((k) => ownedSet.has(k.split('/')[0]!))
    .map(after)
    .filter(Number.isFinite);
  const killToAllSynced = Math.max(...all);
  say(
    `handover: kill → all ${keys.length} probes synced ${killToAllSynced.toFixed(1)} s (${missing.length} missing)${theirs.length ? `; the killed replica's ${theirs.length}: ${Math.max(...theirs).toFixed(1)} s` : ''}`,
  );

  const live = replicas.slice(1);
  const WRITE_VERBS = ['POST', 'PUT', 'PATCH', 'DELETE'];
  const count = (text: string, host: string, method: string) => {
    const v = metricSum(text, 'rest_client_requests_total', { method, host });
    return Number.isFinite(v) ? v : 0;
  };
  const writes = (text: string, host: string) =>
    WRITE_VERBS.map((m) => metricSum(text, 'rest_client_requests_total', { method: m, host }))
      .filter(Number.isFinite)
      .reduce((a, b) => a + b, 0);
  const reconciles = (text: string) => {
    const v = metricSum(text, 'controller_runtime_reconcile_total');
    return Number.isFinite(v) ? v : 0;
  };
  const texts0 = await Promise.all(live.map((r) => metricsText(r.metricsPort)));
  say('handover: starting a replacement replica ...');
  const tStart = performance.now();
  const replacement = await startReplica(cfg, `agent-${replicas.length}`);
  replicas.push(replacement);
  const members = async (r: Replica) =>
    metricSum(await metricsText(r.metricsPort), 'syncagent_shard_members');
  const all3 = [...live, replacement];
  const joined = await waitFor(
    async () => ((await Promise.all(all3.map(members))).every((m) => m === all3.length) ? true : undefined),
    { description: `every replica to see ${all3.length} members`, timeoutMs: 120_000, intervalMs: 500 },
  ).then(
    () => (performance.now() - tStart) / 1000,
    (e: Error) => {
      say(`WARNING: handover: ${e.message}`);
      return Number.NaN;
    },
  );
  await sleep(15_000);
  const texts1 = await Promise.all(all3.map((r) => metricsText(r.metricsPort)));
  const delta = (f: (t: string) => number) =>
    texts1.reduce((a, t, i) => a + f(t) - (i < texts0.length ? f(texts0[i]!) : 0), 0);
  const rebalance = {
    joinedSeconds: joined,
    serviceWrites: delta((t) => writes(t, svcHost)),
    kcpWrites: delta((t) => writes(t, kcpHost)),
    reconciles: delta(reconciles),
    // By verb, because the PUTs include every replica's member Lease renewal (one per retry period).
    serviceWritesByVerb: Object.fromEntries(WRITE_VERBS.map((m) => [m, delta((t) => count(t, svcHost, m))])),
  };
  say(
    `handover: replacement joined (all see ${all3.length} members) after ${joined.toFixed(1)} s; during the rebalance + 15 s: ${rebalance.serviceWrites} service writes, ${rebalance.kcpWrites} kcp writes, ${rebalance.reconciles} reconciles`,
  );
  return {
    killed: victim.name,
    ownedByKilled: owned?.length,
    probes: keys.length,
    probesMissing: missing.length,
    killToAllProbesSyncedSeconds: killToAllSynced,
    killToKilledReplicasProbesSyncedSeconds: theirs.length ? Math.max(...theirs) : undefined,
    probeLatency: summarize(all.map((s) => s * 1000)),
    rebalance,
  };
}
