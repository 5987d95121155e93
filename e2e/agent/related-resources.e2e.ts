// Related resources end to end against a real kcp and a real kube-apiserver: a
// service-origin Secret (credentials written by "the provider's operator") named by template appears
// next to the kcp primary with the related annotation; a kcp-origin ConfigMap named by reference is synced
// down and cleaned up with the primary (finalizer released); a rotated Secret reaches kcp at once.
import { waitFor } from '../world/wait.js';
import {
  startAgentWorld,
  waitForServed,
  type AgentWorld,
  STEP,
  CRONTABS,
  b64,
  sha3short,
  publishCronTabs,
  createCronTabAndWaitForCopy,
} from './helpers.js';

describe('agent: related resources', () => {
  let w: AgentWorld;
  let cluster: string;
  const localName = `${sha3short('default')}-${sha3short('nightly')}`;

  beforeAll(async () => {
    w = await startAgentWorld({
      name: 'agent-related',
      manifests: [
        publishCronTabs({
          related: [
            {
              identifier: 'credentials',
              origin: 'service',
              kind: 'Secret',
              object: { template: { template: '{{ .Object.metadata.name }}-creds' } },
            },
            {
              identifier: 'settings',
              origin: 'kcp',
              group: '',
              version: 'v1',
              resource: 'configmaps',
              object: { reference: { path: 'metadata.labels.settings' } },
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
    'syncs a kcp-origin ConfigMap down and a service-origin Secret up, with the annotation',
    async () => {
      await waitForServed(w, 0, CRONTABS);
      const kcp = w.provider.teamAdmin(0);
      await kcp.create('/api/v1/namespaces/default/configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'nightly-settings', namespace: 'default' },
        data: { schedule: 'daily' },
      });
      await createCronTabAndWaitForCopy(w, 'nightly', { settings: 'nightly-settings' });

      // kcp-origin: the ConfigMap lands next to the local copy; the kcp original gets our finalizer.
      const cm = await waitFor(
        () => w.service.client.getOrUndefined(`/api/v1/namespaces/${cluster}/configmaps/nightly-settings`),
        { description: 'the ConfigMap on the service cluster', timeoutMs: 60_000 },
      );
      expect(cm.data).toEqual({ schedule: 'daily' });
      const cmKcp = await kcp.get('/api/v1/namespaces/default/configmaps/nightly-settings');
      expect(cmKcp.metadata.finalizers).toEqual(['syncagent.kcp.io/cleanup']);

      // service-origin: the provider's operator writes credentials next to the local copy.
      await w.service.client.create(`/api/v1/namespaces/${cluster}/secrets`, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `${localName}-creds`, namespace: cluster },
        data: { password: b64('first') },
      });
      const secret = await waitFor(
        () => kcp.getOrUndefined('/api/v1/namespaces/default/secrets/nightly-creds'),
        {
          description: 'the credentials Secret in kcp',
          timeoutMs: 60_000,
        },
      );
      expect(secret.data).toEqual({ password: b64('first') });
      const primary = await waitFor(
        async () => {
          const p = await kcp.get(`${CRONTABS}/nightly`);
          return p.metadata.annotations?.['related-resources.syncagent.kcp.io/credentials.0'] ? p : undefined;
        },
        { description: 'the related-resources annotation on the kcp primary', timeoutMs: 30_000 },
      );
      expect(primary.metadata.annotations?.['related-resources.syncagent.kcp.io/credentials.0']).toBe(
        '{"namespace":"default","name":"nightly-creds","apiVersion":"v1","kind":"Secret"}',
      );
      // The annotation is not synced down.
      const local = await w.service.client.get(
        `/apis/example.com/v1/namespaces/${cluster}/crontabs/${localName}`,
      );
      expect(Object.keys(local.metadata.annotations ?? {}).filter((k) => k.startsWith('related-'))).toEqual(
        [],
      );
    },
    STEP,
  );

  it(
    'carries a Secret rotated on the service cluster to kcp at once (latency printed)',
    async () => {
      const kcp = w.provider.teamAdmin(0);
      const latencies: number[] = [];
      for (const round of [1, 2, 3]) {
        const value = `rotated-${round}`;
        const start = performance.now();
        await w.service.client.mergePatch(`/api/v1/namespaces/${cluster}/secrets/${localName}-creds`, {
          data: { password: b64(value) },
        });
        await waitFor(
          async () => {
            const s = await kcp.get('/api/v1/namespaces/default/secrets/nightly-creds');
            return s.data?.password === b64(value) ? true : undefined;
          },
          { description: `rotation ${round} to reach kcp`, timeoutMs: 30_000, intervalMs: 25 },
        );
        latencies.push(Math.round(performance.now() - start));
      }
      console.log(`secret rotation service -> kcp latency (ms): ${latencies.join(', ')}`);
      expect(Math.min(...latencies)).toBeLessThan(1000);
    },
    STEP,
  );

  it(
    'deletes the local ConfigMap copy and releases the kcp ConfigMap when the primary is deleted',
    async () => {
      const kcp = w.provider.teamAdmin(0);
      await kcp.delete(`${CRONTABS}/nightly`);
      await waitFor(
        async () =>
          (await w.service.client.getOrUndefined(`/api/v1/namespaces/${cluster}/configmaps/nightly-settings`))
            ? undefined
            : true,
        { description: 'the local ConfigMap copy to be deleted', timeoutMs: 60_000 },
      );
      await waitFor(async () => ((await kcp.getOrUndefined(`${CRONTABS}/nightly`)) ? undefined : true), {
        description: 'the kcp primary to be gone',
        timeoutMs: 60_000,
      });
      const cmKcp = await kcp.get('/api/v1/namespaces/default/configmaps/nightly-settings');
      expect(cmKcp.metadata.finalizers ?? []).toEqual([]);
      // cleanup is off for the credentials: the kcp copy and the service original stay.
      expect(await kcp.getOrUndefined('/api/v1/namespaces/default/secrets/nightly-creds')).toBeDefined();
    },
    STEP,
  );
});
