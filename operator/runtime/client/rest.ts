import { createInterface } from 'node:readline';
import { realClock, sleep, type Clock } from '../clock.js';
import { withServer, type RestConfig } from './config.js';
import { CachedDiscovery } from './discovery.js';
import { apiErrorFrom, ApiError } from './errors.js';
import { groupVersionPath, joinUrl, resourcePath, type GVR } from './paths.js';
import { readBody, Transport } from './transport.js';
import type { KubeObject, ObjectList, WatchEvent } from './types.js';

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

const patchContentTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface ScopeOptions {
  namespace?: string;
  signal?: AbortSignal;
}

export interface ListOptions extends ScopeOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WatchOptions extends ScopeOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  /** Server-side watch timeout; the server ends the watch after it (client-go uses 5..10 min). */
  timeoutSeconds?: number;
}

export interface WriteOptions extends ScopeOptions {
  /** Server-side dry run (dryRun=All). */
  dryRun?: boolean;
  fieldManager?: string;
  subresource?: string;
}

export interface PatchOptions extends WriteOptions {
  /** Server-side apply only. */
  force?: boolean;
}

export interface DeleteOptions extends ScopeOptions {
  dryRun?: boolean;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

export interface RestClientOptions {
  /** How often a 429 TooManyRequests is retried (honouring Retry-After) before it is thrown; default 5. */
  maxTooManyRequestsRetries?: number;
  clock?: Clock;
  /** How long `discovery` serves a fetched ServerGroupsAndResources; see CachedDiscovery. */
  discoveryTTLMs?: number;
}

/**
 * A thin unstructured REST client over any base URL (e.g. `https://host`, `https://host/clusters/root:org`,
 * or a virtual workspace URL ending in `/clusters/*`). Objects travel as raw JSON, unchanged.
 * Errors are typed by status (see errors.ts).
 */
export class RestClient {
  readonly transport: Transport;
  private readonly maxRetries: number;
  private readonly clock: Clock;

  readonly config: RestConfig;
  private readonly opts: RestClientOptions;
  /** The server's groups and resources, cached (TTL, invalidateDiscovery(), refresh on a miss). */
  readonly discovery: CachedDiscovery;

  constructor(config: RestConfig, opts: RestClientOptions = {}) {
    this.config = config;
    this.opts = opts;
    this.transport = new Transport(config);
    this.maxRetries = opts.maxTooManyRequestsRetries ?? 5;
    this.clock = opts.clock ?? realClock;
    this.discovery = new CachedDiscovery((path) => this.request('GET', path), {
      clock: this.clock,
      ...(opts.discoveryTTLMs !== undefined ? { ttlMs: opts.discoveryTTLMs } : {}),
    });
  }

  get baseUrl(): string {
    return this.config.server;
  }

  /** A client for another base URL with the same credentials (e.g. `<origin>/clusters/<name>`). */
  forServer(server: string): RestClient {
    const derived = new RestClient(withServer(this.config, server), this.opts);
    derived.transport.shareFrom(this.transport);
    return derived;
  }

  /** Builds the full URL for an API path (with optional query) on this client's base URL. */
  url(path: string, query?: RequestOptions['query']): URL {
    const u = joinUrl(this.config.server, path);
    for (const [k, v] of Object.entries(query ?? {}))
      if (v !== undefined && v !== '') u.searchParams.set(k, String(v));
    return u;
  }

  /** One request returning parsed JSON; retries 429 with Retry-After a bounded number of times. */
  async request<T = unknown>(method: string, path: string, ro: RequestOptions = {}): Promise<T> {
    const text = await this.requestText(method, path, ro);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /**
   * The raw body of a successful answer, for callers that parse JSON themselves (e.g. CRDs, whose
   * integers must not lose precision beyond 2^53).
   */
  async requestText(method: string, path: string, ro: RequestOptions = {}): Promise<string> {
    const url = this.url(path, ro.query);
    const body =
      ro.body === undefined ? undefined : typeof ro.body === 'string' ? ro.body : JSON.stringify(ro.body);
    for (let attempt = 0; ; attempt++) {
      const res = await this.transport.send({
        method,
        url,
        ...(body !== undefined
          ? { body, headers: { 'Content-Type': ro.contentType ?? 'application/json' } }
          : {}),
        ...(ro.signal ? { signal: ro.signal } : {}),
      });
      const text = await readBody(res);
      if (res.status >= 200 && res.status < 300) return text;
      const err = apiErrorFrom(res.status, text, method, url.pathname);
      // a rejected exec-plugin credential was forgotten by the transport: ask once more with a new one
      if (res.status === 401 && attempt === 0 && this.transport.retriesUnauthorized) continue;
      if (res.status === 429 && attempt < this.maxRetries) {
        await sleep(this.clock, retryAfterMs(res.headers['retry-after']), ro.signal);
        continue;
      }
      throw err;
    }
  }

  get<T extends KubeObject = KubeObject>(
    gvr: GVR,
    name: string,
    o: ScopeOptions & { subresource?: string } = {},
  ): Promise<T> {
    const path = resourcePath({
      gvr,
      name,
      ...(o.namespace ? { namespace: o.namespace } : {}),
      ...(o.subresource ? { subresource: o.subresource } : {}),
    });
    return this.request<T>('GET', path, o.signal ? { signal: o.signal } : {});
  }

  /** One page of a list. */
  list<T extends KubeObject = KubeObject>(gvr: GVR, o: ListOptions = {}): Promise<ObjectList<T>> {
    return this.request<ObjectList<T>>(
      'GET',
      resourcePath({ gvr, ...(o.namespace ? { namespace: o.namespace } : {}) }),
      {
        query: {
          labelSelector: o.labelSelector,
          fieldSelector: o.fieldSelector,
          limit: o.limit,
          continue: o.continue,
          resourceVersion: o.resourceVersion,
          resourceVersionMatch: o.resourceVersionMatch,
        },
        ...(o.signal ? { signal: o.signal } : {}),
      },
    );
  }

  /** Lists every page (following `continue`); the result carries the last page's resourceVersion. */
  async listAll<T extends KubeObject = KubeObject>(gvr: GVR, o: ListOptions = {}): Promise<ObjectList<T>> {
    const items: T[] = [];
    let cont: string | undefined;
    let last: ObjectList<T>;
    do {
      last = await this.list<T>(gvr, { ...o, ...(cont ? { continue: cont } : {}) });
      for (const i of last.items ?? []) items.push(i);
      cont = last.metadata?.continue || undefined;
    } while (cont);
    return { ...last, items, metadata: { ...last.metadata, continue: '' } };
  }

  /**
   * Watches a collection: yields ADDED / MODIFIED / DELETED / BOOKMARK events in order. A watch ERROR
   * event is thrown as the typed ApiError of its Status (410/Expired → GoneError). The generator ends
   * when the server closes the stream; abort the signal to end it early.
   */
  async *watch<T extends KubeObject = KubeObject>(
    gvr: GVR,
    o: WatchOptions = {},
  ): AsyncGenerator<WatchEvent<T>> {
    const url = this.url(resourcePath({ gvr, ...(o.namespace ? { namespace: o.namespace } : {}) }), {
      watch: 'true',
      labelSelector: o.labelSelector,
      fieldSelector: o.fieldSelector,
      resourceVersion: o.resourceVersion,
      allowWatchBookmarks: o.allowWatchBookmarks ?? true,
      timeoutSeconds: o.timeoutSeconds,
    });
    let res;
    try {
      res = await this.transport.send({
        method: 'GET',
        url,
        streaming: true,
        ...(o.signal ? { signal: o.signal } : {}),
      });
    } catch (err) {
      if (o.signal?.aborted) return;
      throw err;
    }
    if (res.status < 200 || res.status >= 300) {
      throw apiErrorFrom(res.status, await readBody(res), 'WATCH', url.pathname);
    }
    const lines = createInterface({ input: res.stream, crlfDelay: Infinity });
    try {
      for await (const line of lines) {
        if (line.trim() === '') continue;
        const ev = JSON.parse(line) as { type: string; object: KubeObject };
        if (ev.type === 'ERROR') {
          const status = ev.object as { code?: number };
          throw apiErrorFrom(status.code ?? 500, JSON.stringify(ev.object), 'WATCH', url.pathname);
        }
        yield ev as WatchEvent<T>;
      }
    } catch (err) {
      if (o.signal?.aborted) return;
      throw err;
    } finally {
      lines.close();
      res.stream.destroy();
    }
  }

  create<T extends KubeObject = KubeObject>(gvr: GVR, obj: T, o: WriteOptions = {}): Promise<T> {
    const namespace = o.namespace ?? obj.metadata?.namespace;
    const path = resourcePath({ gvr, ...(namespace ? { namespace } : {}) });
    return this.request<T>('POST', path, {
      body: obj,
      query: writeQuery(o),
      ...(o.signal ? { signal: o.signal } : {}),
    });
  }

  /** PUT of the whole object (resourceVersion in the object acts as the optimistic-lock precondition). */
  update<T extends KubeObject = KubeObject>(gvr: GVR, obj: T, o: WriteOptions = {}): Promise<T> {
    const name = obj.metadata?.name;
    if (!name) throw new Error(`update ${gvrOf(gvr)}: object has no metadata.name`);
    const namespace = o.namespace ?? obj.metadata?.namespace;
    const path = resourcePath({
      gvr,
      name,
      ...(namespace ? { namespace } : {}),
      ...(o.subresource ? { subresource: o.subresource } : {}),
    });
    return this.request<T>('PUT', path, {
      body: obj,
      query: writeQuery(o),
      ...(o.signal ? { signal: o.signal } : {}),
    });
  }

  /** PUT to the /status subresource. */
  updateStatus<T extends KubeObject = KubeObject>(gvr: GVR, obj: T, o: WriteOptions = {}): Promise<T> {
    return this.update(gvr, obj, { ...o, subresource: 'status' });
  }

  patch<T extends KubeObject = KubeObject>(
    gvr: GVR,
    name: string,
    patch: unknown,
    type: PatchType,
    o: PatchOptions = {},
  ): Promise<T> {
    const path = resourcePath({
      gvr,
      name,
      ...(o.namespace ? { namespace: o.namespace } : {}),
      ...(o.subresource ? { subresource: o.subresource } : {}),
    });
    return this.request<T>('PATCH', path, {
      body: patch,
      contentType: patchContentTypes[type],
      query: { ...writeQuery(o), force: type === 'apply' && o.force ? true : undefined },
      ...(o.signal ? { signal: o.signal } : {}),
    });
  }

  /** DELETE; resolves with what the server returns (the object while finalizers run, or a Status). */
  delete(gvr: GVR, name: string, o: DeleteOptions = {}): Promise<KubeObject> {
    const path = resourcePath({ gvr, name, ...(o.namespace ? { namespace: o.namespace } : {}) });
    const body: Record<string, unknown> = { apiVersion: 'v1', kind: 'DeleteOptions' };
    if (o.propagationPolicy) body.propagationPolicy = o.propagationPolicy;
    if (o.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = o.gracePeriodSeconds;
    if (o.preconditions) body.preconditions = o.preconditions;
    if (o.dryRun) body.dryRun = ['All'];
    return this.request<KubeObject>('DELETE', path, { body, ...(o.signal ? { signal: o.signal } : {}) });
  }

  // ---- discovery and OpenAPI ----------------------------------------------------------------

  private discoveryCache = new Map<string, Promise<unknown>>();

  private cached<T>(path: string): Promise<T> {
    let p = this.discoveryCache.get(path);
    if (!p) {
      p = this.request<T>('GET', path);
      p.catch(() => this.discoveryCache.delete(path));
      this.discoveryCache.set(path, p);
    }
    return p as Promise<T>;
  }

  /** `/api` (core versions) — cached until invalidateDiscovery(). */
  coreVersions(): Promise<{ versions: string[] }> {
    return this.cached('/api');
  }

  /** `/apis` APIGroupList — cached until invalidateDiscovery(). */
  apiGroups(): Promise<APIGroupList> {
    return this.cached('/apis');
  }

  /** `/api/v1` or `/apis/<g>/<v>` APIResourceList — cached until invalidateDiscovery(). */
  apiResources(group: string, version: string): Promise<APIResourceList> {
    return this.cached(groupVersionPath(group, version));
  }

  /** Finds the resource entry (plural, kind, namespaced, verbs) for a group/version and kind or plural. */
  async findResource(
    group: string,
    version: string,
    kindOrResource: string,
  ): Promise<APIResource | undefined> {
    let list: APIResourceList;
    try {
      list = await this.apiResources(group, version);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return undefined;
      throw e;
    }
    return list.resources.find(
      (r) => !r.name.includes('/') && (r.kind === kindOrResource || r.name === kindOrResource),
    );
  }

  /** `/openapi/v2` as JSON — cached until invalidateDiscovery(). */
  openAPIV2(): Promise<Record<string, unknown>> {
    return this.cached('/openapi/v2');
  }

  /** Drops cached discovery and OpenAPI documents (call when CRDs change). */
  invalidateDiscovery(): void {
    this.discoveryCache.clear();
    this.discovery.invalidate();
  }

  close(): void {
    this.transport.close();
  }
}

export interface APIResource {
  name: string;
  singularName?: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  group?: string;
  version?: string;
}

export interface APIResourceList {
  groupVersion: string;
  resources: APIResource[];
}

export interface APIGroupList {
  groups: {
    name: string;
    versions: { groupVersion: string; version: string }[];
    preferredVersion?: { groupVersion: string; version: string };
  }[];
}

function writeQuery(o: WriteOptions): Record<string, string | undefined> {
  return { dryRun: o.dryRun ? 'All' : undefined, fieldManager: o.fieldManager };
}

function gvrOf(gvr: GVR): string {
  return `${gvr.group || 'core'}/${gvr.version}/${gvr.resource}`;
}

/** Retry-After in seconds (integer or HTTP date); default 1 s; capped at 60 s. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number {
  const v = Array.isArray(header) ? header[0] : header;
  if (!v) return 1000;
  const secs = Number(v);
  if (Number.isFinite(secs)) return Math.min(60_000, Math.max(0, secs * 1000));
  const date = Date.parse(v);
  if (Number.isFinite(date)) return Math.min(60_000, Math.max(0, date - now));
  return 1000;
}
