/**
 * APIResourceSchema name and object (docs/compatibility.md#schema-names). The name is a content hash of the
 * projected CRD's spec (Go-JSON bytes, conversion omitted), so it must be byte-identical with the Go agent.
 */
import { createHash } from 'node:crypto';
import { apiResourceSchemaCodec, crdSpecCodec, marshalGoStruct } from './go-struct-json.js';
import { SchemaError } from './errors.js';
import { GROUP_KCP_APIS, VERSION_KCP_APIS } from '../../kcp/well-known.js';
import { ANNOTATION_AGENT_NAME, ANNOTATION_SOURCE_GENERATION, LABEL_AGENT_NAME } from '../sync/keys.js';
import type { APIResourceSchema, APIResourceVersion, CustomResourceDefinition } from './types.js';

export const ARS_API_VERSION = `${GROUP_KCP_APIS}/${VERSION_KCP_APIS}`;

/** The exact bytes hashed for the schema name: `json.NewEncoder(w).Encode(spec)` without conversion. */
export function schemaHashInput(crd: CustomResourceDefinition): string {
  const spec = { ...crd.spec, conversion: undefined };
  return marshalGoStruct(crdSpecCodec, spec) + '\n';
}

/** `v<first 8 hex of sha1>.<plural>.<group>`. */
export function apiResourceSchemaName(crd: CustomResourceDefinition): string {
  const checksum = createHash('sha1').update(schemaHashInput(crd), 'utf8').digest('hex');
  return `v${checksum.slice(0, 8)}.${crd.spec.names.plural}.${crd.spec.group}`;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** apimachinery's IsDNS1123Subdomain: the list of problems, empty when valid. */
export function dns1123SubdomainErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN.test(value)) errs.push(DNS1123_SUBDOMAIN_MSG);
  return errs;
}

/** Go's quoting of a field.Invalid value (`%q`-like for printable strings). */
function quoteValue(s: string): string {
  return JSON.stringify(s);
}

/**
 * The APIResourceSchema the agent creates in kcp for a projected CRD (kcp's CRDToAPIResourceSchema,
 * then the agent's name, metadata and conversion).
 */
export function buildAPIResourceSchema(
  crd: CustomResourceDefinition,
  name: string,
  agentName: string,
): APIResourceSchema {
  const probe = `irrelevant.${crd.metadata?.name ?? ''}`;
  const problems = dns1123SubdomainErrors(probe);
  if (problems.length > 0) {
    const errs = problems.map((m) => `metadata.name: Invalid value: ${quoteValue(probe)}: ${m}`);
    const joined = errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]`;
    throw new SchemaError(`failed to convert CRD: ${joined}`, 'spec.projection');
  }
  if (crd.spec.versions.length > 1 && !crd.spec.conversion) {
    throw new SchemaError(
      `failed to convert CRD: multiple versions specified for ${crd.metadata?.name ?? ''} but no conversion strategy`,
    );
  }
  const versions: APIResourceVersion[] = crd.spec.versions.map((v) => {
    const out: APIResourceVersion = {
      name: v.name,
      served: v.served,
      storage: v.storage,
      schema: v.schema?.openAPIV3Schema ?? null,
      subresources: v.subresources ?? {},
    };
    if (v.deprecated) out.deprecated = v.deprecated;
    if (v.deprecationWarning !== undefined && v.deprecationWarning !== null)
      out.deprecationWarning = v.deprecationWarning;
    if (v.additionalPrinterColumns) out.additionalPrinterColumns = v.additionalPrinterColumns;
    return out;
  });
  const ars: APIResourceSchema = {
    apiVersion: ARS_API_VERSION,
    kind: 'APIResourceSchema',
    metadata: {
      name,
      annotations: {
        [ANNOTATION_SOURCE_GENERATION]: String(crd.metadata?.generation ?? 0),
        [ANNOTATION_AGENT_NAME]: agentName,
      },
      labels: { [LABEL_AGENT_NAME]: agentName },
    },
    spec: { group: crd.spec.group, names: structuredClone(crd.spec.names), scope: crd.spec.scope, versions },
  };
  if (versions.length > 1) ars.spec.conversion = { strategy: 'None' };
  return ars;
}

/** The APIResourceSchema as Go's encoding/json writes it (the wire form, also the YAML source). */
export function marshalAPIResourceSchema(ars: APIResourceSchema): string {
  return marshalGoStruct(apiResourceSchemaCodec, ars);
}
