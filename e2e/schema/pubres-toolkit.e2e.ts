// `pubres-toolkit crd` (compiled, dist/) against a real kube-apiserver: for a real CRD its output is
// byte-identical with the Go oracle's goldens (computed from the same CRD file), and for ConfigMap,
// Role and HorizontalPodAutoscaler (no CRD: OpenAPI v2 fallback) it produces the schemas
// docs/compatibility.md#source-crd describes. Builds the project first when dist/ is missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../world/process.js';
import { RestClient } from '../world/rest.js';
import { artifactsDirFor } from '../world/run.js';
import { startServiceCluster, type ServiceCluster } from '../world/service-cluster.js';
import { waitFor } from '../world/wait.js';

const STEP_TIMEOUT = 240_000;
const TOOLKIT = path.join(REPO_ROOT, 'dist/operator/toolkit/main.js');
const CASES = path.join(REPO_ROOT, 'operator/engine/schema/testdata/cases');
const GOLDEN = path.join(REPO_ROOT, 'operator/engine/schema/testdata/golden');

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

describe('pubres-toolkit crd against kube-apiserver', () => {
  let cluster: ServiceCluster;
  let tmp: string;

  function toolkit(args: string[], env: Record<string, string | undefined> = {}): Run {
    const r = spawnSync(process.execPath, [TOOLKIT, ...args], {
      encoding: 'utf8',
      env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath, ...env },
      timeout: 60_000,
    });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  function prFile(name: string, apiGroup: string, kind: string, extra = ''): string {
    const file = path.join(tmp, `${name}.yaml`);
    writeFileSync(
      file,
      `apiVersion: syncagent.kcp.io/v1alpha1\nkind: PublishedResource\nmetadata:\n  name: ${name}\n` +
        `spec:\n  resource:\n    apiGroup: "${apiGroup}"\n    kind: ${kind}\n${extra}`,
    );
    return file;
  }

  beforeAll(async () => {
    if (!existsSync(TOOLKIT)) execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'pubres-toolkit-e2e-'));
    cluster = await startServiceCluster({
      name: 'schema-toolkit',
      artifactsDir: artifactsDirFor('schema-toolkit'),
    });
    const client = RestClient.fromKubeconfig(cluster.kubeconfigPath);
    for (const [caseName, probe] of [
      ['single-version', '/apis/example.com/v1/crontabs'],
      ['served-values', '/apis/values.example.com/v1/gizmos'],
    ] as const) {
      const crd = parse(readFileSync(path.join(CASES, `${caseName}/crd.yaml`), 'utf8')) as any;
      delete crd.status;
      delete crd.metadata.uid;
      delete crd.metadata.resourceVersion;
      delete crd.metadata.creationTimestamp;
      await client.create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
      await waitFor(async () => ((await client.getOrUndefined(probe)) ? true : undefined), {
        description: `the ${caseName} CRD to be served`,
        timeoutMs: 60_000,
      });
    }
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await cluster?.stop();
  }, STEP_TIMEOUT);

  // The goldens were computed from the CRD file (generation 3); the server's object has generation 1.
  const atGeneration1 = (golden: string) =>
    golden
      .replace('source-generation: "3"', 'source-generation: "1"')
      .replace(/^ {2}generation: 3$/m, '  generation: 1');

  it.each(['plain', 'all-fields', 'empty-lists', 'kind-only', 'group-plural', 'scope-namespaced'])(
    'CRD with PublishedResource %s: --ars and projected CRD equal the Go oracle goldens',
    (prName) => {
      const file = path.join(CASES, `single-version/pubres-${prName}.yaml`);
      const ars = toolkit(['crd', '--ars', file]);
      expect(ars.stderr).toBe('');
      expect(ars.status).toBe(0);
      expect(ars.stdout).toBe(
        atGeneration1(readFileSync(path.join(GOLDEN, `single-version/${prName}.ars.yaml`), 'utf8')),
      );
      const projected = toolkit(['crd', file]);
      expect(projected.status).toBe(0);
      expect(projected.stdout).toBe(
        atGeneration1(readFileSync(path.join(GOLDEN, `single-version/${prName}.projected.yaml`), 'utf8')),
      );
    },
  );

  // Defaults, enums and examples as the API server re-serialises them (sorted keys, Go numbers, HTML
  // escaping) hash exactly like the oracle's reading of the file.
  it.each(['plain', 'projected'])(
    'CRD with raw JSON values, PublishedResource %s: --ars equals the golden',
    (prName) => {
      const r = toolkit(['crd', '--ars', path.join(CASES, `served-values/pubres-${prName}.yaml`)]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(readFileSync(path.join(GOLDEN, `served-values/${prName}.ars.yaml`), 'utf8'));
    },
  );

  it('--no-projection prints the source CRD as the agent reduces it', () => {
    const r = toolkit(['crd', '--no-projection', path.join(CASES, 'single-version/pubres-all-fields.yaml')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      atGeneration1(readFileSync(path.join(GOLDEN, 'single-version/source.yaml'), 'utf8')),
    );
  });

  it('ConfigMap (core group, OpenAPI fallback)', () => {
    const r = toolkit(['crd', '--ars', prFile('configmap', '', 'ConfigMap')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const ars = parse(r.stdout);
    expect(ars.metadata.name).toMatch(/^v[0-9a-f]{8}\.configmaps\.$/);
    expect(ars.spec.group).toBe('');
    expect(ars.spec.scope).toBe('Namespaced');
    expect(ars.spec.names).toEqual({
      plural: 'configmaps',
      singular: 'configmap',
      kind: 'ConfigMap',
      listKind: 'ConfigMapList',
      shortNames: ['cm'],
    });
    expect(ars.spec.versions.map((v: any) => v.name)).toEqual(['v1']);
    const schema = ars.spec.versions[0].schema;
    expect(schema.properties.metadata).toEqual({ type: 'object' });
    expect(schema.properties.data.additionalProperties.type).toBe('string');
    expect(schema.properties.binaryData.additionalProperties).toEqual(
      expect.objectContaining({ type: 'string', format: 'byte' }),
    );
    expect(ars.spec.conversion).toBeUndefined();
  });

  it('Role (protected group, OpenAPI fallback)', () => {
    const r = toolkit(['crd', '--ars', prFile('role', 'rbac.authorization.k8s.io', 'Role')]);
    expect(r.status).toBe(0);
    const ars = parse(r.stdout);
    expect(ars.metadata.name).toMatch(/^v[0-9a-f]{8}\.roles\.rbac\.authorization\.k8s\.io$/);
    expect(ars.spec.names).toEqual({ plural: 'roles', singular: 'role', kind: 'Role', listKind: 'RoleList' });
    expect(ars.spec.versions.map((v: any) => [v.name, v.served, v.storage])).toEqual([['v1', true, true]]);
    expect(ars.spec.versions[0].subresources).toEqual({});
    const rules = ars.spec.versions[0].schema.properties.rules;
    expect(rules.type).toBe('array');
    expect(rules.items.required).toEqual(['verbs']);
    // the approval annotation is on the CRD, not propagated to the ARS
    const crd = parse(toolkit(['crd', prFile('role2', 'rbac.authorization.k8s.io', 'Role')]).stdout);
    expect(crd.metadata.annotations).toEqual({
      'api-approved.kubernetes.io': 'https://github.com/kcp-dev/kubernetes/pull/4',
    });
    expect(ars.metadata.annotations['api-approved.kubernetes.io']).toBeUndefined();
  });

  it('HorizontalPodAutoscaler (two versions, status subresource, OpenAPI fallback)', () => {
    const r = toolkit(['crd', '--ars', prFile('hpa', 'autoscaling', 'HorizontalPodAutoscaler')]);
    expect(r.status).toBe(0);
    const ars = parse(r.stdout);
    expect(ars.metadata.name).toMatch(/^v[0-9a-f]{8}\.horizontalpodautoscalers\.autoscaling$/);
    expect(ars.spec.names).toEqual({
      plural: 'horizontalpodautoscalers',
      singular: 'horizontalpodautoscaler',
      kind: 'HorizontalPodAutoscaler',
      listKind: 'HorizontalPodAutoscalerList',
      shortNames: ['hpa'],
      categories: ['all'],
    });
    expect(ars.spec.versions.map((v: any) => v.name)).toEqual(['v1', 'v2']);
    for (const v of ars.spec.versions) expect(v.subresources).toEqual({ status: {} });
    expect(ars.spec.versions.filter((v: any) => v.storage).map((v: any) => v.name)).toEqual(['v2']);
    expect(ars.spec.conversion).toEqual({ strategy: 'None' });
    // quantities become int-or-string with the quantity pattern
    const metricTarget =
      ars.spec.versions[1].schema.properties.spec.properties.metrics.items.properties.resource.properties
        .target.properties.averageValue;
    expect(metricTarget['x-kubernetes-int-or-string']).toBe(true);
    expect(metricTarget.anyOf).toEqual([{ type: 'integer' }, { type: 'string' }]);
    // selecting one version and projecting it
    const v1only = toolkit([
      'crd',
      prFile(
        'hpa-v1',
        'autoscaling',
        'HorizontalPodAutoscaler',
        '    versions: [v1]\n  projection:\n    version: v9\n',
      ),
    ]);
    expect(v1only.status).toBe(0);
    const crd = parse(v1only.stdout);
    expect(crd.spec.versions.map((v: any) => [v.name, v.storage])).toEqual([['v9', true]]);
  });

  it('reports errors like the Go tool', () => {
    const noKubeconfig = toolkit(['crd', prFile('x', 'example.com', 'CronTab')], { KUBECONFIG: '' });
    expect(noKubeconfig.status).toBe(1);
    expect(noKubeconfig.stderr).toContain('--kubeconfig or $KUBECONFIG are required for this command');
    const noArgs = toolkit(['crd']);
    expect(noArgs.status).toBe(1);
    expect(noArgs.stderr).toContain('expected exactly one argument');
    const missing = toolkit(['crd', prFile('missing', 'example.com', 'Nothing')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('could not find Nothing.example.com in APIs');
    const both = toolkit(['crd', path.join(CASES, 'single-version/pubres-both-versions.yaml')]);
    expect(both.status).toBe(1);
    expect(both.stderr).toContain(
      'cannot configure both .version and .versions in as the source of a PublishedResource',
    );
    const badGroup = toolkit(['crd', '--ars', path.join(CASES, 'single-version/pubres-bad-group.yaml')]);
    expect(badGroup.status).toBe(1);
    expect(badGroup.stderr).toContain(
      readFileSync(path.join(GOLDEN, 'single-version/bad-group.error.txt'), 'utf8').trim(),
    );
  });
});
