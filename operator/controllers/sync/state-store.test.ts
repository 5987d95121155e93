import { randomBytes } from 'node:crypto';
import { statePartName } from '../../engine/sync/state.js';
import { RestClient } from '../../runtime/client/rest.js';
import { Informer } from '../../runtime/informer.js';
import { testRestConfig } from '../../runtime/testing/config.js';
import { FakeObjectServer } from '../../runtime/testing/fake-multi.js';
import { StateStore } from './state-store.js';

const NS = 'agent';
const SECRET = 'obj-state-ws1-0123456789abcdef0123';
const SECRETS = `/api/v1/namespaces/${NS}/secrets`;

/** A state of `bytes` bytes of random base64 (gzip keeps ~76% of it). */
const state = (bytes: number) =>
  `{"apiVersion":"example.com/v1","kind":"Thing","metadata":{"name":"x"},"spec":{"blob":"${randomBytes(bytes).toString('base64').slice(0, bytes)}"}}`;

describe('StateStore against an API server', () => {
  let server: FakeObjectServer;
  let store: StateStore;
  let cache: Informer;
  beforeEach(async () => {
    server = new FakeObjectServer();
    const client = new RestClient(testRestConfig(await server.start()));
    // never started: the cache holds only what the store writes through
    cache = new Informer({ client, gvr: { group: '', version: 'v1', resource: 'secrets' } });
    store = new StateStore(client, NS, cache);
  });
  afterEach(() => server.stop());

  const stored = () => [...server.objects.keys()].sort();

  it('keeps small states in the Go format, splits large ones into parts, and reads both back', async () => {
    const big = state(1400 * 1024);
    await store.write(SECRET, { l: 'v' }, { small: '{"kind":"X"}' });
    await store.write(SECRET, { l: 'v' }, { big });
    expect(stored()).toEqual(
      [SECRET, statePartName(SECRET, 'big', 0), statePartName(SECRET, 'big', 1)]
        .map((n) => `${SECRETS}/${n}`)
        .sort(),
    );
    const main = server.objects.get(`${SECRETS}/${SECRET}`)!;
    expect(Buffer.from((main.data as Record<string, string>).small!, 'base64').toString()).toBe(
      '{"kind":"X"}',
    );
    expect(main.metadata?.labels).toEqual({ l: 'v', 'syncagent.kcp.io/object-state': 'true' });
    for (const o of server.objects.values()) {
      const size = Object.values(o.data as Record<string, string>).reduce(
        (n, v) => n + Buffer.from(v, 'base64').length,
        0,
      );
      expect(size).toBeLessThanOrEqual(1024 * 1024);
    }
    expect(store.read(SECRET, 'big')).toBe(big);
    expect(store.read(SECRET, 'small')).toBe('{"kind":"X"}');

    // smaller again: plain JSON, the parts are deleted
    await store.write(SECRET, { l: 'v' }, { big: '{"kind":"Y"}' });
    expect(stored()).toEqual([`${SECRETS}/${SECRET}`]);
    expect(store.read(SECRET, 'big')).toBe('{"kind":"Y"}');
  });

  it('deletes the state Secret with its parts, also parts no entry points to any more', async () => {
    await store.write(SECRET, {}, { big: state(1400 * 1024) });
    // another agent overwrote the entry with a plain state: its parts are orphans now
    const main = server.objects.get(`${SECRETS}/${SECRET}`)!;
    main.data = { big: Buffer.from('{"kind":"Z"}').toString('base64') };
    cache.assume(structuredClone(main));
    await store.delete(SECRET);
    expect(stored()).toEqual([]);
  });
});
