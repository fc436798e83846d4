import { compareVersions, isNewer } from './version-compare';

describe('compareVersions', () => {
  it('orders releases numerically and pre-releases before their release', () => {
    expect(compareVersions('0.10.0', '0.9.9')).toBe(1);
    expect(compareVersions('1.2.3', '1.2.3')).toBe(0);
    expect(compareVersions('1.2.3-rc.1', '1.2.3')).toBe(-1);
    expect(compareVersions('1.2.3', '1.2.3-rc.1')).toBe(1);
    expect(compareVersions('1.2.3-rc.1', '1.2.3-rc.2')).toBe(-1);
    expect(compareVersions('1.2', '1.2.3')).toBeNull();
  });

  it('treats only a strictly newer, readable version as an update', () => {
    expect(isNewer('0.2.0', '0.1.0')).toBe(true);
    expect(isNewer('0.1.0', '0.1.0')).toBe(false);
    expect(isNewer('0.0.9', '0.1.0')).toBe(false);
    expect(isNewer('garbage', '0.1.0')).toBe(false);
  });
});
