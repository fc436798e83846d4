import type { DataSource } from 'typeorm';
import { ApiTokenVerifier } from './api-token.verifier';
import { newTokenSecret } from './token-secret';

/** A DataSource stand-in that finds one token and records every statement. */
function fakeDb(row: Record<string, unknown> | undefined) {
  const statements: string[] = [];
  const db = {
    query: (sql: string) => {
      statements.push(sql.trim().split(/\s+/)[0]);
      return Promise.resolve(sql.trim().startsWith('SELECT') ? (row ? [row] : []) : []);
    },
  };
  return { db: db as unknown as DataSource, statements };
}

const ROW = { id: 7, user_id: 3, email: 'a@example.test', scopes: ['probes:read', 'gone:scope'], workspace_ids: [4, 9] };

describe('ApiTokenVerifier', () => {
  it('builds the caller from the token: its scopes (unknown ones dropped), id and workspaces', async () => {
    const { db } = fakeDb(ROW);
    const caller = await new ApiTokenVerifier(db).verify(newTokenSecret().secret);
    expect(caller).toEqual({ userId: 3, email: 'a@example.test', scopes: ['probes:read'], tokenId: 7, workspaceIds: [4, 9] });
  });

  it('does not ask the database about a malformed secret, and finds nothing for an unknown one', async () => {
    const { db, statements } = fakeDb(undefined);
    const verifier = new ApiTokenVerifier(db);
    expect(await verifier.verify('nwt_tooshort')).toBeNull();
    expect(statements).toEqual([]);
    expect(await verifier.verify(newTokenSecret().secret)).toBeNull();
    expect(statements).toEqual(['SELECT']);
  });

  it('writes last_used_at once per interval, not once per request', async () => {
    const { db, statements } = fakeDb(ROW);
    const verifier = new ApiTokenVerifier(db);
    const { secret } = newTokenSecret();
    for (let i = 0; i < 5; i++) await verifier.verify(secret);
    expect(statements.filter((s) => s === 'UPDATE')).toHaveLength(1);
    expect(statements.filter((s) => s === 'SELECT')).toHaveLength(5);
  });
});
