// Publishing beyond the simple case: a multi-version CRD, a projected CRD (group, version, kind,
// plural, shortNames, scope), a PublishedResource with synchronization disabled, and one whose CRD
// does not exist (it is reported on that PR while every other PR keeps working).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { REPO_ROOT } from '../world/process.js';
import type { KubeObject } from '../world/rest.js';
import { waitFor } from '../world/wait.js';
import {
  eventsFor,
  getPublishedResource,
  startAgentWorld,
  waitForFinalizer,
  waitForObject,
  waitForSchemaName,
  waitForServed,
  type AgentWorld,
  STEP,
  sha1,
  sha3short,
  publishedResource,
} from './helpers.js';

const ARS = '/apis/apis.kcp.io/v1alpha1/apiresourceschemas';

const objectSchema = {
  openAPIV3Schema: {
    type: 'object',
    properties: {
      spec: { type: 'object', properties: { size: { type: 'integer' }, color: { type: 'string' } } },
    },
  },
};

function crd(
  group: string,
  kind: string,
  plural: string,
  versions: string[],
  extra: object = {},
): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List`, ...extra },
      versions: versions.map((v, i) => ({ name: v, served: true, storage: i === 0, schema: objectSchema })),
    },
  };
}

const PR_MULTI = publishedResource('publish-widgets', {
  resource: { apiGroup: 'multi.example.com', kind: 'Widget', versions: ['v1', 'v2'] },
});
const PR_PROJECTED = publishedResource('publish-gadgets', {
  resource: { apiGroup: 'proj.example.com', kind: 'Gadget', versions: ['v1'] },
  projection: {
    group: 'kcp.proj.example.net',
    versions: { v1: 'v1beta1' },
    kind: 'Gizmo',
    plural: 'gizmos',
    shortNames: ['gz'],
    scope: 'Cluster',
  },
  naming: { name: '{{ .Object.metadata.name }}', namespace: 'gizmos-{{ .ClusterName }}' },
});
const PR_DISABLED = publishedResource('publish-quiets', {
  resource: { apiGroup: 'quiet.example.com', kind: 'Quiet' },
  synchronization: { enabled: false },
});
const PR_MISSING = publishedResource('publish-missing', {
  resource: { apiGroup: 'missing.example.com', kind: 'Nothing' },
});

/** What `pubres-toolkit crd --ars` names the schema of a PR against the same service cluster. */
function toolkitSchemaName(w: AgentWorld, p: KubeObject): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pr-'));
  const file = path.join(dir, `${p.metadata.name}.yaml`);
  writeFileSync(file, YAML.stringify(p));
  const out = execFileSync(
    path.join(REPO_ROOT, 'node_modules/.bin/node'),
    [
      path.join(REPO_ROOT, 'dist/operator/toolkit/main.js'),
      'crd',
      '--ars',
      '--kubeconfig',
      w.service.kubeconfigPath,
      file,
    ],
    { encoding: 'utf8' },
  );
  return (YAML.parse(out) as KubeObject).metadata.name!;
}

async function exportSchemas(w: AgentWorld): Promise<string[]> {
  const exp = await w.provider.admin.get(`/apis/apis.kcp.io/v1alpha1/apiexports/${w.provider.exportName}`);
  return (exp.spec.latestResourceSchemas ?? []) as string[];
}

describe('agent: schemas', () => {
  let w: AgentWorld;

  beforeAll(async () => {
    w = await startAgentWorld({
      name: 'agent-schemas',
      manifests: [
        crd('multi.example.com', 'Widget', 'widgets', ['v1', 'v2']),
        crd('proj.example.com', 'Gadget', 'gadgets', ['v1'], { shortNames: ['gd'] }),
        crd('quiet.example.com', 'Quiet', 'quiets', ['v1']),
        PR_MULTI,
        PR_PROJECTED,
        PR_DISABLED,
        PR_MISSING,
      ],
    });
  }, STEP);

  afterAll(async () => {
    await w?.stop();
  }, STEP);

  it(
    "publishes a multi-version CRD under the toolkit's schema name with both versions",
    async () => {
      const name = await waitForSchemaName(w, 'publish-widgets');
      expect(name).toBe(toolkitSchemaName(w, PR_MULTI));
      expect(name).toMatch(/^v[0-9a-f]{8}\.widgets\.multi\.example\.com$/);
      const ars = await w.provider.admin.get(`${ARS}/${name}`);
      expect(ars.spec.versions.map((v: { name: string; storage: boolean }) => [v.name, v.storage])).toEqual([
        ['v1', true],
        ['v2', false],
      ]);
      await waitFor(async () => (await exportSchemas(w)).includes(name), {
        description: 'APIExport to list the widgets schema',
      });

      await waitForServed(w, 0, '/apis/multi.example.com/v2/namespaces/default/widgets');
      await w.provider.teamAdmin(0).create('/apis/multi.example.com/v2/namespaces/default/widgets', {
        apiVersion: 'multi.example.com/v2',
        kind: 'Widget',
        metadata: { name: 'w2' },
        spec: { size: 2 },
      });
      const cluster = w.provider.teamClusterNames[0]!;
      const local = await waitForObject(
        w.service.client,
        `/apis/multi.example.com/v1/namespaces/${cluster}/widgets/${sha3short('default')}-${sha3short('w2')}`,
      );
      expect(local.apiVersion).toBe('multi.example.com/v1');
      expect(local.spec).toEqual({ size: 2 });
    },
    STEP,
  );

  it(
    'publishes a projected CRD and syncs objects of the projected kind to the original kind',
    async () => {
      const name = await waitForSchemaName(w, 'publish-gadgets');
      expect(name).toBe(toolkitSchemaName(w, PR_PROJECTED));
      expect(name).toMatch(/^v[0-9a-f]{8}\.gizmos\.kcp\.proj\.example\.net$/);
      const ars = await w.provider.admin.get(`${ARS}/${name}`);
      expect(ars.spec.group).toBe('kcp.proj.example.net');
      expect(ars.spec.scope).toBe('Cluster');
      expect(ars.spec.names).toEqual({
        kind: 'Gizmo',
        listKind: 'GizmoList',
        plural: 'gizmos',
        singular: 'gizmo',
        shortNames: ['gz'],
      });
      expect(ars.spec.versions.map((v: { name: string }) => v.name)).toEqual(['v1beta1']);

      const coll = '/apis/kcp.proj.example.net/v1beta1/gizmos';
      await waitForServed(w, 1, coll);
      await w.provider.teamAdmin(1).create(coll, {
        apiVersion: 'kcp.proj.example.net/v1beta1',
        kind: 'Gizmo',
        metadata: { name: 'big-one', labels: { size: 'big' } },
        spec: { size: 9, color: 'red' },
      });
      const cluster = w.provider.teamClusterNames[1]!;
      const local = await waitForObject(
        w.service.client,
        `/apis/proj.example.com/v1/namespaces/gizmos-${cluster}/gadgets/big-one`,
      );
      expect(local.kind).toBe('Gadget');
      expect(local.spec).toEqual({ size: 9, color: 'red' });
      expect(local.metadata.labels).toEqual({
        size: 'big',
        'syncagent.kcp.io/agent-name': w.agentName,
        'syncagent.kcp.io/remote-object-cluster': cluster,
        'syncagent.kcp.io/remote-object-name-hash': sha1('big-one'),
      });
      expect(local.metadata.annotations).toEqual({ 'syncagent.kcp.io/remote-object-name': 'big-one' });
      const remote = await waitForFinalizer(w.provider.teamAdmin(1), `${coll}/big-one`);
      expect(remote.metadata.finalizers).toEqual(['syncagent.kcp.io/cleanup']);
    },
    STEP,
  );

  it(
    'publishes the schema of a PR with synchronization disabled but syncs none of its objects',
    async () => {
      const name = await waitForSchemaName(w, 'publish-quiets');
      expect(name).toMatch(/^v[0-9a-f]{8}\.quiets\.quiet\.example\.com$/);
      await waitFor(async () => (await exportSchemas(w)).includes(name), {
        description: 'APIExport to list the quiets schema',
      });
      const coll = '/apis/quiet.example.com/v1/namespaces/default/quiets';
      await waitForServed(w, 0, coll);
      await w.provider.teamAdmin(0).create(coll, {
        apiVersion: 'quiet.example.com/v1',
        kind: 'Quiet',
        metadata: { name: 'hush' },
        spec: { size: 1 },
      });
      // Another PR's object synced after this one was created proves the agent is working meanwhile.
      await w.provider.teamAdmin(0).create('/apis/multi.example.com/v1/namespaces/default/widgets', {
        apiVersion: 'multi.example.com/v1',
        kind: 'Widget',
        metadata: { name: 'after-quiet' },
        spec: { size: 3 },
      });
      await waitForFinalizer(
        w.provider.teamAdmin(0),
        '/apis/multi.example.com/v1/namespaces/default/widgets/after-quiet',
      );
      await new Promise((r) => setTimeout(r, 3_000));
      const hush = await w.provider.teamAdmin(0).get(`${coll}/hush`);
      expect(hush.metadata.finalizers).toBeUndefined();
      // The local type was never used, so its watch cache may still answer 429 for a moment.
      const locals = await waitFor(() => w.service.client.list('/apis/quiet.example.com/v1/quiets'), {
        description: 'the local Quiet collection to be listable',
        timeoutMs: 30_000,
      });
      expect(locals.items).toEqual([]);
    },
    STEP,
  );

  it(
    'reports a PR whose CRD is missing with a Warning event and SchemaPublished=False',
    async () => {
      const ev = await waitFor(
        async () =>
          (await eventsFor(w.service.client, 'default', 'publish-missing')).find(
            (e) => e.reason === 'ReconcilingError',
          ),
        { description: 'ReconcilingError event on publish-missing' },
      );
      expect(ev.type).toBe('Warning');
      expect(ev.involvedObject.kind).toBe('PublishedResource');
      expect(ev.message).toContain('Nothing');
      const cond = await waitFor(
        async () =>
          ((await getPublishedResource(w, 'publish-missing')).status?.conditions ?? []).find(
            (c: { type: string }) => c.type === 'SchemaPublished',
          ),
        { description: 'SchemaPublished condition on publish-missing' },
      );
      expect(cond.status).toBe('False');
      expect((await getPublishedResource(w, 'publish-missing')).status?.resourceSchemaName).toBeUndefined();
      // The other PRs were published and synced meanwhile (tests above); the agent is still running.
      expect(w.agent.hasExited()).toBe(false);
    },
    STEP,
  );
});
