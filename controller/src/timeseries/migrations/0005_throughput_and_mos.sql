-- Typed columns for the SPEEDTEST and TRAFFICSIM figures, so their charts and alert rules read
-- numbers inside ClickHouse rather than parsing payload JSON (as loss and RTT already are).
-- Nullable like the others: a PING result has no throughput, a SPEEDTEST no MOS.
-- ADD COLUMN IF NOT EXISTS makes a re-run after a crash between statements harmless.
ALTER TABLE probe_results ADD COLUMN IF NOT EXISTS download_mbps Nullable(Float64) AFTER jitter_ms;
ALTER TABLE probe_results ADD COLUMN IF NOT EXISTS upload_mbps Nullable(Float64) AFTER download_mbps;
ALTER TABLE probe_results ADD COLUMN IF NOT EXISTS mos Nullable(Float64) AFTER upload_mbps;
