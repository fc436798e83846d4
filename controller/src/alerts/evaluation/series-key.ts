/**
 * Series keys name what one rule watches. A rule follows each (probe, agent, target) it sees
 * separately; a quorum rule keeps one view per agent and one verdict per target.
 */
export interface SeriesSubject {
  probeId: number | null;
  agentId: number | null;
  target: string | null;
}

export const seriesKey = (s: SeriesSubject): string => `s:${s.probeId ?? 0}:${s.agentId ?? 0}:${s.target ?? ''}`;
export const quorumViewKey = (target: string, agentId: number): string => `view:${target}:${agentId}`;
export const quorumViewPrefix = (target: string): string => `view:${target}:`;
export const quorumVerdictKey = (target: string): string => `quorum:${target}`;
export const offlineKey = (agentId: number): string => `agent:${agentId}`;
