import { dirname, join } from 'node:path';

export const SYSTEM_CONFIG_PATH = '/etc/netwatcher/agent.json';
export const USER_CONFIG_RELATIVE = '.config/netwatcher/agent.json';

/** root (a systemd service) keeps its config under /etc; anyone else under their home. */
export function defaultConfigPath(isRoot: boolean, home: string): string {
  return isRoot ? SYSTEM_CONFIG_PATH : join(home, USER_CONFIG_RELATIVE);
}

/** The spool lives next to the config file unless told otherwise. */
export function defaultDataDir(configPath: string): string {
  return join(dirname(configPath), 'spool');
}
