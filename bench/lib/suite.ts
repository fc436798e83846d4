/** What every suite module exports: `export async function run(opts: SuiteOptions): Promise<Record<string, unknown>>`. */
export interface SuiteOptions {
  quick: boolean;
  /** Run the controller under `node --cpu-prof` and keep the profiles here. */
  profileDir?: string;
}

/** A target from the issue, evaluated by the suite that measures it. */
export interface TargetResult {
  id: string;
  label: string;
  /** The requirement in words, e.g. "≥ 20,000 results/s, zero loss". */
  target: string;
  /** The measured figure in words, e.g. "23,400 results/s, 0 lost". */
  value: string;
  met: boolean | null;
  /** Why a target could not be measured (met: null). */
  reason?: string;
}

export type SuiteResult = Record<string, unknown> & { targets?: TargetResult[]; notes?: string[] };

export function log(suite: string, message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${suite}: ${message}\n`);
}
