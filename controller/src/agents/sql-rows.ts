import type { EntityManager } from 'typeorm';

/**
 * Runs an `UPDATE … RETURNING` and gives back its rows. TypeORM's Postgres runner answers
 * UPDATE/DELETE with `[rows, affectedCount]` and everything else with the rows; this hides it.
 * Raw SQL is used where the statement must be one atomic read-modify-write (counters,
 * conditional consumes) or must not touch `updated_at` (heartbeats, failed PIN attempts).
 */
export async function updateReturning<Row>(manager: EntityManager, sql: string, params: unknown[]): Promise<Row[]> {
  const result: unknown = await manager.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as Row[];
  }
  return result as Row[];
}
