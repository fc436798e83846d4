import type { ProbeType } from '@netwatcher/shared';
import type { ProbeEntity } from './probe.entity';

export interface ProbeView {
  id: number;
  workspace_id: number;
  agent_id: number;
  type: ProbeType;
  enabled: boolean;
  interval_sec: number;
  timeout_sec: number;
  count: number;
  duration_sec: number;
  server: boolean;
  targets: string[];
  agent_targets: number[];
  labels: Record<string, unknown>;
  metadata: Record<string, unknown>;
  /** Set on the mirror probe a `bidirectional: true` create (or a matching copy) made. */
  reverse_of_probe_id: number | null;
  created_at: string;
  updated_at: string;
}

/** POST answers with the created probe and the ids of its mirrors (empty unless bidirectional). */
export interface CreatedProbeView extends ProbeView {
  reverse_probe_ids: number[];
}

export function toProbeView(p: ProbeEntity): ProbeView {
  return {
    id: p.id,
    workspace_id: p.workspaceId,
    agent_id: p.agentId,
    type: p.type,
    enabled: p.enabled,
    interval_sec: p.intervalSec,
    timeout_sec: p.timeoutSec,
    count: p.count,
    duration_sec: p.durationSec,
    server: p.server,
    targets: p.targets,
    agent_targets: p.agentTargets.map(Number),
    labels: p.labels,
    metadata: p.metadata,
    reverse_of_probe_id: p.reverseOfProbeId,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}
