import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { JSONGetter } from '../controllers/source-schema.js';
import { runCrdCommand, type CrdCommandDeps } from './crd-cmd.js';

const testdata = join(dirname(fileURLToPath(import.meta.url)), '../engine/schema/testdata');
const read = (p: string) => readFileSync(join(testdata, p), 'utf8');

/** A fake API server: discovery for example.com/v1 CronTab and the CRD from the golden corpus. */
class FakeServer implements JSONGetter {
  paths: string[] = [];
  async getJSON(path: string): Promise<unknown> {
    this.paths.push(path);
    switch (path) {
      case '/api':
        return { versions: ['v1'] };
      case '/api/v1':
        return {
          groupVersion: 'v1',
          resources: [{ name: 'configmaps', namespaced: true, kind: 'ConfigMap' }],
        };
      case '/apis':
        return {
          groups: [
            {
              name: 'example.com',
              versions: [{ groupVersion: 'example.com/v1', version: 'v1' }],
              preferredVersion: { groupVersion: 'example.com/v1', version: 'v1' },
            },
          ],
        };
      case '/apis/example.com/v1':
        return {
          groupVersion: 'example.com/v1',
          resources: [
            { name: 'crontabs', singularName: 'crontab', namespaced: true, kind: 'CronTab' },
            { name: 'crontabs/status', namespaced: true, kind: 'CronTab' },
          ],
        };
      case '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.example.com':
        return parse(read('cases/single-version/crd.yaml'));
    }
    throw Object.assign(new Error(`not found: ${path}`), { status: 404 });
  }
}

function deps(
  server = new FakeServer(),
  env: Record<string, string> = { KUBECONFIG: '/kube' },
): CrdCommandDeps {
  return { readText: (p) => read(p), env, client: () => server };
}

describe('pubres-toolkit crd', () => {
  it('prints the APIResourceSchema byte-identical with the Go oracle', async () => {
    const r = await runCrdCommand(['cases/single-version/pubres-all-fields.yaml'], { ars: true }, deps());
    expect(r).toEqual({ stdout: read('golden/single-version/all-fields.ars.yaml'), stderr: '', exitCode: 0 });
  });

  it('prints the projected CRD, or with --no-projection the source CRD', async () => {
    const projected = await runCrdCommand(['cases/single-version/pubres-kind-only.yaml'], {}, deps());
    expect(projected.stdout).toBe(read('golden/single-version/kind-only.projected.yaml'));
    const source = await runCrdCommand(
      ['cases/single-version/pubres-kind-only.yaml'],
      { projection: false },
      deps(),
    );
    expect(source.stdout).toBe(read('golden/single-version/source.yaml'));
  });

  it('uses --kubeconfig over $KUBECONFIG and needs one of them', async () => {
    let used = '';
    const recordingDeps = { ...deps(), client: (k: string) => ((used = k), new FakeServer()) };
    await runCrdCommand(['cases/single-version/pubres-plain.yaml'], { kubeconfig: '/flag' }, recordingDeps);
    expect(used).toBe('/flag');
    const r = await runCrdCommand(['x.yaml'], {}, deps(new FakeServer(), {}));
    expect(r).toEqual({
      stdout: '',
      stderr: 'Error: --kubeconfig or $KUBECONFIG are required for this command\n',
      exitCode: 1,
    });
  });

  it('needs exactly one file and reports engine errors', async () => {
    expect((await runCrdCommand([], {}, deps())).stderr).toBe('Error: expected exactly one argument\n');
    expect((await runCrdCommand(['a', 'b'], {}, deps())).exitCode).toBe(1);
    const missing = await runCrdCommand(['cases/single-version/pubres-missing-version.yaml'], {}, deps());
    expect(missing.stderr).toBe('Error: CRD does not contain version v9\n');
  });
});
