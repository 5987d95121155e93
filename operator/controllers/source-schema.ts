/**
 * Fetching and projecting the source schema of a PublishedResource from the service cluster
 * (docs/compatibility.md#schemas), shared by the apiresourceschema, apiexport and syncmanager controllers.
 */
import type { PublishedResource } from '../apis/v1alpha1/types.js';
import { apiResourceSchemaName } from '../engine/schema/ars.js';
import { fetchSourceSchema, type JSONGetter } from '../engine/schema/fetch-source-schema.js';
import { projectCRD } from '../engine/schema/projection.js';
import type { CustomResourceDefinition } from '../engine/schema/types.js';
import type { RestClient } from '../runtime/client/rest.js';

export interface PublishedSchema {
  /** The source CRD as retrieved (unprojected). */
  source: CustomResourceDefinition;
  /** Version selection, storage adjustment and projection applied. */
  projected: CustomResourceDefinition;
  /** The APIResourceSchema name (content hash of the projected CRD). */
  schemaName: string;
}

/** A JSONGetter over the runtime's REST client (typed 404s carry `status`); CRDs are read as text. */
export function jsonGetter(client: RestClient): JSONGetter {
  return {
    getJSON: (path) => client.request('GET', path),
    getText: (path) => client.requestText('GET', path),
  };
}

export async function publishedSchema(client: RestClient, pr: PublishedResource): Promise<PublishedSchema> {
  const r = pr.spec.resource;
  const source = await fetchSourceSchema(jsonGetter(client), r.apiGroup ?? '', r.kind);
  const projected = projectCRD(source, pr.spec);
  return { source, projected, schemaName: apiResourceSchemaName(projected) };
}
