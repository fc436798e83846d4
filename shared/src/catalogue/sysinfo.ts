import { z } from 'zod';
import { measurement, NO_METRICS } from './catalogue.types';

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

export const SYSINFO = measurement({
  rules: {
    interval: { min: 60, max: 86_400, default: 3_600 },
    timeout: { min: 1, max: 300, default: 30 },
    count: null,
    duration: null,
    targets: 'none',
    server: false,
  },
  result: { payload: SysinfoPayload, metrics: () => NO_METRICS, alertMetrics: [], chartable: false },
});
