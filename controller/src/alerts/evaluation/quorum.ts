/**
 * Quorum rules ("target down from at least N of M agents"): each agent's series says whether
 * that vantage point sees the target breaching; the rule fires on the count, so one broken
 * agent pages nobody, and the verdict says where the fault most likely is.
 */
export type FaultLocation = 'target' | 'agent' | 'none';

export interface QuorumVerdict {
  breachingAgents: number[];
  totalAgents: number;
  /** The quorum is met: the target (or the path to it) is at fault. */
  breaching: boolean;
  /** 'agent' when some but fewer than the quorum see it: their own side is the likelier cause. */
  faultAt: FaultLocation;
}

/** `views`: agent id -> whether its latest sample breaches. `minAgents` ≥ 1. */
export function quorumVerdict(views: ReadonlyMap<number, boolean>, minAgents: number): QuorumVerdict {
  const breachingAgents = [...views].filter(([, breaching]) => breaching).map(([agentId]) => agentId).sort((a, b) => a - b);
  const breaching = breachingAgents.length >= minAgents;
  const faultAt: FaultLocation = breaching ? 'target' : breachingAgents.length > 0 ? 'agent' : 'none';
  return { breachingAgents, totalAgents: views.size, breaching, faultAt };
}
