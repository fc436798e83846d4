import type { Command } from 'commander';
import { statusAction, type StatusFlags } from '../actions/status.action';
import { SYSTEM_CONFIG_PATH } from '../config/default-paths';

/** `netwatcher-agent status`: declares the options; the action does the work. */
export function registerStatusCommand(program: Command, setExit: (code: number) => void): Command {
  return program
    .command('status')
    .description('show whether the agent runs and is connected, its controller, version, spool and last results')
    .option('--config <file>', `config file of the agent to look at (env NW_CONFIG; default ${SYSTEM_CONFIG_PATH} as root)`)
    .option('--data-dir <dir>', 'its spool directory (env NW_DATA_DIR; default as for run)')
    .option('--json', 'print JSON instead of text')
    .addHelpText('after', '\nExit status: 0 when the agent runs and is connected to the controller, 1 otherwise, 2 for a broken config.\n')
    .action(async (flags: StatusFlags) => setExit(await statusAction(flags)));
}
