import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../clock.js';
import { metricsRegistry } from '../metrics.js';
import { FakeApiServer } from '../testing/fake-apiserver.js';
import { testRestConfig } from '../testing/config.js';
import { loadRestConfig } from './config.js';
import {
  AlreadyExistsError,
  ConflictError,
  ForbiddenError,
  GoneError,
  InvalidError,
  isNotFound,
  NotFoundError,
  TooManyRequestsError,
  UnauthorizedError,
} from './errors.js';
import { resourcePath } from './paths.js';
import { RestClient, retryAfterMs } from './rest.js';

const things = { group: 'example.com', version: 'v1', resource: 'things' };
const cms = { group: '', version: 'v1', resource: 'configmaps' };

describe('resourcePath', () => {
  it('builds core, group, namespaced, cluster-scoped and subresource paths', () => {
    expect(resourcePath({ gvr: cms, namespace: 'ns', name: 'a' })).toBe('/api/v1/namespaces/ns/configmaps/a');
    expect(resourcePath({ gvr: things })).toBe('/apis/example.com/v1/things');
    expect(resourcePath({ gvr: things, namespace: 'ns', name: 'x', subresource: 'status' })).toBe(
      '/apis/example.com/v1/namespaces/ns/things/x/status',
    );
    expect(() => resourcePath({ gvr: things, subresource: 'status' })).toThrow(/needs a name/);
  });
});

describe('RestClient against a local HTTP server', () => {
  let server: FakeApiServer;
  let base: string;

  beforeEach(async () => {
    server = new FakeApiServer('/clusters/root:org/apis/example.com/v1/things');
    base = await server.start();
  });
  afterEach(() => server.stop());

  const client = (path = '/clusters/root:org', clock?: FakeClock): RestClient =>
    new RestClient(testRestConfig(base + path), clock ? { clock } : {});

  it('keeps the base URL path, sends auth and user agent, and keeps every field raw', async () => {
    server.upsert({
      apiVersion: 'example.com/v1',
      kind: 'Thing',
      metadata: { name: 'a', creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { unknownField: { x: 1 } },
    });
    const list = await client().list(things, {
      labelSelector: 'a=b,c in (d)',
      fieldSelector: 'metadata.name=a',
      limit: 10,
    });
    const req = server.requests[0]!;
    expect(req.url).toBe(
      '/clusters/root:org/apis/example.com/v1/things?labelSelector=a%3Db%2Cc+in+%28d%29&fieldSelector=metadata.name%3Da&limit=10',
    );
    expect(req.headers.authorization).toBe('Bearer test-token');
    expect(req.headers['user-agent']).toMatch(/^api-syncagent-ts\//);
    expect(list.items[0]?.metadata?.creationTimestamp).toBe('2026-01-01T00:00:00Z'); // a string, not a Date
    expect(list.items[0]?.spec).toEqual({ unknownField: { x: 1 } });
  });

  it('works with a virtual-workspace base URL ending in /clusters/*', async () => {
    const vw = new FakeApiServer('/services/export/clusters/*/apis/example.com/v1/things');
    const vwBase = await vw.start();
    vw.upsert({ metadata: { name: 'a', annotations: { 'kcp.io/cluster': 'abc' } } });
    const c = new RestClient(testRestConfig(vwBase + '/services/export/clusters/*'));
    const list = await c.list(things);
    expect(list.items).toHaveLength(1);
    expect(vw.requests[0]?.url).toBe('/services/export/clusters/*/apis/example.com/v1/things');
    await vw.stop();
  });

  it('follows continue tokens in listAll', async () => {
    for (let i = 0; i < 5; i++) server.upsert({ metadata: { name: `o${i}` } });
    const all = await client().listAll(things, { limit: 2 });
    expect(all.items.map((o) => o.metadata?.name)).toEqual(['o0', 'o1', 'o2', 'o3', 'o4']);
    expect(server.requests.map((r) => new URL(r.url, 'http://x').searchParams.get('continue'))).toEqual([
      null,
      '2',
      '4',
    ]);
  });

  it('sends patches with the right content types, dry run, and delete options', async () => {
    server.scripted.push({ match: () => true, status: 200, body: { kind: 'Thing' } });
    const c = client();
    await c.patch(things, 'a', { spec: { x: 1 } }, 'merge', { namespace: 'ns', dryRun: true });
    await c.patch(things, 'a', [{ op: 'replace', path: '/spec/x', value: 2 }], 'json', {
      namespace: 'ns',
      subresource: 'status',
    });
    await c.patch(things, 'a', { spec: {} }, 'strategic', { namespace: 'ns' });
    await c.updateStatus(things, {
      metadata: { name: 'a', namespace: 'ns', resourceVersion: '5' },
      status: {},
    });
    await c.create(
      cms,
      { metadata: { name: 'c', namespace: 'ns' } },
      { dryRun: true, fieldManager: 'agent' },
    );
    await c.delete(things, 'a', {
      namespace: 'ns',
      propagationPolicy: 'Background',
      preconditions: { uid: 'u1' },
    });
    const r = server.requests;
    expect(r[0]).toMatchObject({
      method: 'PATCH',
      url: '/clusters/root:org/apis/example.com/v1/namespaces/ns/things/a?dryRun=All',
    });
    expect(r[0]?.headers['content-type']).toBe('application/merge-patch+json');
    expect(r[1]?.url).toBe('/clusters/root:org/apis/example.com/v1/namespaces/ns/things/a/status');
    expect(r[1]?.headers['content-type']).toBe('application/json-patch+json');
    expect(JSON.parse(r[1]!.body)).toEqual([{ op: 'replace', path: '/spec/x', value: 2 }]);
    expect(r[2]?.headers['content-type']).toBe('application/strategic-merge-patch+json');
    expect(r[3]).toMatchObject({
      method: 'PUT',
      url: '/clusters/root:org/apis/example.com/v1/namespaces/ns/things/a/status',
    });
    expect(r[4]).toMatchObject({
      method: 'POST',
      url: '/clusters/root:org/api/v1/namespaces/ns/configmaps?dryRun=All&fieldManager=agent',
    });
    expect(r[5]?.method).toBe('DELETE');
    expect(JSON.parse(r[5]!.body)).toEqual({
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: 'Background',
      preconditions: { uid: 'u1' },
    });
  });

  it.each([
    [404, 'NotFound', NotFoundError],
    [409, 'AlreadyExists', AlreadyExistsError],
    [409, 'Conflict', ConflictError],
    [410, 'Gone', GoneError],
    [403, 'Forbidden', ForbiddenError],
    [401, 'Unauthorized', UnauthorizedError],
    [422, 'Invalid', InvalidError],
  ])('types a %i %s answer and keeps the Status message', async (code, reason, cls) => {
    server.scripted.push({
      match: () => true,
      status: code,
      body: { kind: 'Status', status: 'Failure', reason, code, message: `things "a" ${reason}` },
    });
    const err = await client()
      .get(things, 'a', { namespace: 'ns' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(cls);
    expect((err as Error).message).toContain(`things "a" ${reason}`);
    expect((err as Error).message).toContain('/apis/example.com/v1/namespaces/ns/things/a');
  });

  it('retries 429 honouring Retry-After, a bounded number of times', async () => {
    server.scripted.push({
      match: () => true,
      status: 429,
      body: { reason: 'TooManyRequests', code: 429 },
      headers: { 'Retry-After': '2' },
      once: true,
    });
    server.upsert({ metadata: { name: 'a' } });
    const clock = new FakeClock();
    const p = client('/clusters/root:org', clock).list(things);
    while (server.requests.length < 1) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    clock.step(1999);
    await new Promise((r) => setTimeout(r, 20));
    expect(server.requests).toHaveLength(1);
    clock.step(1);
    await expect(p).resolves.toMatchObject({ items: [{ metadata: { name: 'a' } }] });

    server.scripted.push({
      match: () => true,
      status: 429,
      body: { reason: 'TooManyRequests', code: 429 },
      headers: { 'Retry-After': '0' },
    });
    const c = new RestClient(testRestConfig(base + '/clusters/root:org'), { maxTooManyRequestsRetries: 2 });
    await expect(c.list(things)).rejects.toBeInstanceOf(TooManyRequestsError);
    expect(server.requests).toHaveLength(2 + 3);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(
      5000,
    );
  });

  it('streams watch events and throws the typed error of an ERROR event', async () => {
    server.upsert({ metadata: { name: 'a' } });
    const rv = server.currentRV();
    const abort = new AbortController();
    const seen: string[] = [];
    const w = (async () => {
      for await (const ev of client().watch(things, { resourceVersion: rv, signal: abort.signal })) {
        seen.push(`${ev.type} ${ev.object.metadata?.name ?? ''}`);
        if (seen.length === 3) abort.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 30));
    server.upsert({ metadata: { name: 'b' } });
    server.bookmark();
    server.remove('a');
    await w;
    expect(seen).toEqual(['ADDED b', 'BOOKMARK ', 'DELETED a']);
    expect(new URL(server.requests[0]!.url, 'http://x').searchParams.get('allowWatchBookmarks')).toBe('true');

    server.compact();
    const err = await (async () => {
      for await (const _ of client().watch(things, { resourceVersion: '1' })) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GoneError);
  });

  it('caches discovery until invalidated', async () => {
    server.scripted.push({
      match: (_m, u) => u.endsWith('/apis/example.com/v1'),
      status: 200,
      body: {
        groupVersion: 'example.com/v1',
        resources: [
          { name: 'things', kind: 'Thing', namespaced: true, verbs: ['get'] },
          { name: 'things/status', kind: 'Thing', namespaced: true, verbs: ['get'] },
        ],
      },
    });
    const c = client();
    expect(await c.findResource('example.com', 'v1', 'Thing')).toMatchObject({
      name: 'things',
      namespaced: true,
    });
    await c.apiResources('example.com', 'v1');
    expect(server.requests).toHaveLength(1);
    c.invalidateDiscovery();
    await c.apiResources('example.com', 'v1');
    expect(server.requests).toHaveLength(2);
    expect(await c.findResource('other.io', 'v1', 'X')).toBeUndefined(); // 404 → undefined
    expect(isNotFound(await c.openAPIV2().catch((e: unknown) => e))).toBe(true);
  });

  it('counts requests in rest_client_requests_total', async () => {
    await client().list(things);
    const data = await metricsRegistry.getSingleMetric('rest_client_requests_total')?.get();
    const host = new URL(base).host;
    expect(
      data?.values.find((v) => v.labels.host === host && v.labels.method === 'GET' && v.labels.code === '200')
        ?.value,
    ).toBeGreaterThanOrEqual(1);
  });

  it('loads a kubeconfig with tokenFile and re-reads the token when the file changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-'));
    writeFileSync(join(dir, 'token'), 'first\n');
    writeFileSync(
      join(dir, 'kubeconfig'),
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://wrong.invalid"}}]
users: [{name: u, user: {tokenFile: token}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
    );
    const cfg = loadRestConfig({
      kubeconfig: join(dir, 'kubeconfig'),
      hostOverride: base + '/clusters/root:org',
    });
    expect(cfg.credentials.tokenFilePath).toBe(join(dir, 'token'));
    const c = new RestClient(cfg);
    await c.list(things);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer first');
    await new Promise((r) => setTimeout(r, 1100)); // the file is checked at most once a second
    writeFileSync(join(dir, 'token'), 'second-token\n');
    await c.list(things);
    expect(server.requests[1]?.headers.authorization).toBe('Bearer second-token');
    // a derived client for another path shares the credentials
    await c
      .forServer(base + '/clusters/root:other')
      .get(things, 'x')
      .catch(() => undefined);
    expect(server.requests[2]).toMatchObject({ url: '/clusters/root:other/apis/example.com/v1/things/x' });
    expect(server.requests[2]?.headers.authorization).toBe('Bearer second-token');
  });

  it('authenticates with an exec credential plugin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-exec-'));
    const cred = JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token: 'exec-token' },
    });
    writeFileSync(join(dir, 'plugin.sh'), `#!/bin/sh\necho '${cred}'\n`, { mode: 0o755 });
    writeFileSync(
      join(dir, 'kubeconfig'),
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${base}/clusters/root:org"}}]
users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: ${join(dir, 'plugin.sh')}, interactiveMode: Never}}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
    );
    const c = new RestClient(loadRestConfig({ kubeconfig: join(dir, 'kubeconfig') }));
    await c.list(things);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer exec-token');
  });

  it('asks the exec plugin again when the server rejects its token with 401, and retries once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-exec401-'));
    // the plugin hands out token-1, token-2, ... (a counter file), without an expiry
    writeFileSync(
      join(dir, 'plugin.sh'),
      `#!/bin/sh
n=$(cat ${join(dir, 'n')} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${join(dir, 'n')}
echo '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"token-'$n'"}}'
`,
      { mode: 0o755 },
    );
    writeFileSync(
      join(dir, 'kubeconfig'),
      `current-context: x
clusters: [{name: c, cluster: {server: "${base}/clusters/root:org"}}]
users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: ./plugin.sh}}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
`,
    );
    server.scripted.push({
      match: () => true,
      status: 401,
      body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 },
      once: true,
    });
    const c = new RestClient(loadRestConfig({ kubeconfig: join(dir, 'kubeconfig') }));
    await c.list(things);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
    await c.list(things); // the new token is cached
    expect(server.requests[2]?.headers.authorization).toBe('Bearer token-2');
    c.close();
  });
});
