import type { Command } from 'commander';
import { LOCAL_PROBE_TYPES, probeAction, type ProbeFlags } from '../actions/probe.action';
import { EXIT_CODES_HELP } from '../exit-codes';
import { LOCAL_PROBES } from '../probes/runner-registry';

/** "ping --count 5 --timeout 10; mtr --count 5 --timeout 30", from the runner registry. */
const TARGET_DEFAULTS = [...LOCAL_PROBES]
  .flatMap(([type, local]) => (local.kind === 'target' ? [`${type} --count ${local.defaults.count} --timeout ${local.defaults.timeoutSec}`] : []))
  .join('; ');
const TARGET_TYPES = [...LOCAL_PROBES].flatMap(([type, local]) => (local.kind === 'target' ? [type] : []));

/** "A, B, C or D". */
function orList(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

const PROBE_HELP = `
Runs one measurement on this host, exactly as the agent would, and prints the payload JSON on
stdout (logs and errors go to stderr). Nothing is sent to the controller.

  netwatcher-agent probe ping 192.0.2.1 --count 10
  netwatcher-agent probe mtr example.com
  netwatcher-agent probe sysinfo
  netwatcher-agent probe netinfo      # public_ip is asked from the controller when enrolled
  netwatcher-agent probe speedtest    # against this agent's controller (enrolled hosts)
  netwatcher-agent probe speedtest --server https://speed.example.com --timeout 30

Defaults: ${TARGET_DEFAULTS}.
A failed measurement (unknown host, no route) still exits 0: see the payload's "error".

speedtest: download then upload, 4 streams, up to 10 s each (shorter when --timeout is short).

Environment: NW_CONFIG (config file, used by netinfo for public_ip and speedtest for the controller).

${EXIT_CODES_HELP}
`;

/** `netwatcher-agent probe <type> [target]`: declares the options; the action does the work. */
export function registerProbeCommand(program: Command, setExit: (code: number) => void): Command {
  return program
    .command('probe')
    .description(`run one ${orList(LOCAL_PROBE_TYPES.map((t) => t.toUpperCase()))} measurement locally and print its payload`)
    .argument('<type>', LOCAL_PROBE_TYPES.join(' | '))
    .argument('[target]', `host name or address (${TARGET_TYPES.join(' and ')}), or a speed-test server URL`)
    .option('--count <n>', 'echo requests (ping) or cycles (mtr), 1–10000')
    .option('--timeout <seconds>', 'hard limit for the whole measurement, 1–3600')
    .option('--server <url>', 'speed-test server (speedtest only; default: this agent\'s controller)')
    .option('--config <file>', 'config file to find the controller for netinfo public_ip and speedtest (env NW_CONFIG)')
    .addHelpText('after', PROBE_HELP)
    .action(async (type: string, target: string | undefined, flags: ProbeFlags) => setExit(await probeAction(type, target, flags)));
}
