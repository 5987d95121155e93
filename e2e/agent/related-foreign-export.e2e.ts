// A related object from another APIExport (`identityHash`, permission claims): two agents
// on the same service cluster, each started with `--published-resource-selector` and each serving its
// own APIExport. Agent B publishes Widgets into export B; agent A publishes CronTabs into export A with
// related Widgets identified by export B's identity hash. Agent A claims B's resource on export A; the
// consumer workspace binds both exports. While A's claim is not accepted, both related entries warn
// (naming the identifier and the claim); once accepted, Widgets travel as related objects of CronTabs
// in both directions with no edit of the primary, while consumer Widgets of their own are synced by
// agent B.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startAgent, standardAgentArgs, type AgentProcess } from '../world/agent.js';
import { readManifests, waitForCrdEstablished } from '../world/manifests.js';
import { REPO_ROOT } from '../world/process.js';
import { bindExport, createProvider, type PermissionClaim, type ProviderWorld } from '../world/provider.js';
import type { KubeObject } from '../world/rest.js';
import { runKcp } from '../world/run.js';
import { waitFor } from '../world/wait.js';
import {
  createCronTabAndWaitForCopy,
  eventsFor,
  startAgentWorld,
  waitForSchemaName,
  waitForRelatedAnnotation,
  waitForServed,
  type AgentWorld,
  STEP,
  CRONTABS,
  sha3short,
  publishCronTabs,
} from './helpers.js';

const WIDGET_CRD = path.join(REPO_ROOT, 'e2e/fixtures/widget-crd.yaml');
const WIDGETS = '/apis/widgets.example.com/v1/namespaces/default/widgets';
const APIS = '/apis/apis.kcp.io/v1alpha1';
/** Related Widget copies carry this label; agent B's filter keeps them out of its primary sync. */
const RELATED_LABEL = 'example.com/related-to';

describe('agent: related object from another APIExport (identityHash, two agents)', () => {
  let w: AgentWorld;
  let widgets: ProviderWorld;
  let agentB: AgentProcess | undefined;
  let identityHash: string;
  let widgetClaim: PermissionClaim;
  let cluster: string;
  const localName = `${sha3short('default')}-${sha3short('nightly')}`;

  beforeAll(async () => {
    // Export B first: its identity hash goes into agent A's PublishedResource.
    widgets = await createProvider(runKcp(), { org: 'agent-related-foreign-b', teams: [] });
    identityHash = await waitFor(
      async () =>
        (await widgets.admin.get(`${APIS}/apiexports/${widgets.exportName}`)).status?.identityHash as
          string | undefined,
      { description: `APIExport ${widgets.exportName} to get status.identityHash`, timeoutMs: 30_000 },
    );
    widgetClaim = { group: 'widgets.example.com', resource: 'widgets', identityHash };
    const widgetRelated = {
      group: 'widgets.example.com',
      version: 'v1',
      resource: 'widgets',
      identityHash,
    };
    const publishCronTabsA = publishCronTabs({
      related: [
        {
          identifier: 'input',
          origin: 'kcp',
          ...widgetRelated,
          // The watch resolves on the side serving widgets (the consumer workspace via
          // the claim), not in the endpoint-slice workspace, which does not serve them.
          watch: { byOwner: {} },
          object: { template: { template: '{{ .Object.metadata.name }}-input' } },
        },
        {
          identifier: 'output',
          origin: 'service',
          ...widgetRelated,
          object: { template: { template: '{{ .Object.metadata.name }}-output' } },
        },
      ],
    });
    publishCronTabsA.metadata.labels = { agent: 'a' };
    const publishWidgetsB: KubeObject = {
      apiVersion: 'syncagent.kcp.io/v1alpha1',
      kind: 'PublishedResource',
      metadata: { name: 'publish-widgets', labels: { agent: 'b' } },
      spec: {
        resource: { apiGroup: 'widgets.example.com', kind: 'Widget', versions: ['v1'] },
        filter: { resource: { matchExpressions: [{ key: RELATED_LABEL, operator: 'DoesNotExist' }] } },
      },
    };
    w = await startAgentWorld({
      name: 'agent-related-foreign',
      agentName: 'agent-a',
      provider: { teams: ['team-a'] },
      extraArgs: ['--published-resource-selector', 'agent=a'],
      manifests: [...readManifests(WIDGET_CRD), publishCronTabsA, publishWidgetsB],
      // The consumer workspace binds export B too (before agent A starts).
      prepareKcp: async (p) => {
        await bindExport(p.teamAdmin(0), widgets.orgPath, widgets.exportName, widgets.permissionClaims);
      },
    });
    cluster = w.provider.teamClusterNames[0]!;
    await waitForCrdEstablished(w.service.client, 'widgets.widgets.example.com');
    await widgets.virtualWorkspaceUrl();
    agentB = await startAgent({
      artifactsDir: w.artifactsDir,
      name: 'agent-b',
      args: standardAgentArgs({
        agentName: 'agent-b',
        endpointSliceName: widgets.endpointSliceName,
        serviceKubeconfig: w.service.kubeconfigPath,
        kcpKubeconfig: widgets.agentKubeconfigPath,
        extra: ['--published-resource-selector', 'agent=b'],
      }),
    });
  }, STEP);

  afterAll(async () => {
    await agentB?.stop();
    await w?.stop();
  }, STEP);

  it(
    'publishes each PublishedResource only through the agent whose selector matches; A claims B’s resource',
    async () => {
      const crontabSchema = await waitForSchemaName(w, 'publish-crontabs');
      const widgetSchema = await waitForSchemaName(w, 'publish-widgets');
      console.log(`schemas: crontabs ${crontabSchema}, widgets ${widgetSchema}`);
      const exportA = await waitFor(
        async () => {
          const e = await w.provider.admin.get(`${APIS}/apiexports/${w.provider.exportName}`);
          const claims = (e.spec.permissionClaims ?? []) as (PermissionClaim & { all?: boolean })[];
          const claimed = claims.some((c) => c.resource === 'widgets' && c.identityHash === identityHash);
          // The claims and the schema may land in separate updates.
          return claimed && (e.spec.latestResourceSchemas ?? []).length > 0 ? e : undefined;
        },
        {
          description: 'agent A to claim widgets (with identityHash) and publish its schema on export A',
          timeoutMs: 60_000,
        },
      );
      console.log(`export A claims: ${JSON.stringify(exportA.spec.permissionClaims)}`);
      expect(exportA.spec.latestResourceSchemas).toEqual([crontabSchema]);
      expect(exportA.spec.permissionClaims).toContainEqual({ ...widgetClaim, all: true });
      const exportB = await waitFor(
        async () => {
          const e = await widgets.admin.get(`${APIS}/apiexports/${widgets.exportName}`);
          return (e.spec.latestResourceSchemas ?? []).length > 0 ? e : undefined;
        },
        { description: 'agent B to publish the Widget schema into export B', timeoutMs: 60_000 },
      );
      expect(exportB.spec.latestResourceSchemas).toEqual([widgetSchema]);
      // Agent B has no related resources: it claims no foreign resource.
      expect((exportB.spec.permissionClaims as PermissionClaim[]).filter((c) => c.identityHash).length).toBe(
        0,
      );
      expect(exportA.metadata.annotations?.['syncagent.kcp.io/agent-name']).toBe('agent-a');
      expect(exportB.metadata.annotations?.['syncagent.kcp.io/agent-name']).toBe('agent-b');

      // kcp Event on the APIExport, cluster-scoped: in the org workspace's default namespace.
      const claimEvent = await waitFor(
        async () =>
          (await eventsFor(w.provider.admin, 'default', w.provider.exportName)).find(
            (e) => e.reason === 'AddingPermissionClaims',
          ),
        { description: 'the AddingPermissionClaims event on export A', timeoutMs: 30_000 },
      );
      expect(claimEvent.message).toBe('Added new permission claim(s) for all widgets.example.com/widgets.');
      // Each agent ignored the other's PublishedResource completely (not even a log line about it).
      expect(readFileSync(w.agent.logPath, 'utf8')).not.toContain('publish-widgets');
      expect(readFileSync(agentB!.logPath, 'utf8')).not.toContain('publish-crontabs');
    },
    STEP,
  );

  it(
    'syncs related Widgets of export B both ways; B syncs the consumer’s own Widgets',
    async () => {
      await waitForServed(w, 0, CRONTABS);
      await waitForServed(w, 0, WIDGETS);
      const kcp = w.provider.teamAdmin(0);
      const svc = w.service.client;
      const svcWidgets = `/apis/widgets.example.com/v1/namespaces/${cluster}/widgets`;

      // A consumer Widget of its own: a primary of agent B.
      await kcp.create(WIDGETS, {
        apiVersion: 'widgets.example.com/v1',
        kind: 'Widget',
        metadata: { name: 'direct', namespace: 'default' },
        spec: { color: 'blue', size: 1 },
      });
      // The kcp-origin related Widget of the CronTab (kept out of B's sync by its label).
      await kcp.create(WIDGETS, {
        apiVersion: 'widgets.example.com/v1',
        kind: 'Widget',
        metadata: { name: 'nightly-input', namespace: 'default', labels: { [RELATED_LABEL]: 'nightly' } },
        spec: { color: 'red', size: 2 },
      });
      const localCronTab = await createCronTabAndWaitForCopy(w, 'nightly');
      expect(localCronTab.metadata.labels?.['syncagent.kcp.io/agent-name']).toBe('agent-a');
      const directLocalName = `${sha3short('default')}-${sha3short('direct')}`;
      const directLocal = await waitFor(() => svc.getOrUndefined(`${svcWidgets}/${directLocalName}`), {
        description: 'agent B’s local copy of the consumer Widget "direct"',
        timeoutMs: 60_000,
      });
      expect(directLocal.metadata.labels?.['syncagent.kcp.io/agent-name']).toBe('agent-b');
      expect(directLocal.spec).toEqual({ color: 'blue', size: 1 });

      // The provider's operator writes a Widget next to the local CronTab (to go service → kcp).
      await svc.create(svcWidgets, {
        apiVersion: 'widgets.example.com/v1',
        kind: 'Widget',
        metadata: { name: `${localName}-output`, namespace: cluster, labels: { [RELATED_LABEL]: 'nightly' } },
        spec: { color: 'green', size: 3 },
      });

      // The consumer has not accepted A's claim on widgets yet: both related entries warn, naming
      // the identifier and the claim; the primary itself is synced regardless.
      for (const identifier of ['input', 'output']) {
        const warning = await waitFor(
          async () =>
            (await eventsFor(kcp, 'default', 'nightly')).find(
              (e) => e.type === 'Warning' && String(e.message).includes(`"${identifier}"`),
            ),
          { description: `a Warning event naming the unclaimed related "${identifier}"`, timeoutMs: 30_000 },
        );
        console.log(`before accepting the claim: ${warning.reason}: ${warning.message}`);
        expect(String(warning.message)).toContain('permission claim for widgets.example.com/widgets');
      }
      // The consumer accepts the claim; no edit of the primary is needed afterwards.
      const accepted = performance.now();
      await bindExport(kcp, w.provider.orgPath, w.provider.exportName, [
        ...w.provider.permissionClaims,
        widgetClaim,
      ]);

      // kcp → service: the related Widget lands next to the local CronTab; agent A holds a finalizer.
      const input = await waitFor(() => svc.getOrUndefined(`${svcWidgets}/${localName}-input`), {
        description: 'the kcp-origin related Widget on the service cluster',
        timeoutMs: 60_000,
      });
      expect(input.spec).toEqual({ color: 'red', size: 2 });
      const inputKcp = await kcp.get(`${WIDGETS}/nightly-input`);
      expect(inputKcp.metadata.finalizers).toEqual(['syncagent.kcp.io/cleanup']);

      // service → kcp, once the claim is accepted.
      const output = await waitFor(() => kcp.getOrUndefined(`${WIDGETS}/nightly-output`), {
        description: 'the service-origin related Widget in kcp',
        timeoutMs: 60_000,
      });
      expect(output.spec).toEqual({ color: 'green', size: 3 });
      console.log(
        `claim accepted -> both related Widgets synced: ${Math.round(performance.now() - accepted)} ms`,
      );
      expect(await waitForRelatedAnnotation(kcp, `${CRONTABS}/nightly`, 'output')).toBe(
        '{"namespace":"default","name":"nightly-output","apiVersion":"widgets.example.com/v1","kind":"Widget"}',
      );

      // Edits travel at once both ways (latency printed).
      let t0 = performance.now();
      await kcp.mergePatch(`${WIDGETS}/nightly-input`, { spec: { size: 20 } });
      await waitFor(
        async () => ((await svc.get(`${svcWidgets}/${localName}-input`)).spec.size === 20 ? true : undefined),
        {
          description: 'a kcp edit of the related Widget to reach the service cluster',
          timeoutMs: 30_000,
          intervalMs: 25,
        },
      );
      const down = Math.round(performance.now() - t0);
      t0 = performance.now();
      await svc.mergePatch(`${svcWidgets}/${localName}-output`, { spec: { size: 30 } });
      await waitFor(
        async () => ((await kcp.get(`${WIDGETS}/nightly-output`)).spec.size === 30 ? true : undefined),
        {
          description: 'a service edit of the related Widget to reach kcp',
          timeoutMs: 30_000,
          intervalMs: 25,
        },
      );
      const up = Math.round(performance.now() - t0);
      console.log(`related Widget edit latency: kcp -> service ${down} ms, service -> kcp ${up} ms`);

      // Agent B's filter kept the related Widgets out of its primary sync: on the service cluster
      // there are exactly B's copy of "direct" and the two related Widgets.
      const names = (await svc.list(svcWidgets)).items.map((o) => o.metadata.name).sort();
      expect(names).toEqual([directLocalName, `${localName}-input`, `${localName}-output`].sort());
    },
    STEP,
  );

  it(
    'on deletion of the CronTab deletes the local related Widget and releases the kcp original',
    async () => {
      const kcp = w.provider.teamAdmin(0);
      const svcWidgets = `/apis/widgets.example.com/v1/namespaces/${cluster}/widgets`;
      await kcp.delete(`${CRONTABS}/nightly`);
      await waitFor(async () => ((await kcp.getOrUndefined(`${CRONTABS}/nightly`)) ? undefined : true), {
        description: 'the kcp CronTab to be gone',
        timeoutMs: 60_000,
      });
      expect(await w.service.client.getOrUndefined(`${svcWidgets}/${localName}-input`)).toBeUndefined();
      expect((await kcp.get(`${WIDGETS}/nightly-input`)).metadata.finalizers ?? []).toEqual([]);
      // Agent B's primary is untouched.
      expect((await kcp.get(`${WIDGETS}/direct`)).metadata.finalizers).toEqual(['syncagent.kcp.io/cleanup']);
    },
    STEP,
  );
});
