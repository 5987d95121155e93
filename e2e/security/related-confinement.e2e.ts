// Attacks through related objects (docs/security.md, "Related objects are confined"), per team
// namespaces (default naming: each workspace's copies live in a namespace named after its cluster).
// A consumer chooses namespaces and names in its own kcp objects; none of that may reach another
// tenant's namespace, the agent's namespace or a provider object the agent did not create:
//  - service-origin Secrets through namespace.reference / namespace.template into another tenant's
//    namespace or the agent's namespace (state Secrets), even when the provider listed the latter;
//  - kcp-origin Secrets overwriting (and on deletion of the primary: deleting) provider Secrets, in a
//    provider namespace or next to the consumer's own copy;
//  - a forged related-owner annotation; names that are not Kubernetes names (`..`, `a/b`).
// Positive: a provider-fixed constant namespace and the allowedNamespaces widening keep working.
import {
  useAgentWorld,
  CRONTABS,
  STEP,
  b64,
  publishCronTabs,
  waitForServed,
  sha3short,
  type AgentWorld,
} from '../agent/helpers.js';
import type { KubeObject, RestClient } from '../world/rest.js';
import { waitFor } from '../world/wait.js';
import { createPrimary, refusal, secret, sleep } from './related-support.js';

const AGENT_NS = 'kube-system';
async function ensureNamespace(
  c: RestClient,
  name: string,
  labels: Record<string, string> = {},
): Promise<void> {
  if (await c.getOrUndefined(`/api/v1/namespaces/${name}`)) return;
  await c.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
}

/** Creates a CronTab in a team's `default` namespace (annotations steer the related entries) and waits for its copy. */
/** A CronTab primary of team `team` and its local copy (default naming). */
function primary(
  w: AgentWorld,
  team: number,
  name: string,
  annotations: Record<string, string>,
  image = 'backup:1.0',
): Promise<KubeObject> {
  const copy = (cluster: string, n: string) =>
    `/apis/example.com/v1/namespaces/${cluster}/crontabs/${sha3short('default')}-${sha3short(n)}`;
  return createPrimary(w, team, name, annotations, copy, image);
}

describe('security: related objects are confined to the workspace namespaces', () => {
  const world = useAgentWorld({
    name: 'sec-related-confine',
    manifests: [
      publishCronTabs({
        related: [
          {
            identifier: 'by-ref',
            origin: 'service',
            kind: 'Secret',
            object: {
              namespace: { reference: { path: 'metadata.annotations.ns' } },
              reference: { path: 'metadata.annotations.secret' },
            },
          },
          {
            identifier: 'by-template',
            origin: 'service',
            kind: 'Secret',
            object: {
              namespace: { template: { template: '{{ .Object.spec.image }}' } },
              template: { template: 'team-creds' },
            },
          },
          {
            identifier: 'fixed',
            origin: 'service',
            kind: 'Secret',
            object: {
              namespace: { template: { template: 'provider-creds' } },
              template: { template: '{{ .Object.metadata.name }}-creds' },
            },
          },
          {
            identifier: 'widened',
            origin: 'service',
            kind: 'Secret',
            allowedNamespaces: {
              names: ['shared-a', AGENT_NS],
              selector: { matchLabels: { 'tenant-shared': 'yes' } },
            },
            object: {
              namespace: { reference: { path: 'metadata.annotations.wns' } },
              reference: { path: 'metadata.annotations.wsecret' },
            },
          },
          {
            identifier: 'kcp-ref',
            origin: 'kcp',
            kind: 'Secret',
            object: {
              namespace: { reference: { path: 'metadata.annotations.dns' } },
              reference: { path: 'metadata.annotations.dsecret' },
            },
          },
          {
            identifier: 'kcp-own',
            origin: 'kcp',
            kind: 'Secret',
            object: { reference: { path: 'metadata.annotations.osecret' } },
          },
          {
            identifier: 'by-name',
            origin: 'service',
            kind: 'Secret',
            object: { reference: { path: 'metadata.annotations.nsecret' } },
          },
        ],
      }),
    ],
  });
  let c0: string;
  let c1: string;

  beforeAll(async () => {
    const w = world();
    c0 = w.provider.teamClusterNames[0]!;
    c1 = w.provider.teamClusterNames[1]!;
    await waitForServed(w, 0, CRONTABS);
    await waitForServed(w, 1, CRONTABS);
    const svc = w.service.client;
    // The provider's operator writes each tenant's credentials into that tenant's namespace.
    for (const c of [c0, c1]) {
      await ensureNamespace(svc, c);
      await svc.create(`/api/v1/namespaces/${c}/secrets`, secret(c, 'team-creds', { password: `of-${c}` }));
    }
    // A victim primary in team 1, so that its state Secret exists in the agent's namespace.
    await primary(w, 1, 'victim', {});
    await waitFor(
      async () =>
        (await svc.list(`/api/v1/namespaces/${AGENT_NS}/secrets`)).items.some((s) =>
          s.metadata.name?.startsWith(`obj-state-${c1}-`),
        ) || undefined,
      { description: "team 1's state Secret in the agent namespace", timeoutMs: 60_000 },
    );
  }, STEP);

  const stateSecretOfTeam1 = async (): Promise<string> =>
    (await world().service.client.list(`/api/v1/namespaces/${AGENT_NS}/secrets`)).items
      .map((s) => s.metadata.name!)
      .find((n) => n.startsWith(`obj-state-${c1}-`))!;

  /** kcp Secrets of team 0 anywhere (what a consumer could have obtained). */
  const team0Secrets = async (): Promise<KubeObject[]> =>
    (await world().provider.teamAdmin(0).list('/api/v1/secrets')).items;

  it(
    "namespace.reference cannot read another tenant's Secret",
    async () => {
      const w = world();
      await primary(w, 0, 'steal-ns', { ns: c1, secret: 'team-creds' });
      // Long enough for a leak to show (the unconfined agent copies within a second).
      await sleep(5_000);
      expect(
        await w.provider.teamAdmin(0).getOrUndefined(`/api/v1/namespaces/${c1}/secrets/team-creds`),
      ).toBeUndefined();
      expect((await team0Secrets()).filter((s) => s.data?.password === b64(`of-${c1}`))).toEqual([]);
      const ev = await refusal(w, 0, 'steal-ns', '"by-ref"', c1);
      console.log(`refused: ${ev.message}`);
    },
    STEP,
  );

  it(
    "namespace.reference cannot read the agent's state Secrets",
    async () => {
      const w = world();
      const target = await stateSecretOfTeam1();
      await primary(w, 0, 'steal-state', { ns: AGENT_NS, secret: target });
      // Long enough for a leak to show (the unconfined agent copies within a second).
      await sleep(5_000);
      expect(
        await w.provider.teamAdmin(0).getOrUndefined(`/api/v1/namespaces/${AGENT_NS}/secrets/${target}`),
      ).toBeUndefined();
      await refusal(w, 0, 'steal-state', '"by-ref"', "agent's own namespace");
    },
    STEP,
  );

  it(
    "namespace.template reading a spec field cannot read another tenant's Secret",
    async () => {
      const w = world();
      await primary(w, 0, 'steal-tpl', {}, c1);
      // Long enough for a leak to show (the unconfined agent copies within a second).
      await sleep(5_000);
      expect(
        await w.provider.teamAdmin(0).getOrUndefined(`/api/v1/namespaces/${c1}/secrets/team-creds`),
      ).toBeUndefined();
      await refusal(w, 0, 'steal-tpl', '"by-template"', c1);
    },
    STEP,
  );

  it(
    'the agent namespace is refused even when the provider lists it in allowedNamespaces',
    async () => {
      const w = world();
      const target = await stateSecretOfTeam1();
      await primary(w, 0, 'steal-listed', { wns: AGENT_NS, wsecret: target });
      // Long enough for a leak to show (the unconfined agent copies within a second).
      await sleep(5_000);
      expect(
        await w.provider.teamAdmin(0).getOrUndefined(`/api/v1/namespaces/${AGENT_NS}/secrets/${target}`),
      ).toBeUndefined();
      await refusal(w, 0, 'steal-listed', '"widened"', "agent's own namespace");
    },
    STEP,
  );

  it(
    'a kcp-origin Secret cannot overwrite a provider Secret in a provider namespace',
    async () => {
      const w = world();
      const svc = w.service.client;
      const kcp = w.provider.teamAdmin(0);
      await ensureNamespace(svc, 'provider-system');
      await svc.create(
        '/api/v1/namespaces/provider-system/secrets',
        secret('provider-system', 'db-root', { password: 'root' }),
      );
      await kcp.create(
        '/api/v1/namespaces/default/secrets',
        secret('default', 'db-root', { password: 'pwned' }),
      );
      await primary(w, 0, 'overwrite', { dns: 'provider-system', dsecret: 'db-root' });
      // A later consumer edit: an adopted destination would receive it.
      await sleep(3_000);
      await kcp.mergePatch('/api/v1/namespaces/default/secrets/db-root', {
        data: { password: b64('pwned-2') },
      });
      // Long enough for a leak to show (the unconfined agent copies within a second).
      await sleep(5_000);
      const s = await svc.get('/api/v1/namespaces/provider-system/secrets/db-root');
      expect(s.data).toEqual({ password: b64('root') });
      expect(s.metadata.annotations?.['syncagent.kcp.io/related-owner']).toBeUndefined();
      await refusal(w, 0, 'overwrite', '"kcp-ref"', 'provider-system');
    },
    STEP,
  );

  it(
    'a kcp-origin Secret cannot overwrite a provider Secret next to its own copy',
    async () => {
      const w = world();
      const svc = w.service.client;
      const kcp = w.provider.teamAdmin(0);
      await svc.create(`/api/v1/namespaces/${c0}/secrets`, secret(c0, 'provider-ca', { ca: 'real' }));
      await kcp.create(
        '/api/v1/namespaces/default/secrets',
        secret('default', 'provider-ca', { ca: 'fake' }),
      );
      await primary(w, 0, 'takeover', { osecret: 'provider-ca' });
      // A later consumer edit: an adopted destination would receive it.
      await sleep(3_000);
      await kcp.mergePatch('/api/v1/namespaces/default/secrets/provider-ca', { data: { ca: b64('fake-2') } });
      // Long enough for a leak to show (the unconfined agent copies within a second).
      await sleep(5_000);
      expect((await svc.get(`/api/v1/namespaces/${c0}/secrets/provider-ca`)).data).toEqual({
        ca: b64('real'),
      });
      const ev = await refusal(w, 0, 'takeover', '"kcp-own"', 'provider-ca', 'not created for this object');
      console.log(`refused: ${ev.message}`);
    },
    STEP,
  );

  it(
    'deleting that primary does not delete the provider Secret (cleanup)',
    async () => {
      const w = world();
      const svc = w.service.client;
      const kcp = w.provider.teamAdmin(0);
      await kcp.delete(`${CRONTABS}/takeover`);
      await waitFor(async () => ((await kcp.getOrUndefined(`${CRONTABS}/takeover`)) ? undefined : true), {
        description: 'the primary "takeover" to be gone',
        timeoutMs: 60_000,
      });
      await sleep(3_000);
      expect((await svc.get(`/api/v1/namespaces/${c0}/secrets/provider-ca`)).data).toEqual({
        ca: b64('real'),
      });
      expect(
        (await kcp.get('/api/v1/namespaces/default/secrets/provider-ca')).metadata.finalizers ?? [],
      ).toEqual([]);
    },
    STEP,
  );

  it(
    'a forged related-owner annotation on the kcp Secret is not copied; the real owner is recorded',
    async () => {
      const w = world();
      const kcp1 = w.provider.teamAdmin(1);
      await kcp1.create(
        '/api/v1/namespaces/default/secrets',
        secret(
          'default',
          'mine',
          { k: 'v' },
          {
            annotations: { 'syncagent.kcp.io/related-owner': `${c0}/default/takeover`, keep: 'me' },
          },
        ),
      );
      await primary(w, 1, 'forger', { osecret: 'mine' });
      const copy = await waitFor(
        () => w.service.client.getOrUndefined(`/api/v1/namespaces/${c1}/secrets/mine`),
        {
          description: 'the kcp-origin Secret on the service cluster',
          timeoutMs: 60_000,
        },
      );
      expect(copy.metadata.annotations?.['syncagent.kcp.io/related-owner']).toBe(`${c1}/default/forger`);
      expect(copy.metadata.annotations?.keep).toBe('me');
    },
    STEP,
  );

  it(
    'a related name ".." is refused before any request',
    async () => {
      const w = world();
      await primary(w, 0, 'dots', { nsecret: '..' });
      await refusal(w, 0, 'dots', '"by-name"', 'invalid origin name ".."');
    },
    STEP,
  );

  it(
    'a related name "a/b" is refused before any request',
    async () => {
      const w = world();
      await primary(w, 0, 'slash', { nsecret: 'a/b' });
      await refusal(w, 0, 'slash', '"by-name"', 'invalid origin name "a/b"');
    },
    STEP,
  );

  it(
    'positive: a provider-fixed constant namespace is trusted as written',
    async () => {
      const w = world();
      const svc = w.service.client;
      await ensureNamespace(svc, 'provider-creds');
      const local = await primary(w, 0, 'constant', {});
      await svc.create(
        '/api/v1/namespaces/provider-creds/secrets',
        secret('provider-creds', `${local.metadata.name}-creds`, { token: 'abc' }),
      );
      const copy = await waitFor(
        () =>
          w.provider.teamAdmin(0).getOrUndefined('/api/v1/namespaces/provider-creds/secrets/constant-creds'),
        { description: 'the constant-namespace Secret in kcp', timeoutMs: 60_000 },
      );
      expect(copy.data).toEqual({ token: b64('abc') });
    },
    STEP,
  );

  it(
    'positive: allowedNamespaces widens by name and by label selector',
    async () => {
      const w = world();
      const svc = w.service.client;
      const kcp = w.provider.teamAdmin(0);
      await ensureNamespace(svc, 'shared-a');
      await ensureNamespace(svc, 'shared-b', { 'tenant-shared': 'yes' });
      await svc.create('/api/v1/namespaces/shared-a/secrets', secret('shared-a', 'listed', { v: 'a' }));
      await svc.create('/api/v1/namespaces/shared-b/secrets', secret('shared-b', 'selected', { v: 'b' }));
      await primary(w, 0, 'wide-a', { wns: 'shared-a', wsecret: 'listed' });
      await primary(w, 0, 'wide-b', { wns: 'shared-b', wsecret: 'selected' });
      const a = await waitFor(() => kcp.getOrUndefined('/api/v1/namespaces/shared-a/secrets/listed'), {
        description: 'the listed-namespace Secret in kcp',
        timeoutMs: 60_000,
      });
      const b = await waitFor(() => kcp.getOrUndefined('/api/v1/namespaces/shared-b/secrets/selected'), {
        description: 'the selected-namespace Secret in kcp',
        timeoutMs: 60_000,
      });
      expect([a.data, b.data]).toEqual([{ v: b64('a') }, { v: b64('b') }]);
    },
    STEP,
  );
});
