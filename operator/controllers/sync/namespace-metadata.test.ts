// spec.namespaceMetadata through the sync controller against a fake kcp (two consumer workspaces)
// and a fake service cluster: what the service-side namespace carries after each reconcile.
import { ANNOTATION_NAMESPACE_METADATA } from '../../engine/namespace-metadata/index.js';
import { GVR_NAMESPACES } from '../../kcp/resources.js';
import type { KubeObject } from '../../runtime/client/types.js';
import type { Request } from '../../runtime/reconciler.js';
import { waitUntil } from '../../runtime/testing/wait.js';
import { NamespaceMetadataSync } from './namespace-metadata.js';
import { CRONTABS, EVENTS, startSyncWorld } from './testing/sync-world.js';

type Obj = Record<string, any>;

const CONFIG = { labels: ['team'], annotations: ['example.com/role-arn'] };

async function environment(namespaceTemplate: string) {
  const world = await startSyncWorld({ workspaces: ['ws1', 'ws2'], kcpServes: [EVENTS] });
  const { kcp, service, log, vw, localClient, localObjects, localNamespaces } = world;
  const configProblems: { field: string; value: string; message: string }[] = [];
  const sync = world.syncReconciler(
    {
      naming: { namespace: namespaceTemplate, name: '{{ .ClusterName }}-{{ .Object.metadata.name }}' },
      namespaceMetadata: CONFIG,
    },
    { reportConfigProblem: (field, value, message) => configProblems.push({ field, value, message }) },
  );
  sync.start();
  const reconcile = (req: Request) => sync.reconcile(req, { signal: new AbortController().signal, log });
  const settle = (req: Request, done: () => boolean) =>
    waitUntil(async () => {
      await reconcile(req).catch(() => undefined);
      return done();
    }, 'the sync to settle');
  const consumerNamespace = async (cluster: string, labels: Obj, annotations: Obj = {}) => {
    const c = kcp.consumer(cluster);
    const existing = kcp.server.get(kcp.consumerPath(cluster, GVR_NAMESPACES, '', 'default'));
    if (!existing) {
      await c.create(GVR_NAMESPACES, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'default', labels, annotations },
      });
    } else {
      // kcp keeps its own annotations (the logical cluster) whatever the consumer writes.
      const kept = Object.fromEntries(
        Object.entries(existing.metadata.annotations ?? {}).filter(([k]) => k.startsWith('kcp.io/')),
      );
      await c.update(GVR_NAMESPACES, {
        ...existing,
        metadata: { ...existing.metadata, labels, annotations: { ...kept, ...annotations } },
      } as KubeObject);
    }
  };
  const createPrimary = (cluster: string) =>
    kcp.consumer(cluster).create(CRONTABS, {
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'nightly', namespace: 'default' },
      spec: {},
    });
  const serviceNamespace = (name: string) => service.get(`/api/v1/namespaces/${name}`) as Obj | undefined;
  const events = (cluster: string) =>
    kcp.server
      .list(`${kcp.consumerPrefix(cluster)}/api/v1/namespaces/default/events/`)
      .map((e: Obj) => e.reason as string);
  const stop = async () => {
    await sync.stop();
    await world.stop();
  };
  return {
    kcp,
    service,
    vw,
    configProblems,
    localClient,
    localObjects,
    localNamespaces,
    reconcile,
    settle,
    consumerNamespace,
    createPrimary,
    serviceNamespace,
    events,
    stop,
  };
}

const req = (cluster: string): Request => ({ cluster, namespace: 'default', name: 'nightly' });

describe('spec.namespaceMetadata', () => {
  let env: Awaited<ReturnType<typeof environment>>;
  afterEach(() => env.stop());

  it('copies the allow-listed keys, follows label changes of the kcp namespace and removes only its own keys', async () => {
    env = await environment('{{ .ClusterName }}');
    await env.consumerNamespace('ws1', { team: 'red', other: 'x' }, { 'example.com/role-arn': 'arn:red' });
    await env.createPrimary('ws1');
    await env.settle(req('ws1'), () => env.serviceNamespace('ws1')?.metadata.labels?.team === 'red');
    let ns = env.serviceNamespace('ws1')!;
    expect(ns.metadata.labels.other).toBeUndefined();
    expect(ns.metadata.annotations['example.com/role-arn']).toBe('arn:red');
    expect(JSON.parse(ns.metadata.annotations[ANNOTATION_NAMESPACE_METADATA])).toEqual({
      workspace: 'ws1',
      labels: ['team'],
      annotations: ['example.com/role-arn'],
    });

    // The provider adds a label of its own with an allow-listed key's neighbour; it must survive.
    await env.localClient.patch(GVR_NAMESPACES, 'ws1', { metadata: { labels: { provider: 'p' } } }, 'merge');
    await env.consumerNamespace('ws1', { team: 'blue' });
    await env.settle(req('ws1'), () => {
      const md = env.serviceNamespace('ws1')!.metadata;
      return md.labels.team === 'blue' && md.annotations['example.com/role-arn'] === undefined;
    });
    await env.consumerNamespace('ws1', {});
    await env.settle(req('ws1'), () => env.serviceNamespace('ws1')!.metadata.labels.team === undefined);
    ns = env.serviceNamespace('ws1')!;
    expect(ns.metadata.labels.provider).toBe('p');
  });

  it('attack: a second workspace mapped into the same namespace gets nothing and the first loses what was copied', async () => {
    env = await environment('shared');
    await env.consumerNamespace('ws1', { team: 'red' }, { 'example.com/role-arn': 'arn:red' });
    await env.consumerNamespace('ws2', { team: 'admins' }, { 'example.com/role-arn': 'arn:victim' });
    await env.createPrimary('ws1');
    await env.settle(req('ws1'), () => env.serviceNamespace('shared')?.metadata.labels?.team === 'red');

    await env.createPrimary('ws2');
    await env.settle(req('ws2'), () =>
      (env.serviceNamespace('shared')?.metadata.annotations?.[ANNOTATION_NAMESPACE_METADATA] ?? '').includes(
        'shared',
      ),
    );
    await env.reconcile(req('ws1'));
    await env.reconcile(req('ws2'));
    const md = env.serviceNamespace('shared')!.metadata;
    expect(md.labels?.team).toBeUndefined();
    expect(md.annotations?.['example.com/role-arn']).toBeUndefined();
    expect(JSON.parse(md.annotations[ANNOTATION_NAMESPACE_METADATA])).toEqual({ shared: true });
    await waitUntil(() => env.events('ws2').includes('NamespaceMetadataShared'), 'the warning in ws2');
  });

  it('enqueues the primaries of a kcp namespace whose labels or annotations change', async () => {
    env = await environment('{{ .ClusterName }}');
    const remotePrimaries = env.vw.informersFor(CRONTABS);
    const enqueued: Request[] = [];
    const nm = new NamespaceMetadataSync({
      config: CONFIG,
      agentName: 'agent',
      vw: env.vw,
      localClient: env.localClient,
      localNamespaces: env.localNamespaces,
      localObjects: env.localObjects,
      remotePrimaries,
      enqueue: (r) => enqueued.push(r),
    });
    await env.consumerNamespace('ws1', { team: 'red' });
    await env.createPrimary('ws1');
    await waitUntil(() => remotePrimaries.list({ cluster: 'ws1' }).length === 1, 'the primary in the cache');
    nm.start();
    await waitUntil(() => enqueued.length > 0, 'the initial namespace to enqueue its primaries');
    enqueued.length = 0;
    await env.consumerNamespace('ws1', { team: 'blue' });
    await waitUntil(() => enqueued.length > 0, 'a label change to enqueue the primary');
    expect(enqueued).toEqual([req('ws1')]);
    await nm.stop();
    await remotePrimaries.stop();
  });

  it('reports missing RBAC for patching namespaces on the PublishedResource and keeps the object synced', async () => {
    env = await environment('{{ .ClusterName }}');
    env.service.failures.push((r) =>
      r.method === 'PATCH' && r.path === '/api/v1/namespaces/ws1' ? 403 : undefined,
    );
    await env.consumerNamespace('ws1', { team: 'red' });
    await env.createPrimary('ws1');
    await env.settle(req('ws1'), () => env.configProblems.length > 0);
    await expect(env.reconcile(req('ws1'))).resolves.toEqual({});
    expect(env.configProblems[0]).toMatchObject({ field: 'spec.namespaceMetadata', value: 'ws1' });
    expect(env.configProblems[0]!.message).toContain('"patch" on namespaces');
    expect(env.service.get('/apis/example.com/v1/namespaces/ws1/crontabs/ws1-nightly')).toBeDefined();
    expect(env.serviceNamespace('ws1')!.metadata.labels?.team).toBeUndefined();
  });
});
