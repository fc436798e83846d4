import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Revocable sessions and login lockout. `session_epoch` is carried in every JWT: raising it
 * (password change) invalidates every token issued before; `revoked_sessions` lists single
 * tokens (logout) until they would have expired anyway.
 */
export class AuthSessions1764547200000 implements MigrationInterface {
  name = 'AuthSessions1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN session_epoch integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE users ADD COLUMN failed_logins integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE users ADD COLUMN locked_until timestamptz`);
    await q.query(`
      CREATE TABLE revoked_sessions (
        jti uuid PRIMARY KEY,
        user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX revoked_sessions_expires_at_idx ON revoked_sessions (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE revoked_sessions`);
    await q.query(`ALTER TABLE users DROP COLUMN locked_until`);
    await q.query(`ALTER TABLE users DROP COLUMN failed_logins`);
    await q.query(`ALTER TABLE users DROP COLUMN session_epoch`);
  }
}
