import { spawn } from 'node:child_process';
import { copyFile, rename, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { syncDir } from '@netwatcher/shared/node';
import { dirname } from 'node:path';
import type { Logger } from '../log';
import { readStatus } from '../status/agent-status';
import type { PreparedUpdate } from './updater';
import { recordUpdateOutcome } from './update-state';

export interface TrialOptions {
  update: PreparedUpdate;
  currentVersion: string;
  /** The running executable, replaced only after the trial. */
  binaryPath: string;
  /** The running agent's arguments (`run …`), given to the new binary unchanged. */
  args: string[];
  dataDir: string;
  /** How long the new binary gets to connect. */
  boundMs: number;
  log: Logger;
}

/**
 * Runs the new binary in place of this one (this agent has stopped and released the spool) and
 * waits for it to report a controller connection in status.json. Connected within the bound: it
 * is stopped, moved over the running binary atomically (the old one kept as `.previous`), and the
 * agent exits to be restarted on it. Not connected, or exited: it is killed and deleted, the
 * release is remembered as failed, and the agent exits to be restarted on the old binary.
 * Either way the caller exits with ExitCode.Updated for the supervisor to restart it.
 */
export async function runUpdateTrial(o: TrialOptions): Promise<'installed' | 'rolled_back'> {
  const { update, log } = o;
  log.info({ version: update.version, bound_s: Math.round(o.boundMs / 1000) }, 'trying the new agent binary');
  const child = spawn(update.path, o.args, { stdio: ['ignore', 'inherit', 'inherit'] });
  const run: { exited: number | string | null } = { exited: null };
  const gone = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      run.exited = code ?? signal;
      resolve();
    }),
  );
  child.once('error', () => undefined);

  const deadline = Date.now() + o.boundMs;
  let connected = false;
  while (Date.now() < deadline && run.exited === null) {
    const s = await readStatus(o.dataDir);
    if (s && s.pid === child.pid && s.connected && s.version === update.version) {
      connected = true;
      break;
    }
    await sleep(250);
  }
  if (run.exited === null) {
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await gone;
    clearTimeout(killer);
  }

  const outcome = { at: new Date().toISOString(), from: o.currentVersion, to: update.version, sha256: update.sha256 };
  if (connected) {
    await copyFile(o.binaryPath, `${o.binaryPath}.previous`);
    await rename(update.path, o.binaryPath);
    await syncDir(dirname(o.binaryPath));
    await recordUpdateOutcome(o.dataDir, { ...outcome, state: 'installed', detail: 'connected during its trial' });
    log.info({ version: update.version, previous: `${o.binaryPath}.previous` }, 'agent updated; restarting on the new binary');
    return 'installed';
  }
  await rm(update.path, { force: true });
  const why = !connected && run.exited !== null && Date.now() < deadline ? `it exited (${String(run.exited)}) without connecting` : `it did not connect within ${Math.round(o.boundMs / 1000)} s`;
  await recordUpdateOutcome(o.dataDir, { ...outcome, state: 'rolled_back', detail: why });
  log.error({ version: update.version, reason: why, running: o.currentVersion }, 'agent update rolled back; restarting on the previous binary');
  return 'rolled_back';
}
