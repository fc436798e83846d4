import { buildPingArgs, pingIntervalSec } from './ping.args';

describe('buildPingArgs', () => {
  it('bounds the run by count, numeric output, interval and reply wait', () => {
    expect(buildPingArgs('10.0.0.1', { count: 5, timeoutSec: 10 })).toEqual([
      '-n', '-c', '5', '-i', '1', '-W', '2', '10.0.0.1',
    ]);
  });

  it('never uses -w (deadline) and never -4/-6 for names', () => {
    const args = buildPingArgs('example.com', { count: 3, timeoutSec: 5 });
    expect(args).not.toContain('-w');
    expect(args).not.toContain('-6');
    expect(args[args.length - 1]).toBe('example.com');
  });

  it('adds -6 for IPv6 literals', () => {
    expect(buildPingArgs('::1', { count: 1, timeoutSec: 2 })).toEqual(['-n', '-c', '1', '-i', '1', '-W', '1', '-6', '::1']);
    expect(buildPingArgs('2001:db8::1', { count: 2, timeoutSec: 4 })).toContain('-6');
  });

  it('shrinks the interval to fit the timeout, never below 0.2 s', () => {
    expect(pingIntervalSec(10, 4)).toBe(0.3); // (4 - 1) / 9 = 0.333
    expect(pingIntervalSec(100, 5)).toBe(0.2);
    expect(pingIntervalSec(3, 60)).toBe(1);
    expect(pingIntervalSec(1, 1)).toBe(1);
  });
});
