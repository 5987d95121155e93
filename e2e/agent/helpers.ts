// Shared setup of agent e2e tests: a provider in kcp (own org workspace and APIExport per test file),
// a fresh service cluster with the PublishedResource CRD, and the agent started as a user would.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { startAgent, standardAgentArgs, type AgentProcess } from '../world/agent.js';
import { applyManifest, readManifests, waitForCrdEstablished } from '../world/manifests.js';
import { REPO_ROOT } from '../world/process.js';
import { createProvider, type ProviderOptions, type ProviderWorld } from '../world/provider.js';
import type { KubeObject, RestClient } from '../world/rest.js';
import { artifactsDirFor, runKcp } from '../world/run.js';
import { startServiceCluster, type ServiceCluster } from '../world/service-cluster.js';
import { waitFor } from '../world/wait.js';

/** Time limit of one e2e step (hooks and tests pass it explicitly). */
export const STEP = 180_000;
/** The sample CronTab collection in a team workspace's `default` namespace. */
export const CRONTABS = '/apis/example.com/v1/namespaces/default/crontabs';
export const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
/** The agent's `sha3short` (first 20 hex chars of SHA3-256): default local names are built from it. */
export const sha3short = (s: string) => createHash('sha3-256').update(s).digest('hex').slice(0, 20);
export const b64 = (s: string) => Buffer.from(s).toString('base64');

/** The PublishedResources collection on the service cluster. */
export const PRS = '/apis/syncagent.kcp.io/v1alpha1/publishedresources';

/** A PublishedResource with the given name and spec. */
export function publishedResource(name: string, spec: object): KubeObject {
  return { apiVersion: 'syncagent.kcp.io/v1alpha1', kind: 'PublishedResource', metadata: { name }, spec };
}

/** The PublishedResource `publish-crontabs` for the sample CronTab CRD, with extra spec fields. */
export function publishCronTabs(spec: Record<string, unknown> = {}): KubeObject {
  return publishedResource('publish-crontabs', {
    resource: { apiGroup: 'example.com', kind: 'CronTab', versions: ['v1'] },
    ...spec,
  });
}

export const PR_CRD = path.join(REPO_ROOT, 'crds/syncagent.kcp.io_publishedresources.yaml');
export const CRONTAB_CRD = path.join(REPO_ROOT, 'manifests/examples/crontab-crd.yaml');

export interface AgentWorld {
  provider: ProviderWorld;
  service: ServiceCluster;
  agent: AgentProcess;
  artifactsDir: string;
  agentName: string;
  /** The flags the agent was started with (restartAgent reuses them). */
  agentArgs: string[];
  /**
   * The executable restartAgent starts (see startAgent's `command`); undefined: the TypeScript agent.
   * Tests may change it to swap one agent for another on the same clusters.
   */
  agentCommand?: string;
  stop(): Promise<void>;
}

export async function startAgentWorld(o: {
  name: string;
  provider?: Partial<ProviderOptions>;
  manifests?: KubeObject[];
  agentName?: string;
  extraArgs?: string[];
  metricsPort?: number;
  /** Start this executable with the same flags instead of the TypeScript agent (e.g. the Go agent). */
  agentCommand?: string;
  /**
   * Runs after the provider exists and before the agent starts; may point the agent at another kcp
   * kubeconfig and endpoint slice (e.g. a slice in another workspace than the APIExport).
   */
  prepareKcp?: (
    provider: ProviderWorld,
  ) => Promise<{ kcpKubeconfig?: string; endpointSliceName?: string } | void>;
}): Promise<AgentWorld> {
  const artifactsDir = artifactsDirFor(o.name);
  const provider = await createProvider(runKcp(), { org: o.name, ...o.provider });
  const service = await startServiceCluster({ name: o.name, artifactsDir });
  let agent: AgentProcess | undefined;
  try {
    for (const file of [PR_CRD, CRONTAB_CRD]) {
      for (const obj of readManifests(file)) await applyManifest(service.client, obj);
    }
    await waitForCrdEstablished(service.client, 'publishedresources.syncagent.kcp.io');
    await waitForCrdEstablished(service.client, 'crontabs.example.com');
    for (const obj of o.manifests ?? []) await applyManifest(service.client, obj);
    await provider.virtualWorkspaceUrl();
    const kcpTarget = (await o.prepareKcp?.(provider)) ?? {};
    const agentName = o.agentName ?? 'e2e-agent';
    const agentArgs = standardAgentArgs({
      agentName,
      endpointSliceName: kcpTarget.endpointSliceName ?? provider.endpointSliceName,
      serviceKubeconfig: service.kubeconfigPath,
      kcpKubeconfig: kcpTarget.kcpKubeconfig ?? provider.agentKubeconfigPath,
      ...(o.metricsPort ? { metricsPort: o.metricsPort } : {}),
      extra: o.extraArgs ?? [],
    });
    agent = await startAgent({
      artifactsDir,
      args: agentArgs,
      ...(o.agentCommand !== undefined ? { command: o.agentCommand } : {}),
    });
    const world: AgentWorld = {
      provider,
      service,
      agent,
      artifactsDir,
      agentName,
      agentArgs,
      ...(o.agentCommand !== undefined ? { agentCommand: o.agentCommand } : {}),
      // Stops whichever agent process is current (restartAgent replaces it).
      stop: async () => {
        await world.agent.stop();
        await service.stop();
      },
    };
    return world;
  } catch (err) {
    await agent?.stop();
    await service.stop();
    throw err;
  }
}

/** Waits until a PublishedResource has a schema name and returns it. */
export async function waitForSchemaName(
  world: AgentWorld,
  prName: string,
  timeoutMs = 60_000,
): Promise<string> {
  return waitFor(
    async () => {
      const pr = await world.service.client.get(
        `/apis/syncagent.kcp.io/v1alpha1/publishedresources/${prName}`,
      );
      return pr.status?.resourceSchemaName as string | undefined;
    },
    { description: `PublishedResource ${prName} to get status.resourceSchemaName`, timeoutMs },
  );
}

/** Waits until a kcp workspace serves a resource (the binding picked up the new schema). */
export async function waitForServed(
  world: AgentWorld,
  teamIndex: number,
  collectionPath: string,
  timeoutMs = 90_000,
): Promise<void> {
  await waitFor(
    async () => {
      try {
        await world.provider.teamAdmin(teamIndex).list(collectionPath);
        return true;
      } catch {
        return undefined;
      }
    },
    { description: `${collectionPath} to be served in team ${teamIndex}`, timeoutMs },
  );
}

/**
 * Stops the agent (SIGTERM) and starts it again with the same flags; the new process logs to
 * `<artifactsDir>/<logName>.log`. `between` runs while no agent is running.
 */
export async function restartAgent(
  world: AgentWorld,
  between: () => Promise<void> = async () => undefined,
  logName = 'agent-restarted',
): Promise<AgentProcess> {
  await world.agent.stop();
  await between();
  world.agent = await startAgent({
    artifactsDir: world.artifactsDir,
    args: world.agentArgs,
    name: logName,
    ...(world.agentCommand !== undefined ? { command: world.agentCommand } : {}),
  });
  return world.agent;
}

/** GET of a PublishedResource on the service cluster. */
export function getPublishedResource(world: AgentWorld, name: string): Promise<KubeObject> {
  return world.service.client.get(`/apis/syncagent.kcp.io/v1alpha1/publishedresources/${name}`);
}

/** Waits until a kcp object carries the agent's finalizer (it has been accepted for sync). */
export async function waitForFinalizer(
  client: RestClient,
  objectPath: string,
  timeoutMs = 60_000,
): Promise<KubeObject> {
  return waitFor(
    async () => {
      const o = await client.getOrUndefined(objectPath);
      return (o?.metadata.finalizers as string[] | undefined)?.includes('syncagent.kcp.io/cleanup')
        ? o
        : undefined;
    },
    { description: `${objectPath} to carry the syncagent.kcp.io/cleanup finalizer`, timeoutMs },
  );
}

/** Waits until an object exists (GET answers 2xx) and returns it. */
export function waitForObject(
  client: RestClient,
  objectPath: string,
  timeoutMs = 60_000,
): Promise<KubeObject> {
  return waitFor(() => client.getOrUndefined(objectPath), {
    description: `${objectPath} to exist at ${client.creds.server}`,
    timeoutMs,
  });
}

/** Events in a namespace (core/v1) whose involvedObject has the given name. */
export async function eventsFor(
  client: RestClient,
  namespace: string,
  objectName: string,
): Promise<KubeObject[]> {
  const list = await client.list(`/api/v1/namespaces/${namespace}/events`);
  return list.items.filter((e) => e.involvedObject?.name === objectName);
}

/** The local copy's path of a CronTab in team `teamIndex`'s `default` namespace (default naming). */
export function localCronTabPath(world: AgentWorld, name: string, teamIndex = 0): string {
  const cluster = world.provider.teamClusterNames[teamIndex];
  return `/apis/example.com/v1/namespaces/${cluster}/crontabs/${sha3short('default')}-${sha3short(name)}`;
}

/**
 * Creates a sample CronTab in team `teamIndex`'s `default` namespace (labels optional) and waits
 * until the agent has made its local copy, which it returns.
 */
export async function createCronTabAndWaitForCopy(
  world: AgentWorld,
  name: string,
  labels: Record<string, string> = {},
  teamIndex = 0,
): Promise<KubeObject> {
  await world.provider.teamAdmin(teamIndex).create(CRONTABS, {
    apiVersion: 'example.com/v1',
    kind: 'CronTab',
    metadata: { name, namespace: 'default', labels },
    spec: { cronSpec: '0 3 * * *', image: 'backup:1.0', replicas: 1 },
  });
  return waitForObject(world.service.client, localCronTabPath(world, name, teamIndex));
}

/**
 * Waits until the kcp primary at `primaryPath` carries the related annotation
 * `related-resources.syncagent.kcp.io/<identifier>.<index>` and returns its value.
 */
export function waitForRelatedAnnotation(
  client: RestClient,
  primaryPath: string,
  identifier: string,
  index = 0,
  timeoutMs = 30_000,
): Promise<string> {
  const key = `related-resources.syncagent.kcp.io/${identifier}.${index}`;
  return waitFor(
    async () => (await client.get(primaryPath)).metadata.annotations?.[key] as string | undefined,
    { description: `the annotation ${key} on ${primaryPath}`, timeoutMs },
  );
}

/**
 * Registers the enclosing describe block's beforeAll/afterAll hooks that start an agent world (see
 * startAgentWorld) and stop it; returns a getter for use inside the tests.
 */
export function useAgentWorld(o: Parameters<typeof startAgentWorld>[0]): () => AgentWorld {
  let world: AgentWorld | undefined;
  beforeAll(async () => {
    world = await startAgentWorld(o);
  }, STEP);
  afterAll(async () => {
    await world?.stop();
  }, STEP);
  return () => {
    if (!world) throw new Error(`the agent world "${o.name}" did not start (see beforeAll)`);
    return world;
  };
}
