import { INITIAL_STATE, SeriesState } from './series-machine';
import { SeriesStates } from './series-states';

const at = (t: number, more: Partial<SeriesState> = {}): SeriesState => ({ ...INITIAL_STATE, lastSampleAt: t, lastValue: 0, ...more });

describe('SeriesStates', () => {
  it('writes a clock-only change later and a change of what the series knows soon, each once', () => {
    const states = new SeriesStates();
    states.load(1, 'a', at(1));
    states.keep(1, 'a', at(1), at(2));
    states.load(1, 'b', at(1));
    states.keep(1, 'b', at(1), at(2, { phase: 'pending', breachCount: 1, breachSince: 2 }));
    expect(states.takeSoon().map((s) => s.key)).toEqual(['b']);
    expect(states.takeLater().map((s) => [s.key, s.state.lastSampleAt])).toEqual([['a', 2]]);
    expect(states.takeSoon()).toEqual([]);
    expect(states.takeLater()).toEqual([]);
  });

  it('writes a series waiting for both once, soon, with its newest state', () => {
    const states = new SeriesStates();
    states.keep(1, 'a', at(1), at(2));
    const pending = at(3, { phase: 'pending', breachCount: 1, breachSince: 3 });
    states.keep(1, 'a', at(2), pending);
    states.keep(1, 'a', pending, { ...pending, lastSampleAt: 4 });
    expect(states.takeLater()).toEqual([]);
    expect(states.takeSoon()).toEqual([{ ruleId: 1, key: 'a', state: { ...pending, lastSampleAt: 4 } }]);
    expect(states.get(1, 'a')?.lastSampleAt).toBe(4);
  });

  it('forgets what the database already has, a reset series and the series of removed rules', () => {
    const states = new SeriesStates();
    states.keep(1, 'a', at(1), at(2, { phase: 'pending', breachCount: 1, breachSince: 2 }));
    states.load(1, 'a', at(3));
    expect(states.takeSoon()).toEqual([]);
    states.keep(1, 'b', at(1), at(2));
    states.forget(1, 'b');
    states.keep(2, 'c', at(1), at(2));
    states.keepOnlyRules(new Set([1]));
    expect(states.takeLater()).toEqual([]);
    expect([states.get(1, 'a')?.lastSampleAt, states.get(1, 'b'), states.get(2, 'c')]).toEqual([3, undefined, undefined]);
  });

  it('hands over one waiting series to be written now, and then no longer waits with it', () => {
    const states = new SeriesStates();
    const pending = at(2, { phase: 'pending', breachCount: 1, breachSince: 2 });
    states.keep(1, 'a', at(1), pending);
    expect(states.takeOne(1, 'a')).toEqual({ ruleId: 1, key: 'a', state: pending });
    expect(states.takeOne(1, 'a')).toBeNull();
    expect(states.takeSoon()).toEqual([]);
  });
});
