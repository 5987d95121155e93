/**
 * The world the sync controller's unit tests run in: a fake kcp with bound consumer workspaces (and
 * their virtual workspace) beside a fake service cluster serving CronTabs, with the service-side
 * caches a sync controller reads, started and synced. One place builds it, so the controller tests
 * differ only in their PublishedResource and in what they assert.
 */
import type { PublishedResource } from '../../../apis/v1alpha1/types.js';
import { GVR_NAMESPACES, GVR_SECRETS } from '../../../kcp/resources.js';
import { FakeKcp } from '../../../kcp/testing/fake-kcp.js';
import type { VirtualWorkspaces } from '../../../kcp/virtual-workspaces.js';
import type { GVR } from '../../../runtime/client/paths.js';
import { RestClient } from '../../../runtime/client/rest.js';
import { EventRecorder } from '../../../runtime/events.js';
import { Informer } from '../../../runtime/informer.js';
import { silentLogger, type Logger } from '../../../runtime/log.js';
import { testRestConfig } from '../../../runtime/testing/config.js';
import { FakeObjectServer, type ServedResource } from '../../../runtime/testing/fake-multi.js';
import { LOCAL_COPY_INDEX, localCopyIndex, SyncReconciler, type SyncControllerDeps } from '../controller.js';
import { StateStore } from '../state-store.js';
import type { SyncType } from '../sync-types.js';

export const CRONTABS: GVR = { group: 'example.com', version: 'v1', resource: 'crontabs' };
export const CRONTAB_RESOURCE: ServedResource = {
  ...CRONTABS,
  kind: 'CronTab',
  namespaced: true,
  status: true,
};
export const CRONTAB: SyncType = {
  gvr: CRONTABS,
  apiVersion: 'example.com/v1',
  kind: 'CronTab',
  namespaced: true,
  subresources: ['status'],
};
/** The agent's namespace on the service cluster (state Secrets). */
export const AGENT_NS = 'agent-ns';

/** A core/v1 resource as the fake servers serve it. */
export function coreResource(resource: string, kind: string, namespaced: boolean): ServedResource {
  return { group: '', version: 'v1', resource, kind, namespaced };
}

export const NAMESPACES = coreResource('namespaces', 'Namespace', false);
export const SECRETS = coreResource('secrets', 'Secret', true);
export const EVENTS = coreResource('events', 'Event', true);

export interface SyncWorldOptions {
  /** Consumer workspaces bound to the export and engaged (default: ws1). */
  workspaces?: string[];
  /** What kcp serves besides CronTabs. */
  kcpServes?: ServedResource[];
  /** What the service cluster serves besides CronTabs (default: namespaces and Secrets). */
  serviceServes?: ServedResource[];
}

export type SyncWorld = Awaited<ReturnType<typeof startSyncWorld>>;

export async function startSyncWorld(opts: SyncWorldOptions = {}) {
  const workspaces = opts.workspaces ?? ['ws1'];
  const kcp = new FakeKcp({ serve: [CRONTAB_RESOURCE, ...(opts.kcpServes ?? [])] });
  await kcp.start();
  await kcp.publishSlice();
  for (const ws of workspaces) await kcp.bind(ws);
  const service = new FakeObjectServer().serve(
    CRONTAB_RESOURCE,
    ...(opts.serviceServes ?? [NAMESPACES, SECRETS]),
  );
  await service.start();
  const localClient = new RestClient(testRestConfig(service.url));
  const vw: VirtualWorkspaces = await kcp.virtualWorkspaces(workspaces);
  const log: Logger = silentLogger();
  const localObjects = new Informer({
    client: localClient,
    gvr: CRONTABS,
    indexers: { [LOCAL_COPY_INDEX]: localCopyIndex },
  });
  const localNamespaces = new Informer({ client: localClient, gvr: GVR_NAMESPACES });
  const stateSecrets = new Informer({ client: localClient, gvr: GVR_SECRETS, namespace: AGENT_NS });
  const informers = [localObjects, localNamespaces, stateSecrets];
  for (const i of informers) i.start();
  await Promise.all(informers.map((i) => i.waitForSync()));

  /** A sync controller of the given PublishedResource spec for CronTabs, in this world. */
  const syncReconciler = (spec: Record<string, unknown>, extra: Partial<SyncControllerDeps> = {}) =>
    new SyncReconciler({
      pr: crontabPublishedResource(spec),
      types: { local: CRONTAB, remote: CRONTAB },
      agentName: 'agent',
      localClient,
      localObjects,
      localNamespaces,
      state: new StateStore(localClient, AGENT_NS, stateSecrets),
      vw,
      recorder: new EventRecorder({ component: 'agent', log }),
      log,
      ...extra,
    });

  /** Stops the caches, the virtual workspace and both servers (stop the controllers first). */
  const stop = async () => {
    await Promise.all(informers.map((i) => i.stop()));
    await vw.stop();
    localClient.close();
    await kcp.stop();
    await service.stop();
  };
  return {
    kcp,
    service,
    localClient,
    vw,
    log,
    localObjects,
    localNamespaces,
    stateSecrets,
    syncReconciler,
    stop,
  };
}

/** The PublishedResource "crontabs" with the given spec fields beside its resource. */
export function crontabPublishedResource(spec: Record<string, unknown>): PublishedResource {
  return {
    apiVersion: 'syncagent.kcp.io/v1alpha1',
    kind: 'PublishedResource',
    metadata: { name: 'crontabs', uid: 'pr-uid', generation: 1 },
    spec: { resource: { apiGroup: 'example.com', version: 'v1', kind: 'CronTab' }, ...spec },
  } as unknown as PublishedResource;
}
