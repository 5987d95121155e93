/**
 * What `pubres-toolkit crd` prints: the CRD or APIResourceSchema as sigs.k8s.io/yaml
 * writes the Go object, followed by the extra newline of Go's fmt.Println.
 */
import { apiResourceSchemaCodec, crdCodec, marshalGoStruct } from './go-struct-json.js';
import { toGoYAML } from '../../golang/yaml/marshal.js';
import type { APIResourceSchema, CustomResourceDefinition } from './types.js';
import { parseJsonLossless } from './lossless.js';

export function crdToYAML(crd: CustomResourceDefinition): string {
  return toGoYAML(parseJsonLossless(marshalGoStruct(crdCodec, crd))) + '\n';
}

export function apiResourceSchemaToYAML(ars: APIResourceSchema): string {
  return toGoYAML(parseJsonLossless(marshalGoStruct(apiResourceSchemaCodec, ars))) + '\n';
}
