/**
 * Projection collisions (bad input): two PublishedResources whose projected types land on
 * the same kcp group/resource would put two schemas of one resource into the APIExport (which kcp
 * cannot serve) and start two sync controllers for the same kcp objects. The oldest PublishedResource
 * (creationTimestamp, then name) keeps the group/resource; every younger one is reported and not
 * published. Pure: the controller supplies the schema names.
 */
import type { PublishedResource } from '../../apis/v1alpha1/types.js';
import { groupResourceKey } from '../../engine/schema/apiexport.js';

/** Whether `a` was created before `b` (ties broken by name, so exactly one of two PRs is older). */
export function isOlder(a: PublishedResource, b: PublishedResource): boolean {
  const ta = String(a.metadata.creationTimestamp ?? '');
  const tb = String(b.metadata.creationTimestamp ?? '');
  if (ta !== tb) return ta < tb; // RFC 3339 UTC timestamps of equal precision compare as strings
  return a.metadata.name < b.metadata.name;
}

export interface SchemaOwner {
  pr: PublishedResource;
  schemaName: string;
}

/**
 * The older PublishedResource that already claims the kcp group/resource of `schemaName`, if any.
 * `others` are the other PublishedResources with their (known or computed) schema names.
 */
export function collidingOwner(
  pr: PublishedResource,
  schemaName: string,
  others: readonly SchemaOwner[],
): SchemaOwner | undefined {
  const key = groupResourceKey(schemaName);
  if (key === '') return undefined;
  return others
    .filter((o) => o.pr.metadata.name !== pr.metadata.name && isOlder(o.pr, pr))
    .filter((o) => groupResourceKey(o.schemaName) === key)
    .sort((a, b) => (isOlder(a.pr, b.pr) ? -1 : 1))[0];
}

/** The error text reported on the younger PublishedResource. */
export function collisionMessage(pr: PublishedResource, schemaName: string, owner: SchemaOwner): string {
  return (
    `PublishedResource ${pr.metadata.name}: the kcp resource ${groupResourceKey(schemaName)} is already ` +
    `published by PublishedResource ${owner.pr.metadata.name}; change spec.projection (group, kind or plural)`
  );
}
