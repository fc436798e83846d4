-- TRAFFICSIM results carry loss, RTT and jitter in the same typed columns as PING, and chart the
-- same way; the hourly rollup's view only fed PING and MTR rows (0004), so long-range TRAFFICSIM
-- charts were empty. The view is recreated with TRAFFICSIM in its filter; the table is unchanged.
-- Rows stored before this migration are not rolled up (the view only sees new inserts).
-- Re-runnable: the view is dropped if present and created if absent. Migrations run before the
-- controller ingests anything, so no insert falls between the two statements.

DROP VIEW IF EXISTS probe_rollup_1h_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS probe_rollup_1h_mv TO probe_rollup_1h AS
SELECT
    workspace_id,
    probe_id,
    type,
    target,
    toStartOfHour(created_at) AS bucket,
    count() AS samples,
    avgState(loss_pct) AS loss_avg,
    min(rtt_min_ms) AS rtt_min,
    max(rtt_max_ms) AS rtt_max,
    avgState(rtt_avg_ms) AS rtt_avg,
    quantilesTDigestState(0.5, 0.95, 0.99)(rtt_avg_ms) AS rtt_quantiles,
    avgState(jitter_ms) AS jitter_avg
FROM probe_results
WHERE type IN ('PING', 'MTR', 'TRAFFICSIM')
GROUP BY workspace_id, probe_id, type, target, bucket;
