// The fake API server behaves like kube-apiserver where the controllers' tests rely on it.
import { ConflictError, AlreadyExistsError, NotFoundError } from '../client/errors.js';
import type { GVR } from '../client/paths.js';
import { RestClient } from '../client/rest.js';
import type { KubeObject } from '../client/types.js';
import { testRestConfig } from './config.js';
import { FakeObjectServer } from './fake-multi.js';
import { applyJsonPatch, applyMergePatch } from './patches.js';

const THINGS: GVR = { group: 'example.com', version: 'v1', resource: 'things' };

describe('FakeObjectServer', () => {
  let server: FakeObjectServer;
  let client: RestClient;
  beforeEach(async () => {
    server = new FakeObjectServer().serve({ ...THINGS, kind: 'Thing', namespaced: true, status: true });
    client = new RestClient(testRestConfig(await server.start()));
  });
  afterEach(async () => {
    client.close();
    await server.stop();
  });

  const thing = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: 'example.com/v1',
    kind: 'Thing',
    metadata: { name, namespace: 'ns' },
    ...extra,
  });

  it('bumps resourceVersion, refuses stale updates and duplicate names, and names generateName objects', async () => {
    const a = await client.create(THINGS, thing('a', { spec: { n: 1 } }));
    expect(a.metadata?.generation).toBe(1);
    await expect(client.create(THINGS, thing('a'))).rejects.toBeInstanceOf(AlreadyExistsError);
    const b = await client.update(THINGS, { ...a, spec: { n: 2 } });
    expect(Number(b.metadata?.resourceVersion)).toBeGreaterThan(Number(a.metadata?.resourceVersion));
    expect(b.metadata?.generation).toBe(2);
    await expect(client.update(THINGS, { ...a, spec: { n: 3 } })).rejects.toBeInstanceOf(ConflictError);
    const g: KubeObject = await client.create(THINGS, {
      ...thing(''),
      metadata: { generateName: 'g-', namespace: 'ns' },
    });
    expect(g.metadata?.name).toMatch(/^g-.+/);
  });

  it('answers 404 with the name in the details', async () => {
    const err = await client.get(THINGS, 'missing', { namespace: 'ns' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).body?.details).toMatchObject({ name: 'missing' });
  });

  it('keeps an object with finalizers until the last one is removed', async () => {
    await client.create(THINGS, thing('f', { metadata: { name: 'f', namespace: 'ns', finalizers: ['x'] } }));
    const deleting = await client.delete(THINGS, 'f', { namespace: 'ns' });
    expect(deleting.metadata?.deletionTimestamp).toBeDefined();
    expect(server.get('/apis/example.com/v1/namespaces/ns/things/f')).toBeDefined();
    await client.patch(THINGS, 'f', [{ op: 'remove', path: '/metadata/finalizers/0' }], 'json', {
      namespace: 'ns',
    });
    expect(server.get('/apis/example.com/v1/namespaces/ns/things/f')).toBeUndefined();
  });

  it('separates the status subresource from the object', async () => {
    const o = await client.create(THINGS, thing('s', { spec: { a: 1 }, status: { ignored: true } }));
    expect(o.status).toBeUndefined();
    const withStatus = await client.updateStatus(THINGS, { ...o, spec: { a: 2 }, status: { phase: 'Up' } });
    expect(withStatus).toMatchObject({ spec: { a: 1 }, status: { phase: 'Up' } });
    const patched = await client.patch(THINGS, 's', { spec: { a: 3 }, status: { phase: 'Down' } }, 'merge', {
      namespace: 'ns',
    });
    expect(patched).toMatchObject({ spec: { a: 3 }, status: { phase: 'Up' } });
  });

  it('lists across prefixes with a wildcard and watches from a resourceVersion', async () => {
    const ws = (c: string) => new RestClient(testRestConfig(`${server.url}/clusters/${c}`));
    await ws('one').create(THINGS, thing('x'));
    const list = await ws('*').list(THINGS);
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['x']);
    const from = list.metadata?.resourceVersion;
    const abort = new AbortController();
    const seen: string[] = [];
    const watching = (async () => {
      for await (const ev of ws('*').watch(THINGS, { resourceVersion: from!, signal: abort.signal })) {
        seen.push(`${ev.type} ${ev.object.metadata?.name}`);
        if (seen.length === 2) abort.abort();
      }
    })();
    await ws('two').create(THINGS, thing('y'));
    await ws('one').delete(THINGS, 'x', { namespace: 'ns' });
    await watching;
    expect(seen).toEqual(['ADDED y', 'DELETED x']);
  });
});

describe('patches', () => {
  it('merge patch: nested merge, null deletes, arrays replace', () => {
    expect(applyMergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [3] })).toEqual({
      a: { c: 2, d: 3 },
      l: [3],
    });
  });
  it('JSON patch: add, replace, remove, and a failing test', () => {
    const doc = { a: [1, 2], m: { k: 'v' } };
    expect(
      applyJsonPatch(doc, [
        { op: 'add', path: '/a/-', value: 3 },
        { op: 'replace', path: '/m/k', value: 'w' },
        { op: 'remove', path: '/a/0' },
      ]),
    ).toEqual({ a: [2, 3], m: { k: 'w' } });
    expect(() => applyJsonPatch(doc, [{ op: 'test', path: '/m/k', value: 'x' }])).toThrow(
      'test of /m/k failed',
    );
  });
});
