// The PublishedResource CRD on a real kube-apiserver: it installs, and each CEL rule of the Go agent's CRD
// (plus the enums and required fields) accepts and rejects what it must, with the exact messages.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../world/process.js';
import { ApiError, RestClient } from '../world/rest.js';
import { artifactsDirFor } from '../world/run.js';
import { startServiceCluster, type ServiceCluster } from '../world/service-cluster.js';
import { waitFor } from '../world/wait.js';

const STEP_TIMEOUT = 180_000;
const PR_PATH = '/apis/syncagent.kcp.io/v1alpha1/publishedresources';

let counter = 0;
function pr(spec: Record<string, unknown>): Record<string, unknown> {
  counter++;
  return {
    apiVersion: 'syncagent.kcp.io/v1alpha1',
    kind: 'PublishedResource',
    metadata: { name: `pr-${counter}` },
    spec,
  };
}

const resource = { apiGroup: 'example.com', kind: 'CronTab' };
const withRelated = (related: Record<string, unknown>) =>
  pr({
    resource,
    related: [{ identifier: 'creds', origin: 'kcp', object: { template: { template: 'x' } }, ...related }],
  });

describe('PublishedResource CRD on kube-apiserver', () => {
  let cluster: ServiceCluster;
  let client: RestClient;

  beforeAll(async () => {
    cluster = await startServiceCluster({ name: 'schema-crd', artifactsDir: artifactsDirFor('schema-crd') });
    client = RestClient.fromKubeconfig(cluster.kubeconfigPath);
    const crd = parse(
      readFileSync(path.join(REPO_ROOT, 'crds/syncagent.kcp.io_publishedresources.yaml'), 'utf8'),
    );
    await client.create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    await waitFor(
      async () => {
        const got = await client.getOrUndefined<any>(
          '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/publishedresources.syncagent.kcp.io',
        );
        const established = (got?.status?.conditions ?? []).some(
          (c: any) => c.type === 'Established' && c.status === 'True',
        );
        if (!established) return undefined;
        // The CRD is established before its endpoint serves; wait for a list to work.
        return (await client.getOrUndefined(PR_PATH)) ? true : undefined;
      },
      { description: 'the PublishedResource CRD to be established and served', timeoutMs: 60_000 },
    );
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await cluster?.stop();
  }, STEP_TIMEOUT);

  async function accepts(obj: Record<string, unknown>): Promise<void> {
    await client.create(PR_PATH, obj);
  }

  async function rejects(obj: Record<string, unknown>, message: string): Promise<void> {
    let error: unknown;
    try {
      await client.create(PR_PATH, obj);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(422);
    const status = JSON.parse((error as ApiError).body) as { message: string };
    expect(status.message).toContain(message);
  }

  it('accepts a minimal PublishedResource and a status update through the status subresource', async () => {
    const obj = pr({ resource });
    await accepts(obj);
    const name = (obj.metadata as { name: string }).name;
    const patched = await client.request<any>(
      'PATCH',
      `${PR_PATH}/${name}/status`,
      { status: { resourceSchemaName: 'vabcdef01.crontabs.example.com' } },
      'application/merge-patch+json',
    );
    expect(patched.status.resourceSchemaName).toBe('vabcdef01.crontabs.example.com');
  });

  it('requires spec, spec.resource and its apiGroup/kind', async () => {
    await rejects({ ...pr({}), spec: undefined }, 'spec: Required value');
    await rejects(pr({ naming: {} }), 'spec.resource: Required value');
    await rejects(pr({ resource: { apiGroup: 'example.com' } }), 'spec.resource.kind: Required value');
  });

  it('checks the projection scope and related origin/kind enums', async () => {
    await rejects(
      pr({ resource, projection: { scope: 'Global' } }),
      'spec.projection.scope: Unsupported value: "Global"',
    );
    await rejects(withRelated({ origin: 'elsewhere', kind: 'Secret' }), 'Unsupported value: "elsewhere"');
    await rejects(withRelated({ kind: 'Deployment' }), 'Unsupported value: "Deployment"');
  });

  it('rule 1: either kind (deprecated) or group, version, resource', async () => {
    const msg = 'must specify either kind (deprecated) or group, version, resource';
    await rejects(withRelated({}), msg);
    await rejects(withRelated({ kind: 'Secret', version: 'v1', resource: 'secrets' }), msg);
    await accepts(withRelated({ kind: 'Secret' }));
    await accepts(withRelated({ version: 'v1', resource: 'secrets' }));
  });

  it('rule 2: resource and version together', async () => {
    const msg = 'resource and version must be configured together or not at all';
    await rejects(withRelated({ resource: 'secrets' }), msg);
    await rejects(withRelated({ version: 'v1' }), msg);
  });

  it('rule 3: a group needs version and resource', async () => {
    await rejects(
      withRelated({ kind: 'Secret', group: 'example.com' }),
      'configuring a group also requires a version and resource',
    );
    await accepts(withRelated({ group: 'example.com', version: 'v1', resource: 'things' }));
    // has() tests presence: an explicit empty group is fine with a full GVR.
    await accepts(withRelated({ group: '', version: 'v1', resource: 'configmaps' }));
  });

  it('rule 4: identity hashes only with GVRs', async () => {
    const msg = 'identity hashes can only be used with GVRs';
    await rejects(withRelated({ kind: 'Secret', identityHash: 'abc' }), msg);
    await rejects(withRelated({ version: 'v1', resource: 'things', identityHash: 'abc' }), msg);
    await accepts(
      withRelated({ group: 'example.com', version: 'v1', resource: 'things', identityHash: 'abc' }),
    );
  });

  it('rule 5: syncStatus from the service side needs a watch', async () => {
    const msg = 'watch must be configured when origin is service and syncStatus is true';
    await rejects(withRelated({ kind: 'Secret', origin: 'service', syncStatus: true }), msg);
    await accepts(
      withRelated({ kind: 'Secret', origin: 'service', syncStatus: true, watch: { byOwner: {} } }),
    );
    await accepts(withRelated({ kind: 'Secret', origin: 'service', syncStatus: false }));
    await accepts(withRelated({ kind: 'Secret', origin: 'kcp', syncStatus: true }));
  });

  it('rule 6: exactly one of watch.byOwner and watch.bySelector', async () => {
    const msg = 'exactly one of byOwner or bySelector must be set';
    await rejects(withRelated({ kind: 'Secret', watch: {} }), msg);
    await rejects(
      withRelated({ kind: 'Secret', watch: { byOwner: {}, bySelector: { matchLabels: { a: 'b' } } } }),
      msg,
    );
    await accepts(withRelated({ kind: 'Secret', watch: { bySelector: { matchLabels: { a: 'b' } } } }));
  });

  it('requires related identifier, origin and object, selector rewrite and synchronization.enabled', async () => {
    await rejects(
      pr({ resource, related: [{ origin: 'kcp', kind: 'Secret', object: {} }] }),
      'identifier: Required value',
    );
    await rejects(
      pr({ resource, related: [{ identifier: 'x', kind: 'Secret', object: {} }] }),
      'origin: Required value',
    );
    await rejects(
      pr({ resource, related: [{ identifier: 'x', origin: 'kcp', kind: 'Secret' }] }),
      'object: Required value',
    );
    await rejects(
      withRelated({ kind: 'Secret', object: { selector: { matchLabels: { a: 'b' } } } }),
      'object.selector.rewrite: Required value',
    );
    await rejects(pr({ resource, synchronization: {} }), 'spec.synchronization.enabled: Required value');
  });

  it('keeps the null-vs-empty distinction of projection.shortNames and categories', async () => {
    const obj = pr({ resource, projection: { shortNames: [], categories: ['x'] } });
    const created = await client.create<any>(PR_PATH, obj);
    expect(created.spec.projection.shortNames).toEqual([]);
    expect(created.spec.projection.categories).toEqual(['x']);
  });
});
