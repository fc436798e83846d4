import { fieldErrors, plainMessage } from './errors';

const FIELDS = ['interval_sec', 'timeout_sec', 'count', 'targets', 'agent_targets', 'duration_sec', 'server', 'type'];

describe('fieldErrors', () => {
  it('puts each part of the API message next to the field it names', () => {
    const r = fieldErrors(
      'interval_sec must be a whole number between 5 and 86400 for PING probes; targets must list 1 to 50 hosts for PING probes; agent_targets: an agent cannot target itself',
      FIELDS,
    );
    expect(r.fields).toEqual({
      interval_sec: 'interval_sec must be a whole number between 5 and 86400 for PING probes',
      targets: 'targets must list 1 to 50 hosts for PING probes',
      agent_targets: 'agent_targets: an agent cannot target itself',
    });
    expect(r.form).toEqual([]);
  });

  it('knows the camelCase spelling and keeps what names no field for the form', () => {
    const r = fieldErrors('timeoutSec must be at most intervalSec; a TRAFFICSIM client needs exactly one target', FIELDS);
    expect(r.fields).toEqual({ timeout_sec: 'timeoutSec must be at most intervalSec' });
    expect(r.form).toEqual(['a TRAFFICSIM client needs exactly one target']);
  });

  it('does not take a longer name for a shorter one', () => {
    expect(fieldErrors('targets_extra: unknown field', FIELDS).form).toEqual(['targets_extra: unknown field']);
  });
});

describe('plainMessage', () => {
  it('explains what a user can do for transport, session and server failures', () => {
    expect(plainMessage(0, 'unreachable', undefined)).toMatch(/cannot be reached/);
    expect(plainMessage(401, 'unauthorized', 'authentication required')).toMatch(/sign in again/);
    expect(plainMessage(401, 'invalid_credentials', 'wrong email or password')).toBe('wrong email or password');
    expect(plainMessage(503, 'not_ready', 'x')).toMatch(/had a problem \(503, not_ready\)/);
    expect(plainMessage(400, 'validation_failed', 'name must be 1 to 100 characters')).toBe('name must be 1 to 100 characters');
  });
});
