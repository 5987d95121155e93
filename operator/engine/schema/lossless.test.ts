import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { goMarshal } from '../../golang/json/marshal.js';
import { apiResourceSchemaName } from './ars.js';
import { parseCrdJson, parseCrdYaml } from './lossless.js';
import { projectCRD } from './projection.js';
import { stripRealCRD } from './source-schema.js';
import type { CustomResourceDefinition } from './types.js';
import type { PublishedResource } from '../../apis/v1alpha1/types.js';

const dir = new URL('./testdata/', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, dir), 'utf8');
const crdYaml = read('cases/big-integers/crd.yaml');
const pr = parse(read('cases/big-integers/pubres-all.yaml')) as PublishedResource;
const goName = read('golden/big-integers/all.ars-name.txt').trim();

const nameOf = (crd: CustomResourceDefinition) =>
  apiResourceSchemaName(projectCRD(stripRealCRD(crd), pr.spec));

describe('integers above 2^53 in a CRD', () => {
  // the CRD as the API server would send it: JSON with the big integer literals
  const crdJson = goMarshal(parseCrdYaml(crdYaml));

  it('keep the APIResourceSchema name Go computes when decoded losslessly', () => {
    expect(crdJson).toContain('"maxLength":9007199254740993');
    expect(nameOf(parseCrdJson(crdJson))).toBe(goName);
  });

  it('would change it when decoded with JSON.parse', () => {
    expect(nameOf(JSON.parse(crdJson) as CustomResourceDefinition)).not.toBe(goName);
  });
});
