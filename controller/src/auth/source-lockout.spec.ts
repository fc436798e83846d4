import { SourceLockout } from './source-lockout';

describe('SourceLockout', () => {
  it('locks a source after maxFailures within the window, for the lock time, then lets it try again', () => {
    let now = 1_000_000;
    const lockout = new SourceLockout(3, 60_000, () => now);
    lockout.recordFailure('a');
    lockout.recordFailure('a');
    expect(lockout.retryAfterSeconds('a')).toBe(0);
    lockout.recordFailure('a');
    expect(lockout.retryAfterSeconds('a')).toBe(60);
    expect(lockout.retryAfterSeconds('b')).toBe(0);
    now += 59_500;
    expect(lockout.retryAfterSeconds('a')).toBe(1);
    now += 500;
    expect(lockout.retryAfterSeconds('a')).toBe(0);
  });

  it('forgets failures older than the window', () => {
    let now = 0;
    const lockout = new SourceLockout(2, 1_000, () => now);
    lockout.recordFailure('a');
    now += 1_000;
    lockout.recordFailure('a');
    expect(lockout.retryAfterSeconds('a')).toBe(0);
  });

  it('stays bounded under a flood of distinct sources', () => {
    const lockout = new SourceLockout(1, 60_000, () => 0, 10);
    for (let i = 0; i < 100; i++) lockout.recordFailure(`s${i}`);
    expect(lockout.retryAfterSeconds('s99')).toBe(60);
    expect(lockout.retryAfterSeconds('s0')).toBe(0);
  });
});
