// spec.namespaceMetadata on the real world: the allow-listed labels and annotations of a consumer's
// namespace in kcp reach the service-side namespace of its copies, follow changes and go away with
// the source, while the provider's own keys and reserved keys are left alone. The attacks: a consumer
// labelling its namespace with a reserved key (pod security), and a second workspace whose objects
// land in the same service namespace (naming without the cluster), which must get nothing and end
// the copying for everyone there.
import { simpleCrd } from '../world/manifests.js';
import { waitFor } from '../world/wait.js';
import {
  CRONTABS,
  createCronTabAndWaitForCopy,
  eventsFor,
  getPublishedResource,
  publishCronTabs,
  publishedResource,
  STEP,
  useAgentWorld,
  waitForObject,
  waitForServed,
} from './helpers.js';

const MARKER = 'syncagent.kcp.io/namespace-metadata';
const ROLE = 'example.com/role-arn';
const WIDGETS = '/apis/widgets.example.net/v1/namespaces/default/widgets';

describe('agent: namespace metadata', () => {
  const world = useAgentWorld({
    name: 'agent-ns-metadata',
    manifests: [
      publishCronTabs({
        namespaceMetadata: {
          labels: ['team', 'cost-center', 'pod-security.kubernetes.io/enforce'],
          annotations: [ROLE],
        },
      }),
      simpleCrd('widgets.example.net', 'Widget', 'widgets', { status: 'none' }),
      // Every workspace's widgets land in one namespace: the shared-namespace case.
      publishedResource('publish-widgets', {
        resource: { apiGroup: 'widgets.example.net', kind: 'Widget' },
        naming: { namespace: 'shared-widgets', name: '{{ .ClusterName }}-{{ .Object.metadata.name }}' },
        namespaceMetadata: { labels: ['team'] },
      }),
    ],
  });

  const serviceNamespace = (name: string) => world().service.client.get(`/api/v1/namespaces/${name}`);

  it(
    'copies the allow-listed keys, follows changes and removes only what it copied',
    async () => {
      const w = world();
      const team = w.provider.teamAdmin(0);
      const cluster = w.provider.teamClusterNames[0]!;
      await team.mergePatch('/api/v1/namespaces/default', {
        metadata: {
          labels: {
            team: 'red',
            'cost-center': '42',
            other: 'x',
            'pod-security.kubernetes.io/enforce': 'privileged',
          },
          annotations: { [ROLE]: 'arn:aws:iam::111122223333:role/red', 'example.com/other': 'y' },
        },
      });
      await waitForServed(w, 0, CRONTABS);
      await createCronTabAndWaitForCopy(w, 'backup');
      let ns = await waitFor(
        async () => {
          const n = await serviceNamespace(cluster);
          return n.metadata.labels?.team === 'red' ? n : undefined;
        },
        { description: 'the team label on the service namespace' },
      );
      expect(ns.metadata.labels?.['cost-center']).toBe('42');
      expect(ns.metadata.labels?.other).toBeUndefined();
      // A reserved key is never copied, even when listed (and the listing is reported).
      expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBeUndefined();
      expect(ns.metadata.annotations?.[ROLE]).toBe('arn:aws:iam::111122223333:role/red');
      expect(ns.metadata.annotations?.['example.com/other']).toBeUndefined();
      expect(JSON.parse(ns.metadata.annotations?.[MARKER] ?? '{}')).toEqual({
        workspace: cluster,
        labels: ['cost-center', 'team'],
        annotations: [ROLE],
      });
      const pr = await getPublishedResource(w, 'publish-crontabs');
      const configValid = (pr.status?.conditions ?? []).find(
        (c: { type: string }) => c.type === 'ConfigValid',
      );
      expect(configValid?.status).toBe('False');
      expect(configValid?.message).toContain('spec.namespaceMetadata.labels[2]');

      // The provider labels the namespace itself; the consumer changes and removes its keys.
      await w.service.client.mergePatch(`/api/v1/namespaces/${cluster}`, {
        metadata: { labels: { tier: 'gold' } },
      });
      await team.mergePatch('/api/v1/namespaces/default', {
        metadata: { labels: { team: 'blue', 'cost-center': null }, annotations: { [ROLE]: null } },
      });
      ns = await waitFor(
        async () => {
          const n = await serviceNamespace(cluster);
          const md = n.metadata;
          return md.labels?.team === 'blue' && !md.labels['cost-center'] && !md.annotations?.[ROLE]
            ? n
            : undefined;
        },
        { description: 'the changed labels on the service namespace' },
      );
      expect(ns.metadata.labels?.tier).toBe('gold');
      expect(JSON.parse(ns.metadata.annotations?.[MARKER] ?? '{}')).toEqual({
        workspace: cluster,
        labels: ['team'],
        annotations: [],
      });
    },
    STEP,
  );

  it(
    'attack: a second workspace mapped into the same service namespace gets nothing, and nothing stays copied',
    async () => {
      const w = world();
      const [a, b] = [w.provider.teamAdmin(0), w.provider.teamAdmin(1)];
      await a.mergePatch('/api/v1/namespaces/default', { metadata: { labels: { team: 'red' } } });
      await b.mergePatch('/api/v1/namespaces/default', { metadata: { labels: { team: 'admins' } } });
      await waitForServed(w, 0, WIDGETS);
      await waitForServed(w, 1, WIDGETS);
      const widget = {
        apiVersion: 'widgets.example.net/v1',
        kind: 'Widget',
        metadata: { name: 'w' },
        spec: { value: 'v' },
      };
      await a.create(WIDGETS, widget);
      const [ca, cb] = w.provider.teamClusterNames as [string, string];
      await waitForObject(
        w.service.client,
        `/apis/widgets.example.net/v1/namespaces/shared-widgets/widgets/${ca}-w`,
      );
      await waitFor(
        async () =>
          (await serviceNamespace('shared-widgets')).metadata.labels?.team === 'red' ? true : undefined,
        {
          description: "team-a's label on the shared namespace while it is the only workspace there",
        },
      );

      await b.create(WIDGETS, widget);
      await waitForObject(
        w.service.client,
        `/apis/widgets.example.net/v1/namespaces/shared-widgets/widgets/${cb}-w`,
      );
      const ns = await waitFor(
        async () => {
          const n = await serviceNamespace('shared-widgets');
          return n.metadata.annotations?.[MARKER] === JSON.stringify({ shared: true }) ? n : undefined;
        },
        { description: 'the shared namespace to be marked shared' },
      );
      expect(ns.metadata.labels?.team).toBeUndefined();
      const ev = await waitFor(
        async () => (await eventsFor(b, 'default', 'w')).find((e) => e.reason === 'NamespaceMetadataShared'),
        { description: 'the NamespaceMetadataShared event in team-b' },
      );
      expect(ev.type).toBe('Warning');
      expect(ev.message).not.toContain(ca);
      // team-a changing its label does not bring anything back.
      await a.mergePatch('/api/v1/namespaces/default', { metadata: { labels: { team: 'red2' } } });
      await new Promise((r) => setTimeout(r, 3_000));
      expect((await serviceNamespace('shared-widgets')).metadata.labels?.team).toBeUndefined();
      expect(w.agent.hasExited()).toBe(false);
    },
    STEP,
  );
});
