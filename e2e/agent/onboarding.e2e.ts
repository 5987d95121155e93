// Onboarding on the real world, the way a provider moving to kcp uses it: CronTabs that exist on the
// service cluster before the move are labelled with the workspace they belong to; the agent brings
// them up into that workspace and syncs them from then on. A name taken in kcp is a conflict, a
// workspace that does not bind the API gets nothing (docs/authoring.md, "Onboarding existing objects").
import { waitFor } from '../world/wait.js';
import {
  eventsFor,
  startAgentWorld,
  waitForFinalizer,
  waitForServed,
  type AgentWorld,
  STEP,
  CRONTABS,
} from './helpers.js';

const LOCAL_NS = 'legacy';
const LOCAL = `/apis/example.com/v1/namespaces/${LOCAL_NS}/crontabs`;
const WORKSPACE_LABEL = 'kcp.example.com/workspace';

describe('agent: onboarding existing service-side objects', () => {
  let w: AgentWorld;

  beforeAll(async () => {
    w = await startAgentWorld({
      name: 'agent-onboarding',
      manifests: [
        {
          apiVersion: 'syncagent.kcp.io/v1alpha1',
          kind: 'PublishedResource',
          metadata: { name: 'publish-crontabs' },
          spec: {
            resource: { apiGroup: 'example.com', kind: 'CronTab', versions: ['v1'] },
            onboarding: {
              selector: { matchLabels: { 'kcp.example.com/onboard': 'true' } },
              workspaceFrom: { label: WORKSPACE_LABEL },
              namespaceFrom: { annotation: 'kcp.example.com/namespace' },
            },
          },
        },
      ],
    });
    await w.service.client.create('/api/v1/namespaces', { metadata: { name: LOCAL_NS } });
    await waitForServed(w, 0, CRONTABS);
  }, STEP);

  afterAll(async () => {
    await w?.stop();
  }, STEP);

  /** A provider's pre-existing CronTab, labelled for onboarding into `workspace`. */
  const existing = (name: string, workspace: string) =>
    w.service.client.create(LOCAL, {
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      metadata: {
        name,
        labels: { 'kcp.example.com/onboard': 'true', [WORKSPACE_LABEL]: workspace },
        annotations: { 'kcp.example.com/namespace': 'default' },
      },
      spec: { cronSpec: '0 3 * * *', image: 'backup:1.0', replicas: 2 },
    });
  const waitForEvent = (name: string, reason: string) =>
    waitFor(
      async () => (await eventsFor(w.service.client, LOCAL_NS, name)).find((e) => e.reason === reason),
      { description: `a ${reason} event on ${LOCAL_NS}/${name}`, timeoutMs: 60_000 },
    );

  it(
    'brings an existing object up into its workspace; spec and status then flow as for any object',
    async () => {
      const before = await existing('orders', w.provider.teamClusterNames[0]!);
      const team = w.provider.teamAdmin(0);
      const inKcp = await waitForFinalizer(team, `${CRONTABS}/orders`);
      expect(inKcp.spec).toEqual({ cronSpec: '0 3 * * *', image: 'backup:1.0', replicas: 2 });
      await waitForEvent('orders', 'Onboarded');
      const linked = await w.service.client.get(`${LOCAL}/orders`);
      expect(linked.metadata.uid).toBe(before.metadata.uid);
      expect(linked.metadata.labels?.['syncagent.kcp.io/remote-object-cluster']).toBe(
        w.provider.teamClusterNames[0],
      );
      expect(linked.metadata.annotations?.['syncagent.kcp.io/onboarding']).toBeUndefined();

      // status up
      await w.service.client.update(`${LOCAL}/orders/status`, { ...linked, status: { phase: 'Running' } });
      await waitFor(
        async () => ((await team.get(`${CRONTABS}/orders`)).status?.phase === 'Running' ? true : undefined),
        { description: 'the status to reach kcp', timeoutMs: 60_000 },
      );
      // spec down
      await team.mergePatch(`${CRONTABS}/orders`, { spec: { replicas: 5 } });
      await waitFor(
        async () => ((await w.service.client.get(`${LOCAL}/orders`)).spec.replicas === 5 ? true : undefined),
        { description: 'the kcp edit to reach the service cluster', timeoutMs: 60_000 },
      );
      expect((await w.service.client.get(`${LOCAL}/orders`)).metadata.uid).toBe(before.metadata.uid);
      expect(w.agent.hasExited()).toBe(false);
    },
    STEP,
  );

  it(
    'reports a conflict and overwrites nothing when the object exists in kcp already',
    async () => {
      const team = w.provider.teamAdmin(0);
      await team.create(CRONTABS, {
        apiVersion: 'example.com/v1',
        kind: 'CronTab',
        metadata: { name: 'taken', namespace: 'default' },
        spec: { cronSpec: 'consumer', image: 'c:1', replicas: 1 },
      });
      await existing('taken', w.provider.teamClusterNames[0]!);
      await waitForEvent('taken', 'OnboardingConflict');
      const local = await w.service.client.get(`${LOCAL}/taken`);
      expect(local.spec.cronSpec).toBe('0 3 * * *');
      expect(local.metadata.labels?.['syncagent.kcp.io/remote-object-cluster']).toBeUndefined();
      expect((await team.get(`${CRONTABS}/taken`)).spec.cronSpec).toBe('consumer');
    },
    STEP,
  );

  it(
    'creates nothing for a workspace that does not bind the API',
    async () => {
      // The provider's org workspace holds the APIExport but does not bind it.
      await existing('nowhere', w.provider.orgClusterName);
      await waitForEvent('nowhere', 'OnboardingWorkspaceNotBound');
      const local = await w.service.client.get(`${LOCAL}/nowhere`);
      expect(local.metadata.labels?.['syncagent.kcp.io/remote-object-cluster']).toBeUndefined();
      expect(local.metadata.annotations?.['syncagent.kcp.io/onboarding']).toBeUndefined();
    },
    STEP,
  );
});
