import type { DataSource } from 'typeorm';

/**
 * Columns a refused request may legitimately change: failed logins and wrong PINs are counted
 * (that is how lockouts work), and failed logins are audited.
 */
const COUNTERS = ['failed_logins', 'locked_until', 'pin_failed_attempts', 'pin_locked_until'];
const AUDITED_REFUSALS = ['auth.login_failed'];

/**
 * One SQL statement that sums up every table: its row count and an order-independent checksum
 * of its rows (a sum of 64-bit row hashes: no sort, cheap enough to run after every request).
 */
export async function snapshotQuery(db: DataSource, alsoIgnore: readonly string[] = []): Promise<string> {
  const tables: Array<{ table_name: string }> = await db.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const counters = `ARRAY[${[...COUNTERS, ...alsoIgnore].map((c) => `'${c}'`).join(',')}]::text[]`;
  return tables
    .map(({ table_name: t }) => {
      const row = `(to_jsonb(x) - ${counters})::text`;
      const where =
        t === 'audit_entries' ? `WHERE x.action NOT IN (${AUDITED_REFUSALS.map((a) => `'${a}'`).join(',')})` : '';
      return `SELECT '${t}' AS t, count(*)::int AS n, coalesce(sum(hashtextextended(${row}, 0)), 0)::text AS sum FROM "${t}" x ${where}`;
    })
    .join(' UNION ALL ');
}

export async function snapshot(db: DataSource, sql: string): Promise<Record<string, string>> {
  const rows: Array<{ t: string; n: number; sum: string }> = await db.query(sql);
  return Object.fromEntries(rows.map((r) => [r.t, `${r.n}:${r.sum}`]));
}

/** The tables whose content differs, for a readable failure. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]);
}
