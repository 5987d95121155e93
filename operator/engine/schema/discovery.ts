/**
 * Finding a Kind in discovery results. Discovery is given as plain data: the
 * server's group list (for version order and preferred versions) and one APIResourceList per
 * group/version, in the order the server lists them.
 */
import type { APIResourceList, DiscoveryResource } from './types.js';

export interface DiscoveryGroupVersion {
  groupVersion: string;
  version: string;
}

export interface DiscoveryGroup {
  /** `""` for the legacy core group. */
  name: string;
  versions: DiscoveryGroupVersion[];
  preferredVersion?: DiscoveryGroupVersion;
}

export interface DiscoveryData {
  groups: DiscoveryGroup[];
  resourceLists: APIResourceList[];
}

/** What discovery says about one Kind of one group. */
export interface LocatedResource {
  group: string;
  kind: string;
  /** The main (non-subresource) entry; the last one found wins, as upstream. */
  resource: DiscoveryResource;
  /** Versions in which the Kind is served, in discovery order. */
  versions: string[];
  /** Subresources per version (`status`, `scale`, ...). */
  subresources: Map<string, Set<string>>;
}

export function splitGroupVersion(gv: string): { group: string; version: string } {
  const slash = gv.indexOf('/');
  return slash < 0 ? { group: '', version: gv } : { group: gv.slice(0, slash), version: gv.slice(slash + 1) };
}

/** `Kind.group` as Go's schema.GroupKind prints it (`Kind` alone for the core group). */
export function groupKindString(group: string, kind: string): string {
  return group === '' ? kind : `${kind}.${group}`;
}

export function locateResource(discovery: DiscoveryData, group: string, kind: string): LocatedResource {
  const located = findResource(discovery, group, kind);
  if (!located) throw new Error(`could not find ${groupKindString(group, kind)} in APIs`);
  return located;
}

/** locateResource, or undefined when discovery does not list the Kind. */
export function findResource(
  discovery: DiscoveryData,
  group: string,
  kind: string,
): LocatedResource | undefined {
  let resource: DiscoveryResource | undefined;
  const versions: string[] = [];
  const subresources = new Map<string, Set<string>>();
  for (const list of discovery.resourceLists) {
    const gv = splitGroupVersion(list.groupVersion);
    if (gv.group !== group) continue;
    for (const res of list.resources ?? []) {
      if (res.kind !== kind) continue;
      const slash = res.name.indexOf('/');
      if (slash < 0) {
        resource = res;
      } else {
        const subs = subresources.get(gv.version) ?? new Set<string>();
        subs.add(res.name.slice(slash + 1));
        subresources.set(gv.version, subs);
      }
      if (!versions.includes(gv.version)) versions.push(gv.version);
    }
  }
  return resource ? { group, kind, resource, versions, subresources } : undefined;
}

/** The CRD name the Go agent looks up: `<plural>.<group>`, `<plural>.core` for the core group. */
export function crdNameFor(located: LocatedResource): string {
  return `${located.resource.name}.${located.group === '' ? 'core' : located.group}`;
}

/**
 * The preferred version of a group/resource as client-go's ServerPreferredResources picks it: the
 * first version in the group's version list that serves the resource, replaced by the group's
 * preferred version when that one serves it too.
 */
export function preferredVersionOf(
  discovery: DiscoveryData,
  group: string,
  resource: string,
): string | undefined {
  const g = discovery.groups.find((x) => x.name === group);
  if (!g) return undefined;
  let selected: string | undefined;
  for (const v of g.versions) {
    const list = discovery.resourceLists.find((l) => l.groupVersion === v.groupVersion);
    if (!list?.resources?.some((r) => r.name === resource)) continue;
    if (selected === undefined || v.version === g.preferredVersion?.version) selected = v.version;
  }
  return selected;
}
