import { z } from 'zod';
import { HostName, LossPercent, Milliseconds } from './units';

const NullableMs = Milliseconds.nullable();

/** PING: one run of `count` echo requests toward one target. RTT statistics are null when nothing came back. */
export const PingPayload = z.object({
  target: HostName,
  address: z.string().max(64).nullable(),
  sent: z.number().int().min(0),
  received: z.number().int().min(0),
  loss_pct: LossPercent,
  rtt_min_ms: NullableMs,
  rtt_avg_ms: NullableMs,
  rtt_max_ms: NullableMs,
  rtt_stddev_ms: NullableMs,
  /** Mean absolute difference between consecutive RTTs (RFC 3550 style, without smoothing). */
  jitter_ms: NullableMs,
  rtt_p50_ms: NullableMs,
  rtt_p95_ms: NullableMs,
  rtt_p99_ms: NullableMs,
  /** Per-packet RTTs by sequence number; null for a packet that got no reply. */
  rtts_ms: z.array(NullableMs).max(10_000),
  error: z.string().max(500).optional(),
});
export type PingPayload = z.infer<typeof PingPayload>;

export const MtrHop = z.object({
  hop: z.number().int().min(1).max(255),
  /** Null for a hop that never answered (mtr prints "???"). */
  address: z.string().max(64).nullable(),
  hostname: z.string().max(253).nullable(),
  loss_pct: LossPercent,
  sent: z.number().int().min(0),
  last_ms: NullableMs,
  avg_ms: NullableMs,
  best_ms: NullableMs,
  worst_ms: NullableMs,
  stddev_ms: NullableMs,
});
export type MtrHop = z.infer<typeof MtrHop>;

export const MtrPayload = z.object({
  target: HostName,
  hops: z.array(MtrHop).max(255),
  error: z.string().max(500).optional(),
});
export type MtrPayload = z.infer<typeof MtrPayload>;

export const SysinfoPayload = z.object({
  hostname: z.string().max(253),
  os: z.object({
    platform: z.string().max(64),
    type: z.string().max(64),
    release: z.string().max(128),
    arch: z.string().max(32),
    distro: z.string().max(200).nullable(),
  }),
  kernel: z.string().max(200),
  cpu: z.object({
    model: z.string().max(200),
    cores: z.number().int().min(0),
    load_avg: z.array(z.number().min(0)).max(3),
  }),
  memory: z.object({ total_bytes: z.number().min(0), free_bytes: z.number().min(0) }),
  disks: z
    .array(z.object({ mount: z.string().max(512), total_bytes: z.number().min(0), free_bytes: z.number().min(0) }))
    .max(256),
  uptime_sec: z.number().min(0),
  agent_version: z.string().max(64),
});
export type SysinfoPayload = z.infer<typeof SysinfoPayload>;

export const NetinfoInterface = z.object({
  name: z.string().max(64),
  mac: z.string().max(32).nullable(),
  addresses: z
    .array(z.object({ address: z.string().max(64), family: z.enum(['IPv4', 'IPv6']), cidr: z.string().max(70).nullable() }))
    .max(256),
});

export const NetinfoPayload = z.object({
  hostname: z.string().max(253),
  interfaces: z.array(NetinfoInterface).max(256),
  default_gateway: z.string().max(64).nullable(),
  dns_servers: z.array(z.string().max(64)).max(32),
  /** As the controller sees the agent (GET /agent/api/whoami); null when it could not be asked. */
  public_ip: z.string().max(64).nullable(),
});
export type NetinfoPayload = z.infer<typeof NetinfoPayload>;

/** Later probe types keep a bounded free-form payload until their own schemas land. */
export const GenericPayload = z.record(z.unknown());
