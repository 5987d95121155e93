/**
 * kcp URL handling (docs/compatibility.md#kcp-urls): workspace URLs are `<server>/clusters/<path or name>`,
 * virtual workspace URLs from an APIExportEndpointSlice get `/clusters/*` (all consumer workspaces) or
 * `/clusters/<logical cluster>` (one consumer workspace) appended. Pure.
 */

const CLUSTER_SEGMENT = /\/clusters\/([^/]+)/g;

/** The kcp kubeconfig (`--kcp-kubeconfig`) must point at a workspace. */
export function assertWorkspaceURL(host: string): void {
  if (!host.includes('/clusters/')) throw new Error('kcp kubeconfig does not point to a specific workspace');
}

/**
 * Points a workspace URL at another workspace (an endpoint slice's `spec.export.path`): exactly one
 * `/clusters/<x>` must be present; it is replaced by `/clusters/<path>` unless it already names that path.
 * The path is put into the URL verbatim (e.g. `root:org`).
 */
export function retargetWorkspaceURL(host: string, path: string): string {
  const matches = [...host.matchAll(CLUSTER_SEGMENT)];
  if (matches.length === 0) throw new Error('URL must point to a cluster/workspace');
  if (matches.length > 1) throw new Error('invalid URL: URL contains more than one cluster path');
  if (matches[0]![1] === path) return host;
  return host.replace(CLUSTER_SEGMENT, `/clusters/${path}`);
}

/** `<virtual workspace URL>/clusters/*`: the wildcard view across all bound workspaces. */
export function wildcardURL(endpointURL: string): string {
  return `${endpointURL.replace(/\/+$/, '')}/clusters/*`;
}

/** `<virtual workspace URL>/clusters/<logical cluster>`: one consumer workspace. */
export function clusterURL(endpointURL: string, clusterName: string): string {
  return `${endpointURL.replace(/\/+$/, '')}/clusters/${clusterName}`;
}

/** The non-empty endpoint URLs of an APIExportEndpointSlice, in order, without duplicates. */
export function endpointURLs(slice: { status?: { endpoints?: { url?: string }[] | null } | null }): string[] {
  const urls: string[] = [];
  for (const e of slice.status?.endpoints ?? []) {
    if (e.url && !urls.includes(e.url)) urls.push(e.url);
  }
  return urls;
}
