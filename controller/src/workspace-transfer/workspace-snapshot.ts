import { z } from 'zod';

/** The content type of a sealed workspace export. */
export const WORKSPACE_SNAPSHOT = 'netwatcher-workspace';
export const SNAPSHOT_VERSION = 1;

/**
 * Agents, probes and rules refer to each other by `ref` inside a file (ids mean nothing in
 * another workspace). The fields themselves are checked on import by the owners' DTOs, so this
 * schema only fixes the shape and bounds the sizes.
 */
const Ref = z.string().min(1).max(40);
const JsonObject = z.record(z.unknown());
const Limits = { agents: 5_000, probes: 50_000, rules: 5_000 } as const;

export const SnapshotAgent = z.object({
  ref: Ref,
  name: z.string(),
  description: z.string(),
  location: z.string(),
  public_ip_override: z.string(),
  labels: JsonObject,
  metadata: JsonObject,
});

export const SnapshotProbe = z.object({
  ref: Ref,
  agent_ref: Ref,
  type: z.string(),
  enabled: z.boolean(),
  interval_sec: z.number(),
  timeout_sec: z.number(),
  count: z.number(),
  duration_sec: z.number(),
  server: z.boolean(),
  targets: z.array(z.string()),
  agent_target_refs: z.array(Ref),
  labels: JsonObject,
  metadata: JsonObject,
});

/** An alert rule's own fields (the seed's names) plus its scope by ref; never its webhook secret. */
export const SnapshotRule = z
  .object({
    probe_ref: Ref.nullable(),
    agent_ref: Ref.nullable(),
  })
  .catchall(z.unknown());

export const WorkspaceSnapshot = z.object({
  snapshot_version: z.literal(SNAPSHOT_VERSION),
  exported_at: z.string(),
  source: z.object({ workspace_id: z.number(), workspace_name: z.string(), controller_version: z.string() }),
  agents: z.array(SnapshotAgent).max(Limits.agents),
  probes: z.array(SnapshotProbe).max(Limits.probes),
  alert_rules: z.array(SnapshotRule).max(Limits.rules),
});

export type SnapshotAgent = z.infer<typeof SnapshotAgent>;
export type SnapshotProbe = z.infer<typeof SnapshotProbe>;
export type SnapshotRule = z.infer<typeof SnapshotRule>;
export type WorkspaceSnapshot = z.infer<typeof WorkspaceSnapshot>;
