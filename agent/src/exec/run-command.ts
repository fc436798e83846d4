import { spawn } from 'node:child_process';
import { isAbsolute } from 'node:path';
import { SYSTEM_BIN_DIRS, systemBinary } from './system-binaries';

export interface RunOptions {
  /** Hard limit for the whole command; the process (group) is signalled when it is reached. */
  timeoutMs: number;
  /**
   * First signal on timeout/abort. `ping` prints its statistics on SIGINT, so its probe asks for
   * SIGINT and still gets a parsable summary from a run cut short.
   */
  killSignal?: NodeJS.Signals;
  /** How long the first signal has before SIGKILL follows. */
  killGraceMs?: number;
  /** Aborting (agent shutdown) stops the command the same way a timeout does. */
  signal?: AbortSignal;
  /** Output beyond this is dropped so a runaway command cannot exhaust memory. */
  maxOutputBytes?: number;
  env?: NodeJS.ProcessEnv;
}

export interface CommandOutput {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  /** The signal that ended the process, if any. */
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  /** Set when the command could not be started at all (e.g. ENOENT: not installed). */
  spawnError: string | null;
  durationMs: number;
}

/**
 * What a parser needs from one finished command: recorded fixtures give only stdout, a real run
 * also tells how it ended, so a parser can explain an empty or cut-off output.
 */
export interface FinishedCommand {
  stdout: string;
  stderr?: string;
  exitCode?: number | null;
  timedOut?: boolean;
  timeoutSec?: number;
  spawnError?: string | null;
}

export function finishedCommand(out: CommandOutput, timeoutSec: number): FinishedCommand {
  return { stdout: out.stdout, stderr: out.stderr, exitCode: out.exitCode, timedOut: out.timedOut, timeoutSec, spawnError: out.spawnError };
}

/** The probes receive this instead of importing child_process, so tests can feed recorded output. */
export type CommandRunner = (command: string, args: readonly string[], options: RunOptions) => Promise<CommandOutput>;

const DEFAULT_GRACE_MS = 2000;
const DEFAULT_MAX_OUTPUT = 4 * 1024 * 1024;

/**
 * Spawns a command by absolute path: a bare name (`ping`) is resolved once from the fixed
 * system directories, never through PATH; one that is not there fails like a missing tool.
 * Spawns in its own process group and always settles: on timeout or abort the whole
 * group gets `killSignal` (SIGTERM by default) and, if still alive after the grace period,
 * SIGKILL. Killing the group rather than the pid also stops grandchildren that would otherwise
 * keep the output pipes open and hang the probe.
 */
export const runCommand: CommandRunner = (command, args, options) =>
  new Promise<CommandOutput>((resolve) => {
    const started = Date.now();
    const path = isAbsolute(command) ? command : systemBinary(command);
    if (path === null) {
      resolve({
        stdout: '',
        stderr: '',
        exitCode: null,
        signal: null,
        timedOut: false,
        aborted: false,
        spawnError: `${command}: not found in ${SYSTEM_BIN_DIRS.join(', ')}`,
        durationMs: 0,
      });
      return;
    }
    const maxBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let timedOut = false;
    let aborted = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;

    const child = spawn(path, [...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: options.env ?? process.env,
    });

    const signalGroup = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // The group is already gone.
      }
    };

    const stop = (): void => {
      signalGroup(options.killSignal ?? 'SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), options.killGraceMs ?? DEFAULT_GRACE_MS);
      killTimer.unref();
    };

    const timeoutTimer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);

    const onAbort = (): void => {
      aborted = true;
      stop();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timeoutTimer);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        exitCode,
        signal,
        timedOut,
        aborted,
        spawnError,
        durationMs: Date.now() - started,
      });
    };

    child.stdout.on('data', (chunk: Buffer) => {
      if (outBytes < maxBytes) out.push(chunk);
      outBytes += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (errBytes < maxBytes) err.push(chunk);
      errBytes += chunk.length;
    });
    child.on('error', (e) => finish(null, null, `${command}: ${e.message}`));
    // 'close' waits for the pipes to drain, so the output is complete.
    child.on('close', (code, signal) => finish(code, signal, null));
  });
