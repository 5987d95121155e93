/**
 * The source "CRD" of a PublishedResource (docs/compatibility.md#source-crd): the real CRD when the service
 * cluster has one, else a CRD synthesised from discovery and the OpenAPI v2 document (built-in and aggregated
 * types). Pure: the caller fetches discovery, the CRD (or learns it does not exist) and the OpenAPI document.
 */
import { sortKubeAwareAscending } from './kube-version.js';
import {
  crdNameFor,
  groupKindString,
  locateResource,
  preferredVersionOf,
  type DiscoveryData,
  type LocatedResource,
} from './discovery.js';
import { OpenAPIModels, convertModel, type OpenAPIV2Document } from './openapi-convert.js';
import type { CRDVersion, CustomResourceDefinition, JSONSchemaProps } from './types.js';

export const API_APPROVED_ANNOTATION = 'api-approved.kubernetes.io';
const KCP_API_APPROVAL = 'https://github.com/kcp-dev/kubernetes/pull/4';
const CRD_API_VERSION = 'apiextensions.k8s.io/v1';

export interface SourceSchemaInput {
  group: string;
  kind: string;
  discovery: DiscoveryData;
  /** The CRD named `crdNameFor(...)`, or null when the server answered 404. */
  crd: CustomResourceDefinition | null;
  /** The server's `/openapi/v2` document; only needed when `crd` is null. */
  openAPI?: OpenAPIV2Document;
}

/** `k8s.io`, `*.k8s.io`, `kubernetes.io`, `*.kubernetes.io`. */
export function isProtectedCommunityGroup(group: string): boolean {
  return (
    group === 'k8s.io' ||
    group.endsWith('.k8s.io') ||
    group === 'kubernetes.io' ||
    group.endsWith('.kubernetes.io')
  );
}

export function retrieveSourceSchema(input: SourceSchemaInput): CustomResourceDefinition {
  const located = locateResource(input.discovery, input.group, input.kind);
  if (input.crd) return stripRealCRD(input.crd);
  if (!input.openAPI) throw new Error(`no CRD ${crdNameFor(located)} and no OpenAPI document given`);
  return crdFromOpenAPI(located, input.discovery, input.openAPI);
}

function isNonStructural(crd: CustomResourceDefinition): boolean {
  return (crd.status?.conditions ?? []).some((c) => c.type === 'NonStructuralSchema' && c.status === 'True');
}

/** The real CRD reduced to what the agent keeps of it. */
export function stripRealCRD(original: CustomResourceDefinition): CustomResourceDefinition {
  const crd = structuredClone(original);
  if (isNonStructural(crd)) {
    crd.spec.versions = crd.spec.versions.map((v) =>
      v.schema?.openAPIV3Schema
        ? v
        : {
            ...v,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
    );
  }
  const annotations: Record<string, string> = {};
  const approval = original.metadata?.annotations?.[API_APPROVED_ANNOTATION];
  if (approval !== undefined) annotations[API_APPROVED_ANNOTATION] = approval;
  crd.apiVersion = CRD_API_VERSION;
  crd.kind = 'CustomResourceDefinition';
  crd.metadata = { name: original.metadata?.name, annotations, generation: original.metadata?.generation };
  crd.status = { ...(crd.status ?? {}), conditions: [] };
  crd.spec.conversion = { strategy: 'None' };
  return crd;
}

function crdFromOpenAPI(
  located: LocatedResource,
  discovery: DiscoveryData,
  doc: OpenAPIV2Document,
): CustomResourceDefinition {
  const preferred = preferredVersionOf(discovery, located.group, located.resource.name);
  if (!preferred)
    throw new Error('cannot determine storage version because no preferred version exists in the schema');
  const models = new OpenAPIModels(doc);
  const versions: CRDVersion[] = [];
  for (const version of sortKubeAwareAscending(located.versions, (v) => v)) {
    const gvk = { group: located.group, version, kind: located.kind };
    const definition = models.definitionFor(gvk);
    if (!definition) throw new Error(`no models for ${gvkString(gvk)}`);
    const { schema, errors } = convertModel(models, definition);
    if (errors.length > 0) throw aggregate(errors);
    const subs = located.subresources.get(version) ?? new Set<string>();
    versions.push({
      name: version,
      served: true,
      storage: version === preferred,
      schema: { openAPIV3Schema: schema as JSONSchemaProps },
      subresources: {
        ...(subs.has('status') ? { status: {} } : {}),
        ...(subs.has('scale')
          ? { scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } }
          : {}),
      },
    });
  }
  const res = located.resource;
  const crd: CustomResourceDefinition = {
    kind: 'CustomResourceDefinition',
    apiVersion: CRD_API_VERSION,
    metadata: { name: crdNameFor(located) },
    spec: {
      group: located.group,
      names: {
        plural: res.name,
        singular: res.singularName || located.kind.toLowerCase(),
        shortNames: res.shortNames,
        kind: located.kind,
        listKind: `${located.kind}List`,
        categories: res.categories,
      },
      scope: res.namespaced ? 'Namespaced' : 'Cluster',
      versions,
      conversion: { strategy: 'None' },
    },
  };
  // SetDefaults_CustomResourceDefinition also records the storage version as stored.
  const storage = versions.find((v) => v.storage);
  crd.status = { acceptedNames: { plural: '', kind: '' }, storedVersions: storage ? [storage.name] : null };
  if (isProtectedCommunityGroup(located.group))
    crd.metadata.annotations = { [API_APPROVED_ANNOTATION]: KCP_API_APPROVAL };
  return crd;
}

/** schema.GroupVersionKind's `%v` form: `group/version, Kind=kind`. */
function gvkString(g: { group: string; version: string; kind: string }): string {
  return `${g.group}/${g.version}, Kind=${g.kind}`;
}

/** utilerrors.NewAggregate's message: one error as is, several as `[e1, e2]`. */
function aggregate(errors: Error[]): Error {
  if (errors.length === 1) return errors[0]!;
  return new Error(`[${errors.map((e) => e.message).join(', ')}]`);
}

export { groupKindString };
