import { homedir } from 'node:os';
import { resolveAgentConfig, resolveConfigPath, type RunFlags } from '../config/agent-config';
import { readConfigFile } from '../config/config-file';
import { ExitCode } from '../exit-codes';
import { createLogger } from '../log';
import { runAgent } from '../runtime/agent-runtime';

/** `netwatcher-agent run`: resolve the configuration, then run until a signal or a final refusal. */
export async function runAction(flags: RunFlags): Promise<ExitCode> {
  const env = process.env;
  const configPath = resolveConfigPath(flags, env, process.getuid?.() === 0, homedir());
  const file = await readConfigFile(configPath);
  const config = resolveAgentConfig({ flags, env, file, configPath });
  const log = createLogger(config.logLevel);

  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    log.info({ signal }, 'signal received; shutting down (send again to exit at once)');
    stop.abort();
    // A second signal means the operator does not want to wait for the clean shutdown.
    process.once('SIGINT', () => process.exit(ExitCode.Unexpected));
    process.once('SIGTERM', () => process.exit(ExitCode.Unexpected));
  };
  const onInt = (): void => onSignal('SIGINT');
  const onTerm = (): void => onSignal('SIGTERM');
  process.once('SIGINT', onInt);
  process.once('SIGTERM', onTerm);
  try {
    return await runAgent(config, file, { log, signal: stop.signal });
  } finally {
    process.removeListener('SIGINT', onInt);
    process.removeListener('SIGTERM', onTerm);
  }
}
