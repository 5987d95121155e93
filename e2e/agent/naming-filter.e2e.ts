// Naming rules and filters: legacy `$variable` naming, Go-template naming, a template that fails for one
// object (a Warning event on that object in kcp, the others keep syncing), the `filter.resource` label
// selector, and `enableWorkspacePaths`.
import { simpleCrd } from '../world/manifests.js';
import { DEFAULT_PERMISSION_CLAIMS } from '../world/provider.js';
import { waitFor } from '../world/wait.js';
import {
  eventsFor,
  startAgentWorld,
  waitForFinalizer,
  waitForObject,
  waitForServed,
  type AgentWorld,
  STEP,
  sha1,
  sha3short,
  publishedResource,
} from './helpers.js';

const CRONTABS = (ns: string) => `/apis/example.com/v1/namespaces/${ns}/crontabs`;
const THINGS = (ns: string) => `/apis/tpl.example.com/v1/namespaces/${ns}/things`;
const PICKS = (ns: string) => `/apis/filter.example.com/v1/namespaces/${ns}/picks`;

async function createNamespace(w: AgentWorld, team: number, name: string): Promise<void> {
  await w.provider.teamAdmin(team).create('/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
  });
}

describe('agent: naming and filters', () => {
  let w: AgentWorld;

  beforeAll(async () => {
    w = await startAgentWorld({
      name: 'agent-naming',
      provider: {
        permissionClaims: [
          ...DEFAULT_PERMISSION_CLAIMS,
          { group: 'core.kcp.io', resource: 'logicalclusters' },
        ],
      },
      manifests: [
        simpleCrd('tpl.example.com', 'Thing', 'things'),
        simpleCrd('filter.example.com', 'Pick', 'picks'),
        publishedResource('publish-crontabs-legacy', {
          resource: { apiGroup: 'example.com', kind: 'CronTab', versions: ['v1'] },
          naming: { name: '$remoteName', namespace: 'synced-$remoteNamespace' },
        }),
        publishedResource('publish-things-template', {
          resource: { apiGroup: 'tpl.example.com', kind: 'Thing' },
          naming: {
            name: '{{ if eq .Object.metadata.name "broken" }}{{ fail "broken names are not allowed" }}{{ end }}{{ .ClusterName }}-{{ .Object.metadata.name }}',
            namespace: 'tpl-{{ .Object.metadata.namespace }}',
          },
        }),
        publishedResource('publish-picks-filtered', {
          resource: { apiGroup: 'filter.example.com', kind: 'Pick' },
          filter: { resource: { matchLabels: { sync: 'yes' } } },
          enableWorkspacePaths: true,
        }),
      ],
    });
  }, STEP);

  afterAll(async () => {
    await w?.stop();
  }, STEP);

  it(
    'names local copies with legacy $variables',
    async () => {
      await waitForServed(w, 0, CRONTABS('default'));
      await createNamespace(w, 0, 'shop');
      const cluster = w.provider.teamClusterNames[0]!;
      for (const ns of ['default', 'shop']) {
        await w.provider.teamAdmin(0).create(CRONTABS(ns), {
          apiVersion: 'example.com/v1',
          kind: 'CronTab',
          metadata: { name: `legacy-${ns}` },
          spec: { cronSpec: '* * * * *', image: 'x', replicas: 1 },
        });
      }
      for (const ns of ['default', 'shop']) {
        const local = await waitForObject(w.service.client, `${CRONTABS(`synced-${ns}`)}/legacy-${ns}`);
        expect(local.metadata.labels).toEqual({
          'syncagent.kcp.io/agent-name': w.agentName,
          'syncagent.kcp.io/remote-object-cluster': cluster,
          'syncagent.kcp.io/remote-object-name-hash': sha1(`legacy-${ns}`),
          'syncagent.kcp.io/remote-object-namespace-hash': sha1(ns),
        });
        expect(local.metadata.annotations).toEqual({
          'syncagent.kcp.io/remote-object-name': `legacy-${ns}`,
          'syncagent.kcp.io/remote-object-namespace': ns,
        });
      }
    },
    STEP,
  );

  it(
    'names local copies with Go templates, and reports an object whose name template fails in kcp',
    async () => {
      await waitForServed(w, 1, THINGS('default'));
      const team = w.provider.teamAdmin(1);
      const cluster = w.provider.teamClusterNames[1]!;
      const body = (name: string) => ({
        apiVersion: 'tpl.example.com/v1',
        kind: 'Thing',
        metadata: { name },
        spec: { value: name },
      });
      await team.create(THINGS('default'), body('broken'));
      await team.create(THINGS('default'), body('alpha'));
      const local = await waitForObject(w.service.client, `${THINGS('tpl-default')}/${cluster}-alpha`);
      expect(local.spec).toEqual({ value: 'alpha' });
      expect(local.metadata.annotations).toEqual({
        'syncagent.kcp.io/remote-object-name': 'alpha',
        'syncagent.kcp.io/remote-object-namespace': 'default',
      });

      const ev = await waitFor(
        async () => (await eventsFor(team, 'default', 'broken')).find((e) => e.reason === 'ReconcilingError'),
        { description: 'ReconcilingError event on Thing default/broken in kcp' },
      );
      expect(ev.type).toBe('Warning');
      expect(ev.involvedObject.kind).toBe('Thing');
      expect(ev.message).toBe('Failed to process object: a provider-side issue has occurred.');
      const locals = await w.service.client.list('/apis/tpl.example.com/v1/things');
      expect(locals.items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
        `tpl-default/${cluster}-alpha`,
      ]);

      // Objects created after the failing one keep syncing.
      await team.create(THINGS('default'), body('beta'));
      await waitForObject(w.service.client, `${THINGS('tpl-default')}/${cluster}-beta`);
      expect(w.agent.hasExited()).toBe(false);
    },
    STEP,
  );

  it(
    'syncs only objects matching filter.resource and annotates copies with the workspace path',
    async () => {
      await waitForServed(w, 0, PICKS('default'));
      const team = w.provider.teamAdmin(0);
      const cluster = w.provider.teamClusterNames[0]!;
      await team.create(PICKS('default'), {
        apiVersion: 'filter.example.com/v1',
        kind: 'Pick',
        metadata: { name: 'ignored', labels: { sync: 'no' } },
        spec: { value: 'a' },
      });
      await team.create(PICKS('default'), {
        apiVersion: 'filter.example.com/v1',
        kind: 'Pick',
        metadata: { name: 'chosen', labels: { sync: 'yes' } },
        spec: { value: 'b' },
      });
      const localName = `${sha3short('default')}-${sha3short('chosen')}`;
      const local = await waitForObject(w.service.client, `${PICKS(cluster)}/${localName}`);
      expect(local.metadata.labels).toEqual({
        sync: 'yes',
        'syncagent.kcp.io/agent-name': w.agentName,
        'syncagent.kcp.io/remote-object-cluster': cluster,
        'syncagent.kcp.io/remote-object-name-hash': sha1('chosen'),
        'syncagent.kcp.io/remote-object-namespace-hash': sha1('default'),
      });
      expect(local.metadata.annotations).toEqual({
        'syncagent.kcp.io/remote-object-name': 'chosen',
        'syncagent.kcp.io/remote-object-namespace': 'default',
        'syncagent.kcp.io/remote-object-workspace-path': `${w.provider.orgPath}:team-a`,
      });
      expect(w.provider.teamPaths[0]).toBe(`root:agent-naming:team-a`);
      const chosen = await waitForFinalizer(team, `${PICKS('default')}/chosen`);
      expect(chosen.metadata.finalizers).toEqual(['syncagent.kcp.io/cleanup']);

      await new Promise((r) => setTimeout(r, 3_000));
      const ignored = await team.get(`${PICKS('default')}/ignored`);
      expect(ignored.metadata.finalizers).toBeUndefined();
      const locals = await w.service.client.list('/apis/filter.example.com/v1/picks');
      expect(locals.items.map((o) => o.metadata.name)).toEqual([localName]);
    },
    STEP,
  );
});
