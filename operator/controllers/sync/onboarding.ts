/**
 * The onboarding controller of one PublishedResource (docs/authoring.md, "Onboarding existing
 * objects"): brings selected service-side objects up into the consumer workspace their label or
 * annotation names. Every decision is operator/engine/onboarding; this file reads the facts and
 * performs the writes. Events go to the local object: the provider asked for the onboarding.
 */
import {
  isSelected,
  onboardingPending,
  planOnboarding,
  EVENT_REASON_ONBOARDING_CONFLICT,
  type OnboardingDecision,
  type OnboardingEvent,
  type OnboardingFacts,
  type OnboardingSpec,
} from '../../engine/onboarding/index.js';
import type { ObjectKey } from '../../engine/sync/object-key.js';
import { deepCopy, type Unstructured } from '../../engine/sync/unstructured.js';
import type { VirtualWorkspaces } from '../../kcp/virtual-workspaces.js';
import { AlreadyExistsError, NotFoundError } from '../../runtime/client/errors.js';
import type { RestClient } from '../../runtime/client/rest.js';
import type { KubeObject } from '../../runtime/client/types.js';
import { controllerManagedBy, type Source } from '../../runtime/builder.js';
import type { Controller } from '../../runtime/controller.js';
import type { EventRecorder } from '../../runtime/events.js';
import type { Informer } from '../../runtime/informer.js';
import type { Logger } from '../../runtime/log.js';
import type { Manager } from '../../runtime/manager.js';
import type { ReconcileContext, Reconciler, Request, Result } from '../../runtime/reconciler.js';
import type { SyncTypes } from './sync-types.js';

export const ONBOARDING_CONTROLLER_NAME = 'syncagent-onboarding';
/** Writes of one reconcile at most (claim, create, finish, plus a conflict's release). */
const MAX_STEPS = 6;

export interface OnboardingControllerDeps {
  publishedResource: string;
  spec: OnboardingSpec;
  types: SyncTypes;
  agentName: string;
  localClient: RestClient;
  /** Cluster-wide informer of the local type (shared with the sync controller). */
  localObjects: Informer;
  /**
   * Sharded replicas: a step on a target workspace is taken only by its owner, a report tied to no
   * workspace only by the leader.
   */
  shards?: { owns(cluster: string): boolean; isLeader(): boolean };
  vw: VirtualWorkspaces;
  recorder: EventRecorder;
  log: Logger;
}

export class OnboardingReconciler implements Reconciler {
  private readonly deps: OnboardingControllerDeps;

  constructor(deps: OnboardingControllerDeps) {
    this.deps = deps;
  }

  setupWithManager(manager: Manager): Controller {
    const { deps } = this;
    const local = (o: KubeObject): Request => ({
      cluster: '',
      namespace: o.metadata?.namespace ?? '',
      name: o.metadata?.name ?? '',
    });
    const selected = (o: KubeObject) => isSelected(deps.spec, o as Unstructured);
    // Claimed objects stay watched when deselected, so their claim can be taken back.
    const concerned = (o: KubeObject) => selected(o) || onboardingPending(o as Unstructured);
    // A workspace that binds the export later: objects naming it (earlier refused) get another look.
    const engagements: Source = {
      description: 'workspaces engaged through the virtual workspaces',
      start: (enqueue) =>
        deps.vw.addListener({
          engaged: () => {
            for (const o of deps.localObjects.reader.list()) if (selected(o)) enqueue(local(o));
          },
          disengaged: () => undefined,
        }),
    };
    return controllerManagedBy(manager)
      .named(`${ONBOARDING_CONTROLLER_NAME}/${deps.publishedResource}`)
      .for(deps.localObjects, {
        predicates: [{ create: concerned, update: (_o, n) => concerned(n), delete: () => false }],
        description: `${deps.localObjects.name} (selected for onboarding)`,
      })
      .watches(engagements)
      .withOptions({ workers: 1, log: deps.log, ...(deps.shards ? { needLeaderElection: false } : {}) })
      .complete(this);
  }

  async reconcile(req: Request, ctx: ReconcileContext): Promise<Result> {
    const { deps } = this;
    const cached = deps.localObjects.reader.get('', req.namespace, req.name) as Unstructured | undefined;
    if (!cached) return {};
    const facts: OnboardingFacts = {
      spec: deps.spec,
      local: deepCopy(cached),
      agentName: deps.agentName,
      remoteType: { ...deps.types.remote },
      engaged: (cluster) => deps.vw.isEngaged(cluster),
      kcp: 'unknown',
    };
    const log = ctx.log.child({ namespace: req.namespace, name: req.name });
    for (let step = 0; step < MAX_STEPS; step++) {
      const decision = planOnboarding(facts);
      const next = await this.perform(decision, facts, ctx, log);
      if (next === 'done') return {};
    }
    return { requeueAfterMs: 5000 };
  }

  private async perform(
    d: OnboardingDecision,
    facts: OnboardingFacts,
    ctx: ReconcileContext,
    log: Logger,
  ): Promise<'done' | 'again'> {
    const { deps } = this;
    if (deps.shards) {
      const target = 'key' in d ? d.key : undefined;
      if (target ? !deps.shards.owns(target.clusterName) : d.type !== 'nothing' && !deps.shards.isLeader())
        return 'done';
    }
    switch (d.type) {
      case 'nothing':
        return 'done';
      case 'report':
        this.event(facts.local, d.event);
        return 'done';
      case 'askKcp':
        facts.kcp = await this.getKcp(d.key, ctx);
        return 'again';
      case 'release':
        facts.local = await this.patchLocal(facts.local, d.patch, ctx);
        log.info({ claimed: d.key }, 'Took back an onboarding claim whose target no longer applies');
        return 'again';
      case 'claim':
      case 'finish':
        facts.local = await this.patchLocal(facts.local, d.patch, ctx);
        if (d.type === 'finish') {
          this.event(facts.local, d.event);
          log.info({ target: d.key }, 'Onboarded a service-side object');
          return 'done';
        }
        return 'again';
      case 'create': {
        const client = deps.vw.clusterClient(d.key.clusterName);
        if (!client) return 'done'; // disengaged meanwhile: the claim waits for the next look
        try {
          facts.kcp = (await client.create(deps.types.remote.gvr, d.object, {
            signal: ctx.signal,
          })) as Unstructured;
        } catch (err) {
          if (!(err instanceof AlreadyExistsError)) throw err;
          facts.kcp = await this.getKcp(d.key, ctx);
        }
        return 'again';
      }
      case 'conflict':
        if (d.patch) facts.local = await this.patchLocal(facts.local, d.patch, ctx);
        this.event(facts.local, d.event);
        log.info(
          { target: d.key, reason: EVENT_REASON_ONBOARDING_CONFLICT },
          'Not onboarding: the kcp object exists',
        );
        return 'done';
    }
  }

  private async getKcp(key: ObjectKey, ctx: ReconcileContext): Promise<'absent' | Unstructured> {
    const client = this.deps.vw.clusterClient(key.clusterName);
    if (!client) throw new Error(`workspace ${key.clusterName} is not engaged`);
    try {
      return (await client.get(this.deps.types.remote.gvr, key.name, {
        ...(key.namespace ? { namespace: key.namespace } : {}),
        signal: ctx.signal,
      })) as Unstructured;
    } catch (err) {
      const details = err instanceof NotFoundError ? err.body?.details : undefined;
      if (details?.name === key.name) return 'absent';
      throw err;
    }
  }

  private async patchLocal(
    local: Unstructured,
    patch: Unstructured,
    ctx: ReconcileContext,
  ): Promise<Unstructured> {
    const { deps } = this;
    const md = local.metadata;
    // The resourceVersion makes the claim conditional: a concurrent change of the object wins.
    const guarded = {
      ...patch,
      metadata: { ...(patch.metadata ?? {}), resourceVersion: md.resourceVersion },
    };
    const updated = (await deps.localClient.patch(deps.types.local.gvr, md.name, guarded, 'merge', {
      ...(md.namespace ? { namespace: md.namespace } : {}),
      signal: ctx.signal,
    })) as Unstructured;
    deps.localObjects.assume(updated);
    return deepCopy(updated);
  }

  private event(obj: Unstructured, ev: OnboardingEvent): void {
    void this.deps.recorder.event(this.deps.localClient, obj, ev.type, ev.reason, ev.message);
  }
}
