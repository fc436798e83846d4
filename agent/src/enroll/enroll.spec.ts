import { ExitCode } from '../exit-codes';
import { classifyEnrollResponse } from './enroll';

const PSK = 'k'.repeat(43);

describe('classifyEnrollResponse', () => {
  it('returns the PSK of a successful enrollment', () => {
    expect(classifyEnrollResponse(200, { status: 'success', psk: PSK, agent: {} }, null)).toEqual({ kind: 'psk', psk: PSK });
    expect(classifyEnrollResponse(201, { status: 'success', psk: PSK }, null)).toEqual({ kind: 'psk', psk: PSK });
  });

  it('treats a success without a usable PSK as unexpected', () => {
    const o = classifyEnrollResponse(200, { status: 'ok' }, null);
    expect(o.kind === 'exit' && o.exit.exitCode).toBe(ExitCode.Unexpected);
  });

  it('maps 401/403 to exit 4, 410 to exit 3, 429 to exit 5 with Retry-After', () => {
    const auth = classifyEnrollResponse(401, { error: 'invalid or expired PIN' }, null);
    expect(auth.kind === 'exit' && auth.exit.exitCode).toBe(ExitCode.AuthFailed);
    expect(auth.kind === 'exit' && auth.exit.message).toContain('invalid or expired PIN');
    const gone = classifyEnrollResponse(410, { error: 'agent deleted' }, null);
    expect(gone.kind === 'exit' && gone.exit.exitCode).toBe(ExitCode.Gone);
    const locked = classifyEnrollResponse(429, { error: 'locked' }, '240');
    expect(locked.kind === 'exit' && locked.exit.exitCode).toBe(ExitCode.PinLocked);
    expect(locked.kind === 'exit' && locked.exit.message).toContain('retry after 240 s');
  });

  it('retries 5xx and 408, exits 2 on malformed requests', () => {
    expect(classifyEnrollResponse(503, '<html>bad gateway</html>', null)).toEqual({ kind: 'retry', reason: 'HTTP 503: <html>bad gateway</html>' });
    expect(classifyEnrollResponse(408, '', null).kind).toBe('retry');
    const bad = classifyEnrollResponse(400, { error: 'pin must be digits' }, null);
    expect(bad.kind === 'exit' && bad.exit.exitCode).toBe(ExitCode.Usage);
  });
});
