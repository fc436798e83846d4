import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Path history and route changes (controller/src/network-map, README "Network map"). One row
 * per distinct path of a (probe, agent, target) series, the one taken last marked current; one
 * row per detected route change. Rows go with their workspace, probe or agent.
 */
export class RouteHistory1765040000000 implements MigrationInterface {
  name = 'RouteHistory1765040000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE route_paths (
        id serial PRIMARY KEY,
        workspace_id integer NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        probe_id integer NOT NULL REFERENCES probes(id) ON DELETE CASCADE,
        agent_id integer NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
        target text NOT NULL,
        signature text NOT NULL,
        hops jsonb NOT NULL,
        as_path jsonb NOT NULL,
        first_seen timestamptz NOT NULL,
        last_seen timestamptz NOT NULL,
        seen_count integer NOT NULL,
        is_current boolean NOT NULL
      )`);
    // md5: a long path's signature (up to 255 IPv6 hops) would not fit a btree entry.
    await q.query(`CREATE UNIQUE INDEX route_paths_series_signature_idx ON route_paths (probe_id, agent_id, target, md5(signature))`);
    await q.query(`CREATE INDEX route_paths_workspace_idx ON route_paths (workspace_id)`);
    await q.query(`
      CREATE TABLE route_changes (
        id serial PRIMARY KEY,
        workspace_id integer NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        probe_id integer NOT NULL REFERENCES probes(id) ON DELETE CASCADE,
        agent_id integer NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
        target text NOT NULL,
        kind text NOT NULL,
        detected_at timestamptz NOT NULL,
        before_hops jsonb NOT NULL,
        after_hops jsonb NOT NULL,
        before_as_path jsonb NOT NULL,
        after_as_path jsonb NOT NULL,
        added jsonb NOT NULL,
        removed jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX route_changes_workspace_time_idx ON route_changes (workspace_id, detected_at DESC, id DESC)`);
    await q.query(`CREATE INDEX route_changes_probe_idx ON route_changes (probe_id)`);
    await q.query(`CREATE INDEX route_changes_agent_idx ON route_changes (agent_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE route_changes`);
    await q.query(`DROP TABLE route_paths`);
  }
}
