// Attacks through related objects in a namespace that several tenants share (docs/security.md,
// "Related objects are confined"): the provider's naming puts every workspace's copies into the one
// namespace `tenants`, so the confinement to "the namespace of the copy" does not separate tenants
// there. What does: a service-side object that carries another primary's identity is never used.
//  - a Secret the provider's operator wrote for (ownerReference to) another tenant's copy;
//  - a Secret carrying another tenant's sync labels;
//  - another tenant's kcp-origin destination of the same name: neither overwritten nor, when the
//    attacker deletes its primary, deleted.
import {
  useAgentWorld,
  CRONTABS,
  STEP,
  b64,
  publishCronTabs,
  sha1,
  waitForServed,
  type AgentWorld,
} from '../agent/helpers.js';
import type { KubeObject, RestClient } from '../world/rest.js';
import { waitFor } from '../world/wait.js';
import { createPrimary, refusal, secret, sleep } from './related-support.js';

const NS = 'tenants';
/** A CronTab primary of team `team` and its local copy (all copies in the namespace `tenants`). */
function primary(
  w: AgentWorld,
  team: number,
  name: string,
  annotations: Record<string, string>,
): Promise<KubeObject> {
  const copy = (cluster: string, n: string) =>
    `/apis/example.com/v1/namespaces/${NS}/crontabs/${cluster}-${n}`;
  return createPrimary(w, team, name, annotations, copy);
}

describe('security: related objects never belong to another primary (shared namespace)', () => {
  const world = useAgentWorld({
    name: 'sec-related-identity',
    manifests: [
      publishCronTabs({
        naming: { namespace: NS, name: '{{ .ClusterName }}-{{ .Object.metadata.name }}' },
        related: [
          {
            identifier: 'creds',
            origin: 'service',
            kind: 'Secret',
            object: { reference: { path: 'metadata.annotations.secret' } },
          },
          {
            identifier: 'config',
            origin: 'kcp',
            kind: 'Secret',
            object: { reference: { path: 'metadata.annotations.csecret' } },
          },
        ],
      }),
    ],
  });
  let c1: string;
  let svc: RestClient;
  let victimCopy: KubeObject;

  beforeAll(async () => {
    const w = world();
    c1 = w.provider.teamClusterNames[1]!;
    svc = w.service.client;
    await waitForServed(w, 0, CRONTABS);
    await waitForServed(w, 1, CRONTABS);
    await w.provider
      .teamAdmin(1)
      .create('/api/v1/namespaces/default/secrets', secret('default', 'shared-name', { v: 'b' }));
    victimCopy = await primary(w, 1, 'owner-b', { secret: 'b-creds', csecret: 'shared-name' });
    // The provider's operator writes tenant B's credentials, owned by B's copy.
    await svc.create(
      `/api/v1/namespaces/${NS}/secrets`,
      secret(
        NS,
        'b-creds',
        { password: 'of-b' },
        {
          ownerReferences: [
            {
              apiVersion: 'example.com/v1',
              kind: 'CronTab',
              name: victimCopy.metadata.name,
              uid: victimCopy.metadata.uid,
            },
          ],
        },
      ),
    );
    // Tenant B gets its credentials, and its kcp-origin Secret lands in the shared namespace.
    await waitFor(
      () => w.provider.teamAdmin(1).getOrUndefined('/api/v1/namespaces/default/secrets/b-creds'),
      {
        description: "tenant B's own credentials in its workspace",
        timeoutMs: 60_000,
      },
    );
    await waitFor(() => svc.getOrUndefined(`/api/v1/namespaces/${NS}/secrets/shared-name`), {
      description: "tenant B's kcp-origin Secret in the shared namespace",
      timeoutMs: 60_000,
    });
  }, STEP);

  it(
    "a Secret owned by another tenant's copy is not copied (ownerReference)",
    async () => {
      const w = world();
      await primary(w, 0, 'steal-owned', { secret: 'b-creds' });
      // Long enough for a leak to show (the unconfined agent copies within a second).
      await sleep(5_000);
      expect(
        await w.provider.teamAdmin(0).getOrUndefined('/api/v1/namespaces/default/secrets/b-creds'),
      ).toBeUndefined();
      const ev = await refusal(w, 0, 'steal-owned', '"creds"', `owned by the copy of ${c1}/default/owner-b`);
      console.log(`refused: ${ev.message}`);
    },
    STEP,
  );

  it(
    "a Secret carrying another tenant's sync labels is not copied",
    async () => {
      const w = world();
      await svc.create(
        `/api/v1/namespaces/${NS}/secrets`,
        secret(
          NS,
          'labelled',
          { password: 'of-b-too' },
          {
            labels: {
              'syncagent.kcp.io/remote-object-cluster': c1,
              'syncagent.kcp.io/remote-object-name-hash': sha1('owner-b'),
              'syncagent.kcp.io/remote-object-namespace-hash': sha1('default'),
            },
          },
        ),
      );
      await primary(w, 0, 'steal-labelled', { secret: 'labelled' });
      // Long enough for a leak to show (the unconfined agent copies within a second).
      await sleep(5_000);
      expect(
        await w.provider.teamAdmin(0).getOrUndefined('/api/v1/namespaces/default/secrets/labelled'),
      ).toBeUndefined();
      await refusal(w, 0, 'steal-labelled', '"creds"', 'carries the sync labels', c1);
    },
    STEP,
  );

  it(
    "a kcp-origin Secret cannot overwrite another tenant's related Secret of the same name",
    async () => {
      const w = world();
      const kcp0 = w.provider.teamAdmin(0);
      await kcp0.create('/api/v1/namespaces/default/secrets', secret('default', 'shared-name', { v: 'a' }));
      await primary(w, 0, 'squat', { csecret: 'shared-name' });
      // A later consumer edit: an adopted destination would receive it.
      await sleep(3_000);
      await kcp0.mergePatch('/api/v1/namespaces/default/secrets/shared-name', { data: { v: b64('a-2') } });
      // Long enough for a leak to show (the unconfined agent copies within a second).
      await sleep(5_000);
      const after = await svc.get(`/api/v1/namespaces/${NS}/secrets/shared-name`);
      expect(after.data).toEqual({ v: b64('b') });
      expect(after.metadata.annotations?.['syncagent.kcp.io/related-owner']).toBe(`${c1}/default/owner-b`);
      await refusal(w, 0, 'squat', '"config"', `belongs to "${c1}/default/owner-b"`);
    },
    STEP,
  );

  it(
    "deleting the attacker's primary does not delete the other tenant's related Secret",
    async () => {
      const w = world();
      const kcp0 = w.provider.teamAdmin(0);
      const before = await svc.get(`/api/v1/namespaces/${NS}/secrets/shared-name`);
      await kcp0.delete(`${CRONTABS}/squat`);
      await waitFor(async () => ((await kcp0.getOrUndefined(`${CRONTABS}/squat`)) ? undefined : true), {
        description: 'the primary "squat" to be gone',
        timeoutMs: 60_000,
      });
      await sleep(3_000);
      // The same object (tenant B's own sync would re-create a deleted one at once).
      const after = await svc.get(`/api/v1/namespaces/${NS}/secrets/shared-name`);
      expect(after.metadata.uid).toBe(before.metadata.uid);
      expect(after.data).toEqual({ v: b64('b') });
      // Tenant B's own edits still reach its Secret.
      await w.provider.teamAdmin(1).mergePatch('/api/v1/namespaces/default/secrets/shared-name', {
        data: { v: b64('b-2') },
      });
      await waitFor(
        async () =>
          (await svc.get(`/api/v1/namespaces/${NS}/secrets/shared-name`)).data?.v === b64('b-2')
            ? true
            : undefined,
        { description: "tenant B's edit to reach its Secret", timeoutMs: 30_000 },
      );
    },
    STEP,
  );
});
