// The onboarding controller against a fake kcp (one bound workspace) and a fake service cluster,
// together with the sync controller of the same PublishedResource: an existing service-side object is
// brought up into kcp and from then on syncs as usual; conflicts and unbound workspaces change nothing.
import {
  ANNOTATION_ONBOARDING_PENDING,
  EVENT_REASON_ONBOARDED,
  EVENT_REASON_ONBOARDING_CONFLICT,
  EVENT_REASON_ONBOARDING_NOT_BOUND,
} from '../../engine/onboarding/index.js';
import { FINALIZER_CLEANUP, LABEL_AGENT_NAME, LABEL_REMOTE_CLUSTER } from '../../engine/sync/keys.js';
import { objectKeyAnnotations, objectKeyLabels } from '../../engine/sync/object-key.js';
import { GVR_NAMESPACES } from '../../kcp/resources.js';
import type { KubeObject } from '../../runtime/client/types.js';
import { EventRecorder } from '../../runtime/events.js';
import type { Request } from '../../runtime/reconciler.js';
import { waitUntil } from '../../runtime/testing/wait.js';
import { OnboardingReconciler } from './onboarding.js';
import { EVENTS, CRONTAB, CRONTABS, NAMESPACES, SECRETS, startSyncWorld } from './testing/sync-world.js';

type Obj = Record<string, any>;

const ONBOARDING = {
  selector: { matchLabels: { onboard: 'true' } },
  workspaceFrom: { label: 'example.com/workspace' },
  namespaceFrom: { annotation: 'example.com/namespace' },
};
/** The local object onboarded in these tests: namespace "legacy", kcp namespace "default". */
const LOCAL = '/apis/example.com/v1/namespaces/legacy/crontabs/nightly';
const LOCAL_REQ: Request = { cluster: '', namespace: 'legacy', name: 'nightly' };
const KCP_REQ: Request = { cluster: 'ws1', namespace: 'default', name: 'nightly' };

async function environment() {
  const world = await startSyncWorld({ serviceServes: [NAMESPACES, SECRETS, EVENTS] });
  const { kcp, service, localClient, localObjects, vw, log } = world;
  const recorder = new EventRecorder({ component: 'agent', log });
  const sync = world.syncReconciler(
    { naming: { namespace: 'legacy', name: '{{ .Object.metadata.name }}' }, onboarding: ONBOARDING },
    { recorder },
  );
  const onboarding = new OnboardingReconciler({
    publishedResource: 'crontabs',
    spec: ONBOARDING,
    types: { local: CRONTAB, remote: CRONTAB },
    agentName: 'agent',
    localClient,
    localObjects,
    vw,
    recorder,
    log,
  });
  const consumer = kcp.consumer('ws1');
  const ctx = () => ({ signal: new AbortController().signal, log });
  const kcpObject = () => kcp.consumerObject('ws1', CRONTABS, 'default', 'nightly');
  const local = () => service.get(LOCAL);
  const localEvents = () => service.list('/api/v1/namespaces/legacy/events/');
  /** Runs both reconcilers until `done` holds, as their queues would on the watch events. */
  const settle = async (done: () => boolean, what: string): Promise<void> => {
    await waitUntil(async () => {
      for (const run of [() => onboarding.reconcile(LOCAL_REQ, ctx()), () => sync.reconcile(KCP_REQ, ctx())])
        await run().catch(() => undefined);
      return done();
    }, what);
  };
  const createLocal = async (labels: Record<string, string>, spec: Obj = { cronSpec: '0 3 * * *' }) => {
    await localClient.create(GVR_NAMESPACES, { metadata: { name: 'legacy' } }).catch(() => undefined);
    const obj: KubeObject = await localClient.create(CRONTABS, {
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      metadata: {
        name: 'nightly',
        namespace: 'legacy',
        labels,
        annotations: { 'example.com/namespace': 'default' },
      },
      spec,
    });
    await waitUntil(() => localObjects.reader.get('', 'legacy', 'nightly') !== undefined, 'the cache');
    return obj;
  };
  const stop = async () => {
    await sync.stop();
    await world.stop();
  };
  const cachedLocal = () => localObjects.reader.get('', 'legacy', 'nightly');
  return {
    kcp,
    service,
    consumer,
    localClient,
    kcpObject,
    local,
    cachedLocal,
    localEvents,
    settle,
    createLocal,
    onboarding,
    sync,
    ctx,
    stop,
  };
}

type Env = Awaited<ReturnType<typeof environment>>;

describe('OnboardingReconciler', () => {
  let env: Env;
  beforeEach(async () => {
    env = await environment();
  });
  afterEach(() => env.stop());

  it('brings an existing object up into kcp, links it, and syncs both ways afterwards (same UID)', async () => {
    const created = await env.createLocal({ onboard: 'true', 'example.com/workspace': 'ws1' });
    await env.settle(
      () => env.kcpObject()?.metadata.finalizers?.includes(FINALIZER_CLEANUP) === true,
      'onboarding and the first sync',
    );
    expect(env.kcpObject()?.spec).toEqual({ cronSpec: '0 3 * * *' });
    const local = env.local()!;
    expect(local.metadata.uid).toBe(created.metadata!.uid);
    expect(local.metadata.labels).toMatchObject({
      [LABEL_AGENT_NAME]: 'agent',
      [LABEL_REMOTE_CLUSTER]: 'ws1',
    });
    expect(local.metadata.annotations[ANNOTATION_ONBOARDING_PENDING]).toBeUndefined();
    expect(env.localEvents().some((e) => e.reason === EVENT_REASON_ONBOARDED)).toBe(true);

    // status up, spec down, as for any synced object
    await env.localClient.updateStatus(CRONTABS, {
      ...env.local()!,
      status: { phase: 'Running' },
    } as KubeObject);
    await env.settle(() => env.kcpObject()?.status?.phase === 'Running', 'the status to reach kcp');
    await env.consumer.update(CRONTABS, {
      ...env.kcpObject()!,
      spec: { cronSpec: '0 4 * * *' },
    } as KubeObject);
    await env.settle(
      () => env.local()?.spec.cronSpec === '0 4 * * *',
      'the spec to reach the service cluster',
    );
    expect(env.local()!.metadata.uid).toBe(created.metadata!.uid);
  });

  it('reports a conflict on the local object and overwrites nothing when the kcp object exists', async () => {
    await env.consumer.create(CRONTABS, {
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'nightly', namespace: 'default' },
      spec: { cronSpec: 'consumer' },
    });
    await env.createLocal({ onboard: 'true', 'example.com/workspace': 'ws1' });
    await env.settle(
      () => env.localEvents().some((e) => e.reason === EVENT_REASON_ONBOARDING_CONFLICT),
      'the conflict',
    );
    // The consumer's object names the provider's object through the naming rules: it is not adopted.
    await env.settle(() => env.kcpObject()?.metadata.finalizers !== undefined, 'the sync to look at it');
    expect(env.local()!.spec).toEqual({ cronSpec: '0 3 * * *' });
    expect(env.local()!.metadata.labels[LABEL_REMOTE_CLUSTER]).toBeUndefined();
    expect(env.kcpObject()!.spec).toEqual({ cronSpec: 'consumer' });
  });

  it('creates nothing for a workspace that does not bind the export', async () => {
    await env.createLocal({ onboard: 'true', 'example.com/workspace': 'ws2' });
    await env.settle(
      () => env.localEvents().some((e) => e.reason === EVENT_REASON_ONBOARDING_NOT_BOUND),
      'the event',
    );
    expect(env.kcp.consumerObject('ws2', CRONTABS, 'default', 'nightly')).toBeUndefined();
    expect(env.local()!.metadata.labels[LABEL_REMOTE_CLUSTER]).toBeUndefined();
  });

  it('a consumer cannot take over an onboarded object by making an object its naming maps to (attack)', async () => {
    await env.createLocal({ onboard: 'true', 'example.com/workspace': 'ws1' });
    await env.settle(() => env.kcpObject()?.metadata.finalizers !== undefined, 'onboarding');
    // Another object of the consumer with the same name lands on the same local name (legacy/<name>).
    const attacker = env.kcp.consumer('ws1');
    await attacker.create(GVR_NAMESPACES, { metadata: { name: 'other' } }).catch(() => undefined);
    await attacker.create(CRONTABS, {
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'nightly', namespace: 'other' },
      spec: { cronSpec: 'attacker' },
    });
    const req: Request = { cluster: 'ws1', namespace: 'other', name: 'nightly' };
    await waitUntil(async () => {
      await env.sync.reconcile(req, env.ctx()).catch(() => undefined);
      const events = env.kcp.server.list(`${env.kcp.consumerPrefix('ws1')}/api/v1/namespaces/other/events/`);
      return events.some((e) => e.reason === 'NameCollision');
    }, 'the collision');
    expect(env.local()!.spec).toEqual({ cronSpec: '0 3 * * *' });
    expect(env.local()!.metadata.annotations['syncagent.kcp.io/remote-object-namespace']).toBe('default');
  });
});

describe('SyncReconciler with an onboarding in progress', () => {
  let env: Env;
  beforeEach(async () => {
    env = await environment();
  });
  afterEach(() => env.stop());

  it('waits while the local object carries the pending marker, even for a kcp object that appeared meanwhile', async () => {
    // As after the claim step: identity and marker on the local object, then a consumer raced in.
    await env.createLocal({ onboard: 'true', 'example.com/workspace': 'ws1', [LABEL_AGENT_NAME]: 'agent' });
    const claimed = env.local()!;
    const key = { clusterName: 'ws1', workspacePath: '', namespace: 'default', name: 'nightly' };
    await env.localClient.update(CRONTABS, {
      ...claimed,
      metadata: {
        ...claimed.metadata,
        labels: { ...claimed.metadata.labels, ...objectKeyLabels(key) },
        annotations: {
          ...claimed.metadata.annotations,
          ...objectKeyAnnotations(key),
          [ANNOTATION_ONBOARDING_PENDING]: 'ws1/default/nightly',
        },
      },
    } as KubeObject);
    await waitUntil(
      () => env.cachedLocal()?.metadata?.annotations?.[ANNOTATION_ONBOARDING_PENDING] !== undefined,
      'the claim in the cache',
    );
    await env.consumer.create(CRONTABS, {
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'nightly', namespace: 'default' },
      spec: { cronSpec: 'consumer' },
    });
    await waitUntil(() => env.kcpObject() !== undefined, 'the kcp object');
    // The kcp cache follows asynchronously: give the sync a second's worth of reconciles.
    for (let i = 0; i < 20; i++) {
      await env.sync.reconcile(KCP_REQ, env.ctx());
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(env.local()!.spec).toEqual({ cronSpec: '0 3 * * *' });
    expect(env.kcpObject()!.metadata.finalizers).toBeUndefined();
    // The onboarding then takes its claim back and reports the conflict.
    await env.settle(
      () => env.localEvents().some((e) => e.reason === EVENT_REASON_ONBOARDING_CONFLICT),
      'the conflict',
    );
    expect(env.local()!.metadata.labels[LABEL_REMOTE_CLUSTER]).toBeUndefined();
    expect(env.local()!.metadata.annotations[ANNOTATION_ONBOARDING_PENDING]).toBeUndefined();
  });
});
