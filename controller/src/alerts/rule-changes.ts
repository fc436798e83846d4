import { Injectable } from '@nestjs/common';

type RulesListener = (workspaceId: number) => void;
type SeriesListener = (ruleId: number, seriesKey: string) => void;

/**
 * Tells the evaluator what changed under it: a workspace's rules or maintenance windows (reload
 * them), or one series whose stored state was reset by a user (forget the cached copy).
 */
@Injectable()
export class RuleChanges {
  private readonly rules = new Set<RulesListener>();
  private readonly series = new Set<SeriesListener>();

  on(listener: RulesListener): () => void {
    this.rules.add(listener);
    return () => this.rules.delete(listener);
  }

  onSeriesReset(listener: SeriesListener): () => void {
    this.series.add(listener);
    return () => this.series.delete(listener);
  }

  changed(workspaceId: number): void {
    for (const listener of this.rules) listener(workspaceId);
  }

  seriesReset(ruleId: number, seriesKey: string): void {
    for (const listener of this.series) listener(ruleId, seriesKey);
  }
}
