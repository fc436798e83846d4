import { isIP } from 'node:net';
import { roundMs, type MtrHop, type MtrPayload } from '@netwatcher/shared';
import type { FinishedCommand } from '../../exec/run-command';

export interface MtrRunOutput extends FinishedCommand {
  target: string;
}

/** One entry of `report.hubs` as mtr 0.9x prints it; older versions print numbers as strings. */
interface RawHub {
  count?: number | string;
  host?: string;
  'Loss%'?: number | string;
  Snt?: number | string;
  Last?: number | string;
  Avg?: number | string;
  Best?: number | string;
  Wrst?: number | string;
  StDev?: number | string;
}

function num(value: unknown): number | null {
  const n = typeof value === 'string' ? Number(value.replace('%', '')) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null;
}

function firstLine(text: string | undefined | null): string | null {
  const line = text?.split('\n').find((l) => l.trim().length > 0);
  return line ? line.trim().slice(0, 500) : null;
}

function toHop(hub: RawHub, index: number): MtrHop {
  const host = typeof hub.host === 'string' ? hub.host.trim() : '???';
  const unknown = host === '' || host === '???';
  const loss = Math.min(100, num(hub['Loss%']) ?? 100);
  // mtr prints 0.0 for the timings of a hop that never answered; that is "no data", not 0 ms.
  const answered = !unknown && loss < 100;
  const ms = (v: unknown): number | null => (answered ? roundMs(num(v)) : null);
  return {
    hop: Math.min(255, Math.max(1, num(hub.count) ?? index + 1)),
    address: unknown ? null : isIP(host) ? host : null,
    // With -n mtr prints addresses only; a name here means DNS was on (kept for older configs).
    hostname: unknown || isIP(host) ? null : host.slice(0, 253),
    loss_pct: loss,
    sent: Math.round(num(hub.Snt) ?? 0),
    last_ms: ms(hub.Last),
    avg_ms: ms(hub.Avg),
    best_ms: ms(hub.Best),
    worst_ms: ms(hub.Wrst),
    stddev_ms: ms(hub.StDev),
  };
}

/**
 * Turns `mtr -j` output into an MTR payload. mtr-tiny exits 0 even when the name does not
 * resolve (it prints the reason on stderr and nothing on stdout), so the absence of a report,
 * not the exit code, is what marks a failed run.
 */
export function parseMtrOutput(run: MtrRunOutput): MtrPayload {
  let hubs: RawHub[] | null = null;
  try {
    const doc = JSON.parse(run.stdout) as { report?: { hubs?: unknown } };
    if (Array.isArray(doc?.report?.hubs)) hubs = doc.report.hubs as RawHub[];
  } catch {
    hubs = null;
  }
  if (hubs === null) {
    const reason =
      firstLine(run.spawnError) ??
      firstLine(run.stderr) ??
      (run.timedOut
        ? `mtr did not finish within ${run.timeoutSec ?? '?'} s`
        : `mtr produced no report (exit code ${run.exitCode ?? 'unknown'})`);
    return { target: run.target, hops: [], error: reason };
  }
  return { target: run.target, hops: hubs.slice(0, 255).map(toHop) };
}
