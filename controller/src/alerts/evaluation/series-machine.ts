import { compare, ComparisonOperator, hasCleared } from './comparison';

/**
 * How one alert rule judges one series (a rule applied to one probe, agent and target). All
 * durations are in milliseconds; every field has a neutral value so a seed-contract rule
 * (metric, operator, threshold) is simply `{ operator, threshold }` with the rest defaulted.
 */
export interface SeriesCondition {
  operator: ComparisonOperator;
  threshold: number;
  /** Hysteresis: once firing, clear only past this value (null: clear when no longer breaching). */
  clearThreshold: number | null;
  /** Consecutive breaching samples needed before firing (1: the first one fires). */
  sustainCount: number;
  /** And the breach must have lasted this long, from its first sample (0: no duration). */
  sustainMs: number;
  /** While firing, notify again after this long (null: once). */
  renotifyMs: number | null;
  /** No two notifications of one series closer than this. */
  cooldownMs: number;
  /** Fire/resolve transitions within `windowMs` at which the series counts as flapping (null: off). */
  flapping: { windowMs: number; maxTransitions: number } | null;
}

export const DEFAULT_CONDITION: Omit<SeriesCondition, 'operator' | 'threshold'> = {
  clearThreshold: null,
  sustainCount: 1,
  sustainMs: 0,
  renotifyMs: null,
  cooldownMs: 0,
  flapping: null,
};

export type SeriesPhase = 'ok' | 'pending' | 'firing';

/** What is kept per series between samples (persisted, so it survives a restart). */
export interface SeriesState {
  phase: SeriesPhase;
  breachCount: number;
  breachSince: number | null;
  /** Newest sample time applied: a sample at or before it is a re-delivery or stale, and ignored. */
  lastSampleAt: number | null;
  lastValue: number | null;
  lastNotifiedAt: number | null;
  /** Times of recent fire/resolve transitions, for flapping detection. */
  transitions: number[];
}

export const INITIAL_STATE: SeriesState = {
  phase: 'ok',
  breachCount: 0,
  breachSince: null,
  lastSampleAt: null,
  lastValue: null,
  lastNotifiedAt: null,
  transitions: [],
};

export type SeriesEventKind = 'fired' | 'resolved' | 'renotify';
/** Why a recorded event is not sent to anyone. */
export type Suppression = 'flapping' | 'cooldown';

export interface SeriesEvent {
  kind: SeriesEventKind;
  at: number;
  value: number;
  /** null: notify; else the reason it is only recorded. */
  suppressed: Suppression | null;
}

export interface Sample {
  at: number;
  value: number;
}

export interface StepOutcome {
  state: SeriesState;
  events: readonly SeriesEvent[];
}

/**
 * Applies one sample to a series. Pure: the same state and sample always give the same
 * outcome, and a sample that is not newer than the last one applied changes nothing, so a
 * result evaluated twice (re-delivery, two replicas) can never fire or notify twice.
 */
export function step(state: SeriesState, condition: SeriesCondition, sample: Sample): StepOutcome {
  if (state.lastSampleAt !== null && sample.at <= state.lastSampleAt) return { state, events: NO_EVENTS };
  if (!Number.isFinite(sample.value)) return { state: { ...state, lastSampleAt: sample.at }, events: NO_EVENTS };

  const breaching = compare(sample.value, condition.operator, condition.threshold);

  if (state.phase === 'firing') {
    if (hasCleared(sample.value, condition.operator, condition.threshold, condition.clearThreshold)) {
      return transition(advanced(state, sample, 'ok', 0, null), condition, 'resolved', sample);
    }
    const base = advanced(state, sample, 'firing', state.breachCount, state.breachSince);
    const dueForRenotify =
      condition.renotifyMs !== null &&
      state.lastNotifiedAt !== null &&
      sample.at - state.lastNotifiedAt >= condition.renotifyMs;
    if (breaching && dueForRenotify) return notifyUnlessSuppressed(base, condition, 'renotify', sample, false);
    return { state: base, events: NO_EVENTS };
  }

  if (!breaching) return { state: advanced(state, sample, 'ok', 0, null), events: NO_EVENTS };

  const breachSince = state.breachSince ?? sample.at;
  const breachCount = state.breachCount + 1;
  const sustained = breachCount >= condition.sustainCount && sample.at - breachSince >= condition.sustainMs;
  if (!sustained) return { state: advanced(state, sample, 'pending', breachCount, breachSince), events: NO_EVENTS };
  return transition(advanced(state, sample, 'firing', breachCount, breachSince), condition, 'fired', sample);
}

/** No events: shared, as nearly every step has none (the ingest path makes millions of steps). */
const NO_EVENTS: readonly SeriesEvent[] = Object.freeze([]);

/**
 * The state after `sample`, built as one literal rather than spread copies: this runs for every
 * rule a stored result meets. Notification time and transitions carry over.
 */
function advanced(state: SeriesState, sample: Sample, phase: SeriesPhase, breachCount: number, breachSince: number | null): SeriesState {
  return {
    phase,
    breachCount,
    breachSince,
    lastSampleAt: sample.at,
    lastValue: sample.value,
    lastNotifiedAt: state.lastNotifiedAt,
    transitions: state.transitions,
  };
}

/**
 * Whether `after` differs from `before` only in its clock (lastSampleAt, lastValue): the same
 * phase, breach count, notification time and transitions. Such a change can wait to be written.
 */
export function onlyClockMoved(before: SeriesState, after: SeriesState): boolean {
  return (
    before.phase === after.phase &&
    before.breachCount === after.breachCount &&
    before.breachSince === after.breachSince &&
    before.lastNotifiedAt === after.lastNotifiedAt &&
    before.transitions.length === after.transitions.length &&
    before.transitions.every((t, i) => t === after.transitions[i])
  );
}

function transition(state: SeriesState, condition: SeriesCondition, kind: SeriesEventKind, sample: Sample): StepOutcome {
  const window = condition.flapping;
  const transitions = window
    ? [...state.transitions.filter((t) => sample.at - t < window.windowMs), sample.at]
    : state.transitions;
  return notifyUnlessSuppressed({ ...state, transitions }, condition, kind, sample, true);
}

function notifyUnlessSuppressed(
  state: SeriesState,
  condition: SeriesCondition,
  kind: SeriesEventKind,
  sample: Sample,
  isTransition: boolean,
): StepOutcome {
  const flapping = condition.flapping !== null && isTransition && state.transitions.length >= condition.flapping.maxTransitions;
  const coolingDown = state.lastNotifiedAt !== null && sample.at - state.lastNotifiedAt < condition.cooldownMs;
  const suppressed: Suppression | null = flapping ? 'flapping' : coolingDown ? 'cooldown' : null;
  const next = suppressed === null ? { ...state, lastNotifiedAt: sample.at } : state;
  return { state: next, events: [{ kind, at: sample.at, value: sample.value, suppressed }] };
}

/** Whether the series is flapping as of `at` (for display: the alert says so). */
export function isFlapping(state: SeriesState, condition: SeriesCondition, at: number): boolean {
  const window = condition.flapping;
  if (!window) return false;
  return state.transitions.filter((t) => at - t < window.windowMs).length >= window.maxTransitions;
}
