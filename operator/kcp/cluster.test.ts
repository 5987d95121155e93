import { objectKey } from '../runtime/cache.js';
import { clusterOf } from './cluster.js';

describe('kcp clusterOf', () => {
  it('reads the logical cluster kcp annotates on the objects it serves', () => {
    const obj = { metadata: { name: 'a', namespace: 'ns', annotations: { 'kcp.io/cluster': '2x7abc' } } };
    expect(clusterOf(obj)).toBe('2x7abc');
    expect(objectKey(obj, clusterOf)).toBe('2x7abc|ns/a');
    expect(objectKey(obj)).toBe('|ns/a');
  });

  it('is "" for an object without the annotation', () => {
    expect(clusterOf({ metadata: { name: 'a' } })).toBe('');
  });
});
