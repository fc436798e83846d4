import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '@netwatcher/shared/node';

/** What the first start created, so later starts reuse it instead of creating it again. */
export interface LocalAgentState {
  userId: number;
  email: string;
  workspaceId: number;
  agentId: number;
}

/** Where the first start writes the local administrator's e-mail and password. */
export function adminCredentialsFile(dataDir: string): string {
  return join(dataDir, 'admin-credentials.txt');
}

export function localAgentDir(dataDir: string): string {
  return join(dataDir, 'local-agent');
}

function stateFile(dataDir: string): string {
  return join(localAgentDir(dataDir), 'state.json');
}

export function readLocalAgentState(dataDir: string): LocalAgentState | null {
  const file = stateFile(dataDir);
  if (!existsSync(file)) return null;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalAgentState>;
  const complete = ['userId', 'workspaceId', 'agentId'].every((k) => Number.isInteger(parsed[k as keyof LocalAgentState]));
  return complete ? (parsed as LocalAgentState) : null;
}

export function writeLocalAgentState(dataDir: string, state: LocalAgentState): void {
  writeFileAtomicSync(stateFile(dataDir), JSON.stringify(state, null, 2) + '\n');
}

/** The agent's own config file (written by the agent at enrollment; holds its PSK). */
export function agentConfigFile(dataDir: string): string {
  return join(localAgentDir(dataDir), 'agent.json');
}

export function agentHasPsk(dataDir: string): boolean {
  const file = agentConfigFile(dataDir);
  if (!existsSync(file)) return false;
  try {
    return typeof (JSON.parse(readFileSync(file, 'utf8')) as { psk?: unknown }).psk === 'string';
  } catch {
    return false;
  }
}
