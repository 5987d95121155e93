// `bash hack/up.sh`: the embedded local world for trying the agent by hand.
//   kcp (org workspace "provider" with an APIExport + endpoint slice, two bound team workspaces)
//   + a service cluster (kube-apiserver + etcd) with crds/ and the sample CRD + PublishedResource
//   + the agent (once dist/operator/main.js exists) and a sample consumer object in team-a.
// Stays up until Ctrl-C; with UP_EXIT_AFTER_READY=1 (or --no-wait) it tears down once everything is up.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AGENT_ENTRYPOINT, standardAgentArgs, startAgent, type AgentProcess } from '../../e2e/world/agent.js';
import { startKcp, type Kcp } from '../../e2e/world/kcp.js';
import { worldBinaries } from '../../e2e/world/binaries.js';
import {
  applyManifest,
  discoverResource,
  readManifests,
  waitForCrdEstablished,
} from '../../e2e/world/manifests.js';
import { freePort } from '../../e2e/world/ports.js';
import { REPO_ROOT, killAllLive, logTail } from '../../e2e/world/process.js';
import { createProvider } from '../../e2e/world/provider.js';
import { ApiError, resourcePath } from '../../e2e/world/rest.js';
import { startServiceCluster, type ServiceCluster } from '../../e2e/world/service-cluster.js';
import { waitFor } from '../../e2e/world/wait.js';

const exitAfterReady = process.argv.includes('--no-wait') || process.env.UP_EXIT_AFTER_READY === '1';
const artifacts = path.join(REPO_ROOT, '.artifacts', 'up');
const examples = path.join(REPO_ROOT, 'manifests', 'examples');
const say = (msg: string): void => console.log(`[up] ${msg}`);

let kcp: Kcp | undefined;
let svc: ServiceCluster | undefined;
let agent: AgentProcess | undefined;
let stopping: Promise<void> | undefined;

/** Stops agent, service cluster and kcp in that order (once). */
function teardown(): Promise<void> {
  stopping ??= (async () => {
    say('stopping ...');
    await agent?.stop();
    await svc?.stop();
    await kcp?.stop();
    say('stopped');
  })();
  return stopping;
}

// Ctrl-C (at any point, also during startup) tears down cleanly; a second Ctrl-C kills at once.
// Whatever happens, no server outlives this process (exit hook here, hack/world/reaper.sh otherwise).
process.once('exit', killAllLive);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    if (stopping) {
      killAllLive();
      process.exit(130);
    }
    void teardown().finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  const t0 = Date.now();
  try {
    say('starting kcp ...');
    kcp = await startKcp({ artifactsDir: path.join(artifacts, 'kcp') });
    say(`kcp ready at ${kcp.url}; creating the provider workspaces ...`);
    const provider = await createProvider(kcp, { org: 'provider' });
    say('starting the service cluster (kube-apiserver + etcd) ...');
    svc = await startServiceCluster({ name: 'up', artifactsDir: path.join(artifacts, 'service-cluster') });

    // CRDs first (the project's own, then the sample), then the remaining sample objects.
    const manifestFiles = [
      ...listYaml(path.join(REPO_ROOT, 'crds')),
      ...listYaml(examples).filter((f) => !path.basename(f).startsWith('consumer-')),
    ];
    const objects = manifestFiles.flatMap((f) => readManifests(f).map((o) => ({ file: f, o })));
    const ordered = [
      ...objects.filter((x) => x.o.kind === 'CustomResourceDefinition'),
      ...objects.filter((x) => x.o.kind !== 'CustomResourceDefinition'),
    ];
    for (const { file, o } of ordered) {
      try {
        // CRDs are established by now, so an unknown kind means its CRD is not installed: fail fast.
        await applyManifest(svc.client, o, o.kind === 'CustomResourceDefinition' ? 30_000 : 5_000);
        if (o.kind === 'CustomResourceDefinition') await waitForCrdEstablished(svc.client, o.metadata.name!);
        say(`applied ${o.kind} ${o.metadata.name} (${path.relative(REPO_ROOT, file)})`);
      } catch (err) {
        say(
          `WARNING: could not apply ${o.kind} ${o.metadata.name} from ${path.relative(REPO_ROOT, file)}: ${(err as Error).message}`,
        );
      }
    }

    const lines = [
      `kcp:                 ${kcp.url}  (log ${kcp.logPath})`,
      `kcp admin:           export KUBECONFIG=${provider.adminKubeconfigPath}   # workspace ${provider.orgPath}`,
      `kcp agent user:      ${provider.agentKubeconfigPath}`,
      `team workspaces:     ${provider.teamPaths.join(', ')}  (admin kubeconfigs: ${provider.teamPaths.map((p) => kcp!.writeAdminKubeconfig(p)).join(', ')})`,
      `APIExport:           ${provider.exportName} (endpoint slice ${provider.endpointSliceName})`,
      `service cluster:     export KUBECONFIG=${svc.kubeconfigPath}   (logs ${svc.artifactsDir})`,
      `kubectl:             ${worldBinaries().kubectl}`,
    ];

    if (existsSync(AGENT_ENTRYPOINT)) {
      const metricsPort = await freePort();
      const args = standardAgentArgs({
        agentName: 'up-agent',
        endpointSliceName: provider.endpointSliceName,
        serviceKubeconfig: svc.kubeconfigPath,
        kcpKubeconfig: provider.agentKubeconfigPath,
        metricsPort,
      });
      say(`starting the agent: node dist/operator/main.js ${args.join(' ')}`);
      agent = await startAgent({ args, artifactsDir: artifacts });
      lines.push(
        `agent:               pid ${agent.pid}, log ${agent.logPath}, metrics http://127.0.0.1:${metricsPort}/metrics`,
      );
      await createSampleConsumerObject(kcp, svc, provider.teamPaths[0]!, agent, lines);
    } else {
      lines.push(
        `agent:               not started (${path.relative(REPO_ROOT, AGENT_ENTRYPOINT)} does not exist; run "npm run build")`,
      );
    }

    const summary = path.join(artifacts, 'world.txt');
    writeFileSync(summary, lines.join('\n') + '\n');
    say(
      `local world is up in ${Math.round((Date.now() - t0) / 1000)}s:\n  ${lines.join('\n  ')}\n  (also written to ${summary})`,
    );
    if (exitAfterReady) {
      await teardown();
      say('done (UP_EXIT_AFTER_READY)');
      return;
    }
    say('press Ctrl-C to stop everything');
    // Keep the process alive until a signal handler tears down and exits.
    await new Promise<void>(() => setInterval(() => undefined, 1 << 30));
  } catch (err) {
    await teardown().catch(() => undefined);
    throw err;
  }
}

/**
 * Waits for the agent to publish the sample API in the team workspace, creates the sample CronTab
 * there, and waits for the agent's copy on the service cluster.
 */
async function createSampleConsumerObject(
  kcp: Kcp,
  svc: ServiceCluster,
  teamPath: string,
  agent: AgentProcess,
  lines: string[],
): Promise<void> {
  const team = kcp.admin.forCluster(teamPath);
  const file = path.join(examples, 'consumer-crontab.yaml');
  try {
    for (const obj of readManifests(file)) {
      const ns = obj.metadata.namespace ?? 'default';
      await team
        .create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })
        .catch((err) => {
          if (!(err instanceof ApiError && err.status === 409)) throw err;
        });
      await waitFor(() => applyManifest(team, obj, 5_000), {
        description: `the agent to publish ${obj.apiVersion} ${obj.kind} into ${teamPath}`,
        timeoutMs: 120_000,
        intervalMs: 2_000,
        hint: () => `agent log ${agent.logPath}:\n${logTail(agent.logPath)}`,
      });
      lines.push(
        `sample object:       ${obj.kind} ${obj.metadata.namespace ?? 'default'}/${obj.metadata.name} in ${teamPath}`,
      );
      // The agent names the copy itself (docs/compatibility.md#naming), so look for any object of the kind.
      const r = await discoverResource(svc.client, obj.apiVersion!, obj.kind!);
      const copy = await waitFor(async () => (await svc.client.list(resourcePath(r))).items[0], {
        description: `the agent to sync ${obj.kind} ${obj.metadata.name} into the service cluster`,
        timeoutMs: 60_000,
        intervalMs: 1_000,
        hint: () => `agent log ${agent.logPath}:\n${logTail(agent.logPath)}`,
      });
      lines.push(
        `synced copy:         ${obj.kind} ${copy.metadata.namespace}/${copy.metadata.name} on the service cluster`,
      );
    }
  } catch (err) {
    say(`WARNING: sample consumer object not created: ${(err as Error).message}`);
    lines.push(`sample object:       NOT created (see warning above)`);
  }
}

function listYaml(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => path.join(dir, f));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`[up] ERROR: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
