import type { GeoIpView } from '../geoip/geoip.view';
import type { WhoisView } from '../whois/whois.view';

export interface CachedGeoIpView extends GeoIpView {
  cached: boolean;
  cache_time: string;
}

/** Which part failed and why; the other parts still answer. */
export interface CombinedErrors {
  geoip?: string;
  whois?: string;
  reverse_dns?: string;
}

export interface CombinedView {
  ip: string;
  /** Present only when the request named a host rather than an address. */
  hostname?: string;
  geoip: CachedGeoIpView | null;
  /** Null for private and other special-purpose addresses: they have no public WHOIS record. */
  whois: WhoisView | null;
  reverse_dns: string | null;
  /** True when every cached part came from the cache. */
  cached: boolean;
  /** When the oldest cached part was looked up. */
  cache_time: string;
  errors?: CombinedErrors;
}
