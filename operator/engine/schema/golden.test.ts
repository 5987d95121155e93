/**
 * Byte-for-byte comparison with the Go oracle's goldens (hack/oracle-schema, regenerate with
 * hack/oracle-schema/regen.sh): for every case CRD and PublishedResource, the reduced source CRD, the
 * projected CRD YAML, the exact hash input, the APIResourceSchema name and YAML, or the error text.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { retrieveSourceSchema, stripRealCRD } from './source-schema.js';
import type { DiscoveryData } from './discovery.js';
import type { OpenAPIV2Document } from './openapi-convert.js';
import { projectCRD } from './projection.js';
import { apiResourceSchemaName, buildAPIResourceSchema, schemaHashInput } from './ars.js';
import { apiResourceSchemaToYAML, crdToYAML } from './toolkit-output.js';
import { parseCrdYaml } from './lossless.js';
import type { CustomResourceDefinition } from './types.js';
import type { PublishedResource } from '../../apis/v1alpha1/types.js';

const testdata = join(dirname(fileURLToPath(import.meta.url)), 'testdata');
const casesDir = join(testdata, 'cases');
const goldenDir = join(testdata, 'golden');
const read = (p: string) => readFileSync(p, 'utf8');

const cases = readdirSync(casesDir).sort();

describe.each(cases)('golden case %s', (caseName) => {
  const source = stripRealCRD(parseCrdYaml(read(join(casesDir, caseName, 'crd.yaml'))));

  it('prints the reduced source CRD like pubres-toolkit --no-projection', () => {
    expect(crdToYAML(source)).toBe(read(join(goldenDir, caseName, 'source.yaml')));
  });

  const prs = readdirSync(join(casesDir, caseName))
    .filter((f) => f.startsWith('pubres-'))
    .map((f) => f.slice('pubres-'.length, -'.yaml'.length))
    .sort();

  it.each(prs)('PublishedResource %s', (prName) => {
    const pr = parse(read(join(casesDir, caseName, `pubres-${prName}.yaml`))) as PublishedResource;
    const golden = (suffix: string) => join(goldenDir, caseName, `${prName}${suffix}`);
    const errorFile = golden('.error.txt');
    const expectedError = existsSync(errorFile) ? read(errorFile).trimEnd() : undefined;

    let projected: CustomResourceDefinition;
    try {
      projected = projectCRD(source, pr.spec);
    } catch (err) {
      expect((err as Error).message).toBe(expectedError);
      return;
    }
    expect(crdToYAML(projected)).toBe(read(golden('.projected.yaml')));
    expect(schemaHashInput(projected)).toBe(read(golden('.hash-input.json')));
    const name = apiResourceSchemaName(projected);
    expect(name + '\n').toBe(read(golden('.ars-name.txt')));

    if (expectedError !== undefined) {
      expect(() => buildAPIResourceSchema(projected, name, 'pubres-toolkit')).toThrow(expectedError);
      return;
    }
    const ars = buildAPIResourceSchema(projected, name, 'pubres-toolkit');
    expect(apiResourceSchemaToYAML(ars)).toBe(read(golden('.ars.yaml')));
  });
});

describe('go-yaml printer', () => {
  const yamlDir = join(testdata, 'yaml');
  const inputs = readdirSync(yamlDir).filter((f) => f.endsWith('.json'));
  it.each(inputs)('%s prints like sigs.k8s.io/yaml.JSONToYAML', async (file) => {
    const { toGoYAML } = await import('../../golang/yaml/marshal.js');
    const value: unknown = JSON.parse(read(join(yamlDir, file)));
    expect(toGoYAML(value)).toBe(read(join(yamlDir, file.replace(/\.json$/, '.yaml'))));
  });
});

describe('OpenAPI fallback goldens (fixtures captured from kube-apiserver 1.34.2)', () => {
  const dir = join(testdata, 'openapi');
  const discovery = JSON.parse(read(join(dir, 'discovery.json'))) as DiscoveryData;
  const openAPI = JSON.parse(read(join(dir, 'openapi-v2.json'))) as OpenAPIV2Document;
  const kinds = read(join(dir, 'kinds.txt'))
    .trim()
    .split('\n')
    .map((l) => l.split(/\s+/) as [string, string]);

  it.each(kinds)('%s %s', (group, kind) => {
    const golden = (suffix: string) => read(join(goldenDir, 'openapi', `${kind}${suffix}`));
    const source = retrieveSourceSchema({
      group: group === 'core' ? '' : group,
      kind,
      discovery,
      crd: null,
      openAPI,
    });
    expect(crdToYAML(source)).toBe(golden('.source.yaml'));
    const projected = projectCRD(source, { resource: { apiGroup: group, kind } });
    expect(schemaHashInput(projected)).toBe(golden('.hash-input.json'));
    const name = apiResourceSchemaName(projected);
    expect(name + '\n').toBe(golden('.ars-name.txt'));
    expect(apiResourceSchemaToYAML(buildAPIResourceSchema(projected, name, 'pubres-toolkit'))).toBe(
      golden('.ars.yaml'),
    );
  });
});
