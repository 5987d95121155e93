// Which consumer objects have a local copy on the service cluster, and since when: one watch over all
// namespaces, keyed "<logical cluster>/<kcp name>" by the agent's object-key metadata (the
// `syncagent.kcp.io/remote-object-cluster` label and `remote-object-name` annotation, so any agent
// works). Used by the scale, fairness and handover phases; every wait is bounded.
import { performance } from 'node:perf_hooks';
import type { KubeObject, RestClient } from '../../../e2e/world/rest.js';
import { watchCollection, type Watcher } from './watch.js';

export class CopyTracker {
  /** key -> performance.now() of the first ADDED/MODIFIED event of its copy. */
  readonly seenAt = new Map<string, number>();
  private watcher: Watcher | undefined;

  static async start(svc: RestClient, collection: string): Promise<CopyTracker> {
    const t = new CopyTracker();
    t.watcher = await watchCollection(svc, collection, (type, o, at) => {
      if (type === 'ADDED' || type === 'MODIFIED') t.observe(o, at);
    });
    return t;
  }

  observe(o: KubeObject, at: number): void {
    const cluster = o.metadata.labels?.['syncagent.kcp.io/remote-object-cluster'];
    const name = o.metadata.annotations?.['syncagent.kcp.io/remote-object-name'];
    if (!cluster || !name) return;
    const key = `${cluster}/${name}`;
    if (!this.seenAt.has(key)) this.seenAt.set(key, at);
  }

  /**
   * Waits until every key has a copy. Gives up after `limitMs`, or earlier when no new key of the set
   * arrived for `stallMs` (the agent stopped making progress); returns the keys still missing.
   */
  async waitFor(keys: string[], limitMs: number, stallMs = 120_000): Promise<string[]> {
    const deadline = performance.now() + limitMs;
    let missing = keys.filter((k) => !this.seenAt.has(k));
    let lastProgress = performance.now();
    while (missing.length > 0 && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      const before = missing.length;
      missing = missing.filter((k) => !this.seenAt.has(k));
      if (missing.length < before) lastProgress = performance.now();
      else if (performance.now() - lastProgress > stallMs) break;
    }
    return missing;
  }

  stop(): void {
    this.watcher?.stop();
  }
}
