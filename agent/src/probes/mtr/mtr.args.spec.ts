import { buildMtrArgs } from './mtr.args';

describe('buildMtrArgs', () => {
  it('asks mtr-tiny for a JSON report without DNS, bounded by cycles', () => {
    expect(buildMtrArgs('10.0.0.1', { count: 5, timeoutSec: 30 })).toEqual([
      '-j', '-n', '-c', '5', '--gracetime', '1', '10.0.0.1',
    ]);
  });

  it('adds -6 for IPv6 literals only', () => {
    expect(buildMtrArgs('::1', { count: 2, timeoutSec: 10 })).toEqual(['-j', '-n', '-c', '2', '--gracetime', '1', '-6', '::1']);
    expect(buildMtrArgs('example.com', { count: 2, timeoutSec: 10 })).not.toContain('-6');
  });
});
