import { clearThresholdProblem } from './comparison';
import { inMaintenance } from './maintenance';
import { quorumVerdict } from './quorum';
import { DEFAULT_CONDITION, INITIAL_STATE, isFlapping, onlyClockMoved, SeriesCondition, SeriesEvent, SeriesState, step } from './series-machine';

const S = 1000;
const lossOver5: SeriesCondition = { ...DEFAULT_CONDITION, operator: '>', threshold: 5 };

/** Feeds samples (seconds, value) in order and returns the final state and every event. */
function run(condition: SeriesCondition, samples: [number, number][], from: SeriesState = INITIAL_STATE) {
  let state = from;
  const events: SeriesEvent[] = [];
  for (const [sec, value] of samples) {
    const out = step(state, condition, { at: sec * S, value });
    state = out.state;
    events.push(...out.events);
  }
  return { state, events, kinds: events.map((e) => `${e.kind}@${e.at / S}${e.suppressed ? `(${e.suppressed})` : ''}`) };
}

describe('alert series state machine', () => {
  it('tells a sample that only moved the clock from one that changed what the series knows', () => {
    const quiet = run(lossOver5, [[1, 0], [2, 1]]);
    expect(onlyClockMoved(run(lossOver5, [[1, 0]]).state, quiet.state)).toBe(true);
    // A breach that is not sustained yet changes the count; firing changes the phase.
    const sustained = { ...lossOver5, sustainCount: 2 };
    const pending = step(quiet.state, sustained, { at: 3 * S, value: 9 }).state;
    expect(onlyClockMoved(quiet.state, pending)).toBe(false);
    expect(onlyClockMoved(pending, step(pending, sustained, { at: 4 * S, value: 9 }).state)).toBe(false);
    // Firing, between the thresholds: only the clock moves.
    const firing = run({ ...lossOver5, clearThreshold: 1 }, [[1, 9]]).state;
    expect(onlyClockMoved(firing, step(firing, { ...lossOver5, clearThreshold: 1 }, { at: 2 * S, value: 3 }).state)).toBe(true);
  });

  it('fires on the first breaching sample and resolves when it stops breaching', () => {
    const { kinds, state } = run(lossOver5, [[1, 0], [2, 10], [3, 12], [4, 3]]);
    expect(kinds).toEqual(['fired@2', 'resolved@4']);
    expect(state.phase).toBe('ok');
  });

  it('treats the threshold itself by the operator: > does not fire at equality, >= does', () => {
    expect(run(lossOver5, [[1, 5]]).kinds).toEqual([]);
    expect(run({ ...lossOver5, operator: '>=' }, [[1, 5]]).kinds).toEqual(['fired@1']);
    expect(run({ ...lossOver5, operator: '!=', threshold: 0 }, [[1, 0], [2, 1], [3, 0]]).kinds).toEqual(['fired@2', 'resolved@3']);
    expect(run({ ...lossOver5, operator: '<', threshold: 10 }, [[1, 20], [2, 9], [3, 11]]).kinds).toEqual(['fired@2', 'resolved@3']);
  });

  it('with hysteresis fires above the threshold and clears only below the clear threshold', () => {
    const c = { ...lossOver5, clearThreshold: 1 };
    const { kinds } = run(c, [[1, 6], [2, 4], [3, 2], [4, 1], [5, 0.5], [6, 4]]);
    // 4, 2 and 1 are between the thresholds: still firing; 0.5 < 1 clears; 4 does not re-fire.
    expect(kinds).toEqual(['fired@1', 'resolved@5']);
  });

  it('for a lower-bound rule the clear threshold is above the threshold', () => {
    const c: SeriesCondition = { ...DEFAULT_CONDITION, operator: '<', threshold: 100, clearThreshold: 200 };
    expect(run(c, [[1, 50], [2, 150], [3, 250]]).kinds).toEqual(['fired@1', 'resolved@3']);
  });

  it('refuses a clear threshold on the breaching side', () => {
    expect(clearThresholdProblem('>', 5, 10)).toMatch(/at most/);
    expect(clearThresholdProblem('<', 5, 1)).toMatch(/at least/);
    expect(clearThresholdProblem('==', 5, 1)).toMatch(/ordering/);
    expect(clearThresholdProblem('>', 5, 1)).toBeNull();
    expect(clearThresholdProblem('>', 5, null)).toBeNull();
  });

  it('sustained-for N samples: fires only on the Nth consecutive breach, a good sample resets the count', () => {
    const c = { ...lossOver5, sustainCount: 3 };
    const { kinds } = run(c, [[1, 9], [2, 9], [3, 0], [4, 9], [5, 9], [6, 9]]);
    expect(kinds).toEqual(['fired@6']);
  });

  it('sustained-for a duration: fires once the breach has lasted that long', () => {
    const c = { ...lossOver5, sustainMs: 60 * S };
    const { kinds, state } = run(c, [[0, 9], [30, 9], [59, 9]]);
    expect(kinds).toEqual([]);
    expect(state.phase).toBe('pending');
    expect(run(c, [[60, 9]], state).kinds).toEqual(['fired@60']);
  });

  it('is idempotent: the same sample twice, or an older one, changes nothing', () => {
    const first = step(INITIAL_STATE, lossOver5, { at: 10 * S, value: 9 });
    expect(first.events).toHaveLength(1);
    const again = step(first.state, lossOver5, { at: 10 * S, value: 9 });
    expect(again.events).toEqual([]);
    expect(again.state).toBe(first.state);
    const older = step(first.state, lossOver5, { at: 5 * S, value: 0 });
    expect(older.events).toEqual([]);
    expect(older.state.phase).toBe('firing');
  });

  it('ignores a non-finite value without losing its place in time', () => {
    const { kinds, state } = run(lossOver5, [[1, Number.NaN], [2, 9]]);
    expect(kinds).toEqual(['fired@2']);
    expect(state.lastSampleAt).toBe(2 * S);
  });

  it('re-notifies while still firing after the interval, and not before', () => {
    const c = { ...lossOver5, renotifyMs: 600 * S };
    const { kinds } = run(c, [[0, 9], [300, 9], [599, 9], [600, 9], [900, 9], [1200, 9]]);
    expect(kinds).toEqual(['fired@0', 'renotify@600', 'renotify@1200']);
  });

  it('cooldown: a transition closer than the cooldown to the last notification is recorded but not sent', () => {
    const c = { ...lossOver5, cooldownMs: 120 * S };
    const { kinds } = run(c, [[0, 9], [60, 0], [200, 9], [250, 0]]);
    expect(kinds).toEqual(['fired@0', 'resolved@60(cooldown)', 'fired@200', 'resolved@250(cooldown)']);
  });

  it('flapping: transitions beyond the bound in the window are suppressed, and sent again once it calms', () => {
    const c = { ...lossOver5, flapping: { windowMs: 600 * S, maxTransitions: 4 } };
    const samples: [number, number][] = [[0, 9], [60, 0], [120, 9], [180, 0], [240, 9], [300, 0]];
    const { kinds, state } = run(c, samples);
    expect(kinds).toEqual(['fired@0', 'resolved@60', 'fired@120', 'resolved@180(flapping)', 'fired@240(flapping)', 'resolved@300(flapping)']);
    expect(isFlapping(state, c, 300 * S)).toBe(true);
    // Long after, the window holds few transitions: notifications resume.
    expect(isFlapping(state, c, 2000 * S)).toBe(false);
    expect(run(c, [[2000, 9]], state).kinds).toEqual(['fired@2000']);
  });
});

describe('quorum', () => {
  it('fires on the target when at least N agents breach, blames the agent when fewer do', () => {
    const views = new Map([[1, true], [2, false], [3, true]]);
    expect(quorumVerdict(views, 2)).toEqual({ breachingAgents: [1, 3], totalAgents: 3, breaching: true, faultAt: 'target' });
    expect(quorumVerdict(views, 3)).toEqual({ breachingAgents: [1, 3], totalAgents: 3, breaching: false, faultAt: 'agent' });
    expect(quorumVerdict(new Map([[1, false]]), 1).faultAt).toBe('none');
  });
});

describe('maintenance windows', () => {
  const windows = [
    { startsAt: 100, endsAt: 200, agentId: null },
    { startsAt: 500, endsAt: 600, agentId: 7 },
  ];
  it('covers the whole workspace or one agent, start inclusive, end exclusive', () => {
    expect(inMaintenance(windows, 100, 3)).toBe(true);
    expect(inMaintenance(windows, 200, 3)).toBe(false);
    expect(inMaintenance(windows, 550, 7)).toBe(true);
    expect(inMaintenance(windows, 550, 8)).toBe(false);
    expect(inMaintenance(windows, 550, null)).toBe(false);
  });
});
