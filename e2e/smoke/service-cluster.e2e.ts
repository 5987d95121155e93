// Smoke test of the service-cluster half of the test world: a fresh kube-apiserver + etcd serves a
// CRD installed into it, and keeps its data across an API-server restart.
import { RestClient } from '../world/rest.js';
import { artifactsDirFor } from '../world/run.js';
import { startServiceCluster, type ServiceCluster } from '../world/service-cluster.js';
import { waitFor } from '../world/wait.js';

// jest's testTimeout is a global option (ignored inside a project), so long steps say theirs.
const STEP_TIMEOUT = 180_000;

describe('service cluster', () => {
  let cluster: ServiceCluster;

  beforeAll(async () => {
    cluster = await startServiceCluster({
      name: 'smoke-service-cluster',
      artifactsDir: artifactsDirFor('smoke-service-cluster'),
    });
  }, STEP_TIMEOUT);
  afterAll(async () => {
    await cluster?.stop();
  }, STEP_TIMEOUT);

  it(
    'serves a CRD installed on it',
    async () => {
      const client = RestClient.fromKubeconfig(cluster.kubeconfigPath);
      await client.create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'crontabs.stable.example.com' },
        spec: {
          group: 'stable.example.com',
          scope: 'Namespaced',
          names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: { spec: { type: 'object', properties: { cronSpec: { type: 'string' } } } },
                },
              },
            },
          ],
        },
      });
      await waitFor(
        async () => {
          const crd = await client.get(
            '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.stable.example.com',
          );
          return (crd.status?.conditions ?? []).some(
            (c: any) => c.type === 'Established' && c.status === 'True',
          );
        },
        { description: 'CRD crontabs.stable.example.com to be Established', timeoutMs: 30_000 },
      );
      // Discovery can lag Established by a moment; creating the object proves the API is served.
      const created = await waitFor(
        () =>
          client.create('/apis/stable.example.com/v1/namespaces/default/crontabs', {
            apiVersion: 'stable.example.com/v1',
            kind: 'CronTab',
            metadata: { name: 'nightly' },
            spec: { cronSpec: '0 3 * * *' },
          }),
        { description: 'creating a CronTab', timeoutMs: 30_000 },
      );
      expect(created.metadata.uid).toBeTruthy();

      await cluster.restartApiServer();
      const again = await client.get('/apis/stable.example.com/v1/namespaces/default/crontabs/nightly');
      expect(again.spec).toEqual({ cronSpec: '0 3 * * *' });
    },
    STEP_TIMEOUT,
  );
});
