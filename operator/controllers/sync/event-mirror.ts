/**
 * The event mirror of one PublishedResource with `spec.events.mirror` (docs/authoring.md#mirroring-service-side-events):
 * watches the core/v1 Events about the type's service-side copies (events.k8s.io/v1 events are the same
 * objects and show there too) and records the allowed ones on the kcp object each copy was made for,
 * through the virtual workspace. Which event goes where is decided by engine/events; this file reads
 * the caches, applies the per-object rate limit and writes through the agent's EventRecorder, which
 * aggregates repeats (same reason and message) into one Event with a count.
 */
import { mirrorEnabled } from '../../engine/events/spec.js';
import { occurrences, planMirror, lastSeenMs, type SourceEvent } from '../../engine/events/mirror.js';
import {
  DEFAULT_MIRROR_LIMITS,
  SeenOccurrences,
  TokenBuckets,
  type TokenBucketOptions,
} from '../../engine/events/rate-limit.js';
import type { PublishedResource } from '../../apis/v1alpha1/types.js';
import type { Unstructured } from '../../engine/sync/unstructured.js';
import type { VirtualWorkspaces } from '../../kcp/virtual-workspaces.js';
import type { KubeObject } from '../../runtime/client/types.js';
import { controllerManagedBy } from '../../runtime/builder.js';
import { realClock, type Clock } from '../../runtime/clock.js';
import type { Controller } from '../../runtime/controller.js';
import { eventGVR, type EventRecorder } from '../../runtime/events.js';
import type { Informer, InformerOptions } from '../../runtime/informer.js';
import type { Logger } from '../../runtime/log.js';
import type { Manager } from '../../runtime/manager.js';
import {
  parseRequestKey,
  type ReconcileContext,
  type Reconciler,
  type Request,
  type Result,
} from '../../runtime/reconciler.js';
import type { SyncTypes } from './sync-types.js';

export const EVENT_MIRROR_CONTROLLER_NAME = 'syncagent-events';
/** An event that arrives before its copy or kcp object is cached is looked at again for this long. */
const WAIT_FOR_CACHES_MS = 30_000;
const RETRY_MS = 1000;

/** Only what the mirror reads is cached: events are numerous. */
export function slimEvent(obj: KubeObject): KubeObject {
  const ev = obj as KubeObject & SourceEvent;
  const md = obj.metadata ?? {};
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: {
      name: md.name,
      namespace: md.namespace,
      uid: md.uid,
      resourceVersion: md.resourceVersion,
      creationTimestamp: md.creationTimestamp,
    },
    involvedObject: ev.involvedObject,
    type: ev.type,
    reason: ev.reason,
    message: ev.message,
    count: ev.count,
    series: ev.series,
    source: ev.source,
    reportingComponent: ev.reportingComponent,
    firstTimestamp: ev.firstTimestamp,
    lastTimestamp: ev.lastTimestamp,
    eventTime: ev.eventTime,
  } as KubeObject;
}

/**
 * The service-cluster Event informer of one copy type: a field selector keeps events about other
 * types out of the cache.
 */
export function eventInformerOptions(types: SyncTypes): Omit<InformerOptions, 'client'> {
  return {
    gvr: eventGVR,
    fieldSelector: `involvedObject.apiVersion=${types.local.apiVersion},involvedObject.kind=${types.local.kind}`,
    transform: slimEvent,
  };
}

export interface EventMirrorDeps {
  pr: PublishedResource;
  types: SyncTypes;
  agentName: string;
  /** Events about the copy type (eventInformerOptions). */
  events: Informer;
  /** The copies (the sync controller's local informer). */
  localObjects: Informer;
  /**
   * Sharded replicas: whether this replica owns a workspace. Its cache holds only the copies of owned
   * workspaces, so an event about a copy it does not have is left to the replica that has it.
   */
  owns?: (cluster: string) => boolean;
  vw: VirtualWorkspaces;
  /** The cached kcp object of the PublishedResource's type. */
  kcpObject: (cluster: string, namespace: string, name: string) => KubeObject | undefined;
  recorder: EventRecorder;
  log: Logger;
  clock?: Clock;
  limits?: TokenBucketOptions;
}

/** Whether a PublishedResource asks for an event mirror. */
export function wantsEventMirror(pr: PublishedResource): boolean {
  return mirrorEnabled(pr.spec.events);
}

export class EventMirrorReconciler implements Reconciler {
  private readonly deps: EventMirrorDeps;
  private readonly clock: Clock;
  private readonly buckets: TokenBuckets;
  private readonly seen = new SeenOccurrences();
  /** Events that last happened before the mirror started are history (timestamps have seconds). */
  private readonly notBeforeMs: number;

  constructor(deps: EventMirrorDeps) {
    this.deps = deps;
    this.clock = deps.clock ?? realClock;
    this.buckets = new TokenBuckets(deps.limits ?? DEFAULT_MIRROR_LIMITS);
    this.notBeforeMs = Math.floor(this.clock.now() / 1000) * 1000;
  }

  setupWithManager(manager: Manager): Controller {
    const { deps } = this;
    // Events live on the service cluster, so their keys name no workspace; the namespace of the copy
    // they are about stands for it (one per workspace with the usual naming), so that one workspace's
    // burst of events does not hold up another's.
    const tenant = (key: string): string => parseRequestKey(key).namespace;
    return controllerManagedBy(manager)
      .named(`${EVENT_MIRROR_CONTROLLER_NAME}/${deps.pr.metadata.name}`)
      .for(deps.events, { description: `events about ${deps.types.local.kind} copies` })
      .reads(deps.localObjects)
      .withOptions({
        workers: 2,
        log: deps.log,
        fairnessKey: tenant,
        ...(deps.owns ? { needLeaderElection: false } : {}),
      })
      .complete(this);
  }

  async reconcile(req: Request, ctx: ReconcileContext): Promise<Result> {
    const { deps } = this;
    const event = deps.events.reader.get('', req.namespace, req.name) as
      (KubeObject & SourceEvent) | undefined;
    if (!event) return {};
    const inv = event.involvedObject ?? {};
    const copy = deps.localObjects.reader.get('', inv.namespace ?? '', inv.name ?? '') as
      Unstructured | undefined;
    const decision = planMirror({
      event,
      spec: deps.pr.spec.events ?? {},
      agentName: deps.agentName,
      copyType: { apiVersion: deps.types.local.apiVersion, kind: deps.types.local.kind },
      copy,
      notBeforeMs: this.notBeforeMs,
    });
    const fresh = this.clock.now() - lastSeenMs(event) < WAIT_FOR_CACHES_MS;
    if (decision.type === 'skip') {
      // The copy may just not be cached yet (an operator reacting to its creation).
      if (
        decision.why === 'not about a copy' &&
        inv.uid &&
        copy?.metadata?.uid !== inv.uid &&
        fresh &&
        !deps.owns
      )
        return { requeueAfterMs: RETRY_MS };
      ctx.log.debug({ why: decision.why }, 'Not mirroring event');
      return {};
    }
    const { target } = decision;
    if (deps.owns && !deps.owns(target.cluster)) return {};
    const client = deps.vw.clusterClient(target.cluster);
    if (!client) return {}; // workspace not (or no longer) engaged
    const kcpObject = deps.kcpObject(target.cluster, target.namespace, target.name);
    if (!kcpObject) return fresh ? { requeueAfterMs: RETRY_MS } : {};
    if (!this.seen.isNew(event.metadata?.uid ?? `${req.namespace}/${req.name}`, occurrences(event)))
      return {};
    const key = `${target.cluster}/${target.namespace}/${target.name}`;
    if (!this.buckets.take(key, this.clock.now())) {
      ctx.log.debug({ kcpObject: key, reason: decision.reason }, 'Event not mirrored: rate limit');
      return {};
    }
    await deps.recorder.event(client, kcpObject, decision.eventType, decision.reason, decision.message);
    return {};
  }
}
