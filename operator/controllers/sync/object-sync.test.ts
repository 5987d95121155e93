// runObjectSync against a tiny in-memory API server: what adoption after AlreadyExists stores, and
// that a collision writes nothing.
import { LABEL_AGENT_NAME } from '../../engine/sync/keys.js';
import { objectKeyAnnotations, objectKeyLabels, type ObjectKey } from '../../engine/sync/object-key.js';
import { primarySyncParts } from '../../engine/sync/primary.js';
import { encodeState } from '../../engine/sync/state.js';
import { AlreadyExistsError, NotFoundError } from '../../runtime/client/errors.js';
import type { GVR } from '../../runtime/client/paths.js';
import type { RestClient } from '../../runtime/client/rest.js';
import { runObjectSync } from './object-sync.js';

type Obj = Record<string, any>;
const LOCAL: GVR = { group: 'example.com', version: 'v1', resource: 'crontabs' };
const REMOTE: GVR = { group: 'kcp.example.com', version: 'v1', resource: 'crontabs' };

function server() {
  const objs = new Map<string, Obj>();
  const writes: string[] = [];
  const k = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;
  const client = {
    async get(_g: GVR, name: string, o: { namespace?: string } = {}) {
      const v = objs.get(k(o.namespace, name));
      if (!v) throw new NotFoundError(404, 'NotFound', undefined, 'GET', name);
      return structuredClone(v);
    },
    async create(_g: GVR, obj: Obj) {
      writes.push(`create ${obj.metadata.name}`);
      if (objs.has(k(obj.metadata.namespace, obj.metadata.name)))
        throw new AlreadyExistsError(409, 'AlreadyExists', undefined, 'POST', obj.metadata.name);
      objs.set(k(obj.metadata.namespace, obj.metadata.name), structuredClone(obj));
      return structuredClone(obj);
    },
    async update(_g: GVR, obj: Obj) {
      writes.push(`update ${obj.metadata.name}`);
      objs.set(k(obj.metadata.namespace, obj.metadata.name), structuredClone(obj));
      return structuredClone(obj);
    },
    async patch(_g: GVR, name: string, patch: Obj, _t: string, o: { namespace?: string } = {}) {
      writes.push(`patch ${name} ${JSON.stringify(patch)}`);
      const cur = objs.get(k(o.namespace, name))!;
      const next = { ...cur, ...patch, spec: { ...cur.spec, ...(patch.spec ?? {}) }, metadata: cur.metadata };
      if (patch.metadata?.labels)
        next.metadata = { ...cur.metadata, labels: { ...cur.metadata.labels, ...patch.metadata.labels } };
      objs.set(k(o.namespace, name), next);
      return structuredClone(next);
    },
    async updateStatus(_g: GVR, obj: Obj) {
      return structuredClone(obj);
    },
  };
  return { objs, writes, client: client as unknown as RestClient };
}

const key: ObjectKey = { clusterName: 'team-a', workspacePath: '', namespace: 'default', name: 'db' };
const types = {
  local: { apiVersion: 'example.com/v1', kind: 'CronTab', namespaced: true, subresources: ['status'] },
  remote: { subresources: ['status'] },
};
const parts = (k: ObjectKey) =>
  primarySyncParts({
    key: k,
    agentName: 'agent',
    types,
    naming: { name: () => 'db', namespace: () => 'tenants' },
    mutator: { mutateSpec: (s) => s, mutateStatus: (d) => d },
  });

const kcpObject = (spec: Obj): Obj => ({
  apiVersion: 'kcp.example.com/v1',
  kind: 'CronTab',
  metadata: { name: 'db', namespace: 'default', finalizers: ['syncagent.kcp.io/cleanup'] },
  spec,
});

function run(
  kcp: ReturnType<typeof server>,
  svc: ReturnType<typeof server>,
  k: ObjectKey,
  source: Obj,
  stored?: string,
) {
  return runObjectSync({
    source,
    destination: undefined,
    storedState: stored,
    ...parts(k),
    sourceSide: { client: kcp.client, gvr: REMOTE },
    destinationSide: { client: svc.client, gvr: LOCAL },
    ensureNamespace: async () => undefined,
    recordEvent: () => undefined,
    eventsOn: 'source',
  });
}

describe('runObjectSync: adoption and collisions', () => {
  it('re-found after losing its labels, the copy gets the edit made meanwhile (the old state is kept)', async () => {
    const kcp = server();
    const svc = server();
    // the copy as synced before (state = spec v1), then a provider tool removed all sync metadata
    svc.objs.set('tenants/db', {
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'db', namespace: 'tenants', labels: { app: 'x' } },
      spec: { image: 'v1', providerField: 'kept' },
    });
    const stored = encodeState(
      {
        apiVersion: 'kcp.example.com/v1',
        kind: 'CronTab',
        metadata: { name: 'db', namespace: 'default' },
        spec: { image: 'v1' },
      },
      ['status'],
    );
    const source = kcpObject({ image: 'v2' }); // the consumer's edit while the copy was unlabelled
    kcp.objs.set('default/db', source);
    const r = await run(kcp, svc, key, source, stored);
    const copy = svc.objs.get('tenants/db')!;
    expect(copy.spec).toEqual({ image: 'v2', providerField: 'kept' });
    expect(copy.metadata.labels).toMatchObject({ ...objectKeyLabels(key), [LABEL_AGENT_NAME]: 'agent' });
    expect(r.newState).toContain('"image":"v2"');
    expect(r.collision).toBeUndefined();
  });

  it('without a stored state adoption keeps the existing content (as the Go agent)', async () => {
    const kcp = server();
    const svc = server();
    svc.objs.set('tenants/db', {
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'db', namespace: 'tenants' },
      spec: { image: 'provider' },
    });
    const source = kcpObject({ image: 'consumer' });
    const r = await run(kcp, svc, key, source);
    expect(svc.objs.get('tenants/db')!.spec).toEqual({ image: 'provider' });
    expect(r.newState).toContain('"image":"consumer"');
  });

  it("never adopts another workspace's copy: no write, the collision is returned", async () => {
    const kcp = server();
    const svc = server();
    const theirs = { clusterName: 'team-b', workspacePath: '', namespace: 'default', name: 'db' };
    const victim = {
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      metadata: {
        name: 'db',
        namespace: 'tenants',
        labels: { ...objectKeyLabels(theirs), [LABEL_AGENT_NAME]: 'agent' },
        annotations: objectKeyAnnotations(theirs),
      },
      spec: { image: 'victim' },
    };
    svc.objs.set('tenants/db', structuredClone(victim));
    const r = await run(kcp, svc, key, kcpObject({ image: 'attacker' }));
    expect(r.collision?.owner).toBe('team-b/default/db (agent agent)');
    expect(r.requeue).toBe(false);
    expect(r.newState).toBeUndefined();
    expect(svc.writes).toEqual(['create db']);
    expect(svc.objs.get('tenants/db')).toEqual(victim);
  });
});
