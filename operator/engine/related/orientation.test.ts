import type { RelatedResourceSpec } from '../../apis/v1alpha1/types.js';
import {
  clusterOnSide,
  orientRelated,
  relatedDestinationResource,
  relatedOriginResource,
  serviceEndOf,
} from './orientation.js';

const base: RelatedResourceSpec = { identifier: 'x', origin: 'kcp', object: { template: { template: 'a' } } };

describe('related resources', () => {
  it('map the legacy kind to core/v1, overriding group/version/resource', () => {
    const r = { ...base, kind: 'Secret' as const, group: 'g', version: 'v9', resource: 'things' };
    expect(relatedOriginResource(r)).toEqual({ group: '', version: 'v1', resource: 'secrets' });
    expect(relatedOriginResource({ ...base, kind: 'ConfigMap' })).toEqual({
      group: '',
      version: 'v1',
      resource: 'configmaps',
    });
  });

  it('substitute only the non-empty projection fields on the destination', () => {
    const r = {
      ...base,
      group: 'example.com',
      version: 'v1',
      resource: 'widgets',
      projection: { group: '', version: 'v2', resource: '' },
    };
    expect(relatedOriginResource(r)).toEqual({ group: 'example.com', version: 'v1', resource: 'widgets' });
    expect(relatedDestinationResource(r)).toEqual({
      group: 'example.com',
      version: 'v2',
      resource: 'widgets',
    });
    expect(
      relatedDestinationResource({ ...base, kind: 'ConfigMap', projection: { resource: 'secrets' } }),
    ).toEqual({
      group: '',
      version: 'v1',
      resource: 'secrets',
    });
  });
});

describe('orientRelated', () => {
  const projected: RelatedResourceSpec = {
    ...base,
    group: 'example.com',
    version: 'v1',
    resource: 'widgets',
    projection: { group: 'kcp.example.com' },
  };
  const planned = { originNamespace: 'on', originName: 'o', destNamespace: 'dn', destName: 'd' };

  it('a kcp origin: the consumer object goes to the service cluster, owned there, and cleans up', () => {
    const o = orientRelated(projected);
    expect(o).toEqual({
      origin: 'kcp',
      destination: 'service',
      originResource: { group: 'example.com', version: 'v1', resource: 'widgets' },
      destinationResource: { group: 'kcp.example.com', version: 'v1', resource: 'widgets' },
      kcpResource: { group: 'example.com', version: 'v1', resource: 'widgets' },
      serviceResource: { group: 'kcp.example.com', version: 'v1', resource: 'widgets' },
      claimName: 'example.com/widgets',
      serviceEnd: 'destination',
      confineOriginNamespaces: false,
      refuseForeignOrigin: false,
      destinationMustBeOwned: true,
      destinationReadErrorsAreFatal: true,
      adoptExisting: false,
      eventsOn: 'source',
      annotatePrimary: false,
      cleanUpWithPrimary: true,
      blockOriginDeletion: true,
      releaseRefusedOrigin: true,
    });
    expect(serviceEndOf(o, planned)).toEqual({ end: 'destination', namespace: 'dn', name: 'd' });
  });

  it('a service origin: the provider object goes into kcp, confined, annotated, cleaned up only on request', () => {
    const o = orientRelated({ ...projected, origin: 'service' });
    expect(o).toMatchObject({
      origin: 'service',
      destination: 'kcp',
      kcpResource: { group: 'kcp.example.com', version: 'v1', resource: 'widgets' },
      serviceResource: { group: 'example.com', version: 'v1', resource: 'widgets' },
      claimName: 'kcp.example.com/widgets',
      serviceEnd: 'origin',
      confineOriginNamespaces: true,
      refuseForeignOrigin: true,
      destinationMustBeOwned: false,
      destinationReadErrorsAreFatal: false,
      adoptExisting: true,
      eventsOn: 'destination',
      annotatePrimary: true,
      cleanUpWithPrimary: false,
      blockOriginDeletion: false,
      releaseRefusedOrigin: false,
    });
    expect(orientRelated({ ...projected, origin: 'service', cleanup: true }).cleanUpWithPrimary).toBe(true);
    expect(serviceEndOf(o, planned)).toEqual({ end: 'origin', namespace: 'on', name: 'o' });
  });

  it('prints core claims by resource only, and puts objects in the primary cluster on the kcp side', () => {
    expect(orientRelated({ ...base, kind: 'Secret' }).claimName).toBe('secrets');
    expect(clusterOnSide('kcp', 'ws1')).toBe('ws1');
    expect(clusterOnSide('service', 'ws1')).toBe('');
  });
});
