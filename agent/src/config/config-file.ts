import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AgentExit, ExitCode } from '../exit-codes';
import { writeFileAtomic } from '@netwatcher/shared/node';
import type { ConfigFileContent } from './agent-config';

/** Reads the JSON config; null when it does not exist yet (first run). */
export async function readConfigFile(path: string): Promise<ConfigFileContent | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new AgentExit(ExitCode.Usage, `cannot read config file ${path}: ${code ?? (e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new AgentExit(ExitCode.Usage, `config file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AgentExit(ExitCode.Usage, `config file ${path} must contain a JSON object`);
  }
  return parsed as ConfigFileContent;
}

/**
 * Saves the enrolled identity: mode 0600 in a 0700 directory, written atomically so a crash
 * cannot leave an agent with a half-written PSK. Keys the agent does not know are kept.
 */
export async function saveEnrollment(
  path: string,
  existing: ConfigFileContent | null,
  identity: { controller: string; workspace_id: number; agent_id: number; psk: string },
): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const content = { ...(existing ?? {}), ...identity };
  await writeFileAtomic(path, `${JSON.stringify(content, null, 2)}\n`, 0o600);
}
