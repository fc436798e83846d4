import type { Alert, AlertStatus } from '../api/types';

/** The alerts page's status filter: one status (the API's `status=`), or all. */
export type AlertFilter = AlertStatus | 'all';

export function matchesFilter(status: string, filter: AlertFilter): boolean {
  return filter === 'all' || status === filter;
}

/**
 * The list after a live change: a changed alert is replaced in place, a new one goes on top,
 * and one that no longer matches the filter leaves. Newest first, as the API lists them.
 * Returns the same array when nothing on screen changes, so the view does not redraw.
 */
export function applyAlertChange(list: readonly Alert[], alert: Alert, filter: AlertFilter): readonly Alert[] {
  const at = list.findIndex((a) => a.id === alert.id);
  const keep = matchesFilter(alert.status, filter);
  if (at < 0) return keep ? [alert, ...list].sort(newestFirst) : list;
  if (!keep) return list.filter((a) => a.id !== alert.id);
  const next = [...list];
  next[at] = alert;
  return next;
}

function newestFirst(a: Alert, b: Alert): number {
  return Date.parse(b.triggered_at) - Date.parse(a.triggered_at) || b.id - a.id;
}
