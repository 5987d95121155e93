/**
 * Assembles the agent (docs/compatibility.md#startup): service-cluster and kcp configs, the sync endpoint,
 * the manager with leader election, the shared caches, the virtual-workspace discovery and the controllers.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { API_VERSION, RESOURCE, type PublishedResource } from './apis/v1alpha1/types.js';
import { APIExportReconciler, publishedResourceGauge } from './controllers/apiexport/controller.js';
import { APIResourceSchemaReconciler } from './controllers/apiresourceschema/controller.js';
import { GVR_PUBLISHED_RESOURCES } from './controllers/published-resources.js';
import { SyncManager } from './controllers/syncmanager/controller.js';
import { finalizerPolicy } from './engine/sync/finalizers.js';
import { SYNC_CONTROLLER_NAME } from './controllers/sync/controller.js';
import { StateStore } from './controllers/sync/state-store.js';
import { LABEL_OBJECT_STATE } from './engine/sync/keys.js';
import { useTemplateEnvironment } from './golang/template/index.js';
import { resolveKcpEndpoint } from './kcp/bootstrap.js';
import { clusterOf } from './kcp/cluster.js';
import { GVR_APIEXPORTS, GVR_CRDS, GVR_SECRETS } from './kcp/resources.js';
import { VirtualWorkspaces } from './kcp/virtual-workspaces.js';
import type { CompletedOptions } from './options.js';
import { loadRestConfig } from './runtime/client/config.js';
import { RestClient } from './runtime/client/rest.js';
import type { KubeObject } from './runtime/client/types.js';
import { EventRecorder } from './runtime/events.js';
import { dropManagedFields } from './runtime/informer.js';
import { enableProcessMetrics } from './runtime/metrics.js';
import type { Logger } from './runtime/log.js';
import { Manager } from './runtime/manager.js';
import { processEnvironment } from './runtime/process-environment.js';
import { USER_AGENT, VERSION } from './version.js';
import { startSharding } from './sharding.js';

export interface RunningAgent {
  manager: Manager;
  done: Promise<void>;
}

export async function startAgent(options: CompletedOptions, log: Logger): Promise<RunningAgent> {
  // The real clock, variables and randomness for template functions (now, env, rand*, ...).
  useTemplateEnvironment(processEnvironment);
  log.info(
    { version: VERSION, name: options.agentName, apiexportendpointslice: options.apiExportEndpointSliceRef },
    "Moin, I'm the kcp Sync Agent",
  );

  const localConfig = {
    ...loadRestConfig({
      ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
      ...(options.kubeconfigHostOverride ? { hostOverride: options.kubeconfigHostOverride } : {}),
      ...(options.kubeconfigCAFileOverride ? { caFileOverride: options.kubeconfigCAFileOverride } : {}),
    }),
    userAgent: USER_AGENT,
  };
  const kcpConfig = {
    ...loadRestConfig({ kubeconfig: options.kcpKubeconfig, explicitOnly: true }),
    userAgent: USER_AGENT,
  };
  const endpoint = await resolveKcpEndpoint(kcpConfig, options.apiExportEndpointSliceRef);
  log.info(
    {
      slice: options.apiExportEndpointSliceRef,
      sliceWorkspace: endpoint.sliceCluster.path || endpoint.sliceCluster.name,
      apiExport: endpoint.exportName,
      exportWorkspace: endpoint.exportCluster.path || endpoint.exportCluster.name,
    },
    'Resolved the sync endpoint',
  );

  const localClient = new RestClient(localConfig);
  const exportClient = new RestClient(endpoint.exportConfig);
  enableProcessMetrics();
  const identity = `${hostname()}_${randomUUID()}`;
  const manager = new Manager({
    client: localClient,
    log,
    metricsAddress: options.metricsAddress,
    healthAddress: options.healthAddress,
    leaderElection: {
      enabled: options.enableLeaderElection,
      namespace: options.namespace,
      name: `syncagent.${options.agentName}`,
      identity,
    },
  });
  publishedResourceGauge.set(0);

  const selector = options.publishedResourceSelector.toString();
  const publishedResources = manager.informer<PublishedResource>({
    gvr: GVR_PUBLISHED_RESOURCES,
    transform: dropManagedFields,
    ...(selector ? { labelSelector: selector } : {}),
  });
  const crds = manager.informer({ gvr: GVR_CRDS, transform: dropManagedFields });
  const apiExports = manager.informer({
    client: exportClient,
    gvr: GVR_APIEXPORTS,
    clusterOf,
    fieldSelector: `metadata.name=${endpoint.exportName}`,
  });
  const vw = new VirtualWorkspaces(
    endpoint.sliceConfig,
    options.apiExportEndpointSliceRef,
    log.child({ logger: 'vw' }),
  );
  // Sharded replicas (docs/sharding.md): the workspaces this replica owns; undefined without the flag.
  const shards = options.enableSharding
    ? startSharding({ options, identity, manager, localClient, vw, log })
    : undefined;

  // One state Secret per synced object: keep the cache lean (managedFields are never read).
  const stateSecrets = manager.informer<KubeObject>({
    gvr: GVR_SECRETS,
    namespace: options.namespace,
    labelSelector: `${LABEL_OBJECT_STATE}=true`,
    transform: dropManagedFields,
    ...(shards ? { filter: shards.ownedOrUnlabelled } : {}),
  });
  shards?.track(stateSecrets);

  // Sharded: every replica watches the virtual workspaces (the sync controllers run everywhere).
  manager.add({ start: () => vw.start(), stop: () => vw.stop(), ...(shards ? { needLeaderElection: false } : {}) });

  const disabled = new Set(options.disabledControllers);
  if (disabled.has('apiresourceschema')) {
    log.info('apiresourceschema controller disabled');
  } else {
    const recorder = new EventRecorder({ component: 'syncagent-apiresourceschema', log });
    new APIResourceSchemaReconciler({
      agentName: options.agentName,
      localClient,
      exportClient,
      publishedResources,
      crds,
      recorder,
      log,
    }).setupWithManager(manager);
  }
  if (disabled.has('apiexport')) {
    log.info('apiexport controller disabled');
  } else {
    const recorder = new EventRecorder({ component: 'syncagent-apiexport', log });
    new APIExportReconciler({
      agentName: options.agentName,
      exportName: endpoint.exportName,
      exportCluster: endpoint.exportCluster.name,
      localClient,
      exportClient,
      apiExports,
      publishedResources,
      recorder,
      log,
    }).setupWithManager(manager);
  }
  if (disabled.has('sync')) {
    log.info('sync controller disabled');
  } else {
    const syncManager = new SyncManager({
      agentName: options.agentName,
      finalizers: finalizerPolicy(options.agentName, options.finalizerMode, options.foreignFinalizerTimeoutMs),
      manager,
      localClient,
      publishedResources,
      state: new StateStore(localClient, options.namespace, stateSecrets),
      vw,
      recorder: new EventRecorder({ component: SYNC_CONTROLLER_NAME, log }),
      log,
      ...(shards ? { shards } : {}),
    });
    syncManager.setupWithManager(manager);
    manager.add({
      start: () => undefined,
      stop: () => syncManager.stopAll(),
      ...(shards ? { needLeaderElection: false } : {}),
    });
  }

  log.debug(
    { resource: `${RESOURCE}.${API_VERSION}`, controllers: manager.describeControllers() },
    'Controllers registered',
  );
  manager.handleSignals();
  const done = manager.start();
  return { manager, done };
}
