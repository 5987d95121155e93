// Bad input: two PublishedResources projecting onto the same kcp group/resource. The older one keeps
// it; the younger gets a Warning event and SchemaPublished=False, is not put into the APIExport, and
// other PublishedResources keep syncing. Once the older one is deleted, the younger is published.
import { simpleCrd } from '../world/manifests.js';
import { waitFor } from '../world/wait.js';
import {
  eventsFor,
  getPublishedResource,
  startAgentWorld,
  waitForObject,
  waitForSchemaName,
  waitForServed,
  type AgentWorld,
  STEP,
  sha3short,
  publishedResource,
  PRS,
} from './helpers.js';

const shared = { group: 'shared.example.net', kind: 'Thing' };

async function exportSchemas(w: AgentWorld): Promise<string[]> {
  const exp = await w.provider.admin.get(`/apis/apis.kcp.io/v1alpha1/apiexports/${w.provider.exportName}`);
  return (exp.spec.latestResourceSchemas ?? []) as string[];
}

describe('agent: colliding projections', () => {
  let w: AgentWorld;

  beforeAll(async () => {
    w = await startAgentWorld({
      name: 'agent-collision',
      manifests: [
        simpleCrd('a.example.com', 'Alpha', 'alphas', { specFields: ['alpha'], status: 'none' }),
        simpleCrd('b.example.com', 'Beta', 'betas', { specFields: ['beta'], status: 'none' }),
        publishedResource('publish-alphas', {
          resource: { apiGroup: 'a.example.com', kind: 'Alpha' },
          projection: shared,
        }),
      ],
    });
  }, STEP);

  afterAll(async () => {
    await w?.stop();
  }, STEP);

  it(
    'reports the younger PublishedResource and keeps the older one and all others working',
    async () => {
      const alphaSchema = await waitForSchemaName(w, 'publish-alphas');
      expect(alphaSchema).toMatch(/^v[0-9a-f]{8}\.things\.shared\.example\.net$/);
      // Created a second apart, so the age order is certain.
      await new Promise((r) => setTimeout(r, 1_100));
      await w.service.client.create(
        PRS,
        publishedResource('publish-betas', {
          resource: { apiGroup: 'b.example.com', kind: 'Beta' },
          projection: shared,
        }),
      );
      await w.service.client.create(
        PRS,
        publishedResource('publish-crontabs', {
          resource: { apiGroup: 'example.com', kind: 'CronTab', versions: ['v1'] },
        }),
      );

      const ev = await waitFor(
        async () =>
          (await eventsFor(w.service.client, 'default', 'publish-betas')).find(
            (e) => e.reason === 'ReconcilingError',
          ),
        { description: 'ReconcilingError event on publish-betas' },
      );
      expect(ev.type).toBe('Warning');
      expect(ev.message).toBe(
        'PublishedResource publish-betas: the kcp resource things.shared.example.net is already published by PublishedResource publish-alphas; change spec.projection (group, kind or plural)',
      );
      const betas = await getPublishedResource(w, 'publish-betas');
      expect(betas.status?.resourceSchemaName).toBeUndefined();
      const cond = (betas.status?.conditions ?? []).find(
        (c: { type: string }) => c.type === 'SchemaPublished',
      );
      expect(cond?.status).toBe('False');

      const crontabSchema = await waitForSchemaName(w, 'publish-crontabs');
      const schemas = await waitFor(
        async () => {
          const l = await exportSchemas(w);
          return l.includes(crontabSchema) ? l : undefined;
        },
        { description: 'the APIExport to list the crontabs schema' },
      );
      expect(schemas.filter((s) => s.endsWith('.things.shared.example.net'))).toEqual([alphaSchema]);

      // Things in kcp belong to the older PublishedResource: they become Alphas.
      const coll = '/apis/shared.example.net/v1/namespaces/default/things';
      await waitForServed(w, 0, coll);
      await w.provider.teamAdmin(0).create(coll, {
        apiVersion: 'shared.example.net/v1',
        kind: 'Thing',
        metadata: { name: 'one' },
        spec: { alpha: 'a' },
      });
      const cluster = w.provider.teamClusterNames[0]!;
      const local = await waitForObject(
        w.service.client,
        `/apis/a.example.com/v1/namespaces/${cluster}/alphas/${sha3short('default')}-${sha3short('one')}`,
      );
      expect(local.spec).toEqual({ alpha: 'a' });
      await new Promise((r) => setTimeout(r, 2_000));
      const stray = await w.service.client.list('/apis/b.example.com/v1/betas').catch(() => ({ items: [] }));
      expect(stray.items).toEqual([]);
      expect(w.agent.hasExited()).toBe(false);
    },
    STEP,
  );

  it(
    'publishes the younger PublishedResource once the older one is deleted',
    async () => {
      await w.service.client.delete(`${PRS}/publish-alphas`);
      const betaSchema = await waitForSchemaName(w, 'publish-betas');
      expect(betaSchema).toMatch(/^v[0-9a-f]{8}\.things\.shared\.example\.net$/);
      const schemas = await waitFor(
        async () => {
          const l = await exportSchemas(w);
          return l.includes(betaSchema) ? l : undefined;
        },
        { description: 'the APIExport to list the betas schema' },
      );
      expect(schemas.filter((s) => s.endsWith('.things.shared.example.net'))).toEqual([betaSchema]);
    },
    STEP,
  );
});
