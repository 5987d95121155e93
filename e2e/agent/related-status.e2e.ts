// syncStatus for a service-origin related object: a CronTab written on the service cluster
// next to the primary's copy appears in kcp (a type with a status subresource, served by the export)
// and its status follows through the status subresource. The copy is kept out of the primary sync by
// a resource filter (it carries the label `child`).
import { waitFor } from '../world/wait.js';
import {
  startAgentWorld,
  waitForServed,
  type AgentWorld,
  STEP,
  CRONTABS,
  sha3short,
  publishCronTabs,
  createCronTabAndWaitForCopy,
} from './helpers.js';

describe('agent: related resources with syncStatus', () => {
  let w: AgentWorld;
  let cluster: string;
  const localName = `${sha3short('default')}-${sha3short('nightly')}`;

  beforeAll(async () => {
    w = await startAgentWorld({
      name: 'agent-related-status',
      manifests: [
        publishCronTabs({
          filter: { resource: { matchExpressions: [{ key: 'child', operator: 'DoesNotExist' }] } },
          related: [
            {
              identifier: 'child',
              origin: 'service',
              group: 'example.com',
              version: 'v1',
              resource: 'crontabs',
              syncStatus: true,
              watch: { byOwner: {} },
              object: { template: { template: '{{ .Object.metadata.name }}-child' } },
            },
            {
              identifier: 'kcp-child',
              origin: 'kcp',
              group: 'example.com',
              version: 'v1',
              resource: 'crontabs',
              syncStatus: true,
              object: { template: { template: '{{ .Object.metadata.name }}-kchild' } },
            },
          ],
        }),
      ],
    });
    cluster = w.provider.teamClusterNames[0]!;
  }, STEP);

  afterAll(async () => {
    await w?.stop();
  }, STEP);

  it(
    'copies the service-side object to kcp and its status through the status subresource',
    async () => {
      await waitForServed(w, 0, CRONTABS);
      const kcp = w.provider.teamAdmin(0);
      const svcPath = `/apis/example.com/v1/namespaces/${cluster}/crontabs`;
      await createCronTabAndWaitForCopy(w, 'nightly');
      await w.service.client.create(svcPath, {
        apiVersion: 'example.com/v1',
        kind: 'CronTab',
        metadata: { name: `${localName}-child`, namespace: cluster, labels: { child: 'true' } },
        spec: { cronSpec: '* * * * *', image: 'child:1', replicas: 2 },
      });
      await w.service.client.mergePatch(`${svcPath}/${localName}-child/status`, {
        status: { phase: 'Ready' },
      });
      const child = await waitFor(
        async () => {
          const c = await kcp.getOrUndefined(`${CRONTABS}/nightly-child`);
          return c?.status?.phase === 'Ready' ? c : undefined;
        },
        { description: 'the child CronTab with its status in kcp', timeoutMs: 60_000 },
      );
      expect(child.spec).toEqual({ cronSpec: '* * * * *', image: 'child:1', replicas: 2 });

      const t0 = performance.now();
      await w.service.client.mergePatch(`${svcPath}/${localName}-child/status`, {
        status: { phase: 'Degraded' },
      });
      await waitFor(
        async () =>
          (await kcp.get(`${CRONTABS}/nightly-child`)).status?.phase === 'Degraded' ? true : undefined,
        { description: 'the status change to reach kcp', timeoutMs: 30_000, intervalMs: 25 },
      );
      console.log(`service-side status change -> kcp: ${Math.round(performance.now() - t0)} ms`);
      // The filter keeps the copy out of the primary sync: no local copy of it.
      const locals = await w.service.client.list(svcPath);
      expect(locals.items.map((o) => o.metadata.name).sort()).toEqual([localName, `${localName}-child`]);
    },
    STEP,
  );

  it(
    'copies a kcp-origin object down and its kcp status to the service-side copy',
    async () => {
      const kcp = w.provider.teamAdmin(0);
      await kcp.create(CRONTABS, {
        apiVersion: 'example.com/v1',
        kind: 'CronTab',
        metadata: { name: 'nightly-kchild', namespace: 'default', labels: { child: 'true' } },
        spec: { cronSpec: '1 * * * *', image: 'kchild:1', replicas: 3 },
      });
      await kcp.mergePatch(`${CRONTABS}/nightly-kchild/status`, { status: { phase: 'Configured' } });
      const svcPath = `/apis/example.com/v1/namespaces/${cluster}/crontabs/${localName}-kchild`;
      const copy = await waitFor(
        async () => {
          const c = await w.service.client.getOrUndefined(svcPath);
          return c?.status?.phase === 'Configured' ? c : undefined;
        },
        { description: 'the kcp-origin CronTab with its status on the service cluster', timeoutMs: 60_000 },
      );
      expect(copy.spec).toEqual({ cronSpec: '1 * * * *', image: 'kchild:1', replicas: 3 });
      const original = await kcp.get(`${CRONTABS}/nightly-kchild`);
      expect(original.metadata.finalizers).toEqual(['syncagent.kcp.io/cleanup']);
    },
    STEP,
  );
});
