import { z } from 'zod';
import { compileParser } from './compiled-parser';
import { RESULT_TYPES, resultSpec, type ResultPayloadSchema, type ResultType } from './catalogue';
import { HostName, Id, IsoTimestamp, Uuid } from './units';

const envelope = {
  /** Made by the agent when the measurement ends; the controller stores each id at most once. */
  id: Uuid,
  /** The probe measured; 0 only for an ad-hoc on-demand run (then `run_id` names the run). */
  probe_id: z.number().int().min(0).max(2_147_483_647),
  /** Set when the result comes from an on-demand or queued run (README "On-demand runs"). */
  run_id: Id.optional(),
  created_at: IsoTimestamp,
  target: HostName.or(z.literal('')).default(''),
  /** Peer agent id for AGENT/TRAFFICSIM measurements, else 0. */
  target_agent: z.number().int().min(0).max(2_147_483_647).default(0),
  triggered: z.boolean().default(false),
  triggered_reason: z.string().max(500).default(''),
};

type Envelope = typeof envelope;
type ResultSchemaOf<T extends ResultType> = z.ZodObject<Envelope & { type: z.ZodLiteral<T>; payload: ResultPayloadSchema<T> }>;
/** One schema per result type, as a union of the catalogue's types (so `type` narrows `payload`). */
type AnyResultSchema = { [T in ResultType]: ResultSchemaOf<T> }[ResultType];

function resultSchema<T extends ResultType>(type: T): ResultSchemaOf<T> {
  return z.object({ ...envelope, type: z.literal(type), payload: resultSpec(type).payload }) as ResultSchemaOf<T>;
}

/** One measurement, as posted in `probe_post`. The payload schema is chosen by `type`, from the probe catalogue. */
export const ProbeResult = z.discriminatedUnion('type', RESULT_TYPES.map(resultSchema) as [AnyResultSchema, ...AnyResultSchema[]]);
export type ProbeResult = z.infer<typeof ProbeResult>;
export type ProbeResultInput = z.input<typeof ProbeResult>;

/** `ProbeResult.safeParse` with a compiled fast path: same answers, a fraction of the cost (ingest hot path). */
export const parseProbeResult = compileParser(ProbeResult);

/** Bounded so one message cannot make the controller hold unbounded work. */
export const MAX_RESULTS_PER_POST = 500;

export interface RejectedResult {
  id: string | null;
  error: string;
}

/**
 * The ack for one `probe_post`: `ids` are durably stored (now or earlier: a re-delivered id is
 * acked again without a second row), `rejected` will never be accepted and must not be retried.
 */
export const ProbePostOk = z.object({
  ids: z.array(z.string()),
  rejected: z.array(z.object({ id: z.string().nullable(), error: z.string() })),
});
export type ProbePostOk = z.infer<typeof ProbePostOk>;
