// The related-object phase of the agent benchmark: how long a Secret changed on the service cluster takes to
// reach its copy in the consumer's kcp workspace (through the agent's reverse index from related objects to
// their primary).
//
// It publishes a second, small API (`CredentialSet`, its own CRD and PublishedResource with one
// service-origin related Secret named `<object name>-creds`) so the CronTab figures stay untouched,
// creates n CredentialSets over the team workspaces, lets "the provider's operator" (this script)
// write each local Secret, waits for every kcp copy, then rotates the Secrets at a steady rate and
// times each rotation from the PATCH on the service cluster to the MODIFIED event of the kcp copy
// carrying the new value. Every wait is bounded.
import { performance } from 'node:perf_hooks';
import type { ProviderWorld } from '../../../e2e/world/provider.js';
import { applyManifest, simpleCrd, waitForCrdEstablished } from '../../../e2e/world/manifests.js';
import type { KubeObject } from '../../../e2e/world/rest.js';
import type { ServiceCluster } from '../../../e2e/world/service-cluster.js';
import { waitFor } from '../../../e2e/world/wait.js';
import type { JsonClient } from './http.js';
import { watchCollection, type Watcher } from './watch.js';

const GROUP = 'bench.example.com';
const KCP_COLLECTION = `/apis/${GROUP}/v1/namespaces/default/credentialsets`;
const KCP_SECRETS = '/api/v1/namespaces/default/secrets';
const WAIT_MS = 180_000;

export interface RelatedFixture {
  /** One entry per CredentialSet: its team, kcp name and local (service cluster) namespace/name. */
  objects: { team: number; name: string; localNs: string; localName: string }[];
}

export interface RelatedPhaseDeps {
  svc: ServiceCluster;
  svcClient: JsonClient;
  provider: ProviderWorld;
  teams: number;
  watchers: Watcher[];
  say: (m: string) => void;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** kcp Secret copies seen: "<team>/<secret name>" -> (password value -> first time seen). */
const seen = new Map<string, Map<string, number>>();

function publishedResource(): KubeObject {
  return {
    apiVersion: 'syncagent.kcp.io/v1alpha1',
    kind: 'PublishedResource',
    metadata: { name: 'bench-credentialsets' },
    spec: {
      resource: { apiGroup: GROUP, kind: 'CredentialSet', versions: ['v1'] },
      related: [
        {
          identifier: 'credentials',
          origin: 'service',
          kind: 'Secret',
          object: { template: { template: '{{ .Object.metadata.name }}-creds' } },
        },
      ],
    },
  } as KubeObject;
}

/** Publishes CredentialSets, creates n of them and their local Secrets, and waits for every kcp copy. */
export async function setUpRelated(deps: RelatedPhaseDeps, n: number): Promise<RelatedFixture> {
  const { svc, provider, teams, say } = deps;
  say(`related: publishing CredentialSets (one service-origin related Secret each), ${n} objects ...`);
  await applyManifest(
    svc.client,
    simpleCrd(GROUP, 'CredentialSet', 'credentialsets', { specFields: ['user'] }),
  );
  await waitForCrdEstablished(svc.client, `credentialsets.${GROUP}`);
  await applyManifest(svc.client, publishedResource());
  for (let i = 0; i < teams; i++) {
    await waitFor(
      () =>
        provider
          .teamAdmin(i)
          .list(KCP_COLLECTION)
          .catch(() => undefined),
      {
        description: `credentialsets served in team-${i}`,
        timeoutMs: WAIT_MS,
      },
    );
    deps.watchers.push(
      await watchCollection(provider.teamAdmin(i), KCP_SECRETS, (type, o, at) => {
        if (type === 'DELETED') return;
        const key = `${i}/${o.metadata.name}`;
        const value = (o as { data?: Record<string, string> }).data?.password;
        if (value === undefined) return;
        let m = seen.get(key);
        if (!m) seen.set(key, (m = new Map()));
        if (!m.has(value)) m.set(value, at);
      }),
    );
  }
  const objects: RelatedFixture['objects'] = [];
  for (let k = 0; k < n; k++) {
    const team = k % teams;
    const name = `creds-${k}`;
    await provider.teamAdmin(team).create(KCP_COLLECTION, {
      apiVersion: `${GROUP}/v1`,
      kind: 'CredentialSet',
      metadata: { name, namespace: 'default' },
      spec: { user: `user-${k}` },
    });
    objects.push({ team, name, localNs: '', localName: '' });
  }
  // Find the local copies by the agent's object-key metadata (works for any agent).
  for (const o of objects) {
    const cluster = provider.teamClusterNames[o.team]!;
    const local = await waitFor(
      async () => {
        const list = await svc.client.list(
          `/apis/${GROUP}/v1/credentialsets?labelSelector=${encodeURIComponent(`syncagent.kcp.io/remote-object-cluster=${cluster}`)}`,
        );
        return list.items.find(
          (x) => x.metadata.annotations?.['syncagent.kcp.io/remote-object-name'] === o.name,
        );
      },
      { description: `the local copy of CredentialSet ${o.name}`, timeoutMs: WAIT_MS },
    );
    o.localNs = local.metadata.namespace!;
    o.localName = local.metadata.name!;
    await svc.client.create(`/api/v1/namespaces/${o.localNs}/secrets`, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${o.localName}-creds`, namespace: o.localNs },
      data: { password: b64('initial') },
    });
  }
  await waitFor(
    async () =>
      objects.every((o) => seen.get(`${o.team}/${o.name}-creds`)?.has(b64('initial'))) ? true : undefined,
    { description: `all ${n} related Secrets to appear in kcp`, timeoutMs: WAIT_MS, intervalMs: 100 },
  );
  return { objects };
}

/** Rotates every Secret once at `rate`/s; returns the service-PATCH → kcp-copy latencies in ms. */
export async function rotateSecrets(
  deps: RelatedPhaseDeps,
  fixture: RelatedFixture,
  round: string,
  rate: number,
): Promise<number[]> {
  const t0 = performance.now();
  const sent: { key: string; value: string; at: number }[] = [];
  const inflight: Promise<unknown>[] = [];
  for (let i = 0; i < fixture.objects.length; i++) {
    const o = fixture.objects[i]!;
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const value = b64(`${round}-${i}`);
    sent.push({ key: `${o.team}/${o.name}-creds`, value, at: performance.now() });
    inflight.push(
      deps.svcClient
        .send(
          'PATCH',
          `/api/v1/namespaces/${o.localNs}/secrets/${o.localName}-creds`,
          { data: { password: value } },
          'application/merge-patch+json',
        )
        .catch((e) => deps.say(`related: rotating ${o.localName}-creds: ${(e as Error).message}`)),
    );
  }
  await Promise.all(inflight);
  const arrived = (s: (typeof sent)[number]) => seen.get(s.key)?.get(s.value);
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline && sent.some((s) => arrived(s) === undefined))
    await new Promise((r) => setTimeout(r, 50));
  const missing = sent.filter((s) => arrived(s) === undefined).length;
  if (missing)
    deps.say(
      `WARNING: related: ${missing}/${sent.length} rotations not seen in kcp after ${WAIT_MS / 1000}s`,
    );
  return sent.filter((s) => arrived(s) !== undefined).map((s) => arrived(s)! - s.at);
}
