// Proof for the Helm chart: rendered by a real helm (built from the Go module proxy by
// hack/image/ensure-helm.sh) with a Go-chart values file, accepted by a real kube-apiserver
// (`kubectl apply --dry-run=server`), and its agent command line parsed by the real agent.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { artifactsDirFor } from '../world/run.js';
import { startServiceCluster, type ServiceCluster } from '../world/service-cluster.js';
import { agentArgs, helmBinary, kubectl, parseDocs, REPO_ROOT, runAgent, withFlag } from './support.js';

const STEP_TIMEOUT = 180_000;
const CHART = path.join(REPO_ROOT, 'charts', 'api-syncagent');

function helmTemplate(
  valuesFile: string,
  extra: string[] = [],
): { code: number | null; out: string; err: string } {
  const r = spawnSync(
    helmBinary(),
    ['template', 'initech', CHART, '--namespace', 'agents', '-f', valuesFile, ...extra],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// A values file as written for the Go chart 0.6.x (legacy apiExportName, no newer keys).
const GO_CHART_VALUES = `
apiExportName: initech.example.com
agentName: initech-agent
kcpKubeconfig: kcp-kubeconfig
publishedResourceSelector: "agent=initech"
disabledControllers: [apiresourceschema]
extraFlags: ["--log-format=Console"]
replicas: 3
image:
  repository: ghcr.io/kcp-dev/api-syncagent
  tag: v0.7.0
resources:
  requests:
    cpu: 10m
serviceAccount:
  create: true
extraLabels:
  team: initech
global:
  imagePullSecrets:
    - name: regcred
`;

describe('charts/api-syncagent', () => {
  let cluster: ServiceCluster;
  let valuesFile: string;

  beforeAll(async () => {
    cluster = await startServiceCluster({
      name: 'shipping-chart',
      artifactsDir: artifactsDirFor('shipping-chart'),
    });
    valuesFile = path.join(cluster.dir, 'go-chart-values.yaml');
    writeFileSync(valuesFile, GO_CHART_VALUES);
  }, STEP_TIMEOUT);
  afterAll(async () => {
    await cluster?.stop();
  }, STEP_TIMEOUT);

  it('ships the CRD of crds/ unchanged', () => {
    expect(readFileSync(path.join(CHART, 'files', 'syncagent.kcp.io_publishedresources.yaml'), 'utf8')).toBe(
      readFileSync(path.join(REPO_ROOT, 'crds', 'syncagent.kcp.io_publishedresources.yaml'), 'utf8'),
    );
  });

  it('maps the legacy apiExportName to the endpoint slice of the same name, never --apiexport-ref', () => {
    const r = helmTemplate(valuesFile);
    expect(r.err).toBe('');
    const args = agentArgs(parseDocs(r.out), 'agents');
    expect(args).toContain('--apiexportendpointslice-ref=initech.example.com');
    expect(args.some((a) => a.startsWith('--apiexport-ref'))).toBe(false);
    expect(args).toEqual(
      expect.arrayContaining([
        '--namespace=agents',
        '--agent-name=initech-agent',
        '--enable-leader-election=true',
        '--published-resource-selector=agent=initech',
        '--disabled-controllers=apiresourceschema',
        '--log-format=Console',
      ]),
    );
    // An explicit slice name wins over the legacy value.
    const both = helmTemplate(valuesFile, ['--set', 'apiExportEndpointSliceName=slice']);
    expect(agentArgs(parseDocs(both.out), 'agents')).toContain('--apiexportendpointslice-ref=slice');
  });

  it('refuses to render without the required values, naming them', () => {
    const empty = path.join(cluster.dir, 'empty-values.yaml');
    writeFileSync(empty, 'kcpKubeconfig: kcp\n');
    const r = helmTemplate(empty);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('apiExportEndpointSliceName (or the legacy apiExportName) is required');
  });

  it(
    'is accepted by a real kube-apiserver (apply --dry-run=server), with metrics and without CRDs',
    () => {
      const ns = kubectl(['--kubeconfig', cluster.kubeconfigPath, 'create', 'namespace', 'agents']);
      expect(ns.code).toBe(0);
      for (const extra of [[], ['--set', 'metrics.enabled=true', '--set', 'crds.enabled=false']]) {
        const r = helmTemplate(valuesFile, extra);
        expect(r.err).toBe('');
        const dry = kubectl(
          ['--kubeconfig', cluster.kubeconfigPath, 'apply', '--dry-run=server', '-f', '-'],
          {
            input: r.out,
          },
        );
        expect(dry.stderr).toBe('');
        expect(dry.stdout).toContain('deployment.apps/initech-api-syncagent created (server dry run)');
      }
    },
    STEP_TIMEOUT,
  );

  it(
    'renders a command line the agent accepts (validation passes, startup fails on the kcp kubeconfig)',
    () => {
      const args = agentArgs(parseDocs(helmTemplate(valuesFile).out), 'agents');
      const kubeconfig = path.join(cluster.dir, 'chart-agent.kubeconfig');
      writeFileSync(kubeconfig, readFileSync(cluster.kubeconfigPath));
      const run = runAgent(withFlag(args, 'kubeconfig', kubeconfig));
      expect(run.stderr).not.toContain('unknown flag');
      expect(run.stderr).not.toContain('Invalid command line');
      expect(run.stderr).toContain("Moin, I'm the kcp Sync Agent");
      expect(run.stderr).toContain('/etc/api-syncagent/kcp/kubeconfig');
      expect(run.code).toBe(1);
    },
    STEP_TIMEOUT,
  );

  it(
    'renders sharding.enabled as --enable-sharding with the member Lease timings, which the agent accepts',
    () => {
      // Off by default: a Go-chart values file renders no sharding flag.
      const plain = agentArgs(parseDocs(helmTemplate(valuesFile).out), 'agents');
      expect(plain.filter((a) => a.includes('shard'))).toEqual([]);

      const r = helmTemplate(valuesFile, [
        '--set',
        'sharding.enabled=true',
        '--set',
        'sharding.leaseDuration=6s',
        '--set',
        'sharding.renewDeadline=4s',
        '--set',
        'sharding.retryPeriod=1s',
      ]);
      expect(r.err).toBe('');
      const args = agentArgs(parseDocs(r.out), 'agents');
      expect(args).toEqual(
        expect.arrayContaining([
          '--enable-leader-election=true',
          '--enable-sharding',
          '--shard-lease-duration=6s',
          '--shard-renew-deadline=4s',
          '--shard-retry-period=1s',
        ]),
      );
      const kubeconfig = path.join(cluster.dir, 'chart-sharded-agent.kubeconfig');
      writeFileSync(kubeconfig, readFileSync(cluster.kubeconfigPath));
      const run = runAgent(withFlag(args, 'kubeconfig', kubeconfig));
      expect(run.stderr).not.toContain('unknown flag');
      expect(run.stderr).not.toContain('Invalid command line');
      expect(run.stderr).toContain("Moin, I'm the kcp Sync Agent");
      expect(run.code).toBe(1);

      // Sharding without leader election is refused at render time, naming both values.
      const refused = helmTemplate(valuesFile, [
        '--set',
        'sharding.enabled=true',
        '--set',
        'enableLeaderElection=false',
      ]);
      expect(refused.code).not.toBe(0);
      expect(refused.err).toContain('sharding.enabled needs enableLeaderElection');
    },
    STEP_TIMEOUT,
  );
});
