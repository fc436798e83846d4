import { randomUUID } from 'node:crypto';
import type { ProbeType } from '@netwatcher/shared';
import { BatchRefused, isRealInstant, validateBatch } from './result-validation';

function ping(probeId: number, extra: Record<string, unknown> = {}) {
  return {
    id: randomUUID() as string,
    probe_id: probeId,
    type: 'PING',
    created_at: '2026-01-01T00:00:00.000Z',
    target: '127.0.0.1',
    payload: {
      target: '127.0.0.1',
      address: '127.0.0.1',
      sent: 1,
      received: 1,
      loss_pct: 0,
      rtt_min_ms: 0.1,
      rtt_avg_ms: 0.1,
      rtt_max_ms: 0.1,
      rtt_stddev_ms: 0,
      jitter_ms: null,
      rtt_p50_ms: 0.1,
      rtt_p95_ms: 0.1,
      rtt_p99_ms: 0.1,
      rtts_ms: [0.1],
    },
    ...extra,
  };
}

const owned = new Map<number, ProbeType>([
  [1, 'PING'],
  [2, 'AGENT'],
  [3, 'SYSINFO'],
]);
const lookup = (id: number) => owned.get(id);
/** The fixtures' clock: results are measured at 2026-01-01T00:00Z, a few minutes before. */
const NOW = Date.parse('2026-01-01T00:05:00Z');

describe('validateBatch', () => {
  it('accepts a single result or an array', () => {
    expect(validateBatch(ping(1), lookup, NOW).accepted).toHaveLength(1);
    expect(validateBatch([ping(1), ping(1)], lookup, NOW).accepted).toHaveLength(2);
  });

  it('lets an AGENT probe report PING results but not a SYSINFO probe', () => {
    const r = validateBatch([ping(2), ping(3)], lookup, NOW);
    expect(r.accepted.map((x) => x.probe_id)).toEqual([2]);
    expect(r.rejected[0].error).toMatch(/SYSINFO probe cannot report a PING/);
    expect(r.rejectedBy).toEqual({ wrong_type: 1 });
  });

  it('rejects results for probes the agent does not own, keeping the good ones', () => {
    const foreign = ping(99);
    const r = validateBatch([ping(1), foreign], lookup, NOW);
    expect(r.accepted).toHaveLength(1);
    expect(r.rejected).toEqual([{ id: foreign.id, error: 'probe 99 does not belong to this agent' }]);
    expect(r.rejectedBy).toEqual({ not_owned: 1 });
  });

  it('names the failing field of a malformed result', () => {
    const bad = ping(1, { created_at: 'yesterday' });
    const r = validateBatch([bad, { nonsense: true }, 'text'], lookup, NOW);
    expect(r.accepted).toHaveLength(0);
    expect(r.rejected[0]).toEqual({ id: bad.id, error: expect.stringMatching(/^invalid result: created_at/) });
    expect(r.rejected[1].id).toBeNull();
    expect(r.rejected).toHaveLength(3);
    expect(r.rejectedBy).toEqual({ invalid: 3 });
  });

  it('refuses results from the future (broken agent clock)', () => {
    const r = validateBatch(ping(1, { created_at: '2030-01-01T00:00:00.000Z' }), lookup, Date.parse('2026-01-01T00:00:00Z'));
    expect(r.rejected[0].error).toMatch(/future/);
    expect(r.rejectedBy).toEqual({ future: 1 });
  });

  it('refuses impossible dates that fit the pattern, each for itself', () => {
    const bad = ['2025-02-29T00:00:00.000Z', '2025-13-01T00:00:00.000Z', '2025-12-31T25:00:00.000Z', '2025-12-31T24:00:00.000Z', '2025-12-31T23:60:00.000Z'];
    const r = validateBatch([ping(1), ...bad.map((created_at) => ping(1, { created_at }))], lookup, NOW);
    expect(r.accepted).toHaveLength(1);
    expect(r.rejected.map((x) => x.error)).toEqual(bad.map((t) => `created_at is not a real date and time: ${t}`));
    expect(r.rejectedBy).toEqual({ bad_time: bad.length });
    expect(isRealInstant('2024-02-29T12:00:00.000Z')).toBe(true);
  });

  it('refuses results older than the retention instead of acking what the TTL would drop', () => {
    const r = validateBatch([ping(1, { created_at: '2025-10-03T00:04:59.999Z' }), ping(1, { created_at: '2025-10-03T00:05:00.000Z' })], lookup, NOW);
    expect(r.rejected).toEqual([{ id: expect.any(String), error: expect.stringMatching(/older than the 90-day retention/) }]);
    expect(r.rejectedBy).toEqual({ expired: 1 });
    expect(r.accepted).toHaveLength(1);
  });

  it('stores ids in lower case and acks them as sent', () => {
    const upper = ping(1);
    upper.id = upper.id.toUpperCase();
    const r = validateBatch(upper, lookup, NOW);
    expect(r.accepted[0].id).toBe(upper.id.toLowerCase());
    expect(r.sentIds).toEqual([upper.id]);
  });

  it('refuses empty and oversized batches outright', () => {
    expect(() => validateBatch([], lookup, NOW)).toThrow(expect.objectContaining({ reason: 'empty' }));
    expect(() => validateBatch([], lookup, NOW)).toThrow(BatchRefused);
    expect(() => validateBatch(Array.from({ length: 501 }, () => ping(1)), lookup, NOW)).toThrow(/at most 500/);
  });
});

describe('validateBatch: results of runs', () => {
  const runs = new Map<number, ProbeType>([
    [10, 'PING'],
    [11, 'SYSINFO'],
  ]);
  const runLookup = (id: number) => runs.get(id);

  it('takes an ad-hoc run result (probe_id 0) of a run of this agent, with the run type', () => {
    const r = ping(0, { run_id: 10 });
    const { accepted, rejected } = validateBatch([r], lookup, NOW, runLookup);
    expect(rejected).toEqual([]);
    expect(accepted[0]).toMatchObject({ probe_id: 0, run_id: 10 });
  });

  it('takes a run of a configured probe under the probe rules', () => {
    expect(validateBatch([ping(1, { run_id: 10 })], lookup, NOW, runLookup).rejected).toEqual([]);
  });

  it('refuses another agent\'s run, probe 0 without a run, and a type the run does not report', () => {
    const foreign = ping(0, { run_id: 12 });
    const bare = ping(0);
    const wrong = ping(0, { run_id: 11 });
    const { accepted, rejected, rejectedBy } = validateBatch([foreign, bare, wrong], lookup, NOW, runLookup);
    expect(accepted).toEqual([]);
    expect(rejected).toEqual([
      { id: foreign.id, error: 'run 12 does not belong to this agent' },
      { id: bare.id, error: 'probe_id 0 is only for results of an ad-hoc run (give run_id)' },
      { id: wrong.id, error: 'a SYSINFO probe cannot report a PING result' },
    ]);
    expect(rejectedBy).toEqual({ not_owned: 2, wrong_type: 1 });
  });
});
