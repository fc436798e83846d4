/** The probe types a workspace can configure. AGENT is a plan that expands into PING/MTR toward a peer. */
export const PROBE_TYPES = ['PING', 'MTR', 'SPEEDTEST', 'SYSINFO', 'NETINFO', 'TRAFFICSIM', 'AGENT'] as const;
export type ProbeType = (typeof PROBE_TYPES)[number];

export function isProbeType(value: unknown): value is ProbeType {
  return typeof value === 'string' && (PROBE_TYPES as readonly string[]).includes(value);
}
