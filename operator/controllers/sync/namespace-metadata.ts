/**
 * Carries the allow-listed labels and annotations of a consumer's kcp namespace onto the
 * service-side namespace of its copies (`spec.namespaceMetadata`). The decision is the engine's
 * (operator/engine/namespace-metadata); this file reads the caches, watches the consumers' namespaces
 * so a changed label reaches the service side without the primary changing, and writes the patch.
 */
import type { NamespaceMetadataSpec } from '../../apis/v1alpha1/types.js';
import { planNamespaceMetadata } from '../../engine/namespace-metadata/index.js';
import { LABEL_AGENT_NAME, LABEL_REMOTE_CLUSTER } from '../../engine/sync/keys.js';
import type { SyncEvent } from '../../engine/sync/events.js';
import { clusterOf } from '../../kcp/cluster.js';
import { GVR_NAMESPACES } from '../../kcp/resources.js';
import type { VirtualWorkspaces, WildcardInformerSet } from '../../kcp/virtual-workspaces.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../runtime/client/errors.js';
import type { RestClient } from '../../runtime/client/rest.js';
import type { KubeObject } from '../../runtime/client/types.js';
import type { Informer } from '../../runtime/informer.js';
import type { Request } from '../../runtime/reconciler.js';

export interface NamespaceMetadataDeps {
  config: NamespaceMetadataSpec;
  agentName: string;
  vw: VirtualWorkspaces;
  localClient: RestClient;
  /** Namespaces of the service cluster (shared informer; written through after a patch). */
  localNamespaces: Informer;
  /** The copies of this PublishedResource's type: which workspaces have objects in a namespace. */
  localObjects: Informer;
  /** The primaries in kcp: a namespace change enqueues the primaries in it. */
  remotePrimaries: WildcardInformerSet;
  enqueue: (req: Request) => void;
}

/** One primary with a copy in a service namespace, as the sync controller sees it after syncing. */
export interface NamespaceMetadataTarget {
  req: Request;
  /** The service-side namespace of the copy. */
  namespace: string;
  kcpClient: RestClient;
  signal?: AbortSignal;
}

export interface NamespaceMetadataOutcome {
  /** A Warning for the consumer, when one is due. */
  event?: SyncEvent;
  /** The namespace changed under the write: try again later. */
  retry: boolean;
  /** The agent may not patch the service-side namespace (RBAC of the provider). */
  forbidden?: boolean;
}

export class NamespaceMetadataSync {
  private readonly deps: NamespaceMetadataDeps;
  private kcpNamespaces: WildcardInformerSet | undefined;
  /** The last warning reason told per primary, so that a steady state does not repeat it. */
  private readonly warned = new Map<string, string>();

  constructor(deps: NamespaceMetadataDeps) {
    this.deps = deps;
  }

  /** Starts watching the consumers' namespaces. */
  start(): void {
    const set = this.deps.vw.informersFor(GVR_NAMESPACES);
    const changed = (ns: KubeObject) => {
      const cluster = clusterOf(ns);
      const namespace = ns.metadata?.name ?? '';
      for (const p of this.deps.remotePrimaries.list({ cluster, namespace })) {
        this.deps.enqueue({ cluster, namespace, name: p.metadata?.name ?? '' });
      }
    };
    set.addEventHandler({
      onAdd: changed,
      onUpdate: (o, n) => {
        if (!sameMetadata(o, n)) changed(n);
      },
    });
    this.kcpNamespaces = set;
  }

  async stop(): Promise<void> {
    await this.kcpNamespaces?.stop();
  }

  forget(req: Request): void {
    this.warned.delete(keyOf(req));
  }

  /**
   * Brings the service namespace in line with the consumer's namespace. Returns the event for the
   * consumer, if one is due (the caller records it on the primary), and whether to try again (the
   * namespace changed under the write).
   */
  async apply(target: NamespaceMetadataTarget): Promise<NamespaceMetadataOutcome> {
    const { deps } = this;
    const { req, namespace } = target;
    const signal = target.signal ? { signal: target.signal } : {};
    const source =
      this.kcpNamespaces?.get(req.cluster, '', req.namespace) ??
      (await target.kcpClient.get(GVR_NAMESPACES, req.namespace, signal));
    let destination = deps.localNamespaces.reader.get('', '', namespace);
    if (!destination) {
      try {
        destination = await deps.localClient.get(GVR_NAMESPACES, namespace, signal);
      } catch (err) {
        if (err instanceof NotFoundError) return { retry: true }; // being deleted or not cached yet
        throw err;
      }
    }
    const otherWorkspaces = new Set<string>();
    for (const copy of deps.localObjects.reader.list({ namespace })) {
      const labels = copy.metadata?.labels ?? {};
      if (labels[LABEL_AGENT_NAME] !== deps.agentName) continue;
      const cluster = labels[LABEL_REMOTE_CLUSTER];
      if (cluster && cluster !== req.cluster) otherWorkspaces.add(cluster);
    }
    const plan = planNamespaceMetadata({
      config: deps.config,
      workspace: req.cluster,
      source: { labels: source.metadata?.labels, annotations: source.metadata?.annotations },
      destination: { labels: destination.metadata?.labels, annotations: destination.metadata?.annotations },
      otherWorkspaces: [...otherWorkspaces],
    });
    if (plan.patch) {
      // The resourceVersion makes concurrent writers (two workspaces claiming one namespace) conflict
      // instead of overwriting each other's marker; the loser is retried and sees the winner's.
      const patch = {
        metadata: { ...plan.patch.metadata, resourceVersion: destination.metadata?.resourceVersion },
      };
      try {
        const updated = await deps.localClient.patch(GVR_NAMESPACES, namespace, patch, 'merge', signal);
        deps.localNamespaces.assume(updated);
      } catch (err) {
        if (err instanceof ConflictError) return { retry: true };
        if (err instanceof ForbiddenError) return { retry: false, forbidden: true };
        throw err;
      }
    }
    const key = keyOf(req);
    if (!plan.warning) {
      this.warned.delete(key);
      return { retry: false };
    }
    if (!plan.patch && this.warned.get(key) === plan.warning.reason) return { retry: false };
    this.warned.set(key, plan.warning.reason);
    return {
      event: { type: 'Warning', reason: plan.warning.reason, message: plan.warning.message },
      retry: false,
    };
  }
}

function keyOf(req: Request): string {
  return `${req.cluster}/${req.namespace}/${req.name}`;
}

function sameMetadata(a: KubeObject, b: KubeObject): boolean {
  return (
    JSON.stringify(a.metadata?.labels ?? {}) === JSON.stringify(b.metadata?.labels ?? {}) &&
    JSON.stringify(a.metadata?.annotations ?? {}) === JSON.stringify(b.metadata?.annotations ?? {})
  );
}
