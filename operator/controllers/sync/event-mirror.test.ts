// The event mirror of one PublishedResource against a fake service cluster (copies and their events)
// and a fake kcp with two consumer workspaces holding objects of the same name: every assertion looks
// at the Events the consumer workspaces hold afterwards.
import type { PublishedResource } from '../../apis/v1alpha1/types.js';
import {
  ANNOTATION_REMOTE_NAME,
  ANNOTATION_REMOTE_NAMESPACE,
  LABEL_AGENT_NAME,
  LABEL_REMOTE_CLUSTER,
} from '../../engine/sync/keys.js';
import { FakeKcp } from '../../kcp/testing/fake-kcp.js';
import type { VirtualWorkspaces } from '../../kcp/virtual-workspaces.js';
import type { GVR } from '../../runtime/client/paths.js';
import { RestClient } from '../../runtime/client/rest.js';
import type { KubeObject } from '../../runtime/client/types.js';
import { eventGVR, EventRecorder } from '../../runtime/events.js';
import { Informer } from '../../runtime/informer.js';
import { silentLogger } from '../../runtime/log.js';
import { Manager } from '../../runtime/manager.js';
import { testRestConfig } from '../../runtime/testing/config.js';
import { FakeObjectServer, type ServedResource } from '../../runtime/testing/fake-multi.js';
import { waitUntil } from '../../runtime/testing/wait.js';
import { EventMirrorReconciler, eventInformerOptions } from './event-mirror.js';
import type { SyncType } from './sync-types.js';

type Obj = Record<string, any>;

const CRONTABS: GVR = { group: 'example.com', version: 'v1', resource: 'crontabs' };
const CRONTAB_RESOURCE: ServedResource = { ...CRONTABS, kind: 'CronTab', namespaced: true, status: true };
const CRONTAB: SyncType = {
  gvr: CRONTABS,
  apiVersion: 'example.com/v1',
  kind: 'CronTab',
  namespaced: true,
  subresources: ['status'],
};
const EVENTS: ServedResource = {
  group: '',
  version: 'v1',
  resource: 'events',
  kind: 'Event',
  namespaced: true,
};
const log = silentLogger();

async function environment(burst = 25) {
  const kcp = new FakeKcp({ serve: [CRONTAB_RESOURCE, EVENTS] });
  await kcp.start();
  await kcp.publishSlice();
  await kcp.bind('ws1');
  await kcp.bind('ws2');
  const service = new FakeObjectServer().serve(CRONTAB_RESOURCE, EVENTS);
  await service.start();
  const localClient = new RestClient(testRestConfig(service.url));
  const vw: VirtualWorkspaces = await kcp.virtualWorkspaces(['ws1', 'ws2']);
  const localObjects = new Informer({ client: localClient, gvr: CRONTABS });
  const events = new Informer({
    client: localClient,
    ...eventInformerOptions({ local: CRONTAB, remote: CRONTAB }),
  });
  for (const i of [localObjects, events]) i.start();
  await Promise.all([localObjects.waitForSync(), events.waitForSync()]);

  // The same object name in two workspaces: each has its own copy on the service cluster.
  const kcpObjects = new Map<string, KubeObject>();
  for (const ws of ['ws1', 'ws2']) {
    const o = await kcp.consumer(ws).create(CRONTABS, {
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'nightly', namespace: 'default' },
    });
    kcpObjects.set(`${ws}/default/nightly`, o);
  }
  const makeLocal = (namespace: string, labels: Obj, annotations: Obj): Promise<KubeObject> =>
    localClient.create(
      CRONTABS,
      {
        apiVersion: 'example.com/v1',
        kind: 'CronTab',
        metadata: { name: 'nightly', namespace, labels, annotations },
      },
      { namespace },
    );
  const identity = (ws: string) => ({
    labels: { [LABEL_AGENT_NAME]: 'agent', [LABEL_REMOTE_CLUSTER]: ws },
    annotations: { [ANNOTATION_REMOTE_NAME]: 'nightly', [ANNOTATION_REMOTE_NAMESPACE]: 'default' },
  });
  const copy1 = await makeLocal('ws1', identity('ws1').labels, identity('ws1').annotations);
  const copy2 = await makeLocal('ws2', identity('ws2').labels, identity('ws2').annotations);
  // The provider's own object, not made by the agent.
  const unrelated = await makeLocal('provider', {}, {});
  await waitUntil(() => localObjects.reader.list().length === 3, 'the local cache');

  const pr = {
    metadata: { name: 'crontabs', uid: 'pr-uid', generation: 1 },
    spec: {
      resource: { apiGroup: 'example.com', version: 'v1', kind: 'CronTab' },
      events: { mirror: true, allow: [{ type: 'Warning' }, { type: 'Normal', reason: 'Scheduled' }] },
    },
  } as unknown as PublishedResource;
  const mirror = new EventMirrorReconciler({
    pr,
    types: { local: CRONTAB, remote: CRONTAB },
    agentName: 'agent',
    events,
    localObjects,
    vw,
    kcpObject: (c, ns, n) => kcpObjects.get(`${c}/${ns}/${n}`),
    recorder: new EventRecorder({ component: 'agent', log }),
    log,
    limits: { burst, refillMs: 3_600_000, maxKeys: 100 },
  });

  let seq = 0;
  /** Writes an Event on the service cluster, as the provider's operator would, and reconciles it. */
  const providerEvent = async (
    about: KubeObject,
    type: string,
    reason: string,
    message: string,
    uid?: string,
  ) => {
    const ns = about.metadata!.namespace!;
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const ev = await localClient.create(
      eventGVR,
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `nightly.${++seq}`, namespace: ns },
        involvedObject: {
          apiVersion: 'example.com/v1',
          kind: 'CronTab',
          namespace: ns,
          name: about.metadata!.name,
          uid: uid ?? about.metadata!.uid,
        },
        type,
        reason,
        message,
        count: 1,
        source: { component: 'crontab-operator' },
        firstTimestamp: now,
        lastTimestamp: now,
      },
      { namespace: ns },
    );
    await reconcileEvent(ev);
    return ev;
  };
  const reconcileEvent = async (ev: KubeObject) => {
    const req = { cluster: '', namespace: ev.metadata!.namespace!, name: ev.metadata!.name! };
    await waitUntil(
      () =>
        events.reader.get('', req.namespace, req.name)?.metadata?.resourceVersion ===
        ev.metadata?.resourceVersion,
      'the event cache',
    );
    await mirror.reconcile(req, { signal: new AbortController().signal, log });
  };
  const consumerEvents = async (ws: string): Promise<Obj[]> =>
    (await kcp.consumer(ws).list(eventGVR, { namespace: 'default' })).items as Obj[];
  const stop = async () => {
    await Promise.all([localObjects.stop(), events.stop()]);
    await vw.stop();
    localClient.close();
    await kcp.stop();
    await service.stop();
  };
  return {
    localClient,
    mirror,
    copy1,
    copy2,
    unrelated,
    providerEvent,
    reconcileEvent,
    consumerEvents,
    stop,
  };
}

describe('EventMirrorReconciler', () => {
  it('mirrors allowed events of a copy to its own workspace only, with the provider prefix', async () => {
    const env = await environment();
    try {
      await env.providerEvent(env.copy1, 'Warning', 'BackOff', 'Back-off restarting job');
      await env.providerEvent(env.copy1, 'Normal', 'Pulled', 'Image pulled'); // not allowed
      await env.providerEvent(env.copy1, 'Normal', 'Scheduled', 'Next run at 02:00');
      const ws1 = await env.consumerEvents('ws1');
      expect(ws1.map((e) => [e.type, e.reason, e.message]).sort()).toEqual([
        ['Normal', 'Scheduled', '[provider crontab-operator] Next run at 02:00'],
        ['Warning', 'BackOff', '[provider crontab-operator] Back-off restarting job'],
      ]);
      expect(
        ws1.every((e) => e.involvedObject.name === 'nightly' && e.involvedObject.namespace === 'default'),
      ).toBe(true);
      // The workspace with an object of the same name gets none of them.
      expect(await env.consumerEvents('ws2')).toEqual([]);
    } finally {
      await env.stop();
    }
  });

  it('never mirrors events of objects the agent did not make or that name another copy by its UID', async () => {
    const env = await environment();
    try {
      await env.providerEvent(env.unrelated, 'Warning', 'Failed', 'provider-internal');
      // An event naming ws1's copy by namespace/name but carrying ws2's copy UID: no copy has both.
      await env.providerEvent(env.copy1, 'Warning', 'Failed', 'forged', env.copy2.metadata!.uid);
      await env.providerEvent(env.copy2, 'Warning', 'Failed', 'for ws2');
      expect(await env.consumerEvents('ws1')).toEqual([]);
      expect((await env.consumerEvents('ws2')).map((e) => e.message)).toEqual([
        '[provider crontab-operator] for ws2',
      ]);
    } finally {
      await env.stop();
    }
  });

  it('aggregates a repeat into a count and rate-limits per object', async () => {
    const env = await environment(2);
    try {
      const ev = await env.providerEvent(env.copy1, 'Warning', 'BackOff', 'again');
      // The operator's recorder counts the repeat on its Event; a resync of the same count does nothing.
      const bumped = await env.localClient.patch(eventGVR, ev.metadata!.name!, { count: 2 }, 'merge', {
        namespace: 'ws1',
      });
      await env.reconcileEvent(bumped);
      await env.reconcileEvent(bumped);
      let ws1 = await env.consumerEvents('ws1');
      expect(ws1.map((e) => [e.reason, e.count])).toEqual([['BackOff', 2]]);
      // The bucket (2) is empty now: a third occurrence is dropped, ws2's object has its own bucket.
      await env.providerEvent(env.copy1, 'Warning', 'Other', 'dropped');
      await env.providerEvent(env.copy2, 'Warning', 'Other', 'kept');
      ws1 = await env.consumerEvents('ws1');
      expect(ws1.map((e) => e.reason)).toEqual(['BackOff']);
      expect((await env.consumerEvents('ws2')).map((e) => e.reason)).toEqual(['Other']);
    } finally {
      await env.stop();
    }
  });

  it('hands out the events of a quiet workspace’s namespace between those of a busy one', async () => {
    const env = await environment();
    const manager = new Manager({ client: env.localClient, log: silentLogger() });
    const controller = env.mirror.setupWithManager(manager); // not started: keys stay queued
    try {
      for (let i = 0; i < 500; i++) controller.enqueue({ cluster: '', namespace: 'ws1', name: `e${i}` });
      controller.enqueue({ cluster: '', namespace: 'ws2', name: 'quiet' });
      const order: string[] = [];
      while (controller.queue.len() > 0) {
        const next = await controller.queue.get();
        if (next.shutdown) break;
        order.push(next.item);
        controller.queue.done(next.item);
      }
      expect(order).toHaveLength(501);
      expect(order.slice(0, 2)).toEqual(['|ws1/e0', '|ws2/quiet']);
    } finally {
      await manager.removeController(controller);
      await env.stop();
    }
  });
});
