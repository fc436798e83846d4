import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * stdout, written synchronously: lines keep their order across the boot logger and the app's,
 * and the last lines before an exit (a fatal error, or Nest re-raising SIGTERM after closing)
 * are not lost in a buffer.
 */
export function logDestination(): DestinationStream {
  return pino.destination({ dest: 1, sync: true });
}

/**
 * The logger used before the Nest app (and its pino) exists and after it failed: the same JSON
 * lines, so a boot failure reads like every other log line. Synchronous, because the process
 * may exit right after the line is written.
 */
export function createBootLogger(level = 'info'): Logger {
  return pino({ level, base: { pid: process.pid, context: 'Main' } }, logDestination());
}
