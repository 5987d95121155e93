// The sync controller of one PublishedResource against a fake kcp (virtual workspace, engaged consumer
// workspace) and a fake service cluster, through its reconcile entry point: every assertion looks at
// the objects the servers hold afterwards.
import { agentFinalizer, finalizerPolicy } from '../../engine/sync/finalizers.js';
import { FINALIZER_CLEANUP, LABEL_AGENT_NAME, LABEL_REMOTE_CLUSTER } from '../../engine/sync/keys.js';
import { GVR_NAMESPACES, GVR_SECRETS } from '../../kcp/resources.js';
import { ConflictError } from '../../runtime/client/errors.js';
import type { KubeObject } from '../../runtime/client/types.js';
import { realClock } from '../../runtime/clock.js';
import type { Request } from '../../runtime/reconciler.js';
import { waitUntil } from '../../runtime/testing/wait.js';
import type { SyncControllerDeps } from './controller.js';
import { AGENT_NS, CRONTABS, SECRETS, startSyncWorld } from './testing/sync-world.js';

type Obj = Record<string, any>;

const REQ: Request = { cluster: 'ws1', namespace: 'default', name: 'nightly' };
/** Where the copy goes with the naming of these tests: namespace = cluster, same name. */
const COPY = `/apis/example.com/v1/namespaces/ws1/crontabs/nightly`;

/** Both fake servers, the controller and what it needs; the one place that constructs a controller. */
async function environment(related: unknown[] = [], extra: Partial<SyncControllerDeps> = {}) {
  const world = await startSyncWorld({ kcpServes: [SECRETS] });
  const { kcp, service, localClient, log } = world;
  const sync = world.syncReconciler(
    { naming: { namespace: '{{ .ClusterName }}', name: '{{ .Object.metadata.name }}' }, related },
    extra,
  );
  const consumer = kcp.consumer('ws1');
  const primary = () => kcp.consumerObject('ws1', CRONTABS, 'default', 'nightly');
  const copy = () => service.get(COPY);
  const stateSecrets_ = () => service.list(`/api/v1/namespaces/${AGENT_NS}/secrets/`);
  const reconcile = (req = REQ) => sync.reconcile(req, { signal: new AbortController().signal, log });
  /**
   * Reconciles until `done` holds, like the workqueue would on the watch events of the writes (the
   * caches follow the servers asynchronously); failures are retried and returned.
   */
  const settle = async (done: () => boolean, req = REQ): Promise<unknown[]> => {
    const errors: unknown[] = [];
    await waitUntil(async () => {
      try {
        await reconcile(req);
      } catch (err) {
        errors.push(err);
      }
      return done();
    }, 'the sync to settle');
    return errors;
  };
  const createPrimary = (spec: Obj = { cronSpec: '* * * * */5' }) =>
    consumer.create(CRONTABS, {
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'nightly', namespace: 'default' },
      spec,
    });
  const stop = async () => {
    await sync.stop();
    await world.stop();
  };
  return {
    kcp,
    service,
    consumer,
    localClient,
    primary,
    copy,
    stateSecrets: stateSecrets_,
    reconcile,
    settle,
    createPrimary,
    stop,
  };
}

type Env = Awaited<ReturnType<typeof environment>>;

describe('SyncReconciler.reconcile', () => {
  let env: Env;
  beforeEach(async () => {
    env = await environment();
  });
  afterEach(() => env.stop());

  it('creates the service-side copy, its namespace and state, and puts the finalizer on the primary', async () => {
    await env.createPrimary();
    await env.settle(() => env.copy() !== undefined);
    const copy = env.copy()!;
    expect(copy.spec).toEqual({ cronSpec: '* * * * */5' });
    expect(copy.metadata.labels).toMatchObject({
      [LABEL_AGENT_NAME]: 'agent',
      [LABEL_REMOTE_CLUSTER]: 'ws1',
    });
    expect(env.primary()?.metadata.finalizers).toEqual([FINALIZER_CLEANUP]);
    expect(env.service.get('/api/v1/namespaces/ws1')).toBeDefined();
    const [state] = env.stateSecrets();
    expect(Object.keys(state?.data ?? {})).toHaveLength(1);
    expect(state?.metadata.labels).toMatchObject({ [LABEL_REMOTE_CLUSTER]: 'ws1' });
  });

  it('forwards spec changes and copies the status back', async () => {
    await env.createPrimary();
    await env.settle(() => env.copy() !== undefined);
    const primary = env.primary()!;
    await env.consumer.update(CRONTABS, { ...primary, spec: { cronSpec: '0 0 * * *' } } as KubeObject);
    await env.settle(() => env.copy()?.spec.cronSpec === '0 0 * * *');
    await env.localClient.updateStatus(CRONTABS, {
      ...env.copy()!,
      status: { phase: 'Running' },
    } as KubeObject);
    await env.settle(() => env.primary()?.status?.phase === 'Running');
    expect(env.primary()?.spec).toEqual({ cronSpec: '0 0 * * *' });
    expect(env.copy()?.status).toEqual({ phase: 'Running' });
  });

  it('retries after a conflict on the copy and ends with the new content', async () => {
    await env.createPrimary();
    await env.settle(() => env.copy() !== undefined);
    let conflicts = 0;
    env.service.failures.push((r) =>
      r.path === COPY && ['PATCH', 'PUT'].includes(r.method) && conflicts++ === 0 ? 409 : undefined,
    );
    await env.consumer.update(CRONTABS, { ...env.primary()!, spec: { cronSpec: 'changed' } } as KubeObject);
    const errors = await env.settle(() => env.copy()?.spec.cronSpec === 'changed');
    expect(conflicts).toBeGreaterThan(1);
    expect(errors.some((e) => e instanceof ConflictError)).toBe(true);
  });

  it('adopts an existing unlabelled copy: labels it, keeps its content, and syncs later changes', async () => {
    await env.localClient.create(GVR_NAMESPACES, { metadata: { name: 'ws1' } });
    const existing: KubeObject = await env.localClient.create(CRONTABS, {
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'nightly', namespace: 'ws1' },
      spec: { cronSpec: 'old' },
    });
    await env.createPrimary();
    await env.settle(
      () => env.copy()?.metadata.labels?.[LABEL_AGENT_NAME] === 'agent' && env.stateSecrets().length === 1,
    );
    expect(env.copy()?.metadata.uid).toBe(existing.metadata?.uid);
    // Without a stored state the primary as it is becomes the state: the copy's content stays.
    expect(env.copy()?.spec).toEqual({ cronSpec: 'old' });
    await env.consumer.update(CRONTABS, { ...env.primary()!, spec: { cronSpec: 'new' } } as KubeObject);
    await env.settle(() => env.copy()?.spec.cronSpec === 'new');
    expect(env.copy()?.metadata.uid).toBe(existing.metadata?.uid);
  });

  it('refuses a copy that belongs to another agent: untouched, an event and a condition in kcp', async () => {
    await env.localClient.create(GVR_NAMESPACES, { metadata: { name: 'ws1' } });
    await env.localClient.create(CRONTABS, {
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'nightly', namespace: 'ws1', labels: { [LABEL_AGENT_NAME]: 'someone-else' } },
      spec: { cronSpec: 'theirs' },
    });
    await env.createPrimary();
    const events = () =>
      env.kcp.server.list(`${env.kcp.consumerPrefix('ws1')}/api/v1/namespaces/default/events/`);
    await env.settle(() => events().some((e) => e.reason === 'NameCollision'));
    expect(env.copy()?.spec).toEqual({ cronSpec: 'theirs' });
    expect(env.copy()?.metadata.labels).toEqual({ [LABEL_AGENT_NAME]: 'someone-else' });
    const message = events().find((e) => e.reason === 'NameCollision')?.message as string;
    expect(message).toContain('already belongs to another object');
    expect(message).not.toContain('someone-else');
    expect(env.primary()?.status?.conditions).toEqual([
      expect.objectContaining({ status: 'False', reason: 'NameCollision' }),
    ]);
    expect(env.stateSecrets()).toEqual([]);
  });

  it('on deletion removes the copy and the state, then releases the primary', async () => {
    await env.createPrimary();
    await env.settle(() => env.copy() !== undefined && env.stateSecrets().length === 1);
    await env.consumer.delete(CRONTABS, 'nightly', { namespace: 'default' });
    expect(env.primary()?.metadata.deletionTimestamp).toBeDefined(); // held by the finalizer
    await env.settle(() => env.primary() === undefined);
    expect(env.copy()).toBeUndefined();
    await env.settle(() => env.stateSecrets().length === 0);
  });

  it('deletes the copy of a primary that vanished without the agent (orphan)', async () => {
    await env.createPrimary();
    await env.settle(() => env.copy() !== undefined);
    // Someone strips the finalizer and deletes the primary: the copy is left behind.
    await env.consumer.patch(CRONTABS, 'nightly', { metadata: { finalizers: null } }, 'merge', {
      namespace: 'default',
    });
    await env.consumer.delete(CRONTABS, 'nightly', { namespace: 'default' });
    expect(env.primary()).toBeUndefined();
    await env.settle(() => env.copy() === undefined && env.stateSecrets().length === 0);
  });

  describe('related objects', () => {
    const related = [
      {
        identifier: 'credentials',
        origin: 'service',
        kind: 'Secret',
        object: { template: { template: '{{ .Object.metadata.name }}-creds' } },
      },
      {
        identifier: 'config',
        origin: 'kcp',
        kind: 'Secret',
        object: { reference: { path: 'spec.configName' } },
      },
    ];
    const secret = (name: string, namespace: string, data: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace },
      data,
    });

    it('copies service-origin objects into kcp and kcp-origin ones to the service cluster, and cleans up on deletion', async () => {
      await env.stop();
      env = await environment(related);
      await env.consumer.create(GVR_SECRETS, secret('app-config', 'default', { mode: 'ZmFzdA==' }));
      await env.createPrimary({ cronSpec: '* * * * */5', configName: 'app-config' });
      await env.settle(() => env.copy() !== undefined);
      await env.localClient.create(GVR_SECRETS, secret('nightly-creds', 'ws1', { password: 'c2VjcmV0' }));
      const inKcp = () => env.kcp.consumerObject('ws1', GVR_SECRETS, 'default', 'nightly-creds');
      const onService = () => env.service.get('/api/v1/namespaces/ws1/secrets/app-config');
      await env.settle(() => inKcp() !== undefined && onService() !== undefined);

      expect(inKcp()?.data).toEqual({ password: 'c2VjcmV0' });
      expect(onService()?.data).toEqual({ mode: 'ZmFzdA==' });
      expect(onService()?.metadata.annotations).toEqual({
        'syncagent.kcp.io/related-owner': 'ws1/default/nightly',
      });
      // The primary records where its service-origin object went.
      await env.settle(
        () =>
          env.primary()?.metadata.annotations?.['related-resources.syncagent.kcp.io/credentials.0'] !==
          undefined,
      );
      expect(
        JSON.parse(env.primary()?.metadata.annotations['related-resources.syncagent.kcp.io/credentials.0']),
      ).toEqual({ namespace: 'default', name: 'nightly-creds', apiVersion: 'v1', kind: 'Secret' });

      // Changes follow in both directions.
      const kcpConfig = env.kcp.consumerObject('ws1', GVR_SECRETS, 'default', 'app-config')!;
      await env.consumer.update(GVR_SECRETS, { ...kcpConfig, data: { mode: 'c2xvdw==' } } as KubeObject);
      const svcCreds = env.service.get('/api/v1/namespaces/ws1/secrets/nightly-creds')!;
      await env.localClient.update(GVR_SECRETS, { ...svcCreds, data: { password: 'bmV3' } } as KubeObject);
      await env.settle(() => onService()?.data.mode === 'c2xvdw==' && inKcp()?.data.password === 'bmV3');

      // Deleting the primary removes what was made for it on the service cluster first.
      await env.consumer.delete(CRONTABS, 'nightly', { namespace: 'default' });
      await env.settle(() => env.primary() === undefined);
      expect(onService()).toBeUndefined();
      expect(env.copy()).toBeUndefined();
    });
  });
});

describe('SyncReconciler.reconcile with an agent-scoped finalizer and foreign-finalizer waiting', () => {
  const OURS = agentFinalizer('agent');
  const FOREIGN = 'backup.example.com/hold';
  const LIMIT_MS = 60_000;
  let now = Date.now();
  const clock = { now: () => now, setTimer: realClock.setTimer.bind(realClock) };
  let env: Env;
  beforeEach(async () => {
    now = Date.now();
    env = await environment([], { finalizers: finalizerPolicy('agent', 'agent', LIMIT_MS), clock });
  });
  afterEach(() => env.stop());

  const deleteHeldPrimary = async () => {
    await env.createPrimary();
    await env.settle(() => env.copy() !== undefined && env.stateSecrets().length === 1);
    const finalizers = [...(env.primary()?.metadata.finalizers ?? []), FOREIGN];
    await env.consumer.patch(CRONTABS, 'nightly', { metadata: { finalizers } }, 'merge', {
      namespace: 'default',
    });
    await env.consumer.delete(CRONTABS, 'nightly', { namespace: 'default' });
  };

  it('puts its own scoped finalizer on the primary and replaces a shared one left from before', async () => {
    await env.consumer.create(CRONTABS, {
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'nightly', namespace: 'default', finalizers: [FINALIZER_CLEANUP] },
      spec: { cronSpec: 'x' },
    });
    await env.settle(
      () => env.copy() !== undefined && !env.primary()?.metadata.finalizers?.includes(FINALIZER_CLEANUP),
    );
    expect(env.primary()?.metadata.finalizers).toEqual([OURS]);
  });

  it('keeps the copy while a foreign finalizer remains, and deletes it once that is removed', async () => {
    await deleteHeldPrimary();
    for (let i = 0; i < 3; i++) await env.reconcile();
    expect(env.copy()).toBeDefined();
    expect(env.primary()?.metadata.finalizers).toEqual([OURS, FOREIGN]);
    await env.consumer.patch(CRONTABS, 'nightly', { metadata: { finalizers: [OURS] } }, 'merge', {
      namespace: 'default',
    });
    await env.settle(() => env.primary() === undefined);
    expect(env.copy()).toBeUndefined();
  });

  it('gives up waiting at the time limit: the copy goes and only the foreign finalizer stays', async () => {
    await deleteHeldPrimary();
    await env.reconcile();
    expect(env.copy()).toBeDefined();
    now += LIMIT_MS + 1000;
    await env.settle(() => env.copy() === undefined && env.primary()?.metadata.finalizers?.length === 1);
    expect(env.primary()?.metadata.finalizers).toEqual([FOREIGN]);
  });
});
