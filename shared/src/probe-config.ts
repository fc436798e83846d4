import { z } from 'zod';
import { PROBE_TYPES } from './catalogue';
import { HostName, Id } from './units';

/**
 * A TRAFFICSIM pair key as the agent receives it: `key_id` names it inside every packet (the
 * server looks the key up by it), `key` is 32 random bytes, base64. Only ever sent to the two
 * agents of the pair, never shown by the REST API.
 */
export const TrafficsimPeerKey = z.object({
  key_id: z.number().int().min(1).max(4_294_967_295),
  key: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'a 32-byte key in base64'),
});
export type TrafficsimPeerKey = z.infer<typeof TrafficsimPeerKey>;

/**
 * The TRAFFICSIM part of a probe's configuration. A client gets its packet settings and one
 * `peer` (address and port to send to, and the pair key; address null while the server agent's
 * address is unknown). A server gets its port and `clients`: the key of every client paired with
 * it, the only packets it answers. An AGENT probe gets one `peers` entry per peer agent that runs
 * a TRAFFICSIM server, so its plan adds a TRAFFICSIM run toward it.
 */
export const TrafficsimConfig = z.object({
  port: z.number().int().min(1024).max(65_535),
  rate_pps: z.number().int().min(1).max(1_000),
  packet_size: z.number().int().min(80).max(1_400),
  peer: z
    .object({ agent_id: Id.nullable(), address: z.string().max(253).nullable(), port: z.number().int().min(1).max(65_535) })
    .merge(TrafficsimPeerKey)
    .nullable()
    .optional(),
  clients: z.array(TrafficsimPeerKey).max(10_000).optional(),
  peers: z
    .array(z.object({ agent_id: Id, address: z.string().max(253).nullable(), port: z.number().int().min(1).max(65_535) }).merge(TrafficsimPeerKey))
    .max(100)
    .optional(),
});
export type TrafficsimConfig = z.infer<typeof TrafficsimConfig>;

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
  /** TRAFFICSIM clients and servers, and AGENT probes whose peers run a TRAFFICSIM server. */
  trafficsim: TrafficsimConfig.optional(),
});
export type ProbeConfig = z.infer<typeof ProbeConfig>;

export const ProbeConfigSet = z.object({
  probes: z.array(ProbeConfig).max(10_000),
  /** Changes whenever the set changes, so an agent can ignore a push it already applied. */
  revision: z.string().max(128),
});
export type ProbeConfigSet = z.infer<typeof ProbeConfigSet>;
