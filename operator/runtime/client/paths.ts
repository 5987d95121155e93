/** Group, version, resource (plural). Core group is "". */
export interface GVR {
  group: string;
  version: string;
  resource: string;
}

export interface ResourcePath {
  gvr: GVR;
  /** Omit or "" for cluster-scoped resources or all namespaces. */
  namespace?: string;
  name?: string;
  /** e.g. "status", "scale". */
  subresource?: string;
}

/** "/api/v1" for the core group, "/apis/<group>/<version>" otherwise. */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

/**
 * The path of a resource collection, object or subresource, relative to a base URL:
 * `/apis/<g>/<v>[/namespaces/<ns>]/<resource>[/<name>[/<subresource>]]`. Segments are URL-escaped.
 */
export function resourcePath(p: ResourcePath): string {
  const { gvr } = p;
  if (!gvr.resource) throw new Error('resourcePath: gvr.resource is empty');
  if (p.subresource && !p.name) throw new Error(`resourcePath: subresource ${p.subresource} needs a name`);
  let out = groupVersionPath(gvr.group, gvr.version);
  if (p.namespace) out += `/namespaces/${encodeURIComponent(p.namespace)}`;
  out += `/${gvr.resource}`;
  if (p.name) out += `/${encodeURIComponent(p.name)}`;
  if (p.subresource) out += `/${p.subresource}`;
  return out;
}

/** "group/version/resource" (core: "v1/resource"), for log lines and map keys. */
export function gvrString(gvr: GVR): string {
  return gvr.group === '' ? `${gvr.version}/${gvr.resource}` : `${gvr.group}/${gvr.version}/${gvr.resource}`;
}

/** Joins a base URL that may carry a path (e.g. https://host/clusters/root:org) with an API path. */
export function joinUrl(base: string, path: string): URL {
  const u = new URL(base);
  const basePath = u.pathname.replace(/\/+$/, '');
  const q = path.indexOf('?');
  u.pathname = basePath + (q < 0 ? path : path.slice(0, q));
  u.search = q < 0 ? '' : path.slice(q);
  return u;
}
