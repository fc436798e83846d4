import type { RunStatus } from '@netwatcher/shared';
import { iso } from '../common/timestamps';
import type { ProbeDataView } from '../probe-results/stored-result';
import type { QueueRow, RunRow } from './run-store';
import type { QueueSource } from './speedtest-queue.entity';

/** `POST …/runs` answer. */
export interface CreatedRunView {
  run_id: number;
  status: RunStatus;
  /** Set for a SPEEDTEST run: its place in the speed-test queue. */
  queue_id: number | null;
}

/** What the agent was told to run. */
export interface RunProbeView {
  type: string;
  timeout_sec: number;
  count: number;
  duration_sec: number;
  targets: string[];
  agent_targets: number[];
}

/** `GET …/runs/{run_id}`: the run and the results stored for it so far. */
export interface RunView {
  id: number;
  workspace_id: number;
  agent_id: number;
  /** The configured probe that was run; null for an ad-hoc run (its results carry probe_id 0). */
  probe_id: number | null;
  queue_id: number | null;
  type: string;
  probe: RunProbeView;
  status: RunStatus;
  error: string | null;
  origin: QueueSource;
  created_by: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  result_ids: string[];
  results: ProbeDataView[];
}

/** One entry of `GET /workspaces/{id}/speedtest-queue`. */
export interface QueueEntryView {
  id: number;
  workspace_id: number;
  agent_id: number;
  probe_id: number | null;
  run_id: number;
  source: QueueSource;
  status: RunStatus;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export function toRunView(run: RunRow, queueId: number | null, results: ProbeDataView[]): RunView {
  return {
    id: run.id,
    workspace_id: run.workspace_id,
    agent_id: run.agent_id,
    probe_id: run.probe_id,
    queue_id: queueId,
    type: run.type,
    probe: {
      type: run.config.type,
      timeout_sec: run.config.timeout_sec,
      count: run.config.count,
      duration_sec: run.config.duration_sec,
      targets: run.config.targets,
      agent_targets: run.config.agent_targets.map((a) => a.id),
    },
    status: run.status,
    error: run.error,
    origin: run.origin,
    created_by: run.created_by,
    created_at: new Date(run.created_at).toISOString(),
    started_at: iso(run.started_at && new Date(run.started_at)),
    finished_at: iso(run.finished_at && new Date(run.finished_at)),
    result_ids: run.result_ids,
    results,
  };
}

export function toQueueEntryView(row: QueueRow): QueueEntryView {
  return {
    id: row.id,
    workspace_id: row.workspace_id,
    agent_id: row.agent_id,
    probe_id: row.probe_id,
    run_id: row.run_id,
    source: row.source,
    status: row.status,
    error: row.error,
    created_at: new Date(row.created_at).toISOString(),
    started_at: iso(row.started_at && new Date(row.started_at)),
    finished_at: iso(row.finished_at && new Date(row.finished_at)),
  };
}
