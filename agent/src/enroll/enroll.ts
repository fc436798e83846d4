import { AgentExit, ExitCode } from '../exit-codes';
import type { Logger } from '../log';
import { backoffDelay, DEFAULT_BACKOFF, sleep, type BackoffPolicy } from '../transport/backoff';
import { headerValue, httpRequest } from '../transport/http-request';

export interface EnrollRequest {
  controller: string;
  workspaceId: number;
  agentId: number;
  pin: string;
}

export type EnrollOutcome =
  | { kind: 'psk'; psk: string }
  | { kind: 'retry'; reason: string }
  | { kind: 'exit'; exit: AgentExit };

const REQUEST_TIMEOUT_MS = 15_000;

function errorText(body: unknown, fallback: string): string {
  if (body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string') {
    return (body as { error: string }).error.slice(0, 300);
  }
  if (typeof body === 'string' && body.trim()) return body.trim().slice(0, 300);
  return fallback;
}

/**
 * What one answer to POST /agent means. Pure, so every status is unit-tested: 5xx and 408 mean
 * the controller is not ready (retry); 401/403, 410 and 429 are final and need an operator.
 */
export function classifyEnrollResponse(status: number, body: unknown, retryAfter: string | null): EnrollOutcome {
  const why = errorText(body, `HTTP ${status}`);
  if (status >= 200 && status < 300) {
    const psk = (body as { psk?: unknown } | null)?.psk;
    if ((body as { status?: unknown } | null)?.status === 'success' && typeof psk === 'string' && psk.length >= 16 && psk.length <= 256) {
      return { kind: 'psk', psk };
    }
    return { kind: 'exit', exit: new AgentExit(ExitCode.Unexpected, `controller accepted the PIN but sent no usable PSK (HTTP ${status})`) };
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'exit',
      exit: new AgentExit(
        ExitCode.AuthFailed,
        `enrollment refused (HTTP ${status}: ${why}). The PIN is wrong, expired or already used: issue a new PIN for this agent and run again with --pin.`,
      ),
    };
  }
  if (status === 410) {
    return { kind: 'exit', exit: new AgentExit(ExitCode.Gone, `this agent was deleted on the controller (HTTP 410: ${why}); not retrying.`) };
  }
  if (status === 429) {
    const seconds = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : null;
    const when = seconds !== null ? `retry after ${seconds} s` : retryAfter ? `retry after ${retryAfter}` : 'retry later';
    return {
      kind: 'exit',
      exit: new AgentExit(ExitCode.PinLocked, `enrollment is locked after too many wrong PINs (HTTP 429: ${why}); ${when} (Retry-After: ${retryAfter ?? 'not given'}).`),
    };
  }
  if (status === 408 || status >= 500) return { kind: 'retry', reason: `HTTP ${status}: ${why}` };
  if (status === 400 || status === 404 || status === 422) {
    return {
      kind: 'exit',
      exit: new AgentExit(ExitCode.Usage, `controller rejected the enrollment request (HTTP ${status}: ${why}); check --controller, --workspace, --agent and --pin.`),
    };
  }
  return { kind: 'exit', exit: new AgentExit(ExitCode.Unexpected, `unexpected answer to enrollment (HTTP ${status}: ${why})`) };
}

/** Network-level failure text: the error code (ECONNREFUSED, ENOTFOUND, …) when there is one. */
function networkReason(e: unknown): string {
  const err = e as { code?: string; message?: string };
  return err.code ?? err.message ?? String(e);
}

/**
 * Exchanges the one-time PIN for a PSK (POST {controller}/agent), retrying an unreachable or
 * failing controller with jittered exponential backoff until it answers or `signal` aborts.
 * Neither the PIN nor the PSK is ever logged.
 */
export async function enroll(
  req: EnrollRequest,
  opts: { log: Logger; signal: AbortSignal; backoff?: BackoffPolicy },
): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    if (opts.signal.aborted) throw new AgentExit(ExitCode.Ok, 'stopped before enrollment completed');
    let outcome: EnrollOutcome;
    try {
      const res = await httpRequest(`${req.controller}/agent`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ workspace_id: req.workspaceId, agent_id: req.agentId, pin: req.pin }),
        signal: opts.signal,
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
      let body: unknown = res.text;
      try {
        body = JSON.parse(res.text);
      } catch {
        // Keep the text: a proxy's HTML error page still says something useful.
      }
      outcome = classifyEnrollResponse(res.status, body, headerValue(res.headers, 'retry-after'));
    } catch (e) {
      if (opts.signal.aborted) throw new AgentExit(ExitCode.Ok, 'stopped before enrollment completed');
      outcome = { kind: 'retry', reason: `controller unreachable (${networkReason(e)})` };
    }
    if (outcome.kind === 'psk') return outcome.psk;
    if (outcome.kind === 'exit') throw outcome.exit;
    const delay = backoffDelay(attempt, opts.backoff ?? DEFAULT_BACKOFF);
    opts.log.warn({ attempt: attempt + 1, retry_in_ms: delay, reason: outcome.reason }, 'enrollment failed; retrying');
    await sleep(delay, opts.signal);
  }
}
