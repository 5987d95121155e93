/**
 * The thin async edge of `retrieveSourceSchema`: gathers discovery, the CRD (or its absence) and, when
 * needed, the OpenAPI v2 document through any client offering `getJSON(path)`, then calls the pure
 * function. No I/O of its own; the client decides transport, auth and base URL.
 */
import { crdNameFor, locateResource, type DiscoveryData, type DiscoveryGroup } from './discovery.js';
import { retrieveSourceSchema } from './source-schema.js';
import { parseCrdJson } from './lossless.js';
import type { OpenAPIV2Document } from './openapi-convert.js';
import type { APIResourceList, CustomResourceDefinition } from './types.js';

export interface JSONGetter {
  /** GET `path` (e.g. `/apis`) and return the decoded JSON; reject with `status`/`statusCode` 404 when absent. */
  getJSON(path: string): Promise<unknown>;
  /**
   * GET `path` and return the body as text (same errors as getJSON). When offered, the CRD is decoded
   * from it without losing integer precision (see lossless.ts), so integers above 2^53 in a CRD keep
   * the APIResourceSchema name Go computes.
   */
  getText?(path: string): Promise<string>;
}

export function isNotFound(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  const e = err as { status?: unknown; statusCode?: unknown; code?: unknown };
  return e.status === 404 || e.statusCode === 404 || e.code === 404;
}

interface APIVersions {
  versions?: string[];
}

interface APIGroupList {
  groups?: DiscoveryGroup[];
}

/**
 * client-go's ServerGroupsAndResources: the legacy core group first, then the groups of `/apis` in
 * server order, one resource list per group version. Like client-go (and so the Go agent), any group
 * version that cannot be listed fails the whole discovery.
 */
export async function fetchDiscovery(client: JSONGetter): Promise<DiscoveryData> {
  const core = (await client.getJSON('/api')) as APIVersions;
  const groups: DiscoveryGroup[] = [];
  const coreVersions = core.versions ?? [];
  if (coreVersions.length > 0) {
    groups.push({
      name: '',
      versions: coreVersions.map((v) => ({ groupVersion: v, version: v })),
      preferredVersion: { groupVersion: coreVersions[0]!, version: coreVersions[0]! },
    });
  }
  const apis = (await client.getJSON('/apis')) as APIGroupList;
  groups.push(...(apis.groups ?? []));

  const lists = await Promise.allSettled(
    groups.flatMap((g) =>
      g.versions.map(async (v) => {
        const path = g.name === '' ? `/api/${v.version}` : `/apis/${v.groupVersion}`;
        const list = (await client.getJSON(path)) as APIResourceList;
        return {
          ...list,
          groupVersion: list.groupVersion || v.groupVersion,
          resources: list.resources ?? [],
        };
      }),
    ),
  );
  const failures = lists.flatMap((r) =>
    r.status === 'rejected' ? [String((r.reason as Error)?.message ?? r.reason)] : [],
  );
  if (failures.length > 0) {
    throw new Error(`unable to retrieve the complete list of server APIs: ${failures.join(', ')}`);
  }
  const resourceLists = lists.map((r) => (r as PromiseFulfilledResult<APIResourceList>).value);
  return { groups, resourceLists };
}

/** Discovery, then the CRD `<plural>.<group>`, then (on 404) `/openapi/v2`; see retrieveSourceSchema. */
export async function fetchSourceSchema(
  client: JSONGetter,
  group: string,
  kind: string,
): Promise<CustomResourceDefinition> {
  const discovery = await fetchDiscovery(client);
  const located = locateResource(discovery, group, kind);
  let crd: CustomResourceDefinition | null = null;
  try {
    const crdPath = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(crdNameFor(located))}`;
    crd = client.getText
      ? parseCrdJson(await client.getText(crdPath))
      : ((await client.getJSON(crdPath)) as CustomResourceDefinition);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const openAPI = crd ? undefined : ((await client.getJSON('/openapi/v2')) as OpenAPIV2Document);
  return retrieveSourceSchema({ group, kind, discovery, crd, openAPI });
}
