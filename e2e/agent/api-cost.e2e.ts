// How many API requests the agent spends on one new consumer object on the happy path, read from its
// own rest_client_requests_total metric (by method and by side). Prints the figures; the assertion
// is a regression bound, the benchmark (docs/benchmark.md) owns the target.
import { freePort } from '../world/ports.js';
import { waitFor } from '../world/wait.js';
import {
  startAgentWorld,
  waitForSchemaName,
  waitForServed,
  type AgentWorld,
  STEP,
  CRONTABS,
} from './helpers.js';

type Counts = Map<string, number>;

async function scrape(port: number): Promise<Counts> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const out: Counts = new Map();
  for (const line of text.split('\n')) {
    const m = line.match(/^rest_client_requests_total\{(.*)\} (\d+)$/);
    if (!m) continue;
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    out.set(`${labels.method} ${labels.host} ${labels.code}`, Number(m[2]));
  }
  return out;
}

function diff(a: Counts, b: Counts): Counts {
  const out: Counts = new Map();
  for (const [k, v] of b) if (v - (a.get(k) ?? 0) > 0) out.set(k, v - (a.get(k) ?? 0));
  return out;
}

describe('agent: API cost of a new object', () => {
  let w: AgentWorld;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    w = await startAgentWorld({
      name: 'agent-api-cost',
      metricsPort: port,
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
    'costs a handful of requests per new object',
    async () => {
      await waitForSchemaName(w, 'publish-crontabs');
      await waitForServed(w, 0, CRONTABS);
      const team = w.provider.teamAdmin(0);
      const cluster = w.provider.teamClusterNames[0]!;
      const obj = (name: string) => ({
        apiVersion: 'example.com/v1',
        kind: 'CronTab',
        metadata: { name, namespace: 'default' },
        spec: { image: 'x', replicas: 1 },
      });
      const synced = async (name: string) => {
        await waitFor(
          async () => {
            const list = await w.service.client.list(`/apis/example.com/v1/namespaces/${cluster}/crontabs`);
            return list.items.some(
              (i) => i.metadata?.annotations?.['syncagent.kcp.io/remote-object-name'] === name,
            )
              ? true
              : undefined;
          },
          { description: `${name} to be synced`, timeoutMs: 60_000 },
        );
        await new Promise((r) => setTimeout(r, 1500)); // let the chain of our own writes settle
      };
      // Warm up: the first object also creates the namespace.
      await team.create(CRONTABS, obj('warmup'));
      await synced('warmup');

      const before = await scrape(port);
      await team.create(CRONTABS, obj('measured'));
      await synced('measured');
      const cost = diff(before, await scrape(port));

      const kcpHost = new URL(w.provider.admin.creds.server).host;
      const rows = [...cost.entries()].map(([k, n]) => {
        const [method, host, code] = k.split(' ');
        return `${host === kcpHost ? 'kcp    ' : 'service'} ${method!.padEnd(6)} ${code} x${n}`;
      });
      const total = [...cost.values()].reduce((a, b) => a + b, 0);
      console.log(`API requests for one new object (happy path): ${total}\n${rows.sort().join('\n')}`);
      expect(total).toBeGreaterThan(0);
      expect(total).toBeLessThanOrEqual(8);
    },
    STEP,
  );
});
