/**
 * Performance marks around the two budgets of BENCHMARKS.md, read by the bench suite
 * (bench/suites/panel-web.ts) through `performance.getEntriesByName('nw:chart' | 'nw:agents')`:
 * from the moment a view's data arrived to the moment it is on screen.
 */
export type MeasuredView = 'chart' | 'agents';

const dataMark = (view: MeasuredView) => `nw:${view}-data`;
const MAX_KEPT = 200;

/** The view's data has just arrived (the response is parsed); the clock starts here. */
export function markDataArrived(view: MeasuredView): void {
  performance.clearMarks(dataMark(view));
  performance.mark(dataMark(view));
}

/** Whether data has arrived that is not drawn yet. */
export function dataPending(view: MeasuredView): boolean {
  return performance.getEntriesByName(dataMark(view), 'mark').length > 0;
}

/** The view is drawn: records the measure `nw:<view>` and returns its duration, or null when no data was pending. */
export function measureDrawn(view: MeasuredView): number | null {
  if (!dataPending(view)) return null;
  // A live chart draws on every result: keep the timeline from growing for as long as the tab is open.
  if (performance.getEntriesByName(`nw:${view}`, 'measure').length >= MAX_KEPT) performance.clearMeasures(`nw:${view}`);
  const measure = performance.measure(`nw:${view}`, dataMark(view));
  performance.clearMarks(dataMark(view));
  return measure.duration;
}
