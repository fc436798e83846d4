import { MigrationInterface, QueryRunner } from 'typeorm';

/** VIEWER: a workspace role below USER that reads everything and changes nothing. */
export class ViewerRole1764460800000 implements MigrationInterface {
  name = 'ViewerRole1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE workspace_members DROP CONSTRAINT workspace_members_role_check`);
    await q.query(
      `ALTER TABLE workspace_members ADD CONSTRAINT workspace_members_role_check CHECK (role IN ('VIEWER','USER','ADMIN','OWNER'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM workspace_members WHERE role = 'VIEWER'`);
    await q.query(`ALTER TABLE workspace_members DROP CONSTRAINT workspace_members_role_check`);
    await q.query(
      `ALTER TABLE workspace_members ADD CONSTRAINT workspace_members_role_check CHECK (role IN ('USER','ADMIN','OWNER'))`,
    );
  }
}
