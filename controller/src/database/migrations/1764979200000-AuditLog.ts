import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log (controller/src/audit). No foreign keys on purpose: entries outlive the
 * workspaces, users and tokens they name. `(COALESCE(workspace_id, 0), seq)` is unique, so two
 * writers that somehow both extended one chain head would fail instead of forking the chain.
 */
export class AuditLog1764979200000 implements MigrationInterface {
  name = 'AuditLog1764979200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_entries (
        id bigserial PRIMARY KEY,
        workspace_id integer,
        seq bigint NOT NULL,
        at timestamptz NOT NULL,
        actor_user_id integer,
        actor_token_id integer,
        source_address text,
        request_id text,
        action text NOT NULL,
        target_type text,
        target_id text,
        changes jsonb NOT NULL,
        prev_hash char(64) NOT NULL,
        hash char(64) NOT NULL
      )`);
    await q.query(
      `CREATE UNIQUE INDEX audit_entries_chain_seq_idx ON audit_entries ((COALESCE(workspace_id, 0)), seq)`,
    );
    await q.query(`CREATE INDEX audit_entries_at_idx ON audit_entries (at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_entries`);
  }
}
