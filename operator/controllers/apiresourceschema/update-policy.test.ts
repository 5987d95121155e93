// The apiresourceschema controller with spec.schemaUpdatePolicy against a fake kcp (APIResourceSchemas
// in the export workspace) and a fake service cluster (CRD, PublishedResource, events), run by a Manager
// like in the agent: the CRD is changed compatibly and breakingly, and the test looks at which schema
// the PublishedResource's status names, which schemas exist in kcp, the condition and the events.
import type { PublishedResource } from '../../apis/v1alpha1/types.js';
import { crontabCRD } from '../../engine/schema/testing/crontab-crd.js';
import { GVR_CRDS } from '../../kcp/resources.js';
import { FakeKcp } from '../../kcp/testing/fake-kcp.js';
import { RestClient } from '../../runtime/client/rest.js';
import { EventRecorder } from '../../runtime/events.js';
import { silentLogger } from '../../runtime/log.js';
import { Manager } from '../../runtime/manager.js';
import { testRestConfig } from '../../runtime/testing/config.js';
import { FakeObjectServer } from '../../runtime/testing/fake-multi.js';
import { waitUntil } from '../../runtime/testing/wait.js';
import { GVR_PUBLISHED_RESOURCES } from '../published-resources.js';
import { APIResourceSchemaReconciler } from './controller.js';

type Obj = Record<string, any>;

/** The CronTab CRD whose v1 spec has the given properties. */
const crd = (specProps: Obj, resourceVersion?: string) =>
  crontabCRD({ specProps, ...(resourceVersion ? { metadata: { resourceVersion } } : {}) });

const V1_FIELDS = { cronSpec: { type: 'string' }, image: { type: 'string' } };

async function environment() {
  const kcp = new FakeKcp();
  await kcp.start();
  const service = new FakeObjectServer().serve(
    {
      group: 'example.com',
      version: 'v1',
      resource: 'crontabs',
      kind: 'CronTab',
      namespaced: true,
      status: true,
    },
    { ...GVR_PUBLISHED_RESOURCES, kind: 'PublishedResource', namespaced: false, status: true },
    { ...GVR_CRDS, kind: 'CustomResourceDefinition', namespaced: false },
    { group: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true },
  );
  await service.start();
  const localClient = new RestClient(testRestConfig(service.url));
  await localClient.create(GVR_CRDS, crd(V1_FIELDS));
  const log = silentLogger();
  const manager = new Manager({ client: localClient, log });
  const publishedResources = manager.informer<PublishedResource>({ gvr: GVR_PUBLISHED_RESOURCES });
  const crds = manager.informer({ gvr: GVR_CRDS });
  new APIResourceSchemaReconciler({
    agentName: 'agent',
    localClient,
    exportClient: kcp.workspaceClient(),
    publishedResources,
    crds,
    recorder: new EventRecorder({ component: 'agent', log }),
    log,
  }).setupWithManager(manager);
  const running = manager.start();

  const pr = () =>
    service.get('/apis/syncagent.kcp.io/v1alpha1/publishedresources/crontabs') as Obj | undefined;
  const schemaName = () => pr()?.status?.resourceSchemaName as string | undefined;
  const held = () =>
    ((pr()?.status?.conditions ?? []) as Obj[]).find((c) => c.type === 'SchemaChangeHeld') as Obj | undefined;
  const schemas = () =>
    kcp.server
      .list('/clusters/root/apis/apis.kcp.io/v1alpha1/apiresourceschemas/')
      .map((s) => s.metadata.name);
  const events = () =>
    service.list('/api/v1/namespaces/default/events/').filter((e) => e.reason === 'SchemaChangeHeld');
  const changeCRD = async (specProps: Obj) => {
    const current = await localClient.get(GVR_CRDS, 'crontabs.example.com');
    await localClient.update(GVR_CRDS, crd(specProps, current.metadata?.resourceVersion));
  };
  const setPolicy = (policy: string) =>
    localClient.patch(GVR_PUBLISHED_RESOURCES, 'crontabs', { spec: { schemaUpdatePolicy: policy } }, 'merge');
  /** Creates the PublishedResource and waits for its first schema. */
  const create = async (policy?: string) => {
    await localClient.create(GVR_PUBLISHED_RESOURCES, {
      apiVersion: 'syncagent.kcp.io/v1alpha1',
      kind: 'PublishedResource',
      metadata: { name: 'crontabs' },
      spec: {
        resource: { apiGroup: 'example.com', version: 'v1', kind: 'CronTab' },
        projection: { group: 'kcp.example.com' },
        ...(policy ? { schemaUpdatePolicy: policy } : {}),
      },
    });
    await waitUntil(() => schemaName() !== undefined, 'the first schema');
    return schemaName()!;
  };
  const stop = async () => {
    await manager.stop();
    await running;
    localClient.close();
    await kcp.stop();
    await service.stop();
  };
  return { create, changeCRD, setPolicy, schemaName, held, schemas, events, stop };
}

describe('apiresourceschema controller: schemaUpdatePolicy', () => {
  let env: Awaited<ReturnType<typeof environment>>;
  beforeEach(async () => {
    env = await environment();
  });
  afterEach(() => env.stop());

  it('publishes compatible changes, holds breaking ones under CompatibleOnly, and releases on revert', async () => {
    const first = await env.create('CompatibleOnly');

    await env.changeCRD({ ...V1_FIELDS, note: { type: 'string' } });
    await waitUntil(() => env.schemaName() !== first, 'the compatible schema published');
    const compatible = env.schemaName()!;
    expect(env.held()).toBeUndefined();

    await env.changeCRD({ cronSpec: { type: 'integer' }, note: { type: 'string' } });
    await waitUntil(() => env.held()?.status === 'True', 'SchemaChangeHeld=True');
    expect(env.schemaName()).toBe(compatible);
    expect(env.held()).toMatchObject({ reason: 'BreakingSchemaChange' });
    expect(env.held()!.message).toContain('versions[v1].spec.cronSpec: type changed from string to integer');
    expect(env.held()!.message).toContain('versions[v1].spec.image: field removed');
    // The held schema is not even created: the APIExport could not list it by mistake.
    expect(env.schemas().sort()).toEqual([first, compatible].sort());
    await waitUntil(() => env.events().length === 1, 'the Warning event');
    expect(env.events()[0]).toMatchObject({ type: 'Warning', involvedObject: { name: 'crontabs' } });

    await env.changeCRD({ ...V1_FIELDS, note: { type: 'string' } });
    await waitUntil(() => env.held()?.status === 'False', 'SchemaChangeHeld=False after the revert');
    expect(env.held()).toMatchObject({ reason: 'NoChangeHeld' });
    expect(env.schemaName()).toBe(compatible);
  });

  it('publishes a held change once the policy allows it', async () => {
    const first = await env.create('Never');
    await env.changeCRD({ ...V1_FIELDS, note: { type: 'string' } });
    await waitUntil(() => env.held()?.status === 'True', 'SchemaChangeHeld=True under Never');
    expect(env.held()).toMatchObject({ reason: 'SchemaUpdatesDisabled' });
    expect(env.schemaName()).toBe(first);

    await env.setPolicy('CompatibleOnly');
    await waitUntil(() => env.held()?.status === 'False', 'the compatible change published');
    expect(env.schemaName()).not.toBe(first);
  });

  it('changes nothing without a policy: a breaking change is published at once', async () => {
    const first = await env.create();
    await env.changeCRD({ cronSpec: { type: 'string' } });
    await waitUntil(() => env.schemaName() !== first, 'the breaking schema published');
    expect(env.held()).toBeUndefined();
    expect(env.events()).toEqual([]);
  });

  it('treats an unknown policy (past the CRD enum) like the default', async () => {
    const first = await env.create('Sometimes');
    await env.changeCRD({ cronSpec: { type: 'string' } });
    await waitUntil(() => env.schemaName() !== first, 'the breaking schema published');
    expect(env.held()).toBeUndefined();
  });
});
