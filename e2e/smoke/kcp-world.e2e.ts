// Smoke tests of the kcp half of the test world: workspaces, the endpoint slice of a bound APIExport,
// the agent user's permissions, and a wildcard watch through the APIExport virtual workspace.
import { createProvider, type ProviderWorld } from '../world/provider.js';
import { ApiError, RestClient, type WatchEvent } from '../world/rest.js';
import { readRunCoordinates, runKcp } from '../world/run.js';
import { waitFor } from '../world/wait.js';

const APIS = '/apis/apis.kcp.io/v1alpha1';

// jest's testTimeout is a global option (ignored inside a project), so long steps say theirs.
const STEP_TIMEOUT = 180_000;

describe('kcp test world', () => {
  const kcp = runKcp();
  const run = readRunCoordinates();

  it(
    'creates a workspace that becomes Ready',
    async () => {
      const wsPath = await kcp.createWorkspace(run.provider.orgPath, 'smoke-ready');
      expect(wsPath).toBe(`${run.provider.orgPath}:smoke-ready`);
      const ws = await kcp.admin
        .forCluster(run.provider.orgPath)
        .get('/apis/tenancy.kcp.io/v1alpha1/workspaces/smoke-ready');
      expect(ws.status.phase).toBe('Ready');
      expect(await kcp.logicalClusterName(wsPath)).toMatch(/^[a-z0-9]+$/);
    },
    STEP_TIMEOUT,
  );

  it(
    'lists the virtual-workspace URL of the bound APIExport in its endpoint slice',
    async () => {
      const admin = kcp.admin.forCluster(run.provider.orgPath);
      const slice = await waitFor(
        async () => {
          const s = await admin.get(`${APIS}/apiexportendpointslices/${run.provider.endpointSliceName}`);
          return (s.status?.endpoints ?? []).length > 0 ? s : undefined;
        },
        { description: 'endpoint slice to list an endpoint', timeoutMs: 60_000 },
      );
      expect(slice.spec.export).toEqual({ path: run.provider.orgPath, name: run.provider.exportName });
      expect(slice.status.endpoints[0].url).toBe(
        `${kcp.url}/services/apiexport/${run.provider.orgClusterName}/${run.provider.exportName}`,
      );
      for (const teamPath of run.provider.teamPaths) {
        const binding = await kcp.admin
          .forCluster(teamPath)
          .get(`${APIS}/apibindings/${run.provider.exportName}`);
        expect(binding.status.phase).toBe('Bound');
      }
    },
    STEP_TIMEOUT,
  );

  it(
    'gives the agent user the documented provider permissions and no more',
    async () => {
      const agent = RestClient.fromKubeconfig(run.provider.agentKubeconfigPath);
      const lc = await agent.get('/apis/core.kcp.io/v1alpha1/logicalclusters/cluster');
      expect(lc.metadata.annotations?.['kcp.io/cluster']).toBe(run.provider.orgClusterName);
      await agent.get(`${APIS}/apiexportendpointslices/${run.provider.endpointSliceName}`);
      await agent.get(`${APIS}/apiexports/${run.provider.exportName}`);
      const schemas = await agent.list(`${APIS}/apiresourceschemas`);
      expect(Array.isArray(schemas.items)).toBe(true);
      // Not granted: secrets in the export workspace, and other workspaces entirely.
      await expect(agent.list('/api/v1/secrets')).rejects.toMatchObject({ status: 403 });
      await expect(
        agent.forCluster(run.provider.teamPaths[0]!).list('/api/v1/configmaps'),
      ).rejects.toBeInstanceOf(ApiError);
    },
    STEP_TIMEOUT,
  );

  describe('with a published schema', () => {
    let provider: ProviderWorld;

    beforeAll(async () => {
      provider = await createProvider(kcp, {
        org: 'smoke-watch',
        exportName: 'widgets.smoke.example.com',
        permissionClaims: [{ group: '', resource: 'events' }],
        resourceSchemas: [widgetSchema()],
      });
    }, STEP_TIMEOUT);

    it('has the endpoint slice created by kcp itself (kcp >= 0.28 behaviour)', () => {
      expect(provider.endpointSliceCreatedByKcp).toBe(true);
    });

    it(
      'sees an object created in a team workspace through a wildcard watch of the virtual workspace',
      async () => {
        const vwUrl = await provider.virtualWorkspaceUrl();
        const vw = provider.agent.withServer(vwUrl);
        const collection = '/clusters/*/apis/smoke.example.com/v1/widgets';
        const initial = await vw.list(collection);
        const events: WatchEvent[] = [];
        const watch = await vw.watch(collection, (ev) => events.push(ev), {
          resourceVersion: initial.metadata.resourceVersion,
        });
        try {
          const team = provider.teamAdmin(0);
          await team
            .create('/api/v1/namespaces', {
              apiVersion: 'v1',
              kind: 'Namespace',
              metadata: { name: 'smoke' },
            })
            .catch((err) => {
              if (!(err instanceof ApiError && err.status === 409)) throw err;
            });
          await team.create('/apis/smoke.example.com/v1/namespaces/smoke/widgets', {
            apiVersion: 'smoke.example.com/v1',
            kind: 'Widget',
            metadata: { name: 'w1', namespace: 'smoke' },
            spec: { size: 3 },
          });
          const added = await waitFor(
            () => events.find((e) => e.type === 'ADDED' && e.object.metadata.name === 'w1'),
            { description: 'an ADDED event for widget w1 on the virtual-workspace watch', timeoutMs: 30_000 },
          );
          expect(added.object.metadata.annotations?.['kcp.io/cluster']).toBe(provider.teamClusterNames[0]);
          expect(added.object.spec).toEqual({ size: 3 });
        } finally {
          watch.stop();
        }
      },
      STEP_TIMEOUT,
    );
  });
});

function widgetSchema() {
  return {
    metadata: { name: 'v1.widgets.smoke.example.com' },
    spec: {
      group: 'smoke.example.com',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', properties: { size: { type: 'integer' } } },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
          subresources: { status: {} },
        },
      ],
    },
  };
}
