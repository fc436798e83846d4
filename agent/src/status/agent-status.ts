import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const STATUS_FILE = 'status.json';

/** What `netwatcher-agent status` shows; written by the running agent into its data dir. */
export interface AgentStatus {
  pid: number;
  version: string;
  controller: string;
  workspace_id: number;
  agent_id: number;
  started_at: string;
  connected: boolean;
  /** When the agent last connected (connected) or lost/failed the connection (not connected). */
  since: string;
  spool: { depth: number; oldest_unacked_at: string | null };
  /** Newest result per probe type: when it was measured and what it was about. */
  last_results: Record<string, { at: string; probe_id: number; target: string }>;
  /** Last self-update step, e.g. a refusal with its reason. */
  update: { at: string; state: string; detail: string } | null;
  written_at: string;
}

export async function readStatus(dataDir: string): Promise<AgentStatus | null> {
  try {
    return JSON.parse(await readFile(join(dataDir, STATUS_FILE), 'utf8')) as AgentStatus;
  } catch {
    return null;
  }
}
