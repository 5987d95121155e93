// Proof that the Helm chart replaces the Go chart (kcp-dev/helm-charts api-syncagent 0.6.x) on a real
// kube-apiserver: a release holding exactly the objects the Go chart creates is upgraded with
// charts/api-syncagent and every object is updated in place (same UID), the Go chart's values files
// (documented defaults, a production file, both hostAliases shapes) render and apply, and two
// releases of the same name in different namespaces install side by side.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';

import { artifactsDirFor } from '../world/run.js';
import { startServiceCluster, type ServiceCluster } from '../world/service-cluster.js';
import { helm, kubectl, serverDryRun, parseDocs, REPO_ROOT, type KubeDoc } from './support.js';

const STEP_TIMEOUT = 240_000;
const CHART = path.join(REPO_ROOT, 'charts', 'api-syncagent');
const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const PRODUCTION_VALUES = path.join(FIXTURES, 'go-chart-production-values.yaml');
const DEFAULT_VALUES = path.join(FIXTURES, 'go-chart-default-values.yaml');

/** Every object the Go chart creates for release `initech` in `agents` (kind, namespace, name). */
const GO_CHART_OBJECTS: [string, string | undefined, string][] = [
  ['serviceaccount', 'agents', 'initech-api-syncagent'],
  ['deployment.apps', 'agents', 'initech-api-syncagent'],
  ['role.rbac.authorization.k8s.io', 'agents', 'initech-api-syncagent:leaderelection'],
  [
    'rolebinding.rbac.authorization.k8s.io',
    'agents',
    'initech-api-syncagent:initech-api-syncagent:leaderelection',
  ],
  ['role.rbac.authorization.k8s.io', 'default', 'initech-api-syncagent:agents:events'],
  ['rolebinding.rbac.authorization.k8s.io', 'default', 'initech-api-syncagent:agents:events'],
  ['clusterrole.rbac.authorization.k8s.io', undefined, 'initech-api-syncagent:agents'],
  ['clusterrolebinding.rbac.authorization.k8s.io', undefined, 'initech-api-syncagent:agents'],
  ['customresourcedefinition.apiextensions.k8s.io', undefined, 'publishedresources.syncagent.kcp.io'],
];

describe('charts/api-syncagent replacing the Go chart', () => {
  let cluster: ServiceCluster;
  let home: string;
  const k = (...args: string[]) => kubectl(['--kubeconfig', cluster.kubeconfigPath, ...args]);
  const h = (...args: string[]) => helm([...args, '--kubeconfig', cluster.kubeconfigPath], home);
  const uid = (kind: string, ns: string | undefined, name: string): string => {
    const r = k('get', kind, name, ...(ns ? ['-n', ns] : []), '-o', 'jsonpath={.metadata.uid}');
    if (r.code !== 0) throw new Error(`get ${kind} ${ns ?? ''}/${name}: ${r.stderr}`);
    return r.stdout;
  };
  const canI = (sa: string, verb: string, resource: string, ns?: string): string =>
    k('auth', 'can-i', verb, resource, '--as', sa, ...(ns ? ['-n', ns] : [])).stdout.trim();

  beforeAll(async () => {
    cluster = await startServiceCluster({
      name: 'shipping-chart-upgrade',
      artifactsDir: artifactsDirFor('shipping-chart-upgrade'),
    });
    home = path.join(cluster.dir, 'helm-home');
    mkdirSync(home, { recursive: true });
    for (const ns of ['agents', 'team-a', 'team-b', 'plain'])
      expect(k('create', 'namespace', ns).code).toBe(0);
  }, STEP_TIMEOUT);
  afterAll(async () => {
    await cluster?.stop();
  }, STEP_TIMEOUT);

  it(
    'upgrades a Go-chart release in place: no object is re-created, the selector is unchanged',
    () => {
      // The Go chart's release: its objects plus its copy of the CRD (the same schema, no printer
      // columns), installed by Helm so that the release history is the one a Go-chart user has.
      const goChart = path.join(cluster.dir, 'go-chart');
      mkdirSync(path.join(goChart, 'templates'), { recursive: true });
      writeFileSync(
        path.join(goChart, 'Chart.yaml'),
        'apiVersion: v2\nname: api-syncagent\nversion: 0.6.2\nappVersion: v0.7.0\n',
      );
      copyFileSync(
        path.join(FIXTURES, 'go-chart-0.6-objects.yaml'),
        path.join(goChart, 'templates', 'objects.yaml'),
      );
      const crd = parseAllDocuments(
        readFileSync(path.join(REPO_ROOT, 'crds', 'syncagent.kcp.io_publishedresources.yaml'), 'utf8'),
      )
        .map((d) => d.toJS() as { spec?: { versions?: Record<string, unknown>[] } } | null)
        .find((d) => d?.spec?.versions);
      for (const v of crd!.spec!.versions!) delete v.additionalPrinterColumns;
      // Its descriptions hold template text (`{{ .Object... }}`): included as a file, not parsed.
      mkdirSync(path.join(goChart, 'files'));
      writeFileSync(path.join(goChart, 'files', 'crd.yaml'), stringify(crd));
      writeFileSync(
        path.join(goChart, 'templates', 'crd-publishedresource.yaml'),
        '{{ .Files.Get "files/crd.yaml" }}\n',
      );

      const installed = h('install', 'initech', goChart, '-n', 'agents');
      expect(installed.stderr).toBe('');
      expect(installed.code).toBe(0);
      const before = GO_CHART_OBJECTS.map(([kind, ns, name]) => uid(kind, ns, name));

      const upgraded = h(
        'upgrade',
        'initech',
        CHART,
        '-n',
        'agents',
        '-f',
        PRODUCTION_VALUES,
        '--set',
        'image.repository=ghcr.io/kcp-dev/api-syncagent-ts',
        '--set',
        'image.tag=0.1.0',
      );
      expect(upgraded.stderr).toBe('');
      expect(upgraded.code).toBe(0);
      const after = GO_CHART_OBJECTS.map(([kind, ns, name]) => uid(kind, ns, name));
      expect(after).toEqual(before);

      const deployment = JSON.parse(
        k('get', 'deployment', 'initech-api-syncagent', '-n', 'agents', '-o', 'json').stdout,
      ) as {
        spec: {
          selector: { matchLabels: Record<string, string> };
          template: { spec: { containers: { image: string }[]; hostAliases?: unknown[] } };
        };
      };
      expect(deployment.spec.selector.matchLabels).toEqual({
        'app.kubernetes.io/name': 'kcp-api-syncagent',
        'app.kubernetes.io/instance': 'initech-agent',
      });
      expect(deployment.spec.template.spec.containers[0]!.image).toBe(
        'ghcr.io/kcp-dev/api-syncagent-ts:0.1.0',
      );
      expect(deployment.spec.template.spec.hostAliases).toEqual([
        { ip: '10.96.188.4', hostnames: ['kcp.example.internal'] },
      ]);
      // The CRD gained the printer columns in place.
      const columns = k(
        'get',
        'crd',
        'publishedresources.syncagent.kcp.io',
        '-o',
        'jsonpath={.spec.versions[0].additionalPrinterColumns[*].name}',
      );
      expect(columns.stdout).toContain('Ready');
      // New objects of this chart: a PodDisruptionBudget for the two replicas.
      expect(k('get', 'pdb', 'initech-api-syncagent', '-n', 'agents').code).toBe(0);

      const sa = 'system:serviceaccount:agents:initech-api-syncagent';
      expect(canI(sa, 'update', 'leases.coordination.k8s.io', 'agents')).toBe('yes');
      expect(canI(sa, 'delete', 'secrets', 'agents')).toBe('yes');
      expect(canI(sa, 'create', 'events', 'default')).toBe('yes');
      expect(canI(sa, 'watch', 'publishedresources.syncagent.kcp.io')).toBe('yes');

      // And back: a rollback to the Go chart's revision is as clean.
      const rollback = h('rollback', 'initech', '1', '-n', 'agents');
      expect(rollback.code).toBe(0);
      expect(GO_CHART_OBJECTS.map(([kind, ns, name]) => uid(kind, ns, name))).toEqual(before);
    },
    STEP_TIMEOUT,
  );

  it(
    "renders and applies the Go chart's documented default values and both hostAliases shapes",
    () => {
      const render = (release: string, ns: string, ...extra: string[]): KubeDoc[] => {
        const r = h('template', release, CHART, '-n', ns, ...extra);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        // Server-side: the CRD exists already (installed by the upgrade test).
        const applied = serverDryRun(cluster.kubeconfigPath, r.stdout);
        expect(applied.stderr).toBe('');
        expect(applied.code).toBe(0);
        return parseDocs(r.stdout);
      };
      const podSpec = (docs: KubeDoc[]) =>
        (
          docs.find((d) => d.kind === 'Deployment') as unknown as {
            spec: { template: { spec: Record<string, unknown> } };
          }
        ).spec.template.spec;

      // Documented defaults: `hostAliases: {enabled: false, values: [{ip: "", ...}]}` renders none.
      const defaults = render('api-syncagent', 'plain', '-f', DEFAULT_VALUES);
      expect(podSpec(defaults).hostAliases).toBeUndefined();
      const container = (podSpec(defaults).containers as { resources: unknown }[])[0];
      expect(container!.resources).toEqual({
        requests: { cpu: '100m', memory: '64Mi' },
        limits: { cpu: 1, memory: '512Mi' },
      });
      // The Go chart's `{enabled: true, values}` shape, and a plain list.
      const goShape = render(
        'api-syncagent',
        'plain',
        '-f',
        DEFAULT_VALUES,
        '--set',
        'hostAliases.enabled=true',
        '--set',
        'hostAliases.values[0].ip=1.2.3.5',
        '--set',
        'hostAliases.values[0].hostnames[0]=mysvc.example.dev.local',
      );
      expect(podSpec(goShape).hostAliases).toEqual([
        { ip: '1.2.3.5', hostnames: ['mysvc.example.dev.local'] },
      ]);
      const listFile = path.join(cluster.dir, 'hostaliases-list.yaml');
      writeFileSync(listFile, 'hostAliases:\n  - ip: 1.2.3.6\n    hostnames: [other.example]\n');
      const listShape = render('api-syncagent', 'plain', '-f', DEFAULT_VALUES, '-f', listFile);
      expect(podSpec(listShape).hostAliases).toEqual([{ ip: '1.2.3.6', hostnames: ['other.example'] }]);

      // The Go chart's initContainers and extraAnnotations (on the pods as well).
      const extraFile = path.join(cluster.dir, 'init-containers.yaml');
      writeFileSync(
        extraFile,
        'initContainers:\n  - name: wait\n    image: busybox:1.36\nextraAnnotations:\n  team: initech\n',
      );
      const extraDocs = render('api-syncagent', 'plain', '-f', DEFAULT_VALUES, '-f', extraFile);
      expect(podSpec(extraDocs).initContainers).toEqual([{ name: 'wait', image: 'busybox:1.36' }]);
      const template = (
        extraDocs.find((d) => d.kind === 'Deployment') as unknown as {
          spec: { template: { metadata: { annotations?: Record<string, string> } } };
        }
      ).spec.template;
      expect(template.metadata.annotations).toEqual({ team: 'initech' });

      // Our own defaults (no values file beyond the required keys) fit the measured footprint.
      const own = render(
        'api-syncagent',
        'plain',
        '--set',
        'apiExportEndpointSliceName=x',
        '--set',
        'kcpKubeconfig=kcp',
      );
      const ownContainer = (podSpec(own).containers as { resources: { requests: { memory: string } } }[])[0];
      expect(ownContainer!.resources.requests.memory).toBe('160Mi');
      expect(podSpec(own).topologySpreadConstraints).toHaveLength(2);
    },
    STEP_TIMEOUT,
  );

  it(
    'installs two releases of the same name in different namespaces without a conflict',
    () => {
      const a = h(
        'install',
        'api-syncagent',
        CHART,
        '-n',
        'team-a',
        '--set',
        'apiExportEndpointSliceName=a',
        '--set',
        'kcpKubeconfig=kcp',
        '--set',
        'agentName=team-a',
        '--set',
        'crds.enabled=false',
      );
      expect(a.stderr).toBe('');
      expect(a.code).toBe(0);
      const b = h(
        'install',
        'api-syncagent',
        CHART,
        '-n',
        'team-b',
        '--set',
        'apiExportEndpointSliceName=b',
        '--set',
        'kcpKubeconfig=kcp',
        '--set',
        'agentName=team-b',
        '--set',
        'crds.enabled=false',
      );
      expect(b.stderr).toBe('');
      expect(b.code).toBe(0);
      for (const ns of ['team-a', 'team-b']) {
        expect(uid('clusterrole.rbac.authorization.k8s.io', undefined, `api-syncagent:${ns}`)).not.toBe('');
        expect(uid('role.rbac.authorization.k8s.io', 'default', `api-syncagent:${ns}:events`)).not.toBe('');
        const sa = `system:serviceaccount:${ns}:api-syncagent`;
        expect(canI(sa, 'create', 'events', 'default')).toBe('yes');
        expect(canI(sa, 'create', 'namespaces')).toBe('yes');
      }
      // Uninstalling one leaves the other's permissions intact.
      expect(h('uninstall', 'api-syncagent', '-n', 'team-a').code).toBe(0);
      expect(canI('system:serviceaccount:team-b:api-syncagent', 'create', 'events', 'default')).toBe('yes');
      expect(canI('system:serviceaccount:team-a:api-syncagent', 'create', 'events', 'default')).toBe('no');
    },
    STEP_TIMEOUT,
  );
});
