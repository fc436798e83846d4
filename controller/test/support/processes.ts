import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { agentArgs, type AgentLaunch as SupervisedLaunch } from '../../src/local-agent/local-agent.supervisor';
import { waitForLine } from '../fixtures';

const ROOT = join(__dirname, '..', '..', '..');
export const CONTROLLER_MAIN = join(ROOT, 'controller', 'dist', 'main.js');

/** End-to-end tests run what ships: the built controller and agent. */
export function requireBuild(): void {
  for (const file of [CONTROLLER_MAIN, join(ROOT, 'agent', 'dist', 'cli.js')]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` before the end-to-end tests`);
  }
}

export type Spawner = (cmd: string, args: string[], opts: SpawnOptions) => ChildProcess;
const plainSpawn: Spawner = (cmd, args, opts) => spawn(cmd, args, opts);

export interface RunningProcess {
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

function track(child: ChildProcess): RunningProcess {
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    async stop(signal = 'SIGTERM', graceMs = 5000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      // A grandchild (a controller's local agent) may outlive a killed parent and hold these
      // pipes open; closing our ends keeps that from holding Jest open after the run.
      child.stdout?.destroy();
      child.stderr?.destroy();
      return exited;
    },
  };
}

export interface ControllerProcess extends RunningProcess {
  url: string;
}

export async function startControllerProcess(env: Record<string, string>, spawner: Spawner = plainSpawn): Promise<ControllerProcess> {
  const child = spawner(process.execPath, [CONTROLLER_MAIN], {
    env: { ...process.env, NW_LOCAL_AGENT: '0', LOG_LEVEL: 'info', HOST: '127.0.0.1', REGISTRATION: 'open', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tracked = track(child);
  const match = await waitForLine(child, /listening on (http:\/\/[^"\s]+)/, 60_000);
  return { ...tracked, url: match[1].replace('[::1]', '127.0.0.1') };
}

export interface AgentLaunch extends SupervisedLaunch {
  env?: Record<string, string>;
}

export function startAgentProcess(launch: AgentLaunch, spawner: Spawner = plainSpawn): RunningProcess {
  // The same command line the controller's local-agent supervisor uses.
  const args = [...agentArgs(launch), ...(launch.pin ? ['--pin', launch.pin] : [])];
  return track(spawner(process.execPath, args, { env: { ...process.env, NW_LOG_LEVEL: 'debug', ...launch.env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}
