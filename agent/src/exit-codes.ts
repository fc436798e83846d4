/**
 * Process exit codes, documented in `--help` and the README. A supervisor (systemd) uses them to
 * decide whether restarting can help: 3, 4 and 5 need an operator, 1 may be transient.
 */
export const ExitCode = {
  /** Stopped by SIGINT/SIGTERM after a clean shutdown. */
  Ok: 0,
  Unexpected: 1,
  /** Bad command line, environment or config file. */
  Usage: 2,
  /** The controller says this agent was deleted (HTTP 410 / refusal `gone`). */
  Gone: 3,
  /** Wrong, expired or used PIN (HTTP 401) or a PSK the controller refuses. */
  AuthFailed: 4,
  /** Too many wrong PINs: the controller locked enrollment for a while (HTTP 429). */
  PinLocked: 5,
  /** A self-update was tried (installed or rolled back): restart to run the right binary. */
  Updated: 75,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Thrown where the agent must stop with a specific code and a message for the operator. */
export class AgentExit extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = 'AgentExit';
  }
}

export const EXIT_CODES_HELP = `Exit codes:
  0  clean stop (SIGINT/SIGTERM: running probes finish, spool flushed)
  1  unexpected error (or a second signal during shutdown)
  2  usage or configuration error
  3  agent deleted on the controller (HTTP 410 / refusal "gone"): do not restart
  4  authentication failed: wrong, expired or used PIN, or PSK refused
  5  PIN locked after too many wrong attempts (Retry-After is printed)
  75 self-update tried (installed, or rolled back): restart it (the systemd unit does)`;
