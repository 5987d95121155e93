/**
 * Micro-benchmark of operator/runtime (not a timed test):
 *  1. work-queue throughput: keys/s through a Controller with 4 workers and a no-op reconciler
 *     (with de-duplication: many adds of fewer distinct keys), plus the bare WorkQueue; each with the
 *     FIFO queue and with the queue fair per cluster (keys spread over 50 clusters);
 *  2. informer cache memory per 10,000 objects listed from a local fake list/watch server, with
 *     and without the dropManagedFields transform.
 * Run: node --expose-gc --import ./hack/lib/ts-hooks.mjs hack/bench/runtime-bench.ts [keys]
 */
import { Controller } from '../../operator/runtime/controller.js';
import { Informer, dropManagedFields } from '../../operator/runtime/informer.js';
import { RestClient } from '../../operator/runtime/client/rest.js';
import { restClientMetrics } from '../../operator/runtime/client/transport.js';
import { WorkQueue } from '../../operator/runtime/workqueue.js';
import { requestKeyCluster } from '../../operator/runtime/reconciler.js';
import { FakeApiServer } from '../../operator/runtime/testing/fake-apiserver.js';
import { testRestConfig } from '../../operator/runtime/testing/config.js';
import type { KubeObject } from '../../operator/runtime/client/types.js';

const KEYS = Number(process.argv[2] ?? 200_000);
const gc = (globalThis as { gc?: () => void }).gc;

const queueKind = (fair: boolean): string => (fair ? 'fair per cluster' : 'FIFO');

async function controllerThroughput(fair: boolean): Promise<void> {
  let reconciled = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const distinct = KEYS / 4;
  const ctl = new Controller({
    name: fair ? 'bench-fair' : 'bench',
    workers: 4,
    ...(fair ? { fairnessKey: requestKeyCluster } : {}),
    reconciler: {
      reconcile: async () => {
        if (++reconciled % 1000 === 0) await new Promise((r) => setImmediate(r)); // let producers run
        return {};
      },
    },
  });
  ctl.start();
  const t0 = performance.now();
  for (let i = 0; i < KEYS; i++) {
    ctl.enqueue({ cluster: `c${i % 50}`, namespace: 'ns', name: `obj-${i % distinct}` });
    if (i % 5000 === 0) await new Promise((r) => setImmediate(r));
  }
  const poll = setInterval(() => {
    if (ctl.queue.len() === 0 && reconciled > 0) {
      clearInterval(poll);
      resolveDone();
    }
  }, 1);
  await done;
  const secs = (performance.now() - t0) / 1000;
  await ctl.stop({ deadlineMs: 1000 });
  console.log(
    `controller (${queueKind(fair)}), 4 workers: ${KEYS} adds of ${distinct} distinct keys -> ${reconciled} reconciles in ${secs.toFixed(2)} s ` +
      `= ${Math.round(KEYS / secs)} adds/s, ${Math.round(reconciled / secs)} reconciles/s`,
  );
}

async function bareQueueThroughput(fair: boolean): Promise<void> {
  const q = new WorkQueue<string>({
    name: 'bench-bare',
    metrics: false,
    ...(fair ? { fairnessKey: requestKeyCluster } : {}),
  });
  const keys = Array.from({ length: KEYS }, (_, i) => `c${i % 50}|ns/obj-${i}`);
  const t0 = performance.now();
  for (const k of keys) q.add(k);
  let n = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (;;) {
        if (q.len() === 0) return;
        const r = await q.get();
        if (r.shutdown) return;
        n++;
        q.done(r.item);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  console.log(
    `bare WorkQueue (${queueKind(fair)}, no metrics), 4 consumers: ${n} keys in ${secs.toFixed(2)} s = ${Math.round(n / secs)} keys/s`,
  );
}

function realisticObject(i: number): KubeObject {
  return {
    apiVersion: 'example.com/v1',
    kind: 'Thing',
    metadata: {
      name: `thing-${i}`,
      namespace: `ns-${i % 100}`,
      uid: `0f3c2a4e-${String(i).padStart(4, '0')}-4b1c-9a7e-3d2f1c0b9a87`,
      generation: 3,
      creationTimestamp: '2026-11-21T10:00:00Z',
      labels: { app: 'demo', 'syncagent.kcp.io/agent-name': 'bench', tier: `t${i % 3}` },
      annotations: { 'kcp.io/cluster': `2abc${i % 50}xyz`, 'kcp.io/path': 'root:org:team' },
      finalizers: ['syncagent.kcp.io/cleanup'],
      managedFields: [
        {
          manager: 'kubectl-client-side-apply',
          operation: 'Update',
          apiVersion: 'example.com/v1',
          time: '2026-11-21T10:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': {
              'f:labels': { '.': {}, 'f:app': {}, 'f:tier': {} },
              'f:annotations': { '.': {}, 'f:kcp.io/path': {} },
            },
            'f:spec': {
              '.': {},
              'f:replicas': {},
              'f:image': {},
              'f:config': { '.': {}, 'f:a': {}, 'f:b': {} },
            },
          },
        },
        {
          manager: 'api-syncagent',
          operation: 'Update',
          apiVersion: 'example.com/v1',
          time: '2026-11-21T10:00:01Z',
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': {
              'f:finalizers': { '.': {}, 'v:"syncagent.kcp.io/cleanup"': {} },
              'f:labels': { 'f:syncagent.kcp.io/agent-name': {} },
            },
          },
        },
        {
          manager: 'service-operator',
          operation: 'Update',
          apiVersion: 'example.com/v1',
          subresource: 'status',
          time: '2026-11-21T10:00:02Z',
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:status': {
              '.': {},
              'f:phase': {},
              'f:conditions': {
                '.': {},
                'k:{"type":"Ready"}': { '.': {}, 'f:status': {}, 'f:type': {}, 'f:lastTransitionTime': {} },
              },
            },
          },
        },
      ],
    },
    spec: {
      replicas: i % 5,
      image: `registry.example.com/app:v${i % 10}`,
      config: { a: 'x'.repeat(20), b: i },
    },
    status: {
      phase: 'Ready',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-11-21T10:00:02Z' }],
    },
  };
}

async function informerMemory(server: FakeApiServer, transform: boolean): Promise<void> {
  const client = new RestClient(testRestConfig(server.url));
  gc?.();
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const inf = new Informer({
    client,
    gvr: { group: 'example.com', version: 'v1', resource: 'things' },
    ...(transform ? { transform: dropManagedFields } : {}),
  });
  inf.start();
  await inf.waitForSync();
  await inf.stop();
  client.close();
  gc?.();
  gc?.();
  const after = process.memoryUsage().heapUsed;
  const mb = (after - before) / 1024 / 1024;
  console.log(
    `informer cache, ${inf.reader.list().length} objects, ${transform ? 'managedFields dropped' : 'managedFields kept   '}: ${mb.toFixed(1)} MiB heap (${Math.round((after - before) / inf.reader.list().length)} B/object)`,
  );
  // keep the informer reachable until measured
  if (inf.reader.list().length === 0) console.log('empty');
}

/** Measures one informer in a fresh child process so garbage of other steps cannot skew the figure. */
async function memoryChild(mode: 'kept' | 'dropped'): Promise<void> {
  const server = new FakeApiServer('/apis/example.com/v1/things');
  await server.start();
  for (let i = 0; i < 10_000; i++) server.upsert(realisticObject(i));
  await informerMemory(server, mode === 'dropped');
  const reqs = await restClientMetrics.requests.get();
  console.log(
    `  API requests for it: ${reqs.values.map((v) => `${v.labels.method} ${v.labels.code}: ${v.value}`).join(', ')}`,
  );
  await server.stop();
}

async function main(): Promise<void> {
  const mode = process.argv[3];
  if (mode === 'kept' || mode === 'dropped') return memoryChild(mode);
  if (!gc) console.log('(run with --expose-gc for stable memory figures)');
  for (const fair of [false, true]) await bareQueueThroughput(fair);
  for (const fair of [false, true]) await controllerThroughput(fair);
  console.log(`one object as JSON: ${JSON.stringify(realisticObject(1)).length} bytes`);
  const { execFileSync } = await import('node:child_process');
  for (const m of ['kept', 'dropped']) {
    const out = execFileSync(
      process.execPath,
      [...process.execArgv, process.argv[1] as string, String(KEYS), m],
      {
        encoding: 'utf8',
      },
    );
    process.stdout.write(out);
  }
}

await main();
