/**
 * syncmanager controller: exactly one sync controller per PublishedResource, keyed by UID; restarted when the
 * spec changes (generation), stopped when the PR is deleted, loses its schema name, or disables
 * synchronization. A sync controller starts only once every virtual-workspace endpoint serves the projected
 * type (zero endpoints = not yet; the Go agent counts that as served).
 *
 * It also owns the ConfigValid condition of every PublishedResource: the configuration errors found
 * when the PublishedResource is loaded plus those its sync controller reports when they first bite
 * (a naming template that renders an invalid name for some object). Each problem gets one Warning
 * event on the PublishedResource naming field and value; problems reported by a sync controller are
 * dropped when the PublishedResource changes. See docs/security.md.
 */
import { isSynchronizationEnabled, type PublishedResource } from '../../apis/v1alpha1/types.js';
import {
  formatFieldError,
  formatValidationErrors,
  validatePublishedResource,
  type FieldError,
} from '../../apis/v1alpha1/validate.js';
import { findCondition, type Condition } from '../../engine/conditions.js';
import type { FinalizerPolicy } from '../../engine/sync/finalizers.js';
import { GVR_NAMESPACES } from '../../kcp/resources.js';
import type { VirtualWorkspaces } from '../../kcp/virtual-workspaces.js';
import type { RestClient } from '../../runtime/client/rest.js';
import { controllerManagedBy, Trigger } from '../../runtime/builder.js';
import type { Controller } from '../../runtime/controller.js';
import type { EventRecorder } from '../../runtime/events.js';
import { dropManagedFields, type Informer } from '../../runtime/informer.js';
import type { Logger } from '../../runtime/log.js';
import type { Manager } from '../../runtime/manager.js';
import {
  TerminalError,
  type ReconcileContext,
  type Reconciler,
  type Request,
  type Result,
} from '../../runtime/reconciler.js';
import {
  CONDITION_CONFIG_VALID,
  CONDITION_SYNCING,
  REASON_INVALID_FIELD,
  recordInvalidField,
  recordReconcilingError,
  updatePublishedResourceStatus,
} from '../published-resources.js';
import { publishedSchema } from '../source-schema.js';
import { LOCAL_COPY_INDEX, localCopyIndex, SyncReconciler } from '../sync/controller.js';
import { EventMirrorReconciler, eventInformerOptions, wantsEventMirror } from '../sync/event-mirror.js';
import type { StateStore } from '../sync/state-store.js';
import type { ShardScope } from '../shard-scope.js';
import { syncTypes, type SyncType } from '../sync/sync-types.js';

export const SYNCMANAGER_CONTROLLER_NAME = 'syncagent-syncmanager';
const NOT_SERVED_REQUEUE_MS = 1000;
/** Condition messages are limited to 32 KiB; ours stay well below. */
const MAX_CONDITION_MESSAGE = 16_000;

export interface SyncManagerDeps {
  agentName: string;
  /** Which finalizer kcp objects get and whether teardown waits for foreign ones (default: shared). */
  finalizers?: FinalizerPolicy;
  manager: Manager;
  localClient: RestClient;
  publishedResources: Informer<PublishedResource>;
  state: StateStore;
  vw: VirtualWorkspaces;
  recorder: EventRecorder;
  log: Logger;
  /**
   * Sharded replicas (docs/sharding.md): every replica runs the sync controllers, for the workspaces
   * it owns; the PublishedResource status and events are written by the leader only.
   */
  shards?: ShardScope;
}

interface Running {
  uid: string;
  generation: number | undefined;
  sync: SyncReconciler;
  controller: Controller;
  localObjects: Informer;
  localNamespaces: Informer;
  /** The event mirror (spec.events.mirror) and its Event informer. */
  mirror?: { controller: Controller; events: Informer };
  /** Sharded: stops refiltering the local informer with the ownership. */
  untrackLocal?: () => void;
}

/** Configuration findings of one PublishedResource version (uid + generation). */
interface ConfigFindings {
  uid: string;
  generation: number | undefined;
  /** Found on load (validatePublishedResource). */
  onLoad: FieldError[];
  /** Reported by the running sync controller, keyed by field + value. */
  atRuntime: Map<string, FieldError>;
  /** Problems already announced with an event (field + value). */
  announced: Set<string>;
}

const findingKey = (f: FieldError) => `${f.field}\u0000${f.value ?? ''}`;

export class SyncManager implements Reconciler {
  private readonly running = new Map<string, Running>();
  private readonly findings = new Map<string, ConfigFindings>();
  /** PublishedResources whose sync controller reported a configuration problem. */
  private readonly problemsReported = new Trigger('configuration problems reported by sync controllers');

  private readonly deps: SyncManagerDeps;

  constructor(deps: SyncManagerDeps) {
    this.deps = deps;
  }

  /** Registers the syncmanager; the state Secret cache is read by the sync controllers it starts. */
  setupWithManager(manager: Manager): Controller {
    return controllerManagedBy(manager)
      .named(SYNCMANAGER_CONTROLLER_NAME)
      .for(this.deps.publishedResources)
      .watches(this.problemsReported)
      .reads(this.deps.state, 'state Secrets')
      .withOptions({ workers: 1, log: this.deps.log, needLeaderElection: !this.deps.shards })
      .complete(this);
  }

  /** Names of PublishedResources with a running sync controller (for tests and health). */
  runningFor(): string[] {
    return [...this.running.keys()].sort();
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((name) => this.stopSync(name)));
  }

  private async stopSync(name: string): Promise<void> {
    const r = this.running.get(name);
    if (!r) return;
    this.running.delete(name);
    await this.deps.manager.removeController(r.controller);
    if (r.mirror) {
      await this.deps.manager.removeController(r.mirror.controller);
      await this.deps.manager.releaseInformer(r.mirror.events);
    }
    await r.sync.stop();
    r.untrackLocal?.();
    await this.deps.manager.releaseInformer(r.localObjects);
    await this.deps.manager.releaseInformer(r.localNamespaces);
    this.deps.log.info({ publishedResource: name }, 'Stopped sync controller');
  }

  async reconcile(req: Request, ctx: ReconcileContext): Promise<Result> {
    const { deps } = this;
    const cached = deps.publishedResources.reader.get('', '', req.name);
    const writesStatus = this.writesStatus();
    const current = this.running.get(req.name);
    // A copy: status writes update it, so later writes in this reconcile keep ConfigValid.
    const pr = cached ? structuredClone(cached) : undefined;
    if (!pr || pr.metadata.deletionTimestamp) this.findings.delete(req.name);
    else if (writesStatus) await this.reportConfig(pr, ctx);
    if (
      !pr ||
      pr.metadata.deletionTimestamp ||
      !pr.status?.resourceSchemaName ||
      !isSynchronizationEnabled(pr)
    ) {
      await this.stopSync(req.name);
      return {};
    }
    if (current && current.uid === pr.metadata.uid && current.generation === pr.metadata.generation)
      return {};
    await this.stopSync(req.name); // spec changed or PR re-created

    // Duplicate related identifiers stop the sync: they would share state and mutators. Every other
    // finding is reported (ConfigValid, see reportConfig) and the sync runs as far as it can, like the
    // Go agent's (a broken naming or mutation fails the construction below).
    const fatal = this.configFindings(pr).onLoad.filter((f) => f.field.endsWith('.identifier'));
    if (fatal.length > 0) {
      const err = new Error(formatValidationErrors(pr, fatal));
      if (writesStatus) recordReconcilingError(deps.recorder, deps.localClient, pr, err);
      await this.setSyncing(pr, 'False', 'InvalidConfiguration', err, ctx);
      throw new TerminalError(err.message);
    }

    let types;
    try {
      const schema = await publishedSchema(deps.localClient, pr);
      types = syncTypes(schema.source, schema.projected);
    } catch (err) {
      if (writesStatus) recordReconcilingError(deps.recorder, deps.localClient, pr, err);
      await this.setSyncing(pr, 'False', 'SchemaUnavailable', err, ctx);
      throw err;
    }
    const missing = await this.unservedEndpoints(types.remote, ctx);
    if (missing !== undefined) {
      ctx.log.info({ publishedResource: req.name, reason: missing }, 'Resource not yet available in kcp');
      await this.setSyncing(pr, 'False', 'NotServed', missing, ctx);
      return { requeueAfterMs: NOT_SERVED_REQUEUE_MS };
    }

    const shards = deps.shards;
    const localObjects = deps.manager.informer({
      gvr: types.local.gvr,
      transform: dropManagedFields,
      indexers: { [LOCAL_COPY_INDEX]: localCopyIndex },
      // sharded: copies of the owned workspaces only (and every object that is no copy)
      ...(shards ? { filter: shards.ownedOrUnlabelled } : {}),
    });
    const untrackLocal = shards?.track(localObjects);
    const localNamespaces = deps.manager.informer({ gvr: GVR_NAMESPACES, transform: dropManagedFields });
    let sync: SyncReconciler;
    try {
      sync = new SyncReconciler({
        pr,
        types,
        agentName: deps.agentName,
        ...(deps.finalizers ? { finalizers: deps.finalizers } : {}),
        localClient: deps.localClient,
        localObjects,
        localNamespaces,
        state: deps.state,
        vw: deps.vw,
        recorder: deps.recorder,
        log: deps.log.child({ publishedResource: req.name }),
        reportConfigProblem: (field, value, message) => this.addRuntimeProblem(pr, { field, value, message }),
        ...(shards ? { shards } : {}),
      });
    } catch (err) {
      untrackLocal?.();
      await deps.manager.releaseInformer(localObjects);
      await deps.manager.releaseInformer(localNamespaces);
      // Invalid templates, regexes or CEL: retrying cannot help until the PR changes.
      if (writesStatus) recordReconcilingError(deps.recorder, deps.localClient, pr, err);
      await this.setSyncing(pr, 'False', 'InvalidConfiguration', err, ctx);
      throw new TerminalError(`PublishedResource ${req.name}: ${(err as Error).message}`, { cause: err });
    }
    await Promise.all([localObjects.waitForSync(ctx.signal), localNamespaces.waitForSync(ctx.signal)]);
    const controller = sync.setupWithManager(deps.manager);
    let mirror: Running['mirror'];
    if (wantsEventMirror(pr)) {
      const events = deps.manager.informer(eventInformerOptions(types));
      const reconciler = new EventMirrorReconciler({
        pr,
        types,
        agentName: deps.agentName,
        events,
        localObjects,
        vw: deps.vw,
        kcpObject: (cluster, namespace, name) => sync.kcpObject(cluster, namespace, name),
        recorder: deps.recorder,
        log: deps.log.child({ publishedResource: req.name }),
        ...(shards ? { owns: (cluster: string) => shards.owns(cluster) } : {}),
      });
      mirror = { controller: reconciler.setupWithManager(deps.manager), events };
    }
    this.running.set(req.name, {
      uid: pr.metadata.uid ?? '',
      generation: pr.metadata.generation,
      sync,
      controller,
      localObjects,
      localNamespaces,
      ...(mirror ? { mirror } : {}),
      ...(untrackLocal ? { untrackLocal } : {}),
    });
    sync.start();
    deps.log.info(
      { publishedResource: req.name, local: types.local.gvr, remote: types.remote.gvr },
      'Started sync controller',
    );
    await this.setSyncing(pr, 'True', 'Syncing', `Synchronizing ${types.remote.kind} objects from kcp.`, ctx);
    return {};
  }

  /** The findings of this PublishedResource version (validated once per uid + generation). */
  private configFindings(pr: PublishedResource): ConfigFindings {
    const uid = pr.metadata.uid ?? '';
    const known = this.findings.get(pr.metadata.name);
    if (known && known.uid === uid && known.generation === pr.metadata.generation) return known;
    const fresh: ConfigFindings = {
      uid,
      generation: pr.metadata.generation,
      onLoad: validatePublishedResource(pr),
      atRuntime: new Map(),
      announced: new Set(),
    };
    this.findings.set(pr.metadata.name, fresh);
    return fresh;
  }

  /** Called by a sync controller; the status write happens in this controller's next reconcile. */
  private addRuntimeProblem(pr: PublishedResource, problem: FieldError): void {
    const f = this.configFindings(pr);
    if (f.uid !== (pr.metadata.uid ?? '') || f.generation !== pr.metadata.generation) return; // stale
    const key = findingKey(problem);
    if (f.atRuntime.has(key)) return;
    f.atRuntime.set(key, problem);
    this.problemsReported.fire({ cluster: '', namespace: '', name: pr.metadata.name });
  }

  /** ConfigValid from all findings, plus one Warning event per problem not announced yet. */
  private async reportConfig(pr: PublishedResource, ctx: ReconcileContext): Promise<void> {
    const f = this.configFindings(pr);
    const all = [...f.onLoad, ...f.atRuntime.values()];
    for (const problem of all) {
      const key = findingKey(problem);
      if (f.announced.has(key)) continue;
      f.announced.add(key);
      recordInvalidField(this.deps.recorder, this.deps.localClient, pr, formatFieldError(problem));
    }
    // A PublishedResource that never had a problem gets no ConfigValid condition at all.
    const current = findCondition(
      (pr.status as { conditions?: Condition[] } | undefined)?.conditions,
      CONDITION_CONFIG_VALID,
    );
    if (all.length === 0 && (!current || current.status === 'True')) return;
    let message = all.map(formatFieldError).join('; ');
    if (message.length > MAX_CONDITION_MESSAGE) message = `${message.slice(0, MAX_CONDITION_MESSAGE)}...`;
    await updatePublishedResourceStatus(this.deps.localClient, pr, {
      conditions: [
        all.length === 0
          ? {
              type: CONDITION_CONFIG_VALID,
              status: 'True',
              reason: 'Valid',
              message: 'No configuration errors found.',
            }
          : { type: CONDITION_CONFIG_VALID, status: 'False', reason: REASON_INVALID_FIELD, message },
      ],
    }).catch((e: unknown) => ctx.log.error({ err: String(e) }, 'Failed to update PublishedResource status'));
  }

  /** undefined when every endpoint serves the type; else why not. */
  private async unservedEndpoints(remote: SyncType, ctx: ReconcileContext): Promise<string | undefined> {
    const urls = this.deps.vw.urls();
    if (urls.length === 0) return 'the APIExportEndpointSlice has no endpoints yet';
    for (const url of urls) {
      const client = this.deps.vw.wildcardClient(url);
      client.invalidateDiscovery();
      let found = false;
      try {
        const list = await client.apiResources(remote.gvr.group, remote.gvr.version);
        found = (list.resources ?? []).some((r) => r.kind === remote.kind && !r.name.includes('/'));
      } catch (err) {
        ctx.log.debug({ url, err: String(err) }, 'Discovery through the virtual workspace failed');
      }
      if (!found) return `${remote.kind} (${remote.apiVersion}) is not served at ${url} yet`;
      // Discovery can list the type a moment before the wildcard list answers; wait for both, so the
      // sync controller's informers start cleanly instead of backing off.
      try {
        await client.list(remote.gvr, { limit: 1, signal: ctx.signal });
      } catch (err) {
        return `${remote.kind} (${remote.apiVersion}) cannot be listed at ${url} yet: ${(err as Error).message}`;
      }
    }
    return undefined;
  }

  /** Whether this replica writes PublishedResource status and events (sharded: the leader only). */
  private writesStatus(): boolean {
    return !this.deps.shards || this.deps.shards.isLeader();
  }

  private async setSyncing(
    pr: PublishedResource,
    status: 'True' | 'False',
    reason: string,
    message: unknown,
    ctx: ReconcileContext,
  ): Promise<void> {
    if (!this.writesStatus()) return;
    const text = message instanceof Error ? message.message : String(message);
    await updatePublishedResourceStatus(this.deps.localClient, pr, {
      conditions: [{ type: CONDITION_SYNCING, status, reason, message: text }],
    }).catch((e: unknown) => ctx.log.error({ err: String(e) }, 'Failed to update PublishedResource status'));
  }
}
