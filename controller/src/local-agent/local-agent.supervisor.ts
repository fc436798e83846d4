import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';

/** Agent exit codes that no restart can fix (see the agent's --help). */
const FINAL_EXIT_CODES: Record<number, string> = {
  2: 'configuration error',
  3: 'the agent was deleted',
  4: 'authentication failed',
  5: 'PIN locked',
};

export interface AgentLaunch {
  controllerUrl: string;
  workspaceId: number;
  agentId: number;
  configFile: string;
  dataDir: string;
  pin?: string;
}

export function agentEntryPoint(): string {
  return require.resolve('@netwatcher/agent/bin/netwatcher-agent.js', { paths: [join(__dirname, '..', '..')] });
}

export function agentArgs(launch: AgentLaunch): string[] {
  return [
    agentEntryPoint(),
    'run',
    '--controller', launch.controllerUrl,
    '--workspace', String(launch.workspaceId),
    '--agent', String(launch.agentId),
    '--config', launch.configFile,
    '--data-dir', launch.dataDir,
  ];
}

/**
 * Keeps the local agent process running: restarts it with backoff after a crash, gives up on
 * exit codes a restart cannot fix, and stops it with the controller. The PIN travels in the
 * environment, not argv, so it never shows in `ps`; it is only needed for the first run.
 */
export class LocalAgentSupervisor {
  private readonly logger = new Logger('LocalAgent');
  private child?: ChildProcess;
  private stopping = false;
  private restartDelayMs = 1000;
  private restartTimer?: NodeJS.Timeout;

  constructor(private readonly launch: AgentLaunch) {}

  start(): void {
    const env = { ...process.env, ...(this.launch.pin ? { NW_PIN: this.launch.pin } : {}) };
    this.launch.pin = undefined;
    const child = spawn(process.execPath, agentArgs(this.launch), { env, stdio: ['ignore', 'inherit', 'inherit'] });
    this.child = child;
    const startedAt = Date.now();
    this.logger.log({ pid: child.pid, agent_id: this.launch.agentId }, 'local agent started');
    child.on('exit', (code, signal) => {
      this.child = undefined;
      if (this.stopping) return;
      const final = code !== null ? FINAL_EXIT_CODES[code] : undefined;
      if (final) {
        this.logger.error({ code }, `local agent stopped for good: ${final}`);
        return;
      }
      // A run that lasted a while resets the backoff; a crash loop backs off to 30 s.
      this.restartDelayMs = Date.now() - startedAt > 60_000 ? 1000 : Math.min(this.restartDelayMs * 2, 30_000);
      this.logger.warn({ code, signal, restart_in_ms: this.restartDelayMs }, 'local agent exited; restarting');
      this.restartTimer = setTimeout(() => this.start(), this.restartDelayMs);
    });
  }

  async stop(timeoutMs = 5000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}
