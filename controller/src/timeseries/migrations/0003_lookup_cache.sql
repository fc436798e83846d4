-- Cached lookup answers (GeoIP, WHOIS) shared by every controller replica. One live row per
-- (kind, key): a refresh inserts a newer row and ReplacingMergeTree keeps the latest on merge;
-- readers take the newest unexpired row, so they never depend on merge timing. `version`
-- identifies the data the answer came from (the GeoIP database files), so an answer from a
-- replaced database is not served. Rows expire by their own `expires_at` (per-kind TTLs).
CREATE TABLE IF NOT EXISTS lookup_cache
(
    kind        LowCardinality(String),
    key         String,
    version     String,
    value       String CODEC(ZSTD(3)),
    cached_at   DateTime64(3, 'UTC'),
    expires_at  DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(cached_at)
ORDER BY (kind, key)
TTL toDateTime(expires_at);
