import { MigrationInterface, QueryRunner } from 'typeorm';

/** Alert rules, per-series evaluation state, alerts with their history, maintenance windows and the notification outbox. */
export class Alerts1764720000000 implements MigrationInterface {
  name = 'Alerts1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alert_rules (
        id serial PRIMARY KEY,
        workspace_id integer NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        name text NOT NULL,
        metric text NOT NULL,
        operator text NOT NULL CHECK (operator IN ('>','>=','<','<=','==','!=')),
        threshold double precision NOT NULL,
        clear_threshold double precision,
        severity text NOT NULL CHECK (severity IN ('info','warning','critical')),
        probe_id integer,
        agent_id integer,
        target text,
        quorum_min_agents integer NOT NULL DEFAULT 0,
        sustain_count integer NOT NULL DEFAULT 1,
        sustain_seconds integer NOT NULL DEFAULT 0,
        renotify_seconds integer,
        cooldown_seconds integer NOT NULL DEFAULT 0,
        flap_window_seconds integer,
        flap_max_transitions integer,
        notify_panel boolean NOT NULL DEFAULT true,
        notify_webhook boolean NOT NULL DEFAULT false,
        webhook_url text,
        webhook_secret text,
        webhook_template text NOT NULL DEFAULT 'json',
        notify_email boolean NOT NULL DEFAULT false,
        email_to jsonb NOT NULL DEFAULT '[]',
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX alert_rules_workspace_idx ON alert_rules (workspace_id)`);

    // One row per (rule, series): a series is one probe/agent/target the rule watches, or
    // for quorum rules one agent's view ('view:…') and the target's verdict ('quorum:…').
    await q.query(`
      CREATE TABLE alert_series (
        rule_id integer NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
        series_key text NOT NULL,
        state jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (rule_id, series_key)
      )`);

    await q.query(`
      CREATE TABLE alerts (
        id serial PRIMARY KEY,
        workspace_id integer NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        rule_id integer REFERENCES alert_rules(id) ON DELETE SET NULL,
        series_key text NOT NULL,
        probe_id integer,
        agent_id integer,
        target text,
        metric text NOT NULL,
        value double precision NOT NULL,
        threshold double precision NOT NULL,
        severity text NOT NULL,
        status text NOT NULL CHECK (status IN ('active','acknowledged','resolved')),
        fault_at text,
        triggered_at timestamptz NOT NULL,
        acknowledged_at timestamptz,
        acknowledged_by integer REFERENCES users(id) ON DELETE SET NULL,
        resolved_at timestamptz
      )`);
    // At most one open alert per series: a second replica evaluating the same change cannot open another.
    await q.query(`CREATE UNIQUE INDEX alerts_open_series_uq ON alerts (rule_id, series_key) WHERE status <> 'resolved'`);
    await q.query(`CREATE INDEX alerts_workspace_status_idx ON alerts (workspace_id, status, triggered_at DESC)`);

    await q.query(`
      CREATE TABLE alert_history (
        id bigserial PRIMARY KEY,
        alert_id integer NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        kind text NOT NULL,
        value double precision,
        suppressed text,
        actor_user_id integer REFERENCES users(id) ON DELETE SET NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX alert_history_alert_idx ON alert_history (alert_id, id)`);

    await q.query(`
      CREATE TABLE maintenance_windows (
        id serial PRIMARY KEY,
        workspace_id integer NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        agent_id integer,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
        reason text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX maintenance_windows_workspace_idx ON maintenance_windows (workspace_id, ends_at)`);

    // Written in the same transaction as the alert change it announces, sent by a worker: a
    // crash between the two loses nothing, and SKIP LOCKED lets replicas share the work.
    await q.query(`
      CREATE TABLE notification_outbox (
        id bigserial PRIMARY KEY,
        workspace_id integer NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        alert_id integer REFERENCES alerts(id) ON DELETE CASCADE,
        rule_id integer REFERENCES alert_rules(id) ON DELETE CASCADE,
        channel text NOT NULL CHECK (channel IN ('webhook','email')),
        event text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('pending','sent','dead')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        last_status integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await q.query(`CREATE INDEX notification_outbox_due_idx ON notification_outbox (next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX notification_outbox_workspace_idx ON notification_outbox (workspace_id, status, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['notification_outbox', 'maintenance_windows', 'alert_history', 'alerts', 'alert_series', 'alert_rules']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
