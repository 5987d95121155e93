// `bash hack/bench.sh [--quick] [--agent-command "<cmd>"] [--reps N] [--seed N] [-- <extra agent flags>]`
//
// The agent benchmark (docs/benchmark.md) on the real world: one kcp, a provider with 10 bound team
// workspaces, one service cluster with the sample CronTab CRD and its PublishedResource, and the agent (this
// one by default; any binary via --agent-command, started with the same flags). Measures spec-down and
// status-up latency (watches on both sides, one clock), burst throughput, agent RSS, API requests per
// object (the agent's own rest_client_requests_total), CPU per 1,000 objects, and (last) related-object
// latency: a service-side Secret rotated until its kcp copy matches. Writes JSON, Markdown
// and a PNG CDF chart to .artifacts/bench/. Every loop is bounded by a count and a time limit.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AGENT_ENTRYPOINT, startAgent } from '../../e2e/world/agent.js';
import { startKcp, type Kcp } from '../../e2e/world/kcp.js';
import { applyManifest, readManifests, waitForCrdEstablished } from '../../e2e/world/manifests.js';
import { freePort } from '../../e2e/world/ports.js';
import { REPO_ROOT, killAllLive, startProcess } from '../../e2e/world/process.js';
import { createProvider, type ProviderWorld } from '../../e2e/world/provider.js';
import type { KubeObject } from '../../e2e/world/rest.js';
import { startServiceCluster, type ServiceCluster } from '../../e2e/world/service-cluster.js';
import { waitFor } from '../../e2e/world/wait.js';
import { benchAgentArgs } from './agent/agent-args.js';
import { jsonClient, pool, type JsonClient } from './agent/http.js';
import { costPerObject, scrapeHeap, scrapeRequests } from './agent/metrics.js';
import { renderCdfPng } from './agent/png.js';
import { fmt, markdown, type BenchResult, type RepResult } from './agent/report.js';
import { cpuSeconds, loadAverage, rssDetail, rssMiB } from './agent/proc.js';
import { rotateSecrets, setUpRelated } from './agent/related-phase.js';
import { PHASE_MODE_FLAGS, phaseModeLimitMinutes, runPhaseMode } from './agent/scale-mode.js';
import { seededPermutation, seededRandom, spread, summarize, type LatencySummary } from './agent/stats.js';
import { runTailPhases, tailMarkdown } from './agent/tail-phases.js';
import { watchCollection, type Watcher } from './agent/watch.js';

// ---- options -------------------------------------------------------------------------------------
const argv = process.argv.slice(2);
const dashdash = argv.indexOf('--');
const own = dashdash >= 0 ? argv.slice(0, dashdash) : argv;
const extraAgentFlags = dashdash >= 0 ? argv.slice(dashdash + 1) : [];
const opt = (name: string): string | undefined => {
  const i = own.indexOf(name);
  return i >= 0 ? own[i + 1] : undefined;
};
const quick = own.includes('--quick');
/** --scale, --fairness, --floor: the phase modes of hack/bench/agent/scale-mode.ts (their own world). */
const phaseMode = own.some((f) => PHASE_MODE_FLAGS.includes(f));
const agentCommand = opt('--agent-command') ?? process.env.BENCH_AGENT_COMMAND;
/**
 * `--fill-only`: warm-up, idle figures, then straight to the 10,000-object fill and its figures (memory
 * work: the same world and fill without the latency phases); `--hold-seconds N` then keeps the world
 * and the agent up for N s (e.g. to `kill -USR2` it for a heap snapshot).
 */
const fillOnly = own.includes('--fill-only');
const holdSeconds = Number(opt('--hold-seconds') ?? 0);
const reps = fillOnly ? 0 : Number(opt('--reps') ?? (quick ? 1 : 3));
const seed = Number(opt('--seed') ?? 42);
const TEAMS = 10;
const RATES = quick
  ? [
      { rate: 20, n: 100 },
      { rate: 100, n: 200 },
    ]
  : [
      { rate: 20, n: 400 },
      { rate: 100, n: 1000 },
    ];
const STATUS_N = quick ? 50 : 200;
const STATUS_RATE = 10;
const BURST_N = 1000;
const BIG_N = quick ? 0 : 10_000;
/** Related-object phase: objects with one service-origin Secret each, rotated once per repetition. */
const RELATED_N = quick ? 20 : 50;
const RELATED_RATE = 10;
const SYNC_TIMEOUT_MS = 180_000;
/** BENCH_OUT_DIR: another results directory, so that two benchmarks can run side by side. */
const outDir = process.env.BENCH_OUT_DIR ?? path.join(REPO_ROOT, '.artifacts', 'bench');
const CRONTABS = '/apis/example.com/v1/namespaces/default/crontabs';
const say = (m: string): void => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}`);

// ---- world ---------------------------------------------------------------------------------------
let kcp: Kcp | undefined;
let svc: ServiceCluster | undefined;
let stopAgent: (() => Promise<void>) | undefined;
const watchers: Watcher[] = [];
process.once('exit', killAllLive);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(130));

interface AgentHandle {
  pid: number;
  metricsPort: number;
}

async function startWorld(): Promise<{ provider: ProviderWorld; agent: AgentHandle }> {
  say('starting kcp ...');
  kcp = await startKcp({ artifactsDir: path.join(outDir, 'kcp') });
  const teams = Array.from({ length: TEAMS }, (_, i) => `team-${i}`);
  say('creating the provider and 10 team workspaces ...');
  const provider = await createProvider(kcp, { org: 'bench', teams });
  say('starting the service cluster ...');
  svc = await startServiceCluster({ name: 'bench', artifactsDir: path.join(outDir, 'service-cluster') });
  for (const f of ['crds/syncagent.kcp.io_publishedresources.yaml', 'manifests/examples/crontab-crd.yaml']) {
    for (const o of readManifests(path.join(REPO_ROOT, f))) await applyManifest(svc.client, o);
  }
  await waitForCrdEstablished(svc.client, 'publishedresources.syncagent.kcp.io');
  await waitForCrdEstablished(svc.client, 'crontabs.example.com');
  for (const o of readManifests(path.join(REPO_ROOT, 'manifests/examples/crontab-publishedresource.yaml'))) {
    await applyManifest(svc.client, o);
  }
  await provider.virtualWorkspaceUrl();
  const metricsPort = await freePort();
  const args = [
    ...benchAgentArgs({
      endpointSliceName: provider.endpointSliceName,
      serviceKubeconfigPath: svc.kubeconfigPath,
      kcpKubeconfigPath: provider.agentKubeconfigPath,
    }),
    '--enable-leader-election=false',
    '--log-format',
    'Console',
    '--metrics-address',
    `127.0.0.1:${metricsPort}`,
    ...extraAgentFlags,
  ];
  // BENCH_AGENT_NODE_OPTIONS (e.g. "--cpu-prof --cpu-prof-dir=...") reaches the agent as NODE_OPTIONS.
  const env = { ...process.env, NODE_OPTIONS: process.env.BENCH_AGENT_NODE_OPTIONS ?? '' };
  let pid: number;
  if (agentCommand) {
    const [cmd, ...cmdArgs] = agentCommand.split(/\s+/).filter(Boolean);
    say(`starting the agent: ${agentCommand} ${args.join(' ')}`);
    const p = startProcess({
      name: 'agent',
      command: cmd!,
      args: [...cmdArgs, ...args],
      logPath: path.join(outDir, 'agent.log'),
      env,
    });
    pid = await waitFor(async () => p.serverPid(), { description: 'the agent pid', timeoutMs: 10_000 });
    stopAgent = () => p.stop(30_000);
  } else {
    say(`starting the agent: node ${path.relative(REPO_ROOT, AGENT_ENTRYPOINT)} ${args.join(' ')}`);
    const a = await startAgent({ artifactsDir: outDir, args, env });
    pid = a.pid;
    stopAgent = () => a.stop(30_000);
  }
  say('waiting for the API to be served in all team workspaces ...');
  for (let i = 0; i < TEAMS; i++) {
    await waitFor(
      async () => {
        try {
          await provider.teamAdmin(i).list(CRONTABS);
          return true;
        } catch {
          return undefined;
        }
      },
      { description: `crontabs served in team-${i}`, timeoutMs: 180_000 },
    );
  }
  return { provider, agent: { pid, metricsPort } };
}

// ---- tracking ------------------------------------------------------------------------------------
/** key "<team index>/<name>" -> timestamps (performance.now() ms) */
interface Track {
  created?: number;
  /** The create failed for good: not waited for. */
  failed?: boolean;
  /** When kcp answered the create (created..createAnswered is kcp's own write latency). */
  createAnswered?: number;
  synced?: number;
  localNs?: string;
  localName?: string;
  statusWritten?: number;
  statusExpected?: string;
  statusSeen?: number;
}
const tracks = new Map<string, Track>();
const track = (k: string): Track => {
  let t = tracks.get(k);
  if (!t) tracks.set(k, (t = {}));
  return t;
};

async function startWatches(provider: ProviderWorld): Promise<void> {
  const teamOfCluster = new Map(provider.teamClusterNames.map((c, i) => [c, i]));
  const onLocal = (type: string, o: KubeObject, at: number): void => {
    if (type !== 'ADDED' && type !== 'MODIFIED') return;
    const team = teamOfCluster.get(o.metadata.labels?.['syncagent.kcp.io/remote-object-cluster'] ?? '');
    const name = o.metadata.annotations?.['syncagent.kcp.io/remote-object-name'];
    if (team === undefined || !name) return;
    const t = track(`${team}/${name}`);
    if (t.synced === undefined) {
      t.synced = at;
      t.localNs = o.metadata.namespace;
      t.localName = o.metadata.name;
    }
  };
  watchers.push(await watchCollection(svc!.client, '/apis/example.com/v1/crontabs', onLocal));
  for (let i = 0; i < TEAMS; i++) {
    const onKcp = (type: string, o: KubeObject, at: number): void => {
      if (type !== 'MODIFIED') return;
      const t = tracks.get(`${i}/${o.metadata.name}`);
      if (t?.statusExpected && t.statusSeen === undefined && o.status?.phase === t.statusExpected)
        t.statusSeen = at;
    };
    watchers.push(await watchCollection(provider.teamAdmin(i), CRONTABS, onKcp));
  }
}

// ---- load ----------------------------------------------------------------------------------------
const rand = seededRandom(seed);
let kcpClients: JsonClient[] = [];

/** Object keys for n new objects, spread over the 10 workspaces in a seeded order. */
function newKeys(prefix: string, n: number): { team: number; name: string; key: string }[] {
  const out = [];
  let order = seededPermutation(TEAMS, rand);
  for (let i = 0; i < n; i++) {
    if (i % TEAMS === 0 && i > 0) order = seededPermutation(TEAMS, rand);
    const team = order[i % TEAMS]!;
    const name = `${prefix}-${i}`;
    out.push({ team, name, key: `${team}/${name}` });
  }
  return out;
}

let throttledCreates = 0;

/**
 * Creates one consumer object. kcp answers 429 (max in-flight) when it is saturated: such a create is
 * retried after 1 s (at most 5 times) and the latency counts from the attempt that kcp accepted, so
 * the figure measures the agent, while `throttledCreates` reports that kcp was the limit.
 */
async function createOne(k: { team: number; name: string; key: string }): Promise<void> {
  const t = track(k.key);
  for (let attempt = 1; ; attempt++) {
    t.created = performance.now();
    try {
      await kcpClients[k.team]!.send('POST', CRONTABS, {
        apiVersion: 'example.com/v1',
        kind: 'CronTab',
        metadata: { name: k.name, namespace: 'default' },
        spec: { cronSpec: '* * * * */5', image: 'bench', replicas: 1 },
      });
      t.createAnswered = performance.now();
      return;
    } catch (err) {
      if (!/HTTP 429/.test((err as Error).message) || attempt >= 5) {
        t.failed = true;
        throw err;
      }
      throttledCreates++;
      await sleep(1_000);
    }
  }
}

async function waitAll(allKeys: string[], field: 'synced' | 'statusSeen', what: string): Promise<void> {
  const keys = allKeys.filter((k) => !tracks.get(k)?.failed);
  // 180 s, or 5 objects/s for large batches (the 10,000-object fill).
  const limitMs = Math.max(SYNC_TIMEOUT_MS, keys.length * 200);
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    const missing = keys.filter((k) => tracks.get(k)?.[field] === undefined).length;
    if (missing === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  const missing = keys.filter((k) => tracks.get(k)?.[field] === undefined).length;
  say(`WARNING: ${missing}/${keys.length} objects not ${what} after ${limitMs / 1000}s`);
}

/** Creates n objects at a steady rate (open loop: creates are fired on schedule, not after the previous one). */
async function steadyRate(prefix: string, n: number, rate: number): Promise<number[]> {
  const keys = newKeys(prefix, n);
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(createOne(keys[i]!).catch((e) => say(`create ${keys[i]!.key}: ${(e as Error).message}`)));
  }
  await Promise.all(inflight);
  await waitAll(
    keys.map((k) => k.key),
    'synced',
    'synced',
  );
  return keys
    .map((k) => tracks.get(k.key)!)
    .filter((t) => t.synced !== undefined)
    .map((t) => t.synced! - t.created!);
}

async function statusUp(keys: string[], rate: number, tag: string): Promise<number[]> {
  const t0 = performance.now();
  const inflight: Promise<unknown>[] = [];
  for (let i = 0; i < keys.length; i++) {
    const t = tracks.get(keys[i]!)!;
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    t.statusExpected = `${tag}-${i}`;
    t.statusSeen = undefined;
    t.statusWritten = performance.now();
    inflight.push(
      svcClient!
        .send(
          'PATCH',
          `/apis/example.com/v1/namespaces/${t.localNs}/crontabs/${t.localName}/status`,
          { status: { phase: t.statusExpected } },
          'application/merge-patch+json',
        )
        .catch((e) => {
          t.failed = true;
          say(`status patch ${keys[i]}: ${(e as Error).message}`);
        }),
    );
  }
  await Promise.all(inflight);
  await waitAll(keys, 'statusSeen', 'status-synced');
  return keys
    .map((k) => tracks.get(k)!)
    .filter((t) => t.statusSeen !== undefined)
    .map((t) => t.statusSeen! - t.statusWritten!);
}

async function burst(prefix: string, n: number): Promise<{ seconds: number; createSeconds: number }> {
  const keys = newKeys(prefix, n);
  const t0 = performance.now();
  const errors = await pool(keys, 50, createOne);
  const created = performance.now();
  if (errors.length) say(`burst: ${errors.length} creates failed, first: ${errors[0]!.message}`);
  await waitAll(
    keys.map((k) => k.key),
    'synced',
    'synced',
  );
  const last = Math.max(...keys.map((k) => tracks.get(k.key)?.synced ?? Number.NaN));
  return { seconds: (last - t0) / 1000, createSeconds: (created - t0) / 1000 };
}

let svcClient: JsonClient | undefined;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const syncedCount = (): number => [...tracks.values()].filter((t) => t.synced !== undefined).length;
/** RSS split (anon + file) and, for agents that expose it, the V8 heap: live data vs. uncollected garbage. */
const memoryDetail = async (pid: number, metricsPort: number): Promise<string> => {
  const heap = await scrapeHeap(metricsPort).catch(() => undefined);
  return heap ? `${rssDetail(pid)}; ${heap}` : rssDetail(pid);
};

// ---- main ----------------------------------------------------------------------------------------
async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const started = new Date().toISOString();
  const loadStart = loadAverage();
  const { provider, agent } = await startWorld();
  kcpClients = Array.from({ length: TEAMS }, (_, i) => jsonClient(provider.teamAdmin(i).creds));
  svcClient = jsonClient(svc!.client.creds);
  const kcpHost = new URL(kcp!.url).host;
  await startWatches(provider);

  say('warm-up: 20 objects (namespaces, informers, connections) ...');
  await steadyRate('warm', 20, 10);
  await sleep(5_000);
  const rssIdle = rssMiB(agent.pid);
  const rssIdleDetail = await memoryDetail(agent.pid, agent.metricsPort);
  say(
    `idle RSS ${rssIdle.toFixed(1)} MiB [${rssIdleDetail}] (after warm-up, ${syncedCount()} objects), load ${loadAverage()}`,
  );
  const cpuFill0 = cpuSeconds(agent.pid);

  const repResults: RepResult[] = [];
  const samples: Record<string, number[]> = {};
  for (let r = 0; r < reps; r++) {
    const specDown: Record<string, LatencySummary> = {};
    const kcpCreate: Record<string, LatencySummary> = {};
    let cost = { total: Number.NaN, bySideVerb: {} as Record<string, number> };
    for (const { rate, n } of RATES) {
      const before = await scrapeRequests(agent.metricsPort);
      const lat = await steadyRate(`r${r}-rate${rate}`, n, rate);
      await sleep(2_000); // let the agent's own follow-up writes settle before the second scrape
      if (rate === RATES[0]!.rate)
        cost = costPerObject(before, await scrapeRequests(agent.metricsPort), n, kcpHost);
      specDown[`${rate}/s`] = summarize(lat);
      (samples[`spec-down ${rate}/s`] ??= []).push(...lat);
      kcpCreate[`${rate}/s`] = summarize(
        [...tracks.entries()]
          .filter(([k, t]) => k.includes(`/r${r}-rate${rate}-`) && t.createAnswered !== undefined)
          .map(([, t]) => t.createAnswered! - t.created!),
      );
      say(`rep ${r + 1}: spec-down at ${rate}/s: ${fmt(specDown[`${rate}/s`]!)}; load ${loadAverage()}`);
      say(`rep ${r + 1}: kcp create answer time at ${rate}/s: ${fmt(kcpCreate[`${rate}/s`]!)}`);
    }
    const statusKeys = [...tracks.entries()]
      .filter(([k, t]) => k.includes(`/r${r}-rate${RATES[0]!.rate}-`) && t.synced !== undefined)
      .map(([k]) => k)
      .slice(0, STATUS_N);
    const st = await statusUp(statusKeys, STATUS_RATE, `r${r}`);
    (samples['status-up'] ??= []).push(...st);
    const statusSummary = summarize(st);
    say(`rep ${r + 1}: status-up at ${STATUS_RATE}/s: ${fmt(statusSummary)}`);

    const cpu0 = cpuSeconds(agent.pid);
    const b = await burst(`r${r}-burst`, BURST_N);
    await sleep(2_000);
    const cpuPer1000 = ((cpuSeconds(agent.pid) - cpu0) / BURST_N) * 1000;
    say(
      `rep ${r + 1}: ${BURST_N} objects at once synced in ${b.seconds.toFixed(1)} s (creates took ${b.createSeconds.toFixed(1)} s), CPU ${cpuPer1000.toFixed(1)} s per 1000; load ${loadAverage()}`,
    );
    repResults.push({
      specDown,
      kcpCreate,
      statusUp: statusSummary,
      burstSeconds: b.seconds,
      burstCreateSeconds: b.createSeconds,
      burstObjectsPerSecond: BURST_N / b.seconds,
      requestsPerObject: cost,
      cpuSecondsPer1000: cpuPer1000,
      load: loadAverage(),
    });
  }
  await sleep(5_000);
  const rssAfterBurst = rssMiB(agent.pid);
  const rssAfterBurstDetail = await memoryDetail(agent.pid, agent.metricsPort);
  const syncedAfterBurst = syncedCount();
  say(`RSS ${rssAfterBurst.toFixed(1)} MiB [${rssAfterBurstDetail}] with ${syncedAfterBurst} synced objects`);

  let rssBig: number | undefined;
  let syncedBig: number | undefined;
  let rssBigDetail: string | undefined;
  if (BIG_N > 0) {
    const missing = BIG_N - syncedCount();
    if (missing > 0) {
      say(`filling up to ${BIG_N} synced objects (${missing} more) ...`);
      await burst('fill', missing);
    }
    await sleep(10_000);
    rssBig = rssMiB(agent.pid);
    rssBigDetail = await memoryDetail(agent.pid, agent.metricsPort);
    syncedBig = syncedCount();
    say(`RSS ${rssBig.toFixed(1)} MiB [${rssBigDetail}] with ${syncedBig} synced objects`);
  }
  if (fillOnly) {
    const fill = {
      started,
      agent: agentCommand ?? `node ${path.relative(REPO_ROOT, AGENT_ENTRYPOINT)}`,
      nodeOptions: process.env.BENCH_AGENT_NODE_OPTIONS ?? '',
      rss: { idle: rssIdleDetail, big: rssBigDetail, syncedBig },
      cpuSecondsPer1000: ((cpuSeconds(agent.pid) - cpuFill0) / (syncedCount() - 20)) * 1000,
      load: { start: loadStart, end: loadAverage() },
    };
    writeFileSync(path.join(outDir, 'fill-only.json'), JSON.stringify(fill, null, 2) + '\n');
    say(`fill-only: ${JSON.stringify(fill)}`);
    if (holdSeconds > 0) {
      say(`holding the world for ${holdSeconds} s (agent pid ${agent.pid}) ...`);
      await sleep(holdSeconds * 1000);
    }
    return;
  }

  // Related objects last: the second API and its Secret informer must not change the figures above.
  const relatedDeps = { svc: svc!, svcClient: svcClient!, provider, teams: TEAMS, watchers, say };
  const relatedFixture = await setUpRelated(relatedDeps, RELATED_N);
  const relatedPerRep: LatencySummary[] = [];
  for (let r = 0; r < reps; r++) {
    const lat = await rotateSecrets(relatedDeps, relatedFixture, `r${r}`, RELATED_RATE);
    (samples['related service→kcp'] ??= []).push(...lat);
    relatedPerRep.push(summarize(lat));
    say(
      `rep ${r + 1}: related Secret rotation service → kcp at ${RELATED_RATE}/s: ${fmt(relatedPerRep[r]!)}`,
    );
  }
  // The agent's whole /metrics page at the end (reconcile/queue/request histograms explain the figures).
  writeFileSync(
    path.join(outDir, 'agent-metrics.txt'),
    await (await fetch(`http://127.0.0.1:${agent.metricsPort}/metrics`)).text(),
  );
  // Fairness (full mode) and the floor (agent stopped) last: they change none of the figures above.
  const tail = await runTailPhases({
    fairness: !quick,
    kcp: kcp!,
    provider,
    svc: svc!,
    stopAgent: stopAgent!,
    say,
  });
  if (tail.fairness) {
    samples['quiet tenant alone'] = tail.fairness.samples.alone;
    samples['quiet tenant during the flood'] = tail.fairness.samples.duringFlood;
  }
  if (tail.floor) samples[`floor at ${tail.floor.steady.rate}/s`] = tail.floor.samples;
  const loadEnd = loadAverage();

  // ---- report ------------------------------------------------------------------------------------
  const med = (f: (r: RepResult) => number) => spread(repResults.map(f));
  const rate0 = `${RATES[0]!.rate}/s`;
  const p50 = med((r) => r.specDown[rate0]!.p50);
  const p99 = med((r) => r.specDown[rate0]!.p99);
  const burstS = med((r) => r.burstSeconds);
  const reqs = med((r) => r.requestsPerObject.total);
  const verdict = (ok: boolean): string => (ok ? 'PASS' : 'MISS');
  const targets = [
    {
      name: `spec-down p50 at ${rate0}`,
      value: p50.median,
      unit: 'ms',
      target: '< 100 ms',
      ok: p50.median < 100,
    },
    {
      name: `spec-down p99 at ${rate0}`,
      value: p99.median,
      unit: 'ms',
      target: '< 500 ms',
      ok: p99.median < 500,
    },
    {
      name: `${BURST_N} objects at once fully synced`,
      value: burstS.median,
      unit: 's',
      target: '< 30 s',
      ok: burstS.median < 30,
    },
    ...(rssBig !== undefined
      ? [
          {
            name: `RSS at ${syncedBig} synced objects`,
            value: rssBig,
            unit: 'MiB',
            target: '< 250 MB',
            ok: rssBig * 1.048576 < 250,
          },
        ]
      : []),
    {
      name: 'API requests per new object',
      value: reqs.median,
      unit: '',
      target: '<= 6',
      ok: reqs.median <= 6.05,
    },
  ].map((t) => ({ ...t, verdict: verdict(t.ok) }));

  const result: BenchResult & typeof tail = {
    started,
    finished: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    seed,
    repetitions: reps,
    agent: agentCommand ?? `node ${path.relative(REPO_ROOT, AGENT_ENTRYPOINT)}`,
    extraAgentFlags,
    loadAverage: { start: loadStart, end: loadEnd },
    config: {
      teams: TEAMS,
      rates: RATES,
      statusN: STATUS_N,
      statusRate: STATUS_RATE,
      burstN: BURST_N,
      bigN: BIG_N,
    },
    rss: {
      idleMiB: rssIdle,
      afterBurstMiB: rssAfterBurst,
      afterBurstObjects: syncedAfterBurst,
      bigMiB: rssBig,
      detail: { idle: rssIdleDetail, afterBurst: rssAfterBurstDetail, big: rssBigDetail },
      bigObjects: syncedBig,
    },
    related: { objects: RELATED_N, rate: RELATED_RATE, perRep: relatedPerRep },
    /** Creates kcp answered with 429 (max in-flight) and that were retried: kcp was saturated. */
    throttledCreates,
    failedObjects: [...tracks.values()].filter((t) => t.failed).length,
    repetitionsDetail: repResults,
    targets,
    ...tail,
    /** Every latency sample in ms (0.1 ms resolution), all repetitions, for re-plotting. */
    samples: Object.fromEntries(
      Object.entries(samples).map(([k, v]) => [k, v.map((x) => Math.round(x * 10) / 10)]),
    ),
  };
  writeFileSync(path.join(outDir, 'result.json'), JSON.stringify(result, null, 2) + '\n');
  const seriesNames = Object.keys(samples);
  writeFileSync(
    path.join(outDir, 'latency-cdf.png'),
    renderCdfPng(seriesNames.map((n) => ({ samples: samples[n]! }))),
  );
  const md =
    markdown(result, seriesNames) +
    tailMarkdown(
      tail,
      burstS.median > 0 ? BURST_N / burstS.median : Number.NaN,
      samples[`spec-down ${RATES[0]!.rate}/s`] ?? [],
    );
  writeFileSync(path.join(outDir, 'result.md'), md);
  console.log('\n' + md);
  say(`wrote ${path.relative(REPO_ROOT, outDir)}/result.json, result.md, latency-cdf.png`);
}

const HARD_LIMIT_MS = (phaseMode ? phaseModeLimitMinutes(own) : quick ? 20 : 90) * 60_000;
const hardLimit = setTimeout(() => {
  say(`time limit of ${HARD_LIMIT_MS / 60_000} min exceeded; stopping`);
  process.exit(2);
}, HARD_LIMIT_MS);
(phaseMode ? runPhaseMode(own, extraAgentFlags) : main())
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const w of watchers) w.stop();
    for (const c of kcpClients) c.close();
    svcClient?.close();
    await stopAgent?.().catch(() => undefined);
    await svc?.stop().catch(() => undefined);
    await kcp?.stop().catch(() => undefined);
    clearTimeout(hardLimit);
    process.exit();
  });
