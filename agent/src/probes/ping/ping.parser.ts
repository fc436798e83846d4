import { isIP } from 'node:net';
import { jitter, mean, percentile, roundMs, stddev, type PingPayload } from '@netwatcher/shared';
import type { FinishedCommand } from '../../exec/run-command';

export interface PingRunOutput extends FinishedCommand {
  /** The target as configured (name or address). */
  target: string;
  /** Packets asked for with `-c`; used when ping died before printing its statistics. */
  count: number;
}

const REPLY = /^\d+ bytes from .*?icmp_seq=(\d+)\b.*?time[=<]([\d.]+) ms/;
const ICMP_ERROR = /^From (.+?):? icmp_seq=(\d+) (.+)$/;
const TRANSMITTED = /(\d+) packets transmitted/;

function headerAddress(line: string): string | null {
  for (const m of line.matchAll(/\(([^()\s]+)\)/g)) if (isIP(m[1])) return m[1];
  return null;
}

function firstLine(text: string | undefined | null): string | null {
  const line = text?.split('\n').find((l) => l.trim().length > 0);
  return line ? line.trim().slice(0, 500) : null;
}

/**
 * Turns iputils `ping -n` output into a PING payload. Pure: the probe feeds it a real run, the
 * tests feed it recorded runs. Per-packet RTTs are kept by icmp_seq (null = no reply), so loss
 * patterns survive; the summary figures are recomputed from them with the shared helpers rather
 * than copied from ping's rounded `rtt min/avg/max/mdev` line.
 */
export function parsePingOutput(run: PingRunOutput): PingPayload {
  const lines = run.stdout.split('\n');
  let address: string | null = null;
  let sawHeader = false;
  let transmitted: number | null = null;
  let maxSeq = 0;
  const replies = new Map<number, number>();
  let icmpError: string | null = null;

  for (const raw of lines) {
    const line = raw.trim();
    if (line.startsWith('PING ')) {
      sawHeader = true;
      address = headerAddress(line);
      continue;
    }
    const reply = REPLY.exec(line);
    if (reply) {
      const seq = Number(reply[1]);
      maxSeq = Math.max(maxSeq, seq);
      // A duplicate (DUP!) reply does not make a lost packet less lost: keep the first.
      if (!replies.has(seq)) replies.set(seq, Number(reply[2]));
      continue;
    }
    const error = ICMP_ERROR.exec(line);
    if (error) {
      maxSeq = Math.max(maxSeq, Number(error[2]));
      icmpError ??= `${error[1]}: ${error[3]}`;
      continue;
    }
    const tx = TRANSMITTED.exec(line);
    if (tx) transmitted = Number(tx[1]);
  }

  if (!sawHeader && transmitted === null) {
    // ping never started measuring: unknown host, bad address, not installed, no permission.
    const reason =
      firstLine(run.spawnError) ??
      firstLine(run.stderr) ??
      firstLine(run.stdout) ??
      (run.timedOut ? `ping did not start within ${run.timeoutSec ?? '?'} s` : `ping exited with code ${run.exitCode ?? 'unknown'}`);
    return emptyPayload(run.target, null, reason);
  }

  const sent = transmitted ?? Math.max(run.count, maxSeq);
  const rtts: (number | null)[] = Array.from({ length: sent }, (_, i) => replies.get(i + 1) ?? null);
  const received = rtts.filter((r) => r !== null).length;
  const samples = rtts.filter((r): r is number => r !== null);

  let error: string | undefined;
  if (run.timedOut) {
    error = `stopped at the ${run.timeoutSec ?? '?'} s timeout after ${sent} of ${run.count} packets`;
  } else if (received === 0 && icmpError) {
    error = icmpError.slice(0, 500);
  } else if (transmitted === null) {
    error = firstLine(run.stderr) ?? 'ping ended without statistics';
  }

  return {
    target: run.target,
    address,
    sent,
    received,
    loss_pct: sent > 0 ? roundMs(((sent - received) / sent) * 100)! : 100,
    rtt_min_ms: roundMs(samples.length ? Math.min(...samples) : null),
    rtt_avg_ms: roundMs(mean(samples)),
    rtt_max_ms: roundMs(samples.length ? Math.max(...samples) : null),
    rtt_stddev_ms: roundMs(stddev(samples)),
    jitter_ms: roundMs(jitter(samples)),
    rtt_p50_ms: roundMs(percentile(samples, 50)),
    rtt_p95_ms: roundMs(percentile(samples, 95)),
    rtt_p99_ms: roundMs(percentile(samples, 99)),
    rtts_ms: rtts,
    ...(error !== undefined ? { error } : {}),
  };
}

function emptyPayload(target: string, address: string | null, error: string): PingPayload {
  return {
    target,
    address,
    sent: 0,
    received: 0,
    loss_pct: 100,
    rtt_min_ms: null,
    rtt_avg_ms: null,
    rtt_max_ms: null,
    rtt_stddev_ms: null,
    jitter_ms: null,
    rtt_p50_ms: null,
    rtt_p95_ms: null,
    rtt_p99_ms: null,
    rtts_ms: [],
    error,
  };
}
