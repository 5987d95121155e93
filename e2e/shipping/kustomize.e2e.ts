// Proof for the kustomize base (issue 8): the API server of a real service cluster accepts every
// object (`kubectl apply --dry-run=server -k`), the CRD copy equals crds/, and the real agent parses
// the Deployment's command line (it gets past flag validation and fails only at startup).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { artifactsDirFor } from '../world/run.js';
import { startServiceCluster, type ServiceCluster } from '../world/service-cluster.js';
import { agentArgs, kubectl, parseDocs, REPO_ROOT, runAgent, withFlag, type KubeDoc } from './support.js';

const STEP_TIMEOUT = 180_000;
const BASE = path.join(REPO_ROOT, 'manifests', 'base');

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
      // The leader-election Lease, state Secrets (incl. delete, decision #10) and events.
      expect(can('update', 'leases.coordination.k8s.io', 'api-syncagent')).toBe('yes');
      expect(can('delete', 'secrets', 'api-syncagent')).toBe('yes');
      expect(can('create', 'events', 'default')).toBe('yes');
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
});
