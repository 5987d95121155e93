// An APIExportEndpointSlice in another workspace than its APIExport: the agent's kcp
// kubeconfig points at the slice's workspace, it follows `spec.export.path` to the APIExport, publishes
// the schema there and syncs consumer objects.
import { grantAgentPermissions } from '../world/provider.js';
import { runKcp } from '../world/run.js';
import { waitFor } from '../world/wait.js';
import {
  startAgentWorld,
  waitForFinalizer,
  waitForObject,
  waitForSchemaName,
  waitForServed,
  type AgentWorld,
  CRONTABS,
  sha1,
  sha3short,
} from './helpers.js';

const STEP = 240_000;
const SLICE = 'crontabs-elsewhere';

describe('agent: endpoint slice in another workspace', () => {
  let w: AgentWorld;
  let slicePath = '';

  beforeAll(async () => {
    w = await startAgentWorld({
      name: 'agent-slice',
      manifests: [
        {
          apiVersion: 'syncagent.kcp.io/v1alpha1',
          kind: 'PublishedResource',
          metadata: { name: 'publish-crontabs' },
          spec: { resource: { apiGroup: 'example.com', kind: 'CronTab', versions: ['v1'] } },
        },
      ],
      prepareKcp: async (provider) => {
        const kcp = runKcp();
        slicePath = await kcp.createWorkspace('root', 'agent-slice-endpoints');
        const sliceAdmin = kcp.admin.forCluster(slicePath);
        await sliceAdmin.create('/apis/apis.kcp.io/v1alpha1/apiexportendpointslices', {
          apiVersion: 'apis.kcp.io/v1alpha1',
          kind: 'APIExportEndpointSlice',
          metadata: { name: SLICE },
          spec: { export: { path: provider.orgPath, name: provider.exportName } },
        });
        await grantAgentPermissions(sliceAdmin, kcp.agentUser, provider.exportName);
        await waitFor(
          async () => {
            const s = await sliceAdmin.get(`/apis/apis.kcp.io/v1alpha1/apiexportendpointslices/${SLICE}`);
            return (s.status?.endpoints ?? []).length > 0;
          },
          { description: `endpoint slice ${slicePath}/${SLICE} to list an endpoint` },
        );
        return { kcpKubeconfig: kcp.writeAgentKubeconfig(slicePath), endpointSliceName: SLICE };
      },
    });
  }, STEP);

  afterAll(async () => {
    await w?.stop();
  }, STEP);

  it(
    'publishes into the APIExport of the referenced workspace and syncs objects from bound workspaces',
    async () => {
      expect(slicePath).toBe('root:agent-slice-endpoints');
      const name = await waitForSchemaName(w, 'publish-crontabs');
      await waitFor(
        async () => {
          const exp = await w.provider.admin.get(
            `/apis/apis.kcp.io/v1alpha1/apiexports/${w.provider.exportName}`,
          );
          return exp.metadata.annotations?.['syncagent.kcp.io/agent-name'] === w.agentName &&
            (exp.spec.latestResourceSchemas ?? []).includes(name)
            ? exp
            : undefined;
        },
        { description: 'the APIExport in the org workspace to list the schema' },
      );
      await w.provider.admin.get(`/apis/apis.kcp.io/v1alpha1/apiresourceschemas/${name}`);

      await waitForServed(w, 0, CRONTABS);
      await w.provider.teamAdmin(0).create(CRONTABS, {
        apiVersion: 'example.com/v1',
        kind: 'CronTab',
        metadata: { name: 'far-away' },
        spec: { cronSpec: '5 * * * *', image: 'far:1', replicas: 1 },
      });
      const cluster = w.provider.teamClusterNames[0]!;
      const local = await waitForObject(
        w.service.client,
        `/apis/example.com/v1/namespaces/${cluster}/crontabs/${sha3short('default')}-${sha3short('far-away')}`,
      );
      expect(local.metadata.labels).toEqual({
        'syncagent.kcp.io/agent-name': w.agentName,
        'syncagent.kcp.io/remote-object-cluster': cluster,
        'syncagent.kcp.io/remote-object-name-hash': sha1('far-away'),
        'syncagent.kcp.io/remote-object-namespace-hash': sha1('default'),
      });
      await waitForFinalizer(w.provider.teamAdmin(0), `${CRONTABS}/far-away`);
    },
    STEP,
  );
});
