// Proof for the kustomize base: the API server of a real service cluster accepts every
// object (`kubectl apply --dry-run=server -k`), the CRD copy equals crds/, and the real agent parses
// the Deployment's command line (it gets past flag validation and fails only at startup).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { artifactsDirFor } from '../world/run.js';
import { startServiceCluster, type ServiceCluster } from '../world/service-cluster.js';
import { agentArgs, kubectl, parseDocs, REPO_ROOT, runAgent, withFlag, type KubeDoc } from './support.js';

const STEP_TIMEOUT = 180_000;
const BASE = path.join(REPO_ROOT, 'manifests', 'base');
const OVERLAY = path.join(REPO_ROOT, 'manifests', 'overlays', 'example');

describe('manifests/base', () => {
  let cluster: ServiceCluster;
  let rendered: string;
  let docs: KubeDoc[];

  beforeAll(async () => {
    const built = kubectl(['kustomize', BASE]);
    if (built.code !== 0) throw new Error(`kubectl kustomize ${BASE} failed: ${built.stderr}`);
    rendered = built.stdout;
    docs = parseDocs(rendered);
    cluster = await startServiceCluster({
      name: 'shipping-kustomize',
      artifactsDir: artifactsDirFor('shipping-kustomize'),
    });
  }, STEP_TIMEOUT);
  afterAll(async () => {
    await cluster?.stop();
  }, STEP_TIMEOUT);

  it('renders the objects of a complete install', () => {
    const kinds = docs.map((d) => `${d.kind}/${d.metadata?.name}`).sort();
    expect(kinds).toEqual(
      [
        'ClusterRole/api-syncagent',
        'ClusterRoleBinding/api-syncagent',
        'CustomResourceDefinition/publishedresources.syncagent.kcp.io',
        'Deployment/api-syncagent',
        'Namespace/api-syncagent',
        'PodDisruptionBudget/api-syncagent',
        'Role/api-syncagent',
        'Role/api-syncagent:events',
        'RoleBinding/api-syncagent',
        'RoleBinding/api-syncagent:events',
        'Service/api-syncagent-metrics',
        'ServiceAccount/api-syncagent',
      ].sort(),
    );
  });

  it('ships the CRD of crds/ unchanged', () => {
    expect(readFileSync(path.join(BASE, 'crd-publishedresources.yaml'), 'utf8')).toBe(
      readFileSync(path.join(REPO_ROOT, 'crds', 'syncagent.kcp.io_publishedresources.yaml'), 'utf8'),
    );
  });

  it(
    'is accepted by a real kube-apiserver (apply --dry-run=server)',
    () => {
      // The namespace must exist for a server-side dry run of the namespaced objects.
      const ns = kubectl([
        '--kubeconfig',
        cluster.kubeconfigPath,
        'create',
        'namespace',
        'api-syncagent',
        '--save-config',
      ]);
      expect(ns.stderr).toBe('');
      const dry = kubectl(['--kubeconfig', cluster.kubeconfigPath, 'apply', '--dry-run=server', '-k', BASE]);
      expect(dry.stderr).toBe('');
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain('deployment.apps/api-syncagent created (server dry run)');
      expect(dry.stdout).toContain(
        'customresourcedefinition.apiextensions.k8s.io/publishedresources.syncagent.kcp.io created (server dry run)',
      );
    },
    STEP_TIMEOUT,
  );

  it(
    'applies for real, and the example RBAC binds to its ServiceAccount',
    () => {
      const applied = kubectl(['--kubeconfig', cluster.kubeconfigPath, 'apply', '--server-side', '-k', BASE]);
      expect(applied.stderr).toBe('');
      const examples = path.join(REPO_ROOT, 'manifests', 'examples');
      for (const f of ['crontab-crd.yaml', 'service-rbac-crontabs.yaml']) {
        const r = kubectl(['--kubeconfig', cluster.kubeconfigPath, 'apply', '-f', path.join(examples, f)]);
        expect(r.stderr).toBe('');
      }
      // The sample PublishedResource is valid against the shipped CRD (CEL rules included); the CRD
      // needs a moment to be established.
      const wait = kubectl([
        '--kubeconfig',
        cluster.kubeconfigPath,
        'wait',
        '--for=condition=Established',
        'crd/publishedresources.syncagent.kcp.io',
        'crd/crontabs.example.com',
        '--timeout=60s',
      ]);
      expect(wait.code).toBe(0);
      const pr = kubectl([
        '--kubeconfig',
        cluster.kubeconfigPath,
        'apply',
        '--dry-run=server',
        '-f',
        path.join(examples, 'crontab-publishedresource.yaml'),
      ]);
      expect(pr.stderr).toBe('');
      const sa = 'system:serviceaccount:api-syncagent:api-syncagent';
      const can = (verb: string, resource: string, ns?: string, ...extra: string[]): string =>
        kubectl([
          '--kubeconfig',
          cluster.kubeconfigPath,
          'auth',
          'can-i',
          verb,
          resource,
          '--as',
          sa,
          ...(ns ? ['-n', ns] : []),
          ...extra,
        ]).stdout.trim();
      // The leader-election Lease, state Secrets (incl. delete) and events.
      expect(can('update', 'leases.coordination.k8s.io', 'api-syncagent')).toBe('yes');
      expect(can('delete', 'secrets', 'api-syncagent')).toBe('yes');
      expect(can('create', 'events', 'default')).toBe('yes');
      // Events about copies anywhere, for PublishedResources that mirror them (read only).
      expect(can('watch', 'events', undefined, '--all-namespaces')).toBe('yes');
      expect(can('delete', 'events', 'some-team')).toBe('no');
      expect(can('watch', 'publishedresources.syncagent.kcp.io')).toBe('yes');
      expect(can('patch', 'publishedresources.syncagent.kcp.io', undefined, '--subresource=status')).toBe(
        'yes',
      );
      expect(can('create', 'namespaces')).toBe('yes');
      expect(can('patch', 'crontabs.example.com', 'some-team')).toBe('yes');
      // Least privilege: no Secrets outside its namespace, never deletes namespaces or CRDs.
      expect(can('get', 'secrets', 'kube-system')).toBe('no');
      expect(can('delete', 'namespaces')).toBe('no');
      expect(can('update', 'customresourcedefinitions.apiextensions.k8s.io')).toBe('no');
    },
    STEP_TIMEOUT,
  );

  it(
    'has a command line the agent accepts: validation passes, startup fails on the missing kcp kubeconfig',
    () => {
      const args = agentArgs(docs, 'api-syncagent');
      expect(args).toEqual(
        expect.arrayContaining([
          '--namespace=api-syncagent',
          '--agent-name=example-syncagent',
          '--enable-leader-election=true',
          '--health-address=:8081',
          '--metrics-address=:8085',
        ]),
      );
      // Out of cluster and without the mounted kcp kubeconfig: past flag parsing (no exit 2) and
      // past validation (the greeting is logged), then a fatal startup error (exit 1).
      const kubeconfig = path.join(cluster.dir, 'shipping-agent.kubeconfig');
      writeFileSync(kubeconfig, readFileSync(cluster.kubeconfigPath));
      const run = runAgent(withFlag(args, 'kubeconfig', kubeconfig));
      expect(run.stderr).not.toContain('unknown flag');
      expect(run.stderr).not.toContain('Invalid command line');
      expect(run.stderr).toContain("Moin, I'm the kcp Sync Agent");
      expect(run.stderr).toContain('/etc/api-syncagent/kcp/kubeconfig');
      expect(run.code).toBe(1);

      const help = runAgent([...args, '--help']);
      expect(help.code).toBe(0);
      expect(help.stderr).toContain('--apiexportendpointslice-ref');
    },
    STEP_TIMEOUT,
  );
  it(
    'shows READY, SCHEMA, AGE (and REASON with -o wide) in kubectl get publishedresources',
    () => {
      const k = (...args: string[]) => kubectl(['--kubeconfig', cluster.kubeconfigPath, ...args]);
      // The CRD is installed by the test above; a PublishedResource with the status the agent writes.
      const created = k(
        'apply',
        '-f',
        path.join(REPO_ROOT, 'manifests', 'examples', 'crontab-publishedresource.yaml'),
      );
      expect(created.stderr).toBe('');
      const name = parseDocs(
        readFileSync(path.join(REPO_ROOT, 'manifests', 'examples', 'crontab-publishedresource.yaml'), 'utf8'),
      )[0]!.metadata!.name!;
      const status = {
        status: {
          resourceSchemaName: 'v1e2f3a4b.crontabs.example.com',
          conditions: [
            {
              type: 'Ready',
              status: 'False',
              reason: 'SchemaNotPublished',
              message: 'x',
              lastTransitionTime: '2026-01-01T00:00:00Z',
            },
          ],
        },
      };
      const patched = k(
        'patch',
        'publishedresource',
        name,
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify(status),
      );
      expect(patched.stderr).toBe('');
      const table = k('get', 'publishedresources');
      expect(table.stderr).toBe('');
      const [header, row] = table.stdout.trim().split('\n');
      expect(header!.split(/\s+/)).toEqual(['NAME', 'READY', 'SCHEMA', 'AGE']);
      expect(row!.split(/\s+/).slice(0, 3)).toEqual([name, 'False', 'v1e2f3a4b.crontabs.example.com']);
      const wide = k('get', 'publishedresources', '-o', 'wide');
      const [wideHeader, wideRow] = wide.stdout.trim().split('\n');
      expect(wideHeader!.split(/\s+/)).toEqual(['NAME', 'READY', 'SCHEMA', 'AGE', 'REASON']);
      expect(wideRow!.split(/\s+/).at(-1)).toBe('SchemaNotPublished');
    },
    STEP_TIMEOUT,
  );
});

describe('manifests/overlays/example', () => {
  let cluster: ServiceCluster;
  let docs: KubeDoc[];

  beforeAll(async () => {
    const built = kubectl(['kustomize', OVERLAY]);
    if (built.code !== 0) throw new Error(`kubectl kustomize ${OVERLAY} failed: ${built.stderr}`);
    docs = parseDocs(built.stdout);
    cluster = await startServiceCluster({
      name: 'shipping-overlay',
      artifactsDir: artifactsDirFor('shipping-overlay'),
    });
  }, STEP_TIMEOUT);
  afterAll(async () => {
    await cluster?.stop();
  }, STEP_TIMEOUT);

  const find = (kind: string, name: string) => {
    const d = docs.find((x) => x.kind === kind && x.metadata?.name === name);
    if (!d) throw new Error(`${kind}/${name} not rendered`);
    return d;
  };

  it('sets namespace, image and flags; the events Role stays in default and binds the moved ServiceAccount', () => {
    expect(find('Namespace', 'provider-initech')).toBeDefined();
    for (const d of docs.filter((x) => x.metadata?.namespace !== undefined)) {
      const inDefault = d.metadata?.name === 'api-syncagent:events';
      expect(`${d.kind}/${d.metadata?.name} in ${d.metadata?.namespace}`).toBe(
        `${d.kind}/${d.metadata?.name} in ${inDefault ? 'default' : 'provider-initech'}`,
      );
    }
    const binding = find('RoleBinding', 'api-syncagent:events') as unknown as {
      subjects: { name: string; namespace: string }[];
    };
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'api-syncagent', namespace: 'provider-initech' },
    ]);
    const deployment = find('Deployment', 'api-syncagent') as unknown as {
      spec: { template: { spec: { containers: { image: string }[]; topologySpreadConstraints: unknown[] } } };
    };
    expect(deployment.spec.template.spec.containers[0]!.image).toBe(
      'registry.example.com/initech/api-syncagent-ts:0.1.0',
    );
    expect(deployment.spec.template.spec.topologySpreadConstraints).toHaveLength(2);
    expect(find('PodDisruptionBudget', 'api-syncagent')).toBeDefined();
    expect(agentArgs(docs, 'provider-initech')).toEqual(
      expect.arrayContaining([
        '--namespace=provider-initech',
        '--agent-name=initech-syncagent',
        '--apiexportendpointslice-ref=initech.example.com',
        '--published-resource-selector=agent=initech',
        '--log-format=Console',
      ]),
    );
    // The build-time ConfigMap is not part of the output.
    expect(docs.some((d) => d.metadata?.name === 'events-namespace')).toBe(false);
  });

  it(
    'applies for real; the agent may record PublishedResource events in default',
    () => {
      const k = (...args: string[]) => kubectl(['--kubeconfig', cluster.kubeconfigPath, ...args]);
      const applied = k('apply', '--server-side', '-k', OVERLAY);
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      const sa = 'system:serviceaccount:provider-initech:api-syncagent';
      expect(k('auth', 'can-i', 'create', 'events', '-n', 'default', '--as', sa).stdout.trim()).toBe('yes');
      expect(
        k(
          'auth',
          'can-i',
          'update',
          'leases.coordination.k8s.io',
          '-n',
          'provider-initech',
          '--as',
          sa,
        ).stdout.trim(),
      ).toBe('yes');
      expect(k('auth', 'can-i', 'create', 'namespaces', '--as', sa).stdout.trim()).toBe('yes');
      // The base is untouched by the overlay (still renders its own namespace).
      const base = parseDocs(kubectl(['kustomize', BASE]).stdout);
      expect(base.find((d) => d.kind === 'Deployment')?.metadata?.namespace).toBe('api-syncagent');
    },
    STEP_TIMEOUT,
  );
});

describe('manifests/components/sharding', () => {
  it('turns an overlay into 3 sharded replicas with a command line the agent accepts', () => {
    // An overlay of a provider (the example) with the component, built from inside the repository
    // (kustomize loads only relative paths).
    const dir = artifactsDirFor('shipping-kustomize-sharded');
    mkdirSync(dir, { recursive: true });
    const rel = (p: string) => path.relative(dir, path.join(REPO_ROOT, p));
    writeFileSync(
      path.join(dir, 'kustomization.yaml'),
      `resources:\n  - ${rel('manifests/overlays/example')}\n` +
        `components:\n  - ${rel('manifests/components/sharding')}\n`,
    );
    const built = kubectl(['kustomize', dir]);
    expect(built.stderr).toBe('');
    const docs = parseDocs(built.stdout);
    const deployment = docs.find((d) => d.kind === 'Deployment') as unknown as { spec: { replicas: number } };
    expect(deployment.spec.replicas).toBe(3);
    const args = agentArgs(docs, 'provider-initech');
    expect(args).toEqual(
      expect.arrayContaining([
        '--enable-leader-election=true',
        '--enable-sharding',
        '--agent-name=initech-syncagent',
      ]),
    );
    // Past flag parsing and validation; fails only at startup on the missing kubeconfigs.
    const run = runAgent(withFlag(args, 'kubeconfig', path.join(dir, 'missing.kubeconfig')));
    expect(run.stderr).not.toContain('unknown flag');
    expect(run.stderr).not.toContain('Invalid command line');
    expect(run.stderr).toContain("Moin, I'm the kcp Sync Agent");
    expect(run.code).toBe(1);
  });
});
