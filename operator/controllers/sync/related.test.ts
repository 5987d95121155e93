// RelatedSync.process against in-memory API servers: a failing entry warns (naming its identifier)
// without stopping the next one; a service-origin object is created in kcp with the related annotation,
// its state stored in the primary's Secret, and the reverse index fed.
import type { PublishedResource } from '../../apis/v1alpha1/types.js';
import { resourcePath, type GVR } from '../../runtime/client/paths.js';
import { RestClient } from '../../runtime/client/rest.js';
import type { KubeObject } from '../../runtime/client/types.js';
import { silentLogger } from '../../runtime/log.js';
import { testRestConfig } from '../../runtime/testing/config.js';
import { FakeObjectServer } from '../../runtime/testing/fake-multi.js';
import { RelatedSync, type RelatedDeps } from './related.js';

type Obj = Record<string, any>;

const servers: FakeObjectServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

/** A fake API server serving the given core resources (plural -> kind) in discovery, and its client. */
async function fakeServer(kinds: Record<string, string>) {
  const server = new FakeObjectServer().serve(
    ...Object.entries(kinds).map(([resource, kind]) => ({
      group: '',
      version: 'v1',
      resource,
      kind,
      namespaced: true,
    })),
  );
  await server.start();
  servers.push(server);
  const client = new RestClient(testRestConfig(server.url));
  return {
    client,
    /** The stored object, as a copy. */
    stored: (gvr: GVR, namespace: string, name: string) => server.get(resourcePath({ gvr, namespace, name })),
  };
}

const SECRETS: GVR = { group: '', version: 'v1', resource: 'secrets' };
const CRONTABS: GVR = { group: 'example.com', version: 'v1', resource: 'crontabs' };

describe('RelatedSync.process', () => {
  it('isolates a failing entry and syncs a service-origin Secret into kcp with the annotation', async () => {
    const kcp = await fakeServer({ secrets: 'Secret' });
    const svc = await fakeServer({ secrets: 'Secret' });
    const remote = {
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'nightly', namespace: 'default', labels: { a: 'x' } },
    };
    const local = { ...remote, metadata: { name: 'hash', namespace: 'ws1', labels: {} } };
    await kcp.client.create(CRONTABS, remote);
    await svc.client.create(SECRETS, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'hash-creds', namespace: 'ws1', uid: 'u1' },
      data: { password: 'c2VjcmV0' },
    });
    const events: string[] = [];
    const state = new Map<string, string>();
    const pr = {
      metadata: { name: 'pr' },
      spec: {
        resource: { apiGroup: 'example.com', kind: 'CronTab' },
        related: [
          {
            // label `a` exists on kcp only: 1 name on the origin (kcp), 0 on the destination.
            identifier: 'broken',
            origin: 'kcp',
            kind: 'Secret',
            object: { reference: { path: 'metadata.labels.a' } },
          },
          {
            identifier: 'creds',
            origin: 'service',
            kind: 'Secret',
            object: { template: { template: '{{ .Object.metadata.name }}-creds' } },
          },
        ],
      },
    } as unknown as PublishedResource;
    const deps = {
      pr,
      types: { remote: { gvr: CRONTABS, apiVersion: 'example.com/v1', kind: 'CronTab' } },
      localClient: svc.client,
      state: {
        read: (_s: string, k: string) => state.get(k),
        write: async (_s: string, _l: unknown, e: Record<string, string>) => {
          for (const [k, v] of Object.entries(e)) state.set(k, v);
        },
      },
      recorder: {
        event: async (_c: unknown, o: KubeObject, type: string, reason: string, message: string) => {
          events.push(`${type} ${reason} ${o.metadata?.name}: ${message}`);
        },
      },
      log: silentLogger(),
      enqueue: () => undefined,
    } as unknown as RelatedDeps;
    const rs = new RelatedSync(deps);
    const req = { cluster: 'ws1', namespace: 'default', name: 'nightly' };
    const pair = {
      req,
      workspacePath: '',
      remote: structuredClone(remote),
      local,
      kcpClient: kcp.client,
      secretName: 's',
      secretLabels: {},
      signal: new AbortController().signal,
      log: silentLogger(),
    };
    const r = await rs.process(pair, false);

    expect(events[0]).toBe(
      'Warning RelatedResourceFailed nightly: Failed to sync related resource "broken": failed to resolve objects: failed to find objects on origin side: cannot sync related resources: found 1 names on the origin, but 0 on the destination side',
    );
    const copy = kcp.stored(SECRETS, 'default', 'nightly-creds');
    expect(copy?.data).toEqual({ password: 'c2VjcmV0' });
    expect(copy?.metadata.uid).not.toBe('u1'); // the service-side uid is not copied
    expect(events).toContain('Normal ObjectPlaced nightly-creds: Object has been placed.');
    expect(kcp.stored(CRONTABS, 'default', 'nightly')?.metadata.annotations).toEqual({
      'related-resources.syncagent.kcp.io/creds.0':
        '{"namespace":"default","name":"nightly-creds","apiVersion":"v1","kind":"Secret"}',
    });
    expect(r.requeue).toBe(true); // the annotation patch asks for another look
    expect(state.size).toBe(1);
    expect(rs.index.lookup('service', 'v1/secrets', '', 'ws1', 'hash-creds')).toEqual([req]);
    expect(rs.index.lookup('kcp', 'v1/secrets', 'ws1', 'default', 'nightly-creds')).toEqual([req]);
  });

  it('does not hold a primary deletion back for a failing entry with nothing to clean up', async () => {
    for (const cleanup of [false, true]) {
      const kcp = await fakeServer({}); // the Secret type is not served in kcp (claim not accepted)
      const svc = await fakeServer({ secrets: 'Secret' });
      await svc.client.create(SECRETS, { metadata: { name: 'p-creds', namespace: 'ws1' } });
      const events: string[] = [];
      const rs = new RelatedSync({
        pr: {
          metadata: {},
          spec: {
            related: [
              {
                identifier: 'creds',
                origin: 'service',
                kind: 'Secret',
                cleanup,
                object: { template: { template: '{{ .Object.metadata.name }}-creds' } },
              },
            ],
          },
        },
        localClient: svc.client,
        state: { read: () => undefined, write: async () => undefined },
        recorder: {
          event: async (_c: unknown, _o: unknown, _t: string, _r: string, m: string) => events.push(m),
        },
        log: silentLogger(),
      } as unknown as RelatedDeps);
      const r = await rs.process(
        {
          req: { cluster: 'ws1', namespace: 'default', name: 'p' },
          workspacePath: '',
          remote: { metadata: { name: 'p', namespace: 'default', deletionTimestamp: 'now' } },
          local: { metadata: { name: 'p', namespace: 'ws1' } },
          kcpClient: kcp.client,
          secretName: 's',
          secretLabels: {},
          signal: new AbortController().signal,
          log: silentLogger(),
        },
        true,
      );
      expect(r.requeue).toBe(cleanup);
      expect(events).toEqual([
        'Failed to sync related resource "creds": v1/secrets is not served on the kcp side (is the permission claim for secrets accepted in this workspace?)',
      ]);
    }
  });

  it('rejects an allowedNamespaces selector that cannot be parsed', () => {
    const rel = {
      identifier: 'x',
      origin: 'kcp',
      kind: 'Secret',
      object: { template: { template: 'a' } },
      allowedNamespaces: { selector: { matchExpressions: [{ key: 'a', operator: 'Sometimes' }] } },
    };
    expect(
      () =>
        new RelatedSync({
          pr: { metadata: {}, spec: { related: [rel] } },
          log: silentLogger(),
        } as unknown as RelatedDeps),
    ).toThrow('spec.related[0].allowedNamespaces.selector:');
  });

  it('rejects duplicate identifiers', () => {
    const rel = { identifier: 'x', origin: 'kcp', kind: 'Secret', object: { template: { template: 'a' } } };
    expect(
      () =>
        new RelatedSync({
          pr: { metadata: {}, spec: { related: [rel, rel] } },
          log: silentLogger(),
        } as unknown as RelatedDeps),
    ).toThrow('spec.related[1].identifier: duplicate identifier "x"');
  });

  describe('confinement and ownership (engine/related/confine.ts)', () => {
    const remote = {
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'p', namespace: 'default', annotations: { ns: 'ws2', secret: 'creds', own: 'prov' } },
    };
    const local = { ...remote, metadata: { ...remote.metadata, name: 'hash', namespace: 'ws1' } };
    async function run(
      related: unknown[],
      setup: (kcp: any, svc: any) => Promise<void>,
      stored?: string,
      annotations: Record<string, string> = {},
    ) {
      const withAnn = (o: Obj) => ({
        ...o,
        metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, ...annotations } },
      });
      const kcp = await fakeServer({ secrets: 'Secret' });
      const svc = await fakeServer({ secrets: 'Secret' });
      await kcp.client.create(CRONTABS, structuredClone(remote));
      await setup(kcp, svc);
      const events: string[] = [];
      const gets: string[] = [];
      const get = svc.client.get.bind(svc.client);
      (svc.client as any).get = (gvr: GVR, name: string, o: { namespace?: string } = {}) => {
        gets.push(`${o.namespace}/${name}`);
        return get(gvr, name, o);
      };
      const rs = new RelatedSync({
        pr: { metadata: {}, spec: { related } },
        types: { remote: { gvr: CRONTABS } },
        localClient: svc.client,
        state: { namespace: 'agent-ns', read: () => stored, write: async () => undefined },
        recorder: {
          event: async (_c: unknown, _o: unknown, t: string, r: string, m: string) =>
            events.push(`${t} ${r} ${m}`),
        },
        log: silentLogger(),
      } as unknown as RelatedDeps);
      await rs.process(
        {
          req: { cluster: 'ws1', namespace: 'default', name: 'p' },
          workspacePath: '',
          remote: withAnn(structuredClone(remote)),
          local: withAnn(structuredClone(local)),
          kcpClient: kcp.client,
          secretName: 's',
          secretLabels: {},
          signal: new AbortController().signal,
          log: silentLogger(),
        },
        false,
      );
      return { kcp, svc, events, gets };
    }
    const byRef = {
      identifier: 'x',
      origin: 'service',
      kind: 'Secret',
      object: {
        namespace: { reference: { path: 'metadata.annotations.ns' } },
        reference: { path: 'metadata.annotations.secret' },
      },
    };

    it('never reads a service-origin object in a namespace outside the confinement', async () => {
      const r = await run([byRef], async (_k, svc) => {
        await svc.client.create(SECRETS, { metadata: { name: 'creds', namespace: 'ws2' }, data: { a: 'b' } });
      });
      expect(r.gets).toEqual([]);
      expect(r.events).toEqual([
        'Warning RelatedResourceRefused Related resource "x": refused the origin ws2/creds: namespace "ws2" comes from the consumer\'s object and is neither the namespace of its copy ("ws1") nor allowed by allowedNamespaces',
      ]);
      expect(r.kcp.stored(SECRETS, 'ws2', 'creds')).toBeUndefined();
    });

    it('allows it when listed, never the agent namespace', async () => {
      const listed = await run([{ ...byRef, allowedNamespaces: { names: ['ws2'] } }], async (_k, svc) => {
        await svc.client.create(SECRETS, { metadata: { name: 'creds', namespace: 'ws2' }, data: { a: 'b' } });
      });
      expect(listed.kcp.stored(SECRETS, 'ws2', 'creds')?.data).toEqual({ a: 'b' });
      const agent = await run(
        [{ ...byRef, allowedNamespaces: { names: ['agent-ns'] } }],
        async (_k, svc) => {
          await svc.client.create(SECRETS, { metadata: { name: 'creds', namespace: 'agent-ns' } });
        },
        undefined,
        { ns: 'agent-ns' },
      );
      expect(agent.gets).toEqual([]);
      expect(agent.events).toEqual([
        'Warning RelatedResourceRefused Related resource "x": refused the origin agent-ns/creds: namespace "agent-ns" is the agent\'s own namespace, which related objects never use',
      ]);
    });

    const kcpOwn = {
      identifier: 'cfg',
      origin: 'kcp',
      kind: 'Secret',
      object: { reference: { path: 'metadata.annotations.own' } },
    };
    const kcpSecret = { metadata: { name: 'prov', namespace: 'default' }, data: { v: 'consumer' } };

    it('does not list objects in a namespace outside the confinement (object selector)', async () => {
      const lists: string[] = [];
      const r = await run(
        [
          {
            identifier: 'sel',
            origin: 'service',
            kind: 'Secret',
            object: {
              namespace: { reference: { path: 'metadata.annotations.ns' } },
              selector: { matchLabels: { a: 'b' }, rewrite: { template: { template: '{{ .Value }}' } } },
            },
          },
        ],
        async (_k, svc) => {
          const listAll = svc.client.listAll.bind(svc.client);
          svc.client.listAll = (gvr: GVR, o: { namespace?: string } = {}) => {
            lists.push(`${o.namespace}`);
            return listAll(gvr, o);
          };
        },
      );
      expect(lists).toEqual([]);
      expect(r.events[0]).toContain('Related resource "sel": refused to list objects in namespace "ws2"');
    });

    it('creates service-side destinations with the related-owner annotation (not the forged one)', async () => {
      const r = await run([kcpOwn], async (kcp) => {
        const forged = structuredClone(kcpSecret) as Obj;
        forged.metadata.annotations = { 'syncagent.kcp.io/related-owner': 'other/default/victim' };
        await kcp.client.create(SECRETS, forged);
      });
      const created = r.svc.stored(SECRETS, 'ws1', 'prov');
      expect(created?.data).toEqual({ v: 'consumer' });
      expect(created?.metadata.annotations).toEqual({ 'syncagent.kcp.io/related-owner': 'ws1/default/p' });
    });

    it('leaves an existing destination it does not own untouched, and takes over one with a state entry', async () => {
      const setup = async (kcp: any, svc: any) => {
        await kcp.client.create(SECRETS, structuredClone(kcpSecret));
        await svc.client.create(SECRETS, {
          metadata: { name: 'prov', namespace: 'ws1' },
          data: { v: 'provider' },
        });
      };
      const r = await run([kcpOwn], setup);
      expect(r.svc.stored(SECRETS, 'ws1', 'prov')?.data).toEqual({ v: 'provider' });
      expect(r.svc.stored(SECRETS, 'ws1', 'prov')?.metadata.annotations).toBeUndefined();
      expect(r.events).toEqual([
        'Warning RelatedResourceRefused Related resource "cfg": refused the destination ws1/prov: it exists and was not created for this object (no syncagent.kcp.io/related-owner annotation, no state entry)',
      ]);
      const migrated = await run(
        [kcpOwn],
        setup,
        '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"prov","namespace":"default"},"data":{"v":"old"}}',
      );
      const dest = migrated.svc.stored(SECRETS, 'ws1', 'prov');
      expect(dest?.metadata.annotations).toEqual({ 'syncagent.kcp.io/related-owner': 'ws1/default/p' });
      expect(dest?.data).toEqual({ v: 'consumer' });
    });

    it('refuses invalid names before any request', async () => {
      const r = await run(
        [{ ...kcpOwn, object: { reference: { path: 'metadata.annotations.bad' } } }],
        async () => undefined,
        undefined,
        { bad: '..' },
      );
      expect(r.events).toEqual([
        expect.stringContaining(
          'Related resource "cfg": invalid origin name "..": must be a lowercase RFC 1123 subdomain',
        ),
      ]);
      expect(r.gets).toEqual([]);
    });
  });
});
