/**
 * The sync controller of one PublishedResource (SPEC §4.4, §5.4): reconciles kcp primaries of the
 * published type in every engaged consumer workspace with their copies on the service cluster.
 * Reads come from caches (remote wildcard informers, local informer, state Secrets); decisions come
 * from the pure engine; this file only wires them together and performs the I/O.
 */
import type { PublishedResource } from '../../apis/v1alpha1/types.js';
import { compileMutations, type Mutator } from '../../engine/mutation/index.js';
import { compileNaming, type CompiledNaming } from '../../engine/naming/index.js';
import {
  EVENT_PROVIDER_SIDE_ISSUE,
  EVENT_WORKSPACE_PATH_FAILED,
  type SyncEvent,
} from '../../engine/sync/events.js';
import { ANNOTATION_KCP_PATH, LABEL_AGENT_NAME } from '../../engine/sync/keys.js';
import { assertObjectLimits, describeObject, syncErrorEvent } from '../../engine/sync/limits.js';
import { objectKeyLabels, stateKey, stateSecretName, type ObjectKey } from '../../engine/sync/object-key.js';
import {
  applyFilter,
  localCopySelector,
  pickLocalCopy,
  primarySyncParts,
  remoteIdentity,
} from '../../engine/sync/primary.js';
import { deepCopy, isBeingDeleted, type Unstructured } from '../../engine/sync/unstructured.js';
import { GVR_LOGICAL_CLUSTERS, GVR_NAMESPACES, LOGICAL_CLUSTER_NAME } from '../../kcp/resources.js';
import type { VirtualWorkspaces, WildcardInformerSet } from '../../kcp/virtual-workspaces.js';
import { objectKey, clusterOf } from '../../runtime/cache.js';
import { ForbiddenError } from '../../runtime/client/errors.js';
import type { RestClient } from '../../runtime/client/rest.js';
import type { KubeObject } from '../../runtime/client/types.js';
import { Controller } from '../../runtime/controller.js';
import type { EventRecorder } from '../../runtime/events.js';
import type { Informer } from '../../runtime/informer.js';
import type { Logger } from '../../runtime/log.js';
import type { ReconcileContext, Request, Result } from '../../runtime/reconciler.js';
import { ensureNamespaceViaAPI, runObjectSync } from './object-sync.js';
import { RelatedSync, type PrimaryPair } from './related.js';
import type { StateStore } from './state-store.js';
import type { SyncTypes } from './sync-types.js';

export const SYNC_CONTROLLER_NAME = 'syncagent-sync';
/** SPEC §5.16: any "requeue" outcome comes back after 5 s (on top of the watch events of our writes). */
const REQUEUE_AFTER_MS = 5000;
/** Index of the local informer: the object-key selector string of each local copy. */
export const LOCAL_COPY_INDEX = 'syncagent-object-key';

export interface SyncControllerDeps {
  pr: PublishedResource;
  types: SyncTypes;
  agentName: string;
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

export class SyncController {
  readonly controller: Controller;
  private readonly naming: CompiledNaming;
  private readonly mutator: Mutator;
  private readonly remote: WildcardInformerSet;
  private readonly unsubscribe: (() => void)[] = [];
  /** Related resources (SPEC §8); compiled here so invalid config fails the controller's creation. */
  private readonly related: RelatedSync;

  private readonly d: SyncControllerDeps;

  constructor(d: SyncControllerDeps) {
    this.d = d;
    // Compiled once per PublishedResource generation (the syncmanager restarts us on spec changes).
    this.naming = compileNaming(d.pr.spec.naming);
    this.mutator = compileMutations(d.pr.spec.mutation, 'spec.mutation');
    this.controller = new Controller({
      name: SYNC_CONTROLLER_NAME,
      reconciler: { reconcile: (req, ctx) => this.reconcile(req, ctx) },
      workers: d.workers ?? 4,
      log: d.log,
    });
    this.remote = d.vw.informersFor(d.types.remote.gvr);
    const enqueueRemote = (obj: KubeObject) => {
      const cluster = clusterOf(obj);
      if (!d.vw.isEngaged(cluster)) return;
      this.controller.enqueue({
        cluster,
        namespace: obj.metadata?.namespace ?? '',
        name: obj.metadata?.name ?? '',
      });
    };
    this.remote.addEventHandler({
      onAdd: enqueueRemote,
      onUpdate: (_o, n) => enqueueRemote(n),
      onDelete: enqueueRemote,
    });
    const enqueueLocal = (obj: KubeObject) => {
      if (obj.metadata?.labels?.[LABEL_AGENT_NAME] !== d.agentName) return;
      const id = remoteIdentity(obj as Unstructured);
      if (id) this.controller.enqueue(id);
    };
    this.unsubscribe.push(
      d.localObjects.addEventHandler({
        onAdd: enqueueLocal,
        onUpdate: (_o, n) => enqueueLocal(n),
        onDelete: enqueueLocal,
      }),
    );
    this.related = new RelatedSync({
      pr: d.pr,
      types: d.types,
      localClient: d.localClient,
      state: d.state,
      vw: d.vw,
      recorder: d.recorder,
      log: d.log,
      enqueue: (req) => this.controller.enqueue(req),
      localPrimaries: d.localObjects,
      remotePrimaries: this.remote,
    });
    // Newly engaged workspaces: everything already cached for them gets a look.
    this.unsubscribe.push(
      d.vw.addListener({
        engaged: (cluster) => {
          for (const o of this.remote.list({ cluster })) enqueueRemote(o);
        },
        disengaged: () => undefined,
      }),
    );
  }

  start(): void {
    if (!this.related.empty) this.related.start();
    this.controller.start();
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe) u();
    await this.controller.stop({ deadlineMs: 10_000 });
    await this.remote.stop();
    await this.related.stop();
  }

  private event(client: RestClient, obj: Unstructured, ev: SyncEvent): void {
    void this.d.recorder.event(client, obj, ev.type, ev.reason, ev.message);
  }

  async reconcile(req: Request, ctx: ReconcileContext): Promise<Result> {
    const { d } = this;
    const cached = this.remote.get(req.cluster, req.namespace, req.name);
    if (!cached) {
      this.related.forget(req);
      return {};
    }
    const client = d.vw.clusterClient(req.cluster);
    if (!client) return {}; // not (or no longer) engaged
    // Poison objects are refused before any recursive step sees them (docs/security-poison.md).
    try {
      assertObjectLimits([{ role: `kcp object ${describeObject(cached)}`, object: cached }]);
    } catch (err) {
      this.event(client, cached as Unstructured, syncErrorEvent(err) ?? EVENT_PROVIDER_SIDE_ISSUE);
      throw err;
    }
    const remote = deepCopy(cached) as Unstructured;
    const log = ctx.log.child({ cluster: req.cluster, namespace: req.namespace, name: req.name });

    // Filters (SPEC §4.4 step 3; decisions #4 and #20).
    let namespaceLabels: Record<string, string> | undefined;
    if (d.pr.spec.filter?.namespace && req.namespace !== '') {
      const ns = await client.get(GVR_NAMESPACES, req.namespace, { signal: ctx.signal });
      namespaceLabels = ns.metadata?.labels ?? {};
    }
    let verdict;
    try {
      verdict = applyFilter(d.pr.spec.filter, remote, namespaceLabels);
    } catch (err) {
      this.event(client, remote, { ...EVENT_PROVIDER_SIDE_ISSUE });
      throw err;
    }
    if (!verdict.pass) {
      log.debug({ reason: verdict.reason }, 'Ignoring object');
      return {};
    }

    let workspacePath = '';
    if (d.pr.spec.enableWorkspacePaths) {
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
      this.event(client, remote, syncErrorEvent(err) ?? EVENT_PROVIDER_SIDE_ISSUE);
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
    const { d } = this;
    const { local: localType, remote: remoteType } = d.types;
    const key: ObjectKey = {
      clusterName: req.cluster,
      workspacePath,
      namespace: req.namespace,
      name: req.name,
    };
    const selector = localCopySelector(key);
    const localCached = pickLocalCopy(d.localObjects.reader.byIndex(LOCAL_COPY_INDEX, selector), selector);
    assertObjectLimits([
      { role: `service-cluster copy ${describeObject(localCached)}`, object: localCached },
    ]);
    const local = localCached ? (deepCopy(localCached) as Unstructured) : undefined;

    const secretName = stateSecretName(req.cluster, {
      apiVersion: remote.apiVersion,
      kind: remote.kind,
      name: req.name,
      namespace: req.namespace,
    });
    const entryKey = stateKey(key);
    const storedState = d.state.read(secretName, entryKey);

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
    // SPEC §5.4 step 3 / §8.8: related resources in "primary deleting" mode before the primary.
    if (isBeingDeleted(remote) && local && !this.related.empty) {
      const r = await this.related.process(pair(remote, local), true);
      if (r.requeue) return { requeueAfterMs: REQUEUE_AFTER_MS };
    }

    const result = await runObjectSync({
      source: remote,
      destination: local,
      storedState,
      ...primarySyncParts({
        key,
        agentName: d.agentName,
        types: d.types,
        naming: this.naming,
        mutator: this.mutator,
      }),
      sourceSide: { client, gvr: remoteType.gvr },
      destinationSide: { client: d.localClient, gvr: localType.gvr },
      ensureNamespace: async (ns) => {
        if (d.localNamespaces.reader.get('', '', ns)) return;
        await ensureNamespaceViaAPI(d.localClient, ns, ctx.signal);
      },
      recordEvent: (ev, obj) => this.event(client, obj, ev),
      eventsOn: 'source',
      signal: ctx.signal,
    });

    if (result.destination) d.localObjects.store.set(objectKey(result.destination), result.destination);
    else if (local) d.localObjects.store.delete(objectKey(local));
    if (result.newState !== undefined) {
      await d.state.write(secretName, objectKeyLabels(key), { [entryKey]: result.newState });
    }
    // Decision #10: once the kcp object is released and gone, its state Secret goes too.
    if (isBeingDeleted(result.source) && !result.destination && !result.requeue) {
      await d.state.delete(secretName).catch((err: unknown) => {
        if (err instanceof ForbiddenError) log.info('Not allowed to delete the state Secret; leaving it');
        else throw err;
      });
    }
    // SPEC §5.4 step 7: related resources once the primary is in a steady state.
    if (!result.requeue && result.destination && !this.related.empty) {
      const r = await this.related.process(pair(result.source, result.destination), false);
      if (r.requeue) return { requeueAfterMs: REQUEUE_AFTER_MS };
    }
    if (result.writes > 0) log.debug({ writes: result.writes, requeue: result.requeue }, 'Synced');
    return result.requeue ? { requeueAfterMs: REQUEUE_AFTER_MS } : {};
  }
}
