import { compareResourceVersions, isNewerResourceVersion } from './resource-version.js';

describe('compareResourceVersions', () => {
  it('orders decimal resourceVersions as integers, not as strings', () => {
    expect(compareResourceVersions('9', '10')).toBe(-1);
    expect(compareResourceVersions('10', '9')).toBe(1);
    expect(compareResourceVersions('42', '42')).toBe(0);
    // beyond Number's exact range
    expect(compareResourceVersions('9007199254740993', '9007199254740992')).toBe(1);
  });

  it('cannot order opaque or missing resourceVersions', () => {
    expect(compareResourceVersions('abc', '1')).toBeUndefined();
    expect(compareResourceVersions('1', '1a')).toBeUndefined();
    expect(compareResourceVersions('', '1')).toBeUndefined();
    expect(compareResourceVersions(undefined, '1')).toBeUndefined();
    expect(compareResourceVersions('-1', '1')).toBeUndefined();
  });

  it('isNewerResourceVersion is true only when the order is known', () => {
    expect(isNewerResourceVersion('11', '10')).toBe(true);
    expect(isNewerResourceVersion('10', '10')).toBe(false);
    expect(isNewerResourceVersion('x', '10')).toBe(false);
  });
});
