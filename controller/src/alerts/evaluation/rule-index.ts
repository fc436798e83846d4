/** What the index needs of a rule (an AlertRuleEntity in the evaluator, plain objects in tests). */
export interface IndexableRule {
  probeId: number | null;
}

/**
 * One workspace's enabled result rules, indexed by probe: a result is checked only against its
 * probe's own rules and the rules without a probe (agent-wide, target-wide or workspace-wide),
 * never against every rule of the workspace. With 1,000 rules spread over the probes a result
 * meets a handful instead of 1,000 on the ingest path.
 */
export class RuleIndex<R extends IndexableRule> {
  /** Per probe: its own rules, then the probe-less ones (joined once here, not per result). */
  private readonly byProbe = new Map<number, R[]>();
  private readonly withoutProbe: R[] = [];

  constructor(rules: readonly R[]) {
    const own = new Map<number, R[]>();
    for (const rule of rules) {
      if (rule.probeId === null) {
        this.withoutProbe.push(rule);
        continue;
      }
      const list = own.get(rule.probeId);
      if (list) list.push(rule);
      else own.set(rule.probeId, [rule]);
    }
    for (const [probeId, list] of own) this.byProbe.set(probeId, [...list, ...this.withoutProbe]);
  }

  /** The rules that may apply to a result of `probeId`: its own first, then the probe-less ones. */
  candidates(probeId: number): readonly R[] {
    return this.byProbe.get(probeId) ?? this.withoutProbe;
  }
}
