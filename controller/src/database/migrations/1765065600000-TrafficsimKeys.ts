import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * TRAFFICSIM pair keys (probes/): one random HMAC key per (client probe, peer), handed to the
 * client and to the server agent in `probe_get`, never to the REST API. `id` is the key id the
 * packets carry. A row is deleted when its pair changes (and made afresh on the next config
 * fetch), which is the rotation; the client probe's deletion takes its keys along.
 */
export class TrafficsimKeys1765065600000 implements MigrationInterface {
  name = 'TrafficsimKeys1765065600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE trafficsim_keys (
        id serial PRIMARY KEY,
        workspace_id integer NOT NULL,
        client_probe_id integer NOT NULL REFERENCES probes(id) ON DELETE CASCADE,
        peer text NOT NULL,
        server_agent_id integer,
        secret text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX trafficsim_keys_pair_key ON trafficsim_keys (client_probe_id, peer)`);
    await q.query(`CREATE INDEX trafficsim_keys_server_idx ON trafficsim_keys (workspace_id, server_agent_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE trafficsim_keys`);
  }
}
