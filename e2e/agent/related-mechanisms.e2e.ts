// Related resources with the other mechanisms: a templated label selector (whitespace
// around the template) with a rewrite template and `cleanup: true` (service origin), namespace and
// name templates that differ per side (kcp origin), a selector that matches nothing (Warning event
// naming the identifier, everything else keeps syncing), and cleanup on primary deletion.
import { waitFor } from '../world/wait.js';
import {
  eventsFor,
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

describe('agent: related resource mechanisms', () => {
  let w: AgentWorld;
  let cluster: string;
  const localName = `${sha3short('default')}-${sha3short('weekly')}`;

  beforeAll(async () => {
    w = await startAgentWorld({
      name: 'agent-related-mech',
      manifests: [
        publishCronTabs({
          related: [
            {
              identifier: 'connection',
              origin: 'service',
              group: '',
              version: 'v1',
              resource: 'secrets',
              cleanup: true,
              object: {
                selector: {
                  matchLabels: { ' {{ "owner" }} ': ' {{ .RemoteObject.metadata.name }} ' },
                  rewrite: { template: { template: '{{ .Value }}-conn' } },
                },
              },
            },
            {
              identifier: 'config',
              origin: 'kcp',
              kind: 'ConfigMap',
              object: {
                namespace: { template: { template: '{{ .Object.metadata.namespace }}' } },
                template: {
                  template: '{{ if eq .Side "kcp" }}{{ .Object.metadata.name }}-cfg{{ else }}cfg{{ end }}',
                },
              },
            },
            {
              // Namespaces chosen by a selector on the kcp side, rewritten per workspace; objects
              // by a selector inside them.
              identifier: 'shared-config',
              origin: 'kcp',
              kind: 'ConfigMap',
              // The rewritten namespace comes from the consumer's namespaces: the provider allows
              // the service namespaces it labelled (docs/security.md).
              allowedNamespaces: { selector: { matchLabels: { 'tenant-shared': 'yes' } } },
              object: {
                namespace: {
                  selector: {
                    matchLabels: { shared: 'yes' },
                    rewrite: { template: { template: '{{ .ClusterName }}-{{ .Value }}' } },
                  },
                },
                selector: {
                  matchLabels: { export: 'yes' },
                  rewrite: { regex: { pattern: '^(.*)$', replacement: 'shared-$1' } },
                },
              },
            },
            {
              identifier: 'nothing-here',
              origin: 'kcp',
              kind: 'ConfigMap',
              object: {
                selector: {
                  matchLabels: { 'matches-nothing': 'true' },
                  rewrite: { regex: { pattern: '', replacement: 'x' } },
                },
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
    'syncs by templated selector and by per-side templates; warns about the empty selector',
    async () => {
      await waitForServed(w, 0, CRONTABS);
      const kcp = w.provider.teamAdmin(0);
      await kcp.create('/api/v1/namespaces/default/configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'weekly-cfg', namespace: 'default' },
        data: { k: 'v' },
      });
      await createCronTabAndWaitForCopy(w, 'weekly');
      const cfg = await waitFor(
        () => w.service.client.getOrUndefined(`/api/v1/namespaces/${cluster}/configmaps/cfg`),
        { description: 'the ConfigMap "cfg" on the service cluster', timeoutMs: 60_000 },
      );
      expect(cfg.data).toEqual({ k: 'v' });

      // Namespace selector in kcp, rewritten into a service namespace the provider labelled as allowed.
      await w.service.client.create('/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: `${cluster}-common`, labels: { 'tenant-shared': 'yes' } },
      });
      await kcp.create('/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'common', labels: { shared: 'yes' } },
      });
      await kcp.create('/api/v1/namespaces/common/configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'limits', namespace: 'common', labels: { export: 'yes' } },
        data: { cpu: '1' },
      });
      // No edit of the primary needed: the namespace and the ConfigMap events reach it (reverse index).
      const shared = await waitFor(
        () =>
          w.service.client.getOrUndefined(`/api/v1/namespaces/${cluster}-common/configmaps/shared-limits`),
        { description: 'the namespace-selected ConfigMap on the service cluster', timeoutMs: 30_000 },
      );
      expect(shared.data).toEqual({ cpu: '1' });
      const t0 = performance.now();
      await kcp.mergePatch('/api/v1/namespaces/common/configmaps/limits', { data: { cpu: '2' } });
      await waitFor(
        async () =>
          (await w.service.client.get(`/api/v1/namespaces/${cluster}-common/configmaps/shared-limits`)).data
            ?.cpu === '2'
            ? true
            : undefined,
        {
          description: 'a kcp ConfigMap edit to reach the service cluster',
          timeoutMs: 30_000,
          intervalMs: 25,
        },
      );
      console.log(`kcp ConfigMap edit -> service cluster: ${Math.round(performance.now() - t0)} ms`);

      // Written after the primary is in sync: the selector's wildcard watch notices it.
      const start = performance.now();
      await w.service.client.create(`/api/v1/namespaces/${cluster}/secrets`, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db', namespace: cluster, labels: { owner: 'weekly' } },
        data: { url: b64('postgres://db') },
      });
      const conn = await waitFor(() => kcp.getOrUndefined('/api/v1/namespaces/default/secrets/db-conn'), {
        description: 'the selected Secret in kcp',
        timeoutMs: 30_000,
        intervalMs: 25,
      });
      console.log(`selector-matched Secret created -> in kcp: ${Math.round(performance.now() - start)} ms`);
      expect(conn.data).toEqual({ url: b64('postgres://db') });
      const primary = await waitFor(
        async () => {
          const p = await kcp.get(`${CRONTABS}/weekly`);
          return p.metadata.annotations?.['related-resources.syncagent.kcp.io/connection.0'] ? p : undefined;
        },
        { description: 'the annotation for the selected Secret', timeoutMs: 30_000 },
      );
      expect(primary.metadata.annotations?.['related-resources.syncagent.kcp.io/connection.0']).toBe(
        '{"namespace":"default","name":"db-conn","apiVersion":"v1","kind":"Secret"}',
      );

      const warning = await waitFor(
        async () =>
          (await eventsFor(kcp, 'default', 'weekly')).find(
            (e) => e.type === 'Warning' && String(e.message).includes('"nothing-here"'),
          ),
        { description: 'a Warning event naming the related identifier', timeoutMs: 30_000 },
      );
      expect(warning.reason).toBe('RelatedResourceFailed');

      // The primary keeps syncing despite the warning.
      await kcp.mergePatch(`${CRONTABS}/weekly`, { spec: { image: 'backup:2.0' } });
      await waitFor(
        async () => {
          const l = await w.service.client.get(
            `/apis/example.com/v1/namespaces/${cluster}/crontabs/${localName}`,
          );
          return l.spec.image === 'backup:2.0' ? true : undefined;
        },
        { description: 'a kcp edit to reach the local copy', timeoutMs: 30_000 },
      );
    },
    STEP,
  );

  it(
    'on primary deletion deletes the kcp copy (cleanup: true) and the local ConfigMap copy',
    async () => {
      const kcp = w.provider.teamAdmin(0);
      await kcp.delete(`${CRONTABS}/weekly`);
      await waitFor(async () => ((await kcp.getOrUndefined(`${CRONTABS}/weekly`)) ? undefined : true), {
        description: 'the kcp primary to be gone',
        timeoutMs: 60_000,
      });
      expect(await kcp.getOrUndefined('/api/v1/namespaces/default/secrets/db-conn')).toBeUndefined();
      expect(await w.service.client.getOrUndefined(`/api/v1/namespaces/${cluster}/secrets/db`)).toBeDefined();
      expect(
        await w.service.client.getOrUndefined(`/api/v1/namespaces/${cluster}/configmaps/cfg`),
      ).toBeUndefined();
      const cfgKcp = await kcp.get('/api/v1/namespaces/default/configmaps/weekly-cfg');
      expect(cfgKcp.metadata.finalizers ?? []).toEqual([]);
    },
    STEP,
  );
});
