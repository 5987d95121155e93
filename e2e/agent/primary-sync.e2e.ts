// The agent end to end against a real kcp and a real kube-apiserver: publishing a CRD, syncing
// consumer objects down with the exact names, labels and annotations, status up, edits both ways,
// deletion with the finalizer released.
import { waitFor } from '../world/wait.js';
import {
  startAgentWorld,
  waitForSchemaName,
  waitForServed,
  type AgentWorld,
  STEP,
  CRONTABS,
  sha1,
  sha3short,
} from './helpers.js';

describe('agent: primary objects', () => {
  let w: AgentWorld;

  beforeAll(async () => {
    w = await startAgentWorld({
      name: 'agent-primary',
      manifests: [
        {
          apiVersion: 'syncagent.kcp.io/v1alpha1',
          kind: 'PublishedResource',
          metadata: { name: 'publish-crontabs' },
          spec: { resource: { apiGroup: 'example.com', kind: 'CronTab', versions: ['v1'] } },
        },
      ],
    });
  }, STEP);

  afterAll(async () => {
    await w?.stop();
  }, STEP);

  it(
    'publishes the CRD as an APIResourceSchema listed in the APIExport',
    async () => {
      const name = await waitForSchemaName(w, 'publish-crontabs');
      expect(name).toMatch(/^v[0-9a-f]+\.crontabs\.example\.com$/);
      const ars = await w.provider.admin.get(`/apis/apis.kcp.io/v1alpha1/apiresourceschemas/${name}`);
      expect(ars.metadata.labels?.['syncagent.kcp.io/agent-name']).toBe(w.agentName);
      await waitFor(
        async () => {
          const exp = await w.provider.admin.get(
            `/apis/apis.kcp.io/v1alpha1/apiexports/${w.provider.exportName}`,
          );
          return (exp.spec.latestResourceSchemas ?? []).includes(name) ? exp : undefined;
        },
        { description: 'APIExport to list the schema', timeoutMs: 60_000 },
      );
      // Beyond the Go agent: conditions on the PublishedResource.
      const pr = await waitFor(
        async () => {
          const p = await w.service.client.get(
            '/apis/syncagent.kcp.io/v1alpha1/publishedresources/publish-crontabs',
          );
          const ready = (p.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready');
          return ready?.status === 'True' ? p : undefined;
        },
        { description: 'PublishedResource to become Ready', timeoutMs: 60_000 },
      );
      const byType = Object.fromEntries(
        pr.status.conditions.map((c: { type: string; status: string; reason: string }) => [
          c.type,
          `${c.status}/${c.reason}`,
        ]),
      );
      expect(byType).toEqual({
        SchemaPublished: 'True/Published',
        Syncing: 'True/Syncing',
        Ready: 'True/Ready',
      });
      expect(
        pr.status.conditions.every(
          (c: { observedGeneration: number }) => c.observedGeneration === pr.metadata.generation,
        ),
      ).toBe(true);
    },
    STEP,
  );

  it(
    'syncs the same object name from two workspaces into two local objects with the exact metadata',
    async () => {
      await waitForServed(w, 0, CRONTABS);
      await waitForServed(w, 1, CRONTABS);
      const body = {
        apiVersion: 'example.com/v1',
        kind: 'CronTab',
        metadata: { name: 'nightly', namespace: 'default', labels: { team: 'x' } },
        spec: { cronSpec: '0 3 * * *', image: 'backup:1.0', replicas: 1 },
      };
      await w.provider.teamAdmin(0).create(CRONTABS, body);
      await w.provider.teamAdmin(1).create(CRONTABS, body);

      const localName = `${sha3short('default')}-${sha3short('nightly')}`;
      for (const [i, cluster] of w.provider.teamClusterNames.entries()) {
        const local = await waitFor(
          () =>
            w.service.client.getOrUndefined(
              `/apis/example.com/v1/namespaces/${cluster}/crontabs/${localName}`,
            ),
          { description: `local copy of team ${i}'s CronTab`, timeoutMs: 60_000 },
        );
        expect(local.metadata.labels).toEqual({
          team: 'x',
          'syncagent.kcp.io/agent-name': w.agentName,
          'syncagent.kcp.io/remote-object-cluster': cluster,
          'syncagent.kcp.io/remote-object-name-hash': sha1('nightly'),
          'syncagent.kcp.io/remote-object-namespace-hash': sha1('default'),
        });
        expect(local.metadata.annotations).toEqual({
          'syncagent.kcp.io/remote-object-name': 'nightly',
          'syncagent.kcp.io/remote-object-namespace': 'default',
        });
        expect(local.spec).toEqual(body.spec);
        const remote = await w.provider.teamAdmin(i).get(`${CRONTABS}/nightly`);
        expect(remote.metadata.finalizers).toEqual(['syncagent.kcp.io/cleanup']);
      }
    },
    STEP,
  );

  it(
    'copies status up, kcp edits down, and keeps service-side edits of other fields',
    async () => {
      const cluster = w.provider.teamClusterNames[0]!;
      const localPath = `/apis/example.com/v1/namespaces/${cluster}/crontabs/${sha3short('default')}-${sha3short('nightly')}`;
      await w.service.client.mergePatch(`${localPath}/status`, { status: { phase: 'Running' } });
      await waitFor(
        async () =>
          (await w.provider.teamAdmin(0).get(`${CRONTABS}/nightly`)).status?.phase === 'Running'
            ? true
            : undefined,
        { description: 'status to reach kcp', timeoutMs: 30_000 },
      );

      await w.service.client.mergePatch(localPath, { spec: { replicas: 5 } });
      await w.provider.teamAdmin(0).mergePatch(`${CRONTABS}/nightly`, { spec: { image: 'backup:2.0' } });
      const local = await waitFor(
        async () => {
          const l = await w.service.client.get(localPath);
          return l.spec.image === 'backup:2.0' ? l : undefined;
        },
        { description: 'the kcp edit to reach the local copy', timeoutMs: 30_000 },
      );
      expect(local.spec.replicas).toBe(5);
    },
    STEP,
  );

  it(
    'deletes the local copy and releases the finalizer when the consumer deletes the object',
    async () => {
      const cluster = w.provider.teamClusterNames[1]!;
      const localPath = `/apis/example.com/v1/namespaces/${cluster}/crontabs/${sha3short('default')}-${sha3short('nightly')}`;
      await w.provider.teamAdmin(1).delete(`${CRONTABS}/nightly`);
      await waitFor(async () => ((await w.service.client.getOrUndefined(localPath)) ? undefined : true), {
        description: 'the local copy to be deleted',
        timeoutMs: 30_000,
      });
      await waitFor(
        async () =>
          (await w.provider.teamAdmin(1).getOrUndefined(`${CRONTABS}/nightly`)) ? undefined : true,
        {
          description: 'the kcp object to be gone (finalizer released)',
          timeoutMs: 30_000,
        },
      );
    },
    STEP,
  );
});
