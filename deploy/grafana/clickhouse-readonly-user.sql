-- A ClickHouse user for Grafana that can read NetWatcher's time series and change nothing.
-- Run once on the ClickHouse server as an administrator; replace the database name
-- (`netwatcher`, the one in CLICKHOUSE_URL) and the password.
--
-- readonly = 1 forbids writes and DDL, and setting changes; the Grafana plugin's client sets
-- max_execution_time on every query, so that one setting stays changeable (the plugin's advice
-- for readonly users, instead of the looser readonly = 2).
CREATE SETTINGS PROFILE IF NOT EXISTS netwatcher_grafana_profile SETTINGS readonly = 1, max_execution_time = 60 CHANGEABLE_IN_READONLY;

CREATE USER IF NOT EXISTS netwatcher_grafana IDENTIFIED WITH sha256_password BY 'change-me' SETTINGS PROFILE 'netwatcher_grafana_profile';

-- Only the tables the dashboard reads: raw results and the hourly rollup.
GRANT SELECT ON netwatcher.probe_results TO netwatcher_grafana;

GRANT SELECT ON netwatcher.probe_rollup_1h TO netwatcher_grafana;
