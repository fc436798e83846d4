import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { round } from './stats';

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface ProcSample {
  /** utime + stime of the process, in seconds. */
  cpuSeconds: number;
  /** cutime + cstime: children it has waited for (an agent's finished `ping` runs). */
  childCpuSeconds: number;
  rssMb: number;
  hwmMb: number;
}

/** Reads /proc/<pid>/stat (CPU ticks) and /proc/<pid>/status (VmRSS, VmHWM). */
export function readProc(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may contain spaces, start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const cutime = Number(fields[13]);
    const cstime = Number(fields[14]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { cpuSeconds: (utime + stime) / CLK_TCK, childCpuSeconds: (cutime + cstime) / CLK_TCK, rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

export interface WindowFigures {
  seconds: number;
  /** CPU time over wall time, in % of one core (200 % = both cores of a 2-core machine). */
  cpu_pct: number;
  rss_mb_avg: number;
  rss_mb_max: number;
  /** Peak resident set since the process started (VmHWM). */
  rss_mb_peak: number;
}

/** Samples a process once a second; `window()` reports CPU share and RSS since the last `mark()`. */
export class ProcMonitor {
  private timer?: NodeJS.Timeout;
  private start?: { at: number; sample: ProcSample };
  private rss: number[] = [];

  constructor(readonly pid: number) {}

  mark(): void {
    const sample = readProc(this.pid);
    this.start = sample ? { at: performance.now(), sample } : undefined;
    this.rss = [];
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      const s = readProc(this.pid);
      if (s) this.rss.push(s.rssMb);
    }, 1000);
    this.timer.unref();
  }

  window(): WindowFigures | null {
    clearInterval(this.timer);
    const end = readProc(this.pid);
    if (!this.start || !end) return null;
    const seconds = (performance.now() - this.start.at) / 1000;
    const rss = [...this.rss, end.rssMb];
    return {
      seconds: round(seconds, 1),
      cpu_pct: round(((end.cpuSeconds - this.start.sample.cpuSeconds) / seconds) * 100, 1),
      rss_mb_avg: round(rss.reduce((a, b) => a + b, 0) / rss.length, 1),
      rss_mb_max: round(Math.max(...rss), 1),
      rss_mb_peak: round(end.hwmMb, 1),
    };
  }
}

/** CPU seconds of a process, its reaped children and its live children (an agent and its pings). */
export function treeCpuSeconds(pid: number): number {
  const own = readProc(pid);
  let total = own ? own.cpuSeconds + own.childCpuSeconds : 0;
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    for (const child of children) total += treeCpuSeconds(Number(child));
  } catch {
    /* the process is gone */
  }
  return total;
}
