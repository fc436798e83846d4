import { Command, CommanderError } from 'commander';
import { registerEnrollCommand } from './commands/enroll.command';
import { registerProbeCommand } from './commands/probe.command';
import { registerRunCommand } from './commands/run.command';
import { registerStatusCommand } from './commands/status.command';
import { AgentExit, EXIT_CODES_HELP, ExitCode } from './exit-codes';
import { AGENT_VERSION } from './version';

/**
 * The `netwatcher-agent` program. Commands only declare options and hand them to actions;
 * this file turns the outcome into the documented exit codes.
 */
export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command()
    .name('netwatcher-agent')
    .description('NetWatcher agent: runs network probes assigned by a NetWatcher controller and streams the results.')
    .version(AGENT_VERSION, '-V, --version', 'print the agent version')
    .helpOption('-h, --help', 'show help (also: netwatcher-agent <command> --help)')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `\n${EXIT_CODES_HELP}\n`)
    // Commander exits with 1 on usage errors; we need 2, so it throws and main() decides.
    .exitOverride();
  registerRunCommand(program, setExit);
  registerProbeCommand(program, setExit);
  registerEnrollCommand(program, setExit);
  registerStatusCommand(program, setExit);
  return program;
}

async function main(): Promise<void> {
  let code: number = ExitCode.Ok;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      code = e.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    } else if (e instanceof AgentExit) {
      code = e.exitCode;
      if (code !== ExitCode.Ok) process.stderr.write(`netwatcher-agent: ${e.message}\n`);
    } else {
      code = ExitCode.Unexpected;
      process.stderr.write(`netwatcher-agent: unexpected error: ${(e as Error)?.stack ?? String(e)}\n`);
    }
  }
  // Explicit exit: a lingering socket or timer must not keep a stopped agent alive.
  process.exit(code);
}

// `netwatcher-agent --help | head`: the reader went away, so there is nobody left to tell.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(ExitCode.Ok);
  throw e;
});

void main();
