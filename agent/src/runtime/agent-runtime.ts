import { stat } from 'node:fs/promises';
import type { ProbeResult } from '@netwatcher/shared';
import type { AgentConfig, ConfigFileContent } from '../config/agent-config';
import { saveEnrollment } from '../config/config-file';
import { plainHttpWarning } from '../config/plain-http-warning';
import { enroll } from '../enroll/enroll';
import { runCommand, type CommandRunner } from '../exec/run-command';
import { AgentExit, ExitCode } from '../exit-codes';
import { moduleLogger, type Logger } from '../log';
import { createProbeExecutor } from '../probes/probe-executor';
import { TrafficsimServers } from '../probes/trafficsim/trafficsim.servers';
import { RunHandler } from '../runs/run-handler';
import { Scheduler } from '../scheduler/scheduler';
import { Spool } from '../spool/spool';
import { agentHeaders, fetchPublicIp, type AgentCredentials } from '../transport/agent-api';
import { ControllerConnection } from '../transport/controller-connection';
import { ResultSender } from '../transport/result-sender';
import { StatusTracker } from '../status/status-tracker';
import { runUpdateTrial } from '../update/update-trial';
import { selfBinaryPath, updateTimings } from '../update/update-settings';
import { Updater, type PreparedUpdate } from '../update/updater';
import { AGENT_VERSION } from '../version';

export interface RuntimeDeps {
  log: Logger;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  run?: CommandRunner;
}

/** How long running probes get to finish at shutdown, and how long to wait for the last acks. */
const PROBE_GRACE_MS = 5000;
const ACK_GRACE_MS = 2000;

async function warnIfConfigReadable(path: string, log: Logger): Promise<void> {
  const mode = await stat(path).then((s) => s.mode & 0o777, () => null);
  if (mode !== null && (mode & 0o077) !== 0) {
    log.warn({ path, mode: mode.toString(8) }, 'config file holding the PSK is readable by other users; chmod 600 it');
  }
}

/** Gets a PSK: the one in the config file, or by enrolling with the PIN (and saving it). */
export async function credentials(config: AgentConfig, file: ConfigFileContent | null, deps: RuntimeDeps): Promise<AgentCredentials> {
  // Here, before the PIN or the PSK is first sent, for `run` and `enroll` alike.
  const insecure = plainHttpWarning(config.controller);
  if (insecure) deps.log.warn({ controller: config.controller }, insecure);
  const base = { controller: config.controller, workspaceId: config.workspaceId, agentId: config.agentId };
  if (config.psk) {
    await warnIfConfigReadable(config.configPath, deps.log);
    return { ...base, psk: config.psk };
  }
  if (config.pskIgnored) deps.log.warn(config.pskIgnored);
  if (!config.pin) {
    throw new AgentExit(
      ExitCode.Usage,
      `not enrolled: ${config.configPath} has no PSK for workspace ${config.workspaceId} agent ${config.agentId}; run once with --pin (or NW_PIN) to enroll`,
    );
  }
  const log = moduleLogger(deps.log, 'enroll');
  log.info({ controller: config.controller, workspace_id: config.workspaceId, agent_id: config.agentId }, 'enrolling with the one-time PIN');
  const psk = await enroll({ ...base, pin: config.pin }, { log, signal: deps.signal });
  await saveEnrollment(config.configPath, file, {
    controller: config.controller,
    workspace_id: config.workspaceId,
    agent_id: config.agentId,
    psk,
  });
  log.info({ config: config.configPath }, 'enrolled; PSK saved (mode 0600), the PIN is no longer needed');
  return { ...base, psk };
}

/**
 * The long-running agent: spool, enrollment, connection, scheduler and sender wired together.
 * Resolves with 0 once stopped by a signal; throws AgentExit when the controller refuses the
 * agent for good (3, 4) or the configuration cannot work (2).
 */
export async function runAgent(config: AgentConfig, file: ConfigFileContent | null, deps: RuntimeDeps): Promise<ExitCode> {
  const { log } = deps;
  log.info(
    {
      version: AGENT_VERSION,
      controller: config.controller,
      workspace_id: config.workspaceId,
      agent_id: config.agentId,
      config: config.configPath,
      data_dir: config.dataDir,
    },
    'netwatcher agent starting',
  );
  let prepared: PreparedUpdate | null = null;
  // Opened first: the lock stops a second agent on the same directory before it enrolls.
  const spool = await Spool.open(config.dataDir, { log: moduleLogger(log, 'spool'), maxRecords: config.spoolMax });
  try {
    let creds: AgentCredentials;
    try {
      creds = await credentials(config, file, deps);
    } catch (e) {
      if (e instanceof AgentExit && e.exitCode === ExitCode.Ok) return ExitCode.Ok;
      throw e;
    }
    const status = new StatusTracker(
      config.dataDir,
      { version: AGENT_VERSION, controller: config.controller, workspace_id: config.workspaceId, agent_id: config.agentId },
      spool,
      moduleLogger(log, 'status'),
    );
    try {
      const outcome = await operate(spool, creds, status, { ...deps, config });
      if (outcome instanceof AgentExit) throw outcome;
      prepared = outcome;
    } finally {
      await status.close();
    }
  } finally {
    await spool.close();
    log.info({ unacked: spool.size }, 'stopped');
  }
  const binaryPath = selfBinaryPath();
  if (!prepared || !binaryPath) return ExitCode.Ok;
  // The spool is released: the new binary runs on it for its trial, and this process then exits
  // to be restarted on whichever binary is in place.
  await runUpdateTrial({
    update: prepared,
    currentVersion: AGENT_VERSION,
    binaryPath,
    args: process.argv.slice(2),
    dataDir: config.dataDir,
    boundMs: updateTimings().trialBoundMs,
    log: moduleLogger(log, 'update'),
  });
  return ExitCode.Updated;
}

/**
 * Runs probes and streams results until a signal (resolves null), a final refusal (the exit) or
 * a verified update that wants its trial (the update).
 */
async function operate(
  spool: Spool,
  creds: AgentCredentials,
  status: StatusTracker,
  deps: RuntimeDeps & { config: AgentConfig },
): Promise<AgentExit | PreparedUpdate | null> {
  const { log } = deps;
  let onUpdate: (update: PreparedUpdate) => void = () => undefined;
  const updateReady = new Promise<PreparedUpdate>((resolve) => (onUpdate = resolve));
  const updater = new Updater({
    creds,
    currentVersion: AGENT_VERSION,
    publicKeyPem: deps.config.updatePublicKey,
    binaryPath: selfBinaryPath(),
    dataDir: deps.config.dataDir,
    checkEveryMs: updateTimings().checkEveryMs,
    log: moduleLogger(log, 'update'),
    status,
    signal: deps.signal,
    onReady: onUpdate,
  });
  let onFatal: (exit: AgentExit) => void = () => undefined;
  const fatal = new Promise<AgentExit>((resolve) => (onFatal = resolve));
  const stopped = new Promise<null>((resolve) => {
    if (deps.signal.aborted) resolve(null);
    deps.signal.addEventListener('abort', () => resolve(null), { once: true });
  });

  // The sender and the connection need each other; the channel looks the connection up lazily.
  const sender: ResultSender = new ResultSender(
    spool,
    { get connected() { return connection.connected; }, post: (results) => connection.post(results) },
    moduleLogger(log, 'sender'),
  );
  const spoolLog = moduleLogger(log, 'spool');
  const executor = createProbeExecutor({
    run: deps.run ?? runCommand,
    publicIp: () => fetchPublicIp(creds),
    agentVersion: AGENT_VERSION,
    controller: { url: creds.controller, headers: agentHeaders(creds) },
    log: moduleLogger(log, 'probe'),
  });
  // Spool first (durable), then wake the sender: a crash after this line loses nothing.
  const onResults = async (results: ProbeResult[]): Promise<void> => {
    await spool.add(results);
    status.resultsSpooled(results);
    // One debug line per result: lets an operator (and the zero-loss test) trace an id end to end.
    for (const r of results) spoolLog.debug({ result_id: r.id, probe_id: r.probe_id, run_id: r.run_id, type: r.type }, 'result spooled');
    sender.pump();
  };
  const scheduler = new Scheduler({ executor, onResults, log: moduleLogger(log, 'scheduler') });
  const runs = new RunHandler({ executor, onResults, report: (s) => connection.reportRun(s), log: moduleLogger(log, 'runs') });
  // TRAFFICSIM server probes are listeners, not scheduled runs: kept up while in the probe set.
  const trafficsimServers = new TrafficsimServers(moduleLogger(log, 'trafficsim'));
  const connection: ControllerConnection = new ControllerConnection(creds, AGENT_VERSION, moduleLogger(log, 'connection'), {
    onConnected: () => {
      status.connected();
      sender.onConnected();
      updater.onConnected();
    },
    onDisconnected: () => {
      status.disconnected();
      sender.onDisconnected();
    },
    onProbeSet: (set) => {
      scheduler.apply(set.probes);
      void trafficsimServers.apply(set.probes);
    },
    onAck: (ack) => void sender.onAck(ack).then(() => status.acked()),
    onBusy: (retryAfterMs, resultId) => sender.onBusy(retryAfterMs, resultId),
    onRunStart: (msg) => runs.start(msg),
    onRunCancel: (runId) => runs.cancel(runId),
    onFatal,
  });
  connection.start();

  const outcome = await Promise.race([fatal, stopped, updateReady]);
  updater.stop();
  const exit = outcome instanceof AgentExit ? outcome : null;
  log.info(outcome && !exit ? 'stopping for the update trial: no new probe runs' : 'stopping: no new probe runs');
  await Promise.all([scheduler.stop(exit ? 1000 : PROBE_GRACE_MS), runs.stop(exit ? 1000 : PROBE_GRACE_MS)]);
  await trafficsimServers.close();
  if (connection.connected) {
    sender.pump();
    if (!(await sender.waitIdle(ACK_GRACE_MS))) log.info('some results are not acked yet; they stay in the spool for the next start');
  }
  connection.close();
  return outcome;
}
