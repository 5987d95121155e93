/**
 * The sync controller of one PublishedResource (docs/compatibility.md#sync-controller): reconciles kcp
 * primaries of the published type in every engaged consumer workspace with their copies on the service
 * cluster. Reads come from caches (remote wildcard informers, local informer, state Secrets); decisions come
 * from the pure engine; this file only wires them together and performs the I/O.
 */
import type { OnboardingSpec, PublishedResource } from '../../apis/v1alpha1/types.js';
import { onboardingErrors } from '../../apis/v1alpha1/validate.js';
import { compileMutations, type Mutator } from '../../engine/mutation/index.js';
import {
  compileNaming,
  configProblemEvent,
  configProblemOf,
  type CompiledNaming,
} from '../../engine/naming/index.js';
import {
  EVENT_PROVIDER_SIDE_ISSUE,
  EVENT_WORKSPACE_PATH_FAILED,
  type SyncEvent,
} from '../../engine/sync/events.js';
import {
  DEFAULT_FINALIZER_POLICY,
  foreignFinalizerWait,
  type FinalizerPolicy,
} from '../../engine/sync/finalizers.js';
import { LABEL_AGENT_NAME } from '../../engine/sync/keys.js';
import { ANNOTATION_KCP_PATH } from '../../kcp/well-known.js';
import { assertObjectLimits, describeObject, syncErrorEvent } from '../../engine/sync/limits.js';
import { objectKeyLabels, stateKey, stateSecretName, type ObjectKey } from '../../engine/sync/object-key.js';
import {
  applyFilter,
  localCopySelector,
  pickLocalCopy,
  primarySyncParts,
  remoteIdentity,
} from '../../engine/sync/primary.js';
import { planOrphan, type OrphanFacts } from '../../engine/sync/orphans.js';
import { refusedStatusPatch } from '../../engine/sync/refusal.js';
import { onboardingPending, reservedForOnboarding } from '../../engine/onboarding/index.js';
import { deepCopy, isBeingDeleted, type Unstructured } from '../../engine/sync/unstructured.js';
import { GVR_LOGICAL_CLUSTERS, GVR_NAMESPACES, LOGICAL_CLUSTER_NAME } from '../../kcp/resources.js';
import type { VirtualWorkspaces, WildcardInformerSet } from '../../kcp/virtual-workspaces.js';
import { clusterOf } from '../../kcp/cluster.js';
import { ForbiddenError, NotFoundError } from '../../runtime/client/errors.js';
import { gvrString } from '../../runtime/client/paths.js';
import type { RestClient } from '../../runtime/client/rest.js';
import type { KubeObject } from '../../runtime/client/types.js';
import { controllerManagedBy, requestFor, Trigger, type Source } from '../../runtime/builder.js';
import { realClock, type Clock } from '../../runtime/clock.js';
import type { Controller } from '../../runtime/controller.js';
import type { EventRecorder } from '../../runtime/events.js';
import type { Informer } from '../../runtime/informer.js';
import type { Logger } from '../../runtime/log.js';
import type { Manager } from '../../runtime/manager.js';
import {
  requestKeyCluster,
  type ReconcileContext,
  type Reconciler,
  type Request,
  type Result,
} from '../../runtime/reconciler.js';
import { ensureNamespaceViaAPI, runObjectSync, type Collision } from './object-sync.js';
import { OnboardingReconciler } from './onboarding.js';
import { NamespaceMetadataSync } from './namespace-metadata.js';
import { ObjectProblems } from './object-problems.js';
import { ParkedRequests } from './parked-requests.js';
import type { ShardScope } from '../shard-scope.js';
import { RelatedSync, type PrimaryPair } from './related.js';
import type { StateStore } from './state-store.js';
import type { SyncTypes } from './sync-types.js';

export const SYNC_CONTROLLER_NAME = 'syncagent-sync';
/** In-flight reconciles get this long when the sync controller of a PublishedResource stops. */
const STOP_DEADLINE_MS = 10_000;
/** As in the Go agent, any "requeue" outcome comes back after 5 s (on top of the watch events of our writes). */
const REQUEUE_AFTER_MS = 5000;
/** Index of the local informer: the object-key selector string of each local copy. */
export const LOCAL_COPY_INDEX = 'syncagent-object-key';
/** Reason of the events and the PublishedResource condition when a copy's name is taken by another object. */
export const REASON_NAME_COLLISION = 'NameCollision';

export interface SyncControllerDeps {
  pr: PublishedResource;
  types: SyncTypes;
  agentName: string;
  /** Which finalizer kcp objects get and whether teardown waits for foreign ones (default: shared). */
  finalizers?: FinalizerPolicy;
  /** Time source of the foreign-finalizer limit (tests step it). */
  clock?: Clock;
  localClient: RestClient;
  /** Cluster-wide informer of the local type, with the LOCAL_COPY_INDEX indexer. */
  localObjects: Informer;
  /** Namespaces of the service cluster (to avoid a GET per created copy). */
  localNamespaces: Informer;
  state: StateStore;
  vw: VirtualWorkspaces;
  recorder: EventRecorder;
  log: Logger;
  workers?: number;
  /** Reports a configuration error of the PublishedResource that showed while syncing an object. */
  reportConfigProblem?: (field: string, value: string, message: string) => void;
  /** Sharded replicas (docs/sharding.md): only the workspaces this replica owns are processed. */
  shards?: ShardScope;
}

/** The index function for LOCAL_COPY_INDEX: objects carrying the object-key labels. */
export function localCopyIndex(obj: KubeObject): string[] {
  const id = remoteIdentity(obj as Unstructured);
  if (!id) return [];
  const labels = obj.metadata?.labels ?? {};
  const key: ObjectKey = {
    clusterName: id.cluster,
    workspacePath: '',
    namespace: id.namespace,
    name: id.name,
  };
  // Index under the selector a lookup would use, but only when the labels really match it.
  const wanted = objectKeyLabels(key);
  for (const [k, v] of Object.entries(wanted)) if (labels[k] !== v) return [];
  return [localCopySelector(key)];
}

/**
 * The name of the sync controller of one PublishedResource: each has its own queue, logger and
 * metric labels (`controller="syncagent-sync/<name>"`).
 */
export function syncControllerName(publishedResource: string): string {
  return `${SYNC_CONTROLLER_NAME}/${publishedResource}`;
}

export class SyncReconciler implements Reconciler {
  private readonly naming: CompiledNaming;
  private readonly mutator: Mutator;
  private readonly remote: WildcardInformerSet;
  /** Related resources; compiled here so invalid config fails the controller's creation. */
  private readonly related: RelatedSync;
  /** Primaries that a related object's event concerns. */
  private readonly relatedEvents = new Trigger('related objects (kcp and service cluster)');
  /** Labels and annotations of consumer namespaces copied to the service side (when configured). */
  private readonly namespaceMetadata: NamespaceMetadataSync | undefined;
  /** Primaries in a kcp namespace whose labels or annotations changed. */
  private readonly namespaceEvents = new Trigger('namespaces in kcp (labels and annotations)');

  private readonly deps: SyncControllerDeps;
  /** kcp objects refused (collisions), mirrored onto the PublishedResource. */
  private readonly problems: ObjectProblems;
  /** kcp objects whose local name (`namespace/name`) is taken by another object, until it goes away. */
  private readonly waitingForName = new ParkedRequests();
  /** Copies of gone kcp objects in workspaces not engaged (yet), by cluster: decided on engagement. */
  private readonly waitingForEngagement = new ParkedRequests();
  /** The onboarding controller next to this one, when the PublishedResource asks for onboarding. */
  private onboarding: { manager: Manager; controller: Controller } | undefined;
  /** `spec.onboarding` when valid (ConfigValid reports it otherwise, and nothing is onboarded). */
  private readonly onboardingSpec: OnboardingSpec | undefined;
  /** Unregisters what was registered with the shard scope. */
  private readonly shardCleanup: (() => void)[] = [];

  constructor(deps: SyncControllerDeps) {
    this.deps = deps;
    this.problems = new ObjectProblems({
      client: deps.localClient,
      pr: deps.pr,
      recorder: deps.recorder,
      log: deps.log,
      ...(deps.shards ? { writes: () => deps.shards!.isLeader() } : {}),
    });
    // Compiled once per PublishedResource generation (the syncmanager restarts us on spec changes).
    this.naming = compileNaming(deps.pr.spec.naming, {
      validate: { namespaced: deps.types.local.namespaced },
    });
    this.mutator = compileMutations(deps.pr.spec.mutation, 'spec.mutation');
    this.remote = deps.vw.informersFor(deps.types.remote.gvr);
    const onboarding = deps.pr.spec.onboarding;
    this.onboardingSpec = onboarding && onboardingErrors(onboarding).length === 0 ? onboarding : undefined;
    this.related = new RelatedSync({
      pr: deps.pr,
      types: deps.types,
      localClient: deps.localClient,
      state: deps.state,
      vw: deps.vw,
      recorder: deps.recorder,
      log: deps.log,
      ...(deps.finalizers ? { finalizers: deps.finalizers } : {}),
      ...(deps.clock ? { clock: deps.clock } : {}),
      enqueue: (req) => this.relatedEvents.fire(req),
      localPrimaries: deps.localObjects,
      remotePrimaries: this.remote,
    });
    if (deps.pr.spec.namespaceMetadata && deps.types.remote.namespaced) {
      this.namespaceMetadata = new NamespaceMetadataSync({
        config: deps.pr.spec.namespaceMetadata,
        agentName: deps.agentName,
        vw: deps.vw,
        localClient: deps.localClient,
        localNamespaces: deps.localNamespaces,
        localObjects: deps.localObjects,
        remotePrimaries: this.remote,
        enqueue: (req) => this.namespaceEvents.fire(req),
      });
    }
  }

  /**
   * Registers this PublishedResource's sync controller with the manager, which starts it once the
   * local caches are synced. The remote caches are not waited for: orphan collection checks them.
   * Stop it with Manager.removeController, then {@link stop}.
   */
  setupWithManager(manager: Manager): Controller {
    const { deps } = this;
    const engaged = (obj: KubeObject) => deps.vw.isEngaged(clusterOf(obj));
    const ownCopy = (obj: KubeObject): Request[] => {
      if (obj.metadata?.labels?.[LABEL_AGENT_NAME] !== deps.agentName) return [];
      const id = remoteIdentity(obj as Unstructured);
      return id ? [id] : [];
    };
    // A local object that goes away may free its name for a kcp object that collided with it.
    const waitingForItsName = (obj: KubeObject): Request[] =>
      this.waitingForName.take(`${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`);
    // Newly engaged workspaces: everything already cached for them gets a look.
    const engagements: Source = {
      description: 'workspaces engaged through the virtual workspaces',
      start: (enqueue) =>
        deps.vw.addListener({
          engaged: (cluster) => {
            for (const o of this.remote.list({ cluster })) if (engaged(o)) enqueue(requestFor(o, clusterOf));
            for (const req of this.waitingForEngagement.take(cluster)) enqueue(req);
          },
          disengaged: () => undefined,
        }),
    };
    const onboarding = this.onboardingSpec;
    if (onboarding) {
      const controller = new OnboardingReconciler({
        publishedResource: deps.pr.metadata.name,
        spec: onboarding,
        types: deps.types,
        agentName: deps.agentName,
        localClient: deps.localClient,
        localObjects: deps.localObjects,
        vw: deps.vw,
        recorder: deps.recorder,
        log: deps.log,
        ...(deps.shards ? { shards: deps.shards } : {}),
      }).setupWithManager(manager);
      this.onboarding = { manager, controller };
    }
    const shards = deps.shards;
    // Fair per workspace: one workspace's burst of objects does not hold up another's.
    const controller = controllerManagedBy(manager)
      .named(syncControllerName(deps.pr.metadata.name))
      .for(this.remote, {
        predicates: [{ create: engaged, update: (_o, n) => engaged(n), delete: engaged }],
        description: `${gvrString(deps.types.remote.gvr)} in every engaged workspace`,
        waitForSync: false,
      })
      .watches(deps.localObjects, ownCopy)
      .watches(deps.localObjects, waitingForItsName, {
        predicates: [{ create: () => false, update: () => false }],
        description: `${deps.localObjects.name} (deletions: kcp objects waiting for the name)`,
      })
      .watches(engagements)
      .watches(this.relatedEvents)
      .watches(this.namespaceEvents)
      .reads(deps.localNamespaces)
      .withOptions({
        workers: deps.workers ?? 4,
        log: deps.log,
        stopDeadlineMs: STOP_DEADLINE_MS,
        fairnessKey: requestKeyCluster,
        // the request's cluster is the cache key's (kcp's annotation or the agent's own label), never
        // a consumer's claim
        ...(shards
          ? { requestFilter: (req: Request) => shards.owns(req.cluster), needLeaderElection: false }
          : {}),
      })
      .complete(this);
    if (shards) {
      const onboarding = this.onboarding?.controller;
      this.shardCleanup.push(
        shards.onRevoke(async (isRevoked) => {
          await controller.waitForInFlight((req) => isRevoked(req.cluster));
          // onboarding requests name a service-side object, not a workspace: wait for all of them
          await onboarding?.waitForInFlight(() => true);
        }),
      );
    }
    return controller;
  }

  /** Starts the related-object informers (once the controller is registered: their events enqueue). */
  start(): void {
    if (!this.related.empty) this.related.start();
    this.namespaceMetadata?.start();
  }

  /** Stops what this reconciler owns besides the controller: problem reports and the remote caches. */
  async stop(): Promise<void> {
    for (const unregister of this.shardCleanup.splice(0)) unregister();
    if (this.onboarding) await this.onboarding.manager.removeController(this.onboarding.controller);
    this.problems.stop();
    await this.remote.stop();
    await this.related.stop();
    await this.namespaceMetadata?.stop();
  }

  /** The cached kcp object of this PublishedResource's type (for the event mirror). */
  kcpObject(cluster: string, namespace: string, name: string): KubeObject | undefined {
    return this.remote.get(cluster, namespace, name);
  }

  private event(client: RestClient, obj: Unstructured, ev: SyncEvent): void {
    void this.deps.recorder.event(client, obj, ev.type, ev.reason, ev.message);
  }

  async reconcile(req: Request, ctx: ReconcileContext): Promise<Result> {
    const { deps } = this;
    // Another replica's workspace (revoked while the request waited): not ours to touch.
    if (deps.shards && !deps.shards.owns(req.cluster)) return {};
    const cached = this.remote.get(req.cluster, req.namespace, req.name);
    if (!cached) {
      this.related.forget(req);
      this.namespaceMetadata?.forget(req);
      this.problems.clear(req);
      this.waitingForName.forget(req);
      return this.collectOrphan(req, ctx);
    }
    const client = deps.vw.clusterClient(req.cluster);
    if (!client) return {}; // not (or no longer) engaged
    // Poison objects are refused before any recursive step sees them (docs/security.md).
    try {
      assertObjectLimits([{ role: `kcp object ${describeObject(cached)}`, object: cached }]);
    } catch (err) {
      await this.failed(req, client, cached as Unstructured, err, ctx);
      throw err;
    }
    const remote = deepCopy(cached) as Unstructured;
    const log = ctx.log.child({ cluster: req.cluster, namespace: req.namespace, name: req.name });

    // Filters: an object with our finalizer is cleaned up even when filtered out; bad filters are errors.
    let namespaceLabels: Record<string, string> | undefined;
    if (deps.pr.spec.filter?.namespace && req.namespace !== '') {
      const ns = await client.get(GVR_NAMESPACES, req.namespace, { signal: ctx.signal });
      namespaceLabels = ns.metadata?.labels ?? {};
    }
    let verdict;
    try {
      verdict = applyFilter(deps.pr.spec.filter, remote, namespaceLabels, deps.finalizers);
    } catch (err) {
      this.event(client, remote, { ...EVENT_PROVIDER_SIDE_ISSUE });
      throw err;
    }
    if (!verdict.pass) {
      log.debug({ reason: verdict.reason }, 'Ignoring object');
      return {};
    }

    let workspacePath = '';
    if (deps.pr.spec.enableWorkspacePaths) {
      try {
        const lc = await client.get(GVR_LOGICAL_CLUSTERS, LOGICAL_CLUSTER_NAME, { signal: ctx.signal });
        workspacePath = lc.metadata?.annotations?.[ANNOTATION_KCP_PATH] ?? '';
      } catch (err) {
        this.event(client, remote, EVENT_WORKSPACE_PATH_FAILED);
        throw err;
      }
    }

    try {
      return await this.process(req, remote, client, workspacePath, ctx, log);
    } catch (err) {
      await this.failed(req, client, remote, err, ctx);
      throw err;
    }
  }

  private async process(
    req: Request,
    remote: Unstructured,
    client: RestClient,
    workspacePath: string,
    ctx: ReconcileContext,
    log: Logger,
  ): Promise<Result> {
    const { deps } = this;
    const { local: localType, remote: remoteType } = deps.types;
    const key: ObjectKey = {
      clusterName: req.cluster,
      workspacePath,
      namespace: req.namespace,
      name: req.name,
    };
    const selector = localCopySelector(key);
    const localCached = pickLocalCopy(deps.localObjects.reader.byIndex(LOCAL_COPY_INDEX, selector), selector);
    assertObjectLimits([
      { role: `service-cluster copy ${describeObject(localCached)}`, object: localCached },
    ]);
    const local = localCached ? (deepCopy(localCached) as Unstructured) : undefined;
    // Being onboarded: the onboarding controller links both sides first (its last write brings us back).
    if (onboardingPending(local)) return {};

    const secretName = stateSecretName(req.cluster, {
      apiVersion: remote.apiVersion,
      kind: remote.kind,
      name: req.name,
      namespace: req.namespace,
    });
    const entryKey = stateKey(key);
    const storedState = deps.state.read(secretName, entryKey);

    const pair = (kcp: Unstructured, copy: Unstructured): PrimaryPair => ({
      req,
      workspacePath,
      remote: kcp,
      local: copy,
      kcpClient: client,
      secretName,
      secretLabels: objectKeyLabels(key),
      signal: ctx.signal,
      log,
    });
    // Related resources in "primary deleting" mode before the primary, unless the primary's teardown
    // still waits for foreign finalizers (then its related objects stay too).
    const now = (deps.clock ?? realClock).now();
    const waiting = foreignFinalizerWait(remote, deps.finalizers ?? DEFAULT_FINALIZER_POLICY, now).wait;
    if (isBeingDeleted(remote) && local && !this.related.empty && !waiting) {
      const r = await this.related.process(pair(remote, local), true);
      if (r.requeue) return { requeueAfterMs: REQUEUE_AFTER_MS };
    }

    const result = await runObjectSync({
      source: remote,
      destination: local,
      storedState,
      ...primarySyncParts({
        key,
        agentName: deps.agentName,
        types: deps.types,
        naming: this.naming,
        mutator: this.mutator,
        ...(deps.finalizers ? { finalizers: deps.finalizers } : {}),
      }),
      now,
      sourceSide: { client, gvr: remoteType.gvr },
      destinationSide: { client: deps.localClient, gvr: localType.gvr },
      ensureNamespace: async (ns) => {
        if (deps.localNamespaces.reader.get('', '', ns)) return;
        await ensureNamespaceViaAPI(deps.localClient, ns, ctx.signal);
      },
      recordEvent: (ev, obj) => this.event(client, obj, ev),
      refuseAdoption: (existing) => reservedForOnboarding(this.onboardingSpec, existing, key, deps.agentName),
      eventsOn: 'source',
      signal: ctx.signal,
    });

    if (result.collision) return this.collided(req, result.source, client, result.collision, ctx, log);
    this.problems.clear(req);
    if (result.destination) deps.localObjects.assume(result.destination);
    else if (local) deps.localObjects.assumeDeleted(local);
    if (result.newState !== undefined) {
      await deps.state.write(secretName, objectKeyLabels(key), { [entryKey]: result.newState });
    }
    // Once the kcp object is released and gone, its state Secret goes too (the Go agent keeps it).
    if (isBeingDeleted(result.source) && !result.destination && !result.requeue) {
      await deps.state.delete(secretName).catch((err: unknown) => {
        if (err instanceof ForbiddenError) log.info('Not allowed to delete the state Secret; leaving it');
        else throw err;
      });
    }
    // The namespace's labels and annotations once the copy is placed.
    const copyNamespace = result.destination?.metadata.namespace;
    if (this.namespaceMetadata && !result.requeue && copyNamespace && !isBeingDeleted(result.source)) {
      const nm = await this.namespaceMetadata.apply({
        req,
        namespace: copyNamespace,
        kcpClient: client,
        signal: ctx.signal,
      });
      if (nm.forbidden) {
        // Missing RBAC is the provider's configuration, not the consumer's problem: the object stays
        // synced and the PublishedResource says what to grant.
        log.info('Not allowed to patch the service-side namespace');
        deps.reportConfigProblem?.(
          'spec.namespaceMetadata',
          copyNamespace,
          'the agent may not patch namespaces on the service cluster; grant its role "patch" on namespaces',
        );
      }
      if (nm.event) this.event(client, result.source, nm.event);
      if (nm.retry) return { requeueAfterMs: REQUEUE_AFTER_MS };
    }
    // Related resources once the primary is in a steady state.
    if (!result.requeue && result.destination && !this.related.empty) {
      const r = await this.related.process(pair(result.source, result.destination), false);
      if (r.requeue) return { requeueAfterMs: REQUEUE_AFTER_MS };
    }
    if (result.writes > 0) log.debug({ writes: result.writes, requeue: result.requeue }, 'Synced');
    return result.requeue ? { requeueAfterMs: REQUEUE_AFTER_MS } : {};
  }

  /**
   * The copy's name is taken by an object of another kcp object (or agent): nothing was written. The
   * newcomer gets a Warning event that does not reveal the other tenant; the provider gets the whole
   * story on the PublishedResource. The object is looked at again when that local object goes away.
   */
  private async collided(
    req: Request,
    remote: Unstructured,
    client: RestClient,
    collision: Collision,
    ctx: ReconcileContext,
    log: Logger,
  ): Promise<Result> {
    const md = collision.destination.metadata ?? {};
    const local = `${md.namespace ?? ''}/${md.name ?? ''}`;
    const where = md.namespace ? `${md.namespace}/${md.name}` : String(md.name);
    log.info(
      { local: where, owner: collision.owner },
      'Not syncing: the local name belongs to another object',
    );
    const message = `Cannot sync: the service-side object ${where} already belongs to another object. Choose another name, or ask the provider to include the workspace in the naming rules.`;
    this.event(client, remote, { type: 'Warning', reason: REASON_NAME_COLLISION, message });
    await this.markRefused(client, remote, REASON_NAME_COLLISION, message, ctx, log);
    this.problems.report(
      req,
      REASON_NAME_COLLISION,
      `local ${where} belongs to ${collision.owner}; not synced`,
    );
    this.waitingForName.park(local, req);
    return {};
  }

  /**
   * A kcp object that is gone while a copy of it, made by this agent, still exists (its finalizer was
   * removed before the agent could clean up, or it went while the agent was down): the copy and its
   * state are deleted. Only in an engaged workspace, once the kcp cache is synced, and after kcp
   * confirmed with a GET that this very object does not exist.
   */
  private async collectOrphan(req: Request, ctx: ReconcileContext): Promise<Result> {
    const { deps } = this;
    const key: ObjectKey = {
      clusterName: req.cluster,
      workspacePath: '',
      namespace: req.namespace,
      name: req.name,
    };
    const copy = deps.localObjects.reader.byIndex(LOCAL_COPY_INDEX, localCopySelector(key))[0] as
      Unstructured | undefined;
    const client = deps.vw.clusterClient(req.cluster);
    const secretName = this.stateSecretOf(req);
    const facts: OrphanFacts = {
      copy,
      agentName: deps.agentName,
      madeForThisType: deps.state.read(secretName, stateKey(key)) !== undefined,
      engaged: client !== undefined,
      cacheSynced: this.remote.hasSynced(),
      kcp: 'unknown',
    };
    let decision = planOrphan(facts);
    if (decision.type === 'askKcp') {
      try {
        await client!.get(deps.types.remote.gvr, req.name, {
          ...(req.namespace ? { namespace: req.namespace } : {}),
          signal: ctx.signal,
        });
        facts.kcp = 'exists';
      } catch (err) {
        // Only a NotFound about this very object counts (not a type that is not served at all).
        const details = err instanceof NotFoundError ? err.body?.details : undefined;
        if (!details || details.name !== req.name) throw err;
        facts.kcp = 'gone';
      }
      decision = planOrphan(facts);
    }
    switch (decision.type) {
      case 'nothing':
        return {};
      case 'waitForEngagement': {
        // e.g. right after a start; a workspace that never comes back keeps its copies.
        this.waitingForEngagement.park(req.cluster, req);
        return {};
      }
      case 'retryLater':
        return { requeueAfterMs: REQUEUE_AFTER_MS };
      case 'askKcp':
      case 'deleteCopy':
        break;
    }
    return this.deleteOrphan(req, copy!, secretName, ctx);
  }

  /** The state Secret of a kcp object of this PublishedResource's type. */
  private stateSecretOf(req: Request): string {
    const remote = this.deps.types.remote;
    return stateSecretName(req.cluster, {
      apiVersion: remote.apiVersion,
      kind: remote.kind,
      name: req.name,
      namespace: req.namespace,
    });
  }

  private async deleteOrphan(
    req: Request,
    copy: Unstructured,
    secretName: string,
    ctx: ReconcileContext,
  ): Promise<Result> {
    const { deps } = this;
    const log = ctx.log.child({ cluster: req.cluster, namespace: req.namespace, name: req.name });
    await deps.localClient
      .delete(deps.types.local.gvr, copy.metadata.name, {
        ...(copy.metadata.namespace ? { namespace: copy.metadata.namespace } : {}),
        signal: ctx.signal,
      })
      .catch((err: unknown) => {
        if (!(err instanceof NotFoundError)) throw err;
      });
    log.info(
      { local: `${copy.metadata.namespace ?? ''}/${copy.metadata.name}` },
      'Deleted the copy of a kcp object that no longer exists',
    );
    await deps.state.delete(secretName).catch((err: unknown) => {
      if (err instanceof ForbiddenError) log.info('Not allowed to delete the state Secret; leaving it');
      else throw err;
    });
    return {};
  }

  /**
   * Tells about a failed reconcile (the error is rethrown: per-item backoff). A configuration problem
   * of the PublishedResource (e.g. a naming template rendering an invalid name) goes to the
   * PublishedResource; an object the agent refuses (too deep, invalid after mutation) gets its event,
   * the refusal condition in its status and an entry in `ObjectsAccepted`; anything else the generic
   * event that keeps provider details from the consumer.
   */
  private async failed(
    req: Request,
    client: RestClient,
    remote: Unstructured,
    err: unknown,
    ctx: ReconcileContext,
  ): Promise<void> {
    const problem = configProblemOf(err);
    if (problem) {
      this.deps.reportConfigProblem?.(problem.field, problem.value, problem.message);
      this.event(client, remote, configProblemEvent(problem));
      return;
    }
    const refusal = syncErrorEvent(err);
    if (!refusal) {
      this.event(client, remote, EVENT_PROVIDER_SIDE_ISSUE);
      return;
    }
    this.event(client, remote, refusal);
    this.problems.report(req, refusal.reason, refusal.message);
    await this.markRefused(client, remote, refusal.reason, refusal.message, ctx, ctx.log);
  }

  /**
   * The refusal as a condition in the kcp object's own status (types with a status subresource only;
   * the back-sync replaces it with the copy's status once the object syncs). Best effort: a schema that
   * prunes it loses nothing but the condition.
   */
  private async markRefused(
    client: RestClient,
    remote: Unstructured,
    reason: string,
    message: string,
    ctx: ReconcileContext,
    log: Logger,
  ): Promise<void> {
    if (!this.deps.types.remote.subresources.includes('status')) return;
    const patch = refusedStatusPatch(
      remote,
      reason,
      message,
      new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    );
    if (!patch) return;
    const namespace = remote.metadata?.namespace;
    await client
      .patch(this.deps.types.remote.gvr, remote.metadata.name, patch, 'merge', {
        ...(namespace ? { namespace } : {}),
        subresource: 'status',
        signal: ctx.signal,
      })
      .catch((err: unknown) =>
        log.info({ err: (err as Error).message }, 'Could not set the refusal condition'),
      );
  }
}
