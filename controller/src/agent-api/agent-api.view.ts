import type { GeoIpView } from '../lookups/geoip/geoip.view';

/** GeoIP fields without the address, which the enclosing object already names. */
export type AgentGeoIpView = Omit<GeoIpView, 'ip'>;

export interface AgentIpView {
  ip: string;
  geoip?: AgentGeoIpView;
  reverse_dns?: string | null;
  timestamp: string;
  /** Parts that failed, by name; the rest still answers. */
  errors?: { geoip?: string; reverse_dns?: string };
}
