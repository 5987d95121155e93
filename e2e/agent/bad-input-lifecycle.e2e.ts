// Bad input and lifecycle: a CEL mutation that fails for one consumer object (a Warning event on that object
// in kcp, its neighbours keep syncing), a PublishedResource with an invalid regex (reported on the PR, the
// others keep syncing), an object that stops matching the filter but carries our finalizer (still cleaned up
// on deletion, and its state Secret removed), and a deleted PublishedResource whose sync controller stops.
import { simpleCrd } from '../world/manifests.js';
import type { KubeObject } from '../world/rest.js';
import { waitFor } from '../world/wait.js';
import {
  eventsFor,
  getPublishedResource,
  startAgentWorld,
  waitForFinalizer,
  waitForObject,
  waitForSchemaName,
  waitForServed,
  type AgentWorld,
  STEP,
  CRONTABS,
  sha1,
  sha3short,
  publishedResource,
  PRS,
} from './helpers.js';

const THINGS = '/apis/cel.example.com/v1/namespaces/default/things';
const ODDS = '/apis/regex.example.com/v1/namespaces/default/odds';

describe('agent: bad input and lifecycle', () => {
  let w: AgentWorld;

  beforeAll(async () => {
    w = await startAgentWorld({
      name: 'agent-badinput',
      manifests: [
        simpleCrd('cel.example.com', 'Thing', 'things', { status: 'none' }),
        simpleCrd('regex.example.com', 'Odd', 'odds', { status: 'none' }),
        publishedResource('publish-things-cel', {
          resource: { apiGroup: 'cel.example.com', kind: 'Thing' },
          mutation: { spec: [{ cel: { path: 'spec.value', expression: 'string(int(value) * 2)' } }] },
        }),
        publishedResource('publish-odds-regex', {
          resource: { apiGroup: 'regex.example.com', kind: 'Odd' },
          mutation: { spec: [{ regex: { path: 'spec.value', pattern: '(unclosed', replacement: 'x' } }] },
        }),
        publishedResource('publish-crontabs-filtered', {
          resource: { apiGroup: 'example.com', kind: 'CronTab', versions: ['v1'] },
          filter: { resource: { matchLabels: { sync: 'yes' } } },
        }),
      ],
    });
  }, STEP);

  afterAll(async () => {
    await w?.stop();
  }, STEP);

  it(
    'reports a consumer object whose CEL mutation fails in kcp and keeps syncing the others',
    async () => {
      await waitForServed(w, 0, THINGS);
      const team = w.provider.teamAdmin(0);
      const cluster = w.provider.teamClusterNames[0]!;
      const thing = (name: string, value: string) => ({
        apiVersion: 'cel.example.com/v1',
        kind: 'Thing',
        metadata: { name },
        spec: { value },
      });
      await team.create(THINGS, thing('doubled', '21'));
      await team.create(THINGS, thing('not-a-number', 'abc'));
      const local = await waitForObject(
        w.service.client,
        `/apis/cel.example.com/v1/namespaces/${cluster}/things/${sha3short('default')}-${sha3short('doubled')}`,
      );
      expect(local.spec).toEqual({ value: '42' });
      const ev = await waitFor(
        async () =>
          (await eventsFor(team, 'default', 'not-a-number')).find((e) => e.reason === 'ReconcilingError'),
        { description: 'ReconcilingError event on Thing default/not-a-number' },
      );
      expect(ev.type).toBe('Warning');
      expect(ev.message).toBe('Failed to process object: a provider-side issue has occurred.');
      await team.create(THINGS, thing('later', '5'));
      const later = await waitForObject(
        w.service.client,
        `/apis/cel.example.com/v1/namespaces/${cluster}/things/${sha3short('default')}-${sha3short('later')}`,
      );
      expect(later.spec).toEqual({ value: '10' });
      expect(w.agent.hasExited()).toBe(false);
    },
    STEP,
  );

  it(
    'reports a PublishedResource with an invalid regex on itself',
    async () => {
      await waitForSchemaName(w, 'publish-odds-regex');
      const ev = await waitFor(
        async () =>
          (await eventsFor(w.service.client, 'default', 'publish-odds-regex')).find(
            (e) => e.reason === 'ReconcilingError',
          ),
        { description: 'ReconcilingError event on publish-odds-regex' },
      );
      expect(ev.type).toBe('Warning');
      expect(ev.message).toContain('(unclosed');
      const cond = await waitFor(
        async () =>
          ((await getPublishedResource(w, 'publish-odds-regex')).status?.conditions ?? []).find(
            (c: { type: string; status: string }) => c.type === 'Syncing' && c.status === 'False',
          ),
        { description: 'Syncing=False on publish-odds-regex' },
      );
      expect(cond.reason).toBe('InvalidConfiguration');
      const ready = (
        (await getPublishedResource(w, 'publish-odds-regex')).status.conditions as KubeObject[]
      ).find((c) => c.type === 'Ready');
      expect(ready?.status).toBe('False');
      // An Odd in kcp is left alone (no finalizer); the agent keeps running.
      await waitForServed(w, 1, ODDS);
      await w.provider.teamAdmin(1).create(ODDS, {
        apiVersion: 'regex.example.com/v1',
        kind: 'Odd',
        metadata: { name: 'odd-one' },
        spec: { value: 'v' },
      });
      await new Promise((r) => setTimeout(r, 3_000));
      const odd = await w.provider.teamAdmin(1).get(`${ODDS}/odd-one`);
      expect(odd.metadata.finalizers).toBeUndefined();
      expect(w.agent.hasExited()).toBe(false);
    },
    STEP,
  );

  it(
    'cleans up an object that no longer matches the filter but carries the finalizer, and its state Secret',
    async () => {
      await waitForServed(w, 1, CRONTABS);
      const team = w.provider.teamAdmin(1);
      const cluster = w.provider.teamClusterNames[1]!;
      await team.create(CRONTABS, {
        apiVersion: 'example.com/v1',
        kind: 'CronTab',
        metadata: { name: 'leaver', labels: { sync: 'yes' } },
        spec: { cronSpec: '0 0 * * *', image: 'l:1', replicas: 1 },
      });
      const localPath = `/apis/example.com/v1/namespaces/${cluster}/crontabs/${sha3short('default')}-${sha3short('leaver')}`;
      await waitForObject(w.service.client, localPath);
      await waitForFinalizer(team, `${CRONTABS}/leaver`);
      const secretName = `obj-state-${cluster}-${sha1(
        JSON.stringify({
          apiVersion: 'example.com/v1',
          kind: 'CronTab',
          name: 'leaver',
          namespace: 'default',
        }) + '\n',
      ).slice(0, 20)}`;
      const secretPath = `/api/v1/namespaces/kube-system/secrets/${secretName}`;
      await waitForObject(w.service.client, secretPath);

      await team.mergePatch(`${CRONTABS}/leaver`, { metadata: { labels: { sync: 'no' } } });
      await team.delete(`${CRONTABS}/leaver`);
      await waitFor(async () => ((await w.service.client.getOrUndefined(localPath)) ? undefined : true), {
        description: 'the local copy of the no-longer-matching object to be deleted',
        timeoutMs: 30_000,
      });
      await waitFor(async () => ((await team.getOrUndefined(`${CRONTABS}/leaver`)) ? undefined : true), {
        description: 'the kcp object to be released and gone',
        timeoutMs: 30_000,
      });
      await waitFor(async () => ((await w.service.client.getOrUndefined(secretPath)) ? undefined : true), {
        description: `state Secret ${secretName} to be deleted`,
        timeoutMs: 30_000,
      });
    },
    STEP,
  );

  it(
    'stops syncing a deleted PublishedResource',
    async () => {
      await w.service.client.delete(`${PRS}/publish-things-cel`);
      await new Promise((r) => setTimeout(r, 2_000));
      const team = w.provider.teamAdmin(1);
      await waitForServed(w, 1, THINGS);
      await team.create(THINGS, {
        apiVersion: 'cel.example.com/v1',
        kind: 'Thing',
        metadata: { name: 'orphan' },
        spec: { value: '1' },
      });
      // A CronTab created at the same time is synced, proving the agent is alive meanwhile.
      await team.create(CRONTABS, {
        apiVersion: 'example.com/v1',
        kind: 'CronTab',
        metadata: { name: 'witness', labels: { sync: 'yes' } },
        spec: { cronSpec: '0 1 * * *', image: 'w:1', replicas: 1 },
      });
      await waitForFinalizer(team, `${CRONTABS}/witness`);
      await new Promise((r) => setTimeout(r, 2_000));
      const orphan = await team.get(`${THINGS}/orphan`);
      expect(orphan.metadata.finalizers).toBeUndefined();
    },
    STEP,
  );
});
