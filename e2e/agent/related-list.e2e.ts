// Related resources (SPEC §8) from a list reference (a gjson multipath yielding an array), projected
// from kcp ConfigMaps into service-cluster Secrets, with one Secret pre-existing on the service
// cluster. Issue 7 (which wins over SPEC §5.8 here): the pre-existing Secret is adopted with its
// content kept (the Go agent would overwrite it from the ConfigMap); later kcp edits flow to it.
import { waitFor } from '../world/wait.js';
import {
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
    'creates one Secret per listed ConfigMap and adopts the pre-existing one with its content kept',
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
      for (const name of ['cfg-a', 'cfg-b'])
        await waitFor(
          async () =>
            (
              (await kcp.get(`/api/v1/namespaces/default/configmaps/${name}`)).metadata.finalizers as
                string[] | undefined
            )?.includes('syncagent.kcp.io/cleanup')
              ? true
              : undefined,
          { description: `the finalizer on ConfigMap ${name}`, timeoutMs: 30_000 },
        );
      const b = await svc.get(`/api/v1/namespaces/${cluster}/secrets/cfg-b`);
      expect(b.data).toEqual({ k: b64('pre-existing') });
      expect(b.metadata.labels).toMatchObject({
        'made-by': 'provider',
        'syncagent.kcp.io/remote-object-cluster': cluster,
      });

      // A later kcp edit flows as a merge patch against the stored state.
      await kcp.mergePatch('/api/v1/namespaces/default/configmaps/cfg-b', { data: { k: b64('edited') } });
      await waitFor(
        async () =>
          (await svc.get(`/api/v1/namespaces/${cluster}/secrets/cfg-b`)).data?.k === b64('edited')
            ? true
            : undefined,
        { description: 'the kcp edit to reach the adopted Secret', timeoutMs: 30_000 },
      );
    },
    STEP,
  );
});
