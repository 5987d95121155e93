// Sharded replicas (docs/sharding.md) at the sync controller: two reconcilers with complementary
// ownership on one fake kcp and service cluster, each receiving every request, as every replica
// receives every event of the wildcard watches.
import { LABEL_REMOTE_CLUSTER } from '../../engine/sync/keys.js';
import { clusterOf } from '../../kcp/cluster.js';
import type { RestClient } from '../../runtime/client/rest.js';
import type { Request } from '../../runtime/reconciler.js';
import { waitUntil } from '../../runtime/testing/wait.js';
import { ShardScope } from '../shard-scope.js';
import { CRONTABS, startSyncWorld, type SyncWorld } from './testing/sync-world.js';

const WRITES = new Set(['create', 'update', 'updateStatus', 'patch', 'delete']);

/** A client that records which replica wrote what. */
function recording(client: RestClient, who: string, writes: string[]): RestClient {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (WRITES.has(String(prop))) writes.push(`${who} ${String(prop)}`);
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** A fixed ownership (the coordinator is tested in runtime/sharding). */
function scope(owned: Set<string>): ShardScope {
  return new ShardScope(
    { owns: (c) => owned.has(c), onRevoke: () => () => undefined, onActivate: () => () => undefined },
    () => false,
  );
}

describe('sync controller with sharded replicas', () => {
  let world: SyncWorld;
  const writes: string[] = [];
  const ownedA = new Set(['ws1', 'ws3']);
  const ownedB = new Set(['ws2']);

  beforeEach(async () => {
    writes.length = 0;
    ownedA.clear();
    ownedA.add('ws1').add('ws3');
    ownedB.clear();
    ownedB.add('ws2');
    world = await startSyncWorld({ workspaces: ['ws1', 'ws2', 'ws3'] });
  });
  afterEach(() => world.stop());

  const naming = { naming: { namespace: '{{ .ClusterName }}', name: '{{ .Object.metadata.name }}' } };
  const replicas = () => {
    const a = world.syncReconciler(naming, {
      shards: scope(ownedA),
      localClient: recording(world.localClient, 'A', writes),
    });
    const b = world.syncReconciler(naming, {
      shards: scope(ownedB),
      localClient: recording(world.localClient, 'B', writes),
    });
    return { a, b };
  };
  const ctx = () => ({ signal: new AbortController().signal, log: world.log });
  const create = (ws: string, name: string, metadata: Record<string, unknown> = {}) =>
    world.kcp.consumer(ws).create(CRONTABS, {
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      metadata: { name, namespace: 'default', ...metadata },
      spec: { cronSpec: '* * * * *' },
    });
  const copy = (ws: string, name: string) =>
    world.service.get(`/apis/example.com/v1/namespaces/${ws}/crontabs/${name}`);

  it('each replica syncs only the workspaces it owns; together they sync all', async () => {
    const { a, b } = replicas();
    for (const ws of ['ws1', 'ws2', 'ws3']) await create(ws, 'nightly');
    const reqs: Request[] = ['ws1', 'ws2', 'ws3'].map((cluster) => ({
      cluster,
      namespace: 'default',
      name: 'nightly',
    }));
    await waitUntil(async () => {
      for (const r of reqs) {
        await a.reconcile(r, ctx()).catch(() => undefined);
        await b.reconcile(r, ctx()).catch(() => undefined);
      }
      return reqs.every((r) => copy(r.cluster, 'nightly') !== undefined);
    }, 'all copies');
    // the writes of ws2 came from B only, those of ws1 and ws3 from A only
    const creates = world.service.log.filter((l) => l.method === 'POST' && l.path.includes('/crontabs'));
    expect(creates.map((l) => l.path).sort()).toEqual([
      '/apis/example.com/v1/namespaces/ws1/crontabs',
      '/apis/example.com/v1/namespaces/ws2/crontabs',
      '/apis/example.com/v1/namespaces/ws3/crontabs',
    ]);
    expect(writes.filter((w) => w.startsWith('A')).length).toBeGreaterThan(0);
    expect(writes.filter((w) => w.startsWith('B')).length).toBeGreaterThan(0);
    // a non-owner's reconcile is a no-op: no write, no requeue
    writes.length = 0;
    await world.kcp
      .consumer('ws2')
      .patch(CRONTABS, 'nightly', { spec: { cronSpec: '1 * * * *' } }, 'merge', { namespace: 'default' });
    expect(await a.reconcile(reqs[1]!, ctx())).toEqual({});
    expect(writes).toEqual([]);
    await a.stop();
    await b.stop();
  });

  it('after a revoke, a request still queued for the workspace is a no-op', async () => {
    const { a, b } = replicas();
    await create('ws1', 'nightly');
    const req = { cluster: 'ws1', namespace: 'default', name: 'nightly' };
    ownedA.delete('ws1'); // revoked while the request waited; B has not gained it yet
    await waitUntil(
      async () => world.kcp.consumerObject('ws1', CRONTABS, 'default', 'nightly') !== undefined,
      'object',
    );
    expect(await a.reconcile(req, ctx())).toEqual({});
    expect(await b.reconcile(req, ctx())).toEqual({});
    expect(writes).toEqual([]);
    expect(copy('ws1', 'nightly')).toBeUndefined();
    await a.stop();
    await b.stop();
  });

  it("a consumer's labels and annotations claiming another workspace do not move its object to that workspace's owner", async () => {
    const { a, b } = replicas();
    // in ws1 (owned by A), claiming ws2 (owned by B) every way a consumer can
    await create('ws1', 'sneaky', {
      labels: { 'kcp.io/cluster': 'ws2', [LABEL_REMOTE_CLUSTER]: 'ws2' },
      annotations: { 'kcp.io/cluster': 'ws2' },
    });
    const remote = world.kcp.consumerObject('ws1', CRONTABS, 'default', 'sneaky');
    expect(remote && clusterOf(remote)).toBe('ws1'); // kcp stamps where the object lives
    const claimed = { cluster: 'ws2', namespace: 'default', name: 'sneaky' };
    const real = { cluster: 'ws1', namespace: 'default', name: 'sneaky' };
    await waitUntil(async () => {
      await b.reconcile(claimed, ctx()).catch(() => undefined);
      await b.reconcile(real, ctx()).catch(() => undefined);
      await a.reconcile(real, ctx()).catch(() => undefined);
      return copy('ws1', 'sneaky') !== undefined;
    }, 'the copy in ws1');
    expect(copy('ws2', 'sneaky')).toBeUndefined();
    expect(writes.filter((w) => w.startsWith('B'))).toEqual([]);
    // the copy names the real workspace, so the service-side caches route it to A's shard
    expect(copy('ws1', 'sneaky')?.metadata.labels[LABEL_REMOTE_CLUSTER]).toBe('ws1');
    await a.stop();
    await b.stop();
  });
});
