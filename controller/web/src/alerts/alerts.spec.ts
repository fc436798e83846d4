import type { Alert } from '../api/types';
import { applyAlertChange, matchesFilter } from './alert-list';
import { alertSubject, condition, historyLine, metricValue } from './alert-words';

const alert = (id: number, status: string, triggered: string, extra: Partial<Alert> = {}): Alert => ({
  id,
  workspace_id: 1,
  rule_id: 1,
  probe_id: 7,
  agent_id: 3,
  probe_type: 'PING',
  probe_name: null,
  probe_target: '192.0.2.1',
  agent_name: 'edge-1',
  metric: 'packet_loss',
  value: 100,
  threshold: 50,
  severity: 'warning',
  status,
  fault_at: null,
  triggered_at: triggered,
  acknowledged_at: null,
  acknowledged_by: null,
  resolved_at: null,
  ...extra,
});

describe('live alert list', () => {
  const older = alert(1, 'active', '2026-12-01T10:00:00Z');
  const newer = alert(2, 'acknowledged', '2026-12-01T11:00:00Z');

  it('puts a new alert on top when it matches the filter, and ignores it otherwise', () => {
    const created = alert(3, 'active', '2026-12-01T12:00:00Z');
    expect(applyAlertChange([newer, older], created, 'all').map((a) => a.id)).toEqual([3, 2, 1]);
    expect(applyAlertChange([older], created, 'active').map((a) => a.id)).toEqual([3, 1]);
    const list = [newer];
    expect(applyAlertChange(list, created, 'resolved')).toBe(list);
  });

  it('replaces a changed alert in place, and drops it when it leaves the filter', () => {
    const acked = { ...older, status: 'acknowledged', acknowledged_by: 4 };
    expect(applyAlertChange([newer, older], acked, 'all')).toEqual([newer, acked]);
    expect(applyAlertChange([older], acked, 'active')).toEqual([]);
    expect(applyAlertChange([newer, older], acked, 'acknowledged')).toEqual([newer, acked]);
  });

  it('sorts a late arrival by when it triggered, as the API does', () => {
    const late = alert(9, 'active', '2026-12-01T10:30:00Z');
    expect(applyAlertChange([newer, older], late, 'all').map((a) => a.id)).toEqual([2, 9, 1]);
  });

  it('filters by status or takes every status', () => {
    expect(matchesFilter('resolved', 'all')).toBe(true);
    expect(matchesFilter('resolved', 'active')).toBe(false);
    expect(matchesFilter('active', 'active')).toBe(true);
  });
});

describe('alert wording', () => {
  it('gives values their metric unit', () => {
    expect(metricValue('packet_loss', 100)).toBe('100 %');
    expect(metricValue('latency', 3.14159)).toBe('3.14 ms');
    expect(metricValue('latency', 123.456)).toBe('123.5 ms');
    expect(metricValue('agent_offline', 75)).toBe('75 s');
    expect(metricValue('latency', null)).toBe('—');
    expect(condition('packet_loss', '>', 50)).toBe('Packet loss > 50 %');
  });

  it('names what an alert is about', () => {
    expect(alertSubject(alert(1, 'active', '2026-12-01T10:00:00Z'))).toBe('agent edge-1, PING → 192.0.2.1');
    expect(alertSubject(alert(1, 'active', '2026-12-01T10:00:00Z', { probe_type: null, probe_target: null, agent_name: null, agent_id: null }))).toBe('the whole workspace');
  });

  it('tells a history entry in words', () => {
    expect(historyLine({ kind: 'fired', value: 100, suppressed: null, actor_user_id: null }, 'packet_loss')).toBe('Fired at 100 %');
    expect(historyLine({ kind: 'acknowledged', value: null, suppressed: null, actor_user_id: 4 }, 'packet_loss')).toBe('Acknowledged by user 4');
    expect(historyLine({ kind: 'resolved_by_user', value: null, suppressed: null, actor_user_id: 4 }, 'packet_loss')).toBe('Resolved by user 4');
    expect(historyLine({ kind: 'resolved', value: 0, suppressed: null, actor_user_id: null }, 'packet_loss')).toBe('Cleared: back within the threshold at 0 %');
    expect(historyLine({ kind: 'renotify', value: 80, suppressed: 'cooldown', actor_user_id: null }, 'packet_loss')).toBe(
      'Still breaching (re-notified) at 80 % (notification held back: cooldown)',
    );
    expect(historyLine({ kind: 'something_new', value: null, suppressed: null, actor_user_id: null }, 'latency')).toBe('something new');
  });
});
