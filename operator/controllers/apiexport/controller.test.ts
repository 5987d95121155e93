// The apiexport controller against a fake kcp (the APIExport in its workspace) and a fake service
// cluster (PublishedResources): driven by its informers and queue like in the agent, asserting on the
// APIExport and the PublishedResources' status afterwards.
import type { PublishedResource } from '../../apis/v1alpha1/types.js';
import { GVR_APIEXPORTS } from '../../kcp/resources.js';
import { FakeKcp } from '../../kcp/testing/fake-kcp.js';
import { RestClient } from '../../runtime/client/rest.js';
import type { KubeObject } from '../../runtime/client/types.js';
import type { Controller } from '../../runtime/controller.js';
import { EventRecorder } from '../../runtime/events.js';
import { Informer } from '../../runtime/informer.js';
import { silentLogger } from '../../runtime/log.js';
import { testRestConfig } from '../../runtime/testing/config.js';
import { FakeObjectServer } from '../../runtime/testing/fake-multi.js';
import { waitUntil } from '../../runtime/testing/wait.js';
import { GVR_PUBLISHED_RESOURCES } from '../published-resources.js';
import { clusterOf } from '../../kcp/cluster.js';
import { Manager } from '../../runtime/manager.js';
import { APIExportReconciler } from './controller.js';

type Obj = Record<string, any>;

const PR_RESOURCE = {
  ...GVR_PUBLISHED_RESOURCES,
  kind: 'PublishedResource',
  namespaced: false,
  status: true,
};

/** A PublishedResource (its schema name goes into the status, see publish()). */
const publishedResource = (name: string, related: unknown[]): KubeObject => ({
  apiVersion: 'syncagent.kcp.io/v1alpha1',
  kind: 'PublishedResource',
  metadata: { name },
  spec: { resource: { apiGroup: 'example.com', version: 'v1', kind: 'CronTab' }, related },
});

/** The servers and a started controller; the one place that constructs it. */
async function environment() {
  const kcp = new FakeKcp();
  await kcp.start();
  const exportClient = kcp.workspaceClient();
  await exportClient.create(GVR_APIEXPORTS, {
    apiVersion: 'apis.kcp.io/v1alpha1',
    kind: 'APIExport',
    metadata: { name: 'export' },
    spec: {},
  });
  const service = new FakeObjectServer().serve(PR_RESOURCE);
  await service.start();
  const localClient = new RestClient(testRestConfig(service.url));
  const log = silentLogger();
  const apiExports = new Informer({
    client: exportClient,
    gvr: GVR_APIEXPORTS,
    fieldSelector: 'metadata.name=export',
    clusterOf, // as the agent wires it: kcp objects are cached under their logical cluster
  });
  const publishedResources = new Informer<PublishedResource>({ client: localClient, gvr: GVR_PUBLISHED_RESOURCES });
  // Registered through the builder on a manager that is not started: the test starts the controller.
  const controller: Controller = new APIExportReconciler({
    agentName: 'agent',
    exportName: 'export',
    exportCluster: kcp.workspace,
    localClient,
    exportClient,
    apiExports,
    publishedResources,
    recorder: new EventRecorder({ component: 'agent', log }),
    log,
  }).setupWithManager(new Manager({ client: localClient, log }));
  for (const i of [apiExports, publishedResources]) i.start();
  await Promise.all([apiExports.waitForSync(), publishedResources.waitForSync()]);
  controller.start();
  const apiExport = () => kcp.server.get('/clusters/root/apis/apis.kcp.io/v1alpha1/apiexports/export');
  const pr = (name: string) =>
    service.get(`/apis/syncagent.kcp.io/v1alpha1/publishedresources/${name}`) as
      PublishedResource | undefined;
  /** Creates a PublishedResource with its schema name in the status, like the schema controller does. */
  const publish = async (name: string, schema: string, related: unknown[] = []) => {
    const created = await localClient.create(GVR_PUBLISHED_RESOURCES, publishedResource(name, related));
    await localClient.updateStatus(GVR_PUBLISHED_RESOURCES, {
      ...created,
      status: { resourceSchemaName: schema },
    });
  };
  const condition = (name: string, type: string) =>
    ((pr(name)?.status as Obj | undefined)?.conditions ?? []).find((c: Obj) => c.type === type);
  const stop = async () => {
    await controller.stop();
    await Promise.all([apiExports.stop(), publishedResources.stop()]);
    localClient.close();
    await kcp.stop();
    await service.stop();
  };
  return { kcp, service, apiExport, pr, publish, condition, stop };
}

describe('apiexport controller', () => {
  let env: Awaited<ReturnType<typeof environment>>;
  beforeEach(async () => {
    env = await environment();
  });
  afterEach(() => env.stop());

  it('lists the schemas and the claims of the related resources, and marks the schemas published', async () => {
    await env.publish('crontabs', 'v1.crontabs.example.com', [
      { identifier: 'creds', origin: 'kcp', kind: 'Secret', object: { template: { template: 'x' } } },
    ]);
    await waitUntil(
      () => env.condition('crontabs', 'SchemaPublished')?.status === 'True',
      'SchemaPublished on the PublishedResource',
    );
    const exp = env.apiExport()!;
    expect(exp.spec.latestResourceSchemas).toEqual(['v1.crontabs.example.com']);
    // The agent's own claims (events, namespaces) plus the related Secrets.
    expect(exp.spec.permissionClaims.map((c: Obj) => c.resource).sort()).toEqual([
      'events',
      'namespaces',
      'secrets',
    ]);
    expect(exp.metadata.annotations).toMatchObject({ 'syncagent.kcp.io/agent-name': 'agent' });
    expect(env.condition('crontabs', 'SchemaPublished')?.message).toBe(
      'APIResourceSchema v1.crontabs.example.com is published in APIExport export.',
    );

    // A second PublishedResource adds its schema; the first one stays.
    await env.publish('backups', 'v1.backups.example.com');
    await waitUntil(
      () => env.apiExport()?.spec.latestResourceSchemas?.length === 2,
      'the second schema in the APIExport',
    );
    expect([...env.apiExport()!.spec.latestResourceSchemas].sort()).toEqual([
      'v1.backups.example.com',
      'v1.crontabs.example.com',
    ]);
    const events = env.kcp.server.list('/clusters/root/api/v1/namespaces/default/events/');
    expect(events.map((e) => e.reason)).toContain('AddingResourceSchemas');
  });

  it('leaves out a claim kcp would reject and reports it on its PublishedResource', async () => {
    await env.publish('crontabs', 'v1.crontabs.example.com', [
      {
        identifier: 'backup',
        origin: 'kcp',
        group: 'backup.example.com',
        version: 'v1',
        resource: 'backups',
        object: { template: { template: 'x' } },
      },
    ]);
    await waitUntil(
      () => env.condition('crontabs', 'PermissionClaimsValid')?.status === 'False',
      'PermissionClaimsValid=False',
    );
    await waitUntil(() => env.apiExport()?.spec.latestResourceSchemas?.length === 1, 'the schema');
    expect(env.apiExport()?.spec.permissionClaims.map((c: Obj) => c.resource)).not.toContain('backups');
    expect(env.condition('crontabs', 'PermissionClaimsValid')?.message).toContain('backup.example.com');
  });
});
