import { assertWorkspaceURL, clusterURL, endpointURLs, retargetWorkspaceURL, wildcardURL } from './urls.js';

describe('kcp URLs', () => {
  test('the kcp kubeconfig must name a workspace', () => {
    expect(() => assertWorkspaceURL('https://kcp:6443')).toThrow(
      'kcp kubeconfig does not point to a specific workspace',
    );
    expect(() => assertWorkspaceURL('https://kcp:6443/clusters/root:org')).not.toThrow();
  });

  test('retargeting replaces the one cluster segment with the export path', () => {
    expect(retargetWorkspaceURL('https://kcp:6443/clusters/root:org:team', 'root:org')).toBe(
      'https://kcp:6443/clusters/root:org',
    );
    expect(retargetWorkspaceURL('https://kcp:6443/clusters/root:org', 'root:org')).toBe(
      'https://kcp:6443/clusters/root:org',
    );
  });

  test('retargeting rejects URLs with no or several cluster segments', () => {
    expect(() => retargetWorkspaceURL('https://kcp:6443/', 'root')).toThrow(
      'URL must point to a cluster/workspace',
    );
    expect(() => retargetWorkspaceURL('https://kcp/clusters/a/clusters/b', 'root')).toThrow(
      'invalid URL: URL contains more than one cluster path',
    );
  });

  test('virtual workspace URLs', () => {
    const vw = 'https://kcp:6443/services/apiexport/abc/my-export/';
    expect(wildcardURL(vw)).toBe('https://kcp:6443/services/apiexport/abc/my-export/clusters/*');
    expect(clusterURL(vw, '2x7abc')).toBe(
      'https://kcp:6443/services/apiexport/abc/my-export/clusters/2x7abc',
    );
  });

  test('endpoint URLs skip empty and duplicate entries', () => {
    expect(
      endpointURLs({ status: { endpoints: [{ url: 'a' }, { url: '' }, {}, { url: 'b' }, { url: 'a' }] } }),
    ).toEqual(['a', 'b']);
    expect(endpointURLs({})).toEqual([]);
  });
});
