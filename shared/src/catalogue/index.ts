import type { ProbeResult } from '../results';
import { AGENT } from './agent';
import type { MeasurementEntry, ResultMetrics, ResultSpec } from './catalogue.types';
import { MTR } from './mtr';
import { NETINFO } from './netinfo';
import { PING } from './ping';
import { SPEEDTEST } from './speedtest';
import { SYSINFO } from './sysinfo';
import { TRAFFICSIM } from './trafficsim';

export * from './catalogue.types';
export { GenericPayload } from './generic';
export { MtrHop, MtrPayload } from './mtr';
export { NetinfoInterface, NetinfoPayload } from './netinfo';
export { PingPayload } from './ping';
export { SpeedtestPayload } from './speedtest';
export { SysinfoPayload } from './sysinfo';
export { TRAFFICSIM_LIMITS, TrafficsimDirection, TrafficsimPayload, TrafficsimSettings } from './trafficsim';

/**
 * The probe catalogue: every probe type once, in the order the API lists them, with its config
 * rules and defaults, its result payload schema, metric extractor, alert metrics and whether it
 * charts. The controller (validation, ingest, charts, provisioning) and the agent (its runner
 * registry) read it. Adding a type is one file in this folder and one line here.
 */
export const PROBE_CATALOGUE = { PING, MTR, SPEEDTEST, SYSINFO, NETINFO, TRAFFICSIM, AGENT } as const;
type Catalogue = typeof PROBE_CATALOGUE;

/** The probe types a workspace can configure. AGENT is a plan that expands into PING/MTR toward a peer. */
export type ProbeType = keyof Catalogue;
export const PROBE_TYPES = Object.keys(PROBE_CATALOGUE) as [ProbeType, ...ProbeType[]] as readonly [ProbeType, ...ProbeType[]];

export function isProbeType(value: unknown): value is ProbeType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(PROBE_CATALOGUE, value);
}

/** Types that report results under their own name; a plan reports those of the types it runs. */
export type ResultType = { [K in ProbeType]: Catalogue[K] extends MeasurementEntry ? K : never }[ProbeType];
export type ResultPayloadSchema<T extends ResultType> = Catalogue[T] extends MeasurementEntry<infer P> ? P : never;

export function isResultType(value: unknown): value is ResultType {
  return isProbeType(value) && PROBE_CATALOGUE[value].result !== null;
}

export const RESULT_TYPES: readonly ResultType[] = PROBE_TYPES.filter(isResultType);

export function resultSpec<T extends ResultType>(type: T): ResultSpec<ResultPayloadSchema<T>> {
  // Narrowed by the ResultType key; TypeScript cannot follow a generic key into the entry.
  return (PROBE_CATALOGUE[type] as MeasurementEntry).result as unknown as ResultSpec<ResultPayloadSchema<T>>;
}

function reportedTypes(type: ProbeType): readonly ResultType[] {
  const entry = PROBE_CATALOGUE[type];
  if (entry.result !== null) return [type as ResultType];
  const unknown = entry.plan.filter((t) => !isResultType(t));
  // A catalogue mistake, caught when the package loads rather than when a result is refused.
  if (unknown.length > 0) throw new Error(`probe catalogue: ${type} plans unknown result types ${unknown.join(', ')}`);
  return entry.plan as readonly ResultType[];
}

const REPORTED = new Map<ProbeType, readonly ResultType[]>(PROBE_TYPES.map((t) => [t, reportedTypes(t)]));

/** The result types a probe of this type may report: its own, or for a plan those it runs. */
export function resultTypesOf(type: ProbeType): readonly ResultType[] {
  return REPORTED.get(type) ?? [];
}

/** The chartable result types of a probe type, the default chart first; empty: no charts. */
export function chartResultTypes(type: ProbeType): readonly ResultType[] {
  return resultTypesOf(type).filter((t) => resultSpec(t).chartable);
}

/** Result types with charts: loss and RTT (PING, MTR), throughput and loaded RTT (SPEEDTEST). */
export const CHARTABLE_RESULT_TYPES: readonly ResultType[] = RESULT_TYPES.filter((t) => resultSpec(t).chartable);

/** Probe types whose results have charts (PING, MTR and AGENT: loss and RTT; SPEEDTEST: throughput). */
export const CHARTABLE_PROBE_TYPES: readonly ProbeType[] = PROBE_TYPES.filter((t) => chartResultTypes(t).length > 0);

/** The typed metric columns of a result, by its type's extractor. */
export function metricsOf(result: ProbeResult): ResultMetrics {
  // ProbeResult ties each payload to its type, so the extractor always gets its own payload.
  const extract = resultSpec(result.type).metrics as (payload: unknown) => ResultMetrics;
  return extract(result.payload);
}

/**
 * The probes every new agent gets, in creation order, so its host and network facts show up
 * without any setup.
 */
export const DEFAULT_AGENT_PROBE_TYPES: readonly ProbeType[] = ['NETINFO', 'SYSINFO'];

/** The types the controller's local agent runs toward the loopback address, with their settings. */
export function localAgentProbes(): { type: ProbeType; interval_sec: number; count: number }[] {
  return PROBE_TYPES.flatMap((type) => {
    const local = PROBE_CATALOGUE[type].localAgent;
    return local ? [{ type, ...local }] : [];
  });
}

/** Types the agent's scheduler leaves alone: the controller starts each run (see `dispatch`). */
export function dispatchedByController(type: ProbeType): boolean {
  return PROBE_CATALOGUE[type].dispatch === 'controller';
}
