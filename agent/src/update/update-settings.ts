import { isSea } from 'node:sea';

/** The executable to replace: only a single-executable agent updates itself. */
export function selfBinaryPath(): string | null {
  return isSea() ? process.execPath : null;
}

function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  const n = raw && /^\d+$/.test(raw) ? Number(raw) : NaN;
  return Number.isFinite(n) && n >= min ? n * 1000 : fallback * 1000;
}

/** NW_UPDATE_CHECK_SECONDS (default 6 h) and NW_UPDATE_TRIAL_SECONDS (default 120 s). */
export function updateTimings(env: NodeJS.ProcessEnv = process.env): { checkEveryMs: number; trialBoundMs: number } {
  return { checkEveryMs: seconds(env, 'NW_UPDATE_CHECK_SECONDS', 6 * 3600, 10), trialBoundMs: seconds(env, 'NW_UPDATE_TRIAL_SECONDS', 120, 5) };
}
