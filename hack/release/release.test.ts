// The release scripts the workflow calls (.github/workflows/release.yml), run on a copy of the files
// they edit: tag -> version, one version pinned everywhere, mismatches reported.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const HERE = import.meta.dirname;
const REPO = path.resolve(HERE, '..', '..');

function run(script: string, args: string[], root?: string) {
  const r = spawnSync('bash', [path.join(HERE, script), ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...(root ? { ROOT: root } : {}) },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('hack/release', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'release-'));
    for (const p of [
      'package.json',
      'operator/version.ts',
      'charts/api-syncagent/Chart.yaml',
      'charts/api-syncagent/values.yaml',
      'manifests/base/deployment.yaml',
      'manifests/overlays/example/kustomization.yaml',
      'manifests/argocd/application-helm.yaml',
    ]) {
      cpSync(path.join(REPO, p), path.join(root, p), { recursive: true });
    }
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const read = (p: string) => readFileSync(path.join(root, p), 'utf8');

  it('version.sh: release tags only', () => {
    expect(run('version.sh', ['v1.2.3'])).toMatchObject({ code: 0, out: '1.2.3\n' });
    expect(run('version.sh', ['v0.10.0-rc.1'])).toMatchObject({ code: 0, out: '0.10.0-rc.1\n' });
    for (const bad of ['1.2.3', 'v1.2', 'v01.2.3', 'v1.2.3;rm', 'main']) {
      const r = run('version.sh', [bad]);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`not a release tag`);
    }
  });

  it('outputs.sh: version, image and chart registry of a tag, the owner lower-cased', () => {
    expect(run('outputs.sh', ['v1.2.3', 'KCP-Dev'])).toMatchObject({
      code: 0,
      out: 'version=1.2.3\nimage=ghcr.io/kcp-dev/api-syncagent-ts\nchart_registry=oci://ghcr.io/kcp-dev/charts\n',
    });
    expect(run('outputs.sh', ['latest', 'kcp-dev']).code).toBe(1);
    expect(run('outputs.sh', ['v1.2.3', 'a/b']).code).toBe(1);
  });

  it('check-versions.sh: the repository as committed agrees with itself', () => {
    const r = run('check-versions.sh', []);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('set-version.sh pins image, chart, manifests and agent to one version and image', () => {
    const r = run('set-version.sh', ['1.4.0-rc.2', '--image', 'ghcr.io/acme/api-syncagent-ts'], root);
    expect(r.err).toBe('');
    expect(r.out).toBe('versions agree: 1.4.0-rc.2 (ghcr.io/acme/api-syncagent-ts:1.4.0-rc.2)\n');
    expect(JSON.parse(read('package.json')).version).toBe('1.4.0-rc.2');
    expect(read('operator/version.ts')).toContain("export const VERSION = '1.4.0-rc.2';");
    expect(read('charts/api-syncagent/Chart.yaml')).toMatch(/^version: 1\.4\.0-rc\.2$/m);
    expect(read('charts/api-syncagent/Chart.yaml')).toMatch(/^appVersion: '1\.4\.0-rc\.2'$/m);
    expect(read('charts/api-syncagent/values.yaml')).toMatch(
      /^ {2}repository: ghcr\.io\/acme\/api-syncagent-ts$/m,
    );
    // The chart's image tag stays empty: it follows appVersion.
    expect(read('charts/api-syncagent/values.yaml')).toMatch(/^ {2}tag: ''$/m);
    expect(read('manifests/base/deployment.yaml')).toContain(
      'image: ghcr.io/acme/api-syncagent-ts:1.4.0-rc.2',
    );
    expect(read('manifests/overlays/example/kustomization.yaml')).toMatch(/newTag: 1\.4\.0-rc\.2$/m);
    expect(read('manifests/argocd/application-helm.yaml')).toMatch(/^ {4}targetRevision: 1\.4\.0-rc\.2$/m);
    // Dependencies in package.json are untouched (only the first "version" key is the package's).
    expect(JSON.parse(read('package.json')).dependencies).toEqual(
      JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).dependencies,
    );
  });

  it('check-versions.sh names every mismatch', () => {
    const chart = path.join(root, 'charts/api-syncagent/Chart.yaml');
    writeFileSync(
      chart,
      read('charts/api-syncagent/Chart.yaml').replace(/^appVersion: .*$/m, "appVersion: '9.9.9'"),
    );
    const r = run('check-versions.sh', [], root);
    expect(r.code).toBe(1);
    expect(r.err).toContain("version mismatch: Chart.yaml appVersion is '9.9.9', want '0.1.0'");
    const wanted = run('check-versions.sh', ['0.2.0'], root);
    expect(wanted.err).toContain("version mismatch: package.json is '0.1.0', want '0.2.0'");
  });

  it('set-version.sh refuses what is not a version or an image repository', () => {
    expect(run('set-version.sh', ['latest'], root).code).toBe(2);
    expect(run('set-version.sh', ['1.0.0', '--image', 'Bad Image'], root).code).toBe(2);
    expect(read('package.json')).toBe(readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  });
});
