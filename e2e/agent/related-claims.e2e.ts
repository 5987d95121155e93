// A rejected permission claim (bad input): the team workspaces accept claims for
// configmaps, events and namespaces but not for secrets. The service-origin Secret cannot be written
// into kcp: a Warning event on the primary names the related identifier and the claim, while the
// primary and the kcp-origin ConfigMap keep syncing.
import { waitFor } from '../world/wait.js';
import {
  eventsFor,
  startAgentWorld,
  waitForServed,
  type AgentWorld,
  STEP,
  CRONTABS,
  sha3short,
  publishCronTabs,
  createCronTabAndWaitForCopy,
} from './helpers.js';

describe('agent: related resources with a rejected permission claim', () => {
  let w: AgentWorld;
  let cluster: string;
  const localName = `${sha3short('default')}-${sha3short('daily')}`;

  beforeAll(async () => {
    w = await startAgentWorld({
      name: 'agent-related-claims',
      provider: {
        permissionClaims: [
          { group: '', resource: 'configmaps' },
          { group: '', resource: 'events' },
          { group: '', resource: 'namespaces' },
        ],
      },
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
              kind: 'ConfigMap',
              object: { template: { template: 'settings' } },
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
    'warns about the unclaimed Secret and keeps syncing the primary and the ConfigMap',
    async () => {
      await waitForServed(w, 0, CRONTABS);
      const kcp = w.provider.teamAdmin(0);
      await kcp.create('/api/v1/namespaces/default/configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings', namespace: 'default' },
        data: { a: 'b' },
      });
      await createCronTabAndWaitForCopy(w, 'daily');
      await w.service.client.create(`/api/v1/namespaces/${cluster}/secrets`, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `${localName}-creds`, namespace: cluster },
        stringData: { password: 'x' },
      });
      const warning = await waitFor(
        async () =>
          (await eventsFor(kcp, 'default', 'daily')).find(
            (e) => e.type === 'Warning' && String(e.message).includes('"credentials"'),
          ),
        { description: 'a Warning event naming the related identifier', timeoutMs: 60_000 },
      );
      console.log(`warning: ${warning.reason}: ${warning.message}`);
      expect(warning.reason).toBe('RelatedResourceFailed');
      expect(String(warning.message)).toContain('permission claim for secrets');

      const cm = await waitFor(
        () => w.service.client.getOrUndefined(`/api/v1/namespaces/${cluster}/configmaps/settings`),
        { description: 'the kcp-origin ConfigMap on the service cluster', timeoutMs: 60_000 },
      );
      expect(cm.data).toEqual({ a: 'b' });
      await kcp.mergePatch(`${CRONTABS}/daily`, { spec: { image: 'backup:2.0' } });
      await waitFor(
        async () =>
          (await w.service.client.get(`/apis/example.com/v1/namespaces/${cluster}/crontabs/${localName}`))
            .spec.image === 'backup:2.0'
            ? true
            : undefined,
        { description: 'a kcp edit of the primary to reach the local copy', timeoutMs: 30_000 },
      );
    },
    STEP,
  );
});
