// A CRD with an integer above 2^53 (sent to the kube-apiserver as YAML text, so nothing on the way
// rounds it) reaches kcp unchanged: the agent reads CRDs without losing integer precision, so the
// APIResourceSchema content, and with it its name (a content hash), is what the Go agent computes.
import { waitForCrdEstablished } from '../world/manifests.js';
import { publishedResource, STEP, useAgentWorld, waitForSchemaName } from './helpers.js';

const BIG = '9007199254740993'; // 2^53 + 1: a float64 rounds it to ...992

const crdYaml = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: counters.big.example.org
spec:
  group: big.example.org
  names: { plural: counters, singular: counter, kind: Counter, listKind: CounterList }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                id: { type: string, maxLength: ${BIG} }
`;

describe('agent: CRD integers beyond 2^53', () => {
  const world = useAgentWorld({
    name: 'agent-schema-precision',
    manifests: [
      publishedResource('counters', { resource: { apiGroup: 'big.example.org', kind: 'Counter' } }),
    ],
  });

  it(
    'keeps them exact in the APIResourceSchema',
    async () => {
      const w = world();
      await w.service.client.request(
        'POST',
        '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
        crdYaml,
        'application/yaml',
      );
      await waitForCrdEstablished(w.service.client, 'counters.big.example.org');
      const name = await waitForSchemaName(w, 'counters');
      const ars = await w.provider.admin.text(`/apis/apis.kcp.io/v1alpha1/apiresourceschemas/${name}`);
      expect(ars).toContain(`"maxLength":${BIG}`);
    },
    STEP,
  );
});
