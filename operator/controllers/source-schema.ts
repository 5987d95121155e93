/**
 * Reading and projecting the source schema of PublishedResources from the service cluster, shared by
 * the apiresourceschema, apiexport and syncmanager controllers and by pubres-toolkit. This module
 * does the reads (discovery, the CRD or its absence, the OpenAPI v2 document); the engine decides
 * (engine/schema: retrieveSourceSchema, projectCRD, apiResourceSchemaName; docs/compatibility.md#schemas).
 */
import type { PublishedResource } from '../apis/v1alpha1/types.js';
import { apiResourceSchemaName } from '../engine/schema/ars.js';
import { crdNameFor, findResource, locateResource, type DiscoveryData } from '../engine/schema/discovery.js';
import { parseCrdJson } from '../engine/schema/lossless.js';
import type { OpenAPIV2Document } from '../engine/schema/openapi-convert.js';
import { projectCRD } from '../engine/schema/projection.js';
import { retrieveSourceSchema } from '../engine/schema/source-schema.js';
import type { CustomResourceDefinition } from '../engine/schema/types.js';
import type { DiscoverySnapshot } from '../runtime/client/discovery.js';
import type { RestClient } from '../runtime/client/rest.js';

export interface JSONGetter {
  /** GET `path` (e.g. `/apis`) and return the decoded JSON; reject with `status`/`statusCode` 404 when absent. */
  getJSON(path: string): Promise<unknown>;
  /**
   * GET `path` and return the body as text (same errors as getJSON). When offered, the CRD is decoded
   * from it without losing integer precision (see engine/schema/lossless.ts), so integers above 2^53
   * in a CRD keep the APIResourceSchema name Go computes.
   */
  getText?(path: string): Promise<string>;
}

export function isNotFound(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  const e = err as { status?: unknown; statusCode?: unknown; code?: unknown };
  return e.status === 404 || e.statusCode === 404 || e.code === 404;
}

/**
 * The source CRD of `group`/`kind`: located in `discovery`, then the CRD `<plural>.<group>` and, when
 * the server has none (404), the `/openapi/v2` document; see retrieveSourceSchema.
 */
export async function fetchSourceSchema(
  client: JSONGetter,
  discovery: DiscoveryData,
  group: string,
  kind: string,
): Promise<CustomResourceDefinition> {
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

export interface PublishedSchema {
  /** The source CRD as retrieved (unprojected). */
  source: CustomResourceDefinition;
  /** Version selection, storage adjustment and projection applied. */
  projected: CustomResourceDefinition;
  /** The APIResourceSchema name (content hash of the projected CRD). */
  schemaName: string;
}

/** What reading schemas needs of the runtime's REST client. */
export type SchemaClient = Pick<RestClient, 'request' | 'requestText' | 'discovery'>;

/** A JSONGetter over the runtime's REST client (typed 404s carry `status`); CRDs are read as text. */
export function jsonGetter(client: SchemaClient): JSONGetter {
  return {
    getJSON: (path) => client.request('GET', path),
    getText: (path) => client.requestText('GET', path),
  };
}

/**
 * The published schemas of PublishedResources as one reconcile sees them: discovery comes from the
 * client's cache and is read at most once per reader, or fetched once more when a Kind is missing
 * from discovery cached before the reader was made (a CRD installed since then). Make one per
 * reconcile, so schemas for many PublishedResources cost one discovery read, not one each.
 */
export class PublishedSchemaReader {
  private readonly client: SchemaClient;
  private readonly getter: JSONGetter;
  /** Snapshots of this generation or later were fetched after this reader was made. */
  private readonly startGeneration: number;
  private snapshot?: Promise<DiscoverySnapshot>;

  constructor(client: SchemaClient) {
    this.client = client;
    this.getter = jsonGetter(client);
    this.startGeneration = client.discovery.generation();
  }

  async schemaOf(pr: PublishedResource): Promise<PublishedSchema> {
    const r = pr.spec.resource;
    const group = r.apiGroup ?? '';
    const discovery = await this.discoveryListing(group, r.kind);
    const source = await fetchSourceSchema(this.getter, discovery, group, r.kind);
    const projected = projectCRD(source, pr.spec);
    return { source, projected, schemaName: apiResourceSchemaName(projected) };
  }

  private async discoveryListing(group: string, kind: string): Promise<DiscoveryData> {
    const snapshot = await (this.snapshot ??= this.client.discovery.get());
    if (findResource(snapshot.data, group, kind) || snapshot.generation >= this.startGeneration) {
      return snapshot.data;
    }
    this.snapshot = this.client.discovery.refresh(snapshot);
    return (await this.snapshot).data;
  }
}

/** The published schema of one PublishedResource (one reader; see PublishedSchemaReader). */
export function publishedSchema(client: SchemaClient, pr: PublishedResource): Promise<PublishedSchema> {
  return new PublishedSchemaReader(client).schemaOf(pr);
}
