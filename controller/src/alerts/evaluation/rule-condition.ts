import type { AlertRuleEntity } from '../alert-rule.entity';
import { DEFAULT_CONDITION, SeriesCondition } from './series-machine';

/** A rule's tuning as the state machine takes it (seconds → milliseconds). */
export function conditionOf(rule: AlertRuleEntity): SeriesCondition {
  return {
    ...DEFAULT_CONDITION,
    operator: rule.operator,
    threshold: rule.threshold,
    clearThreshold: rule.clearThreshold,
    sustainCount: rule.sustainCount,
    sustainMs: rule.sustainSeconds * 1000,
    renotifyMs: rule.renotifySeconds === null ? null : rule.renotifySeconds * 1000,
    cooldownMs: rule.cooldownSeconds * 1000,
    flapping:
      rule.flapWindowSeconds !== null && rule.flapMaxTransitions !== null
        ? { windowMs: rule.flapWindowSeconds * 1000, maxTransitions: rule.flapMaxTransitions }
        : null,
  };
}

/**
 * A quorum rule's verdict series: the value is how many agents currently breach, and it fires
 * when at least `quorumMinAgents` do. Sustain is already applied per agent; notification
 * pacing (re-notify, cooldown, flapping) applies to the verdict.
 */
export function quorumConditionOf(rule: AlertRuleEntity): SeriesCondition {
  return {
    ...conditionOf(rule),
    operator: '>=',
    threshold: rule.quorumMinAgents,
    clearThreshold: null,
    sustainCount: 1,
    sustainMs: 0,
  };
}

/** The per-agent view of a quorum rule: the rule's own condition, but it never notifies by itself. */
export function viewConditionOf(rule: AlertRuleEntity): SeriesCondition {
  return { ...conditionOf(rule), renotifyMs: null, cooldownMs: 0, flapping: null };
}
