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
  return group === ''
    ? `/api/${pathSegment('version', version)}`
    : `/apis/${pathSegment('group', group)}/${pathSegment('version', version)}`;
}

/** A value that cannot be used as one segment of an API path (see pathSegment). */
export class InvalidPathSegmentError extends Error {
  readonly field: string;
  readonly value: string;
  constructor(field: string, value: string, why: string) {
    super(
      `invalid ${field} ${JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}...` : value)}: ${why}`,
    );
    this.name = 'InvalidPathSegmentError';
    this.field = field;
    this.value = value;
  }
}

/**
 * One URL path segment built from data (a name, a namespace, a resource...), escaped so it can never
 * change which path is requested. Refused, like client-go's path-segment rule: empty values, `.` and
 * `..` (which URL normalisation resolves), and anything containing `/` or `%` (API servers decode
 * `%2F` back into a separator) or `\`; no Kubernetes name contains them. Everything else is
 * percent-encoded where needed (`?`, `#`, ...).
 */
export function pathSegment(field: string, value: string): string {
  if (typeof value !== 'string' || value === '')
    throw new InvalidPathSegmentError(field, String(value), 'must not be empty');
  if (value === '.' || value === '..')
    throw new InvalidPathSegmentError(field, value, '"." and ".." are not allowed as a name or path segment');
  if (/[/%\\]/.test(value))
    throw new InvalidPathSegmentError(field, value, 'must not contain "/", "%" or "\\"');
  return encodeURIComponent(value);
}

/**
 * The path of a resource collection, object or subresource, relative to a base URL:
 * `/apis/<g>/<v>[/namespaces/<ns>]/<resource>[/<name>[/<subresource>]]`. Every segment goes through
 * pathSegment, so no value can make the request reach another path. A name or subresource given as
 * "" is refused instead of being dropped (an object operation must never turn into a collection one).
 */
export function resourcePath(p: ResourcePath): string {
  const { gvr } = p;
  if (!gvr.resource) throw new Error('resourcePath: gvr.resource is empty');
  if (p.subresource !== undefined && p.name === undefined)
    throw new Error(`resourcePath: subresource ${p.subresource} needs a name`);
  let out = groupVersionPath(gvr.group, gvr.version);
  if (p.namespace) out += `/namespaces/${pathSegment('namespace', p.namespace)}`;
  out += `/${pathSegment('resource', gvr.resource)}`;
  if (p.name !== undefined) out += `/${pathSegment('name', p.name)}`;
  if (p.subresource !== undefined) out += `/${pathSegment('subresource', p.subresource)}`;
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
