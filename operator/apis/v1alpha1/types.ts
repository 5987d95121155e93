/**
 * PublishedResource (syncagent.kcp.io/v1alpha1) as it is on the wire
 * (docs/compatibility.md#publishedresource-crd). Optional fields are optional here too;
 * `projection.shortNames`/`categories` distinguish absent (keep) from `[]` (clear).
 */
import type { EventMirrorSpec } from '../../engine/events/spec.js';

export const GROUP = 'syncagent.kcp.io';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const KIND = 'PublishedResource';
export const LIST_KIND = 'PublishedResourceList';
export const RESOURCE = 'publishedresources';
export const SINGULAR = 'publishedresource';
export const CRD_NAME = `${RESOURCE}.${GROUP}`;

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface SourceResourceDescriptor {
  apiGroup: string;
  kind: string;
  /** @deprecated use `versions`. */
  version?: string;
  versions?: string[];
}

export interface ResourceFilter {
  namespace?: LabelSelector;
  resource?: LabelSelector;
}

export interface ResourceNaming {
  name?: string;
  namespace?: string;
}

export interface ResourceProjection {
  group?: string;
  /** @deprecated use `versions`. */
  version?: string;
  versions?: Record<string, string>;
  scope?: 'Cluster' | 'Namespaced';
  kind?: string;
  plural?: string;
  shortNames?: string[] | null;
  categories?: string[] | null;
}

export interface RegularExpression {
  pattern?: string;
  replacement?: string;
}

export interface ResourceMutation {
  delete?: { path: string };
  regex?: { path: string; pattern?: string; replacement?: string };
  template?: { path: string; template: string };
  cel?: { path: string; expression: string };
}

export interface ResourceMutationSpec {
  spec?: ResourceMutation[];
  status?: ResourceMutation[];
}

export interface TemplateExpression {
  template: string;
}

export interface RelatedResourceObjectReference {
  path: string;
  regex?: RegularExpression;
}

export interface RelatedResourceObjectSelector extends LabelSelector {
  rewrite: { regex?: RegularExpression; template?: TemplateExpression };
}

export interface RelatedResourceObjectSpec {
  reference?: RelatedResourceObjectReference;
  selector?: RelatedResourceObjectSelector;
  template?: TemplateExpression;
}

export interface RelatedResourceObject extends RelatedResourceObjectSpec {
  namespace?: RelatedResourceObjectSpec;
}

export interface RelatedResourceProjection {
  group?: string;
  version?: string;
  resource?: string;
}

/**
 * Service-side namespaces a consumer-controlled namespace of a related object may name besides the
 * namespace of the primary's copy (docs/security.md). Never the agent's own namespace.
 */
export interface AllowedNamespaces {
  names?: string[];
  /** Labels of service-cluster Namespaces. */
  selector?: LabelSelector;
}

export interface RelatedResourceSpec {
  identifier: string;
  origin: 'service' | 'kcp';
  group?: string;
  version?: string;
  resource?: string;
  /** @deprecated legacy form: `ConfigMap` or `Secret` in core/v1. */
  kind?: 'ConfigMap' | 'Secret';
  identityHash?: string;
  cleanup?: boolean;
  projection?: RelatedResourceProjection;
  object: RelatedResourceObject;
  mutation?: ResourceMutationSpec;
  watch?: { byOwner?: Record<string, never>; bySelector?: LabelSelector };
  syncStatus?: boolean;
  allowedNamespaces?: AllowedNamespaces;
}

/** A label or annotation of a service-side object whose value the agent reads: exactly one of both. */
export interface MetadataKeyRef {
  label?: string;
  annotation?: string;
}

/** Existing service-side objects to bring up into kcp (docs/authoring.md, "Onboarding existing objects"). */
export interface OnboardingSpec {
  selector: LabelSelector;
  /** Its value is the logical cluster name of the target workspace (never a path). */
  workspaceFrom: MetadataKeyRef;
  /** Its value is the kcp namespace; default: the local namespace. */
  namespaceFrom?: MetadataKeyRef;
}

export interface SynchronizationSpec {
  enabled: boolean;
}

/**
 * Labels and annotations of the consumer's kcp namespace copied onto the service-side namespace of
 * the copies (exact keys; see docs/authoring.md#namespace-metadata).
 */
export interface NamespaceMetadataSpec {
  labels?: string[];
  annotations?: string[];
}

export interface PublishedResourceSpec {
  resource: SourceResourceDescriptor;
  filter?: ResourceFilter;
  naming?: ResourceNaming;
  enableWorkspacePaths?: boolean;
  projection?: ResourceProjection;
  mutation?: ResourceMutationSpec;
  related?: RelatedResourceSpec[];
  synchronization?: SynchronizationSpec;
  /** Mirroring of service-side events onto the kcp objects (an addition; see engine/events/spec.ts). */
  events?: EventMirrorSpec;
  onboarding?: OnboardingSpec;
  /**
   * Whether a changed projected schema replaces the one the APIExport serves: Always (default, as the Go
   * agent), CompatibleOnly (breaking changes are held) or Never (every change after the first publish
   * is held). See docs/authoring.md, "Schema update policy".
   */
  schemaUpdatePolicy?: SchemaUpdatePolicyName;
  namespaceMetadata?: NamespaceMetadataSpec;
}

/** The values of `spec.schemaUpdatePolicy`. */
export type SchemaUpdatePolicyName = 'Always' | 'CompatibleOnly' | 'Never';

export interface PublishedResourceStatus {
  resourceSchemaName?: string;
}

export interface PublishedResource {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
    [k: string]: unknown;
  };
  spec: PublishedResourceSpec;
  status?: PublishedResourceStatus;
}

/** Whether syncing is on: an absent `synchronization` means enabled. */
export function isSynchronizationEnabled(pr: PublishedResource): boolean {
  return pr.spec.synchronization?.enabled ?? true;
}
