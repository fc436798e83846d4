import { onlyClockMoved, SeriesState } from './series-machine';

/** One series' state as it is written to `alert_series`. */
export interface StoredSeriesState {
  ruleId: number;
  key: string;
  state: SeriesState;
}

/** A cached series and when it waits to be written: soon, later (only its clock moved), or not at all. */
interface Entry extends StoredSeriesState {
  write: 'none' | 'soon' | 'later';
}

/**
 * The evaluator's cached series states, by rule and then series key (so the hot path builds no
 * string per sample), with write-behind in two paces: a change to what a series knows (phase,
 * counts, notification times) is taken by the next `takeSoon`, one that only moved its clock by
 * the next `takeLater`. A series waiting for both is written once, soon, with its newest state.
 */
export class SeriesStates {
  private readonly byRule = new Map<number, Map<string, Entry>>();
  private readonly soon = new Set<Entry>();
  private readonly later = new Set<Entry>();

  get(ruleId: number, key: string): SeriesState | undefined {
    return this.byRule.get(ruleId)?.get(key)?.state;
  }

  /** A state as the database has it (loaded, or just written by the ledger): nothing to write. */
  load(ruleId: number, key: string, state: SeriesState): void {
    const entry = this.put(ruleId, key, state);
    entry.write = 'none';
    this.soon.delete(entry);
    this.later.delete(entry);
  }

  /** A state the evaluator stepped in memory from `before`, to be written soon or later. */
  keep(ruleId: number, key: string, before: SeriesState, after: SeriesState): void {
    if (after === before) return;
    const entry = this.put(ruleId, key, after);
    if (entry.write === 'soon') return;
    if (onlyClockMoved(before, after)) {
      if (entry.write === 'none') {
        entry.write = 'later';
        this.later.add(entry);
      }
      return;
    }
    entry.write = 'soon';
    this.later.delete(entry);
    this.soon.add(entry);
  }

  /** The series' state if it waits to be written, which it no longer does (the caller writes it now). */
  takeOne(ruleId: number, key: string): StoredSeriesState | null {
    const entry = this.byRule.get(ruleId)?.get(key);
    if (!entry || entry.write === 'none') return null;
    this.soon.delete(entry);
    this.later.delete(entry);
    entry.write = 'none';
    return { ruleId, key, state: entry.state };
  }

  forget(ruleId: number, key: string): void {
    const entry = this.byRule.get(ruleId)?.get(key);
    if (!entry) return;
    this.byRule.get(ruleId)?.delete(key);
    this.soon.delete(entry);
    this.later.delete(entry);
  }

  /** Drops every series of a rule not in `ruleIds` (deleted, disabled or changed rules). */
  keepOnlyRules(ruleIds: ReadonlySet<number>): void {
    for (const [ruleId, entries] of this.byRule) {
      if (ruleIds.has(ruleId)) continue;
      for (const entry of entries.values()) {
        this.soon.delete(entry);
        this.later.delete(entry);
      }
      this.byRule.delete(ruleId);
    }
  }

  takeSoon(): StoredSeriesState[] {
    return take(this.soon);
  }

  takeLater(): StoredSeriesState[] {
    return take(this.later);
  }

  private put(ruleId: number, key: string, state: SeriesState): Entry {
    let entries = this.byRule.get(ruleId);
    if (!entries) {
      entries = new Map();
      this.byRule.set(ruleId, entries);
    }
    const entry = entries.get(key);
    if (entry) {
      entry.state = state;
      return entry;
    }
    const created: Entry = { ruleId, key, state, write: 'none' };
    entries.set(key, created);
    return created;
  }
}

function take(waiting: Set<Entry>): StoredSeriesState[] {
  const batch = [...waiting].map((e) => ({ ruleId: e.ruleId, key: e.key, state: e.state }));
  for (const entry of waiting) entry.write = 'none';
  waiting.clear();
  return batch;
}
