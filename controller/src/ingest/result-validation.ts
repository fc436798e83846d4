import { MAX_RESULTS_PER_POST, parseProbeResult, ProbeResult, ProbeType, RejectedResult, resultTypesOf } from '@netwatcher/shared';

export interface ValidatedBatch {
  /** Accepted results with their ids normalised to lower case, the one spelling stored. */
  accepted: ProbeResult[];
  /** The ids of `accepted` as the agent sent them (same order), for the ack it matches its spool against. */
  sentIds: string[];
  rejected: RejectedResult[];
  /** How many of `rejected` were refused for each reason (for metrics; the agent reads `error`). */
  rejectedBy: Partial<Record<RejectionReason, number>>;
}

/** Why one result of a post was refused: a small fixed set, so it can label a metric. */
export const REJECTION_REASONS = ['invalid', 'not_owned', 'wrong_type', 'bad_time', 'future', 'expired'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** Why a whole post was refused before any of its results was looked at. */
export type PostRefusal = 'empty' | 'too_many';

export class BatchRefused extends Error {
  constructor(
    readonly reason: PostRefusal,
    message: string,
  ) {
    super(message);
  }
}

function idOf(raw: unknown): string | null {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.length <= 64 ? id : null;
}

/** The id of a post's first result, which names the post in a `busy` reply (null if it has none). */
export function firstResultId(raw: unknown): string | null {
  return idOf(Array.isArray(raw) ? raw[0] : raw);
}

/**
 * Clock skew tolerance: a result claiming to come from further in the future is a broken agent
 * clock and is refused. The batch writer's de-dup shortcut relies on this bound.
 */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * How long raw results are kept (the TTL of probe_results, 0001_probe_results.sql). An older
 * result would be acked and then dropped by the TTL unseen, so it is refused instead: an ack
 * means the result is queryable. The bound also keeps one insert within ClickHouse's
 * 100-partitions-per-insert limit (one partition per day: at most 91 days plus the skew).
 */
export const RESULT_RETENTION_DAYS = 90;
const RETENTION_MS = RESULT_RETENTION_DAYS * 86_400_000;

/**
 * The schema's pattern admits impossible dates (2024-02-30, month 13, hour 25, 24:00); only a
 * text that is its own canonical rendering names a real instant.
 */
export function isRealInstant(text: string): boolean {
  const ms = Date.parse(text);
  return Number.isFinite(ms) && new Date(ms).toISOString() === text;
}

/**
 * Checks one `probe_post` message: a single result or an array of at most MAX_RESULTS_PER_POST.
 * Each result is validated on its own so one bad result never costs the good ones; a result
 * for a probe the agent does not own is refused.
 */
export function validateBatch(
  raw: unknown,
  ownedProbeType: (probeId: number) => ProbeType | undefined,
  now = Date.now(),
  /** The type of a run of this agent (results naming `run_id`); undefined: not its run. */
  ownedRunType: (runId: number) => ProbeType | undefined = () => undefined,
): ValidatedBatch {
  const items = Array.isArray(raw) ? raw : [raw];
  if (items.length === 0) throw new BatchRefused('empty', 'probe_post needs at least one result');
  if (items.length > MAX_RESULTS_PER_POST) {
    throw new BatchRefused('too_many', `probe_post carries at most ${MAX_RESULTS_PER_POST} results, got ${items.length}`);
  }
  const accepted: ProbeResult[] = [];
  const sentIds: string[] = [];
  const rejected: RejectedResult[] = [];
  const rejectedBy: Partial<Record<RejectionReason, number>> = {};
  const reject = (id: string | null, reason: RejectionReason, error: string): void => {
    rejected.push({ id, error });
    rejectedBy[reason] = (rejectedBy[reason] ?? 0) + 1;
  };
  for (const item of items) {
    const parsed = parseProbeResult(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      reject(idOf(item), 'invalid', `invalid result: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
      continue;
    }
    const result = parsed.data;
    // A run's result names its run; an ad-hoc run's (probe_id 0) takes its type from the run.
    const runType = result.run_id === undefined ? undefined : ownedRunType(result.run_id);
    const probeType = result.probe_id === 0 ? runType : ownedProbeType(result.probe_id);
    if (result.run_id !== undefined && !runType) {
      reject(result.id, 'not_owned', `run ${result.run_id} does not belong to this agent`);
    } else if (!probeType) {
      reject(result.id, 'not_owned', result.probe_id === 0 ? 'probe_id 0 is only for results of an ad-hoc run (give run_id)' : `probe ${result.probe_id} does not belong to this agent`);
    } else if (!resultTypesOf(probeType).includes(result.type)) {
      // The catalogue says which results a type reports: its own, or for a plan (AGENT) those it runs.
      reject(result.id, 'wrong_type', `a ${probeType} probe cannot report a ${result.type} result`);
    } else if (!isRealInstant(result.created_at)) {
      reject(result.id, 'bad_time', `created_at is not a real date and time: ${result.created_at}`);
    } else if (Date.parse(result.created_at) > now + MAX_CLOCK_SKEW_MS) {
      reject(result.id, 'future', 'created_at is in the future: check the agent clock');
    } else if (Date.parse(result.created_at) < now - RETENTION_MS) {
      reject(result.id, 'expired', `created_at is older than the ${RESULT_RETENTION_DAYS}-day retention: it would not be kept`);
    } else {
      // Ids are UUIDs in any case; one spelling stored keeps a re-delivery in another case a duplicate.
      accepted.push({ ...result, id: result.id.toLowerCase() });
      sentIds.push(result.id);
    }
  }
  return { accepted, sentIds, rejected, rejectedBy };
}
