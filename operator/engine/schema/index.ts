/**
 * Public API of the schema engine (pure; the controllers fetch and write):
 *
 * - source schema: `retrieveSourceSchema` (discovery + CRD or OpenAPI v2; the reads are done by
 *   controllers/source-schema.ts), `stripRealCRD`, `locateResource`, `findResource`, `crdNameFor`
 * - projection: `projectCRD`, `projectedGVK`; Kubernetes version order
 * - APIResourceSchema: `apiResourceSchemaName`, `buildAPIResourceSchema`, `schemaHashInput`
 * - compatibility: `compareSchemas`, `decideSchemaUpdate` (spec.schemaUpdatePolicy)
 * - APIExport: `mergeResourceSchemas`, `resolveSchemaNames`, `requiredPermissionClaims`,
 *   `mergePermissionClaims`, event messages
 * - Go encodings: `marshalGoStruct` + codecs (encoding/json of the Go types), `toGoYAML`
 *   (sigs.k8s.io/yaml), `crdToYAML` / `apiResourceSchemaToYAML` (pubres-toolkit output)
 */
export * from './types.js';
export * from './errors.js';
export * from './discovery.js';
export * from './source-schema.js';
export * from './projection.js';
export * from './kube-version.js';
export * from './ars.js';
export * from './apiexport.js';
export * from './toolkit-output.js';
export * from './compat.js';
export * from './update-policy.js';
export {
  OpenAPIModels,
  convertModel,
  type OpenAPIV2Document,
  type GroupVersionKind,
} from './openapi-convert.js';
export {
  RawJSON,
  compactGoJSON,
  marshalGoStruct,
  crdCodec,
  crdSpecCodec,
  crdNamesCodec,
  jsonSchemaPropsCodec,
  apiResourceSchemaCodec,
} from './go-struct-json.js';
export { toGoYAML, compareGoYAMLKeys, formatGoFloatG } from '../../golang/yaml/marshal.js';
