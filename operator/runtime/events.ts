import { hostname } from 'node:os';
import { realClock, type Clock } from './clock.js';
import { isNotFound } from './client/errors.js';
import type { RestClient } from './client/rest.js';
import type { ObjectWithMeta } from './client/types.js';
import { silentLogger, type Logger } from './log.js';

export const eventGVR = { group: '', version: 'v1', resource: 'events' };

export type EventType = 'Normal' | 'Warning';

interface Aggregate {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
}

export interface EventRecorderOptions {
  /** `source.component` of every Event (e.g. the agent name). */
  component: string;
  /** `source.host`; defaults to the hostname. */
  host?: string;
  clock?: Clock;
  log?: Logger;
  /** How many distinct events are remembered for aggregation (LRU); default 4096 like client-go. */
  cacheSize?: number;
}

/** Unix time in nanoseconds as lowercase hex, the suffix client-go gives Event names. */
export function eventNameSuffix(ms: number): string {
  return (BigInt(Math.floor(ms)) * 1_000_000n).toString(16);
}

/**
 * Records core/v1 Events like client-go's recorder: a repeat of the same event (same involved object,
 * type, reason, message, source) within the cache patches the existing Event's `count` and
 * `lastTimestamp` instead of creating another. Events are named `<object name>.<hex unix nanos>` and
 * written through the client given per call, so kcp events land in the consumer workspace.
 * Recording never throws (failures are logged), and callers need not await it.
 */
export class EventRecorder {
  private readonly cache = new Map<string, Aggregate>();
  /** The last recording in flight per event key (see event()). */
  private readonly pending = new Map<string, Promise<void>>();
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly host: string;
  /** Last name suffix handed out: names must stay unique when events share a millisecond. */
  private lastNanos = 0n;

  private readonly opts: EventRecorderOptions;

  constructor(opts: EventRecorderOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? realClock;
    this.log = (opts.log ?? silentLogger()).child({ logger: 'events' });
    this.host = opts.host ?? hostname();
  }

  /**
   * The Event name suffix: unix nanoseconds like client-go, but strictly increasing, because the clock
   * only has milliseconds and two events on one object in the same millisecond must not collide (409).
   */
  private nextSuffix(): string {
    let n = BigInt(Math.floor(this.clock.now())) * 1_000_000n;
    if (n <= this.lastNanos) n = this.lastNanos + 1n;
    this.lastNanos = n;
    return n.toString(16);
  }

  async event(
    client: RestClient,
    obj: ObjectWithMeta,
    type: EventType,
    reason: string,
    message: string,
  ): Promise<void> {
    // Repeats of one event are recorded one after the other: a repeat that starts before the first
    // Event exists would create a second Event object instead of counting (e.g. fast retries).
    const key = this.keyOf(client, obj, type, reason, message);
    const run = (this.pending.get(key) ?? Promise.resolve())
      .then(() => this.record(client, obj, type, reason, message))
      .catch((err: unknown) => {
        this.log.error({ err: String(err), reason, object: obj.metadata?.name }, 'Failed to record event');
      });
    this.pending.set(key, run);
    await run;
    if (this.pending.get(key) === run) this.pending.delete(key);
  }

  private keyOf(
    client: RestClient,
    obj: ObjectWithMeta,
    type: EventType,
    reason: string,
    message: string,
  ): string {
    const meta = obj.metadata ?? {};
    return JSON.stringify([
      client.baseUrl,
      obj.kind,
      meta.namespace,
      meta.name,
      meta.uid,
      obj.apiVersion,
      type,
      reason,
      message,
    ]);
  }

  private async record(
    client: RestClient,
    obj: ObjectWithMeta,
    type: EventType,
    reason: string,
    message: string,
  ): Promise<void> {
    const meta = obj.metadata ?? {};
    const involved = {
      kind: obj.kind,
      namespace: meta.namespace,
      name: meta.name,
      uid: meta.uid,
      apiVersion: obj.apiVersion,
      resourceVersion: meta.resourceVersion,
    };
    const namespace = meta.namespace || 'default';
    const key = this.keyOf(client, obj, type, reason, message);
    const now = new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const prev = this.cache.get(key);
    if (prev) {
      this.cache.delete(key); // LRU: re-insert at the end
      try {
        await client.patch(
          eventGVR,
          prev.name,
          { count: prev.count + 1, lastTimestamp: now, message },
          'merge',
          { namespace: prev.namespace },
        );
        prev.count++;
        this.cache.set(key, prev);
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        // the Event expired (TTL) or was deleted: start a new one
      }
    }
    const name = `${meta.name ?? 'unknown'}.${this.nextSuffix()}`;
    await client.create(eventGVR, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: Object.fromEntries(
        Object.entries(involved).filter(([, v]) => v !== undefined && v !== ''),
      ),
      reason,
      message,
      source: { component: this.opts.component, host: this.host },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: this.opts.component,
      reportingInstance: this.host,
    });
    this.cache.set(key, { name, namespace, count: 1, firstTimestamp: now });
    const max = this.opts.cacheSize ?? 4096;
    while (this.cache.size > max) this.cache.delete(this.cache.keys().next().value as string);
  }
}
