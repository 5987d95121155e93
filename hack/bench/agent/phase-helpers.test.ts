// The phase modes' pure helpers: floor ratios (which way they point, the 1.2x call-out), metric sums by
// label, the killed replica's workspaces from its log, the copy tracker's keys and bounded waits, the
// closed loop's 429 back-off, and the phase-mode report.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closedLoopCreate } from './closed-loop.js';
import { CopyTracker } from './copy-tracker.js';
import { ratioToFloor } from './floor-phase.js';
import type { JsonClient } from './http.js';
import { metricSum, ownedClustersFromLog } from './replicas.js';
import { scaleMarkdown, type ScaleResult } from './scale-report.js';
import { summarize } from './stats.js';

describe('ratioToFloor', () => {
  it('divides latency by the floor and the floor rate by a throughput, calling out 1.2x', () => {
    expect(ratioToFloor(30, 20, 'latency')).toBe('1.50x floor');
    expect(ratioToFloor(22, 20, 'latency')).toBe('1.10x floor, within 1.2x');
    expect(ratioToFloor(40, 50, 'throughput')).toBe('1.25x floor');
    expect(ratioToFloor(50, 50, 'throughput')).toBe('1.00x floor, within 1.2x');
    expect(ratioToFloor(Number.NaN, 50, 'latency')).toBe('floor n/a');
  });
});

describe('metricSum', () => {
  const text = [
    '# HELP rest_client_requests_total x',
    'rest_client_requests_total{code="201",host="a:1",method="POST"} 3',
    'rest_client_requests_total{code="409",host="a:1",method="POST"} 1',
    'rest_client_requests_total{code="200",host="b:2",method="POST"} 5',
    'syncagent_shard_members 3',
  ].join('\n');
  it('sums the samples whose labels match, NaN when there are none', () => {
    expect(metricSum(text, 'rest_client_requests_total', { method: 'POST', host: 'a:1' })).toBe(4);
    expect(metricSum(text, 'rest_client_requests_total')).toBe(9);
    expect(metricSum(text, 'syncagent_shard_members')).toBe(3);
    expect(metricSum(text, 'rest_client_requests_total', { method: 'PUT' })).toBeNaN();
  });
});

describe('ownedClustersFromLog', () => {
  it('takes the clusters of the last debug "Shard view active" line, undefined without one', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-'));
    const log = path.join(dir, 'agent-0.log');
    writeFileSync(
      log,
      [
        '{"level":"info","msg":"Shard view active","owned":2}',
        '{"level":"debug","msg":"Shard view active","clusters":["c1","c2"]}',
        'not json Shard view active',
        '{"level":"debug","msg":"Shard view active","clusters":["c3"]}',
      ].join('\n'),
    );
    expect(ownedClustersFromLog(log)).toEqual(['c3']);
    writeFileSync(log, '{"level":"info","msg":"Shard view active","owned":2}\n');
    expect(ownedClustersFromLog(log)).toBeUndefined();
    expect(ownedClustersFromLog(path.join(dir, 'missing.log'))).toBeUndefined();
  });
});

describe('CopyTracker', () => {
  const copy = (cluster: string, name: string) => ({
    metadata: {
      name: 'x',
      labels: { 'syncagent.kcp.io/remote-object-cluster': cluster },
      annotations: { 'syncagent.kcp.io/remote-object-name': name },
    },
  });
  it('keys copies by cluster and kcp name, keeping the first time seen', () => {
    const t = new CopyTracker();
    t.observe(copy('c1', 'a'), 10);
    t.observe(copy('c1', 'a'), 20);
    t.observe({ metadata: { name: 'unlabelled' } }, 30);
    expect([...t.seenAt]).toEqual([['c1/a', 10]]);
  });
  it('returns the missing keys when no progress is made (bounded wait)', async () => {
    const t = new CopyTracker();
    t.observe(copy('c1', 'a'), 1);
    expect(await t.waitFor(['c1/a'], 1_000)).toEqual([]);
    expect(await t.waitFor(['c1/a', 'c1/b'], 5_000, 300)).toEqual(['c1/b']);
  });
});

describe('closedLoopCreate', () => {
  it('retries a 429 and counts it, and collects creates that fail for good', async () => {
    const calls = new Map<string, number>();
    const kcp: JsonClient = {
      send: (_m, p) => {
        const n = (calls.get(p) ?? 0) + 1;
        calls.set(p, n);
        if (p.includes('/clusters/busy/') && n === 1)
          return Promise.reject(new Error('POST x: HTTP 429: slow down'));
        if (p.includes('/clusters/bad/')) return Promise.reject(new Error('POST x: HTTP 403: no'));
        return Promise.resolve({});
      },
      close: () => undefined,
    };
    const r = await closedLoopCreate(
      kcp,
      [
        { path: 'ok', cluster: 'c-ok', name: 'a' },
        { path: 'busy', cluster: 'c-busy', name: 'b' },
        { path: 'bad', cluster: 'c-bad', name: 'c' },
      ],
      2,
      () => undefined,
    );
    expect([...r.sentAt.keys()].sort()).toEqual(['c-busy/b', 'c-ok/a']);
    expect(r.failed).toHaveLength(1);
    expect(r.failed[0]).toContain('c-bad/c');
    expect(r.throttled).toBe(1);
  });
});

describe('scaleMarkdown', () => {
  it('reports the fill, the handover, the fairness figures and the floor ratios', () => {
    const lat = summarize([10, 20, 30]);
    const r: ScaleResult = {
      started: 's',
      finished: 'f',
      agent: 'node dist/operator/main.js',
      extraAgentFlags: [],
      loadAverage: { start: '1', end: '2' },
      options: {
        scale: true,
        fairness: true,
        floor: true,
        replicas: 3,
        fillConcurrency: 32,
        workspaceConcurrency: 32,
      },
      workspaces: { n: 100, seconds: 50, perSecond: 2 },
      replicas: [
        {
          name: 'agent-0',
          pid: 1,
          idle: '100 MiB',
          idleRssMiB: 100,
          cpuSecondsPer1000: 3,
          requestsPerObject: 5,
        },
      ],
      fill: {
        objects: 1000,
        createSeconds: 10,
        createRate: 100,
        throttled: 0,
        failed: 0,
        missing: 0,
        fullSyncSeconds: 25,
        syncRate: 40,
        requestsPerObject: { total: 5, bySideVerb: { 'kcp PATCH': 1, 'kcp GET': 0.001 } },
        cpuSecondsPer1000Sum: 3,
      },
      steady: { rate: 20, seconds: 30, latency: lat },
      handover: {
        killed: 'agent-0',
        ownedByKilled: 33,
        probes: 100,
        probesMissing: 0,
        killToAllProbesSyncedSeconds: 9.5,
        killToKilledReplicasProbesSyncedSeconds: 9.5,
        probeLatency: lat,
        rebalance: { joinedSeconds: 3, serviceWrites: 0, kcpWrites: 1, reconciles: 40 },
      },
      fairness: {
        floodN: 5000,
        quietN: 30,
        quietRate: 1,
        quietAlone: lat,
        quietDuringFlood: lat,
        floodSeconds: 100,
        floodCreateSeconds: 50,
        floodMissing: 0,
        samples: { alone: [], duringFlood: [] },
      },
      floor: {
        burstN: 1000,
        burstSeconds: 20,
        objectsPerSecond: 50,
        steady: { n: 100, rate: 20, latency: summarize([10, 15, 20]) },
        failed: 0,
        samples: [],
      },
      durations: { fill: 10 },
      samples: {},
    };
    const md = scaleMarkdown(r, ['a', 'b']);
    expect(md).toContain('25.0 s = 40 objects/s** (1.25x floor)');
    expect(md).toContain('5.00: kcp PATCH 1.00 |');
    expect(md).toContain('the 33 workspaces of the killed replica: 9.5 s');
    expect(md).toContain('service 0, kcp 1 / 40 reconciles');
    expect(md).toContain('| quiet tenant at 1/s, during the flood | 3 | 20 |');
    expect(md).toContain('Spec-down p50 at steady state: 1.33x floor; p99: 1.50x floor.');
    expect(md).toContain('blue = a, red = b');
  });
});
