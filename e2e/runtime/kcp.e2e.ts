// operator/runtime against real kcp: workspace base URLs (`/clusters/<path>`), derived clients for
// other workspaces with the same credentials, and a cluster-aware informer over the APIExport virtual
// workspace (`.../clusters/*`) whose cache keys carry the logical cluster (kcp.io/cluster annotation), so objects with the
// same namespace/name in two workspaces do not collide.
import {
  Informer,
  isAlreadyExists,
  loadRestConfig,
  RestClient,
  serverOrigin,
} from '../../operator/runtime/index.js';
import { clusterOf } from '../../operator/kcp/cluster.js';
import { readRunCoordinates } from '../world/run.js';
import { waitFor } from '../world/wait.js';

const STEP = 120_000;
const cmGVR = { group: '', version: 'v1', resource: 'configmaps' };
const nsGVR = { group: '', version: 'v1', resource: 'namespaces' };

describe('operator/runtime against kcp', () => {
  it(
    'talks to workspaces by /clusters/<path> and keys a wildcard informer by logical cluster',
    async () => {
      const run = readRunCoordinates();
      const cfg = loadRestConfig({ kubeconfig: run.provider.adminKubeconfigPath, explicitOnly: true });
      expect(cfg.server).toContain('/clusters/');
      const org = new RestClient(cfg);
      const teams = run.provider.teamPaths
        .slice(0, 2)
        .map((p) => org.forServer(`${serverOrigin(cfg)}/clusters/${p}`));
      expect(teams).toHaveLength(2);
      for (const team of teams) {
        await team
          .create(nsGVR, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'rt' } })
          .catch((e: unknown) => {
            if (!isAlreadyExists(e)) throw e;
          });
        await team.create(cmGVR, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'same-name', namespace: 'rt', labels: { 'rt-e2e': 'yes' } },
          data: { workspace: team.baseUrl },
        });
      }
      // The APIExport virtual workspace serves the claimed configmaps of every bound workspace at once.
      const slice = await org.get(
        { group: 'apis.kcp.io', version: 'v1alpha1', resource: 'apiexportendpointslices' },
        run.provider.endpointSliceName,
      );
      const vwUrl = await waitFor(
        async () => {
          const s = await org.get(
            { group: 'apis.kcp.io', version: 'v1alpha1', resource: 'apiexportendpointslices' },
            run.provider.endpointSliceName,
          );
          return ((s.status as { endpoints?: { url?: string }[] })?.endpoints ?? [])
            .map((e) => e.url)
            .find(Boolean);
        },
        { description: `endpoint slice ${slice.metadata?.name} to list a URL`, timeoutMs: 30_000 },
      );
      const agentCfg = loadRestConfig({ kubeconfig: run.provider.agentKubeconfigPath, explicitOnly: true });
      const wildcard = new RestClient(agentCfg).forServer(`${vwUrl}/clusters/*`);
      const inf = new Informer({
        client: wildcard,
        gvr: cmGVR,
        clusterOf,
        labelSelector: 'rt-e2e=yes',
        minBackoffMs: 200,
      });
      inf.start();
      try {
        await inf.waitForSync(AbortSignal.timeout(60_000)).catch((e: unknown) => {
          throw new Error(`${String(e)}; informer health: ${inf.health().message}`);
        });
        const expected = run.provider.teamClusterNames
          .slice(0, 2)
          .map((c) => `${c}|rt/same-name`)
          .sort();
        expect(
          inf.reader
            .list()
            .map((o) => inf.keyOf(o))
            .sort(),
        ).toEqual(expected);
        // a change in one workspace updates only that workspace's entry
        await teams[0]!.patch(cmGVR, 'same-name', { data: { changed: 'yes' } }, 'merge', { namespace: 'rt' });
        const first = run.provider.teamClusterNames[0] as string;
        await waitFor(
          () =>
            inf.reader.get(first, 'rt', 'same-name')?.data !== undefined &&
            (inf.reader.get(first, 'rt', 'same-name')?.data as Record<string, string>).changed === 'yes',
          {
            description: 'update seen in the first workspace',
            timeoutMs: 20_000,
          },
        );
        const second = inf.reader.get(run.provider.teamClusterNames[1] as string, 'rt', 'same-name');
        expect((second?.data as Record<string, string>).changed).toBeUndefined();
      } finally {
        await inf.stop();
        for (const team of teams)
          await team.delete(cmGVR, 'same-name', { namespace: 'rt' }).catch(() => undefined);
      }
    },
    STEP,
  );
});
