import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Caller } from '../caller';
import { isScope } from '../scopes';
import { hashTokenSecret, isTokenSecret } from './token-secret';

/** `last_used_at` is written at most this often per token and replica, not once per request. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;

interface TokenRow {
  id: number;
  user_id: number;
  email: string;
  scopes: string[];
  workspace_ids: number[] | null;
}

/**
 * Turns an API token secret into a Caller, or null when no live token has it (unknown, deleted,
 * expired, or its user is gone). Part of AuthenticateService; a class of its own for the
 * throttled `last_used_at` bookkeeping.
 */
@Injectable()
export class ApiTokenVerifier {
  private readonly logger = new Logger(ApiTokenVerifier.name);
  /** Token id → when this replica last wrote its `last_used_at`. */
  private readonly lastWritten = new Map<number, number>();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async verify(secret: string): Promise<Caller | null> {
    if (!isTokenSecret(secret)) return null;
    // One query answers all: the hash finds the token, the join drops a deleted user's tokens
    // at once, the expiry is compared by the database clock that stored it.
    const rows: TokenRow[] = await this.db.query(
      `SELECT t.id, t.user_id, u.email, t.scopes, t.workspace_ids
         FROM api_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.secret_hash = $1 AND (t.expires_at IS NULL OR t.expires_at > now())`,
      [hashTokenSecret(secret)],
    );
    const row = rows[0];
    if (!row) return null;
    this.noteUse(row.id);
    return {
      userId: row.user_id,
      email: row.email,
      // A scope later removed from scopes.ts grants nothing rather than failing the request.
      scopes: row.scopes.filter(isScope),
      tokenId: row.id,
      ...(row.workspace_ids ? { workspaceIds: row.workspace_ids.map(Number) } : {}),
    };
  }

  /** Fire-and-forget: bookkeeping must neither slow nor fail the request it describes. */
  private noteUse(tokenId: number): void {
    const now = Date.now();
    const last = this.lastWritten.get(tokenId);
    if (last !== undefined && now - last < LAST_USED_WRITE_INTERVAL_MS) return;
    this.lastWritten.set(tokenId, now);
    if (this.lastWritten.size > 10_000) this.forgetOldest(now);
    this.db.query(`UPDATE api_tokens SET last_used_at = now() WHERE id = $1`, [tokenId]).catch((e: unknown) => {
      this.lastWritten.delete(tokenId);
      this.logger.warn({ err: e, token_id: tokenId }, 'could not record last_used_at');
    });
  }

  private forgetOldest(now: number): void {
    for (const [id, at] of this.lastWritten) {
      if (now - at >= LAST_USED_WRITE_INTERVAL_MS) this.lastWritten.delete(id);
    }
  }
}
