import { compareKubeAwareVersions, sortKubeAwareAscending } from './kube-version.js';

describe('Kubernetes version ordering', () => {
  it('sorts like apimachinery', () => {
    const input = ['v2', 'v1', 'v1beta1', 'v2alpha1', 'v1alpha2', 'v1alpha1', 'foo1', 'foo2'];
    expect(sortKubeAwareAscending(input, (v) => v)).toEqual([
      'foo2', 'foo1', 'v1alpha1', 'v1alpha2', 'v2alpha1', 'v1beta1', 'v1', 'v2',
    ]); // prettier-ignore
  });

  it('compares majors and minors numerically, not lexically', () => {
    expect(compareKubeAwareVersions('v10', 'v9')).toBeGreaterThan(0);
    expect(compareKubeAwareVersions('v1beta10', 'v1beta2')).toBeGreaterThan(0);
    expect(compareKubeAwareVersions('v1', 'v1')).toBe(0);
    expect(compareKubeAwareVersions('v1gamma1', 'v1')).toBeLessThan(0);
  });
});
