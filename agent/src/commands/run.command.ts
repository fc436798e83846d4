import type { Command } from 'commander';
import { runAction } from '../actions/run.action';
import type { RunFlags } from '../config/agent-config';
import { SYSTEM_CONFIG_PATH, SYSTEM_DATA_DIR, USER_CONFIG_RELATIVE } from '../config/default-paths';
import { EXIT_CODES_HELP } from '../exit-codes';
import { DEFAULT_SPOOL_MAX, SPOOL_FILE } from '../spool/spool';

const RUN_HELP = `
Every option can also come from the environment or the config file.
Precedence: command-line flag > environment variable > config file.

Environment:
  NW_CONTROLLER_URL  controller base URL          (file key "controller")
  NW_WORKSPACE_ID    workspace id                 (file key "workspace_id")
  NW_AGENT_ID        agent id                     (file key "agent_id")
  NW_PIN             one-time enrollment PIN      (never stored)
  NW_CONFIG          config file path
  NW_DATA_DIR        spool directory
  NW_LOG_LEVEL       trace|debug|info|warn|error|fatal|silent (default info)
  NW_SPOOL_MAX       max unacked results kept on disk (default ${DEFAULT_SPOOL_MAX})

Config file (JSON; written by the agent at enrollment with mode 0600):
  {"controller": "https://nw.example.com", "workspace_id": 1, "agent_id": 10, "psk": "..."}
  default path: ${SYSTEM_CONFIG_PATH} when run as root, else ~/${USER_CONFIG_RELATIVE}

Enrollment: the first run has no PSK and needs --pin. The agent exchanges the PIN for a PSK
(POST <controller>/agent), saves it in the config file and uses it from then on. To enroll again,
delete the "psk" key (or the file) and run with a new PIN.

Spool: every result is written to <data-dir>/${SPOOL_FILE} before it is sent and stays there
until the controller acks it, so restarts and outages lose nothing. Default data dir: a "spool"
folder next to the config file (${SYSTEM_DATA_DIR} for ${SYSTEM_CONFIG_PATH}). When full, the
oldest results are dropped (logged).

Logs are JSON lines (pino) on stderr.

${EXIT_CODES_HELP}
`;

/** `netwatcher-agent run`: declares the options; the action does the work. */
export function registerRunCommand(program: Command, setExit: (code: number) => void): Command {
  return program
    .command('run')
    .description('enroll if needed, then run the probes the controller assigns and stream their results')
    .option('--controller <url>', 'controller base URL, http(s)://host[:port][/prefix] (env NW_CONTROLLER_URL)')
    .option('--workspace <id>', 'workspace id, a positive integer (env NW_WORKSPACE_ID)')
    .option('--agent <id>', 'agent id, a positive integer (env NW_AGENT_ID)')
    .option('--pin <pin>', 'one-time PIN, needed only for the first run (env NW_PIN)')
    .option('--config <file>', `config file (env NW_CONFIG; default ${SYSTEM_CONFIG_PATH} as root, else ~/${USER_CONFIG_RELATIVE})`)
    .option('--data-dir <dir>', 'spool directory (env NW_DATA_DIR; default: "spool" next to the config file)')
    .option('--log-level <level>', 'trace|debug|info|warn|error|fatal|silent (env NW_LOG_LEVEL; default info)')
    .option('--spool-max <n>', `max unacked results kept on disk, oldest dropped first (env NW_SPOOL_MAX; default ${DEFAULT_SPOOL_MAX})`)
    .addHelpText('after', RUN_HELP)
    .action(async (flags: RunFlags) => setExit(await runAction(flags)));
}
