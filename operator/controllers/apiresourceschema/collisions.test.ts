import type { PublishedResource } from '../../apis/v1alpha1/types.js';
import { collidingOwner, collisionMessage, isOlder } from './collisions.js';

const pr = (name: string, created: string): PublishedResource => ({
  metadata: { name, creationTimestamp: created },
  spec: { resource: { apiGroup: 'example.com', kind: 'Thing' } },
});

describe('projection collisions', () => {
  const a = pr('a', '2026-01-01T00:00:00Z');
  const b = pr('b', '2026-01-02T00:00:00Z');
  const c = pr('c', '2026-01-02T00:00:00Z');

  test('age orders by creationTimestamp, then name', () => {
    expect(isOlder(a, b)).toBe(true);
    expect(isOlder(b, a)).toBe(false);
    expect(isOlder(b, c)).toBe(true);
    expect(isOlder(c, b)).toBe(false);
  });

  test('the younger PublishedResource of a shared group/resource collides with the oldest', () => {
    const others = [
      { pr: a, schemaName: 'v1111.things.shared.example.net' },
      { pr: b, schemaName: 'v2222.things.shared.example.net' },
    ];
    expect(collidingOwner(c, 'v3333.things.shared.example.net', others)?.pr.metadata.name).toBe('a');
    expect(collidingOwner(a, 'v1111.things.shared.example.net', others)).toBeUndefined();
  });

  test('different group/resources, or the same PR, do not collide', () => {
    const others = [{ pr: a, schemaName: 'v1111.things.other.example.net' }];
    expect(collidingOwner(b, 'v2222.things.shared.example.net', others)).toBeUndefined();
    expect(
      collidingOwner(a, 'v9999.things.other.example.net', [
        { pr: a, schemaName: 'v1.things.other.example.net' },
      ]),
    ).toBeUndefined();
  });

  test('the message names both PublishedResources and the kcp resource', () => {
    expect(
      collisionMessage(b, 'v2.things.shared.example.net', {
        pr: a,
        schemaName: 'v1.things.shared.example.net',
      }),
    ).toBe(
      'PublishedResource b: the kcp resource things.shared.example.net is already published by PublishedResource a; change spec.projection (group, kind or plural)',
    );
  });
});
