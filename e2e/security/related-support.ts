// Shared pieces of the related-object attack suites (related-confinement, related-identity).
import { b64, CRONTABS, eventsFor, type AgentWorld } from '../agent/helpers.js';
import type { KubeObject } from '../world/rest.js';
import { waitFor } from '../world/wait.js';

/** The Warning the agent raises on a primary when it refuses one of its related objects. */
export const REFUSED = 'RelatedResourceRefused';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A Secret with the given (plain text) data. */
export const secret = (
  namespace: string,
  name: string,
  data: Record<string, string>,
  extra: object = {},
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace, ...extra },
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
});

/**
 * Creates a CronTab primary in a team's `default` namespace and waits for its local copy at
 * `copyPath(cluster, name)` (the path depends on the PublishedResource's naming).
 */
export async function createPrimary(
  w: AgentWorld,
  team: number,
  name: string,
  annotations: Record<string, string>,
  copyPath: (cluster: string, name: string) => string,
  image = 'backup:1.0',
): Promise<KubeObject> {
  await w.provider.teamAdmin(team).create(CRONTABS, {
    apiVersion: 'example.com/v1',
    kind: 'CronTab',
    metadata: { name, namespace: 'default', annotations },
    spec: { cronSpec: '0 3 * * *', image, replicas: 1 },
  });
  const cluster = w.provider.teamClusterNames[team]!;
  return waitFor(() => w.service.client.getOrUndefined(copyPath(cluster, name)), {
    description: `the local copy of ${name}`,
    timeoutMs: 60_000,
  });
}

/** Waits for a RelatedResourceRefused Warning on a team's primary whose message contains every part. */
export function refusal(w: AgentWorld, team: number, name: string, ...parts: string[]): Promise<KubeObject> {
  return waitFor(
    async () =>
      (await eventsFor(w.provider.teamAdmin(team), 'default', name)).find(
        (e) =>
          e.type === 'Warning' && e.reason === REFUSED && parts.every((p) => String(e.message).includes(p)),
      ),
    { description: `a ${REFUSED} Warning on ${name} mentioning ${parts.join(', ')}`, timeoutMs: 60_000 },
  );
}
