import { RestClient } from './client/rest.js';
import type { KubeObject } from './client/types.js';
import { Informer, dropManagedFields, type InformerOptions } from './informer.js';
import { labelIndex, ownerUidIndex } from './indexer.js';
import type { ClusterOf } from './cache.js';
import { FakeApiServer } from './testing/fake-apiserver.js';
import { testRestConfig } from './testing/config.js';

const gvr = { group: 'example.com', version: 'v1', resource: 'things' };

/** Where these tests' multi-cluster server marks an object's cluster (injected as clusterOf). */
const CLUSTER_ANNOTATION = 'example.com/cluster';
const clusterOf: ClusterOf = (o) => o.metadata?.annotations?.[CLUSTER_ANNOTATION] ?? '';

/** The cache keys of everything an informer holds. */
function cacheKeys(inf: Informer): string[] {
  return inf.reader.list().map((o) => inf.keyOf(o));
}

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function thing(name: string, extra: Partial<KubeObject['metadata']> = {}, cluster?: string): KubeObject {
  return {
    apiVersion: 'example.com/v1',
    kind: 'Thing',
    metadata: {
      name,
      namespace: 'ns',
      ...(cluster ? { annotations: { [CLUSTER_ANNOTATION]: cluster } } : {}),
      ...extra,
    },
  };
}

describe('Informer', () => {
  let server: FakeApiServer;
  let client: RestClient;
  let informer: Informer;
  const events: string[] = [];

  beforeEach(async () => {
    events.length = 0;
    server = new FakeApiServer('/apis/example.com/v1/things');
    client = new RestClient(testRestConfig(await server.start()));
  });
  afterEach(async () => {
    await informer?.stop();
    await server.stop();
  });

  function start(opts: Partial<InformerOptions> = {}): Informer {
    informer = new Informer({ client, gvr, minBackoffMs: 10, maxBackoffMs: 50, pageSize: 2, ...opts });
    informer.addEventHandler({
      onAdd: (o) => events.push(`add ${o.metadata?.name}`),
      onUpdate: (_o, n) => events.push(`update ${n.metadata?.name}`),
      onDelete: (o) => events.push(`delete ${o.metadata?.name}`),
    });
    informer.start();
    return informer;
  }

  it('lists (paginated), syncs, then follows add/update/delete', async () => {
    for (const n of ['a', 'b', 'c']) server.upsert(thing(n));
    start();
    await informer.waitForSync();
    expect(informer.hasSynced()).toBe(true);
    expect(events.sort()).toEqual(['add a', 'add b', 'add c']);
    events.length = 0;
    await until(() => server.requests.some((r) => r.url.includes('watch=true')), 'watch');
    server.upsert(thing('d'));
    server.upsert(thing('a', { labels: { x: 'y' } }));
    server.remove('b');
    await until(() => events.length === 3, 'events');
    expect(events).toEqual(['add d', 'update a', 'delete b']);
    expect(informer.reader.get('', 'ns', 'a')?.metadata?.labels).toEqual({ x: 'y' });
    expect(informer.reader.get('', 'ns', 'b')).toBeUndefined();
  });

  it('keys objects by logical cluster so equal namespace/name in two clusters do not collide', async () => {
    // the fake server keys by name only, so store both under distinct server-side keys
    server.objects.set('k1', thing('same', { resourceVersion: '1' }, 'cluster-1'));
    server.objects.set('k2', thing('same', { resourceVersion: '2' }, 'cluster-2'));
    start({ clusterOf });
    await informer.waitForSync();
    expect(cacheKeys(informer).sort()).toEqual(['cluster-1|ns/same', 'cluster-2|ns/same']);
    expect(informer.reader.list({ cluster: 'cluster-2' })).toHaveLength(1);
    expect(informer.reader.get('cluster-1', 'ns', 'same')?.metadata?.resourceVersion).toBe('1');
  });

  it('knows no clusters unless told how to find them: the annotation is just an annotation', async () => {
    server.upsert(thing('a', {}, 'cluster-1'));
    start();
    await informer.waitForSync();
    expect(cacheKeys(informer)).toEqual(['|ns/a']);
  });

  it('re-watches from the last resourceVersion when the server ends the watch', async () => {
    server.upsert(thing('a'));
    start();
    await informer.waitForSync();
    await until(() => server.requests.filter((r) => r.url.includes('watch=true')).length === 1, 'watch');
    server.closeWatches();
    await until(() => server.requests.filter((r) => r.url.includes('watch=true')).length === 2, 're-watch');
    const second = new URL(server.requests.filter((r) => r.url.includes('watch=true'))[1]!.url, 'http://x');
    expect(second.searchParams.get('resourceVersion')).toBe(informer.lastResourceVersion());
    expect(informer.stats.lists).toBe(1);
    server.upsert(thing('b'));
    await until(() => events.includes('add b'), 'add after re-watch');
  });

  it('relists on 410 Gone and emits the difference', async () => {
    for (const n of ['a', 'b', 'c']) server.upsert(thing(n));
    start();
    await informer.waitForSync();
    await until(() => server.requests.some((r) => r.url.includes('watch=true')), 'watch');
    events.length = 0;
    // While "disconnected": b vanished, c changed, d appeared, a unchanged.
    const a = server.objects.get('a')!;
    server.silentlySet([thing('c', { labels: { changed: 'yes' } }), thing('d')]);
    server.objects.set('a', a);
    server.compact();
    await until(() => events.length === 3, 'diff events');
    expect(events.sort()).toEqual(['add d', 'delete b', 'update c']);
    expect(informer.stats.relistsAfterGone).toBe(1);
    expect(cacheKeys(informer).sort()).toEqual(['|ns/a', '|ns/c', '|ns/d']);
  });

  it('keeps retrying with backoff on errors and reports health', async () => {
    server.scripted.push({ match: () => true, status: 500, body: { message: 'etcd down' } });
    start({ unhealthyAfterMs: 0 });
    await until(() => informer.stats.errors >= 3, 'retries');
    expect(informer.health().ok).toBe(false);
    expect(informer.health().message).toContain('etcd down');
    expect(informer.hasSynced()).toBe(false);
    server.scripted.length = 0;
    await informer.waitForSync();
    expect(informer.health().ok).toBe(true);
  });

  it('passes field selectors to list and watch', async () => {
    server.upsert(thing('a'));
    server.upsert(thing('b'));
    start({ fieldSelector: 'metadata.name=b' });
    await informer.waitForSync();
    expect(cacheKeys(informer)).toEqual(['|ns/b']);
    await until(() => server.requests.some((r) => r.url.includes('watch=true')), 'watch');
    server.upsert(thing('a', { labels: { x: '1' } }));
    server.upsert(thing('b', { labels: { x: '1' } }));
    await until(() => events.includes('update b'), 'update b');
    expect(events).not.toContain('update a');
    expect(server.requests.every((r) => r.url.includes('fieldSelector=metadata.name%3Db'))).toBe(true);
  });

  it('applies the transform, maintains indexes, and replays the cache to late handlers', async () => {
    server.upsert(
      thing('a', {
        labels: { app: 'x' },
        managedFields: [{ manager: 'm' }],
        ownerReferences: [{ apiVersion: 'v1', kind: 'K', name: 'o', uid: 'u1' }],
      }),
    );
    server.upsert(thing('b', { labels: { app: 'y' } }));
    start({ transform: dropManagedFields, indexers: { app: labelIndex('app'), owner: ownerUidIndex } });
    await informer.waitForSync();
    expect(informer.reader.get('', 'ns', 'a')?.metadata?.managedFields).toBeUndefined();
    expect(informer.reader.byIndex('app', 'x').map((o) => o.metadata?.name)).toEqual(['a']);
    expect(informer.reader.byIndex('owner', 'u1').map((o) => o.metadata?.name)).toEqual(['a']);
    expect(
      informer.reader.list({ labelSelector: 'app in (x,y),app!=y' }).map((o) => o.metadata?.name),
    ).toEqual(['a']);
    await until(() => server.requests.some((r) => r.url.includes('watch=true')), 'watch');
    server.upsert(thing('a', { labels: { app: 'z' } }));
    await until(() => informer.reader.byIndex('app', 'z').length === 1, 'reindex');
    expect(informer.reader.byIndex('app', 'x')).toEqual([]);
    const late: string[] = [];
    informer.addEventHandler({ onAdd: (o) => late.push(o.metadata?.name as string) });
    expect(late.sort()).toEqual(['a', 'b']);
  });
});
