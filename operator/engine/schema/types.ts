/**
 * The subset of Kubernetes types the schema engine reads and writes, as plain JSON-shaped data (the
 * shape the API server serves). Field names are the wire names of apiextensions.k8s.io/v1 and
 * apis.kcp.io/v1alpha1; `go-struct-json.ts` knows their Go field order and omitempty rules.
 */

/** A JSON-typed value (`default`, `example`, `enum[]`): either parsed JSON or its raw text. */
export type JSONLike = unknown;

export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

export interface JSONSchemaProps {
  id?: string;
  $schema?: string;
  $ref?: string;
  description?: string;
  type?: string;
  format?: string;
  title?: string;
  default?: JSONLike;
  maximum?: number;
  exclusiveMaximum?: boolean;
  minimum?: number;
  exclusiveMinimum?: boolean;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  maxItems?: number;
  minItems?: number;
  uniqueItems?: boolean;
  multipleOf?: number;
  enum?: JSONLike[];
  maxProperties?: number;
  minProperties?: number;
  required?: string[];
  items?: JSONSchemaProps | JSONSchemaProps[];
  allOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  patternProperties?: Record<string, JSONSchemaProps>;
  dependencies?: Record<string, JSONSchemaProps | string[]>;
  additionalItems?: JSONSchemaProps | boolean;
  definitions?: Record<string, JSONSchemaProps>;
  externalDocs?: { description?: string; url?: string };
  example?: JSONLike;
  nullable?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-validations'?: ValidationRule[];
}

export interface CRDNames {
  plural: string;
  singular?: string;
  shortNames?: string[] | null;
  kind: string;
  listKind?: string;
  categories?: string[] | null;
}

export interface CustomResourceSubresources {
  status?: Record<string, never> | null;
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string } | null;
}

export interface CustomResourceColumnDefinition {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

export interface CRDVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string | null;
  schema?: { openAPIV3Schema?: JSONSchemaProps | null } | null;
  subresources?: CustomResourceSubresources | null;
  additionalPrinterColumns?: CustomResourceColumnDefinition[];
  selectableFields?: { jsonPath: string }[];
}

export interface CustomResourceConversion {
  strategy: string;
  webhook?: {
    clientConfig?: {
      url?: string;
      service?: { namespace: string; name: string; path?: string; port?: number };
      caBundle?: string;
    };
    conversionReviewVersions?: string[] | null;
  };
}

export interface CRDSpec {
  group: string;
  names: CRDNames;
  scope: string;
  versions: CRDVersion[];
  conversion?: CustomResourceConversion | null;
  preserveUnknownFields?: boolean;
}

export interface CRDCondition {
  type: string;
  status: string;
  lastTransitionTime?: string | null;
  reason?: string;
  message?: string;
}

export interface ObjectMetaLite {
  name?: string;
  generation?: number;
  creationTimestamp?: string | null;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [k: string]: unknown;
}

export interface CustomResourceDefinition {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMetaLite;
  spec: CRDSpec;
  status?: {
    conditions?: CRDCondition[] | null;
    acceptedNames?: CRDNames;
    storedVersions?: string[] | null;
  };
}

export interface APIResourceVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string | null;
  /** The version's openAPIV3Schema (a RawExtension in Go), or null when the CRD version had none. */
  schema: JSONSchemaProps | null;
  subresources: CustomResourceSubresources;
  additionalPrinterColumns?: CustomResourceColumnDefinition[];
}

export interface APIResourceSchema {
  apiVersion: 'apis.kcp.io/v1alpha1';
  kind: 'APIResourceSchema';
  metadata: ObjectMetaLite;
  spec: {
    group: string;
    names: CRDNames;
    scope: string;
    versions: APIResourceVersion[];
    nameValidation?: string;
    conversion?: CustomResourceConversion | null;
  };
}

/** One entry of a discovery APIResourceList (`/apis/<group>/<version>`). */
export interface DiscoveryResource {
  name: string;
  singularName?: string;
  namespaced: boolean;
  kind: string;
  shortNames?: string[];
  categories?: string[];
  verbs?: string[];
}

export interface APIResourceList {
  groupVersion: string;
  resources: DiscoveryResource[];
}
