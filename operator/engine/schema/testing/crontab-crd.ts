import type { CustomResourceDefinition, JSONSchemaProps } from '../types.js';

export interface CronTabCRDOptions {
  /** Properties of `spec` in the v1 schema; without them the schema keeps every field. */
  specProps?: Record<string, JSONSchemaProps>;
  /** Metadata besides the name (e.g. a resourceVersion to update with). */
  metadata?: { resourceVersion?: string; uid?: string };
}

/**
 * The CronTab CRD of the tests (`crontabs.example.com`, one served and stored version v1, namespaced,
 * with the status subresource), as a service cluster holds it. Its type is both a
 * CustomResourceDefinition and an object a client can write.
 */
export function crontabCRD(opts: CronTabCRDOptions = {}) {
  const openAPIV3Schema: JSONSchemaProps = opts.specProps
    ? { type: 'object', properties: { spec: { type: 'object', properties: opts.specProps } } }
    : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'crontabs.example.com', ...opts.metadata },
    spec: {
      group: 'example.com',
      names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList' },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: { openAPIV3Schema },
        },
      ],
    },
  } satisfies CustomResourceDefinition;
}
