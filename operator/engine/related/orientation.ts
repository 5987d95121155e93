/**
 * Which way one `spec.related[]` entry goes, decided once from its spec: the side its origin objects
 * live on and the side they are copied to, their resources, and every behaviour that differs between
 * a kcp origin (the consumer's object, copied to the service cluster) and a service origin (the
 * provider's object, copied into the consumer's workspace). The controller (controllers/sync/related.ts)
 * picks its clients and caches by these sides and never branches on the origin itself. Pure.
 */
import type { RelatedResourceSpec } from '../../apis/v1alpha1/types.js';

export type RelatedSide = 'kcp' | 'service';

/** Group, version and resource (plural); the core group is "". */
export interface RelatedResource {
  group: string;
  version: string;
  resource: string;
}

export interface RelatedOrientation {
  origin: RelatedSide;
  destination: RelatedSide;
  originResource: RelatedResource;
  destinationResource: RelatedResource;
  /** The resource on each side (informers per side). */
  kcpResource: RelatedResource;
  serviceResource: RelatedResource;
  /** The kcp-side resource as its permission claim is printed: `resource` or `group/resource`. */
  claimName: string;
  /** Which end of a planned object is on the service cluster (the one namespace confinement checks). */
  serviceEnd: 'origin' | 'destination';
  /** Origin namespaces are confined before anything is listed in them (provider data is protected). */
  confineOriginNamespaces: boolean;
  /** A service-side origin that belongs to another kcp object is refused. */
  refuseForeignOrigin: boolean;
  /** A service-side destination must be the agent's (related-owner annotation or a state entry). */
  destinationMustBeOwned: boolean;
  /**
   * Only NotFound counts as "no destination" when reading it; on the kcp side (the consumer's own
   * workspace) any API error counts as absent.
   */
  destinationReadErrorsAreFatal: boolean;
  /** Existing kcp-side destinations are adopted with their content kept. */
  adoptExisting: boolean;
  /** Sync events go to the kcp-side object of the pair. */
  eventsOn: 'source' | 'destination';
  /** Where the copies went is written into an annotation of the kcp primary. */
  annotatePrimary: boolean;
  /**
   * While the primary is deleted the destinations are deleted too (kcp origins always, service origins
   * with `cleanup`); an entry that does not clean up must not hold the primary's deletion back.
   */
  cleanUpWithPrimary: boolean;
  /** The origin gets the cleanup finalizer (kcp origins; others only while cleaning up). */
  blockOriginDeletion: boolean;
  /** A refused object's origin still has its cleanup finalizer released (kcp origins). */
  releaseRefusedOrigin: boolean;
}

/** Origin resource: the legacy `kind` wins over group/version/resource. */
export function relatedOriginResource(r: RelatedResourceSpec): RelatedResource {
  if (r.kind === 'ConfigMap') return { group: '', version: 'v1', resource: 'configmaps' };
  if (r.kind === 'Secret') return { group: '', version: 'v1', resource: 'secrets' };
  return { group: r.group ?? '', version: r.version ?? '', resource: r.resource ?? '' };
}

/** Destination resource: the origin's with the non-empty projection fields substituted. */
export function relatedDestinationResource(r: RelatedResourceSpec): RelatedResource {
  const o = relatedOriginResource(r);
  const p = r.projection ?? {};
  return {
    group: p.group || o.group,
    version: p.version || o.version,
    resource: p.resource || o.resource,
  };
}

export function orientRelated(spec: RelatedResourceSpec): RelatedOrientation {
  const fromKcp = spec.origin === 'kcp';
  const originResource = relatedOriginResource(spec);
  const destinationResource = relatedDestinationResource(spec);
  const kcpResource = fromKcp ? originResource : destinationResource;
  return {
    origin: fromKcp ? 'kcp' : 'service',
    destination: fromKcp ? 'service' : 'kcp',
    originResource,
    destinationResource,
    kcpResource,
    serviceResource: fromKcp ? destinationResource : originResource,
    claimName:
      kcpResource.group === '' ? kcpResource.resource : `${kcpResource.group}/${kcpResource.resource}`,
    serviceEnd: fromKcp ? 'destination' : 'origin',
    confineOriginNamespaces: !fromKcp,
    refuseForeignOrigin: !fromKcp,
    destinationMustBeOwned: fromKcp,
    destinationReadErrorsAreFatal: fromKcp,
    adoptExisting: !fromKcp,
    eventsOn: fromKcp ? 'source' : 'destination',
    annotatePrimary: !fromKcp,
    cleanUpWithPrimary: fromKcp || spec.cleanup === true,
    blockOriginDeletion: fromKcp,
    releaseRefusedOrigin: fromKcp,
  };
}

/** The logical cluster of objects on a side: the primary's in kcp, "" on the service cluster. */
export function clusterOnSide(side: RelatedSide, primaryCluster: string): string {
  return side === 'kcp' ? primaryCluster : '';
}

/** The end of a planned object that is on the service cluster: its namespace and name. */
export function serviceEndOf(
  o: RelatedOrientation,
  obj: { originNamespace: string; originName: string; destNamespace: string; destName: string },
): { end: 'origin' | 'destination'; namespace: string; name: string } {
  return o.serviceEnd === 'origin'
    ? { end: 'origin', namespace: obj.originNamespace, name: obj.originName }
    : { end: 'destination', namespace: obj.destNamespace, name: obj.destName };
}
