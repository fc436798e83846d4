/** The operators an alert rule may use, as the seed contract spells them. */
export const COMPARISON_OPERATORS = ['>', '>=', '<', '<=', '==', '!='] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export function isComparisonOperator(value: unknown): value is ComparisonOperator {
  return typeof value === 'string' && (COMPARISON_OPERATORS as readonly string[]).includes(value);
}

export function compare(value: number, operator: ComparisonOperator, threshold: number): boolean {
  switch (operator) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

/**
 * Whether a firing condition has cleared. Without a clear threshold it clears as soon as the
 * value stops breaching. With one (hysteresis: fire at loss > 5, clear at loss < 1) the value
 * must cross the clear threshold in the direction away from the breach; in between, nothing
 * changes. Equality operators have no direction, so they ignore a clear threshold.
 */
export function hasCleared(
  value: number,
  operator: ComparisonOperator,
  threshold: number,
  clearThreshold: number | null,
): boolean {
  if (clearThreshold === null) return !compare(value, operator, threshold);
  switch (operator) {
    case '>':
    case '>=':
      return value < clearThreshold;
    case '<':
    case '<=':
      return value > clearThreshold;
    case '==':
    case '!=':
      return !compare(value, operator, threshold);
  }
}

/**
 * A clear threshold that sits on the breaching side of the fire threshold would clear an alert
 * while it still breaches; rules with one are refused (the reason is returned), else null.
 */
export function clearThresholdProblem(
  operator: ComparisonOperator,
  threshold: number,
  clearThreshold: number | null,
): string | null {
  if (clearThreshold === null) return null;
  if ((operator === '>' || operator === '>=') && clearThreshold > threshold) {
    return `clear_threshold must be at most threshold for operator ${operator}`;
  }
  if ((operator === '<' || operator === '<=') && clearThreshold < threshold) {
    return `clear_threshold must be at least threshold for operator ${operator}`;
  }
  if (operator === '==' || operator === '!=') return `clear_threshold needs an ordering operator, not ${operator}`;
  return null;
}
