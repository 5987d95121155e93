/**
 * Runs the pure sync planner against two API servers: performs the writes of each plan, feeds the
 * objects the servers return into the next plan, and stops when the object is in sync, waits for
 * something, or after a bounded number of passes. One reconcile therefore usually takes a new object
 * from "seen" to "placed" (finalizer, namespace, copy, state) without waiting for watch events, while
 * every decision stays in the engine (operator/engine/sync/planner.ts).
 */
import { planAdoption, planSync, type SyncAction, type SyncInput } from '../../engine/sync/planner.js';
import { decodeState } from '../../engine/sync/state.js';
import { assertObjectLimits, describeObject } from '../../engine/sync/limits.js';
import { EVENT_STATUS_SUBRESOURCE_MISSING, type SyncEvent } from '../../engine/sync/events.js';
import type { Unstructured } from '../../engine/sync/unstructured.js';
import { AlreadyExistsError, NotFoundError } from '../../runtime/client/errors.js';
import type { GVR } from '../../runtime/client/paths.js';
import type { RestClient } from '../../runtime/client/rest.js';
import type { KubeObject } from '../../runtime/client/types.js';

/** One side of a sync: a client already scoped to the right cluster/workspace, and the resource. */
export interface Side {
  client: RestClient;
  gvr: GVR;
}

export interface ObjectSyncRun extends Omit<SyncInput, 'source' | 'destination' | 'lastKnownState'> {
  source: Unstructured;
  destination: Unstructured | undefined;
  /** The raw stored state value (see engine/sync/state.ts), or undefined. */
  storedState: string | undefined;
  sourceSide: Side;
  destinationSide: Side;
  /** Makes sure a namespace exists on the destination side (cached by the caller where possible). */
  ensureNamespace(namespace: string): Promise<void>;
  /** Records an event on the kcp-side object of this sync (fire and forget). */
  recordEvent(event: SyncEvent, object: Unstructured): void;
  /** Which object events go to: the source (kcp primaries, kcp-origin related) or the destination. */
  eventsOn: 'source' | 'destination';
  signal?: AbortSignal;
  /**
   * An existing destination (CREATE answered AlreadyExists) that must not be adopted: returns whose it
   * is, which makes it a collision (e.g. objects reserved for onboarding, see engine/onboarding).
   */
  refuseAdoption?(existing: Unstructured): string | undefined;
  /** Upper bound of chained passes in one call; further work is left to a requeue. */
  maxPasses?: number;
}

export interface ObjectSyncResult {
  requeue: boolean;
  source: Unstructured;
  destination: Unstructured | undefined;
  /** The state value to store for the source, when a write changed it. */
  newState: string | undefined;
  /** Number of writes performed (for logs and the API-cost benchmark). */
  writes: number;
  /** Set when the destination belongs to another kcp object or agent; nothing was written to it. */
  collision?: Collision;
}

/** A destination found to carry another identity: the object and whose it is. */
export interface Collision {
  destination: Unstructured;
  owner: string;
}

const GVR_NAMESPACES: GVR = { group: '', version: 'v1', resource: 'namespaces' };

/** A Status answer to DELETE means the object is gone already. */
function isStatus(o: KubeObject | undefined): boolean {
  return !o || o.kind === 'Status';
}

function ns(o: Unstructured | undefined): { namespace?: string } {
  const n = o?.metadata?.namespace;
  return n ? { namespace: n } : {};
}

export async function runObjectSync(run: ObjectSyncRun): Promise<ObjectSyncResult> {
  // Nothing recursive may see an object deeper than the limit (docs/security.md).
  assertObjectLimits([
    { role: `source ${describeObject(run.source)}`, object: run.source },
    { role: `destination ${describeObject(run.destination)}`, object: run.destination },
  ]);
  let source = run.source;
  let destination = run.destination;
  let stored = run.storedState;
  let newState: string | undefined;
  let writes = 0;
  let collision: Collision | undefined;
  const signal = run.signal ? { signal: run.signal } : {};
  const maxPasses = run.maxPasses ?? 6;

  const event = (ev: SyncEvent) => {
    const target = run.eventsOn === 'source' ? source : destination;
    if (target) run.recordEvent(ev, target);
  };

  const perform = async (action: SyncAction): Promise<'continue' | 'stop' | 'sourceGone'> => {
    const src = run.sourceSide;
    const dst = run.destinationSide;
    switch (action.type) {
      case 'patchSource': {
        try {
          source = (await src.client.patch(src.gvr, source.metadata.name, action.patch, 'merge', {
            ...ns(source),
            ...signal,
          })) as Unstructured;
        } catch (err) {
          // The source is gone: typically an earlier reconcile released our finalizer, the server
          // deleted the object, and this reconcile started from a cache that still held it. Nothing is
          // left to do for it and nothing to report.
          if (err instanceof NotFoundError) return 'sourceGone';
          throw err;
        }
        writes++;
        if (action.event) event(action.event);
        return 'continue';
      }
      case 'recordEvent': {
        event(action.event);
        return 'continue';
      }
      case 'deleteDestination': {
        const res = await dst.client.delete(dst.gvr, destination!.metadata.name, {
          ...ns(destination),
          ...signal,
        });
        writes++;
        event(action.event);
        destination = isStatus(res) ? undefined : (res as Unstructured);
        return 'continue';
      }
      case 'createDestination': {
        if (action.namespace !== '') await run.ensureNamespace(action.namespace);
        try {
          destination = (await dst.client.create(dst.gvr, action.object, signal)) as Unstructured;
          writes++;
        } catch (err) {
          if (!(err instanceof AlreadyExistsError)) throw err;
          const existing = (await dst.client.get(dst.gvr, action.object.metadata.name, {
            ...ns(action.object),
            ...signal,
          })) as Unstructured;
          const refused = run.refuseAdoption?.(existing);
          if (refused !== undefined) {
            collision = { destination: existing, owner: refused };
            return 'stop';
          }
          const adoption = planAdoption(existing, run.options);
          if (adoption.type === 'wait') return 'stop';
          if (adoption.type === 'collision') {
            collision = { destination: existing, owner: adoption.owner };
            return 'stop';
          }
          destination = (await dst.client.update(dst.gvr, adoption.object, signal)) as Unstructured;
          writes++;
          event(action.event);
          // A state stored earlier stays: the next pass patches what changed since (the copy may have
          // lost its sync metadata while the source was edited). Without one, adoption keeps the
          // existing content and the source becomes the state.
          if (stored === undefined) stored = newState = action.state;
          return 'continue';
        }
        event(action.event);
        stored = newState = action.state;
        return 'continue';
      }
      case 'patchDestination': {
        destination = (await dst.client.patch(dst.gvr, destination!.metadata.name, action.patch, 'merge', {
          ...ns(destination),
          ...signal,
        })) as Unstructured;
        writes++;
        event(action.event);
        stored = newState = action.state;
        return 'continue';
      }
      case 'updateDestination': {
        destination = (await dst.client.update(dst.gvr, action.object, signal)) as Unstructured;
        writes++;
        event(action.event);
        stored = newState = action.state;
        return 'continue';
      }
      case 'updateDestinationStatus': {
        try {
          destination = (await dst.client.updateStatus(dst.gvr, action.object, signal)) as Unstructured;
          writes++;
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
          event(EVENT_STATUS_SUBRESOURCE_MISSING);
        }
        return 'continue';
      }
      case 'collision': {
        collision = { destination: destination!, owner: action.owner };
        return 'stop';
      }
      case 'updateSourceStatus': {
        source = (await src.client.updateStatus(src.gvr, action.object, signal)) as Unstructured;
        writes++;
        event(action.event);
        return 'continue';
      }
    }
  };

  for (let pass = 0; pass < maxPasses; pass++) {
    const plan = planSync({
      ...run,
      source,
      destination,
      lastKnownState: decodeState(stored),
    });
    for (const action of plan.actions) {
      const outcome = await perform(action);
      if (outcome === 'stop') {
        if (collision) return { requeue: false, source, destination: undefined, newState, writes, collision };
        return { requeue: true, source, destination, newState, writes };
      }
      if (outcome === 'sourceGone') return { requeue: false, source, destination, newState, writes };
    }
    if (!plan.requeue) return { requeue: false, source, destination, newState, writes };
    // A plan that only waits (e.g. for a deletion to finish) cannot progress by planning again.
    if (plan.actions.length === 0) break;
  }
  return { requeue: true, source, destination, newState, writes };
}

/** Default namespace creation through the destination client: GET, CREATE a bare one if missing. */
export async function ensureNamespaceViaAPI(
  client: RestClient,
  namespace: string,
  signal?: AbortSignal,
): Promise<void> {
  try {
    await client.get(GVR_NAMESPACES, namespace, signal ? { signal } : {});
    return;
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  try {
    await client.create(
      GVR_NAMESPACES,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
      signal ? { signal } : {},
    );
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
  }
}
