import type { ChainedEntry } from './audit-chain';
import type { AuditEntryEntity } from './audit-entry.entity';

/** One audit entry as the API shows it (and the CSV export's columns, in this order). */
export interface AuditEntryView extends ChainedEntry {
  id: number;
  hash: string;
}

export const AUDIT_COLUMNS: readonly (keyof AuditEntryView)[] = [
  'id',
  'workspace_id',
  'seq',
  'at',
  'actor_user_id',
  'actor_token_id',
  'source_address',
  'request_id',
  'action',
  'target_type',
  'target_id',
  'changes',
  'prev_hash',
  'hash',
];

export function toAuditEntryView(row: AuditEntryEntity): AuditEntryView {
  return { id: Number(row.id), ...chainedEntryOf(row), hash: row.hash };
}

/** The hashed content of a stored row, in the form the writer hashed it. */
export function chainedEntryOf(row: AuditEntryEntity): ChainedEntry {
  return {
    workspace_id: row.workspaceId,
    seq: Number(row.seq),
    at: row.at.toISOString(),
    actor_user_id: row.actorUserId,
    actor_token_id: row.actorTokenId,
    source_address: row.sourceAddress,
    request_id: row.requestId,
    action: row.action,
    target_type: row.targetType,
    target_id: row.targetId,
    changes: row.changes,
    prev_hash: row.prevHash,
  };
}

/** GET …/audit/verify. */
export interface AuditVerifyView {
  /** True when every kept entry is intact and linked to the one before it. */
  ok: boolean;
  /** Entries checked (the whole kept chain, or up to the first break). */
  checked: number;
  /** The oldest kept entry's seq: older ones were pruned (AUDIT_RETENTION_DAYS). */
  first_seq: number | null;
  last_seq: number | null;
  /** The first entry that does not verify, and why. */
  broken: { id: number; seq: number; reason: string } | null;
}
