import { PROBE_CATALOGUE, type SpeedtestPayload } from '@netwatcher/shared';
import type { MeasurementInput } from '../probe-result';
import type { ControllerAccess, ProbeRunner, RunnerDeps } from '../probe-runner';
import { idleLatency, runDirection, type DirectionRun, type SpeedtestServer } from './speedtest.client';
import { latencyStats, loadedStats, planSpeedtest, roundMbps, windowThroughput } from './speedtest.math';

/** Where the controller serves the endpoints; a configured server speaks the same paths. */
export const SPEEDTEST_PATH = '/agent/api/speedtest';
/** Parallel streams per direction: enough to fill a path one TCP flow would not, within the controller's default cap (8). */
export const SPEEDTEST_STREAMS = 4;
const IDLE_SAMPLES = 5;

/**
 * The endpoints a target names. No target: this agent's controller, with its PSK headers. A URL
 * with a path is the base of the endpoints; a bare origin gets the controller's path. The PSK
 * goes only to the agent's own controller (same origin), never to a third-party server.
 */
export function resolveServer(target: string, controller: ControllerAccess | null): SpeedtestServer | string {
  if (target === '') {
    if (!controller) return 'no controller to test against: the agent is not enrolled, and the probe names no server URL';
    return { base: `${controller.url.replace(/\/+$/, '')}${SPEEDTEST_PATH}`, headers: controller.headers };
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return `not a URL: ${JSON.stringify(target.slice(0, 100))}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `not an http(s) URL: ${url.protocol}`;
  const path = url.pathname.replace(/\/+$/, '');
  const base = `${url.origin}${path === '' ? SPEEDTEST_PATH : path}`;
  const ours = controller !== null && sameOrigin(controller.url, url);
  return { base, headers: ours && controller ? controller.headers : {} };
}

function sameOrigin(a: string, b: URL): boolean {
  try {
    return new URL(a).origin === b.origin;
  } catch {
    return false;
  }
}

function emptyPayload(server: string, durationMs: number, warmupMs: number): SpeedtestPayload {
  return {
    server: server.slice(0, 2048) || '(none)',
    streams: SPEEDTEST_STREAMS,
    duration_ms: durationMs,
    warmup_ms: warmupMs,
    download_mbps: null,
    download_bytes: 0,
    download_duration_ms: 0,
    upload_mbps: null,
    upload_bytes: 0,
    upload_duration_ms: 0,
    latency_idle_ms: null,
    jitter_idle_ms: null,
    latency_download_ms: null,
    jitter_download_ms: null,
    latency_upload_ms: null,
    jitter_upload_ms: null,
    rtt_loaded_min_ms: null,
    rtt_loaded_avg_ms: null,
    rtt_loaded_max_ms: null,
    jitter_loaded_ms: null,
  };
}

/**
 * One speed test: idle latency, then download, then upload, each direction for the planned time
 * with its warm-up discarded. Ends early (with what it has and an error) when `signal` fires.
 */
export async function runSpeedtest(target: string, timeoutSec: number, controller: ControllerAccess | null, signal: AbortSignal): Promise<SpeedtestPayload> {
  const plan = planSpeedtest(timeoutSec);
  const server = resolveServer(target, controller);
  if (typeof server === 'string') return { ...emptyPayload(target, plan.directionMs, plan.warmupMs), error: server.slice(0, 500) };
  const run = AbortSignal.any([signal, AbortSignal.timeout(timeoutSec * 1000)]);
  const payload = emptyPayload(server.base, plan.directionMs, plan.warmupMs);
  const errors: string[] = [];

  const idle = latencyStats(await idleLatency(server.base, IDLE_SAMPLES, run));
  payload.latency_idle_ms = idle.avg;
  payload.jitter_idle_ms = idle.jitter;

  const directions: Partial<Record<'download' | 'upload', DirectionRun>> = {};
  for (const direction of ['download', 'upload'] as const) {
    if (run.aborted) break;
    const result = await runDirection(direction, server, { streams: SPEEDTEST_STREAMS, durationMs: plan.directionMs }, run);
    directions[direction] = result;
    if (result.error) errors.push(result.error);
    const throughput = windowThroughput(result.samples, plan.warmupMs);
    const stats = latencyStats(result.latenciesMs);
    // A direction cut short before its warm-up ended has no figure, rather than a misleading one.
    payload[`${direction}_mbps` as const] = throughput && throughput.bytes > 0 ? roundMbps(throughput.mbps) : null;
    payload[`${direction}_bytes` as const] = throughput?.bytes ?? 0;
    payload[`${direction}_duration_ms` as const] = Math.round(throughput?.durationMs ?? 0);
    payload[`latency_${direction}_ms` as const] = stats.avg;
    payload[`jitter_${direction}_ms` as const] = stats.jitter;
  }
  const loaded = loadedStats(directions.download?.latenciesMs ?? [], directions.upload?.latenciesMs ?? []);
  payload.rtt_loaded_min_ms = loaded.min;
  payload.rtt_loaded_avg_ms = loaded.avg;
  payload.rtt_loaded_max_ms = loaded.max;
  payload.jitter_loaded_ms = loaded.jitter;
  if (run.aborted && !signal.aborted) errors.push(`timed out after ${timeoutSec} s`);
  if (errors.length > 0) payload.error = errors.join('; ').slice(0, 500);
  return payload;
}

async function measureSpeedtest(probe: { id: number; timeout_sec: number }, target: string, deps: RunnerDeps, signal: AbortSignal): Promise<MeasurementInput> {
  const payload = await runSpeedtest(target, probe.timeout_sec, deps.controller, signal);
  return { probeId: probe.id, type: 'SPEEDTEST', target, payload, endedAt: new Date() };
}

export const speedtestRunner: ProbeRunner = {
  // One server after another, never in parallel: two tests at once would each measure half the link.
  measure: async (probe, deps, signal) => {
    const out: MeasurementInput[] = [];
    for (const target of probe.targets.length > 0 ? probe.targets : ['']) {
      if (signal.aborted) break;
      out.push(await measureSpeedtest(probe, target, deps, signal));
    }
    return out;
  },
  steps: (probe) => Math.max(1, probe.targets.length),
  local: {
    kind: 'server',
    defaults: { timeoutSec: PROBE_CATALOGUE.SPEEDTEST.rules.timeout.default },
    run: (server, options, deps) => runSpeedtest(server ?? '', options.timeoutSec, deps.controller, new AbortController().signal),
  },
};
