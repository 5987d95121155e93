/**
 * Related resources of one PublishedResource (docs/compatibility.md#related-resources): resolving the origin
 * objects of each `spec.related[]` entry for one primary (listing through the right side's client), syncing
 * each with the generic object sync, the annotation on the kcp primary, deleting mode, and the watches that
 * make a change of a related object reach its primary at once (related-index.ts). Name planning is pure
 * (engine/related); this file does the I/O.
 */
import type { PublishedResource, RelatedResourceSpec } from '../../apis/v1alpha1/types.js';
import { selectorFromSpec } from '../../runtime/labels/selector.js';
import { compileMutations, type Mutator } from '../../engine/mutation/index.js';
import { relatedAnnotationPatch, type RelatedAnnotationEntry } from '../../engine/related/annotation.js';
import {
  confineNamespace,
  foreignIdentity,
  namespaceNameProblem,
  relatedNameProblem,
  relatedOwnerValue,
  relatedOwnership,
  serviceNamespaceControl,
  type KcpIdentity,
  type NamespaceControl,
  whenRefused,
} from '../../engine/related/confine.js';
import {
  clusterOnSide,
  orientRelated,
  serviceEndOf,
  type RelatedOrientation,
  type RelatedSide,
} from '../../engine/related/orientation.js';
import {
  compileRelated,
  RelatedError,
  type CompiledRelated,
  type PlannedObject,
  type RelatedSides,
} from '../../engine/related/index.js';
import type { SyncEvent } from '../../engine/sync/events.js';
import { assertObjectLimits, describeObject, ObjectLimitError } from '../../engine/sync/limits.js';
import { DEFAULT_FINALIZER_POLICY, type FinalizerPolicy } from '../../engine/sync/finalizers.js';
import { ANNOTATION_RELATED_OWNER } from '../../engine/sync/keys.js';
import { stateKey } from '../../engine/sync/object-key.js';
import { remoteIdentity } from '../../engine/sync/primary.js';
import { deepCopy, isBeingDeleted, type Unstructured } from '../../engine/sync/unstructured.js';
import { GVR_NAMESPACES } from '../../kcp/resources.js';
import type { VirtualWorkspaces, WildcardInformerSet } from '../../kcp/virtual-workspaces.js';
import { clusterOf } from '../../kcp/cluster.js';
import { AlreadyExistsError, ApiError, ForbiddenError, NotFoundError } from '../../runtime/client/errors.js';
import { gvrString, InvalidPathSegmentError, type GVR } from '../../runtime/client/paths.js';
import type { RestClient } from '../../runtime/client/rest.js';
import { realClock, type Clock } from '../../runtime/clock.js';
import type { KubeObject } from '../../runtime/client/types.js';
import type { EventRecorder } from '../../runtime/events.js';
import { dropManagedFields, Informer, type EventHandler } from '../../runtime/informer.js';
import type { Logger } from '../../runtime/log.js';
import type { Request } from '../../runtime/reconciler.js';
import { ensureNamespaceViaAPI, runObjectSync } from './object-sync.js';
import { ANY_NAME, RelatedIndex, type RelatedRef } from './related-index.js';
import type { StateStore } from './state-store.js';
import type { SyncTypes } from './sync-types.js';

/** Warning on the kcp primary when one related resource cannot be synced (the rest goes on). */
export const EVENT_REASON_RELATED_FAILED = 'RelatedResourceFailed';
/**
 * Warning on the kcp primary when a related object is refused: an invalid name, a namespace outside
 * the confinement, or a service-side object that belongs to someone else (docs/security.md).
 */
export const EVENT_REASON_RELATED_REFUSED = 'RelatedResourceRefused';

interface CompiledEntry {
  spec: RelatedResourceSpec;
  index: number;
  /** Sides, resources and side-dependent behaviour (engine/related/orientation.ts). */
  orient: RelatedOrientation;
  originGVR: GVR;
  destGVR: GVR;
  names: CompiledRelated;
  mutator: Mutator;
  /** Who chooses the service-side namespace (engine/related/confine.ts). */
  control: NamespaceControl;
}

export interface RelatedDeps {
  pr: PublishedResource;
  types: SyncTypes;
  localClient: RestClient;
  state: StateStore;
  vw: VirtualWorkspaces;
  recorder: EventRecorder;
  log: Logger;
  /** The agent's finalizer policy (finalizers.ts); default: the shared finalizer. */
  finalizers?: FinalizerPolicy;
  /** Time source of the foreign-finalizer limit. */
  clock?: Clock;
  enqueue(req: Request): void;
  /** Local primary copies (cache) for service-side byOwner/bySelector watches. */
  localPrimaries: Informer;
  /** kcp primaries (cache) for kcp-side bySelector watches. */
  remotePrimaries: WildcardInformerSet;
}

/** One primary as seen by the related sync. */
export interface PrimaryPair {
  req: Request;
  workspacePath: string;
  /** The kcp primary (updated in place when its annotations are patched). */
  remote: Unstructured;
  local: Unstructured;
  kcpClient: RestClient;
  secretName: string;
  secretLabels: Record<string, string>;
  signal: AbortSignal;
  log: Logger;
}

/** The related type is not in the discovery of a side (for kcp: often a claim not accepted). */
class NotServedError extends Error {}

/** The client of one side for one primary: its workspace in kcp, or the service cluster. */
function clientOn(side: RelatedSide, p: PrimaryPair, localClient: RestClient): RestClient {
  return side === 'kcp' ? p.kcpClient : localClient;
}

export class RelatedSync {
  private readonly deps: RelatedDeps;
  private readonly entries: CompiledEntry[];
  readonly index = new RelatedIndex();
  private readonly localInformers: Informer[] = [];
  private readonly kcpInformers: WildcardInformerSet[] = [];

  /** Compiles every related entry once per PublishedResource generation; throws on invalid config. */
  constructor(deps: RelatedDeps) {
    this.deps = deps;
    const seen = new Set<string>();
    this.entries = (deps.pr.spec.related ?? []).map((spec, index) => {
      // Duplicate identifiers would share state and mutators (silently, in the Go agent); reject them.
      if (seen.has(spec.identifier))
        throw new Error(`spec.related[${index}].identifier: duplicate identifier "${spec.identifier}"`);
      seen.add(spec.identifier);
      // A selector that cannot be parsed would fail every primary at confinement time: reject it here.
      if (spec.allowedNamespaces?.selector) {
        try {
          selectorFromSpec(spec.allowedNamespaces.selector);
        } catch (err) {
          throw new Error(`spec.related[${index}].allowedNamespaces.selector: ${(err as Error).message}`);
        }
      }
      const names = compileRelated(spec, `spec.related[${index}].object`);
      const orient = orientRelated(spec);
      // Like the Go agent, a broken template or pattern fails only this entry, when it is evaluated
      // (a Warning event on each primary naming the identifier); the primary and the rest keep going.
      for (const ce of names.compileErrors)
        deps.log.info({ field: ce.fieldPath, err: ce.message }, 'Invalid related resource rule');
      return {
        spec,
        index,
        orient,
        originGVR: orient.originResource,
        destGVR: orient.destinationResource,
        names,
        mutator: compileMutations(spec.mutation, `spec.related[${index}].mutation`),
        control: serviceNamespaceControl(spec),
      };
    });
  }

  get empty(): boolean {
    return this.entries.length === 0;
  }

  /** Starts one informer per (side, GVR) a related resource lives on; events enqueue the primaries. */
  start(): void {
    const kcpGVRs = new Map<string, GVR>();
    const serviceGVRs = new Map<string, GVR>();
    const onSide = { kcp: kcpGVRs, service: serviceGVRs };
    for (const e of this.entries) {
      kcpGVRs.set(gvrString(e.orient.kcpResource), e.orient.kcpResource);
      serviceGVRs.set(gvrString(e.orient.serviceResource), e.orient.serviceResource);
      // A namespace selector: a namespace getting (or losing) the labels changes the plan.
      if (e.spec.object.namespace?.selector)
        onSide[e.orient.origin].set(gvrString(GVR_NAMESPACES), GVR_NAMESPACES);
    }
    for (const [key, gvr] of serviceGVRs) {
      const inf = new Informer({
        client: this.deps.localClient,
        gvr,
        transform: dropManagedFields,
        log: this.deps.log,
      });
      inf.addEventHandler(this.handler('service', key, gvr));
      inf.start();
      this.localInformers.push(inf);
    }
    for (const [key, gvr] of kcpGVRs) {
      const set = this.deps.vw.informersFor(gvr);
      set.addEventHandler(this.handler('kcp', key, gvr));
      this.kcpInformers.push(set);
    }
  }

  async stop(): Promise<void> {
    await Promise.all([
      ...this.localInformers.map((i) => i.stop()),
      ...this.kcpInformers.map((s) => s.stop()),
    ]);
  }

  forget(req: Request): void {
    this.index.delete(req);
  }

  private handler(side: 'kcp' | 'service', _key: string, gvr: GVR): EventHandler {
    const on = (obj: KubeObject) => this.notice(side, gvr, obj);
    return { onAdd: on, onUpdate: (_o, n) => on(n), onDelete: on };
  }

  /** An add/update/delete of a related-type object on one side: enqueue the primaries it concerns. */
  notice(side: 'kcp' | 'service', gvr: GVR, obj: KubeObject): void {
    const cluster = side === 'kcp' ? clusterOf(obj) : '';
    const ns = obj.metadata?.namespace ?? '';
    const name = obj.metadata?.name ?? '';
    for (const req of this.index.lookup(side, gvrString(gvr), cluster, ns, name)) this.deps.enqueue(req);
    this.explicitWatches(side, gvr, obj, cluster);
  }

  /** `related[].watch` for origin-side objects of this GVR. */
  private explicitWatches(side: 'kcp' | 'service', gvr: GVR, obj: KubeObject, cluster: string): void {
    const { deps } = this;
    const key = gvrString(gvr);
    for (const e of this.entries) {
      if (!e.spec.watch || e.orient.origin !== side || gvrString(e.originGVR) !== key) continue;
      const primaryType = side === 'kcp' ? deps.types.remote : deps.types.local;
      const ns = obj.metadata?.namespace ?? '';
      if (e.spec.watch.byOwner) {
        const owner = (obj.metadata?.ownerReferences ?? []).find(
          (o) => o.apiVersion === primaryType.apiVersion && o.kind === primaryType.kind,
        );
        if (!owner) continue;
        if (side === 'kcp') deps.enqueue({ cluster, namespace: ns, name: owner.name });
        else {
          const primary = deps.localPrimaries.reader.get('', ns, owner.name);
          const id = primary ? remoteIdentity(primary as Unstructured) : undefined;
          if (id) deps.enqueue(id);
        }
      } else if (e.spec.watch.bySelector) {
        const sel = selectorFromSpec(e.spec.watch.bySelector);
        if (side === 'kcp') {
          for (const p of deps.remotePrimaries.list({ cluster }))
            if (sel.matches(p.metadata?.labels))
              deps.enqueue({ cluster, namespace: p.metadata?.namespace ?? '', name: p.metadata?.name ?? '' });
        } else {
          for (const p of deps.localPrimaries.reader.list({})) {
            if (!sel.matches(p.metadata?.labels)) continue;
            const id = remoteIdentity(p as Unstructured);
            if (id) deps.enqueue(id);
          }
        }
      }
    }
  }

  /**
   * Processes all related resources of one primary in `spec.related` order
   * (docs/compatibility.md#primary-flow). A failing entry gets a Warning event on the kcp primary and does
   * not stop the others; the first entry asking for a requeue ends the pass (like the Go agent).
   */
  async process(p: PrimaryPair, primaryDeleting: boolean): Promise<{ requeue: boolean }> {
    const refs: RelatedRef[] = [];
    let requeue = false;
    try {
      for (const e of this.entries) {
        try {
          if (await this.processEntry(e, p, primaryDeleting, refs)) {
            requeue = true;
            break;
          }
        } catch (err) {
          if (p.signal.aborted) throw err;
          let message = err instanceof Error ? err.message : String(err);
          if (err instanceof ForbiddenError || err instanceof NotServedError)
            message += ` (is the permission claim for ${e.orient.claimName} accepted in this workspace?)`;
          p.log.info({ identifier: e.spec.identifier, err: message }, 'Failed to sync related resource');
          this.warn(p, `Failed to sync related resource "${e.spec.identifier}": ${message}`);
          // API failures are retried; planning failures (bad data on a primary) wait for a change of
          // the primary or a related object, which the watches deliver.
          // While the primary is deleted, an entry with nothing to clean up (service origin without
          // `cleanup`) must not hold the deletion back.
          const cleans = e.orient.cleanUpWithPrimary;
          // Names that cannot be a path segment and objects over the limits are bad data too.
          const badData =
            err instanceof RelatedError ||
            err instanceof InvalidPathSegmentError ||
            err instanceof ObjectLimitError;
          if (!badData && (!primaryDeleting || cleans)) requeue = true;
        }
      }
    } finally {
      this.index.set(p.req, refs);
    }
    return { requeue };
  }

  private warn(p: PrimaryPair, message: string): void {
    void this.deps.recorder.event(p.kcpClient, p.remote, 'Warning', EVENT_REASON_RELATED_FAILED, message);
  }

  private refuse(p: PrimaryPair, e: CompiledEntry, message: string): void {
    p.log.info({ identifier: e.spec.identifier, reason: message }, 'Refused related object');
    void this.deps.recorder.event(
      p.kcpClient,
      p.remote,
      'Warning',
      EVENT_REASON_RELATED_REFUSED,
      `Related resource "${e.spec.identifier}": ${message}`,
    );
  }

  /** The agent's own namespace (where the state Secrets live). */
  private get agentNamespace(): string {
    return this.deps.state.namespace ?? '';
  }

  /**
   * Confinement of one service-side namespace for one primary (engine/related/confine.ts): undefined
   * when allowed, else the reason. Looks up the Namespace's labels only when `allowedNamespaces.selector`
   * has to decide.
   */
  private async confine(e: CompiledEntry, p: PrimaryPair, namespace: string): Promise<string | undefined> {
    const ownNamespace = p.local.metadata?.namespace || undefined;
    const input = {
      namespace,
      control: e.control,
      ownNamespace,
      agentNamespace: this.agentNamespace,
      allowed: e.spec.allowedNamespaces,
    };
    let v = confineNamespace(input);
    if (v.allowed === 'needs-labels') {
      let labels: Record<string, string> | null;
      try {
        const ns = await this.deps.localClient.get(GVR_NAMESPACES, namespace, { signal: p.signal });
        labels = ns.metadata?.labels ?? {};
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        labels = null;
      }
      v = confineNamespace({ ...input, namespaceLabels: labels });
    }
    if (v.allowed === true) return undefined;
    return v.allowed === false ? v.reason : 'namespace labels could not be checked';
  }

  /** The kcp primaries whose local copies an object's ownerReferences point to (matched by UID). */
  private ownerIdentities(obj: Unstructured): KcpIdentity[] {
    const t = this.deps.types?.local;
    const reader = this.deps.localPrimaries?.reader;
    if (!t || !reader) return [];
    const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
    const out: KcpIdentity[] = [];
    for (const ref of obj.metadata?.ownerReferences ?? []) {
      if (ref.kind !== t.kind || groupOf(ref.apiVersion) !== groupOf(t.apiVersion)) continue;
      let copy = reader.get('', t.namespaced ? (obj.metadata?.namespace ?? '') : '', ref.name);
      if (copy?.metadata?.uid !== ref.uid)
        copy = reader.list({}).find((c) => c.metadata?.uid === ref.uid && c.metadata?.name === ref.name);
      const id = copy ? remoteIdentity(copy as Unstructured) : undefined;
      if (id) out.push(id);
    }
    return out;
  }

  private async processEntry(
    e: CompiledEntry,
    p: PrimaryPair,
    primaryDeleting: boolean,
    refs: RelatedRef[],
  ): Promise<boolean> {
    const { deps } = this;
    const signal = { signal: p.signal };
    const { origin, destination: destSide } = e.orient;
    const originClient = clientOn(origin, p, deps.localClient);
    const destClient = clientOn(destSide, p, deps.localClient);
    const originCluster = clusterOnSide(origin, p.req.cluster);
    const destCluster = clusterOnSide(destSide, p.req.cluster);
    const originKey = gvrString(e.originGVR);
    const destKey = gvrString(e.destGVR);
    const sides: RelatedSides = {
      origin,
      remote: p.remote,
      local: p.local,
      clusterName: p.req.cluster,
      clusterPath: p.workspacePath,
    };

    // What to list (selectors rendered for this primary, never into the shared PublishedResource).
    let namespaces: string[] | undefined;
    const nsSel = e.names.namespaceSelector(sides);
    if (nsSel) {
      refs.push({
        side: origin,
        gvr: gvrString(GVR_NAMESPACES),
        cluster: originCluster,
        namespace: '',
        name: ANY_NAME,
      });
      const list = await originClient.listAll(GVR_NAMESPACES, {
        labelSelector: selectorFromSpec(nsSel).toString(),
        ...signal,
      });
      namespaces = list.items.map((n) => n.metadata?.name ?? '');
    }
    const objSel = e.names.objectSelector(sides);
    let objectsByNamespace: Map<string, KubeObject[]> | undefined;
    if (objSel) {
      objectsByNamespace = new Map();
      const labelSelector = selectorFromSpec(objSel).toString();
      for (const ns of e.names.resolveNamespaces(sides, namespaces).keys()) {
        // Never list objects in a namespace the consumer may not reach (refused again per object below).
        if (e.orient.confineOriginNamespaces) {
          const problem = namespaceNameProblem(ns);
          const refused =
            problem !== undefined
              ? `invalid origin namespace ${JSON.stringify(ns)}: ${problem}`
              : await this.confine(e, p, ns);
          if (refused !== undefined) {
            this.refuse(p, e, `refused to list objects in namespace ${JSON.stringify(ns)}: ${refused}`);
            continue;
          }
        }
        refs.push({ side: origin, gvr: originKey, cluster: originCluster, namespace: ns, name: ANY_NAME });
        const list = await originClient.listAll(e.originGVR, { namespace: ns, labelSelector, ...signal });
        // templates read listed objects whole: nothing over the limits may reach them
        assertObjectLimits(
          list.items.map((o) => ({ role: `related object ${describeObject(o)}`, object: o })),
        );
        objectsByNamespace.set(ns, list.items);
      }
    }
    const planned = e.names.plan(sides, {
      ...(namespaces ? { namespaces } : {}),
      ...(objectsByNamespace ? { objectsByNamespace } : {}),
    });
    if (objSel && planned.length === 0)
      this.warn(
        p,
        `Related resource "${e.spec.identifier}": the selector matches no objects on the ${origin} side.`,
      );

    const destType = await destClient.findResource(e.destGVR.group, e.destGVR.version, e.destGVR.resource);
    if (!destType) throw new NotServedError(`${gvrString(e.destGVR)} is not served on the ${destSide} side`);
    const destApiVersion =
      e.destGVR.group === '' ? e.destGVR.version : `${e.destGVR.group}/${e.destGVR.version}`;

    let requeue = false;
    const annotations: (RelatedAnnotationEntry | undefined)[] = [];
    const refusedNamespaces = new Map<string, string | undefined>();
    for (const obj of planned) {
      // Checked before any request for the object: valid names, then the namespace confinement.
      const nameProblem = relatedNameProblem(obj);
      if (nameProblem !== undefined) {
        this.refuse(p, e, nameProblem);
        annotations.push(undefined);
        continue;
      }
      const onService = serviceEndOf(e.orient, obj);
      const serviceNs = onService.namespace;
      if (!refusedNamespaces.has(serviceNs))
        refusedNamespaces.set(serviceNs, await this.confine(e, p, serviceNs));
      const refusedNs = refusedNamespaces.get(serviceNs);
      if (refusedNs !== undefined) {
        this.refuse(p, e, `refused the ${onService.end} ${serviceNs}/${onService.name}: ${refusedNs}`);
        annotations.push(undefined);
        // A kcp origin that is deleted is still released (a finalizer from before the confinement).
        if (e.orient.releaseRefusedOrigin) {
          refs.push({
            side: 'kcp',
            gvr: originKey,
            cluster: originCluster,
            namespace: obj.originNamespace,
            name: obj.originName,
          });
          await this.syncOne(
            e,
            p,
            obj,
            originClient,
            destClient,
            destApiVersion,
            destType.kind,
            primaryDeleting,
            {
              releaseOnly: true,
            },
          );
        }
        continue;
      }
      refs.push(
        {
          side: origin,
          gvr: originKey,
          cluster: originCluster,
          namespace: obj.originNamespace,
          name: obj.originName,
        },
        {
          side: destSide,
          gvr: destKey,
          cluster: destCluster,
          namespace: obj.destNamespace,
          name: obj.destName,
        },
      );
      const r = await this.syncOne(
        e,
        p,
        obj,
        originClient,
        destClient,
        destApiVersion,
        destType.kind,
        primaryDeleting,
      );
      if (r === undefined) {
        annotations.push(undefined);
        continue;
      }
      requeue ||= r.requeue;
      annotations.push(
        e.orient.annotatePrimary && r.synced
          ? {
              namespace: obj.destNamespace,
              name: obj.destName,
              apiVersion: String(r.origin.apiVersion ?? ''),
              kind: String(r.origin.kind ?? ''),
            }
          : undefined,
      );
    }

    if (e.orient.annotatePrimary && !primaryDeleting) {
      const patch = relatedAnnotationPatch(p.remote.metadata?.annotations, e.spec.identifier, annotations);
      if (patch) {
        const patched = (await p.kcpClient.patch(
          deps.types.remote.gvr,
          p.remote.metadata.name,
          { metadata: { annotations: patch } },
          'merge',
          { ...(p.remote.metadata.namespace ? { namespace: p.remote.metadata.namespace } : {}), ...signal },
        )) as Unstructured;
        p.remote.metadata = patched.metadata;
        requeue = true; // the annotation change comes back as a new reconcile
      }
    }
    return requeue;
  }

  /** One related object: GET origin (missing → skipped) and destination, then the generic sync. */
  private async syncOne(
    e: CompiledEntry,
    p: PrimaryPair,
    obj: PlannedObject,
    originClient: RestClient,
    destClient: RestClient,
    destApiVersion: string,
    destKind: string,
    primaryDeleting: boolean,
    o: { releaseOnly?: boolean } = {},
  ): Promise<{ requeue: boolean; synced: boolean; origin: Unstructured } | undefined> {
    const { deps } = this;
    const signal = { signal: p.signal };
    const primary: KcpIdentity = { cluster: p.req.cluster, namespace: p.req.namespace, name: p.req.name };
    let origin: Unstructured;
    try {
      origin = (await originClient.get(e.originGVR, obj.originName, {
        namespace: obj.originNamespace,
        ...signal,
      })) as Unstructured;
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
    const forceDelete = primaryDeleting && e.orient.cleanUpWithPrimary;
    const deleting = forceDelete || isBeingDeleted(origin);
    // A service-side origin that belongs to another kcp object is never copied.
    if (e.orient.refuseForeignOrigin) {
      const foreign = foreignIdentity({ object: origin, primary, owners: this.ownerIdentities(origin) });
      if (foreign !== undefined) {
        this.refuse(p, e, `refused the origin ${obj.originNamespace}/${obj.originName}: ${foreign}`);
        return undefined;
      }
    }
    const entryKey = stateKey({
      clusterName: clusterOnSide(e.orient.origin, p.req.cluster),
      namespace: obj.originNamespace,
      name: obj.originName,
    });
    const storedState = deps.state.read(p.secretName, entryKey);
    let dest: Unstructured | undefined;
    if (!o.releaseOnly) {
      try {
        dest = (await destClient.get(e.destGVR, obj.destName, {
          namespace: obj.destNamespace,
          ...signal,
        })) as Unstructured;
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        // A destination in kcp: any read error counts as absent, as in the Go agent; on the service side
        // only NotFound does (ownership is checked).
        if (e.orient.destinationReadErrorsAreFatal && !(err instanceof NotFoundError)) throw err;
        dest = undefined;
      }
    }
    let releaseOnly = o.releaseOnly === true;
    if (e.orient.destinationMustBeOwned && !releaseOnly) {
      // The service-side destination must be ours (engine/related/confine.ts).
      const originId = { cluster: p.req.cluster, namespace: obj.originNamespace, name: obj.originName };
      const own = relatedOwnership({
        destination: dest,
        primary,
        foreign: dest
          ? foreignIdentity({
              object: dest,
              primary,
              alsoAccepted: [originId],
              owners: this.ownerIdentities(dest),
            })
          : undefined,
        hasStateEntry: storedState !== undefined,
      });
      if (own.verdict === 'refused') {
        this.refuse(p, e, `refused the destination ${obj.destNamespace}/${obj.destName}: ${own.reason}`);
        releaseOnly = true;
      } else if (own.verdict === 'owned' && own.annotate && !deleting) {
        dest = (await destClient.patch(
          e.destGVR,
          obj.destName,
          { metadata: { annotations: { [ANNOTATION_RELATED_OWNER]: relatedOwnerValue(primary) } } },
          'merge',
          { namespace: obj.destNamespace, ...signal },
        )) as Unstructured;
      }
    }
    if (releaseOnly) {
      // Not ours: never written; a deleted kcp origin is only released (its finalizer removed).
      if (whenRefused({ origin: e.orient.origin, deleting }) === 'skip') return undefined;
      dest = undefined;
    }
    const syncStatus = e.spec.syncStatus === true;
    const destSideClient = e.orient.destinationMustBeOwned
      ? ownedCreates(destClient, relatedOwnerValue(primary))
      : destClient;
    const result = await runObjectSync({
      source: origin,
      destination: dest,
      storedState,
      options: {
        agentName: '',
        subresources: syncStatus ? ['status'] : [],
        syncStatusBack: false,
        syncStatusForward: syncStatus,
        blockSourceDeletion: forceDelete || e.orient.blockOriginDeletion,
        forceDelete,
        metadataOnDestination: false,
        // Only kcp-side destinations (the consumer's own workspace) are adopted with content kept;
        // service-side ones are ours by the ownership rule above.
        adoptExisting: e.orient.adoptExisting,
        // Foreign finalizers are waited for on the consumer's objects only, never on service-side origins.
        finalizers: {
          ...(deps.finalizers ?? DEFAULT_FINALIZER_POLICY),
          ...(e.orient.origin === 'kcp' ? {} : { waitForForeignMs: 0 }),
        },
        sourceKey: {
          clusterName: p.req.cluster,
          workspacePath: p.workspacePath,
          namespace: obj.originNamespace,
          name: obj.originName,
        },
      },
      mutateSpec: (src, other) => e.mutator.mutateSpec(src, other) as Unstructured,
      mutateStatus: (dst, other) => e.mutator.mutateStatus(dst, other) as Unstructured,
      buildDestination: (src) => {
        const out = deepCopy(src);
        out.apiVersion = destApiVersion;
        out.kind = destKind;
        out.metadata = { ...(out.metadata ?? {}), name: obj.destName, namespace: obj.destNamespace };
        return out;
      },
      sourceSide: { client: originClient, gvr: e.originGVR },
      destinationSide: { client: destSideClient, gvr: e.destGVR },
      ensureNamespace: (ns) => ensureNamespaceViaAPI(destClient, ns, p.signal),
      recordEvent: (ev: SyncEvent, o) =>
        void deps.recorder.event(p.kcpClient, o, ev.type, ev.reason, ev.message),
      eventsOn: e.orient.eventsOn,
      now: (deps.clock ?? realClock).now(),
      signal: p.signal,
    });
    if (result.newState !== undefined)
      await deps.state.write(p.secretName, p.secretLabels, { [entryKey]: result.newState });
    return {
      requeue: result.requeue,
      synced: !result.requeue && !!result.destination,
      origin: result.source,
    };
  }
}

/**
 * A view of a service-side client whose CREATEs carry the related-owner annotation (the generic syncer
 * strips that annotation from what it builds) and whose AlreadyExists is an error: an object that
 * appeared since our GET is looked at again by the ownership rule instead of being adopted.
 */
function ownedCreates(client: RestClient, owner: string): RestClient {
  const view = Object.create(client) as RestClient;
  view.create = async <T extends KubeObject = KubeObject>(
    gvr: GVR,
    obj: T,
    o?: Parameters<RestClient['create']>[2],
  ): Promise<T> => {
    const md = obj.metadata ?? {};
    const annotated = {
      ...obj,
      metadata: { ...md, annotations: { ...(md.annotations ?? {}), [ANNOTATION_RELATED_OWNER]: owner } },
    };
    try {
      return await client.create(gvr, annotated, o);
    } catch (err) {
      if (err instanceof AlreadyExistsError)
        throw new Error(
          `${md.namespace ?? ''}/${md.name ?? ''} appeared while it was being created; it is checked again`,
          { cause: err },
        );
      throw err;
    }
  };
  return view;
}
