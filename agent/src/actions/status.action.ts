import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ENV, resolveConfigPath, type RunFlags } from '../config/agent-config';
import { readConfigFile } from '../config/config-file';
import { defaultDataDir } from '../config/default-paths';
import { ExitCode } from '../exit-codes';
import { SPOOL_LOCK } from '../spool/spool';
import { isSpoolLocked } from '../spool/spool-lock';
import { readStatus, type AgentStatus } from '../status/agent-status';
import { AGENT_VERSION } from '../version';

export interface StatusFlags extends Pick<RunFlags, 'config' | 'dataDir'> {
  json?: boolean;
}

function ago(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.round(s / 60)}m ago`;
  if (s < 172_800) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86_400)}d ago`;
}

export function formatStatus(status: AgentStatus | null, running: boolean, dataDir: string, now = Date.now()): string {
  if (!status) {
    return `netwatcher-agent ${AGENT_VERSION}: ${running ? 'running, no status written yet' : 'not running'} (data dir ${dataDir})\n`;
  }
  const lines = [
    running
      ? `netwatcher-agent ${status.version}: running (pid ${status.pid}, started ${status.started_at})`
      : `netwatcher-agent ${status.version}: NOT running (last status ${status.written_at}, ${ago(status.written_at, now)})`,
    `controller:   ${status.controller} (workspace ${status.workspace_id}, agent ${status.agent_id})`,
    `connection:   ${running && status.connected ? 'connected' : 'not connected'} since ${status.since} (${ago(status.since, now)})`,
    `spool:        ${status.spool.depth} result(s) waiting${status.spool.oldest_unacked_at ? `, oldest unacked from ${status.spool.oldest_unacked_at} (${ago(status.spool.oldest_unacked_at, now)})` : ''}`,
  ];
  const types = Object.keys(status.last_results).sort();
  if (types.length === 0) lines.push('last results: none yet');
  else {
    lines.push('last results:');
    for (const t of types) {
      const r = status.last_results[t];
      lines.push(`  ${t.padEnd(10)} ${r.at} (${ago(r.at, now)}) probe ${r.probe_id}${r.target ? ` ${r.target}` : ''}`);
    }
  }
  if (status.update) lines.push(`update:       ${status.update.state} at ${status.update.at}: ${status.update.detail}`);
  return `${lines.join('\n')}\n`;
}

/** `netwatcher-agent status`: what the running agent last wrote, and whether it still runs. */
export async function statusAction(flags: StatusFlags): Promise<ExitCode> {
  const env = process.env;
  const configPath = resolveConfigPath(flags, env, process.getuid?.() === 0, homedir());
  await readConfigFile(configPath); // a broken config is reported (exit 2) before anything else
  const dirFlag = flags.dataDir ?? env[ENV.dataDir];
  const dataDir = dirFlag ? resolve(dirFlag) : defaultDataDir(configPath);
  const [status, running] = await Promise.all([readStatus(dataDir), isSpoolLocked(join(dataDir, SPOOL_LOCK))]);
  if (flags.json) process.stdout.write(`${JSON.stringify({ running, data_dir: dataDir, status }, null, 2)}\n`);
  else process.stdout.write(formatStatus(status, running, dataDir));
  // Like `systemctl is-active`: scripts can tell a healthy agent from one that needs a look.
  return running && status?.connected ? ExitCode.Ok : ExitCode.Unexpected;
}
