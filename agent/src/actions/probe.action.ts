import { homedir } from 'node:os';
import { resolveAgentConfig, resolveConfigPath } from '../config/agent-config';
import { readConfigFile } from '../config/config-file';
import { runCommand } from '../exec/run-command';
import { AgentExit, ExitCode } from '../exit-codes';
import type { ControllerAccess, RunnerDeps } from '../probes/probe-runner';
import { LOCAL_PROBES } from '../probes/runner-registry';
import { agentHeaders, fetchPublicIp, type AgentCredentials } from '../transport/agent-api';
import { AGENT_VERSION } from '../version';

/** What `probe <type>` accepts, from the runner registry: ping, mtr, speedtest, sysinfo, netinfo today. */
export const LOCAL_PROBE_TYPES: readonly string[] = [...LOCAL_PROBES.keys()];

export interface ProbeFlags {
  count?: string;
  timeout?: string;
  config?: string;
  server?: string;
}

function intOption(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new AgentExit(ExitCode.Usage, `--${name} must be an integer from 1 to ${max}, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/** This host's credentials when it is enrolled; null otherwise (never an error). */
async function credentialsIfEnrolled(flags: ProbeFlags): Promise<AgentCredentials | null> {
  try {
    const configPath = resolveConfigPath({ config: flags.config }, process.env, process.getuid?.() === 0, homedir());
    const file = await readConfigFile(configPath);
    const c = resolveAgentConfig({ flags: { config: flags.config }, env: process.env, file, configPath });
    return c.psk ? { controller: c.controller, workspaceId: c.workspaceId, agentId: c.agentId, psk: c.psk } : null;
  } catch {
    return null;
  }
}

/** Public IP for `probe netinfo` when this host is enrolled; null otherwise (never an error). */
async function publicIpIfEnrolled(flags: ProbeFlags): Promise<string | null> {
  const creds = await credentialsIfEnrolled(flags);
  return creds ? fetchPublicIp(creds) : null;
}

/** Read only by `probe speedtest`, so other types never open the config file for it. */
async function controllerIfEnrolled(flags: ProbeFlags): Promise<ControllerAccess | null> {
  const creds = await credentialsIfEnrolled(flags);
  return creds ? { url: creds.controller, headers: agentHeaders(creds) } : null;
}

function writeStdout(text: string): Promise<void> {
  return new Promise((resolve) => process.stdout.write(text, () => resolve()));
}

/** `netwatcher-agent probe <type> [target]`: one local measurement, payload JSON on stdout. */
export async function probeAction(typeArg: string, target: string | undefined, flags: ProbeFlags): Promise<ExitCode> {
  const type = typeArg.toLowerCase();
  const local = LOCAL_PROBES.get(type);
  if (!local) {
    throw new AgentExit(ExitCode.Usage, `unknown probe type ${JSON.stringify(typeArg)}; use one of ${LOCAL_PROBE_TYPES.join(', ')}`);
  }
  if (flags.server !== undefined && local.kind !== 'server') throw new AgentExit(ExitCode.Usage, `--server applies to probe speedtest only`);
  const deps: RunnerDeps = {
    run: runCommand,
    publicIp: () => publicIpIfEnrolled(flags),
    agentVersion: AGENT_VERSION,
    controller: local.kind === 'server' ? await controllerIfEnrolled(flags) : null,
  };
  let payload: unknown;
  if (local.kind === 'server') {
    if (target && flags.server) throw new AgentExit(ExitCode.Usage, `probe ${type} takes the server as --server or as an argument, not both`);
    const server = flags.server ?? target;
    if (server !== undefined && !/^https?:\/\/\S{1,2040}$/i.test(server)) {
      throw new AgentExit(ExitCode.Usage, `--server must be an http(s) URL, got ${JSON.stringify(server.slice(0, 100))}`);
    }
    if (server === undefined && !deps.controller) {
      throw new AgentExit(ExitCode.Usage, `probe ${type} needs --server URL on a host that is not enrolled (enrolled: its controller)`);
    }
    const timeoutSec = intOption('timeout', flags.timeout, local.defaults.timeoutSec, 3600);
    payload = await local.run(server, { timeoutSec }, deps);
  } else if (local.kind === 'target') {
    if (!target || target.length > 253) throw new AgentExit(ExitCode.Usage, `probe ${type} needs a target (host name or address)`);
    const count = intOption('count', flags.count, local.defaults.count, 10_000);
    const timeoutSec = intOption('timeout', flags.timeout, local.defaults.timeoutSec, 3600);
    payload = await local.run(target, { count, timeoutSec }, deps);
  } else {
    if (target) throw new AgentExit(ExitCode.Usage, `probe ${type} takes no target`);
    payload = await local.run(deps);
  }
  await writeStdout(`${JSON.stringify(payload, null, 2)}\n`);
  return ExitCode.Ok;
}
