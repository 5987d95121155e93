// The population both agents handle in the compatibility tests (differential.e2e.ts, swap.e2e.ts):
// PublishedResources covering default and custom naming (with workspace paths), projection (group,
// version, kind, scope, short names, categories), every mutation kind on spec and status, related
// objects in both directions (reference, template, selector), cluster-scoped and namespaced types; and
// the consumer-side steps that drive them. Every step waits for its effect with a deadline but never
// throws on a timeout: the step is recorded as "not converged" and the comparison shows what differs.
import { b64, sha3short, startAgentWorld, type AgentWorld } from '../agent/helpers.js';
import { applyManifest, simpleCrd, waitForCrdEstablished } from '../world/manifests.js';
import { DEFAULT_PERMISSION_CLAIMS } from '../world/provider.js';
import type { KubeObject, RestClient } from '../world/rest.js';
import { sleep, waitFor } from '../world/wait.js';

export const EXPORT_NAME = 'compat.example.com';
/** The default claims plus LogicalClusters, which enableWorkspacePaths reads. */
export const PERMISSION_CLAIMS = [
  ...DEFAULT_PERMISSION_CLAIMS,
  { group: 'core.kcp.io', resource: 'logicalclusters' },
];

/** Service-side CRDs of the population. */
export const CRDS: KubeObject[] = [
  simpleCrd('ci.example.com', 'Pipeline', 'pipelines', {
    specFields: ['image', 'schedule', 'note', 'debug', 'replicas', 'settings'],
  }),
  simpleCrd('gizmos.example.com', 'Gizmo', 'gizmos', { specFields: ['size', 'color'] }),
  simpleCrd('geo.example.com', 'Region', 'regions', { scope: 'Cluster', specFields: ['zone'] }),
  simpleCrd('monitors.example.com', 'Monitor', 'monitors', { specFields: ['target'] }),
];

const pr = (name: string, spec: object): KubeObject => ({
  apiVersion: 'syncagent.kcp.io/v1alpha1',
  kind: 'PublishedResource',
  metadata: { name },
  spec,
});

/** The PublishedResources (applied on the service cluster after the CRDs). */
export const PUBLISHED_RESOURCES: KubeObject[] = [
  // Namespaced, default naming, every mutation kind, related objects both ways.
  pr('publish-pipelines', {
    resource: { apiGroup: 'ci.example.com', kind: 'Pipeline', versions: ['v1'] },
    mutation: {
      spec: [
        { delete: { path: 'spec.debug' } },
        { regex: { path: 'spec.image', pattern: '^docker\\.io/', replacement: 'mirror.local/' } },
        { template: { path: 'spec.note', template: '{{ .Value.String }} (synced)' } },
        { cel: { path: 'spec.replicas', expression: 'self.metadata.name + "-" + value' } },
      ],
      status: [
        { regex: { path: 'status.phase', pattern: 'ning$', replacement: 'ning!' } },
        { template: { path: 'status.summary', template: '{{ .Value.String | upper }}' } },
        { cel: { path: 'status.replicasSeen', expression: 'string(size(self.status.phase))' } },
        { delete: { path: 'status.internal' } },
      ],
    },
    related: [
      {
        identifier: 'credentials',
        origin: 'service',
        kind: 'Secret',
        object: { template: { template: '{{ .Object.metadata.name }}-creds' } },
      },
      {
        identifier: 'settings',
        origin: 'kcp',
        group: '',
        version: 'v1',
        resource: 'configmaps',
        object: { reference: { path: 'spec.settings' } },
      },
      // Service origin with cleanup: the kcp copy goes when the primary is deleted; the original stays.
      {
        identifier: 'manual',
        origin: 'service',
        kind: 'ConfigMap',
        cleanup: true,
        object: { template: { template: '{{ .Object.metadata.name }}-manual' } },
      },
    ],
  }),
  // Projection (group, version, kind, short names, categories), custom naming with workspace paths,
  // a kcp-origin Secret found by a templated label selector and renamed by a regex rewrite.
  // One Toy only: the Go agent renders a templated selector into its shared PublishedResource
  // (docs/differences-from-go-agent.md, fix #2), so a second Toy would get the first one's Secret
  // there -- a deliberate difference this population does not exercise.
  pr('publish-gizmos', {
    resource: { apiGroup: 'gizmos.example.com', kind: 'Gizmo', versions: ['v1'] },
    enableWorkspacePaths: true,
    naming: {
      namespace: '{{ .ClusterName }}-toys',
      name: '{{ .ClusterPath | replace ":" "-" }}-{{ .Object.metadata.name }}',
    },
    projection: {
      group: 'toys.example.com',
      versions: { v1: 'v2' },
      kind: 'Toy',
      shortNames: ['ty'],
      categories: ['playthings'],
    },
    related: [
      {
        identifier: 'token',
        origin: 'kcp',
        kind: 'Secret',
        object: {
          selector: {
            matchLabels: { toy: '{{ .RemoteObject.metadata.name }}' },
            rewrite: { regex: { pattern: '^(.*)$', replacement: 'copied-$1' } },
          },
        },
      },
    ],
  }),
  // Cluster-scoped on both sides, named by template.
  pr('publish-regions', {
    resource: { apiGroup: 'geo.example.com', kind: 'Region', versions: ['v1'] },
    naming: { name: '{{ .ClusterName }}-{{ .Object.metadata.name }}' },
    filter: { resource: { matchLabels: { sync: 'yes' } } },
  }),
  // Namespaced on the service cluster, projected to cluster scope in kcp (legacy $variable naming).
  pr('publish-monitors', {
    resource: { apiGroup: 'monitors.example.com', kind: 'Monitor', versions: ['v1'] },
    projection: { scope: 'Cluster' },
    naming: { name: 'mon-$remoteName' },
  }),
];

// Collections on the kcp side (team workspaces) and on the service cluster.
export const KCP_PIPELINES = '/apis/ci.example.com/v1/namespaces/default/pipelines';
export const KCP_TOYS = '/apis/toys.example.com/v2/namespaces/default/toys';
export const KCP_REGIONS = '/apis/geo.example.com/v1/regions';
export const KCP_MONITORS = '/apis/monitors.example.com/v1/monitors';

/** Collections listed (all namespaces) when the worlds are compared. */
export const KCP_COLLECTIONS = [
  '/apis/ci.example.com/v1/pipelines',
  '/apis/toys.example.com/v2/toys',
  KCP_REGIONS,
  KCP_MONITORS,
  '/api/v1/secrets',
  '/api/v1/configmaps',
];
export const SERVICE_COLLECTIONS = [
  '/apis/ci.example.com/v1/pipelines',
  '/apis/gizmos.example.com/v1/gizmos',
  '/apis/geo.example.com/v1/regions',
  '/apis/monitors.example.com/v1/monitors',
  '/api/v1/secrets',
  '/api/v1/configmaps',
  '/api/v1/namespaces',
  '/apis/syncagent.kcp.io/v1alpha1/publishedresources',
];

/** Paths of the local copies, by the naming rules above. */
export function localPaths(w: AgentWorld, team = 0) {
  const cluster = w.provider.teamClusterNames[team]!;
  const wsPath = w.provider.teamPaths[team]!;
  return {
    cluster,
    pipeline: (name: string) =>
      `/apis/ci.example.com/v1/namespaces/${cluster}/pipelines/${sha3short('default')}-${sha3short(name)}`,
    pipelineLocalName: (name: string) => `${sha3short('default')}-${sha3short(name)}`,
    pipelineIn: (namespace: string, name: string) =>
      `/apis/ci.example.com/v1/namespaces/${cluster}/pipelines/${sha3short(namespace)}-${sha3short(name)}`,
    gizmo: (name: string) =>
      `/apis/gizmos.example.com/v1/namespaces/${cluster}-toys/gizmos/${wsPath.replace(/:/g, '-')}-${name}`,
    region: (name: string) => `/apis/geo.example.com/v1/regions/${cluster}-${name}`,
    monitor: (name: string) => `/apis/monitors.example.com/v1/namespaces/${cluster}/monitors/mon-${name}`,
  };
}

/** What a step reports: converged or not (with the wait's message). */
export interface StepResult {
  step: string;
  ok: boolean;
  ms: number;
  error?: string;
}

export class Steps {
  readonly results: StepResult[] = [];
  readonly label: string;
  constructor(label: string) {
    this.label = label;
  }
  /** Waits for fn like waitFor; records the outcome instead of throwing on a timeout. */
  async until<R>(step: string, fn: () => R, timeoutMs = 60_000): Promise<boolean> {
    const t0 = Date.now();
    try {
      await waitFor(fn, { description: step, timeoutMs, intervalMs: 250 });
      this.results.push({ step, ok: true, ms: Date.now() - t0 });
      return true;
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.results.push({ step, ok: false, ms: Date.now() - t0, error });
      console.log(`[compat ${this.label}] step not converged: ${error}`);
      return false;
    }
  }
  failed(): StepResult[] {
    return this.results.filter((r) => !r.ok);
  }
}

const exists = (c: RestClient, p: string) => c.getOrUndefined(p);
const gone = async (c: RestClient, p: string) => ((await c.getOrUndefined(p)) ? undefined : true);

/** Waits until a kcp workspace serves a collection. */
async function served(s: Steps, c: RestClient, collection: string): Promise<void> {
  await s.until(
    `${collection} served`,
    async () => {
      await c.list(collection);
      return true;
    },
    120_000,
  );
}

/**
 * Drives the population through one agent: creates, edits (kcp -> service spec, service -> kcp
 * status), related objects both ways, a cluster-scoped object, a projected one, a deletion; waits
 * for each effect. Names are the same in every world, so the resulting objects can be compared.
 */
export async function drivePopulation(w: AgentWorld, s: Steps): Promise<void> {
  const kcp0 = w.provider.teamAdmin(0);
  const kcp1 = w.provider.teamAdmin(1);
  const svc = w.service.client;
  const l0 = localPaths(w, 0);
  const l1 = localPaths(w, 1);
  for (const c of [KCP_PIPELINES, KCP_TOYS, KCP_REGIONS, KCP_MONITORS]) await served(s, kcp0, c);
  await served(s, kcp1, KCP_PIPELINES);

  // Pipelines: a kcp-origin ConfigMap by reference, spec mutations.
  await kcp0.create('/api/v1/namespaces/default/configmaps', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'nightly-settings', namespace: 'default', labels: { team: 'a' } },
    data: { schedule: 'daily', retries: '3' },
  });
  await kcp0.create(KCP_PIPELINES, {
    apiVersion: 'ci.example.com/v1',
    kind: 'Pipeline',
    metadata: {
      name: 'nightly',
      namespace: 'default',
      labels: { app: 'backup', tier: 'gold' },
      annotations: { 'example.com/owner': 'team-a' },
    },
    spec: {
      image: 'docker.io/backup:1.0',
      schedule: '0 3 * * *',
      note: 'nightly <backup> & "restore"',
      debug: 'true',
      replicas: '2',
      settings: 'nightly-settings',
    },
  });
  await s.until('pipeline copy created', () => exists(svc, l0.pipeline('nightly')));
  await s.until('kcp-origin ConfigMap synced down', () =>
    exists(svc, `/api/v1/namespaces/${l0.cluster}/configmaps/nightly-settings`),
  );
  // A service-origin Secret next to the copy.
  await svc.create(`/api/v1/namespaces/${l0.cluster}/secrets`, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `${l0.pipelineLocalName('nightly')}-creds`, namespace: l0.cluster },
    data: { password: b64('first') },
  });
  await s.until('service-origin Secret synced up', () =>
    exists(kcp0, '/api/v1/namespaces/default/secrets/nightly-creds'),
  );
  await s.until('related annotation on the kcp primary', async () => {
    const p = await kcp0.get(`${KCP_PIPELINES}/nightly`);
    return p.metadata.annotations?.['related-resources.syncagent.kcp.io/credentials.0'];
  });
  // Status from the "provider's controller" on the copy, back up through the status mutations.
  const copy = await svc.get(l0.pipeline('nightly'));
  await svc.mergePatch(`${l0.pipeline('nightly')}/status`, {
    status: { phase: 'Running', summary: 'all good', internal: 'secret-detail', observed: copy.spec?.image },
  });
  await s.until('status reached kcp', async () => {
    const p = await kcp0.get(`${KCP_PIPELINES}/nightly`);
    return p.status?.summary !== undefined ? true : undefined;
  });
  // Edits flow both ways: spec in kcp, a rotated Secret and a ConfigMap change.
  await kcp0.mergePatch(`${KCP_PIPELINES}/nightly`, {
    metadata: { labels: { tier: 'silver' } },
    spec: { image: 'docker.io/backup:2.0' },
  });
  await s.until('spec edit reached the copy', async () => {
    const c = await svc.get(l0.pipeline('nightly'));
    return c.spec?.image === 'mirror.local/backup:2.0' || c.metadata.labels?.tier === 'silver'
      ? c.metadata.labels?.tier === 'silver'
      : undefined;
  });
  await kcp0.mergePatch('/api/v1/namespaces/default/configmaps/nightly-settings', {
    data: { retries: '5' },
  });
  // The Go agent notices a related object's change only when its primary is reconciled again
  // (docs/differences-from-go-agent.md, fix #19); touching the primary makes both agents look.
  await untilNudged(
    s,
    kcp0,
    `${KCP_PIPELINES}/nightly`,
    'settings-edited',
    'ConfigMap edit synced down',
    async () => {
      const c = await svc.get(`/api/v1/namespaces/${l0.cluster}/configmaps/nightly-settings`);
      return c.data?.retries === '5';
    },
  );
  await svc.mergePatch(`/api/v1/namespaces/${l0.cluster}/secrets/${l0.pipelineLocalName('nightly')}-creds`, {
    data: { password: b64('rotated') },
  });
  await untilNudged(
    s,
    kcp0,
    `${KCP_PIPELINES}/nightly`,
    'secret-rotated',
    'rotated Secret reached kcp',
    async () => {
      const c = await kcp0.get('/api/v1/namespaces/default/secrets/nightly-creds');
      return c.data?.password === b64('rotated');
    },
  );

  // A second workspace.
  await kcp1.create(KCP_PIPELINES, {
    apiVersion: 'ci.example.com/v1',
    kind: 'Pipeline',
    metadata: { name: 'weekly', namespace: 'default' },
    spec: { image: 'quay.io/backup:1.0', schedule: '0 4 * * 0', note: 'weekly', replicas: '1' },
  });
  await s.until('second workspace copy created', () => exists(svc, l1.pipeline('weekly')));

  // The same name in another namespace of the same workspace.
  await kcp0.create('/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'staging', labels: { env: 'staging' } },
  });
  await kcp0.create('/apis/ci.example.com/v1/namespaces/staging/pipelines', {
    apiVersion: 'ci.example.com/v1',
    kind: 'Pipeline',
    metadata: { name: 'nightly', namespace: 'staging' },
    spec: { image: 'docker.io/backup:0.9', schedule: '0 1 * * *', note: 'staging', replicas: '1' },
  });
  await s.until('copy from another namespace created', () =>
    exists(svc, l0.pipelineIn('staging', 'nightly')),
  );

  // Projected Toy (custom naming with workspace paths) and a kcp-origin Secret by selector.
  await kcp0.create('/api/v1/namespaces/default/secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'g1-token', namespace: 'default', labels: { toy: 'g1' } },
    data: { token: b64('t0ken') },
  });
  await kcp0.create(KCP_TOYS, {
    apiVersion: 'toys.example.com/v2',
    kind: 'Toy',
    metadata: { name: 'g1', namespace: 'default', labels: { shelf: 'top' } },
    spec: { size: 'L', color: 'red' },
  });
  await s.until('projected copy created', () => exists(svc, l0.gizmo('g1')));
  await s.until('kcp-origin Secret (selector) synced down', () =>
    exists(svc, `/api/v1/namespaces/${l0.cluster}-toys/secrets/copied-g1-token`),
  );

  // Cluster-scoped on both sides; cluster-scoped in kcp only.
  await kcp0.create(KCP_REGIONS, {
    apiVersion: 'geo.example.com/v1',
    kind: 'Region',
    metadata: { name: 'eu', labels: { sync: 'yes' } },
    spec: { zone: 'eu-west-1' },
  });
  await s.until('cluster-scoped copy created', () => exists(svc, l0.region('eu')));
  // Filtered out by filter.resource: never copied, never gets the finalizer (the snapshot shows it).
  await kcp0.create(KCP_REGIONS, {
    apiVersion: 'geo.example.com/v1',
    kind: 'Region',
    metadata: { name: 'us' },
    spec: { zone: 'us-east-1' },
  });
  await kcp0.create(KCP_MONITORS, {
    apiVersion: 'monitors.example.com/v1',
    kind: 'Monitor',
    metadata: { name: 'm1' },
    spec: { target: 'https://example.com' },
  });
  await s.until('copy of the cluster-scoped kcp object created', () => exists(svc, l0.monitor('m1')));

  // A deletion: synced, then deleted in kcp; both sides end up without it.
  await kcp0.create(KCP_PIPELINES, {
    apiVersion: 'ci.example.com/v1',
    kind: 'Pipeline',
    metadata: { name: 'doomed', namespace: 'default' },
    spec: { image: 'docker.io/x:1', schedule: '* * * * *', note: 'bye', replicas: '1' },
  });
  await s.until('doomed copy created', () => exists(svc, l0.pipeline('doomed')));
  await svc.create(`/api/v1/namespaces/${l0.cluster}/configmaps`, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${l0.pipelineLocalName('doomed')}-manual`, namespace: l0.cluster },
    data: { manual: 'page 1' },
  });
  await untilNudged(
    s,
    kcp0,
    `${KCP_PIPELINES}/doomed`,
    'manual',
    'service-origin ConfigMap synced up',
    async () =>
      (await kcp0.getOrUndefined('/api/v1/namespaces/default/configmaps/doomed-manual')) ? true : undefined,
  );
  await kcp0.delete(`${KCP_PIPELINES}/doomed`);
  await s.until('doomed copy deleted', () => gone(svc, l0.pipeline('doomed')));
  await s.until('doomed kcp object deleted', () => gone(kcp0, `${KCP_PIPELINES}/doomed`));
  await s.until('kcp copy of the cleanup ConfigMap deleted', () =>
    gone(kcp0, '/api/v1/namespaces/default/configmaps/doomed-manual'),
  );
}

/** An annotation on a kcp primary, so that both agents reconcile it again (the same in every world). */
export async function nudge(kcp: RestClient, primaryPath: string, value: string): Promise<void> {
  await kcp.mergePatch(primaryPath, { metadata: { annotations: { 'compat.example.com/nudge': value } } });
}

/**
 * Waits for `fn` while touching the primary every few seconds (the Go agent reads related objects
 * from a cache, so one touch may come before the cache saw the change); ends with the annotation at
 * `value`, the same in every world.
 */
export async function untilNudged(
  s: Steps,
  kcp: RestClient,
  primaryPath: string,
  value: string,
  step: string,
  fn: () => Promise<boolean | undefined>,
  timeoutMs = 60_000,
): Promise<boolean> {
  let n = 0;
  let last = 0;
  const ok = await s.until(
    step,
    async () => {
      if (Date.now() - last > 3_000) {
        last = Date.now();
        await nudge(kcp, primaryPath, n++ % 2 === 0 ? value : `${value}-again`);
      }
      return fn();
    },
    timeoutMs,
  );
  await nudge(kcp, primaryPath, value);
  return ok;
}

/** Lets late writes (events, status, annotations) land before a snapshot. */
export async function quiesce(ms = 8_000): Promise<void> {
  await sleep(ms);
}

/** A world with the population's CRDs and PublishedResources, run by `command` (undefined: ours). */
export async function startCompatWorld(name: string, command: string | undefined): Promise<AgentWorld> {
  const w = await startAgentWorld({
    name,
    provider: { exportName: EXPORT_NAME, permissionClaims: PERMISSION_CLAIMS },
    ...(command !== undefined ? { agentCommand: command } : {}),
    manifests: CRDS,
  });
  for (const crd of CRDS) await waitForCrdEstablished(w.service.client, crd.metadata.name!);
  for (const pr of PUBLISHED_RESOURCES) await applyManifest(w.service.client, pr);
  return w;
}
