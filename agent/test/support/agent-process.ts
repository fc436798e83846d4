import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
export const AGENT_BIN = join(ROOT, 'agent', 'bin', 'netwatcher-agent.js');
const AGENT_DIST = join(ROOT, 'agent', 'dist', 'cli.js');

export function assertBuilt(): void {
  if (!existsSync(AGENT_DIST)) {
    throw new Error(`${AGENT_DIST} is missing: run \`npm run build\` (or \`npx tsc -b shared agent\`) before the agent tests`);
  }
}

export interface AgentProcess {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Parsed JSON log lines from stderr. */
  logs(): Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs the real built CLI as a child process, with no NW_* variables leaking in from the test run. */
export function startAgent(args: string[], env: Record<string, string> = {}): AgentProcess {
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NW_')));
  const proc = spawn(process.execPath, [AGENT_BIN, ...args], { env: { ...cleanEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    logs: () =>
      err
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    exited,
  };
}

/** Waits for exit, failing (and killing the process) if it takes longer than `timeoutMs`. */
export async function exitWithin(agent: AgentProcess, timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      agent.proc.kill('SIGKILL');
      reject(new Error(`agent did not exit within ${timeoutMs} ms\n${agent.stderr()}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([agent.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
