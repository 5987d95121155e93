// A collection watch that survives the server's watch timeout: lists once for a resourceVersion, then
// watches from the last seen version and restarts (bounded) when the stream ends. Event receipt times
// are taken with performance.now(), the same clock as the benchmark's create/patch timestamps.
import { performance } from 'node:perf_hooks';
import { waitFor } from '../../../e2e/world/wait.js';
import type { KubeObject, RestClient, WatchEvent } from '../../../e2e/world/rest.js';

export interface Watcher {
  stop(): void;
}

export async function watchCollection(
  client: RestClient,
  collectionPath: string,
  onEvent: (type: WatchEvent['type'], obj: KubeObject, at: number) => void,
  maxRestarts = 200,
): Promise<Watcher> {
  // A freshly established CRD answers 429 "storage is (re)initializing" for a moment: retry the list.
  const list = await waitFor(() => client.list(collectionPath).catch(() => undefined), {
    description: `a list of ${collectionPath} at ${client.creds.server}`,
    timeoutMs: 60_000,
  });
  let rv = list.metadata.resourceVersion;
  let stopped = false;
  let current: { stop(): void } | undefined;
  let restarts = 0;
  const run = async (): Promise<void> => {
    while (!stopped && restarts++ <= maxRestarts) {
      try {
        const w = await client.watch(
          collectionPath,
          (ev) => {
            const at = performance.now();
            if (ev.type === 'ERROR') {
              rv = undefined; // e.g. 410 Gone: start over from "now"
              return;
            }
            rv = ev.object.metadata.resourceVersion ?? rv;
            onEvent(ev.type, ev.object, at);
          },
          { ...(rv ? { resourceVersion: rv } : {}), timeoutSeconds: 240 },
        );
        current = w;
        await w.ended.catch(() => undefined);
      } catch {
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  };
  void run();
  return {
    stop: () => {
      stopped = true;
      current?.stop();
    },
  };
}
