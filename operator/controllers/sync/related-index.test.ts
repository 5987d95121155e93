import { ANY_NAME, RelatedIndex } from './related-index.js';

const p1 = { cluster: 'c1', namespace: 'default', name: 'a' };
const p2 = { cluster: 'c1', namespace: 'default', name: 'b' };
const S = '/v1/secrets';

describe('RelatedIndex', () => {
  it('maps related objects back to their primaries and replaces a primary’s set', () => {
    const idx = new RelatedIndex();
    idx.set(p1, [
      { side: 'service', gvr: S, cluster: '', namespace: 'x', name: 'creds' },
      { side: 'kcp', gvr: S, cluster: 'c1', namespace: 'default', name: 'creds' },
    ]);
    idx.set(p2, [{ side: 'service', gvr: S, cluster: '', namespace: 'x', name: 'creds' }]);
    expect(idx.lookup('service', S, '', 'x', 'creds')).toEqual([p1, p2]);
    expect(idx.lookup('kcp', S, 'c1', 'default', 'creds')).toEqual([p1]);
    expect(idx.lookup('kcp', S, 'c2', 'default', 'creds')).toEqual([]);
    idx.set(p1, [{ side: 'service', gvr: S, cluster: '', namespace: 'x', name: 'other' }]);
    expect(idx.lookup('service', S, '', 'x', 'creds')).toEqual([p2]);
    expect(idx.lookup('kcp', S, 'c1', 'default', 'creds')).toEqual([]);
    idx.delete(p2);
    expect(idx.lookup('service', S, '', 'x', 'creds')).toEqual([]);
    expect(idx.size()).toBe(1);
  });

  it('matches any name of a namespace through a wildcard entry', () => {
    const idx = new RelatedIndex();
    idx.set(p1, [{ side: 'kcp', gvr: S, cluster: 'c1', namespace: 'ns', name: ANY_NAME }]);
    expect(idx.lookup('kcp', S, 'c1', 'ns', 'anything')).toEqual([p1]);
    expect(idx.lookup('kcp', S, 'c1', 'other', 'anything')).toEqual([]);
  });
});
