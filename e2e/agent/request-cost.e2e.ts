// What one new consumer object costs in API requests (issue 6: "say how many API requests a new object
// costs"): counted from the servers' own `apiserver_request_total` counters before and after a CronTab
// is created in kcp and synced down, excluding list/watch (informer traffic). The breakdown is printed;
// the test pins an upper bound so a regression (a reconcile that re-reads or re-writes) shows up.
import { runKcp } from '../world/run.js';
import type { RestClient } from '../world/rest.js';
import {
  startAgentWorld,
  waitForFinalizer,
  waitForObject,
  waitForServed,
  type AgentWorld,
} from './helpers.js';
import { createHash } from 'node:crypto';

const STEP = 180_000;
const sha3short = (s: string) => createHash('sha3-256').update(s).digest('hex').slice(0, 20);
const CRONTABS = '/apis/example.com/v1/namespaces/default/crontabs';
const RESOURCES = ['crontabs', 'secrets', 'namespaces', 'events'];

/** `verb resource [subresource]` -> count, from apiserver_request_total (without LIST/WATCH). */
async function requestCounts(client: RestClient): Promise<Map<string, number>> {
  const text = await client.text('/metrics', 30_000);
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries(
      [...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]] as [string, string]),
    );
    if (!RESOURCES.includes(labels.resource ?? '') || ['LIST', 'WATCH'].includes(labels.verb ?? '')) continue;
    const key = `${labels.verb} ${labels.resource}${labels.subresource ? '/' + labels.subresource : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(line.split(' ').pop()));
  }
  return counts;
}

function diff(a: Map<string, number>, b: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of b) if (v - (a.get(k) ?? 0) > 0) out[k] = v - (a.get(k) ?? 0);
  return out;
}

describe('agent: API requests per new object', () => {
  let w: AgentWorld;

  beforeAll(async () => {
    w = await startAgentWorld({
      name: 'agent-cost',
      manifests: [
        {
          apiVersion: 'syncagent.kcp.io/v1alpha1',
          kind: 'PublishedResource',
          metadata: { name: 'publish-crontabs' },
          spec: { resource: { apiGroup: 'example.com', kind: 'CronTab', versions: ['v1'] } },
        },
      ],
    });
  }, STEP);

  afterAll(async () => {
    await w?.stop();
  }, STEP);

  it(
    'syncs a new object with a bounded number of requests',
    async () => {
      await waitForServed(w, 0, CRONTABS);
      const team = w.provider.teamAdmin(0);
      const cluster = w.provider.teamClusterNames[0]!;
      const kcpRoot = runKcp().admin.withServer(runKcp().url);
      // Warm-up: the first object of a workspace also creates the local namespace.
      await team.create(CRONTABS, {
        apiVersion: 'example.com/v1',
        kind: 'CronTab',
        metadata: { name: 'warm-up' },
        spec: { cronSpec: '0 0 * * *', image: 'w:1', replicas: 1 },
      });
      await waitForFinalizer(team, `${CRONTABS}/warm-up`);
      await new Promise((r) => setTimeout(r, 7_000)); // past the 5 s requeue of the warm-up
      const svcBefore = await requestCounts(w.service.client);
      // kcp's /metrics is not open to the e2e admin on every setup; then only the service side is counted.
      const kcpCounts = () => requestCounts(kcpRoot).catch(() => undefined);
      const kcpBefore = await kcpCounts();

      const t0 = Date.now();
      await team.create(CRONTABS, {
        apiVersion: 'example.com/v1',
        kind: 'CronTab',
        metadata: { name: 'counted' },
        spec: { cronSpec: '1 1 * * *', image: 'c:1', replicas: 1 },
      });
      await waitForObject(
        w.service.client,
        `/apis/example.com/v1/namespaces/${cluster}/crontabs/${sha3short('default')}-${sha3short('counted')}`,
      );
      await waitForFinalizer(team, `${CRONTABS}/counted`);
      const latencyMs = Date.now() - t0;
      await new Promise((r) => setTimeout(r, 7_000)); // include the requeue pass
      const svc = diff(svcBefore, await requestCounts(w.service.client));
      const kcpAfter = await kcpCounts();
      const kcp = kcpBefore && kcpAfter ? diff(kcpBefore, kcpAfter) : undefined;
      // The test's own requests: POST crontabs (kcp), GETs while waiting (both sides).
      console.log(JSON.stringify({ latencyMs, serviceCluster: svc, kcp }, null, 1));
      const writes = (m: Record<string, number>) =>
        Object.entries(m)
          .filter(([k]) => !k.startsWith('GET '))
          .reduce((s, [, v]) => s + v, 0);
      // service: POST crontab + POST/PUT state Secret; kcp: test POST + finalizer PATCH + events.
      expect(writes(svc)).toBeLessThanOrEqual(3);
      if (kcp) expect(writes(kcp)).toBeLessThanOrEqual(5);
    },
    STEP,
  );
});
