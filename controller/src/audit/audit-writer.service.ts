import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditChange, AuditTrail } from '../common/audit-trail';
import { currentRequestContext } from '../common/request-context';
import { ChainedEntry, entryHash, GENESIS_HASH, sanitiseChanges } from './audit-chain';

/** First key of the two-key advisory lock: "the audit chains" (the second is the chain). */
const AUDIT_LOCK_CLASS = 0x617564; // 'aud'
const INSTANCE_CHAIN = 0;

/** The chain's key: the workspace id, or 0 for the instance chain. */
export function chainKey(workspaceId: number | null): number {
  return workspaceId ?? INSTANCE_CHAIN;
}

/**
 * Appends entries to their chain. Writers of one chain are serialised by a transaction-scoped
 * advisory lock taken before the head is read, so two writers can never both extend the same
 * head (the unique (chain, seq) index would refuse a fork anyway). The lock is held until the
 * caller's transaction ends: a change and its record commit together.
 */
@Injectable()
export class AuditWriter extends AuditTrail {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  record(change: AuditChange, em?: EntityManager): Promise<void> {
    if (em) return this.append(em, change);
    return this.db.transaction((own) => this.append(own, change));
  }

  private async append(em: EntityManager, change: AuditChange): Promise<void> {
    const chain = chainKey(change.workspaceId);
    await em.query('SELECT pg_advisory_xact_lock($1, $2)', [AUDIT_LOCK_CLASS, chain]);
    const [head] = await em.query<Array<{ seq: string; hash: string }>>(
      'SELECT seq, hash FROM audit_entries WHERE COALESCE(workspace_id, 0) = $1 ORDER BY seq DESC LIMIT 1',
      [chain],
    );
    const context = currentRequestContext();
    const entry: ChainedEntry = {
      workspace_id: change.workspaceId,
      seq: head ? Number(head.seq) + 1 : 1,
      at: new Date().toISOString(),
      actor_user_id: context?.userId ?? change.actorUserId ?? null,
      actor_token_id: context?.tokenId ?? null,
      source_address: context?.sourceAddress ?? null,
      request_id: context?.requestId ?? null,
      action: change.action,
      target_type: change.target?.type ?? null,
      target_id: change.target === undefined ? null : String(change.target.id),
      changes: sanitiseChanges(change.changes ?? {}),
      prev_hash: head?.hash ?? GENESIS_HASH,
    };
    await em.query(
      `INSERT INTO audit_entries (workspace_id, seq, at, actor_user_id, actor_token_id, source_address, request_id,
                                  action, target_type, target_id, changes, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        entry.workspace_id,
        entry.seq,
        entry.at,
        entry.actor_user_id,
        entry.actor_token_id,
        entry.source_address,
        entry.request_id,
        entry.action,
        entry.target_type,
        entry.target_id,
        JSON.stringify(entry.changes),
        entry.prev_hash,
        entryHash(entry),
      ],
    );
  }
}
