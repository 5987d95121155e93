import type { RelatedResourceSpec } from '../../apis/v1alpha1/types.js';
import { relatedDestGVR, relatedOriginGVR } from './related.js';

const base: RelatedResourceSpec = { identifier: 'x', origin: 'kcp', object: { template: { template: 'a' } } };

describe('related GVRs', () => {
  it('maps the legacy kind to core/v1, overriding group/version/resource', () => {
    const r = { ...base, kind: 'Secret' as const, group: 'g', version: 'v9', resource: 'things' };
    expect(relatedOriginGVR(r)).toEqual({ group: '', version: 'v1', resource: 'secrets' });
    expect(relatedOriginGVR({ ...base, kind: 'ConfigMap' })).toEqual({
      group: '',
      version: 'v1',
      resource: 'configmaps',
    });
  });

  it('substitutes only the non-empty projection fields', () => {
    const r = {
      ...base,
      group: 'example.com',
      version: 'v1',
      resource: 'widgets',
      projection: { group: '', version: 'v2', resource: '' },
    };
    expect(relatedOriginGVR(r)).toEqual({ group: 'example.com', version: 'v1', resource: 'widgets' });
    expect(relatedDestGVR(r)).toEqual({ group: 'example.com', version: 'v2', resource: 'widgets' });
    expect(relatedDestGVR({ ...base, kind: 'ConfigMap', projection: { resource: 'secrets' } })).toEqual({
      group: '',
      version: 'v1',
      resource: 'secrets',
    });
  });
});
