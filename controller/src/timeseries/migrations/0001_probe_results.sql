-- Raw probe results. One row per result the agent produced; `id` is the agent's own id, so a
-- re-delivered result has the same sorting key and the same id (the ingest path also skips ids
-- it already holds; ReplacingMergeTree is the safety net for a race between two replicas).
CREATE TABLE IF NOT EXISTS probe_results
(
    id               UUID,
    workspace_id     UInt32,
    probe_id         UInt32,
    agent_id         UInt32,
    probe_agent_id   UInt32,
    type             LowCardinality(String),
    target           String,
    target_agent     UInt32,
    triggered        Bool,
    triggered_reason String,
    created_at       DateTime64(3, 'UTC'),
    received_at      DateTime64(3, 'UTC') DEFAULT now64(3),
    loss_pct         Nullable(Float64),
    rtt_min_ms       Nullable(Float64),
    rtt_avg_ms       Nullable(Float64),
    rtt_max_ms       Nullable(Float64),
    jitter_ms        Nullable(Float64),
    payload          String CODEC(ZSTD(3)),
    INDEX probe_results_id_bf id TYPE bloom_filter GRANULARITY 4,
    INDEX probe_results_target_bf target TYPE bloom_filter GRANULARITY 4
)
ENGINE = ReplacingMergeTree(received_at)
PARTITION BY toDate(created_at)
ORDER BY (workspace_id, probe_id, created_at, id)
TTL toDateTime(created_at) + INTERVAL 90 DAY;
