import type { ProbeEntity } from './probe.entity';
import type { ProbeSettings } from './probe-rules';

export type NewProbeRow = Omit<ProbeEntity, 'id' | 'createdAt' | 'updatedAt'>;

/** The row to insert for validated settings; every creation path (create, defaults, mirrors, copies) uses it. */
export function newProbeRow(workspaceId: number, agentId: number, s: ProbeSettings, reverseOfProbeId: number | null = null): NewProbeRow {
  return {
    workspaceId,
    agentId,
    type: s.type,
    enabled: s.enabled,
    intervalSec: s.intervalSec,
    timeoutSec: s.timeoutSec,
    count: s.count,
    durationSec: s.durationSec,
    server: s.server,
    targets: s.targets,
    agentTargets: s.agentTargets,
    labels: s.labels,
    metadata: s.metadata,
    reverseOfProbeId,
  };
}

/** The settings a stored probe holds (jsonb ids normalized to numbers). */
export function settingsOfRow(p: ProbeEntity): ProbeSettings {
  return {
    type: p.type,
    enabled: p.enabled,
    intervalSec: p.intervalSec,
    timeoutSec: p.timeoutSec,
    count: p.count,
    durationSec: p.durationSec,
    server: p.server,
    targets: p.targets,
    agentTargets: p.agentTargets.map(Number),
    labels: p.labels,
    metadata: p.metadata,
  };
}
