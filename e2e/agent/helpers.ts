// Shared setup of agent e2e tests: a provider in kcp (own org workspace and APIExport per test file),
// a fresh service cluster with the PublishedResource CRD, and the agent started as a user would.
import path from 'node:path';
import { startAgent, standardAgentArgs, type AgentProcess } from '../world/agent.js';
import { applyManifest, readManifests, waitForCrdEstablished } from '../world/manifests.js';
import { REPO_ROOT } from '../world/process.js';
import { createProvider, type ProviderOptions, type ProviderWorld } from '../world/provider.js';
import type { KubeObject } from '../world/rest.js';
import { artifactsDirFor, runKcp } from '../world/run.js';
import { startServiceCluster, type ServiceCluster } from '../world/service-cluster.js';
import { waitFor } from '../world/wait.js';

export const PR_CRD = path.join(REPO_ROOT, 'crds/syncagent.kcp.io_publishedresources.yaml');
export const CRONTAB_CRD = path.join(REPO_ROOT, 'manifests/examples/crontab-crd.yaml');

export interface AgentWorld {
  provider: ProviderWorld;
  service: ServiceCluster;
  agent: AgentProcess;
  artifactsDir: string;
  agentName: string;
  stop(): Promise<void>;
}

export async function startAgentWorld(o: {
  name: string;
  provider?: Partial<ProviderOptions>;
  manifests?: KubeObject[];
  agentName?: string;
  extraArgs?: string[];
  metricsPort?: number;
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
    const agentName = o.agentName ?? 'e2e-agent';
    agent = await startAgent({
      artifactsDir,
      args: standardAgentArgs({
        agentName,
        endpointSliceName: provider.endpointSliceName,
        serviceKubeconfig: service.kubeconfigPath,
        kcpKubeconfig: provider.agentKubeconfigPath,
        ...(o.metricsPort ? { metricsPort: o.metricsPort } : {}),
        extra: o.extraArgs ?? [],
      }),
    });
    const a = agent;
    return {
      provider,
      service,
      agent: a,
      artifactsDir,
      agentName,
      stop: async () => {
        await a.stop();
        await service.stop();
      },
    };
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
