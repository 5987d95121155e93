/**
 * Server discovery: every group, version and resource a Kubernetes API server serves, fetched the way
 * client-go's ServerGroupsAndResources does, and a cache of it (in the spirit of client-go's
 * memory-cached discovery) so controllers do not walk all group versions on every reconcile.
 */
import { realClock, type Clock } from '../clock.js';
import type { APIGroupList, APIResourceList } from './rest.js';

export type DiscoveryGroup = APIGroupList['groups'][number];

export interface ServerGroupsAndResources {
  /** The legacy core group (`""`) first when served, then `/apis` in server order. */
  groups: DiscoveryGroup[];
  /** One list per group version, in the order of `groups` and their versions. */
  resourceLists: APIResourceList[];
}

/** GET `path` and return the decoded JSON (rejecting on any non-2xx answer). */
export type GetJSON = (path: string) => Promise<unknown>;

/**
 * The legacy core group first, then the groups of `/apis` in server order, one resource list per
 * group version. Like client-go, any group version that cannot be listed fails the whole discovery.
 */
export async function fetchServerGroupsAndResources(getJSON: GetJSON): Promise<ServerGroupsAndResources> {
  const core = (await getJSON('/api')) as { versions?: string[] };
  const groups: DiscoveryGroup[] = [];
  const coreVersions = core.versions ?? [];
  if (coreVersions.length > 0) {
    groups.push({
      name: '',
      versions: coreVersions.map((v) => ({ groupVersion: v, version: v })),
      preferredVersion: { groupVersion: coreVersions[0]!, version: coreVersions[0]! },
    });
  }
  const apis = (await getJSON('/apis')) as Partial<APIGroupList>;
  groups.push(...(apis.groups ?? []));

  const lists = await Promise.allSettled(
    groups.flatMap((g) =>
      g.versions.map(async (v) => {
        const path = g.name === '' ? `/api/${v.version}` : `/apis/${v.groupVersion}`;
        const list = (await getJSON(path)) as Partial<APIResourceList>;
        return {
          ...list,
          groupVersion: list.groupVersion || v.groupVersion,
          resources: list.resources ?? [],
        };
      }),
    ),
  );
  const failures = lists.flatMap((r) =>
    r.status === 'rejected' ? [String((r.reason as Error)?.message ?? r.reason)] : [],
  );
  if (failures.length > 0) {
    throw new Error(`unable to retrieve the complete list of server APIs: ${failures.join(', ')}`);
  }
  const resourceLists = lists.map((r) => (r as PromiseFulfilledResult<APIResourceList>).value);
  return { groups, resourceLists };
}

/** One fetched discovery with the cache generation it belongs to. */
export interface DiscoverySnapshot {
  readonly data: ServerGroupsAndResources;
  /** Increases with every fetch the cache starts; see CachedDiscovery.generation. */
  readonly generation: number;
}

export interface CachedDiscoveryOptions {
  /** How long a fetched discovery is served before it is fetched again; default 5 minutes. */
  ttlMs?: number;
  clock?: Clock;
}

export const DEFAULT_DISCOVERY_TTL_MS = 5 * 60_000;

/**
 * ServerGroupsAndResources cached in memory. Concurrent callers share one request; a failed fetch is
 * not cached. The data is dropped after a TTL or by invalidate(); callers that miss a resource they
 * expect use refresh(snapshot) to fetch again at most once per stale snapshot (a miss in data fetched
 * after the caller started is an answer, not a reason to refetch: compare generation()).
 */
export class CachedDiscovery {
  private readonly getJSON: GetJSON;
  private readonly ttlMs: number;
  private readonly clock: Clock;
  private entry?: { snapshot: Promise<DiscoverySnapshot>; fetchedAt: number };
  private fetches = 0;

  constructor(getJSON: GetJSON, opts: CachedDiscoveryOptions = {}) {
    this.getJSON = getJSON;
    this.ttlMs = opts.ttlMs ?? DEFAULT_DISCOVERY_TTL_MS;
    this.clock = opts.clock ?? realClock;
  }

  /** The generation the next fetch will have: a snapshot with a generation >= this was fetched later. */
  generation(): number {
    return this.fetches + 1;
  }

  /** The cached discovery, fetched when absent or older than the TTL. */
  get(): Promise<DiscoverySnapshot> {
    const entry = this.entry;
    if (entry && this.clock.now() - entry.fetchedAt < this.ttlMs) return entry.snapshot;
    return this.fetch();
  }

  /**
   * Discovery newer than `stale`: the cached one when another caller already refreshed it, else a
   * new fetch.
   */
  async refresh(stale: DiscoverySnapshot): Promise<DiscoverySnapshot> {
    const entry = this.entry;
    if (entry) {
      const current = await entry.snapshot.catch(() => undefined);
      if (current && current.generation > stale.generation) return current;
      if (this.entry === entry) this.entry = undefined;
    }
    return this.get();
  }

  invalidate(): void {
    this.entry = undefined;
  }

  private fetch(): Promise<DiscoverySnapshot> {
    const generation = ++this.fetches;
    const snapshot = fetchServerGroupsAndResources(this.getJSON).then((data) => ({ data, generation }));
    const entry = { snapshot, fetchedAt: this.clock.now() };
    this.entry = entry;
    snapshot.catch(() => {
      if (this.entry === entry) this.entry = undefined;
    });
    return snapshot;
  }
}
