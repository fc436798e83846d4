import type { Command } from 'commander';
import { DEFAULT_TIMEOUT_SEC, probeAction, type ProbeFlags } from '../actions/probe.action';
import { DEFAULT_MTR_COUNT, DEFAULT_PING_COUNT } from '../probes/probe-defaults';
import { EXIT_CODES_HELP } from '../exit-codes';

const PROBE_HELP = `
Runs one measurement on this host, exactly as the agent would, and prints the payload JSON on
stdout (logs and errors go to stderr). Nothing is sent to the controller.

  netwatcher-agent probe ping 192.0.2.1 --count 10
  netwatcher-agent probe mtr example.com
  netwatcher-agent probe sysinfo
  netwatcher-agent probe netinfo      # public_ip is asked from the controller when enrolled

Defaults: ping --count ${DEFAULT_PING_COUNT} --timeout ${DEFAULT_TIMEOUT_SEC.ping}; mtr --count ${DEFAULT_MTR_COUNT} --timeout ${DEFAULT_TIMEOUT_SEC.mtr}.
A failed measurement (unknown host, no route) still exits 0: see the payload's "error".

Environment: NW_CONFIG (config file, used by netinfo for public_ip).

${EXIT_CODES_HELP}
`;

/** `netwatcher-agent probe <type> [target]`: declares the options; the action does the work. */
export function registerProbeCommand(program: Command, setExit: (code: number) => void): Command {
  return program
    .command('probe')
    .description('run one PING, MTR, SYSINFO or NETINFO measurement locally and print its payload')
    .argument('<type>', 'ping | mtr | sysinfo | netinfo')
    .argument('[target]', 'host name or address (ping and mtr only)')
    .option('--count <n>', 'echo requests (ping) or cycles (mtr), 1–10000')
    .option('--timeout <seconds>', 'hard limit for the whole measurement, 1–3600')
    .option('--config <file>', 'config file to find the controller for netinfo public_ip (env NW_CONFIG)')
    .addHelpText('after', PROBE_HELP)
    .action(async (type: string, target: string | undefined, flags: ProbeFlags) => setExit(await probeAction(type, target, flags)));
}
