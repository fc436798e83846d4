import { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-agent self-update policy (agent-release/). No row means "auto": follow the current release. */
export class AgentUpdatePolicies1764400000000 implements MigrationInterface {
  name = 'AgentUpdatePolicies1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agent_update_policies (
        agent_id integer PRIMARY KEY REFERENCES agents(id) ON DELETE CASCADE,
        mode text NOT NULL CHECK (mode IN ('auto','disabled','pinned')),
        pinned_version text CHECK ((mode = 'pinned') = (pinned_version IS NOT NULL)),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE agent_update_policies');
  }
}
