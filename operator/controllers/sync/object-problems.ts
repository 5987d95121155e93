/**
 * Keeps the set of kcp objects one sync controller refuses (see engine/sync/object-problems.ts) and
 * mirrors it to its PublishedResource: a Warning event per new problem and the `ObjectsAccepted`
 * condition, written at most once per debounce period and only after a first problem was seen (a
 * healthy PublishedResource gets no extra status write).
 */
import type { PublishedResource } from '../../apis/v1alpha1/types.js';
import { objectsAcceptedCondition, type ObjectProblem } from '../../engine/sync/object-problems.js';
import { realClock, type Clock, type Timer } from '../../runtime/clock.js';
import type { RestClient } from '../../runtime/client/rest.js';
import type { EventRecorder } from '../../runtime/events.js';
import type { Logger } from '../../runtime/log.js';
import type { Request } from '../../runtime/reconciler.js';
import { getPublishedResource, updatePublishedResourceStatus } from '../published-resources.js';

const DEBOUNCE_MS = 1000;

export function requestString(req: Request): string {
  return req.namespace === '' ? `${req.cluster}/${req.name}` : `${req.cluster}/${req.namespace}/${req.name}`;
}

export interface ObjectProblemsDeps {
  client: RestClient;
  pr: PublishedResource;
  recorder: EventRecorder;
  log: Logger;
  clock?: Clock;
  /**
   * Whether this replica writes to the PublishedResource (sharded replicas: the leader only, so they do
   * not overwrite each other's condition; the others report refusals on the kcp objects only).
   */
  writes?: () => boolean;
}

export class ObjectProblems {
  private readonly problems = new Map<string, ObjectProblem>();
  private timer: Timer | undefined;
  private reported = false;
  private readonly clock: Clock;
  private readonly deps: ObjectProblemsDeps;

  constructor(deps: ObjectProblemsDeps) {
    this.deps = deps;
    this.clock = deps.clock ?? realClock;
  }

  get size(): number {
    return this.problems.size;
  }

  report(req: Request, reason: string, message: string): void {
    const object = requestString(req);
    const old = this.problems.get(object);
    if (old && old.reason === reason && old.message === message) return;
    this.problems.set(object, { object, reason, message });
    this.reported = true;
    if (this.deps.writes && !this.deps.writes()) return;
    void this.deps.recorder.event(this.deps.client, this.deps.pr, 'Warning', reason, `${object}: ${message}`);
    this.schedule();
  }

  clear(req: Request): void {
    if (this.problems.delete(requestString(req))) this.schedule();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer || !this.reported) return;
    this.timer = this.clock.setTimer(() => {
      this.timer = undefined;
      void this.flush();
    }, DEBOUNCE_MS);
  }

  /** Writes the condition onto the current PublishedResource (re-read: other controllers write it too). */
  async flush(): Promise<void> {
    const { client, pr, log } = this.deps;
    if (this.deps.writes && !this.deps.writes()) return;
    try {
      const current = await getPublishedResource(client, pr.metadata.name);
      if (current.metadata.uid !== pr.metadata.uid) return;
      await updatePublishedResourceStatus(client, current, {
        conditions: [objectsAcceptedCondition([...this.problems.values()])],
      });
    } catch (err) {
      log.info({ err: (err as Error).message }, 'Failed to update the ObjectsAccepted condition; retrying');
      this.schedule();
    }
  }
}
