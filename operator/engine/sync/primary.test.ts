import { FINALIZER_CLEANUP } from './keys.js';
import { objectKeyAnnotations, objectKeyLabels, sha1Hex } from './object-key.js';
import { applyFilter, localCopySelector, pickLocalCopy, remoteIdentity } from './primary.js';

const key = { clusterName: 'c1', workspacePath: '', namespace: 'ns', name: 'n' };

describe('local copy lookup', () => {
  test('selector has sorted object-key labels and no agent label', () => {
    expect(localCopySelector(key)).toBe(
      `syncagent.kcp.io/remote-object-cluster=c1,syncagent.kcp.io/remote-object-name-hash=${sha1Hex('n')},syncagent.kcp.io/remote-object-namespace-hash=${sha1Hex('ns')}`,
    );
  });

  test('two matches are an error naming the selector', () => {
    expect(() => pickLocalCopy([{}, {}], 'a=b')).toThrow('expected 1 object matching a=b, but found 2');
    expect(pickLocalCopy([], 'a=b')).toBeUndefined();
  });

  test('local copies map back to their kcp identity', () => {
    const local = { metadata: { labels: objectKeyLabels(key), annotations: objectKeyAnnotations(key) } };
    expect(remoteIdentity(local)).toEqual({ cluster: 'c1', namespace: 'ns', name: 'n' });
    expect(remoteIdentity({ metadata: { labels: {} } })).toBeUndefined();
  });
});

describe('applyFilter', () => {
  const obj = (labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
    metadata: { name: 'n', namespace: 'ns', labels, ...extra },
  });

  test('no filter passes everything', () => {
    expect(applyFilter(undefined, obj({}), undefined)).toEqual({ pass: true });
  });

  test('resource and namespace selectors', () => {
    const f = { resource: { matchLabels: { sync: 'yes' } }, namespace: { matchLabels: { env: 'prod' } } };
    expect(applyFilter(f, obj({ sync: 'yes' }), { env: 'prod' })).toEqual({ pass: true });
    expect(applyFilter(f, obj({ sync: 'no' }), { env: 'prod' })).toMatchObject({ pass: false });
    expect(applyFilter(f, obj({ sync: 'yes' }), { env: 'dev' })).toMatchObject({ pass: false });
  });

  test('a filtered-out object being deleted with our finalizer is still cleaned up', () => {
    const deleting = obj({}, { deletionTimestamp: 'now', finalizers: [FINALIZER_CLEANUP] });
    expect(applyFilter({ resource: { matchLabels: { sync: 'yes' } } }, deleting, undefined)).toMatchObject({
      pass: true,
      cleanupOnly: true,
    });
  });

  test('a namespace filter on a cluster-scoped object is a clear error, not a crash', () => {
    expect(() =>
      applyFilter({ namespace: { matchLabels: {} } }, { metadata: { name: 'x' } }, undefined),
    ).toThrow('cluster-scoped');
  });
});
