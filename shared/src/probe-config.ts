import { z } from 'zod';
import { PROBE_TYPES } from './catalogue';
import { HostName, Id } from './units';

/** A probe as the agent needs it to run: the controller's `probe_get` answer carries a list of these. */
export const ProbeConfig = z.object({
  id: Id,
  type: z.enum(PROBE_TYPES),
  enabled: z.boolean(),
  interval_sec: z.number().int().min(1).max(86_400),
  timeout_sec: z.number().int().min(1).max(3_600),
  count: z.number().int().min(0).max(10_000),
  duration_sec: z.number().int().min(0).max(86_400),
  server: z.boolean(),
  targets: z.array(HostName.or(z.string().url().max(2048))).max(100),
  /** For AGENT/TRAFFICSIM probes: the peer agents, with the address the controller resolved for each. */
  agent_targets: z.array(z.object({ id: Id, address: z.string().max(253).nullable() })).max(100),
  updated_at: z.string(),
});
export type ProbeConfig = z.infer<typeof ProbeConfig>;

export const ProbeConfigSet = z.object({
  probes: z.array(ProbeConfig).max(10_000),
  /** Changes whenever the set changes, so an agent can ignore a push it already applied. */
  revision: z.string().max(128),
});
export type ProbeConfigSet = z.infer<typeof ProbeConfigSet>;
