import { AgentEvents, BUSY_CODE, type AgentConnectRefusal, type SocketErrorMessage } from '@netwatcher/shared';
import { ApiError } from '../common/api-error';

/** Socket.IO passes `data` of a middleware error to the client's `connect_error`. */
export type RefusalError = Error & { data?: AgentConnectRefusal };

export function refusal(code: AgentConnectRefusal['code'], status: AgentConnectRefusal['status'], message: string): RefusalError {
  const err: RefusalError = new Error(message);
  err.data = { code, status, error: message };
  return err;
}

/** Maps an auth failure to a refusal the client can act on (401: fix credentials, 410: stop for good). */
export function toRefusal(e: unknown): RefusalError {
  if (e instanceof ApiError && e.getStatus() === 410) return refusal('gone', 410, e.message);
  if (e instanceof ApiError && e.getStatus() === 400) return refusal('bad_request', 400, e.message);
  if (e instanceof ApiError && e.getStatus() === 401) return refusal('unauthorized', 401, e.message);
  // Anything else (database down…) is transient: no data, so clients simply retry.
  return new Error('controller temporarily unavailable');
}

export function errorMessage(event: string, code: string, error: string): SocketErrorMessage {
  return { event, code, error };
}

/** A `probe_post` refused under overload: when to send again, and which post (by its first result id). */
export function busyMessage(error: string, retryAfterMs: number, resultId: string | null): SocketErrorMessage {
  const message: SocketErrorMessage = { ...errorMessage(AgentEvents.ProbePost, BUSY_CODE, error), retry_after_ms: retryAfterMs };
  if (resultId !== null) message.result_id = resultId;
  return message;
}
