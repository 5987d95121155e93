/**
 * Which consumer workspaces the agent serves (docs/compatibility.md#consumer-workspaces): a logical cluster
 * is engaged once one of its APIBindings (as seen through the virtual workspace) reports Ready=True, and
 * disengaged when its last APIBinding is gone. A state machine over binding events; the informer wiring lives
 * elsewhere.
 */
import { ANNOTATION_KCP_CLUSTER } from './well-known.js';

export interface BindingLike {
  metadata?: { name?: string; annotations?: Record<string, string> | null } | null;
  status?: { conditions?: { type?: string; status?: string }[] | null } | null;
}

export type EngagementChange = { engage: string } | { disengage: string } | undefined;

export function bindingCluster(b: BindingLike): string {
  return b.metadata?.annotations?.[ANNOTATION_KCP_CLUSTER] ?? '';
}

export function isBindingReady(b: BindingLike): boolean {
  return (b.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export class EngagementTracker {
  /** cluster → names of its APIBindings currently known. */
  private readonly bindings = new Map<string, Set<string>>();
  private readonly engaged = new Set<string>();

  /** An APIBinding was added or updated. */
  upsert(b: BindingLike): EngagementChange {
    const cluster = bindingCluster(b);
    const name = b.metadata?.name ?? '';
    if (cluster === '' || name === '') return undefined;
    let names = this.bindings.get(cluster);
    if (!names) this.bindings.set(cluster, (names = new Set()));
    names.add(name);
    if (!this.engaged.has(cluster) && isBindingReady(b)) {
      this.engaged.add(cluster);
      return { engage: cluster };
    }
    return undefined;
  }

  /** An APIBinding was deleted. */
  remove(b: BindingLike): EngagementChange {
    const cluster = bindingCluster(b);
    const names = this.bindings.get(cluster);
    if (!names) return undefined;
    names.delete(b.metadata?.name ?? '');
    if (names.size > 0) return undefined;
    this.bindings.delete(cluster);
    if (!this.engaged.delete(cluster)) return undefined;
    return { disengage: cluster };
  }

  isEngaged(cluster: string): boolean {
    return this.engaged.has(cluster);
  }

  engagedClusters(): string[] {
    return [...this.engaged].sort();
  }
}
