-- Rollups so a 30-day chart reads ~43k pre-aggregated rows per probe instead of raw results.
-- Fed by materialized views on insert; states are merged at query time (…Merge combinators).
-- Nullable states: a run with total loss has no RTT, and must not pull min/avg toward 0.
CREATE TABLE IF NOT EXISTS probe_rollup_1m
(
    workspace_id  UInt32,
    probe_id      UInt32,
    type          LowCardinality(String),
    target        String,
    bucket        DateTime('UTC'),
    samples       SimpleAggregateFunction(sum, UInt64),
    loss_avg      AggregateFunction(avg, Nullable(Float64)),
    rtt_min       SimpleAggregateFunction(min, Nullable(Float64)),
    rtt_max       SimpleAggregateFunction(max, Nullable(Float64)),
    rtt_avg       AggregateFunction(avg, Nullable(Float64)),
    rtt_quantiles AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), Nullable(Float64)),
    jitter_avg    AggregateFunction(avg, Nullable(Float64))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (workspace_id, probe_id, type, target, bucket)
TTL bucket + INTERVAL 400 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS probe_rollup_1m_mv TO probe_rollup_1m AS
SELECT
    workspace_id,
    probe_id,
    type,
    target,
    toStartOfMinute(created_at) AS bucket,
    count() AS samples,
    avgState(loss_pct) AS loss_avg,
    min(rtt_min_ms) AS rtt_min,
    max(rtt_max_ms) AS rtt_max,
    avgState(rtt_avg_ms) AS rtt_avg,
    quantilesTDigestState(0.5, 0.95, 0.99)(rtt_avg_ms) AS rtt_quantiles,
    avgState(jitter_ms) AS jitter_avg
FROM probe_results
WHERE type IN ('PING', 'MTR')
GROUP BY workspace_id, probe_id, type, target, bucket;

CREATE TABLE IF NOT EXISTS probe_rollup_1h
(
    workspace_id  UInt32,
    probe_id      UInt32,
    type          LowCardinality(String),
    target        String,
    bucket        DateTime('UTC'),
    samples       SimpleAggregateFunction(sum, UInt64),
    loss_avg      AggregateFunction(avg, Nullable(Float64)),
    rtt_min       SimpleAggregateFunction(min, Nullable(Float64)),
    rtt_max       SimpleAggregateFunction(max, Nullable(Float64)),
    rtt_avg       AggregateFunction(avg, Nullable(Float64)),
    rtt_quantiles AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), Nullable(Float64)),
    jitter_avg    AggregateFunction(avg, Nullable(Float64))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (workspace_id, probe_id, type, target, bucket)
TTL bucket + INTERVAL 1100 DAY;

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
WHERE type IN ('PING', 'MTR')
GROUP BY workspace_id, probe_id, type, target, bucket;
