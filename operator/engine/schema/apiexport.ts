/**
 * APIExport bookkeeping: which schemas the export lists (docs/compatibility.md#apiexport-controller)
 * and which permission claims it needs (docs/compatibility.md#permission-claims). Pure; the apiexport
 * controller fetches the export and the PublishedResources, calls these, and writes the result.
 *
 * Unlike the Go agent, a PublishedResource whose schema name cannot be determined does not block the rest;
 * `resolveSchemaNames` reports it separately so the controller can surface it on that object.
 */
import type { PublishedResource, RelatedResourceSpec } from '../../apis/v1alpha1/types.js';
import { compareGoStrings } from '../../golang/json/marshal.js';
import { GROUP_KCP_APIS, GROUP_KCP_CORE } from '../../kcp/well-known.js';

export interface ParsedSchemaName {
  version: string;
  resource: string;
  group: string;
}

/** `<a>.<b>.<rest>` → version-ish prefix, resource, group; fewer than three parts → error. */
export function parseSchemaName(name: string): ParsedSchemaName {
  const first = name.indexOf('.');
  const second = first < 0 ? -1 : name.indexOf('.', first + 1);
  if (second < 0)
    throw new Error(`invalid schema name ${JSON.stringify(name)}, expected <version>.<resource>.<group>`);
  return {
    version: name.slice(0, first),
    resource: name.slice(first + 1, second),
    group: name.slice(second + 1),
  };
}

/** `resource.group` (or `resource` for the core group); unparsable names get an empty key. */
export function groupResourceKey(name: string): string {
  try {
    const p = parseSchemaName(name);
    return p.group === '' ? p.resource : `${p.resource}.${p.group}`;
  } catch {
    return '';
  }
}

/**
 * `configured` plus every `existing` name whose group/resource is not configured, sorted by
 * group/resource key (names sharing a key keep their relative order; Go leaves that unspecified).
 */
export function mergeResourceSchemas(existing: readonly string[], configured: readonly string[]): string[] {
  const keys = new Set(configured.map(groupResourceKey));
  const merged = [...configured, ...existing.filter((n) => !keys.has(groupResourceKey(n)))];
  return merged
    .map((name, i) => ({ name, key: groupResourceKey(name), i }))
    .sort((a, b) => compareGoStrings(a.key, b.key) || a.i - b.i)
    .map((x) => x.name);
}

export interface SchemaNameResolution {
  pr: PublishedResource;
  /** The schema name, from status or computed; absent when `error` is set. */
  schemaName?: string;
  /** Whether the name came from `status.resourceSchemaName` (the schema exists in kcp). */
  ready: boolean;
  error?: Error;
}

/**
 * Schema names of all PublishedResources: `status.resourceSchemaName` when set, else `compute(pr)`
 * (discovery + projection, done by the caller). Failures are collected, not thrown, so
 * one broken PublishedResource does not hold back the export's other schemas.
 */
export function resolveSchemaNames(
  prs: readonly PublishedResource[],
  compute: (pr: PublishedResource) => string,
): SchemaNameResolution[] {
  return prs.map((pr) => {
    const fromStatus = pr.status?.resourceSchemaName;
    if (fromStatus) return { pr, schemaName: fromStatus, ready: true };
    try {
      return { pr, schemaName: compute(pr), ready: false };
    } catch (error) {
      return { pr, ready: false, error: error instanceof Error ? error : new Error(String(error)) };
    }
  });
}

export interface PermissionClaim {
  group?: string;
  resource: string;
  identityHash?: string;
  all?: boolean;
  resourceSelector?: unknown[];
  [k: string]: unknown;
}

interface ClaimKey {
  group: string;
  resource: string;
  identityHash: string;
}

const claimId = (c: ClaimKey): string => `${c.group}\u0000${c.resource}\u0000${c.identityHash}`;

/** The kcp-side group/resource of a related resource (origin kcp: as configured; service: projected). */
export function kcpSideGroupResource(rel: RelatedResourceSpec): { group: string; resource: string } {
  let group = rel.group ?? '';
  let resource = rel.resource ?? '';
  if (rel.kind) {
    group = '';
    resource = rel.kind === 'Secret' ? 'secrets' : 'configmaps';
  }
  if (rel.origin === 'service' && rel.projection) {
    if (rel.projection.group) group = rel.projection.group;
    if (rel.projection.resource) resource = rel.projection.resource;
  }
  return { group, resource };
}

/**
 * The APIs kcp serves itself and accepts permission claims for without an identity hash (kcp's
 * APIExport admission: a claim needs `identityHash` unless its group/resource is one of kcp's built-in
 * APIs or its group is `apis.kcp.io`). Probed against kcp v0.30.0 and v0.32.3: only what both accept
 * is listed (v0.32 also accepts the mutating admission policies; claiming them without identityHash
 * would block the export on v0.30). Checked against the test world's kcp in
 * e2e/security/malformed-publishedresources.e2e.ts. Keys are `group/resource` ("" = core).
 */
export const KCP_BUILTIN_CLAIMABLE: ReadonlySet<string> = new Set([
  '/configmaps',
  '/events',
  '/namespaces',
  '/resourcequotas',
  '/secrets',
  '/serviceaccounts',
  'admissionregistration.k8s.io/mutatingwebhookconfigurations',
  'admissionregistration.k8s.io/validatingadmissionpolicies',
  'admissionregistration.k8s.io/validatingadmissionpolicybindings',
  'admissionregistration.k8s.io/validatingwebhookconfigurations',
  'apiextensions.k8s.io/customresourcedefinitions',
  'certificates.k8s.io/certificatesigningrequests',
  'coordination.k8s.io/leases',
  `${GROUP_KCP_CORE}/logicalclusters`,
  'events.k8s.io/events',
  'rbac.authorization.k8s.io/clusterrolebindings',
  'rbac.authorization.k8s.io/clusterroles',
  'rbac.authorization.k8s.io/rolebindings',
  'rbac.authorization.k8s.io/roles',
]);

/** Whether kcp accepts a permission claim on `group/resource` without an identity hash. */
export function claimableWithoutIdentity(group: string, resource: string): boolean {
  return group === GROUP_KCP_APIS || KCP_BUILTIN_CLAIMABLE.has(`${group}/${resource}`);
}

/** A claim a PublishedResource needs that kcp would reject; left out of the APIExport. */
export interface RejectedClaim {
  /** The PublishedResource that needs it. */
  pr: string;
  /** The field to fix, e.g. `spec.related[2].identityHash`. */
  field: string;
  /** The offending value: the claimed `group/resource`. */
  value: string;
  message: string;
}

export interface ClaimPlan {
  /** Claims kcp accepts; these go into the APIExport. */
  required: ClaimKey[];
  /** Claims kcp would reject (one per related entry); reported on their PublishedResource. */
  rejected: RejectedClaim[];
}

/**
 * The claims the PublishedResources need, given the group/resources the export owns,
 * split into those kcp accepts and those it would reject. A rejected claim would fail every update of
 * the APIExport (kcp validates the whole object), so one PublishedResource would block all others.
 */
export function planPermissionClaims(
  prs: readonly PublishedResource[],
  ownSchemaNames: readonly string[],
): ClaimPlan {
  const own = new Set<string>();
  for (const name of ownSchemaNames) {
    const p = parseSchemaName(name);
    own.add(`${p.group}/${p.resource}`);
  }
  const claims = new Map<string, ClaimKey>();
  const add = (c: ClaimKey) => claims.set(claimId(c), c);
  add({ group: '', resource: 'events', identityHash: '' });
  // Namespace filters, related objects and namespace metadata read the consumers' namespaces.
  const needsNamespaces = prs.some(
    (pr) => pr.spec.filter?.namespace || (pr.spec.related ?? []).length > 0 || pr.spec.namespaceMetadata,
  );
  if (needsNamespaces) add({ group: '', resource: 'namespaces', identityHash: '' });
  if (prs.some((pr) => pr.spec.enableWorkspacePaths)) {
    add({ group: GROUP_KCP_CORE, resource: 'logicalclusters', identityHash: '' });
  }
  const rejected: RejectedClaim[] = [];
  for (const pr of prs) {
    (pr.spec.related ?? []).forEach((rel, i) => {
      const gr = kcpSideGroupResource(rel);
      if (own.has(`${gr.group}/${gr.resource}`)) return;
      const identityHash = rel.identityHash ?? '';
      if (identityHash === '' && !claimableWithoutIdentity(gr.group, gr.resource)) {
        const value = claimLabel(gr);
        rejected.push({
          pr: pr.metadata.name,
          field: `spec.related[${i}].identityHash`,
          value,
          message:
            `spec.related[${i}] (identifier ${JSON.stringify(rel.identifier)}) needs a permission claim for ` +
            `${JSON.stringify(value)}, which is not a kcp built-in API: kcp rejects the claim unless ` +
            `spec.related[${i}].identityHash names the identity hash of the APIExport that provides it; ` +
            'the claim is left out of the APIExport',
        });
        return;
      }
      add({ ...gr, identityHash });
    });
  }
  return { required: [...claims.values()], rejected };
}

/** The claims kcp accepts of those the PublishedResources need (see planPermissionClaims). */
export function requiredPermissionClaims(
  prs: readonly PublishedResource[],
  ownSchemaNames: readonly string[],
): ClaimKey[] {
  return planPermissionClaims(prs, ownSchemaNames).required;
}

const byGroupThenResource = (
  a: { group?: string; resource: string },
  b: { group?: string; resource: string },
) => compareGoStrings(a.group ?? '', b.group ?? '') || compareGoStrings(a.resource, b.resource);

/** `resource` (core) or `group/resource`, as the AddingPermissionClaims event prints claims. */
export function claimLabel(c: { group?: string; resource: string }): string {
  return c.group ? `${c.group}/${c.resource}` : c.resource;
}

/**
 * The export's new claim list: existing claims kept (an `all: true` claim without resourceSelector
 * counts as present), missing ones appended, everything sorted by group then resource.
 */
export function mergePermissionClaims(
  existing: readonly PermissionClaim[],
  required: readonly ClaimKey[],
): { claims: PermissionClaim[]; added: PermissionClaim[] } {
  const present = new Set(
    existing
      .filter((c) => c.all === true && (c.resourceSelector ?? []).length === 0)
      .map((c) =>
        claimId({ group: c.group ?? '', resource: c.resource, identityHash: c.identityHash ?? '' }),
      ),
  );
  const added: PermissionClaim[] = required
    .filter((c) => !present.has(claimId(c)))
    .sort(byGroupThenResource)
    .map((c) => ({
      ...(c.group ? { group: c.group } : {}),
      resource: c.resource,
      all: true,
      ...(c.identityHash ? { identityHash: c.identityHash } : {}),
    }));
  const claims = [...existing.map((c) => structuredClone(c)), ...added].sort(byGroupThenResource);
  return { claims, added };
}

/** Message of the AddingPermissionClaims event. */
export function addedClaimsMessage(added: readonly PermissionClaim[]): string {
  return `Added new permission claim(s) for all ${added.map(claimLabel).join(', ')}.`;
}

/** Messages of the AddingResourceSchemas / RemovingResourceSchemas events (sorted names). */
export function schemaChangeMessages(
  before: readonly string[],
  after: readonly string[],
): { added?: string; removed?: string } {
  const b = new Set(before);
  const a = new Set(after);
  const added = [...a].filter((n) => !b.has(n)).sort(compareGoStrings);
  const removed = [...b].filter((n) => !a.has(n)).sort(compareGoStrings);
  return {
    ...(added.length > 0 ? { added: `Added new resource schema(s) ${added.join(', ')}.` } : {}),
    ...(removed.length > 0 ? { removed: `Removed resource schema(s) ${removed.join(', ')}.` } : {}),
  };
}
