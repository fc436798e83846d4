import { z } from 'zod';
import { measurement, NO_METRICS } from './catalogue.types';

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

export const NETINFO = measurement({
  rules: {
    interval: { min: 60, max: 86_400, default: 300 },
    timeout: { min: 1, max: 300, default: 30 },
    count: null,
    duration: null,
    targets: 'none',
    server: false,
  },
  result: { payload: NetinfoPayload, metrics: () => NO_METRICS, alertMetrics: [], chartable: false },
});
