-- Cheaper inserts, faster charts (BENCHMARKS.md, findings 5 and 6):
-- * The per-minute rollup goes. Its view wrote a part of its own on every INSERT into
--   probe_results, and for a once-a-minute probe it held one t-digest per raw row: no fewer rows
--   than the raw table, and slower to merge than the raw rows are to aggregate. Charts with
--   buckets under an hour and the ragged ends of an overview now read raw rows under a row budget
--   (probe-chart.plan.ts).
-- * The hourly rollup is rebuilt with granules of 256 rows instead of 8,192: its rows are fat
--   (t-digest states) and a one-probe chart reads a few hundred of them, so whole 8,192-row
--   granules were most of its cost. index_granularity cannot be altered on an existing table, so
--   the rows are copied into a new table that then takes the old one's name.
--
-- Safe to re-run from the top after a crash at any statement (the migrator re-runs the whole
-- file until it has recorded it): `probe_rollup_1h` always exists and always holds every row,
-- with the old layout until the EXCHANGE and the new one after it. `probe_rollup_1h_staging` is
-- scratch, never the only copy: it is dropped and created afresh before each copy, so a re-run
-- after the EXCHANGE copies the new layout into a new-layout table and nothing reverts.
--
-- The migrations run at start-up before the controller ingests anything, so no row reaches
-- probe_results while the view is gone and the rows are moved. The view is dropped first and
-- created last anyway, so it can never feed the table that is being replaced.

DROP VIEW IF EXISTS probe_rollup_1m_mv;

DROP TABLE IF EXISTS probe_rollup_1m SYNC;

DROP VIEW IF EXISTS probe_rollup_1h_mv;

DROP TABLE IF EXISTS probe_rollup_1h_staging SYNC;

CREATE TABLE IF NOT EXISTS probe_rollup_1h_staging
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
TTL bucket + INTERVAL 1100 DAY
SETTINGS index_granularity = 256;

INSERT INTO probe_rollup_1h_staging SELECT * FROM probe_rollup_1h;

EXCHANGE TABLES probe_rollup_1h AND probe_rollup_1h_staging;

DROP TABLE IF EXISTS probe_rollup_1h_staging SYNC;

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
