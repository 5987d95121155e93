// Related resources from a list reference (a gjson multipath yielding an array), projected
// from kcp ConfigMaps into service-cluster Secrets, with one Secret pre-existing on the service
// cluster. The pre-existing Secret was not created for this primary: it is left untouched (content,
// labels, later kcp edits) with a RelatedResourceRefused Warning naming it (docs/security.md);
// the Go agent would overwrite it from the ConfigMap.
import { waitFor } from '../world/wait.js';
import {
  eventsFor,
  startAgentWorld,
  waitForServed,
  type AgentWorld,
  STEP,
  CRONTABS,
  b64,
  publishCronTabs,
  createCronTabAndWaitForCopy,
} from './helpers.js';

describe('agent: related resources from a list reference, projected', () => {
  let w: AgentWorld;
  let cluster: string;

  beforeAll(async () => {
    w = await startAgentWorld({
      name: 'agent-related-list',
      manifests: [
        publishCronTabs({
          related: [
            {
              identifier: 'configs',
              origin: 'kcp',
              group: '',
              version: 'v1',
              resource: 'configmaps',
              projection: { resource: 'secrets' },
              object: {
                reference: { path: '[metadata.labels.first,metadata.labels.second]' },
              },
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
    'creates one Secret per listed ConfigMap and leaves the pre-existing one untouched',
    async () => {
      await waitForServed(w, 0, CRONTABS);
      const svc = w.service.client;
      await svc.create('/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: cluster },
      });
      await svc.create(`/api/v1/namespaces/${cluster}/secrets`, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'cfg-b', namespace: cluster, labels: { 'made-by': 'provider' } },
        data: { k: b64('pre-existing') },
      });
      const kcp = w.provider.teamAdmin(0);
      for (const [name, value] of [
        ['cfg-a', 'from-kcp-a'],
        ['cfg-b', 'from-kcp-b'],
      ] as const) {
        await kcp.create('/api/v1/namespaces/default/configmaps', {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name, namespace: 'default' },
          data: { k: b64(value) },
        });
      }
      await createCronTabAndWaitForCopy(w, 'hourly', { first: 'cfg-a', second: 'cfg-b' });
      const a = await waitFor(() => svc.getOrUndefined(`/api/v1/namespaces/${cluster}/secrets/cfg-a`), {
        description: 'Secret cfg-a projected from the ConfigMap',
        timeoutMs: 60_000,
      });
      expect(a.data).toEqual({ k: b64('from-kcp-a') });
      expect(a.metadata.annotations?.['syncagent.kcp.io/related-owner']).toBe(`${cluster}/default/hourly`);
      await waitFor(
        async () =>
          (
            (await kcp.get('/api/v1/namespaces/default/configmaps/cfg-a')).metadata.finalizers as
              string[] | undefined
          )?.includes('syncagent.kcp.io/cleanup')
            ? true
            : undefined,
        { description: 'the finalizer on ConfigMap cfg-a', timeoutMs: 30_000 },
      );
      const refused = await waitFor(
        async () =>
          (await eventsFor(kcp, 'default', 'hourly')).find(
            (e) => e.reason === 'RelatedResourceRefused' && String(e.message).includes(`${cluster}/cfg-b`),
          ),
        { description: 'a Warning naming the pre-existing Secret cfg-b', timeoutMs: 30_000 },
      );
      expect(refused.message).toBe(
        `Related resource "configs": refused the destination ${cluster}/cfg-b: it exists and was not created for this object (no syncagent.kcp.io/related-owner annotation, no state entry)`,
      );

      // A later kcp edit does not reach it either.
      await kcp.mergePatch('/api/v1/namespaces/default/configmaps/cfg-b', { data: { k: b64('edited') } });
      await new Promise((r) => setTimeout(r, 3_000));
      const b = await svc.get(`/api/v1/namespaces/${cluster}/secrets/cfg-b`);
      expect(b.data).toEqual({ k: b64('pre-existing') });
      expect(b.metadata.labels).toEqual({ 'made-by': 'provider' });
      expect(b.metadata.annotations).toBeUndefined();
      expect(
        (await kcp.get('/api/v1/namespaces/default/configmaps/cfg-b')).metadata.finalizers,
      ).toBeUndefined();
    },
    STEP,
  );
});
