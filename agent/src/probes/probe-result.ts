import { randomUUID } from 'node:crypto';
import { ProbeResult, type ProbeResultInput } from '@netwatcher/shared';

export interface MeasurementInput {
  probeId: number;
  type: ProbeResultInput['type'];
  target: string;
  targetAgent?: number;
  payload: ProbeResultInput['payload'];
  /** When the measurement ended; the result's `created_at`. */
  endedAt: Date;
}

/**
 * Wraps a payload in the result envelope with an agent-made id, and validates it with the same
 * schema the controller uses: a result that would be rejected is caught here, where the bug is.
 */
export function buildResult(input: MeasurementInput): { ok: true; result: ProbeResult } | { ok: false; error: string } {
  const parsed = ProbeResult.safeParse({
    id: randomUUID(),
    probe_id: input.probeId,
    type: input.type,
    created_at: input.endedAt.toISOString(),
    target: input.target,
    target_agent: input.targetAgent ?? 0,
    triggered: false,
    triggered_reason: '',
    payload: input.payload,
  });
  if (parsed.success) return { ok: true, result: parsed.data };
  return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}
