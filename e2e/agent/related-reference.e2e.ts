// Related objects in a namespace named by a field of the primary (`namespace.reference`), in
// both directions, and bad input: references that yield different counts on the two sides
// (for names and for namespaces). The primary's mutation deletes the label `stripped` from the local
// copy, so a reference to it finds one value in kcp and none on the service cluster: a Warning event
// on the kcp primary names the related identifier and the counts, and everything else keeps syncing.
// A selector that matches nothing gets a Warning event naming the identifier too.
import type { KubeObject } from '../world/rest.js';
import { waitFor } from '../world/wait.js';
import {
  createCronTabAndWaitForCopy,
  eventsFor,
  localCronTabPath,
  useAgentWorld,
  waitForRelatedAnnotation,
  waitForServed,
  STEP,
  CRONTABS,
  b64,
  publishCronTabs,
} from './helpers.js';

const SETTINGS_NS = 'team-settings';

describe('agent: related objects in a namespace chosen by reference; count mismatches', () => {
  let localName: string;
  const world = useAgentWorld({
    name: 'agent-related-reference',
    manifests: [
      publishCronTabs({
        mutation: { spec: [{ delete: { path: 'metadata.labels.stripped' } }] },
        related: [
          // Bad input first: the entries after them must still be synced.
          {
            identifier: 'mismatched-names',
            origin: 'kcp',
            kind: 'ConfigMap',
            object: { reference: { path: 'metadata.labels.stripped' } },
          },
          {
            identifier: 'mismatched-namespaces',
            origin: 'kcp',
            kind: 'ConfigMap',
            object: {
              namespace: { reference: { path: 'metadata.labels.stripped' } },
              template: { template: 'anything' },
            },
          },
          {
            identifier: 'no-match',
            origin: 'service',
            kind: 'ConfigMap',
            object: {
              selector: {
                matchLabels: { 'matches-nothing': 'true' },
                rewrite: { template: { template: '{{ .Value }}' } },
              },
            },
          },
          {
            identifier: 'limits',
            allowedNamespaces: { names: [SETTINGS_NS] },
            origin: 'kcp',
            kind: 'ConfigMap',
            object: {
              namespace: { reference: { path: 'metadata.labels.config-namespace' } },
              reference: { path: 'metadata.labels.config-name' },
            },
          },
          {
            identifier: 'credentials',
            allowedNamespaces: { names: [SETTINGS_NS] },
            origin: 'service',
            kind: 'Secret',
            object: {
              namespace: { reference: { path: 'metadata.labels.config-namespace' } },
              template: { template: '{{ .Object.metadata.name }}-creds' },
            },
          },
        ],
      }),
    ],
  });

  it(
    'syncs related objects in the referenced namespace both ways',
    async () => {
      const w = world();
      await waitForServed(w, 0, CRONTABS);
      const kcp = w.provider.teamAdmin(0);
      const svc = w.service.client;
      await kcp.create('/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: SETTINGS_NS },
      });
      await kcp.create(`/api/v1/namespaces/${SETTINGS_NS}/configmaps`, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'limits', namespace: SETTINGS_NS },
        data: { cpu: '1' },
      });
      // What the mismatching name reference would point at in kcp: it must not be copied.
      await kcp.create('/api/v1/namespaces/default/configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'only-in-kcp', namespace: 'default' },
        data: { never: 'copied' },
      });
      const local = await createCronTabAndWaitForCopy(w, 'daily', {
        'config-namespace': SETTINGS_NS,
        'config-name': 'limits',
        stripped: 'only-in-kcp',
      });
      localName = String(local.metadata.name);
      expect(local.metadata.labels?.stripped).toBeUndefined();

      // kcp → service: same namespace name on the service cluster (the reference reads the local copy).
      const limits = await waitFor(
        () => svc.getOrUndefined(`/api/v1/namespaces/${SETTINGS_NS}/configmaps/limits`),
        {
          description: 'the referenced ConfigMap in the referenced namespace on the service cluster',
          timeoutMs: 60_000,
        },
      );
      expect(limits.data).toEqual({ cpu: '1' });
      expect(
        (await kcp.get(`/api/v1/namespaces/${SETTINGS_NS}/configmaps/limits`)).metadata.finalizers,
      ).toEqual(['syncagent.kcp.io/cleanup']);

      // service → kcp: the provider's operator writes credentials into the referenced namespace.
      await svc.create(`/api/v1/namespaces/${SETTINGS_NS}/secrets`, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `${localName}-creds`, namespace: SETTINGS_NS },
        data: { password: b64('s3cret') },
      });
      const creds = await waitFor(
        () => kcp.getOrUndefined(`/api/v1/namespaces/${SETTINGS_NS}/secrets/daily-creds`),
        {
          description: 'the service-origin Secret in the referenced kcp namespace',
          timeoutMs: 60_000,
        },
      );
      expect(creds.data).toEqual({ password: b64('s3cret') });
      expect(await waitForRelatedAnnotation(kcp, `${CRONTABS}/daily`, 'credentials')).toBe(
        `{"namespace":"${SETTINGS_NS}","name":"daily-creds","apiVersion":"v1","kind":"Secret"}`,
      );
    },
    STEP,
  );

  it(
    'warns about each count mismatch by identifier and keeps syncing everything else',
    async () => {
      const w = world();
      const cluster = w.provider.teamClusterNames[0]!;
      const kcp = w.provider.teamAdmin(0);
      const svc = w.service.client;
      const warningFor = (identifier: string): Promise<KubeObject> =>
        waitFor(
          async () =>
            (await eventsFor(kcp, 'default', 'daily')).find(
              (e) => e.type === 'Warning' && String(e.message).includes(`"${identifier}"`),
            ),
          { description: `a Warning event naming the related identifier "${identifier}"`, timeoutMs: 30_000 },
        );
      const names = await warningFor('mismatched-names');
      const namespaces = await warningFor('mismatched-namespaces');
      console.log(`warning: ${names.reason}: ${names.message}`);
      console.log(`warning: ${namespaces.reason}: ${namespaces.message}`);
      expect(names.reason).toBe('RelatedResourceFailed');
      expect(String(names.message)).toContain(
        'cannot sync related resources: found 1 names on the origin, but 0 on the destination side',
      );
      const noMatch = await warningFor('no-match');
      console.log(`warning: ${noMatch.reason}: ${noMatch.message}`);
      expect(noMatch.message).toBe(
        'Related resource "no-match": the selector matches no objects on the service side.',
      );
      expect(namespaces.reason).toBe('RelatedResourceFailed');
      expect(String(namespaces.message)).toContain(
        'cannot sync related resources: found 1 namespaces on the origin, but 0 on the destination side',
      );

      // Everything else keeps syncing: the primary and the related objects after the bad entries.
      await kcp.mergePatch(`${CRONTABS}/daily`, { spec: { image: 'backup:2.0' } });
      await kcp.mergePatch(`/api/v1/namespaces/${SETTINGS_NS}/configmaps/limits`, { data: { cpu: '2' } });
      await svc.mergePatch(`/api/v1/namespaces/${SETTINGS_NS}/secrets/${localName}-creds`, {
        data: { password: b64('rotated') },
      });
      await waitFor(
        async () =>
          (await svc.get(localCronTabPath(w, 'daily'))).spec.image === 'backup:2.0' ? true : undefined,
        { description: 'the primary edit to reach the local copy', timeoutMs: 30_000 },
      );
      await waitFor(
        async () =>
          (await svc.get(`/api/v1/namespaces/${SETTINGS_NS}/configmaps/limits`)).data?.cpu === '2'
            ? true
            : undefined,
        { description: 'the ConfigMap edit to reach the service cluster', timeoutMs: 30_000 },
      );
      await waitFor(
        async () =>
          (await kcp.get(`/api/v1/namespaces/${SETTINGS_NS}/secrets/daily-creds`)).data?.password ===
          b64('rotated')
            ? true
            : undefined,
        { description: 'the rotated Secret to reach kcp', timeoutMs: 30_000 },
      );
      // Nothing was created for the bad entries on the service cluster.
      expect(
        await svc.getOrUndefined(`/api/v1/namespaces/${cluster}/configmaps/only-in-kcp`),
      ).toBeUndefined();
      expect(await svc.getOrUndefined('/api/v1/namespaces/only-in-kcp')).toBeUndefined();
    },
    STEP,
  );
});
