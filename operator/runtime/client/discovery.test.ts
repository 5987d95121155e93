import { FakeClock } from '../clock.js';
import { CachedDiscovery, fetchServerGroupsAndResources, type GetJSON } from './discovery.js';

/** A server with the core group and one API group; counts requests per path. */
function fakeServer(extraKinds: string[] = []) {
  const requests: string[] = [];
  const state = { kinds: ['Thing', ...extraKinds], failGroupVersion: false };
  const getJSON: GetJSON = async (path) => {
    requests.push(path);
    switch (path) {
      case '/api':
        return { versions: ['v1'] };
      case '/apis':
        return {
          groups: [
            {
              name: 'example.com',
              versions: [
                { groupVersion: 'example.com/v2', version: 'v2' },
                { groupVersion: 'example.com/v1', version: 'v1' },
              ],
              preferredVersion: { groupVersion: 'example.com/v2', version: 'v2' },
            },
          ],
        };
      case '/api/v1':
        return {
          groupVersion: 'v1',
          resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }],
        };
      case '/apis/example.com/v1':
        if (state.failGroupVersion) throw new Error('503 example.com/v1');
        return { groupVersion: 'example.com/v1' };
      case '/apis/example.com/v2':
        return {
          groupVersion: 'example.com/v2',
          resources: state.kinds.map((k) => ({ name: `${k.toLowerCase()}s`, kind: k, namespaced: true })),
        };
    }
    throw Object.assign(new Error(`not found: ${path}`), { status: 404 });
  };
  const discoveryReads = () => requests.filter((p) => p === '/apis').length;
  return { getJSON, requests, state, discoveryReads };
}

describe('fetchServerGroupsAndResources', () => {
  it('lists the core group first, then /apis in server order, one list per group version', async () => {
    const { getJSON } = fakeServer();
    const d = await fetchServerGroupsAndResources(getJSON);
    expect(d.groups.map((g) => g.name)).toEqual(['', 'example.com']);
    expect(d.groups[0]!.preferredVersion).toEqual({ groupVersion: 'v1', version: 'v1' });
    expect(d.resourceLists.map((l) => l.groupVersion)).toEqual(['v1', 'example.com/v2', 'example.com/v1']);
    expect(d.resourceLists[2]!.resources).toEqual([]);
  });

  it('fails as a whole when one group version cannot be listed', async () => {
    const { getJSON, state } = fakeServer();
    state.failGroupVersion = true;
    await expect(fetchServerGroupsAndResources(getJSON)).rejects.toThrow(
      'unable to retrieve the complete list of server APIs: 503 example.com/v1',
    );
  });
});

describe('CachedDiscovery', () => {
  it('serves one fetch to concurrent and later callers until the TTL passes', async () => {
    const server = fakeServer();
    const clock = new FakeClock();
    const cache = new CachedDiscovery(server.getJSON, { ttlMs: 60_000, clock });
    const [a, b] = await Promise.all([cache.get(), cache.get()]);
    expect(a).toBe(b);
    clock.step(59_999);
    expect(await cache.get()).toBe(a);
    expect(server.discoveryReads()).toBe(1);
    clock.step(1);
    const c = await cache.get();
    expect(c).not.toBe(a);
    expect(c.generation).toBeGreaterThan(a.generation);
    expect(server.discoveryReads()).toBe(2);
  });

  it('does not cache a failed fetch', async () => {
    const server = fakeServer();
    const cache = new CachedDiscovery(server.getJSON, { clock: new FakeClock() });
    server.state.failGroupVersion = true;
    await expect(cache.get()).rejects.toThrow(/unable to retrieve/);
    server.state.failGroupVersion = false;
    await expect(cache.get()).resolves.toBeDefined();
    expect(server.discoveryReads()).toBe(2);
  });

  it('fetches again after invalidate()', async () => {
    const server = fakeServer();
    const cache = new CachedDiscovery(server.getJSON, { clock: new FakeClock() });
    await cache.get();
    cache.invalidate();
    await cache.get();
    expect(server.discoveryReads()).toBe(2);
  });

  it('refreshes a stale snapshot once, however many callers found it stale', async () => {
    const server = fakeServer();
    const cache = new CachedDiscovery(server.getJSON, { clock: new FakeClock() });
    const stale = await cache.get();
    server.state.kinds.push('Widget');
    const [x, y] = await Promise.all([cache.refresh(stale), cache.refresh(stale)]);
    expect(x).toBe(y);
    expect(await cache.refresh(stale)).toBe(x);
    expect(server.discoveryReads()).toBe(2);
    expect(x.data.resourceLists[1]!.resources.map((r) => r.kind)).toEqual(['Thing', 'Widget']);
  });

  it('numbers fetches so a caller can tell data fetched after it started', async () => {
    const server = fakeServer();
    const cache = new CachedDiscovery(server.getJSON, { clock: new FakeClock() });
    const before = cache.generation();
    const first = await cache.get();
    expect(first.generation).toBeGreaterThanOrEqual(before);
    const later = cache.generation();
    expect((await cache.get()).generation).toBeLessThan(later);
  });
});
