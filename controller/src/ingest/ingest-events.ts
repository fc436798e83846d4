import type { FlushStats } from './batch-writer';
import type { PostRefusal, RejectionReason } from './result-validation';

/**
 * What the ingest pipeline tells whoever watches it (metrics/): operational facts with no
 * meaning for the domain, so they travel a hook on IngestService, not the domain-event bus.
 * - rejected: `count` results of a post were refused for `reason`; the rest of it went on.
 * - refused: a whole post was refused (`busy`: the write queue is full, the agent sends it again).
 * - flushed / flush_failed: one write to the time-series store.
 */
export type IngestEvent =
  | { kind: 'rejected'; reason: RejectionReason; count: number }
  | { kind: 'refused'; reason: PostRefusal | 'busy'; results: number }
  | { kind: 'flushed'; stats: FlushStats }
  | { kind: 'flush_failed'; error: unknown };
