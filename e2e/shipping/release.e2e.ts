// What a release publishes, rendered locally by the script the release workflow runs
// (hack/release/render.sh): the chart package and the rendered manifests are accepted by a real
// kube-apiserver, pinned to one version, and the Argo CD Applications point at what is published.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

import { worldBinaries } from '../world/binaries.js';
import { artifactsDirFor } from '../world/run.js';
import { startServiceCluster, type ServiceCluster } from '../world/service-cluster.js';
import { helm, helmBinary, kubectl, serverDryRun, parseDocs, REPO_ROOT } from './support.js';

const STEP_TIMEOUT = 240_000;
const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('hack/release/render.sh (the release artifacts)', () => {
  let cluster: ServiceCluster;
  let out: string;
  let version: string;

  beforeAll(async () => {
    cluster = await startServiceCluster({
      name: 'shipping-release',
      artifactsDir: artifactsDirFor('shipping-release'),
    });
    out = path.join(cluster.dir, 'dist');
    version = (
      parse(readFileSync(path.join(REPO_ROOT, 'charts/api-syncagent/Chart.yaml'), 'utf8')) as {
        appVersion: string;
      }
    ).appVersion;
  }, STEP_TIMEOUT);
  afterAll(async () => {
    await cluster?.stop();
  }, STEP_TIMEOUT);

  it(
    'renders the chart package, the manifests (image pinned by tag and digest) and the CRD',
    () => {
      const home = path.join(cluster.dir, 'helm-home');
      mkdirSync(home, { recursive: true });
      const r = spawnSync('bash', [path.join(REPO_ROOT, 'hack/release/render.sh'), out, '--digest', DIGEST], {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          HOME: home,
          HELM: helmBinary(),
          KUBECTL: worldBinaries().kubectl,
          HELM_CACHE_HOME: path.join(home, 'cache'),
          HELM_CONFIG_HOME: path.join(home, 'config'),
          HELM_DATA_HOME: path.join(home, 'data'),
        },
        timeout: 120_000,
      });
      expect(r.status).toBe(0);
      expect(r.stdout.trim().split('\n')).toEqual([
        `api-syncagent-${version}.tgz`,
        `api-syncagent-${version}.yaml`,
        `publishedresources-crd-${version}.yaml`,
      ]);
      // No leftovers of the throw-away overlay in the tree.
      expect(readdirSync(path.join(REPO_ROOT, 'manifests')).filter((f) => f.startsWith('.release-'))).toEqual(
        [],
      );

      const docs = parseDocs(readFileSync(path.join(out, `api-syncagent-${version}.yaml`), 'utf8'));
      const deployment = docs.find((d) => d.kind === 'Deployment') as unknown as {
        spec: { template: { spec: { containers: { image: string }[] } } };
      };
      expect(deployment.spec.template.spec.containers[0]!.image).toBe(
        `ghcr.io/kcp-dev/api-syncagent-ts:${version}@${DIGEST}`,
      );
    },
    STEP_TIMEOUT,
  );

  it(
    'the rendered manifests apply for real; the packaged chart renders with the image of its appVersion',
    () => {
      const k = (...args: string[]) => kubectl(['--kubeconfig', cluster.kubeconfigPath, ...args]);
      const applied = k('apply', '--server-side', '-f', path.join(out, `api-syncagent-${version}.yaml`));
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);

      // The Argo CD Helm Application's values, with the packaged chart.
      const app = parse(
        readFileSync(path.join(REPO_ROOT, 'manifests/argocd/application-helm.yaml'), 'utf8'),
      ) as {
        spec: {
          source: { chart: string; targetRevision: string; repoURL: string; helm: { valuesObject: unknown } };
        };
      };
      expect(app.spec.source.targetRevision).toBe(version);
      expect(app.spec.source.chart).toBe('api-syncagent');
      expect(app.spec.source.repoURL).toContain('REPLACE-ME');
      const values = path.join(cluster.dir, 'argocd-values.json');
      writeFileSync(values, JSON.stringify(app.spec.source.helm.valuesObject));
      const home = path.join(cluster.dir, 'helm-home');
      const tpl = helm(
        [
          'template',
          'api-syncagent',
          path.join(out, `api-syncagent-${version}.tgz`),
          '-n',
          'provider-initech',
          '-f',
          values,
        ],
        home,
      );
      expect(tpl.stderr).toBe('');
      const rendered = parseDocs(tpl.stdout);
      const dep = rendered.find((d) => d.kind === 'Deployment') as unknown as {
        spec: { template: { spec: { containers: { image: string }[] } } };
      };
      expect(dep.spec.template.spec.containers[0]!.image).toBe(`ghcr.io/kcp-dev/api-syncagent-ts:${version}`);
      expect(k('create', 'namespace', 'provider-initech').code).toBe(0);
      const dry = serverDryRun(cluster.kubeconfigPath, tpl.stdout);
      expect(dry.stderr).toBe('');
      expect(dry.code).toBe(0);

      // The kustomize Application points at the example overlay, which exists.
      const kapp = parse(readFileSync(path.join(REPO_ROOT, 'manifests/argocd/application.yaml'), 'utf8')) as {
        spec: { source: { path: string; repoURL: string } };
      };
      expect(existsSync(path.join(REPO_ROOT, kapp.spec.source.path, 'kustomization.yaml'))).toBe(true);
      expect(kapp.spec.source.repoURL).toContain('REPLACE-ME');
    },
    STEP_TIMEOUT,
  );
});
