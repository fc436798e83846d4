import type { EntityManager } from 'typeorm';

/**
 * Runs an `UPDATE … RETURNING` or `DELETE … RETURNING` and gives back its rows. TypeORM's Postgres runner answers
 * UPDATE/DELETE with `[rows, affectedCount]` and everything else with the rows; this hides it.
 * (PGlite's driver does not report affected counts, so RETURNING is the portable way to know.)
 * Raw SQL is used where the statement must be one atomic read-modify-write (counters,
 * conditional consumes) or must not touch `updated_at` (heartbeats, failed PIN attempts).
 */
export async function writeReturning<Row>(manager: EntityManager, sql: string, params: unknown[]): Promise<Row[]> {
  const result: unknown = await manager.query(sql, params);
  // Rows are objects, never arrays, so an array in first place can only be the [rows, count] pair
  // (whose count PGlite leaves undefined).
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0])) return result[0] as Row[];
  return result as Row[];
}
