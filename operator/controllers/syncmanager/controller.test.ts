// The syncmanager against a fake kcp and service cluster, run by a Manager like in the agent: a
// PublishedResource with a schema starts its sync controller (which then syncs objects), a spec
// change restarts it, and disabling or deleting the PublishedResource stops it. Assertions look at the
// objects the servers hold and at which controllers run.
import { crontabCRD } from '../../engine/schema/testing/crontab-crd.js';
import { GVR_CRDS, GVR_SECRETS } from '../../kcp/resources.js';
import { FakeKcp } from '../../kcp/testing/fake-kcp.js';
import type { GVR } from '../../runtime/client/paths.js';
import { RestClient } from '../../runtime/client/rest.js';
import { EventRecorder } from '../../runtime/events.js';
import { silentLogger } from '../../runtime/log.js';
import { Manager } from '../../runtime/manager.js';
import { testRestConfig } from '../../runtime/testing/config.js';
import { FakeObjectServer, type ServedResource } from '../../runtime/testing/fake-multi.js';
import { waitUntil } from '../../runtime/testing/wait.js';
import type { PublishedResource } from '../../apis/v1alpha1/types.js';
import { GVR_PUBLISHED_RESOURCES } from '../published-resources.js';
import { StateStore } from '../sync/state-store.js';
import { SyncManager } from './controller.js';

type Obj = Record<string, any>;

const CRONTABS: GVR = { group: 'example.com', version: 'v1', resource: 'crontabs' };
const CRONTAB_RESOURCE: ServedResource = { ...CRONTABS, kind: 'CronTab', namespaced: true, status: true };
/** The servers and a running Manager with the SyncManager; the one place that constructs it. */
async function environment() {
  const kcp = new FakeKcp({ serve: [CRONTAB_RESOURCE] });
  await kcp.start();
  await kcp.publishSlice();
  await kcp.bind('ws1');
  const service = new FakeObjectServer().serve(
    CRONTAB_RESOURCE,
    { ...GVR_PUBLISHED_RESOURCES, kind: 'PublishedResource', namespaced: false, status: true },
    { ...GVR_CRDS, kind: 'CustomResourceDefinition', namespaced: false },
    { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false },
    { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true },
    { group: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true },
  );
  await service.start();
  const localClient = new RestClient(testRestConfig(service.url));
  await localClient.create(GVR_CRDS, crontabCRD());
  const vw = await kcp.virtualWorkspaces(['ws1']);
  const log = silentLogger();
  const manager = new Manager({ client: localClient, log });
  const publishedResources = manager.informer<PublishedResource>({ gvr: GVR_PUBLISHED_RESOURCES });
  const stateSecrets = manager.informer({ gvr: GVR_SECRETS, namespace: 'agent-ns' });
  const syncManager = new SyncManager({
    agentName: 'agent',
    manager,
    localClient,
    publishedResources,
    state: new StateStore(localClient, 'agent-ns', stateSecrets),
    vw,
    recorder: new EventRecorder({ component: 'agent', log }),
    log,
  });
  syncManager.setupWithManager(manager);
  manager.add({ start: () => undefined, stop: () => syncManager.stopAll() });
  const running = manager.start();

  const pr = () => service.get('/apis/syncagent.kcp.io/v1alpha1/publishedresources/crontabs');
  /** A PublishedResource whose schema the apiresourceschema controller has published already. */
  const publish = async (spec: Obj = {}) => {
    const created = await localClient.create(GVR_PUBLISHED_RESOURCES, {
      apiVersion: 'syncagent.kcp.io/v1alpha1',
      kind: 'PublishedResource',
      metadata: { name: 'crontabs' },
      spec: {
        resource: { apiGroup: 'example.com', version: 'v1', kind: 'CronTab' },
        naming: { namespace: '{{ .ClusterName }}', name: '{{ .Object.metadata.name }}' },
        ...spec,
      },
    });
    await localClient.updateStatus(GVR_PUBLISHED_RESOURCES, {
      ...created,
      status: { resourceSchemaName: 'v1.crontabs.example.com' },
    });
  };
  const consumer = kcp.consumer('ws1');
  const createPrimary = (name: string) =>
    consumer.create(CRONTABS, {
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      metadata: { name, namespace: 'default' },
      spec: { cronSpec: '* * * * *' },
    });
  const copy = (name: string) => service.get(`/apis/example.com/v1/namespaces/ws1/crontabs/${name}`);
  const syncing = () =>
    ((pr()?.status?.conditions ?? []) as Obj[]).find((c) => c.type === 'Syncing') as Obj | undefined;
  const stop = async () => {
    await manager.stop();
    await running;
    await vw.stop();
    localClient.close();
    await kcp.stop();
    await service.stop();
  };
  /** Names of the registered controllers that run. */
  const controllers = () =>
    manager
      .describeControllers()
      .filter((c) => c.running)
      .map((c) => c.name);
  return { localClient, syncManager, pr, publish, createPrimary, copy, syncing, controllers, stop };
}

describe('SyncManager', () => {
  let env: Awaited<ReturnType<typeof environment>>;
  beforeEach(async () => {
    env = await environment();
  });
  afterEach(() => env.stop());

  it('starts a sync controller for a published PublishedResource, which syncs objects', async () => {
    await env.publish();
    await waitUntil(() => env.syncing()?.status === 'True', 'Syncing=True');
    expect(env.syncManager.runningFor()).toEqual(['crontabs']);
    expect(env.syncing()?.message).toBe('Synchronizing CronTab objects from kcp.');
    await env.createPrimary('nightly');
    await waitUntil(() => env.copy('nightly') !== undefined, 'the copy of the kcp object');
    expect(env.copy('nightly')?.spec).toEqual({ cronSpec: '* * * * *' });
  });

  it('restarts it when the spec changes and stops it when synchronization is disabled', async () => {
    await env.publish();
    await waitUntil(() => env.syncManager.runningFor().length === 1, 'the sync controller');
    // A new naming rule applies to new objects once the controller was restarted with it.
    // (merge patches, like kubectl: the syncmanager writes the status meanwhile)
    const specPatch = (spec: Obj) =>
      env.localClient.patch(GVR_PUBLISHED_RESOURCES, 'crontabs', { spec }, 'merge');
    await specPatch({ naming: { name: 'renamed-{{ .Object.metadata.name }}' } });
    await waitUntil(
      () => env.syncing()?.status === 'True' && env.syncing()?.observedGeneration === 2,
      'the restart for generation 2',
    );
    await env.createPrimary('weekly');
    await waitUntil(() => env.copy('renamed-weekly') !== undefined, 'a copy named by the new rule');
    expect(env.copy('weekly')).toBeUndefined();

    await specPatch({ synchronization: { enabled: false } });
    await waitUntil(() => env.syncManager.runningFor().length === 0, 'the sync controller to stop');
    await env.createPrimary('monthly');
    await new Promise((r) => setTimeout(r, 200));
    expect(env.copy('renamed-monthly')).toBeUndefined();
  });

  it('runs an event mirror beside the sync controller only while spec.events.mirror is on', async () => {
    await env.publish();
    await waitUntil(() => env.controllers().includes('syncagent-sync/crontabs'), 'the sync controller');
    expect(env.controllers()).not.toContain('syncagent-events/crontabs');
    const specPatch = (spec: Obj) =>
      env.localClient.patch(GVR_PUBLISHED_RESOURCES, 'crontabs', { spec }, 'merge');
    await specPatch({ events: { mirror: true, allow: [{ type: 'Warning' }] } });
    await waitUntil(() => env.controllers().includes('syncagent-events/crontabs'), 'the event mirror');
    await specPatch({ events: { mirror: false } });
    await waitUntil(
      () => env.syncing()?.observedGeneration === 3 && env.controllers().includes('syncagent-sync/crontabs'),
      'the restart for generation 3',
    );
    expect(env.controllers()).not.toContain('syncagent-events/crontabs');
  });

  it('stops the sync controller when the PublishedResource is deleted', async () => {
    await env.publish();
    await waitUntil(() => env.syncManager.runningFor().length === 1, 'the sync controller');
    await env.localClient.delete(GVR_PUBLISHED_RESOURCES, 'crontabs');
    await waitUntil(() => env.syncManager.runningFor().length === 0, 'the sync controller to stop');
  });
});
