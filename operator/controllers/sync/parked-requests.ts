/**
 * Requests parked until something happens to a key (a local name is freed, a workspace is engaged):
 * `take(key)` hands them back to be enqueued. A request is parked under one key at a time, and
 * `forget` drops it when its object goes away, so nothing accumulates.
 */
import type { Request } from '../../runtime/reconciler.js';
import { requestString } from './object-problems.js';

export class ParkedRequests {
  private readonly byKey = new Map<string, Map<string, Request>>();
  private readonly keyOf = new Map<string, string>();

  get size(): number {
    return this.keyOf.size;
  }

  park(key: string, req: Request): void {
    const id = requestString(req);
    this.forget(req);
    let parked = this.byKey.get(key);
    if (!parked) this.byKey.set(key, (parked = new Map()));
    parked.set(id, req);
    this.keyOf.set(id, key);
  }

  take(key: string): Request[] {
    const parked = this.byKey.get(key);
    if (!parked) return [];
    this.byKey.delete(key);
    for (const id of parked.keys()) this.keyOf.delete(id);
    return [...parked.values()];
  }

  forget(req: Request): void {
    const id = requestString(req);
    const key = this.keyOf.get(id);
    if (key === undefined) return;
    this.keyOf.delete(id);
    const parked = this.byKey.get(key)!;
    parked.delete(id);
    if (parked.size === 0) this.byKey.delete(key);
  }
}
