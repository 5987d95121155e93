// `related[].watch` (docs/compatibility.md#related-watches): related objects created LATER than the primary's
// sync, found through an owner reference (`byOwner`) or through the primaries' labels (`bySelector`), on the
// service side and in kcp, reach the other side promptly while nobody touches the primary.
// Each delay (write → visible on the other side) is measured and printed.
// Note: the agent's reverse index (related object → primary) notices these objects
// too; this test proves the observable behaviour with `watch` configured, not which path fired first.
import type { KubeObject, RestClient } from '../world/rest.js';
import { sleep, waitFor } from '../world/wait.js';
import {
  createCronTabAndWaitForCopy,
  useAgentWorld,
  waitForRelatedAnnotation,
  waitForServed,
  STEP,
  CRONTABS,
  b64,
  publishCronTabs,
} from './helpers.js';

/** Writes an object, then polls the other side until `check` accepts it; returns the delay in ms. */
async function delayUntil(
  write: () => Promise<unknown>,
  other: RestClient,
  objectPath: string,
  check: (o: KubeObject) => boolean,
  description: string,
): Promise<number> {
  const t0 = performance.now();
  await write();
  await waitFor(
    async () => {
      const o = await other.getOrUndefined(objectPath);
      return o && check(o) ? true : undefined;
    },
    { description, timeoutMs: 30_000, intervalMs: 25 },
  );
  return Math.round(performance.now() - t0);
}

describe('agent: related resources with watch.byOwner and watch.bySelector', () => {
  const world = useAgentWorld({
    name: 'agent-related-watch',
    manifests: [
      publishCronTabs({
        related: [
          {
            identifier: 'owned',
            origin: 'service',
            kind: 'Secret',
            watch: { byOwner: {} },
            object: { template: { template: '{{ .Object.metadata.name }}-owned' } },
          },
          {
            identifier: 'selected',
            origin: 'service',
            kind: 'ConfigMap',
            watch: { bySelector: { matchLabels: { tier: 'gold' } } },
            object: { template: { template: '{{ .Object.metadata.name }}-selected' } },
          },
          {
            identifier: 'notes',
            origin: 'kcp',
            group: '',
            version: 'v1',
            resource: 'configmaps',
            watch: { byOwner: {} },
            object: { template: { template: '{{ .Object.metadata.name }}-notes' } },
          },
          {
            identifier: 'tokens',
            origin: 'kcp',
            kind: 'Secret',
            watch: { bySelector: { matchLabels: { tier: 'gold' } } },
            object: { template: { template: '{{ .Object.metadata.name }}-token' } },
          },
        ],
      }),
    ],
  });

  it(
    'carries later-created owned and selected objects across without an edit of the primary',
    async () => {
      const w = world();
      const cluster = w.provider.teamClusterNames[0]!;
      await waitForServed(w, 0, CRONTABS);
      const kcp = w.provider.teamAdmin(0);
      const svc = w.service.client;
      const local = await createCronTabAndWaitForCopy(w, 'hourly', { tier: 'gold' });
      const localName = local.metadata.name;
      const primary = await kcp.get(`${CRONTABS}/hourly`);
      // Let the primary's first reconciles (finalizer, copy, related pass) settle.
      await sleep(2_000);
      const delays: Record<string, number> = {};

      // byOwner, service side: a Secret owned by the local copy.
      delays['byOwner service->kcp create'] = await delayUntil(
        () =>
          svc.create(`/api/v1/namespaces/${cluster}/secrets`, {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: {
              name: `${localName}-owned`,
              namespace: cluster,
              ownerReferences: [
                { apiVersion: 'example.com/v1', kind: 'CronTab', name: localName, uid: local.metadata.uid },
              ],
            },
            data: { token: b64('one') },
          }),
        kcp,
        '/api/v1/namespaces/default/secrets/hourly-owned',
        (o) => o.data?.token === b64('one'),
        'the owned Secret in kcp',
      );
      delays['byOwner service->kcp update'] = await delayUntil(
        () =>
          svc.mergePatch(`/api/v1/namespaces/${cluster}/secrets/${localName}-owned`, {
            data: { token: b64('two') },
          }),
        kcp,
        '/api/v1/namespaces/default/secrets/hourly-owned',
        (o) => o.data?.token === b64('two'),
        'the owned Secret update in kcp',
      );

      // bySelector, service side: a ConfigMap of the primary labelled tier=gold.
      delays['bySelector service->kcp create'] = await delayUntil(
        () =>
          svc.create(`/api/v1/namespaces/${cluster}/configmaps`, {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: `${localName}-selected`, namespace: cluster },
            data: { level: 'gold' },
          }),
        kcp,
        '/api/v1/namespaces/default/configmaps/hourly-selected',
        (o) => o.data?.level === 'gold',
        'the selected ConfigMap in kcp',
      );
      delays['bySelector service->kcp update'] = await delayUntil(
        () =>
          svc.mergePatch(`/api/v1/namespaces/${cluster}/configmaps/${localName}-selected`, {
            data: { level: 'platinum' },
          }),
        kcp,
        '/api/v1/namespaces/default/configmaps/hourly-selected',
        (o) => o.data?.level === 'platinum',
        'the selected ConfigMap update in kcp',
      );

      // byOwner, kcp side: a ConfigMap owned by the kcp primary.
      delays['byOwner kcp->service create'] = await delayUntil(
        () =>
          kcp.create('/api/v1/namespaces/default/configmaps', {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: {
              name: 'hourly-notes',
              namespace: 'default',
              ownerReferences: [
                { apiVersion: 'example.com/v1', kind: 'CronTab', name: 'hourly', uid: primary.metadata.uid },
              ],
            },
            data: { note: 'first' },
          }),
        svc,
        `/api/v1/namespaces/${cluster}/configmaps/${localName}-notes`,
        (o) => o.data?.note === 'first',
        'the owned kcp ConfigMap on the service cluster',
      );
      delays['byOwner kcp->service update'] = await delayUntil(
        () =>
          kcp.mergePatch('/api/v1/namespaces/default/configmaps/hourly-notes', { data: { note: 'second' } }),
        svc,
        `/api/v1/namespaces/${cluster}/configmaps/${localName}-notes`,
        (o) => o.data?.note === 'second',
        'the owned kcp ConfigMap update on the service cluster',
      );

      // bySelector, kcp side: a Secret of the kcp primary labelled tier=gold.
      delays['bySelector kcp->service create'] = await delayUntil(
        () =>
          kcp.create('/api/v1/namespaces/default/secrets', {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 'hourly-token', namespace: 'default' },
            data: { token: b64('t1') },
          }),
        svc,
        `/api/v1/namespaces/${cluster}/secrets/${localName}-token`,
        (o) => o.data?.token === b64('t1'),
        'the selected kcp Secret on the service cluster',
      );
      delays['bySelector kcp->service update'] = await delayUntil(
        () =>
          kcp.mergePatch('/api/v1/namespaces/default/secrets/hourly-token', { data: { token: b64('t2') } }),
        svc,
        `/api/v1/namespaces/${cluster}/secrets/${localName}-token`,
        (o) => o.data?.token === b64('t2'),
        'the selected kcp Secret update on the service cluster',
      );
      console.log(
        `related watch delays (ms): ${Object.entries(delays)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
      // Each within 2 s (slow steps are listed by name on failure).
      expect(Object.entries(delays).filter(([, ms]) => ms >= 2_000)).toEqual([]);

      // Nobody touched the primary's spec: still generation 1 (the agent only adds annotations).
      const after = await kcp.get(`${CRONTABS}/hourly`);
      expect(after.metadata.generation).toBe(1);
      expect(await waitForRelatedAnnotation(kcp, `${CRONTABS}/hourly`, 'owned')).toBe(
        '{"namespace":"default","name":"hourly-owned","apiVersion":"v1","kind":"Secret"}',
      );
      expect(await waitForRelatedAnnotation(kcp, `${CRONTABS}/hourly`, 'selected')).toBe(
        '{"namespace":"default","name":"hourly-selected","apiVersion":"v1","kind":"ConfigMap"}',
      );
    },
    STEP,
  );
});
