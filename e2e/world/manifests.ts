// Applying YAML manifests (multi-document) through the REST client, kubectl-style: the collection of
// each object is found via API discovery of its apiVersion.
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { resourcePath, type KubeObject, type RestClient } from './rest.js';
import { waitFor } from './wait.js';

export function readManifests(file: string): KubeObject[] {
  return YAML.parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJSON() as KubeObject | null)
    .filter((o): o is KubeObject => !!o && typeof o === 'object' && !!o.kind);
}

/** Finds the resource (plural) and scope of a kind through discovery; retries while discovery catches up. */
export async function discoverResource(
  client: RestClient,
  apiVersion: string,
  kind: string,
  timeoutMs = 30_000,
): Promise<{ group: string; version: string; resource: string; namespaced: boolean }> {
  const [group, version] = apiVersion.includes('/')
    ? (apiVersion.split('/') as [string, string])
    : ['', apiVersion];
  const discoveryPath = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  return waitFor(
    async () => {
      const list = await client.get<{ resources: { name: string; kind: string; namespaced: boolean }[] }>(
        discoveryPath,
      );
      const r = list.resources.find((x) => x.kind === kind && !x.name.includes('/'));
      return r ? { group, version, resource: r.name, namespaced: r.namespaced } : undefined;
    },
    {
      description: `API discovery to serve kind ${kind} in ${apiVersion} at ${client.creds.server}`,
      timeoutMs,
    },
  );
}

/** Server-side applies one object; namespaced objects default to namespace "default". */
export async function applyManifest(
  client: RestClient,
  obj: KubeObject,
  timeoutMs = 30_000,
): Promise<KubeObject> {
  if (!obj.apiVersion || !obj.kind || !obj.metadata?.name) {
    throw new Error(
      `manifest object is missing apiVersion, kind or metadata.name: ${JSON.stringify(obj).slice(0, 200)}`,
    );
  }
  const r = await discoverResource(client, obj.apiVersion, obj.kind, timeoutMs);
  const namespace = r.namespaced ? (obj.metadata.namespace ?? 'default') : undefined;
  const path = resourcePath(r, { namespace, name: obj.metadata.name });
  return client.apply(path, obj, 'api-syncagent-up');
}

/** Waits until a CRD reports Established. */
export async function waitForCrdEstablished(
  client: RestClient,
  name: string,
  timeoutMs = 30_000,
): Promise<void> {
  await waitFor(
    async () => {
      const crd = await client.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      return (crd.status?.conditions ?? []).some((c: any) => c.type === 'Established' && c.status === 'True');
    },
    { description: `CRD ${name} to be Established`, timeoutMs },
  );
}

export interface SimpleCrdOptions {
  /** String fields of `spec` (default: value). */
  specFields?: string[];
  scope?: 'Namespaced' | 'Cluster';
  /** `status` as a subresource (default), as a plain field, or absent. */
  status?: 'subresource' | 'field' | 'none';
}

/**
 * A minimal CRD (one served version v1, string spec fields) for tests and the benchmark that need an
 * API next to the sample CronTab.
 */
export function simpleCrd(group: string, kind: string, plural: string, o: SimpleCrdOptions = {}): KubeObject {
  const status = o.status ?? 'subresource';
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: o.scope ?? 'Namespaced',
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          ...(status === 'subresource' ? { subresources: { status: {} } } : {}),
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: Object.fromEntries(
                    (o.specFields ?? ['value']).map((f) => [f, { type: 'string' }]),
                  ),
                },
                ...(status === 'none'
                  ? {}
                  : { status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }),
              },
            },
          },
        },
      ],
    },
  };
}
