// An agent restart resumes where it stopped (copies updated in place, nothing duplicated, the state
// Secret reused), a built-in type (ConfigMap) published through the OpenAPI fallback, and the
// `sync_agent_published_resource` gauge following PublishedResources being added and removed.
import { freePort } from '../world/ports.js';
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
  CRONTABS,
  sha1,
  sha3short,
  PRS,
} from './helpers.js';

/**
 * `obj-state-<cluster>-<20 hex>` (docs/compatibility.md#state-secrets), computed independently of the agent.
 */
function stateSecretName(
  cluster: string,
  apiVersion: string,
  kind: string,
  ns: string,
  name: string,
): string {
  const json = JSON.stringify({ apiVersion, kind, name, namespace: ns }) + '\n';
  return `obj-state-${cluster}-${sha1(json).slice(0, 20)}`;
}

const PR_CRONTABS: KubeObject = {
  apiVersion: 'syncagent.kcp.io/v1alpha1',
  kind: 'PublishedResource',
  metadata: { name: 'publish-crontabs' },
  spec: { resource: { apiGroup: 'example.com', kind: 'CronTab', versions: ['v1'] } },
};
const PR_CONFIGMAPS: KubeObject = {
  apiVersion: 'syncagent.kcp.io/v1alpha1',
  kind: 'PublishedResource',
  metadata: { name: 'publish-configmaps' },
  spec: {
    resource: { apiGroup: '', kind: 'ConfigMap', versions: ['v1'] },
    // kcp serves core ConfigMaps in every workspace already; the export offers them in its own group.
    projection: { group: 'settings.example.net' },
  },
};

describe('agent: restart, built-in types, metrics', () => {
  let w: AgentWorld;
  let port: number;

  async function gauge(): Promise<string | undefined> {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return text.split('\n').find((l) => l.startsWith('sync_agent_published_resource '));
  }
  async function waitForGauge(value: number): Promise<void> {
    await waitFor(async () => (await gauge()) === `sync_agent_published_resource ${value}`, {
      description: `sync_agent_published_resource to be ${value}`,
      timeoutMs: 60_000,
    });
  }

  beforeAll(async () => {
    port = await freePort();
    w = await startAgentWorld({ name: 'agent-restart', metricsPort: port, manifests: [PR_CRONTABS] });
  }, STEP);

  afterAll(async () => {
    await w?.stop();
  }, STEP);

  it(
    'exposes sync_agent_published_resource 1 for one PublishedResource, and process metrics',
    async () => {
      await waitForSchemaName(w, 'publish-crontabs');
      await waitForGauge(1);
      // the process collectors the shipped Grafana dashboard plots
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const value = (name: string) => Number(text.match(new RegExp(`^${name} ([0-9.e+]+)$`, 'm'))?.[1]);
      expect(value('process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
      expect(value('process_cpu_seconds_total')).toBeGreaterThan(0);
      expect(value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    },
    STEP,
  );

  it(
    'resumes after a restart: edits made while stopped flow, nothing is duplicated, state is reused',
    async () => {
      await waitForServed(w, 0, CRONTABS);
      const team = w.provider.teamAdmin(0);
      const cluster = w.provider.teamClusterNames[0]!;
      const localPath = (n: string) =>
        `/apis/example.com/v1/namespaces/${cluster}/crontabs/${sha3short('default')}-${sha3short(n)}`;
      await team.create(CRONTABS, {
        apiVersion: 'example.com/v1',
        kind: 'CronTab',
        metadata: { name: 'survivor' },
        spec: { cronSpec: '1 * * * *', image: 'app:1', replicas: 1 },
      });
      const before = await waitForObject(w.service.client, localPath('survivor'));
      const secretPath = `/api/v1/namespaces/kube-system/secrets/${stateSecretName(cluster, 'example.com/v1', 'CronTab', 'default', 'survivor')}`;
      const secretBefore = await waitForObject(w.service.client, secretPath);
      expect(secretBefore.metadata.labels).toEqual({
        'syncagent.kcp.io/object-state': 'true',
        'syncagent.kcp.io/remote-object-cluster': cluster,
        'syncagent.kcp.io/remote-object-name-hash': sha1('survivor'),
        'syncagent.kcp.io/remote-object-namespace-hash': sha1('default'),
      });

      await restartAgent(w, async () => {
        await team.mergePatch(`${CRONTABS}/survivor`, { spec: { image: 'app:2' } });
        await team.create(CRONTABS, {
          apiVersion: 'example.com/v1',
          kind: 'CronTab',
          metadata: { name: 'newcomer' },
          spec: { cronSpec: '2 * * * *', image: 'new:1', replicas: 2 },
        });
      });

      const after = await waitFor(
        async () => {
          const l = await w.service.client.get(localPath('survivor'));
          return l.spec.image === 'app:2' ? l : undefined;
        },
        { description: 'the edit made while the agent was down to reach the local copy' },
      );
      expect(after.metadata.uid).toBe(before.metadata.uid);
      const newcomer = await waitForObject(w.service.client, localPath('newcomer'));
      expect(newcomer.spec).toEqual({ cronSpec: '2 * * * *', image: 'new:1', replicas: 2 });
      await waitForFinalizer(team, `${CRONTABS}/newcomer`);

      const locals = await w.service.client.list(
        `/apis/example.com/v1/crontabs?labelSelector=${encodeURIComponent(`syncagent.kcp.io/remote-object-cluster=${cluster}`)}`,
      );
      expect(locals.items.map((o) => o.metadata.name).sort()).toEqual(
        [
          `${sha3short('default')}-${sha3short('newcomer')}`,
          `${sha3short('default')}-${sha3short('survivor')}`,
        ].sort(),
      );
      const secretAfter = await w.service.client.get(secretPath);
      expect(secretAfter.metadata.uid).toBe(secretBefore.metadata.uid);
      const state = JSON.parse(
        Buffer.from(Object.values(secretAfter.data as Record<string, string>)[0]!, 'base64').toString(),
      );
      expect(state.spec.image).toBe('app:2');
      const secrets = await w.service.client.list(
        `/api/v1/namespaces/kube-system/secrets?labelSelector=${encodeURIComponent('syncagent.kcp.io/object-state=true')}`,
      );
      expect(secrets.items.length).toBe(2);
    },
    STEP,
  );

  it(
    'publishes ConfigMap through OpenAPI and syncs consumer ConfigMaps down; the gauge goes to 2',
    async () => {
      await w.service.client.create(PRS, PR_CONFIGMAPS);
      const name = await waitForSchemaName(w, 'publish-configmaps');
      expect(name).toMatch(/^v[0-9a-f]{8}\.configmaps\.settings\.example\.net$/);
      await waitForGauge(2);
      const ars = await w.provider.admin.get(`/apis/apis.kcp.io/v1alpha1/apiresourceschemas/${name}`);
      expect(ars.metadata.annotations?.['syncagent.kcp.io/source-generation']).toBe('0');
      expect(ars.spec.names.kind).toBe('ConfigMap');

      const coll = (ns: string) => `/apis/settings.example.net/v1/namespaces/${ns}/configmaps`;
      await waitForServed(w, 1, coll('default'));
      const team = w.provider.teamAdmin(1);
      const cluster = w.provider.teamClusterNames[1]!;
      await team.create('/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'tenant' },
      });
      for (const ns of ['default', 'tenant']) {
        await team.create(coll(ns), {
          apiVersion: 'settings.example.net/v1',
          kind: 'ConfigMap',
          metadata: { name: 'app-config', labels: { app: 'shop' } },
          data: { mode: ns },
        });
      }
      for (const ns of ['default', 'tenant']) {
        const local = await waitForObject(
          w.service.client,
          `/api/v1/namespaces/${cluster}/configmaps/${sha3short(ns)}-${sha3short('app-config')}`,
        );
        expect(local.data).toEqual({ mode: ns });
        expect(local.metadata.labels).toEqual({
          app: 'shop',
          'syncagent.kcp.io/agent-name': w.agentName,
          'syncagent.kcp.io/remote-object-cluster': cluster,
          'syncagent.kcp.io/remote-object-name-hash': sha1('app-config'),
          'syncagent.kcp.io/remote-object-namespace-hash': sha1(ns),
        });
        expect(local.metadata.annotations).toEqual({
          'syncagent.kcp.io/remote-object-name': 'app-config',
          'syncagent.kcp.io/remote-object-namespace': ns,
        });
      }
    },
    STEP,
  );

  it(
    'lowers the gauge to 1 when a PublishedResource is deleted',
    async () => {
      await w.service.client.delete(`${PRS}/publish-configmaps`);
      await waitForGauge(1);
    },
    STEP,
  );
});
