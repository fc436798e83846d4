import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * On-demand runs (runs/): `probe_runs`, one row per run an agent was told to start; and
 * `speedtest_queue`, the SPEEDTEST runs waiting for (or holding) their turn. The partial unique
 * indexes are the multi-replica safety net: at most one running speed test per agent, at most
 * one waiting scheduled entry per probe, whatever two controllers decide at the same moment.
 */
export class ProbeRuns1765036800000 implements MigrationInterface {
  name = 'ProbeRuns1765036800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE probe_runs (
        id serial PRIMARY KEY,
        workspace_id integer NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        agent_id integer NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
        probe_id integer REFERENCES probes(id) ON DELETE SET NULL,
        type text NOT NULL,
        config jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
        error text,
        result_ids text[] NOT NULL DEFAULT '{}',
        origin text NOT NULL CHECK (origin IN ('scheduled', 'on_demand')),
        created_by integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        deadline_at timestamptz
      )`);
    await q.query(`CREATE INDEX probe_runs_workspace_id_idx ON probe_runs (workspace_id, id)`);
    await q.query(`CREATE INDEX probe_runs_active_idx ON probe_runs (agent_id) WHERE status IN ('queued', 'running')`);
    await q.query(`
      CREATE TABLE speedtest_queue (
        id serial PRIMARY KEY,
        run_id integer NOT NULL REFERENCES probe_runs(id) ON DELETE CASCADE,
        workspace_id integer NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        agent_id integer NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
        probe_id integer REFERENCES probes(id) ON DELETE SET NULL,
        source text NOT NULL CHECK (source IN ('scheduled', 'on_demand')),
        status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX speedtest_queue_run_id_key ON speedtest_queue (run_id)`);
    await q.query(`CREATE INDEX speedtest_queue_workspace_id_idx ON speedtest_queue (workspace_id, id)`);
    await q.query(`CREATE INDEX speedtest_queue_waiting_idx ON speedtest_queue (id) WHERE status = 'queued'`);
    await q.query(`CREATE UNIQUE INDEX speedtest_queue_one_running_per_agent ON speedtest_queue (agent_id) WHERE status = 'running'`);
    await q.query(
      `CREATE UNIQUE INDEX speedtest_queue_one_scheduled_per_probe ON speedtest_queue (probe_id) WHERE source = 'scheduled' AND status IN ('queued', 'running')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE speedtest_queue`);
    await q.query(`DROP TABLE probe_runs`);
  }
}
