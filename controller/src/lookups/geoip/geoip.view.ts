import type { ReservedRange } from '../reserved-ranges';
import type { AsnInfo } from './asn-ranges';
import type { GeoFields } from './geo-record';

/**
 * One address. Fields a database has no data for are left out (1.1.1.1, for example, has a
 * network owner but no city); private and other special-purpose addresses carry `reserved`
 * instead of a location.
 */
export interface GeoIpView extends GeoFields {
  ip: string;
  asn?: AsnInfo;
  reserved?: ReservedRange;
}

export interface GeoIpListView {
  data: GeoIpView[];
  total: number;
}

export interface GeoIpStatusView {
  city: boolean;
  country: boolean;
  asn: boolean;
}
