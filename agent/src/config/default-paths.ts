import { dirname, join } from 'node:path';

/** Where install.sh and the systemd unit keep the config (ConfigurationDirectory=netwatcher-agent). */
export const SYSTEM_CONFIG_PATH = '/etc/netwatcher-agent/agent.json';
/** …and the spool (StateDirectory=netwatcher-agent). */
export const SYSTEM_DATA_DIR = '/var/lib/netwatcher-agent/spool';
export const USER_CONFIG_RELATIVE = '.config/netwatcher/agent.json';

/** root (a systemd service) keeps its config under /etc; anyone else under their home. */
export function defaultConfigPath(isRoot: boolean, home: string): string {
  return isRoot ? SYSTEM_CONFIG_PATH : join(home, USER_CONFIG_RELATIVE);
}

/** The spool lives next to the config file unless told otherwise; the system config's in /var/lib. */
export function defaultDataDir(configPath: string): string {
  return configPath === SYSTEM_CONFIG_PATH ? SYSTEM_DATA_DIR : join(dirname(configPath), 'spool');
}
