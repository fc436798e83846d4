import pino from 'pino';

export type Logger = pino.Logger;

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * One structured logger for the process, on stderr so stdout stays clean for `probe` output.
 * Synchronous writes: the agent exits with process.exit() and must not lose its last lines.
 * Credentials are never passed to the logger; the redaction is a second line of defence.
 */
export function createLogger(level: LogLevel = 'info'): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['psk', 'pin', '*.psk', '*.pin', 'headers["X-Agent-PSK"]'], censor: '[redacted]' },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

/** A child logger per module, so every line says where it came from. */
export function moduleLogger(root: Logger, module: string): Logger {
  return root.child({ module });
}
