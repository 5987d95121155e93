/**
 * syncmanager controller (SPEC §4.3 with decision #1): exactly one sync controller per
 * PublishedResource, keyed by UID; restarted when the spec changes (generation), stopped when the PR
 * is deleted, loses its schema name, or disables synchronization. A sync controller starts only once
 * every virtual-workspace endpoint serves the projected type (zero endpoints = not yet: decision #8).
 */
import { isSynchronizationEnabled, type PublishedResource } from '../../apis/v1alpha1/types.js';
import { formatValidationErrors, validatePublishedResource } from '../../apis/v1alpha1/validate.js';
import { GVR_NAMESPACES } from '../../kcp/resources.js';
import type { VirtualWorkspaces } from '../../kcp/virtual-workspaces.js';
import type { RestClient } from '../../runtime/client/rest.js';
import type { KubeObject } from '../../runtime/client/types.js';
import { Controller } from '../../runtime/controller.js';
import type { EventRecorder } from '../../runtime/events.js';
import { dropManagedFields, type Informer } from '../../runtime/informer.js';
import type { Logger } from '../../runtime/log.js';
import type { Manager } from '../../runtime/manager.js';
import { TerminalError, type ReconcileContext, type Request, type Result } from '../../runtime/reconciler.js';
import {
  CONDITION_SYNCING,
  recordReconcilingError,
  updatePublishedResourceStatus,
} from '../published-resources.js';
import { publishedSchema } from '../source-schema.js';
import { LOCAL_COPY_INDEX, localCopyIndex, SyncController } from '../sync/controller.js';
import type { StateStore } from '../sync/state-store.js';
import { syncTypes, type SyncType } from '../sync/sync-types.js';

export const SYNCMANAGER_CONTROLLER_NAME = 'syncagent-syncmanager';
const NOT_SERVED_REQUEUE_MS = 1000;

export interface SyncManagerDeps {
  agentName: string;
  manager: Manager;
  localClient: RestClient;
  publishedResources: Informer;
  state: StateStore;
  vw: VirtualWorkspaces;
  recorder: EventRecorder;
  log: Logger;
}

interface Running {
  uid: string;
  generation: number | undefined;
  sync: SyncController;
  localObjects: Informer;
  localNamespaces: Informer;
}

export class SyncManager {
  readonly controller: Controller;
  private readonly running = new Map<string, Running>();

  private readonly d: SyncManagerDeps;

  constructor(d: SyncManagerDeps) {
    this.d = d;
    this.controller = new Controller({
      name: SYNCMANAGER_CONTROLLER_NAME,
      workers: 1,
      log: d.log,
      reconciler: { reconcile: (req, ctx) => this.reconcile(req, ctx) },
    });
    const enqueue = (o: KubeObject) =>
      this.controller.enqueue({ cluster: '', namespace: '', name: o.metadata?.name ?? '' });
    d.publishedResources.addEventHandler({
      onAdd: enqueue,
      onUpdate: (_o, n) => enqueue(n),
      onDelete: enqueue,
    });
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
    await r.sync.stop();
    await this.d.manager.releaseInformer(r.localObjects);
    await this.d.manager.releaseInformer(r.localNamespaces);
    this.d.log.info({ publishedResource: name }, 'Stopped sync controller');
  }

  private async reconcile(req: Request, ctx: ReconcileContext): Promise<Result> {
    const { d } = this;
    const cached = d.publishedResources.reader.get('', '', req.name) as unknown as
      PublishedResource | undefined;
    const current = this.running.get(req.name);
    if (
      !cached ||
      cached.metadata.deletionTimestamp ||
      !cached.status?.resourceSchemaName ||
      !isSynchronizationEnabled(cached)
    ) {
      await this.stopSync(req.name);
      return {};
    }
    const pr = structuredClone(cached);
    if (current && current.uid === pr.metadata.uid && current.generation === pr.metadata.generation)
      return {};
    await this.stopSync(req.name); // spec changed or PR re-created

    // Duplicate related identifiers are rejected (decision #16). Other findings (a mutation step or
    // lookup with several mechanisms) work in the Go agent (the first one wins), so they only warn.
    const findings = validatePublishedResource(pr);
    const fatal = findings.filter((f) => f.field.endsWith('.identifier'));
    if (findings.length > fatal.length) {
      const text = formatValidationErrors(
        pr,
        findings.filter((f) => !fatal.includes(f)),
      );
      void d.recorder.event(d.localClient, pr as never, 'Warning', 'AmbiguousConfiguration', text);
    }
    if (fatal.length > 0) {
      const err = new Error(formatValidationErrors(pr, fatal));
      recordReconcilingError(d.recorder, d.localClient, pr, err);
      await this.setSyncing(pr, 'False', 'InvalidConfiguration', err, ctx);
      throw new TerminalError(err.message);
    }

    let types;
    try {
      const schema = await publishedSchema(d.localClient, pr);
      types = syncTypes(schema.source, schema.projected);
    } catch (err) {
      recordReconcilingError(d.recorder, d.localClient, pr, err);
      await this.setSyncing(pr, 'False', 'SchemaUnavailable', err, ctx);
      throw err;
    }
    const missing = await this.unservedEndpoints(types.remote, ctx);
    if (missing !== undefined) {
      ctx.log.info({ publishedResource: req.name, reason: missing }, 'Resource not yet available in kcp');
      await this.setSyncing(pr, 'False', 'NotServed', missing, ctx);
      return { requeueAfterMs: NOT_SERVED_REQUEUE_MS };
    }

    const localObjects = d.manager.informer({
      gvr: types.local.gvr,
      transform: dropManagedFields,
      indexers: { [LOCAL_COPY_INDEX]: localCopyIndex },
    });
    const localNamespaces = d.manager.informer({ gvr: GVR_NAMESPACES, transform: dropManagedFields });
    let sync: SyncController;
    try {
      sync = new SyncController({
        pr,
        types,
        agentName: d.agentName,
        localClient: d.localClient,
        localObjects,
        localNamespaces,
        state: d.state,
        vw: d.vw,
        recorder: d.recorder,
        log: d.log.child({ publishedResource: req.name }),
      });
    } catch (err) {
      await d.manager.releaseInformer(localObjects);
      await d.manager.releaseInformer(localNamespaces);
      // Invalid templates, regexes or CEL: retrying cannot help until the PR changes.
      recordReconcilingError(d.recorder, d.localClient, pr, err);
      await this.setSyncing(pr, 'False', 'InvalidConfiguration', err, ctx);
      throw new TerminalError(`PublishedResource ${req.name}: ${(err as Error).message}`, { cause: err });
    }
    await Promise.all([localObjects.waitForSync(ctx.signal), localNamespaces.waitForSync(ctx.signal)]);
    this.running.set(req.name, {
      uid: pr.metadata.uid ?? '',
      generation: pr.metadata.generation,
      sync,
      localObjects,
      localNamespaces,
    });
    sync.start();
    d.log.info(
      { publishedResource: req.name, local: types.local.gvr, remote: types.remote.gvr },
      'Started sync controller',
    );
    await this.setSyncing(pr, 'True', 'Syncing', `Synchronizing ${types.remote.kind} objects from kcp.`, ctx);
    return {};
  }

  /** undefined when every endpoint serves the type; else why not. */
  private async unservedEndpoints(remote: SyncType, ctx: ReconcileContext): Promise<string | undefined> {
    const urls = this.d.vw.urls();
    if (urls.length === 0) return 'the APIExportEndpointSlice has no endpoints yet';
    for (const url of urls) {
      const client = this.d.vw.wildcardClient(url);
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

  private async setSyncing(
    pr: PublishedResource,
    status: 'True' | 'False',
    reason: string,
    message: unknown,
    ctx: ReconcileContext,
  ): Promise<void> {
    const text = message instanceof Error ? message.message : String(message);
    await updatePublishedResourceStatus(this.d.localClient, pr, {
      conditions: [{ type: CONDITION_SYNCING, status, reason, message: text }],
    }).catch((e: unknown) => ctx.log.error({ err: String(e) }, 'Failed to update PublishedResource status'));
  }
}
