// The floor: what this machine's kcp and kube-apiserver allow for one synced object, without any agent.
// It performs the requests the agent makes for one new consumer object (docs/benchmark.md "API cost":
// kcp PATCH adding the finalizer through the APIExport virtual workspace, service POST of the copy,
// service POST of its state Secret, and two kcp POSTs of Events, fire and forget), with the agent's
// concurrency (4 sync workers) and the same credentials and endpoints, so every agent figure can be
// printed as a ratio to it.
//
// Throughput: `burstN` objects created at once (50 parallel creates, as the benchmark's burst), each
// handed to 4 workers as soon as kcp answered; time from the first create until the last copy POST was
// answered. Latency: `steadyN` objects at `steadyRate`/s (open loop); per object, create sent → copy
// POST answered (the agent's spec-down additionally waits for watch events on both sides).
// Run with no agent running: objects it creates would otherwise be synced by the agent too.
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Credentials } from '../../../e2e/world/kubeconfig.js';
import { crontab, createWithBackoff, type NewObject } from './closed-loop.js';
import { jsonClient, type JsonClient } from './http.js';
import { summarize, type LatencySummary } from './stats.js';

export const FLOOR_WORKERS = 4;
const FLOOR_NS = 'bench-floor';
const FINALIZER = 'syncagent.kcp.io/cleanup';

export interface FloorResult {
  burstN: number;
  burstSeconds: number;
  objectsPerSecond: number;
  steady: { n: number; rate: number; latency: LatencySummary };
  failed: number;
  samples: number[];
}

export interface FloorDeps {
  /** kcp admin client on the kcp base URL (paths start with /clusters/<path>). */
  kcp: JsonClient;
  /** The agent's kcp credentials and the virtual-workspace URL of the export (what the agent talks to). */
  agentCreds: Credentials;
  virtualWorkspaceUrl: string;
  svc: JsonClient;
  /** Workspaces to spread the objects over. */
  workspaces: { path: string; cluster: string }[];
  say: (m: string) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function event(o: NewObject, reason: string, message: string): unknown {
  const now = new Date().toISOString();
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${o.name}.${randomBytes(8).toString('hex')}`, namespace: 'default' },
    involvedObject: { apiVersion: 'example.com/v1', kind: 'CronTab', name: o.name, namespace: 'default' },
    reason,
    message,
    type: 'Normal',
    source: { component: 'api-syncagent' },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    reportingComponent: 'api-syncagent',
  };
}

/** The agent's requests for one new object, in its order; resolves when the state Secret is written. */
async function syncLikeTheAgent(vw: JsonClient, svc: JsonClient, o: NewObject): Promise<number> {
  const objPath = `/clusters/${o.cluster}/apis/example.com/v1/namespaces/default/crontabs/${o.name}`;
  const patched = (await vw.send(
    'PATCH',
    objPath,
    { metadata: { finalizers: [FINALIZER] } },
    'application/merge-patch+json',
  )) as { metadata: { uid: string } };
  const events = `/clusters/${o.cluster}/api/v1/namespaces/default/events`;
  void vw.send('POST', events, event(o, 'FinalizerAdded', 'finalizer added')).catch(() => undefined);
  const local = `${o.name}-${createHash('sha1').update(o.cluster).digest('hex').slice(0, 8)}`;
  const copy = crontab(local) as { metadata: Record<string, unknown> };
  copy.metadata = {
    name: local,
    namespace: FLOOR_NS,
    labels: { 'bench-floor': 'true', 'syncagent.kcp.io/agent-name': 'bench-floor' },
    annotations: { 'bench-floor/remote-object-name': o.name, 'bench-floor/remote-uid': patched.metadata.uid },
  };
  await svc.send('POST', `/apis/example.com/v1/namespaces/${FLOOR_NS}/crontabs`, copy);
  const copied = performance.now();
  void vw.send('POST', events, event(o, 'ObjectCreated', 'copy created')).catch(() => undefined);
  await svc.send('POST', `/api/v1/namespaces/${FLOOR_NS}/secrets`, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `obj-state-${local}`, namespace: FLOOR_NS, labels: { 'bench-floor': 'true' } },
    data: {
      [createHash('sha1').update(o.name).digest('hex')]: Buffer.from(JSON.stringify(copy)).toString('base64'),
    },
  });
  return copied;
}

export async function runFloor(
  deps: FloorDeps,
  burstN = 1000,
  steadyN = 100,
  steadyRate = 20,
): Promise<FloorResult> {
  const { say } = deps;
  const vw = jsonClient({ ...deps.agentCreds, server: deps.virtualWorkspaceUrl }, 16);
  try {
    await deps.svc
      .send('POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: FLOOR_NS },
      })
      .catch((e: Error) => {
        if (!/HTTP 409/.test(e.message)) throw e;
      });
    const objects = (prefix: string, n: number): NewObject[] =>
      Array.from({ length: n }, (_, i) => ({
        ...deps.workspaces[i % deps.workspaces.length]!,
        name: `${prefix}-${i}`,
      }));
    let failed = 0;

    // Throughput: 50 parallel creates feed a queue that 4 "workers" drain.
    say(`floor: ${burstN} objects at once, ${FLOOR_WORKERS} workers, no agent ...`);
    const burst = objects('floor-burst', burstN);
    const queue: NewObject[] = [];
    let created = 0;
    let createsDone = false;
    const t0 = performance.now();
    const creators = (async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          while (next < burst.length) {
            const o = burst[next++]!;
            try {
              await createWithBackoff(deps.kcp, o);
              queue.push(o);
              created++;
            } catch {
              failed++;
            }
          }
        }),
      );
      createsDone = true;
    })();
    let last = t0;
    const limit = t0 + Math.max(180_000, burstN * 200);
    await Promise.all(
      Array.from({ length: FLOOR_WORKERS }, async () => {
        while (performance.now() < limit) {
          const o = queue.shift();
          if (!o) {
            if (createsDone) return;
            await sleep(2);
            continue;
          }
          try {
            await syncLikeTheAgent(vw, deps.svc, o);
            last = Math.max(last, performance.now());
          } catch (e) {
            failed++;
            say(`floor: ${o.cluster}/${o.name}: ${(e as Error).message}`);
          }
        }
      }),
    );
    await creators;
    const burstSeconds = (last - t0) / 1000;
    say(
      `floor: ${created} objects synced-like-the-agent in ${burstSeconds.toFixed(1)} s = ${(created / burstSeconds).toFixed(0)}/s`,
    );

    // Latency at a steady rate: each object handled as soon as its create was answered. A pause first,
    // so kcp has absorbed the burst (its Events included), as the agent's 20/s phase follows a pause.
    await sleep(10_000);
    const steady = objects('floor-steady', steadyN);
    const samples: number[] = [];
    const ts = performance.now();
    const inflight: Promise<void>[] = [];
    let busy = 0;
    const waiting: (() => void)[] = [];
    for (let i = 0; i < steady.length; i++) {
      const wait = ts + (i * 1000) / steadyRate - performance.now();
      if (wait > 0) await sleep(wait);
      const o = steady[i]!;
      inflight.push(
        (async () => {
          const { sentAt } = await createWithBackoff(deps.kcp, o);
          if (busy >= FLOOR_WORKERS) await new Promise<void>((r) => waiting.push(r));
          busy++;
          try {
            const copied = await syncLikeTheAgent(vw, deps.svc, o);
            samples.push(copied - sentAt);
          } finally {
            busy--;
            waiting.shift()?.();
          }
        })().catch(() => void failed++),
      );
    }
    await Promise.all(inflight);
    const latency = summarize(samples);
    say(
      `floor: latency at ${steadyRate}/s (create sent → copy written): p50 ${latency.p50.toFixed(0)} p99 ${latency.p99.toFixed(0)} ms`,
    );
    return {
      burstN: created,
      burstSeconds,
      objectsPerSecond: created / burstSeconds,
      steady: { n: steadyN, rate: steadyRate, latency },
      failed,
      samples,
    };
  } finally {
    vw.close();
  }
}

/**
 * An agent figure against the floor's, as "1.35x floor": latency over the floor latency, or for a
 * throughput the floor rate over the agent rate (how many times longer the agent takes). At most 1.2
 * is called out as "within 1.2x".
 */
export function ratioToFloor(agent: number, floor: number, kind: 'latency' | 'throughput'): string {
  const r = kind === 'latency' ? agent / floor : floor / agent;
  if (!Number.isFinite(r) || r <= 0) return 'floor n/a';
  return `${r.toFixed(2)}x floor${r <= 1.2 ? ', within 1.2x' : ''}`;
}
