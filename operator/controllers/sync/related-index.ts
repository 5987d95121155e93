/**
 * Reverse index from related objects to the primary that uses them, so a related change is
 * noticed at once even without `related[].watch`: every reconcile of
 * a primary replaces the set of (side, resource, cluster, namespace, name) keys it depends on; an
 * event on a related object then finds the primaries to reconcile without any listing. A name of
 * `*` stands for "any object of that resource in that namespace" (selector-based names, whose
 * matching objects may appear later).
 */
import type { Request } from '../../runtime/reconciler.js';

export type RelatedSide = 'kcp' | 'service';

export interface RelatedRef {
  side: RelatedSide;
  /** `group/version/resource`. */
  gvr: string;
  /** kcp logical cluster; "" on the service side. */
  cluster: string;
  namespace: string;
  /** Object name or `*`. */
  name: string;
}

export const ANY_NAME = '*';

function refKey(r: RelatedRef): string {
  return `${r.side}|${r.gvr}|${r.cluster}|${r.namespace}|${r.name}`;
}

function requestKey(r: Request): string {
  return `${r.cluster}|${r.namespace}|${r.name}`;
}

export class RelatedIndex {
  private readonly byRef = new Map<string, Map<string, Request>>();
  private readonly byPrimary = new Map<string, Set<string>>();

  /** Replaces everything `primary` depends on with `refs`. */
  set(primary: Request, refs: readonly RelatedRef[]): void {
    const pk = requestKey(primary);
    const wanted = new Set(refs.map(refKey));
    const old = this.byPrimary.get(pk) ?? new Set<string>();
    for (const k of old) {
      if (wanted.has(k)) continue;
      const m = this.byRef.get(k);
      m?.delete(pk);
      if (m?.size === 0) this.byRef.delete(k);
    }
    for (const k of wanted) {
      let m = this.byRef.get(k);
      if (!m) this.byRef.set(k, (m = new Map()));
      m.set(pk, primary);
    }
    if (wanted.size === 0) this.byPrimary.delete(pk);
    else this.byPrimary.set(pk, wanted);
  }

  /** Forgets a primary (gone from kcp). */
  delete(primary: Request): void {
    this.set(primary, []);
  }

  /** The primaries depending on this object, by name or through a `*` entry of its namespace. */
  lookup(side: RelatedSide, gvr: string, cluster: string, namespace: string, name: string): Request[] {
    const out = new Map<string, Request>();
    for (const n of [name, ANY_NAME]) {
      const m = this.byRef.get(refKey({ side, gvr, cluster, namespace, name: n }));
      if (m) for (const [k, r] of m) out.set(k, r);
    }
    return [...out.values()];
  }

  size(): number {
    return this.byPrimary.size;
  }
}
