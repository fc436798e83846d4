import { isOnline, ONLINE_WINDOW_MS } from './presence';

describe('agent presence', () => {
  const now = Date.parse('2026-01-01T00:10:00Z');

  it('is online within the window and offline after it or when never seen', () => {
    expect(isOnline(new Date(now - 1000), now)).toBe(true);
    expect(isOnline(new Date(now - ONLINE_WINDOW_MS + 1), now)).toBe(true);
    expect(isOnline(new Date(now - ONLINE_WINDOW_MS), now)).toBe(false);
    expect(isOnline(null, now)).toBe(false);
  });
});
