import type { AppConfig } from '../config/config';

export interface ListenFailure {
  setting: 'HOST' | 'PORT' | 'METRICS_HOST' | 'METRICS_PORT';
  code: string;
  message: string;
  /** 2 when the settings must change; 1 when a retry may succeed (port held by another process). */
  exitCode: 1 | 2;
}

/** Thrown when the metrics listener (METRICS_HOST/METRICS_PORT) cannot bind, with the listen error's code. */
export class MetricsListenError extends Error {
  constructor(
    readonly code: string,
    readonly host: string,
    readonly port: number,
  ) {
    super(`cannot listen for metrics on ${host}:${port}: ${code}`);
  }
}

/** Turns the error of `listen()` into one sentence naming the setting to look at. */
export function listenFailure(error: unknown, config: Pick<AppConfig, 'host' | 'port'>): ListenFailure {
  if (error instanceof MetricsListenError) {
    const failure = listenFailure({ code: error.code }, { host: error.host, port: error.port });
    return { ...failure, setting: failure.setting === 'PORT' ? 'METRICS_PORT' : 'METRICS_HOST', message: failure.message.replace(/^cannot listen on/, 'cannot listen for metrics on') };
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'UNKNOWN';
  const where = `${config.host}:${config.port}`;
  switch (code) {
    case 'EADDRINUSE':
      return { setting: 'PORT', code, exitCode: 1, message: `cannot listen on ${where}: the port is already in use by another process` };
    case 'EACCES':
      return { setting: 'PORT', code, exitCode: 2, message: `cannot listen on ${where}: ports below 1024 need privileges; choose a PORT from 1024` };
    case 'EADDRNOTAVAIL':
      return { setting: 'HOST', code, exitCode: 2, message: `cannot listen on ${where}: HOST is not an address of this machine` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { setting: 'HOST', code, exitCode: 2, message: `cannot listen on ${where}: HOST does not resolve to an address (${code})` };
    default:
      return { setting: 'HOST', code, exitCode: 1, message: `cannot listen on ${where}: ${error instanceof Error ? error.message : String(error)}` };
  }
}
