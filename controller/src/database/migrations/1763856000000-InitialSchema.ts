import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763856000000 implements MigrationInterface {
  name = 'InitialSchema1763856000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id serial PRIMARY KEY,
        email text NOT NULL,
        password_hash text NOT NULL,
        name text NOT NULL DEFAULT '',
        role text NOT NULL DEFAULT 'USER' CHECK (role IN ('USER','ADMIN')),
        verified boolean NOT NULL DEFAULT false,
        labels jsonb NOT NULL DEFAULT '{}',
        metadata jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_uq ON users (email)`);

    await q.query(`
      CREATE TABLE workspaces (
        id serial PRIMARY KEY,
        name text NOT NULL,
        owner_id integer NOT NULL REFERENCES users(id),
        description text NOT NULL DEFAULT '',
        settings jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(`CREATE INDEX workspaces_owner_idx ON workspaces (owner_id)`);

    await q.query(`
      CREATE TABLE workspace_members (
        id serial PRIMARY KEY,
        workspace_id integer NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        user_id integer REFERENCES users(id) ON DELETE CASCADE,
        email text NOT NULL,
        role text NOT NULL CHECK (role IN ('USER','ADMIN','OWNER')),
        meta jsonb NOT NULL DEFAULT '{}',
        invited_by integer REFERENCES users(id) ON DELETE SET NULL,
        accepted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX workspace_members_user_uq ON workspace_members (workspace_id, user_id) WHERE user_id IS NOT NULL`,
    );
    await q.query(`CREATE UNIQUE INDEX workspace_members_email_uq ON workspace_members (workspace_id, email)`);
    await q.query(`CREATE INDEX workspace_members_user_idx ON workspace_members (user_id)`);

    await q.query(`
      CREATE TABLE agents (
        id serial PRIMARY KEY,
        workspace_id integer NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        location text NOT NULL DEFAULT '',
        public_ip_override text NOT NULL DEFAULT '',
        version text NOT NULL DEFAULT '',
        last_seen_at timestamptz,
        initialized boolean NOT NULL DEFAULT false,
        labels jsonb NOT NULL DEFAULT '{}',
        metadata jsonb NOT NULL DEFAULT '{}',
        psk_hash text,
        pin_hash text,
        pin_expires_at timestamptz,
        pin_failed_attempts integer NOT NULL DEFAULT 0,
        pin_locked_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(`CREATE INDEX agents_workspace_idx ON agents (workspace_id)`);

    await q.query(`
      CREATE TABLE probes (
        id serial PRIMARY KEY,
        workspace_id integer NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        agent_id integer NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
        type text NOT NULL CHECK (type IN ('PING','MTR','SPEEDTEST','SYSINFO','NETINFO','TRAFFICSIM','AGENT')),
        enabled boolean NOT NULL DEFAULT true,
        interval_sec integer NOT NULL,
        timeout_sec integer NOT NULL,
        count integer NOT NULL DEFAULT 0,
        duration_sec integer NOT NULL DEFAULT 0,
        server boolean NOT NULL DEFAULT false,
        targets jsonb NOT NULL DEFAULT '[]',
        agent_targets jsonb NOT NULL DEFAULT '[]',
        labels jsonb NOT NULL DEFAULT '{}',
        metadata jsonb NOT NULL DEFAULT '{}',
        reverse_of_probe_id integer REFERENCES probes(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX probes_agent_idx ON probes (workspace_id, agent_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE probes`);
    await q.query(`DROP TABLE agents`);
    await q.query(`DROP TABLE workspace_members`);
    await q.query(`DROP TABLE workspaces`);
    await q.query(`DROP TABLE users`);
  }
}
