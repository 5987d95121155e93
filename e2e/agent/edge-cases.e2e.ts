// Edge cases of primary sync: cluster-scoped objects (remote only, through projection, and on both
// sides) with the default naming (which fails in the Go agent for cluster-scoped objects), a type without a
// status subresource (status is content and flows down, no back-sync), a local copy deleted on the
// service cluster (recreated), adoption of a pre-existing local object (its content is kept, as in the Go
// agent), and a naming change that does not move existing copies.
import { simpleCrd } from '../world/manifests.js';
import { waitFor } from '../world/wait.js';
import {
  eventsFor,
  startAgentWorld,
  waitForFinalizer,
  waitForObject,
  waitForServed,
  type AgentWorld,
  STEP,
  CRONTABS,
  sha1,
  sha3short,
  publishedResource,
  PRS,
} from './helpers.js';

describe('agent: edge cases', () => {
  let w: AgentWorld;

  beforeAll(async () => {
    w = await startAgentWorld({
      name: 'agent-edges',
      manifests: [
        simpleCrd('scope.example.com', 'Box', 'boxes', { scope: 'Namespaced', status: 'field' }),
        simpleCrd('scope.example.com', 'Global', 'globals', { scope: 'Cluster', status: 'field' }),
        publishedResource('publish-boxes', {
          resource: { apiGroup: 'scope.example.com', kind: 'Box' },
          projection: { scope: 'Cluster' },
        }),
        publishedResource('publish-globals', { resource: { apiGroup: 'scope.example.com', kind: 'Global' } }),
        publishedResource('publish-crontabs', {
          resource: { apiGroup: 'example.com', kind: 'CronTab', versions: ['v1'] },
        }),
      ],
    });
  }, STEP);

  afterAll(async () => {
    await w?.stop();
  }, STEP);

  it(
    'names cluster-scoped kcp objects with the default template (projected scope and both sides)',
    async () => {
      const team = w.provider.teamAdmin(0);
      const cluster = w.provider.teamClusterNames[0]!;
      await waitForServed(w, 0, '/apis/scope.example.com/v1/boxes');
      await waitForServed(w, 0, '/apis/scope.example.com/v1/globals');
      await team.create('/apis/scope.example.com/v1/boxes', {
        apiVersion: 'scope.example.com/v1',
        kind: 'Box',
        metadata: { name: 'crate' },
        spec: { value: 'c' },
      });
      await team.create('/apis/scope.example.com/v1/globals', {
        apiVersion: 'scope.example.com/v1',
        kind: 'Global',
        metadata: { name: 'world' },
        spec: { value: 'g' },
        status: { phase: 'Given' },
      });
      const box = await waitForObject(
        w.service.client,
        `/apis/scope.example.com/v1/namespaces/${cluster}/boxes/a7ffc6f8bf1ed76651c1-${sha3short('crate')}`,
      );
      expect(box.metadata.labels).toEqual({
        'syncagent.kcp.io/agent-name': w.agentName,
        'syncagent.kcp.io/remote-object-cluster': cluster,
        'syncagent.kcp.io/remote-object-name-hash': sha1('crate'),
      });
      expect(box.metadata.annotations).toEqual({ 'syncagent.kcp.io/remote-object-name': 'crate' });

      const global = await waitForObject(
        w.service.client,
        `/apis/scope.example.com/v1/globals/a7ffc6f8bf1ed76651c1-${sha3short('world')}`,
      );
      expect(global.metadata.namespace).toBeUndefined();
      expect(global.spec).toEqual({ value: 'g' });
      // No status subresource: status is ordinary content and flows kcp -> service.
      expect(global.status).toEqual({ phase: 'Given' });
      await waitForFinalizer(team, '/apis/scope.example.com/v1/globals/world');
      await new Promise((r) => setTimeout(r, 2_000));
      const errors = (await eventsFor(team, 'default', 'world')).filter((e) => e.type === 'Warning');
      expect(errors).toEqual([]);
    },
    STEP,
  );

  it(
    'recreates a local copy deleted on the service cluster',
    async () => {
      await waitForServed(w, 1, CRONTABS);
      const team = w.provider.teamAdmin(1);
      const cluster = w.provider.teamClusterNames[1]!;
      await team.create(CRONTABS, {
        apiVersion: 'example.com/v1',
        kind: 'CronTab',
        metadata: { name: 'phoenix' },
        spec: { cronSpec: '3 3 * * *', image: 'p:1', replicas: 1 },
      });
      const localPath = `/apis/example.com/v1/namespaces/${cluster}/crontabs/${sha3short('default')}-${sha3short('phoenix')}`;
      const first = await waitForObject(w.service.client, localPath);
      await w.service.client.delete(localPath);
      const second = await waitFor(
        async () => {
          const l = await w.service.client.getOrUndefined(localPath);
          return l && l.metadata.uid !== first.metadata.uid ? l : undefined;
        },
        { description: 'the deleted local copy to be recreated', timeoutMs: 30_000 },
      );
      expect(second.spec).toEqual({ cronSpec: '3 3 * * *', image: 'p:1', replicas: 1 });
    },
    STEP,
  );

  it(
    'adopts a pre-existing local object, keeping its content until kcp changes a field',
    async () => {
      const team = w.provider.teamAdmin(1);
      const cluster = w.provider.teamClusterNames[1]!;
      const localName = `${sha3short('default')}-${sha3short('adoptee')}`;
      const localColl = `/apis/example.com/v1/namespaces/${cluster}/crontabs`;
      await w.service.client.create(localColl, {
        apiVersion: 'example.com/v1',
        kind: 'CronTab',
        metadata: { name: localName, labels: { owner: 'ops' } },
        spec: { cronSpec: 'local', image: 'local:1', replicas: 7 },
      });
      await team.create(CRONTABS, {
        apiVersion: 'example.com/v1',
        kind: 'CronTab',
        metadata: { name: 'adoptee' },
        spec: { cronSpec: 'remote', image: 'remote:1', replicas: 1 },
      });
      const adopted = await waitFor(
        async () => {
          const l = await w.service.client.get(`${localColl}/${localName}`);
          return l.metadata.labels?.['syncagent.kcp.io/agent-name'] ? l : undefined;
        },
        { description: 'the pre-existing local object to be adopted', timeoutMs: 30_000 },
      );
      expect(adopted.metadata.labels).toEqual({
        owner: 'ops',
        'syncagent.kcp.io/agent-name': w.agentName,
        'syncagent.kcp.io/remote-object-cluster': cluster,
        'syncagent.kcp.io/remote-object-name-hash': sha1('adoptee'),
        'syncagent.kcp.io/remote-object-namespace-hash': sha1('default'),
      });
      expect(adopted.spec).toEqual({ cronSpec: 'local', image: 'local:1', replicas: 7 });
      await team.mergePatch(`${CRONTABS}/adoptee`, { spec: { image: 'remote:2' } });
      const after = await waitFor(
        async () => {
          const l = await w.service.client.get(`${localColl}/${localName}`);
          return l.spec.image === 'remote:2' ? l : undefined;
        },
        { description: 'the later kcp edit to reach the adopted object', timeoutMs: 30_000 },
      );
      expect(after.spec).toEqual({ cronSpec: 'local', image: 'remote:2', replicas: 7 });
    },
    STEP,
  );

  it(
    'keeps existing copies where they are when the naming rules change; new objects use the new rules',
    async () => {
      const team = w.provider.teamAdmin(0);
      const cluster = w.provider.teamClusterNames[0]!;
      await waitForServed(w, 0, CRONTABS);
      await team.create(CRONTABS, {
        apiVersion: 'example.com/v1',
        kind: 'CronTab',
        metadata: { name: 'before-rename' },
        spec: { cronSpec: 'a', image: 'a:1', replicas: 1 },
      });
      const oldPath = `/apis/example.com/v1/namespaces/${cluster}/crontabs/${sha3short('default')}-${sha3short('before-rename')}`;
      await waitForObject(w.service.client, oldPath);
      await w.service.client.mergePatch(`${PRS}/publish-crontabs`, {
        spec: { naming: { name: 'renamed-$remoteName', namespace: 'renamed' } },
      });
      await new Promise((r) => setTimeout(r, 2_000));
      await team.create(CRONTABS, {
        apiVersion: 'example.com/v1',
        kind: 'CronTab',
        metadata: { name: 'after-rename' },
        spec: { cronSpec: 'b', image: 'b:1', replicas: 1 },
      });
      await waitForObject(
        w.service.client,
        '/apis/example.com/v1/namespaces/renamed/crontabs/renamed-after-rename',
      );
      await team.mergePatch(`${CRONTABS}/before-rename`, { spec: { image: 'a:2' } });
      const moved = await waitFor(
        async () => {
          const l = await w.service.client.get(oldPath);
          return l.spec.image === 'a:2' ? l : undefined;
        },
        { description: 'the edit to reach the copy at its old name', timeoutMs: 30_000 },
      );
      expect(moved.metadata.name).toBe(`${sha3short('default')}-${sha3short('before-rename')}`);
      expect(
        await w.service.client.getOrUndefined(
          '/apis/example.com/v1/namespaces/renamed/crontabs/renamed-before-rename',
        ),
      ).toBeUndefined();
    },
    STEP,
  );
});
