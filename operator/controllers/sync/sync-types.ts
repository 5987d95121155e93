/**
 * The two resource types a sync controller moves objects between: the local type is the
 * PublishedResource's group/kind at the storage version of the UNPROJECTED service-cluster CRD; the
 * remote type is the projected group/kind/plural at the projected storage version.
 */
import type { GVR } from '../../runtime/client/paths.js';
import type { CustomResourceDefinition } from '../../engine/schema/types.js';

export interface SyncType {
  gvr: GVR;
  apiVersion: string;
  kind: string;
  namespaced: boolean;
  /** Subresources of the storage version: "status" and/or "scale". */
  subresources: string[];
}

export interface SyncTypes {
  local: SyncType;
  remote: SyncType;
}

function typeOf(crd: CustomResourceDefinition, what: string): SyncType {
  const storage = crd.spec.versions.find((v) => v.storage);
  if (!storage) throw new Error(`${what} CRD ${crd.metadata?.name ?? ''} has no storage version`);
  const subresources: string[] = [];
  if (storage.subresources?.status) subresources.push('status');
  if (storage.subresources?.scale) subresources.push('scale');
  const group = crd.spec.group;
  return {
    gvr: { group, version: storage.name, resource: crd.spec.names.plural },
    apiVersion: group === '' ? storage.name : `${group}/${storage.name}`,
    kind: crd.spec.names.kind,
    namespaced: crd.spec.scope === 'Namespaced',
    subresources,
  };
}

export function syncTypes(
  localCRD: CustomResourceDefinition,
  projectedCRD: CustomResourceDefinition,
): SyncTypes {
  return { local: typeOf(localCRD, 'local'), remote: typeOf(projectedCRD, 'projected') };
}
