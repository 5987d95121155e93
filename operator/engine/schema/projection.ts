/**
 * From the source CRD to the CRD that is published (docs/compatibility.md#projection): keep the selected
 * versions, make sure one is the storage version, then apply `spec.projection` (versions, group,
 * names, scope). Pure; the input CRD is never modified.
 */
import type { PublishedResourceSpec } from '../../apis/v1alpha1/types.js';
import { compareKubeAwareVersions } from './kube-version.js';
import { SchemaError } from './errors.js';
import type { CustomResourceDefinition } from './types.js';

type ProjectionInput = Pick<PublishedResourceSpec, 'resource' | 'projection'>;

/** Go's `%v` of a []string: `[a b c]`. */
function goList(items: readonly string[]): string {
  return `[${items.join(' ')}]`;
}

export function stripUnwantedVersions(crd: CustomResourceDefinition, spec: ProjectionInput): void {
  const { version, versions } = spec.resource;
  const wanted = versions ?? [];
  if (version && wanted.length > 0) {
    throw new SchemaError(
      'cannot configure both .version and .versions in as the source of a PublishedResource',
      'spec.resource.versions',
    );
  }
  crd.spec.versions = crd.spec.versions.filter((v) =>
    version ? v.name === version : wanted.length > 0 ? wanted.includes(v.name) : true,
  );
  if (crd.spec.versions.length > 0) return;
  if (version) throw new SchemaError(`CRD does not contain version ${version}`, 'spec.resource.version');
  if (wanted.length > 0) {
    throw new SchemaError(`CRD does not contain any of versions ${goList(wanted)}`, 'spec.resource.versions');
  }
  throw new SchemaError('CRD contains no versions');
}

export function adjustStorageVersion(crd: CustomResourceDefinition): void {
  let latestServed = -1;
  crd.spec.versions.forEach((v, i) => {
    if (v.served) latestServed = i;
  });
  if (latestServed < 0)
    throw new SchemaError('no CRD version selected that is marked as served', 'spec.resource.versions');
  if (!crd.spec.versions.some((v) => v.storage)) crd.spec.versions[latestServed]!.storage = true;
}

function projectVersions(crd: CustomResourceDefinition, spec: ProjectionInput): void {
  const projection = spec.projection!;
  if (projection.version) {
    const size = crd.spec.versions.length;
    if (size !== 1) {
      throw new SchemaError(
        `cannot project CRD version to a single version ${JSON.stringify(projection.version)} because it contains ${size} versions`,
        'spec.projection.version',
      );
    }
    crd.spec.versions[0]!.name = projection.version;
    return;
  }
  const renames = projection.versions ?? {};
  if (Object.keys(renames).length === 0) return;
  for (const v of crd.spec.versions) {
    const renamed = Object.hasOwn(renames, v.name) ? renames[v.name] : undefined;
    if (renamed) v.name = renamed;
  }
  const seen = new Set<string>();
  for (const v of crd.spec.versions) {
    if (seen.has(v.name)) {
      throw new SchemaError(
        `CRD contains multiple entries for ${v.name} after applying mutation rules`,
        'spec.projection.versions',
      );
    }
    seen.add(v.name);
  }
  crd.spec.versions.sort((a, b) => compareKubeAwareVersions(a.name, b.name));
}

function projectNames(crd: CustomResourceDefinition, spec: ProjectionInput): void {
  const p = spec.projection!;
  if (p.group) crd.spec.group = p.group;
  if (p.kind) {
    crd.spec.names.kind = p.kind;
    crd.spec.names.listKind = `${p.kind}List`;
    crd.spec.names.singular = p.kind.toLowerCase();
    crd.spec.names.plural = `${crd.spec.names.singular}s`;
  }
  if (p.plural) crd.spec.names.plural = p.plural;
  if (p.scope) crd.spec.scope = p.scope;
  // null/absent keeps the original names, [] removes them all (the Go field has no omitempty).
  if (p.categories !== undefined && p.categories !== null) crd.spec.names.categories = [...p.categories];
  if (p.shortNames !== undefined && p.shortNames !== null) crd.spec.names.shortNames = [...p.shortNames];
  crd.metadata = { ...crd.metadata, name: `${crd.spec.names.plural}.${crd.spec.group}` };
}

/**
 * The published CRD: version selection and storage adjustment always, projection when
 * `spec.projection` is set. Throws SchemaError with the Go agent's messages.
 */
export function projectCRD(
  source: CustomResourceDefinition,
  spec: ProjectionInput,
): CustomResourceDefinition {
  const crd = structuredClone(source);
  stripUnwantedVersions(crd, spec);
  adjustStorageVersion(crd);
  if (spec.projection) {
    projectVersions(crd, spec);
    projectNames(crd, spec);
  }
  return crd;
}

/** The GVK objects are synced as on the kcp side: projected group, kind and storage version. */
export function projectedGVK(projected: CustomResourceDefinition): {
  group: string;
  version: string;
  kind: string;
} {
  const storage = projected.spec.versions.find((v) => v.storage);
  if (!storage) throw new SchemaError('projected CRD does not contain a storage version');
  return { group: projected.spec.group, version: storage.name, kind: projected.spec.names.kind };
}
