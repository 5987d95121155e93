import { createMergePatch } from './merge-patch.js';
import { isSpecKey, stripMetadata } from './strip.js';

describe('stripMetadata', () => {
  const obj = {
    apiVersion: 'example.com/v1',
    kind: 'Thing',
    metadata: {
      name: 'n',
      namespace: 'ns',
      generateName: 'g-',
      uid: 'u',
      resourceVersion: '5',
      generation: 2,
      creationTimestamp: '2020-01-01T00:00:00Z',
      finalizers: ['syncagent.kcp.io/cleanup'],
      ownerReferences: [{ kind: 'X' }],
      managedFields: [{}],
      selfLink: '/x',
      labels: {
        app: 'a',
        'syncagent.kcp.io/remote-object-cluster': 'c',
        'syncagent.kcp.io/agent-name': 'agent',
        'claimed.internal.apis.kcp.io/abc': 'x',
      },
      annotations: { 'kcp.io/cluster': 'c', 'related-resources.syncagent.kcp.io/creds.0': '{}' },
    },
    spec: { a: 1 },
  };

  test('removes server-owned fields and sync metadata (the agent label too: consumers cannot set it)', () => {
    expect(stripMetadata(obj)).toEqual({
      apiVersion: 'example.com/v1',
      kind: 'Thing',
      metadata: {
        name: 'n',
        namespace: 'ns',
        generateName: 'g-',
        labels: { app: 'a' },
      },
      spec: { a: 1 },
    });
  });

  test('does not modify its input', () => {
    const before = JSON.stringify(obj);
    stripMetadata(obj);
    expect(JSON.stringify(obj)).toBe(before);
  });

  test('status counts as spec content unless it is a subresource', () => {
    expect(isSpecKey('status', [])).toBe(true);
    expect(isSpecKey('status', ['status'])).toBe(false);
    expect(isSpecKey('metadata', [])).toBe(false);
  });
});

describe('createMergePatch', () => {
  test('changed, added and removed keys; nested objects recurse; arrays replace', () => {
    expect(
      createMergePatch(
        { spec: { a: 1, b: 2, list: [1, 2] }, keep: 'x', gone: true },
        { spec: { a: 1, b: 3, list: [1], c: { d: null } }, keep: 'x' },
      ),
    ).toEqual({ spec: { b: 3, list: [1], c: { d: null } }, gone: null });
  });

  test('identical objects give an empty patch', () => {
    expect(createMergePatch({ a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 2 }] } })).toEqual({});
  });

  test('an object replaced by a scalar and back', () => {
    expect(createMergePatch({ a: { b: 1 } }, { a: 'x' })).toEqual({ a: 'x' });
    expect(createMergePatch({ a: 'x' }, { a: { b: 1 } })).toEqual({ a: { b: 1 } });
  });
});
