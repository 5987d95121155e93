// Lifecycle across agent stops and PublishedResource changes: a kcp object deleted while the agent is
// down is cleaned up after the restart (its finalizer held it), SIGTERM ends the agent with exit code 0,
// a changed projection replaces the old schema in the APIExport (exactly one per group/resource) and
// syncing continues, and `filter.namespace` matches the labels of the kcp Namespace.
import type { KubeObject } from '../world/rest.js';
import { waitFor } from '../world/wait.js';
import {
  restartAgent,
  startAgentWorld,
  waitForFinalizer,
  waitForObject,
  waitForSchemaName,
  waitForServed,
  type AgentWorld,
  STEP,
  sha3short,
  publishedResource,
  PRS,
} from './helpers.js';

const CRONTABS = (ns: string) => `/apis/example.com/v1/namespaces/${ns}/crontabs`;
const GADGETS = '/apis/kcp.example.net/v1/namespaces/default/gadgets';

const GADGET_CRD: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.proj.example.com' },
  spec: {
    group: 'proj.example.com',
    scope: 'Namespaced',
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', properties: { value: { type: 'string' } } } },
          },
        },
      },
    ],
  },
};

describe('agent: lifecycle', () => {
  let w: AgentWorld;

  beforeAll(async () => {
    w = await startAgentWorld({
      name: 'agent-lifecycle',
      manifests: [
        GADGET_CRD,
        publishedResource('publish-gadgets', {
          resource: { apiGroup: 'proj.example.com', kind: 'Gadget' },
          projection: { group: 'kcp.example.net', shortNames: ['gd'] },
        }),
        publishedResource('publish-crontabs', {
          resource: { apiGroup: 'example.com', kind: 'CronTab', versions: ['v1'] },
          filter: { namespace: { matchLabels: { env: 'prod' } } },
        }),
      ],
    });
  }, STEP);

  afterAll(async () => {
    await w?.stop();
  }, STEP);

  it(
    'syncs only objects in kcp namespaces matching filter.namespace',
    async () => {
      const team = w.provider.teamAdmin(0);
      const cluster = w.provider.teamClusterNames[0]!;
      for (const [name, env] of [
        ['prod-ns', 'prod'],
        ['dev-ns', 'dev'],
      ] as const) {
        await team.create('/api/v1/namespaces', {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name, labels: { env } },
        });
      }
      await waitForServed(w, 0, CRONTABS('default'));
      for (const ns of ['prod-ns', 'dev-ns']) {
        await team.create(CRONTABS(ns), {
          apiVersion: 'example.com/v1',
          kind: 'CronTab',
          metadata: { name: 'job' },
          spec: { cronSpec: ns, image: 'j:1', replicas: 1 },
        });
      }
      const local = await waitForObject(
        w.service.client,
        `${CRONTABS(cluster)}/${sha3short('prod-ns')}-${sha3short('job')}`,
      );
      expect(local.spec.cronSpec).toBe('prod-ns');
      await waitForFinalizer(team, `${CRONTABS('prod-ns')}/job`);
      await new Promise((r) => setTimeout(r, 3_000));
      expect((await team.get(`${CRONTABS('dev-ns')}/job`)).metadata.finalizers).toBeUndefined();
      expect(
        await w.service.client.getOrUndefined(
          `${CRONTABS(cluster)}/${sha3short('dev-ns')}-${sha3short('job')}`,
        ),
      ).toBeUndefined();
    },
    STEP,
  );

  it(
    'cleans up an object deleted in kcp while the agent was stopped; SIGTERM exits 0',
    async () => {
      const team = w.provider.teamAdmin(0);
      const cluster = w.provider.teamClusterNames[0]!;
      const localPath = `${CRONTABS(cluster)}/${sha3short('prod-ns')}-${sha3short('job')}`;
      // SIGTERM to the agent's own pid (not its harness wrapper), whose exit code the wrapper passes on.
      process.kill(w.agent.pid, 'SIGTERM');
      expect(await w.agent.exited).toBe(0);
      await restartAgent(w, async () => {
        await team.delete(`${CRONTABS('prod-ns')}/job`);
        // The finalizer holds the object while no agent runs.
        const held = await team.get(`${CRONTABS('prod-ns')}/job`);
        expect(held.metadata.deletionTimestamp).toBeDefined();
      });
      await waitFor(async () => ((await w.service.client.getOrUndefined(localPath)) ? undefined : true), {
        description: 'the local copy to be deleted after the restart',
        timeoutMs: 60_000,
      });
      await waitFor(
        async () => ((await team.getOrUndefined(`${CRONTABS('prod-ns')}/job`)) ? undefined : true),
        { description: 'the kcp object to be released', timeoutMs: 30_000 },
      );
    },
    STEP,
  );

  it(
    'replaces the schema in the APIExport when the projection changes and keeps syncing',
    async () => {
      const first = await waitForSchemaName(w, 'publish-gadgets');
      await waitForServed(w, 1, GADGETS);
      await w.service.client.mergePatch(`${PRS}/publish-gadgets`, {
        spec: { projection: { shortNames: ['gdg'] } },
      });
      const second = await waitFor(
        async () => {
          const pr = await w.service.client.get(`${PRS}/publish-gadgets`);
          const n = pr.status?.resourceSchemaName as string | undefined;
          return n && n !== first ? n : undefined;
        },
        { description: 'a new schema name for publish-gadgets' },
      );
      const schemas = await waitFor(
        async () => {
          const exp = await w.provider.admin.get(
            `/apis/apis.kcp.io/v1alpha1/apiexports/${w.provider.exportName}`,
          );
          const l = (exp.spec.latestResourceSchemas ?? []) as string[];
          return l.includes(second) ? l : undefined;
        },
        { description: 'the APIExport to list the new schema' },
      );
      expect(schemas.filter((s) => s.endsWith('.gadgets.kcp.example.net'))).toEqual([second]);

      const team = w.provider.teamAdmin(1);
      const cluster = w.provider.teamClusterNames[1]!;
      await team.create(GADGETS, {
        apiVersion: 'kcp.example.net/v1',
        kind: 'Gadget',
        metadata: { name: 'after-change' },
        spec: { value: 'x' },
      });
      const local = await waitForObject(
        w.service.client,
        `/apis/proj.example.com/v1/namespaces/${cluster}/gadgets/${sha3short('default')}-${sha3short('after-change')}`,
      );
      expect(local.spec).toEqual({ value: 'x' });
    },
    STEP,
  );
});
