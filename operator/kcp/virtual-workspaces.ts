/**
 * The consumer side of the APIExport (docs/compatibility.md#consumer-workspaces): watches the
 * APIExportEndpointSlice by name, keeps one wildcard APIBinding informer per virtual-workspace URL
 * (`<url>/clusters/*`), and tells listeners when a consumer workspace (logical cluster) is engaged or
 * disengaged. Sync controllers ask it for wildcard informers of their own resource across all URLs, and for
 * clients scoped to one workspace.
 */
import type { RestConfig } from '../runtime/client/config.js';
import type { GVR } from '../runtime/client/paths.js';
import { gvrString } from '../runtime/client/paths.js';
import { RestClient } from '../runtime/client/rest.js';
import type { KubeObject } from '../runtime/client/types.js';
import { dropManagedFields, Informer, type EventHandler } from '../runtime/informer.js';
import type { Logger } from '../runtime/log.js';
import { clusterOf } from './cluster.js';
import { EngagementTracker, type BindingLike } from './engagement.js';
import { GVR_APIBINDINGS, GVR_APIEXPORT_ENDPOINT_SLICES } from './resources.js';
import { clusterURL, endpointURLs, wildcardURL } from './urls.js';

export interface ClusterListener {
  engaged(cluster: string): void;
  disengaged(cluster: string): void;
}

interface Endpoint {
  url: string;
  client: RestClient;
  bindings: Informer;
  tracker: EngagementTracker;
}

/** A set of wildcard informers for one resource, one per endpoint URL, kept in step with the slice. */
export class WildcardInformerSet {
  private readonly informers = new Map<string, Informer>();
  private readonly handlers: EventHandler[] = [];
  private stopped = false;

  readonly gvr: GVR;
  /** Objects of every workspace: each belongs to the logical cluster kcp stamps on it. */
  readonly clusterOf = clusterOf;
  private readonly vw: VirtualWorkspaces;
  private readonly log: Logger;

  constructor(gvr: GVR, vw: VirtualWorkspaces, log: Logger) {
    this.gvr = gvr;
    this.vw = vw;
    this.log = log;
  }

  addEventHandler(h: EventHandler): void {
    this.handlers.push(h);
    for (const inf of this.informers.values()) inf.addEventHandler(h);
  }

  /** The cached object of a consumer workspace, wherever its endpoint is. */
  get(cluster: string, namespace: string, name: string): KubeObject | undefined {
    for (const inf of this.informers.values()) {
      const o = inf.reader.get(cluster, namespace, name);
      if (o) return o;
    }
    return undefined;
  }

  list(opts: { cluster?: string; namespace?: string; labelSelector?: string } = {}): KubeObject[] {
    return [...this.informers.values()].flatMap((i) => i.reader.list(opts));
  }

  hasSynced(): boolean {
    return [...this.informers.values()].every((i) => i.hasSynced());
  }

  async waitForSync(signal?: AbortSignal): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
  }

  /** @internal called by VirtualWorkspaces when the endpoint URLs change. */
  syncEndpoints(urls: readonly string[]): void {
    if (this.stopped) return;
    for (const url of urls) {
      if (this.informers.has(url)) continue;
      const filter = this.vw.clusterFilter;
      const inf = new Informer({
        client: this.vw.wildcardClient(url),
        gvr: this.gvr,
        clusterOf,
        transform: dropManagedFields,
        // sharded replicas: only objects of the workspaces this replica owns
        ...(filter ? { filter: (o: KubeObject) => filter(clusterOf(o)) } : {}),
        log: this.log,
      });
      for (const h of this.handlers) inf.addEventHandler(h);
      this.informers.set(url, inf);
      inf.start();
      this.log.debug({ url, resource: gvrString(this.gvr) }, 'Started wildcard informer');
    }
    for (const [url, inf] of this.informers) {
      if (urls.includes(url)) continue;
      this.informers.delete(url);
      void inf.stop();
    }
  }

  /** Re-applies the cluster filter (see Informer.refilter). */
  async refilter(opts: { relist?: boolean } = {}): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.refilter(opts)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.vw.release(this);
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
    this.informers.clear();
  }
}

export class VirtualWorkspaces {
  private readonly sliceInformer: Informer;
  private readonly endpoints = new Map<string, Endpoint>();
  /** Engaged cluster → URL of the endpoint that serves it. */
  private readonly clusterEndpoint = new Map<string, string>();
  private readonly listeners = new Set<ClusterListener>();
  private readonly sets = new Set<WildcardInformerSet>();
  private readonly clients = new Map<string, RestClient>();

  private readonly sliceConfig: RestConfig;
  private readonly log: Logger;
  /**
   * With sharded replicas: the workspaces whose objects the wildcard informers keep (set before any
   * informersFor). APIBindings are not filtered: every replica sees every engaged workspace.
   */
  clusterFilter: ((cluster: string) => boolean) | undefined;

  constructor(sliceConfig: RestConfig, sliceName: string, log: Logger) {
    this.sliceConfig = sliceConfig;
    this.log = log;
    this.sliceInformer = new Informer({
      client: new RestClient(sliceConfig),
      gvr: GVR_APIEXPORT_ENDPOINT_SLICES,
      clusterOf,
      fieldSelector: `metadata.name=${sliceName}`,
      log,
    });
    this.sliceInformer.addEventHandler({
      onAdd: (s) => this.onSlice(s),
      onUpdate: (_o, s) => this.onSlice(s),
      onDelete: () => this.onSlice(undefined),
    });
  }

  start(): void {
    this.sliceInformer.start();
  }

  async waitForSlice(signal?: AbortSignal): Promise<void> {
    await this.sliceInformer.waitForSync(signal);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.sets].map((s) => s.stop()));
    await this.sliceInformer.stop();
    await Promise.all([...this.endpoints.values()].map((e) => e.bindings.stop()));
    this.endpoints.clear();
  }

  /** Current endpoint URLs of the slice. */
  urls(): string[] {
    return [...this.endpoints.keys()];
  }

  engagedClusters(): string[] {
    return [...this.clusterEndpoint.keys()].sort();
  }

  isEngaged(cluster: string): boolean {
    return this.clusterEndpoint.has(cluster);
  }

  /** Listens for engagement changes; already engaged clusters are replayed at once. */
  addListener(l: ClusterListener): () => void {
    this.listeners.add(l);
    for (const c of this.engagedClusters()) l.engaged(c);
    return () => this.listeners.delete(l);
  }

  /** A client for `<url>/clusters/*` (shared per URL). */
  wildcardClient(url: string): RestClient {
    return this.client(wildcardURL(url));
  }

  /** A client for one consumer workspace through its endpoint; undefined when not engaged. */
  clusterClient(cluster: string): RestClient | undefined {
    const url = this.clusterEndpoint.get(cluster);
    return url === undefined ? undefined : this.client(clusterURL(url, cluster));
  }

  /** Wildcard informers of `gvr` across all endpoints (stop() it when done). */
  informersFor(gvr: GVR): WildcardInformerSet {
    const set = new WildcardInformerSet(gvr, this, this.log);
    this.sets.add(set);
    set.syncEndpoints(this.urls());
    return set;
  }

  /** Re-applies the cluster filter to every wildcard informer (after the owned workspaces changed). */
  async refilter(opts: { relist?: boolean } = {}): Promise<void> {
    await Promise.all([...this.sets].map((s) => s.refilter(opts)));
  }

  /** @internal */
  release(set: WildcardInformerSet): void {
    this.sets.delete(set);
  }

  private client(server: string): RestClient {
    let c = this.clients.get(server);
    if (!c) this.clients.set(server, (c = new RestClient({ ...this.sliceConfig, server })));
    return c;
  }

  private onSlice(slice: KubeObject | undefined): void {
    const urls = slice ? endpointURLs(slice as Parameters<typeof endpointURLs>[0]) : [];
    for (const url of urls) {
      if (this.endpoints.has(url)) continue;
      const tracker = new EngagementTracker();
      const bindings = new Informer({
        client: this.wildcardClient(url),
        gvr: GVR_APIBINDINGS,
        clusterOf,
        log: this.log,
      });
      bindings.addEventHandler({
        onAdd: (b) => this.apply(url, tracker.upsert(b as BindingLike)),
        onUpdate: (_o, b) => this.apply(url, tracker.upsert(b as BindingLike)),
        onDelete: (b) => this.apply(url, tracker.remove(b as BindingLike)),
      });
      this.endpoints.set(url, { url, client: this.wildcardClient(url), bindings, tracker });
      bindings.start();
      this.log.info({ url }, 'Watching APIBindings of a virtual workspace');
    }
    for (const [url, ep] of this.endpoints) {
      if (urls.includes(url)) continue;
      this.endpoints.delete(url);
      void ep.bindings.stop();
      for (const cluster of ep.tracker.engagedClusters()) this.apply(url, { disengage: cluster });
      this.log.info({ url }, 'Virtual workspace endpoint removed');
    }
    for (const set of this.sets) set.syncEndpoints(urls);
  }

  private apply(url: string, change: ReturnType<EngagementTracker['upsert']>): void {
    if (!change) return;
    if ('engage' in change) {
      this.clusterEndpoint.set(change.engage, url);
      this.log.info({ cluster: change.engage, url }, 'Engaged consumer workspace');
      for (const l of this.listeners) l.engaged(change.engage);
    } else {
      if (this.clusterEndpoint.get(change.disengage) !== url) return;
      this.clusterEndpoint.delete(change.disengage);
      this.log.info({ cluster: change.disengage }, 'Disengaged consumer workspace');
      for (const l of this.listeners) l.disengaged(change.disengage);
    }
  }
}
