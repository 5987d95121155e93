import { RestClient } from './client/rest.js';
import type { KubeObject } from './client/types.js';
import { Informer } from './informer.js';
import type { ClusterOf } from './cache.js';
import { FakeApiServer } from './testing/fake-apiserver.js';
import { testRestConfig } from './testing/config.js';

const gvr = { group: 'example.com', version: 'v1', resource: 'things' };
const CLUSTER_ANNOTATION = 'example.com/cluster';
const clusterOf: ClusterOf = (o) => o.metadata?.annotations?.[CLUSTER_ANNOTATION] ?? '';

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const thing = (name: string, cluster: string, spec: unknown = 1): KubeObject => ({
  apiVersion: 'example.com/v1',
  kind: 'Thing',
  metadata: { name, namespace: 'ns', annotations: { [CLUSTER_ANNOTATION]: cluster } },
  spec: { v: spec },
});

describe('Informer filter (objects of owned shards only)', () => {
  let server: FakeApiServer;
  let informer: Informer;
  const events: string[] = [];
  const owned = new Set<string>();

  beforeEach(async () => {
    events.length = 0;
    owned.clear();
    server = new FakeApiServer('/apis/example.com/v1/things');
    const client = new RestClient(testRestConfig(await server.start()));
    informer = new Informer({
      client,
      gvr,
      clusterOf,
      minBackoffMs: 10,
      filter: (o) => owned.has(clusterOf(o)),
    });
    informer.addEventHandler({
      onAdd: (o) => events.push(`add ${clusterOf(o)}/${o.metadata?.name}`),
      onUpdate: (_o, n) => events.push(`update ${clusterOf(n)}/${n.metadata?.name}`),
      onDelete: (o) => events.push(`delete ${clusterOf(o)}/${o.metadata?.name}`),
    });
  });
  afterEach(async () => {
    await informer.stop();
    await server.stop();
  });

  const cached = () =>
    informer.reader
      .list()
      .map((o) => `${clusterOf(o)}/${o.metadata?.name}`)
      .sort();

  it('caches and hands out only passing objects, from the list and from the watch', async () => {
    owned.add('ws-a');
    server.upsert(thing('x', 'ws-a'));
    server.upsert(thing('y', 'ws-b'));
    informer.start();
    await informer.waitForSync();
    expect(cached()).toEqual(['ws-a/x']);
    server.upsert(thing('z', 'ws-b'));
    server.upsert(thing('w', 'ws-a'));
    await until(() => events.includes('add ws-a/w'), 'watch event');
    expect(cached()).toEqual(['ws-a/w', 'ws-a/x']);
    expect(events).toEqual(['add ws-a/x', 'add ws-a/w']);
  });

  it('refilter drops what is no longer owned without delete events, and brings in gained objects without an event storm', async () => {
    owned.add('ws-a');
    server.upsert(thing('x', 'ws-a'));
    server.upsert(thing('y', 'ws-b'));
    server.upsert(thing('z', 'ws-c'));
    informer.start();
    await informer.waitForSync();
    await until(() => informer.stats.watches === 1, 'watch');
    events.length = 0;

    // ws-a revoked, ws-b gained
    owned.delete('ws-a');
    owned.add('ws-b');
    await informer.refilter();
    expect(cached()).toEqual(['ws-b/y']);
    expect(events).toEqual(['add ws-b/y']); // no delete of ws-a/x: it still exists
    expect(informer.stats.lists).toBe(2);

    // both owned again: only the re-gained object is announced, the unchanged one is not
    owned.add('ws-a');
    events.length = 0;
    await informer.refilter();
    expect(cached()).toEqual(['ws-a/x', 'ws-b/y']);
    expect(events).toEqual(['add ws-a/x']);

    // a watch event of a no longer owned object drops it silently; real deletions still tell
    owned.delete('ws-b');
    server.upsert(thing('y', 'ws-b', 2));
    server.remove('x');
    await until(() => events.includes('delete ws-a/x'), 'delete event');
    expect(cached()).toEqual([]);
    expect(events).toEqual(['add ws-a/x', 'delete ws-a/x']);
  });
});
