import { homedir } from 'node:os';
import { resolveAgentConfig, resolveConfigPath, type RunFlags } from '../config/agent-config';
import { readConfigFile } from '../config/config-file';
import { ExitCode } from '../exit-codes';
import { createLogger } from '../log';
import { credentials } from '../runtime/agent-runtime';

/**
 * `netwatcher-agent enroll`: exchange the PIN for a PSK, save it, and stop. The installer runs
 * it before starting the service, so a wrong or expired PIN is reported on the operator's
 * terminal (exit 4) instead of in a service that keeps failing.
 */
export async function enrollAction(flags: RunFlags): Promise<ExitCode> {
  const env = process.env;
  const configPath = resolveConfigPath(flags, env, process.getuid?.() === 0, homedir());
  const file = await readConfigFile(configPath);
  const config = resolveAgentConfig({ flags, env, file, configPath });
  const log = createLogger(config.logLevel);
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (config.psk) {
      log.info({ config: configPath }, 'already enrolled; nothing to do (delete "psk" from the config to enroll again)');
      return ExitCode.Ok;
    }
    await credentials(config, file, { log, signal: stop.signal });
    return ExitCode.Ok;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
