import type { Command } from 'commander';
import { enrollAction } from '../actions/enroll.action';
import type { RunFlags } from '../config/agent-config';
import { SYSTEM_CONFIG_PATH, USER_CONFIG_RELATIVE } from '../config/default-paths';
import { EXIT_CODES_HELP } from '../exit-codes';

/** `netwatcher-agent enroll`: declares the options; the action does the work. */
export function registerEnrollCommand(program: Command, setExit: (code: number) => void): Command {
  return program
    .command('enroll')
    .description('exchange the one-time PIN for a PSK, save it in the config file, and exit (install.sh runs this)')
    .option('--controller <url>', 'controller base URL (env NW_CONTROLLER_URL, or "controller" in the config file)')
    .option('--workspace <id>', 'workspace id (env NW_WORKSPACE_ID)')
    .option('--agent <id>', 'agent id (env NW_AGENT_ID)')
    .option('--pin <pin>', 'one-time PIN (env NW_PIN; prefer the environment: arguments are visible to other users)')
    .option('--config <file>', `config file (env NW_CONFIG; default ${SYSTEM_CONFIG_PATH} as root, else ~/${USER_CONFIG_RELATIVE})`)
    .option('--log-level <level>', 'trace|debug|info|warn|error|fatal|silent (env NW_LOG_LEVEL; default info)')
    .addHelpText('after', `\n${EXIT_CODES_HELP}\n`)
    .action(async (flags: RunFlags) => setExit(await enrollAction(flags)));
}
