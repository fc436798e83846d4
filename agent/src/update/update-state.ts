import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@netwatcher/shared/node';

export const UPDATE_STATE_FILE = 'update-state.json';

export interface UpdateOutcome {
  at: string;
  from: string;
  to: string;
  sha256: string;
  state: 'installed' | 'rolled_back';
  detail: string;
}

/** Kept in the data dir across restarts: the last outcome, and releases that failed their trial. */
export interface UpdateState {
  last: UpdateOutcome | null;
  /** `version sha256` of releases that did not connect: never tried again. */
  failed: string[];
}

export async function readUpdateState(dataDir: string): Promise<UpdateState> {
  try {
    const parsed = JSON.parse(await readFile(join(dataDir, UPDATE_STATE_FILE), 'utf8')) as Partial<UpdateState>;
    return { last: parsed.last ?? null, failed: Array.isArray(parsed.failed) ? parsed.failed.filter((f) => typeof f === 'string') : [] };
  } catch {
    return { last: null, failed: [] };
  }
}

export async function recordUpdateOutcome(dataDir: string, outcome: UpdateOutcome): Promise<void> {
  const state = await readUpdateState(dataDir);
  state.last = outcome;
  if (outcome.state === 'rolled_back') state.failed = [...state.failed, `${outcome.to} ${outcome.sha256}`].slice(-20);
  await writeFileAtomic(join(dataDir, UPDATE_STATE_FILE), `${JSON.stringify(state, null, 2)}\n`, 0o600);
}
